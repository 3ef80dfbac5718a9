# Unit tests (included from the top-level Makefile.am).

# libocispec
check_PROGRAMS += tests/unit/test-ocispec
tests_unit_test_ocispec_SOURCES = tests/unit/test-ocispec.c
tests_unit_test_ocispec_LDADD = libocispec/libocispec.a $(YAJL_LIBS)
tests_unit_test_ocispec_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
TESTS += tests/unit/test-ocispec
EXTRA_DIST += tests/unit/data

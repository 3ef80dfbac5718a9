# Unit tests (included from the top-level Makefile.am).

# libocispec
check_PROGRAMS += tests/unit/test-ocispec
tests_unit_test_ocispec_SOURCES = tests/unit/test-ocispec.c
tests_unit_test_ocispec_LDADD = libocispec/libocispec.a $(YAJL_LIBS)
tests_unit_test_ocispec_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
TESTS += tests/unit/test-ocispec
EXTRA_DIST += tests/unit/data

# libveil's pure code
check_PROGRAMS += tests/unit/test-libveil
tests_unit_test_libveil_SOURCES = tests/unit/test-libveil.c tests/unit/check.h
tests_unit_test_libveil_LDADD = src/libveil/libveil.a libocispec/libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)
tests_unit_test_libveil_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
TESTS += tests/unit/test-libveil

# linux.resources -> cgroup v1/v2 writes
check_PROGRAMS += tests/unit/test-cgroup-resources
tests_unit_test_cgroup_resources_SOURCES = tests/unit/test-cgroup-resources.c
tests_unit_test_cgroup_resources_LDADD = src/libveil/libveil.a libocispec/libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)
tests_unit_test_cgroup_resources_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
TESTS += tests/unit/test-cgroup-resources

# the command line's value parsers
check_PROGRAMS += tests/unit/test-cli-parse
tests_unit_test_cli_parse_SOURCES = tests/unit/test-cli-parse.c tests/unit/check.h src/cli-parse.h src/cli-parse.c
tests_unit_test_cli_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_test_cli_parse_LDADD = src/libveil/libveil.a
TESTS += tests/unit/test-cli-parse

# linux.resources and annotations -> systemd unit properties
check_PROGRAMS += tests/unit/test-systemd-props
tests_unit_test_systemd_props_SOURCES = tests/unit/test-systemd-props.c tests/unit/check.h
tests_unit_test_systemd_props_LDADD = src/libveil/libveil.a libocispec/libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)
tests_unit_test_systemd_props_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
TESTS += tests/unit/test-systemd-props

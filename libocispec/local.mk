# libocispec: typed model of the OCI runtime-spec JSON documents (the only
# code that uses yajl).  Included from the top-level Makefile.am.
noinst_LIBRARIES += libocispec/libocispec.a
libocispec_libocispec_a_SOURCES = \
	libocispec/oci.h \
	libocispec/oci-config.h \
	libocispec/internal.h \
	libocispec/json.c \
	libocispec/gen.c \
	libocispec/process.c \
	libocispec/config-parse.c \
	libocispec/config-linux-parse.c \
	libocispec/config-gen.c \
	libocispec/state.c \
	libocispec/free.c
libocispec_libocispec_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)

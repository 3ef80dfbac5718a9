/* Shared by the libFuzzer targets (tests/fuzz/fuzz-*.c): the fuzzer's bytes turned into what
 * the parsers take, and the checks every target makes of what they return. */
#ifndef VEIL_FUZZ_H
#define VEIL_FUZZ_H

#include "cgroup-resources.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The bytes as a C string: argv and the parsed JSON strings cannot hold a NUL either, so the
 * first NUL ends it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);

  if (!s)
    abort();
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* The bytes split at each newline into C strings (a list of names, one a line); free with
 * fuzz_lines_free. */
static inline char **fuzz_lines(const uint8_t *data, size_t size, size_t *n)
{
  char *copy = fuzz_cstr(data, size);
  size_t len = strlen(copy), count = 1;
  char **v;

  for (size_t i = 0; i < len; i++)
    count += copy[i] == '\n';
  v = calloc(count + 1, sizeof(char *));
  if (!v)
    abort();
  *n = 0;
  for (char *line = copy, *next; line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (!(v[(*n)++] = strdup(line)))
      abort();
  }
  free(copy);
  return v;
}

static inline void fuzz_lines_free(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

/* A library call's result: a failure must say why (an empty "veil: " is a bug). */
static inline void fuzz_check(int rc, veil_error *err)
{
  if (rc < 0 && (!err->msg || !*err->msg))
    abort();
  if (rc == 0 && err->msg)
    abort(); /* success leaves no error behind */
  veil_error_clear(err);
}

/* linux.resources as create and update turn it into cgroup writes, on v1 and on v2. */
static inline void fuzz_cgroup_writes(const oci_resources *r)
{
  veil_error err = VEIL_ERROR_INIT;
  cgroup_write *w;
  size_t n;
  int rc = cgroup_v1_writes(r, &w, &n, &err);

  if (rc == 0)
    cgroup_writes_free(w, n);
  fuzz_check(rc, &err);
  rc = cgroup_v2_writes(r, &w, &n, &err);
  if (rc == 0)
    cgroup_writes_free(w, n);
  fuzz_check(rc, &err);
}

/* Parses the bytes with a libocispec parser and returns the object (NULL when it does not
 * parse, which must come with a message).  What parses is generated, parsed and generated
 * again: the two outputs must be byte-identical. */
#define FUZZ_ROUNDTRIP(parse, gen, freefn, data, size)                                             \
  __extension__({                                                                                  \
    char *err_ = NULL;                                                                             \
    __typeof__(parse("", 0, NULL)) obj_ = parse((const char *)(data), (size), &err_);              \
    if (!obj_) {                                                                                   \
      if (!err_)                                                                                   \
        abort();                                                                                   \
      free(err_);                                                                                  \
    } else {                                                                                       \
      size_t len1_ = 0, len2_ = 0;                                                                 \
      char *out1_ = gen(obj_, &len1_, &err_);                                                      \
      if (!out1_)                                                                                  \
        abort();                                                                                   \
      __typeof__(obj_) obj2_ = parse(out1_, len1_, &err_);                                         \
      if (!obj2_)                                                                                  \
        abort(); /* what veil writes it must read back */                                          \
      char *out2_ = gen(obj2_, &len2_, &err_);                                                     \
      if (!out2_ || len1_ != len2_ || memcmp(out1_, out2_, len1_))                                 \
        abort();                                                                                   \
      free(out1_);                                                                                 \
      free(out2_);                                                                                 \
      freefn(obj2_);                                                                               \
    }                                                                                              \
    obj_;                                                                                          \
  })

#endif

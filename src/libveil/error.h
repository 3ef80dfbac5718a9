/* veil — error objects: the library returns them, only the CLI reports them. */
#ifndef VEIL_ERROR_H
#define VEIL_ERROR_H

#include <stdarg.h>

typedef struct veil_error {
  int errnum; /* errno of the root cause, 0 when there is none */
  char *msg;  /* "what failed: why", one line, owned */
} veil_error;

#define VEIL_ERROR_INIT                                                                            \
  {                                                                                                \
    0, NULL                                                                                        \
  }

/* Sets the error and returns -1, so callers can `return veil_fail(...)`.  With errnum != 0
 * the message gets ": strerror(errnum)" appended.  An error already set is replaced. */
int veil_fail(veil_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int veil_failv(veil_error *err, int errnum, const char *fmt, va_list ap);

/* Puts "PREFIX: " in front of the current message (adds context on the way up); returns -1. */
int veil_error_prefix(veil_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Takes ownership of a malloc'd message (e.g. from libocispec); returns -1. */
int veil_fail_take(veil_error *err, int errnum, char *msg);

void veil_error_clear(veil_error *err);

#endif

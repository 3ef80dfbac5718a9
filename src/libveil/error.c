#include "config.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages must stay on one line: clients show the last log line as the cause. */
static void flatten(char *s)
{
  for (; s && *s; s++)
    if (*s == '\n' || *s == '\r')
      *s = ' ';
}

int veil_failv(veil_error *err, int errnum, const char *fmt, va_list ap)
{
  char *base = NULL, *full = NULL;

  if (!err)
    return -1;
  if (vasprintf(&base, fmt, ap) < 0)
    base = NULL;
  if (base && errnum) {
    if (asprintf(&full, "%s: %s", base, strerror(errnum)) < 0)
      full = NULL;
    free(base);
  } else {
    full = base;
  }
  free(err->msg);
  err->msg = full ? full : strdup("out of memory");
  err->errnum = errnum;
  flatten(err->msg);
  return -1;
}

int veil_fail(veil_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  veil_failv(err, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int veil_error_prefix(veil_error *err, const char *fmt, ...)
{
  va_list ap;
  char *prefix = NULL, *full = NULL;

  if (!err)
    return -1;
  va_start(ap, fmt);
  if (vasprintf(&prefix, fmt, ap) < 0)
    prefix = NULL;
  va_end(ap);
  if (prefix && asprintf(&full, "%s: %s", prefix, err->msg ? err->msg : "unknown error") >= 0) {
    free(err->msg);
    err->msg = full;
    flatten(err->msg);
  }
  free(prefix);
  return -1;
}

int veil_fail_take(veil_error *err, int errnum, char *msg)
{
  if (!err) {
    free(msg);
    return -1;
  }
  free(err->msg);
  err->msg = msg ? msg : strdup("unknown error");
  err->errnum = errnum;
  flatten(err->msg);
  return -1;
}

void veil_error_clear(veil_error *err)
{
  if (!err)
    return;
  free(err->msg);
  err->msg = NULL;
  err->errnum = 0;
}

#include "config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;
static veil_log_format log_format = VEIL_LOG_TEXT;
static bool log_debug;
static bool log_detached; /* a log file was set, and this process no longer holds it */

static const char *level_name[] = {"debug", "info", "warning", "error"};

int veil_log_init(const char *path, veil_log_format format, bool debug)
{
  log_format = format;
  log_debug = debug;
  if (!path)
    return 0;
  log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  return log_fd < 0 ? -1 : 0;
}

void veil_log_detach(void)
{
  if (log_fd < 0)
    return;
  close(log_fd);
  log_fd = -1;
  log_detached = true;
}

int veil_json_escape(char *buf, size_t size, const char *s)
{
  size_t o = 0;

  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char tmp[8];
    const char *rep = NULL;

    switch (c) {
    case '"':
      rep = "\\\"";
      break;
    case '\\':
      rep = "\\\\";
      break;
    case '\n':
      rep = "\\n";
      break;
    case '\r':
      rep = "\\r";
      break;
    case '\t':
      rep = "\\t";
      break;
    default:
      if (c < 0x20) {
        snprintf(tmp, sizeof(tmp), "\\u%04x", c);
        rep = tmp;
      }
    }
    size_t n = rep ? strlen(rep) : 1;
    if (o + n + 1 > size)
      return -1;
    if (rep)
      memcpy(buf + o, rep, n);
    else
      buf[o] = (char)c;
    o += n;
  }
  buf[o] = '\0';
  return (int)o;
}

/* A logfmt value as runc's log (logrus' text format) writes it: bare when it is one plain
 * word, otherwise double-quoted with Go's escapes, so that tools parse both logs alike. */
static char *logfmt_value(const char *s)
{
  size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/@^+");
  char *out, *o;

  if (*s && !s[n])
    return strdup(s);
  out = malloc(strlen(s) * 4 + 3);
  if (!out)
    return NULL;
  o = out;
  *o++ = '"';
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = (char)c;
    } else if (c == '\t') {
      o += sprintf(o, "\\t");
    } else if (c < 0x20 || c == 0x7f) {
      o += sprintf(o, "\\x%02x", c);
    } else {
      *o++ = (char)c;
    }
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

static void log_write(veil_log_level level, const char *msg)
{
  int saved = errno;

  if (log_detached && level != VEIL_LOG_ERROR)
    return;
  /* With --log, only errors also go to stderr: for create (and run) a shim gives us the
   * container's stdio, and a warning there would land in the container's output (runc
   * keeps them in the log too). */
  if (level == VEIL_LOG_ERROR || (log_fd < 0 && (level == VEIL_LOG_WARN || log_debug))) {
    /* One line; a failed write to a closed stderr must not hide the real error. */
    dprintf(STDERR_FILENO, "veil: %s%s\n",
            level == VEIL_LOG_WARN    ? "warning: "
            : level == VEIL_LOG_DEBUG ? "debug: "
                                      : "",
            msg);
  }
  if (log_fd >= 0 && (level >= VEIL_LOG_INFO || log_debug)) {
    if (log_format == VEIL_LOG_JSON) {
      cleanup_free char *now = veil_now_rfc3339();
      size_t size = strlen(msg) * 6 + 1;
      cleanup_free char *esc = malloc(size);
      if (esc && veil_json_escape(esc, size, msg) >= 0)
        dprintf(log_fd, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level_name[level],
                esc, now ? now : "");
    } else {
      cleanup_free char *now = veil_now_rfc3339();
      cleanup_free char *quoted = logfmt_value(msg);
      if (quoted)
        dprintf(log_fd, "time=\"%s\" level=%s msg=%s\n", now ? now : "", level_name[level], quoted);
    }
  }
  errno = saved;
}

static void log_vformat(veil_log_level level, const char *fmt, va_list ap)
{
  char *msg = NULL;

  if (vasprintf(&msg, fmt, ap) < 0)
    return;
  for (char *p = msg; *p; p++)
    if (*p == '\n')
      *p = ' ';
  log_write(level, msg);
  free(msg);
}

void veil_log(veil_log_level level, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  log_vformat(level, fmt, ap);
  va_end(ap);
}

void veil_warn(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  log_vformat(VEIL_LOG_WARN, fmt, ap);
  va_end(ap);
}

bool veil_debug_enabled(void)
{
  return log_debug;
}

void veil_debug(const char *fmt, ...)
{
  va_list ap;
  if (!log_debug)
    return;
  va_start(ap, fmt);
  log_vformat(VEIL_LOG_DEBUG, fmt, ap);
  va_end(ap);
}

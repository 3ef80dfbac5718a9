/* veil — the log: where the CLI's errors and the library's warnings end up.
 * The library never prints: it hands warnings to veil_warn(), which the CLI routes here. */
#ifndef VEIL_LOG_H
#define VEIL_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { VEIL_LOG_TEXT, VEIL_LOG_JSON } veil_log_format;
typedef enum { VEIL_LOG_DEBUG, VEIL_LOG_INFO, VEIL_LOG_WARN, VEIL_LOG_ERROR } veil_log_level;

/* Configure where messages go: stderr always gets text lines ("veil: msg"); when a log file is
 * set, each message is also appended to it in the given format, runc's: text is logfmt
 * (time="…" level=… msg="…"), JSON one object per line with level, msg and an RFC 3339 time,
 * what containerd and Docker parse. */
int veil_log_init(const char *path, veil_log_format format, bool debug);
void veil_log(veil_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void veil_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void veil_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether veil_debug() logs anything (--debug): lets callers skip work done only for it. */
bool veil_debug_enabled(void);
/* In a container's init, which has closed the log file (it must hold no host fd): drops what
 * would have gone to that file, since stderr there is the container's own. */
void veil_log_detach(void);

/* Appends s to buf as a JSON string body (escaped, no quotes); returns bytes written or -1. */
int veil_json_escape(char *buf, size_t size, const char *s);

#endif

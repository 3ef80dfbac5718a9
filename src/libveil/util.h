/* veil — small helpers used everywhere: cleanup attributes, files, numbers. */
#ifndef VEIL_UTIL_H
#define VEIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

#define _cleanup_(f)  __attribute__((cleanup(f)))
#define cleanup_free  _cleanup_(veil_freep)
#define cleanup_close _cleanup_(veil_closep)
#define cleanup_strv  _cleanup_(veil_strv_freep)

static inline void veil_freep(void *p)
{
  free(*(void **)p);
}

static inline void veil_closep(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

void veil_strv_free(char **v);
static inline void veil_strv_freep(char ***v)
{
  veil_strv_free(*v);
}

/* Hands an owned value out of a cleanup variable. */
#define steal_pointer(pp)                                                                          \
  ({                                                                                               \
    __typeof__(*(pp)) _v = *(pp);                                                                  \
    *(pp) = NULL;                                                                                  \
    _v;                                                                                            \
  })
#define steal_fd(fdp)                                                                              \
  ({                                                                                               \
    int _fd = *(fdp);                                                                              \
    *(fdp) = -1;                                                                                   \
    _fd;                                                                                           \
  })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Called once per name by the functions that list what veil accepts (mount options, seccomp
 * actions, ...), so a caller such as `veil features` reads the very tables the parsers use. */
typedef void (*veil_name_fn)(const char *name, void *data);

char *veil_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole-file helpers; read_file NUL-terminates and caps the size. */
int veil_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len,
                      veil_error *err);
/* The same from an open fd, read to EOF; NAME is for messages. */
int veil_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, veil_error *err);
int veil_write_file_at(int dirfd, const char *path, const char *data, size_t len, int flags,
                       veil_error *err);
/* Writes to a temporary file in the same directory, then renames: readers never see half. */
int veil_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
                           veil_error *err);
int veil_write_all(int fd, const void *buf, size_t len);
/* Closes every fd from FROM up, except the N in KEEP (any order, -1 entries ignored; KEEP is
 * sorted in place). */
void veil_close_fds_except(int from, int *keep, size_t n);
/* UID's name in /etc/passwd (malloc'd), or NULL.  Read directly, not through NSS: a static veil
 * has no NSS modules, and the names veil needs (state's owner, /etc/subuid lines) are local. */
char *veil_user_name(uid_t uid);
/* Closes FDS[0..N) that are open and sets each to -1. */
void veil_close_all(int *fds, size_t n);
/* One sendmsg of buf on a unix socket, with fd attached by SCM_RIGHTS when fd >= 0; retries
 * EINTR, never raises SIGPIPE.  Returns the bytes sent or -1 with errno. */
ssize_t veil_sendmsg_fd(int sock, const void *buf, size_t len, int fd);
/* A connected unix stream socket to PATH, the caller's (--console-socket, --pidfd-socket):
 * FLAG names it in errors.  Returns the fd (O_CLOEXEC) or -1. */
int veil_unix_connect(const char *path, const char *flag, veil_error *err);

/* S for a one-line message: control characters become '?', and more than 48 bytes end in
 * "...".  Returns buf. */
#define VEIL_PRINTABLE_SIZE 52
const char *veil_printable(const char *s, char buf[VEIL_PRINTABLE_SIZE]);

int veil_parse_u64(const char *s, uint64_t *out);
int veil_parse_int(const char *s, int *out);

/* Whether this process is in a user namespace other than the initial one (its uid_map is not
 * the identity over all ids). */
bool veil_in_user_namespace(void);

/* mkdir -p; existing directories are fine. */
int veil_mkdir_p(const char *path, mode_t mode, veil_error *err);

/* Now as RFC 3339 with nanoseconds in UTC, malloc'd. */
/* PATH as an absolute path without empty, "." or ".." components (a ".." at the root stays
 * there), as the kernel would resolve it lexically: "//dev/./x/" -> "/dev/x".  Allocated. */
char *veil_clean_path(const char *path);
char *veil_now_rfc3339(void);

/* Walks a kernel list such as "0-3,7" (cpus, NUMA nodes): FN gets each range, first <= last.
 * Returns -1 without calling FN at all when LIST is empty, malformed, or names a number above
 * MAX; otherwise 0, or the first negative value FN returned. */
int veil_range_list_each(const char *list, long max, int (*fn)(long first, long last, void *data),
                         void *data);

#endif

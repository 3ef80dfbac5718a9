#include "config.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>

void veil_strv_free(char **v)
{
  if (!v)
    return;
  for (char **p = v; *p; p++)
    free(*p);
  free(v);
}

char *veil_strdup_printf(const char *fmt, ...)
{
  va_list ap;
  char *s = NULL;

  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

int veil_write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

const char *veil_printable(const char *s, char buf[VEIL_PRINTABLE_SIZE])
{
  size_t n = 0;

  for (; s && *s && n < VEIL_PRINTABLE_SIZE - 4; s++, n++)
    buf[n] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
  if (s && *s)
    buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
  buf[n] = '\0';
  return buf;
}

int veil_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, veil_error *err)
{
  cleanup_free char *buf = NULL;
  size_t size = 0, cap = 0;

  for (;;) {
    if (cap - size < 4096) {
      cap = cap ? cap * 2 : 8192;
      char *n = realloc(buf, cap + 1);
      if (!n)
        return veil_fail(err, ENOMEM, "read %s", name);
      buf = n;
    }
    ssize_t r = read(fd, buf + size, cap - size);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return veil_fail(err, errno, "read %s", name);
    }
    if (r == 0)
      break;
    size += (size_t)r;
    if (size > max)
      return veil_fail(err, EFBIG, "read %s", name);
  }
  if (!buf && !(buf = malloc(1)))
    return veil_fail(err, ENOMEM, "read %s", name);
  buf[size] = '\0';
  *out = steal_pointer(&buf);
  if (len)
    *len = size;
  return 0;
}

int veil_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len,
                      veil_error *err)
{
  cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return veil_fail(err, errno, "open %s", path);
  return veil_read_fd(fd, path, max, out, len, err);
}

int veil_write_file_at(int dirfd, const char *path, const char *data, size_t len, int flags,
                       veil_error *err)
{
  cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | flags, 0644);

  if (fd < 0)
    return veil_fail(err, errno, "open %s", path);
  if (veil_write_all(fd, data, len) < 0)
    return veil_fail(err, errno, "write %s", path);
  return 0;
}

int veil_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
                           veil_error *err)
{
  cleanup_free char *tmp = veil_strdup_printf("%s.tmpXXXXXX", path);
  cleanup_close int fd = -1;

  if (!tmp)
    return veil_fail(err, ENOMEM, "write %s", path);
  fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0)
    return veil_fail(err, errno, "create %s", tmp);
  if (fchmod(fd, mode) < 0 || veil_write_all(fd, data, len) < 0) {
    int saved = errno;
    unlink(tmp);
    return veil_fail(err, saved, "write %s", tmp);
  }
  if (rename(tmp, path) < 0) {
    int saved = errno;
    unlink(tmp);
    return veil_fail(err, saved, "rename %s to %s", tmp, path);
  }
  return 0;
}

int veil_parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

int veil_parse_int(const char *s, int *out)
{
  char *end;
  long v;

  if (!s || !*s)
    return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || *end || v < INT_MIN || v > INT_MAX)
    return -1;
  *out = (int)v;
  return 0;
}

int veil_mkdir_p(const char *path, mode_t mode, veil_error *err)
{
  cleanup_free char *copy = strdup(path);

  if (!copy)
    return veil_fail(err, ENOMEM, "mkdir %s", path);
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return veil_fail(err, errno, "mkdir %s", copy);
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return veil_fail(err, errno, "mkdir %s", copy);
  return 0;
}

char *veil_clean_path(const char *path)
{
  size_t n = strlen(path);
  char *out = malloc(n + 2);
  size_t len = 0;

  if (!out)
    return NULL;
  for (const char *p = path; *p;) {
    const char *end = strchrnul(p, '/');
    size_t c = (size_t)(end - p);
    if (c == 2 && p[0] == '.' && p[1] == '.') {
      /* back to the last '/'; ".." at the root stays at the root, as for the kernel */
      while (len > 0 && out[--len] != '/')
        ;
    } else if (c > 0 && !(c == 1 && p[0] == '.')) {
      out[len++] = '/';
      memcpy(out + len, p, c);
      len += c;
    }
    p = *end ? end + 1 : end;
  }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
}

char *veil_now_rfc3339(void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return veil_strdup_printf("%s.%09ldZ", buf, ts.tv_nsec);
}

ssize_t veil_sendmsg_fd(int sock, const void *buf, size_t len, int fd)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  struct msghdr msg;

  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    memset(&control, 0, sizeof(control));
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  }
  for (;;) {
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n >= 0 || errno != EINTR)
      return n;
  }
}

static int cmp_int(const void *a, const void *b)
{
  return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

char *veil_user_name(uid_t uid)
{
  FILE *f = fopen("/etc/passwd", "re");
  char line[1024], *name = NULL;

  if (!f)
    return NULL;
  while (!name && fgets(line, sizeof(line), f)) {
    char *save = NULL, *user = strtok_r(line, ":", &save), *pass = strtok_r(NULL, ":", &save),
         *id = strtok_r(NULL, ":", &save), *end;
    if (!user || !pass || !id)
      continue;
    errno = 0;
    unsigned long v = strtoul(id, &end, 10);
    if (!errno && *id && !*end && v == (unsigned long)uid)
      name = strdup(user);
  }
  fclose(f);
  return name;
}

void veil_close_all(int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0) {
      close(fds[i]);
      fds[i] = -1;
    }
}

void veil_close_fds_except(int from, int *keep, size_t n)
{
  qsort(keep, n, sizeof(int), cmp_int);
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < from)
      continue;
    if (keep[i] > from)
      syscall(SYS_close_range, from, keep[i] - 1, 0);
    from = keep[i] + 1;
  }
  syscall(SYS_close_range, from, ~0U, 0);
}

int veil_unix_connect(const char *path, const char *flag, veil_error *err)
{
  struct sockaddr_un addr;
  cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return veil_fail(err, errno, "%s: socket", flag);
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof(addr.sun_path))
    return veil_fail(err, ENAMETOOLONG, "%s %s", flag, path);
  strcpy(addr.sun_path, path);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return veil_fail(err, errno, "%s: connect %s", flag, path);
  return steal_fd(&fd);
}

/* One range of a list: "A" or "A-B" with A <= B <= MAX; END is left after it. */
static bool parse_range(const char *s, long max, long *a, long *b, const char **end)
{
  char *e;

  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  *a = strtol(s, &e, 10);
  *b = *a;
  if (*e == '-') {
    if (e[1] < '0' || e[1] > '9')
      return false;
    *b = strtol(e + 1, &e, 10);
  }
  *end = e;
  return errno == 0 && *a <= *b && *b <= max;
}

int veil_range_list_each(const char *list, long max, int (*fn)(long first, long last, void *data),
                         void *data)
{
  const char *s, *end;
  long a, b;

  if (!list || !*list)
    return -1;
  /* the whole list is checked first, so that FN never sees half of a bad one */
  for (s = list; *s; s = *end ? end + 1 : end) {
    if (!parse_range(s, max, &a, &b, &end) || (*end != ',' && *end != '\0') ||
        (*end == ',' && end[1] == '\0'))
      return -1;
  }
  for (s = list; *s; s = *end ? end + 1 : end) {
    parse_range(s, max, &a, &b, &end);
    int rc = fn(a, b, data);
    if (rc < 0)
      return rc;
  }
  return 0;
}

bool veil_in_user_namespace(void)
{
  char buf[256];
  unsigned long inside, outside, count;
  int used = 0;
  cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

  if (n <= 0)
    return false;
  buf[n] = '\0';
  if (sscanf(buf, "%lu %lu %lu\n%n", &inside, &outside, &count, &used) != 3)
    return true;
  return inside != 0 || outside != 0 || count != 4294967295UL || buf[used] != '\0';
}

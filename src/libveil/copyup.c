#include "config.h"
#include "copyup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

static int copy_file(int from, int to, const char *name, mode_t mode, veil_error *err)
{
  cleanup_close int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return veil_fail(err, errno, "tmpcopyup: open %s", name);
  out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
  if (out < 0)
    return veil_fail(err, errno, "tmpcopyup: create %s", name);
  while ((n = read(in, buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return veil_fail(err, errno, "tmpcopyup: read %s", name);
    }
    if (veil_write_all(out, buf, (size_t)n) < 0)
      return veil_fail(err, errno, "tmpcopyup: write %s", name);
  }
  return 0;
}

static int copy_entry(int from, int to, const char *name, veil_error *err)
{
  struct stat st;
  struct timespec times[2];

  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return veil_fail(err, errno, "tmpcopyup: stat %s", name);
  switch (st.st_mode & S_IFMT) {
  case S_IFDIR: {
    cleanup_close int sub_from = -1, sub_to = -1;
    if (mkdirat(to, name, 0700) < 0)
      return veil_fail(err, errno, "tmpcopyup: mkdir %s", name);
    sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub_from < 0 || sub_to < 0)
      return veil_fail(err, errno, "tmpcopyup: open %s", name);
    if (copyup_tree(sub_from, sub_to, err) < 0)
      return veil_error_prefix(err, "%s", name);
    return 0; /* copyup_tree set owner, mode; times are not worth a second pass */
  }
  case S_IFREG:
    if (copy_file(from, to, name, st.st_mode, err) < 0)
      return -1;
    break;
  case S_IFLNK: {
    char target[PATH_MAX];
    ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
    if (n < 0)
      return veil_fail(err, errno, "tmpcopyup: readlink %s", name);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0)
      return veil_fail(err, errno, "tmpcopyup: symlink %s", name);
    break;
  }
  case S_IFCHR:
  case S_IFBLK:
  case S_IFIFO:
    if (mknodat(to, name, st.st_mode, st.st_rdev) < 0)
      return veil_fail(err, errno, "tmpcopyup: mknod %s", name);
    break;
  default:
    return 0; /* a socket means nothing without its listener */
  }
  if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return veil_fail(err, errno, "tmpcopyup: chown %s", name);
  /* chown drops setuid bits: set the mode afterwards (links have none) */
  if (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0)
    return veil_fail(err, errno, "tmpcopyup: chmod %s", name);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  utimensat(to, name, times, AT_SYMLINK_NOFOLLOW);
  return 0;
}

int copyup_tree(int from, int to, veil_error *err)
{
  struct stat st;
  struct dirent *de;
  DIR *d;
  int dfd, rc = 0;

  if (fstat(from, &st) < 0)
    return veil_fail(err, errno, "tmpcopyup: stat the source directory");
  dfd = fcntl(from, F_DUPFD_CLOEXEC, 3);
  if (dfd < 0 || !(d = fdopendir(dfd))) {
    if (dfd >= 0)
      close(dfd);
    return veil_fail(err, errno, "tmpcopyup: read the source directory");
  }
  while (rc == 0 && (errno = 0, de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    rc = copy_entry(from, to, de->d_name, err);
  }
  if (rc == 0 && errno)
    rc = veil_fail(err, errno, "tmpcopyup: read the source directory");
  closedir(d);
  if (rc == 0 && ((fchown(to, st.st_uid, st.st_gid) < 0 && errno != EINVAL) ||
                  fchmod(to, st.st_mode & 07777) < 0))
    rc = veil_fail(err, errno, "tmpcopyup: set owner and mode");
  return rc;
}

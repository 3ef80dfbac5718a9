#include "config.h"
#include "procfs.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

static int check_procfs(int fd, const char *what, veil_error *err)
{
  struct statfs sf;

  if (fstatfs(fd, &sf) < 0)
    return veil_fail(err, errno, "statfs %s", what);
  if (sf.f_type != PROC_SUPER_MAGIC)
    return veil_fail(err, 0, "%s is not on a procfs; refusing to write to it", what);
  return 0;
}

int procfs_open_dir(const char *dir, veil_error *err)
{
  cleanup_close int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return veil_fail(err, errno, "open %s", dir);
  if (check_procfs(fd, dir, err) < 0)
    return -1;
  return steal_fd(&fd);
}

int procfs_open_at(int dirfd, const char *path, int flags, veil_error *err)
{
  struct open_how how;
  cleanup_close int fd = -1;

  memset(&how, 0, sizeof(how));
  how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
  /* a bind mount or symlink inside /proc could redirect the write elsewhere */
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
  if (fd < 0)
    return veil_fail(err, errno, "open %s", path);
  if (check_procfs(fd, path, err) < 0)
    return -1;
  return steal_fd(&fd);
}

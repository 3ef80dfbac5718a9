#include "config.h"
#include "mounts.h"
#include "rootfs.h"
#include "util.h"

#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

/* Is the mount that PATH resolves to in a peer group (mountinfo's optional "shared:N")? */
static int mount_is_shared(const char *path, bool *shared, veil_error *err)
{
  cleanup_free char *table = NULL;
  struct statx stx;
  size_t len;

  if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
    return veil_fail(err, errno, "root.path: stat %s", path);
  if (!(stx.stx_mask & STATX_MNT_ID))
    return veil_fail(err, ENOSYS, "root.path: find the mount of %s", path);
  if (veil_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &table, &len, err) < 0)
    return -1;
  for (char *line = table, *next; line && *line; line = next) {
    unsigned long long id;
    if ((next = strchr(line, '\n')))
      *next++ = '\0';
    if (sscanf(line, "%llu", &id) != 1 || id != stx.stx_mnt_id)
      continue;
    /* the optional fields end at " - " */
    char *end = strstr(line, " - ");
    if (end)
      *end = '\0';
    *shared = strstr(line, " shared:") != NULL;
    return 0;
  }
  return veil_fail(err, 0, "root.path: the mount of %s is not in /proc/self/mountinfo", path);
}

int rootfs_prepare(const char *rootfs, bool joined, veil_error *err)
{
  bool shared = false;
  int fd;

  /* Nothing done in a mount namespace of our own may reach the host's.  A joined one is not
   * ours to change (runc makes all of it a slave): its propagation stays, and the rootfs is
   * refused where binding it would spread to the namespace's peers. */
  if (!joined && mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return veil_fail(err, errno, "make / a slave mount");
  if (joined && mount_is_shared(rootfs, &shared, err) < 0)
    return -1;
  if (shared)
    return veil_fail(err, 0,
                     "root.path: %s is on a shared mount of the joined mount namespace: the "
                     "container's mounts would spread to its peers",
                     rootfs);
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return veil_fail(err, errno, "bind rootfs %s", rootfs);
  fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (joined)
      umount2(rootfs, MNT_DETACH);
    return veil_fail(err, errno, "open rootfs %s", rootfs);
  }
  return fd;
}

void rootfs_abandon_joined(int rootfd)
{
  char path[FD_PATH_SIZE];

  /* the fd names the rootfs bind itself, whatever is stacked on it or wherever / is now */
  fd_path(path, rootfd);
  umount2(path, MNT_DETACH);
}

/* mountinfo writes a space, tab, newline or backslash in a path as \ooo. */
static void mountinfo_unescape(char *s)
{
  char *out = s;

  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
}

/* Is the mount point MP the rootfs, below it, or one of the directories it sits in? */
static bool holds_or_inside_rootfs(const char *mp, const char *rootfs)
{
  size_t m = strlen(mp), r = strlen(rootfs);

  if (!strcmp(mp, "/"))
    return true;
  if (m <= r)
    return !strncmp(rootfs, mp, m) && (rootfs[m] == '/' || rootfs[m] == '\0');
  return !strncmp(mp, rootfs, r) && mp[r] == '/';
}

/* A procfs or sysfs that a user namespace locked in place: an empty read-only tmpfs on it, so
 * that it is no longer fully visible (what the kernel wants before it lets a container in a user
 * namespace of its own mount a new one, unmasked). */
static int cover_locked_pseudo_fs(const char *mp, veil_error *err)
{
  struct statfs sf;

  /* gone with a parent: the path now shows what was below it */
  if (statfs(mp, &sf) < 0 || (sf.f_type != PROC_SUPER_MAGIC && sf.f_type != SYSFS_MAGIC))
    return 0;
  if (mount("tmpfs", mp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0") <
      0)
    return veil_fail(err, errno, "--no-pivot: cover %s", mp);
  return 0;
}

/* --no-pivot moves the rootfs onto the old root, which stays below it: a chroot can be left, and
 * a full procfs or sysfs there would let a container with a user namespace of its own mount an
 * unmasked one.  Every mount outside the rootfs goes (this mount namespace is ours and a slave:
 * nothing reaches the host), except those the rootfs sits on; a procfs or sysfs that cannot go
 * is covered. */
static int detach_outside_mounts(const char *rootfs, veil_error *err)
{
  cleanup_free char *table = NULL;
  size_t len;

  if (veil_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &table, &len, err) < 0)
    return veil_error_prefix(err, "--no-pivot");
  for (char *line = table, *next; line && *line; line = next) {
    char mp[4096], fstype[64];
    const char *sep;
    if ((next = strchr(line, '\n')))
      *next++ = '\0';
    /* fields: id parent maj:min root mountpoint options ... - fstype source superopts */
    if (!(sep = strstr(line, " - ")) || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
        sscanf(sep + 3, "%63s", fstype) != 1)
      continue;
    mountinfo_unescape(mp);
    if (holds_or_inside_rootfs(mp, rootfs) || umount2(mp, MNT_DETACH) == 0)
      continue;
    /* EINVAL: gone with a parent already, or locked by a user namespace */
    if ((!strcmp(fstype, "proc") || !strcmp(fstype, "sysfs")) &&
        cover_locked_pseudo_fs(mp, err) < 0)
      return -1;
  }
  return 0;
}

int rootfs_enter(int rootfd, const char *rootfs, bool no_pivot, bool chroot_only, veil_error *err)
{
  if (fchdir(rootfd) < 0)
    return veil_fail(err, errno, "chdir %s", rootfs);
  if (chroot_only) {
    /* pivot_root would give every process rooted at the namespace's / the container's root
     * and the lazy unmount would take the namespace's mounts away; a move onto / would put
     * later joiners (setns follows mounts on the root) into the container.  The rootfs stays
     * where it is bound and only this process's root changes.  The same without a mount
     * namespace of the container's own: the host's is not ours to change. */
    if (chroot(".") < 0)
      return veil_fail(err, errno, "chroot %s", rootfs);
  } else if (no_pivot) {
    if (detach_outside_mounts(rootfs, err) < 0)
      return -1;
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
      return veil_fail(err, errno, "move %s to /", rootfs);
    if (chroot(".") < 0)
      return veil_fail(err, errno, "chroot %s", rootfs);
  } else {
    /* pivot_root(".", ".") stacks the old root under the new one; detach it right away. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
      return veil_fail(err, errno, "pivot_root %s", rootfs);
    /* The old root is already a recursive slave (rootfs_prepare), so detaching it cannot reach
     * the host.  A mount(".", MS_SLAVE | MS_REC) here would hit the new root instead ("."
     * does not cross onto the stacked old root) and undo the propagation of config mounts. */
    if (umount2(".", MNT_DETACH) < 0)
      return veil_fail(err, errno, "detach the old root");
  }
  if (chdir("/") < 0)
    return veil_fail(err, errno, "chdir /");
  return 0;
}

/* The /dev/null that masks files must really be the null device, not a planted file or link. */
static int open_verified_null(veil_error *err)
{
  cleanup_close int fd = open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;

  if (fd < 0)
    return veil_fail(err, errno, "open /dev/null to mask paths");
  if (fstat(fd, &st) < 0)
    return veil_fail(err, errno, "stat /dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
    return veil_fail(err, 0, "/dev/null is not the null device (1:3); refusing to mask with it");
  return steal_fd(&fd);
}

static int mask_paths(const oci_linux *l, veil_error *err)
{
  cleanup_close int rootfd = -1, nullfd = -1;

  if (!l || l->masked_paths_len == 0)
    return 0;
  rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return veil_fail(err, errno, "open /");
  for (size_t i = 0; i < l->masked_paths_len; i++) {
    const char *p = l->masked_paths[i];
    cleanup_close int fd = -1;
    char target[FD_PATH_SIZE], nullpath[FD_PATH_SIZE];
    struct stat st;
    veil_error ignored = VEIL_ERROR_INIT;

    if (p[0] != '/')
      return veil_fail(err, 0, "linux.maskedPaths[%zu]: %s is not absolute", i, p);
    if (fstatat(rootfd, p + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
      continue; /* nothing there to hide */
    fd = mount_target_open(rootfd, p, S_ISDIR(st.st_mode), &ignored);
    veil_error_clear(&ignored);
    if (fd < 0)
      continue;
    fd_path(target, fd);
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=0,mode=0755") < 0)
        return veil_fail(err, errno, "linux.maskedPaths[%zu]: mask %s", i, p);
      continue;
    }
    if (nullfd < 0 && (nullfd = open_verified_null(err)) < 0)
      return veil_error_prefix(err, "linux.maskedPaths[%zu]", i);
    fd_path(nullpath, nullfd);
    if (mount(nullpath, target, NULL, MS_BIND, NULL) < 0)
      return veil_fail(err, errno, "linux.maskedPaths[%zu]: mask %s", i, p);
  }
  return 0;
}

static int readonly_paths(const oci_linux *l, veil_error *err)
{
  cleanup_close int rootfd = -1;

  if (!l || l->readonly_paths_len == 0)
    return 0;
  rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return veil_fail(err, errno, "open /");
  for (size_t i = 0; i < l->readonly_paths_len; i++) {
    const char *p = l->readonly_paths[i];
    cleanup_close int fd = -1;
    char target[FD_PATH_SIZE];
    struct stat st;
    veil_error ignored = VEIL_ERROR_INIT;

    if (p[0] != '/')
      return veil_fail(err, 0, "linux.readonlyPaths[%zu]: %s is not absolute", i, p);
    if (fstatat(rootfd, p + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
      continue;
    fd = mount_target_open(rootfd, p, S_ISDIR(st.st_mode), &ignored);
    veil_error_clear(&ignored);
    if (fd < 0)
      continue;
    fd_path(target, fd);
    if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
      return veil_fail(err, errno, "linux.readonlyPaths[%zu]: bind %s", i, p);
    /* the fd still names the mount below; reopen to reach the new bind */
    close(fd);
    fd = mount_target_open(rootfd, p, S_ISDIR(st.st_mode), err);
    if (fd < 0)
      return -1;
    fd_path(target, fd);
    if (mount(NULL, target, NULL,
              MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
        mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
      return veil_fail(err, errno, "linux.readonlyPaths[%zu]: remount %s read-only", i, p);
  }
  return 0;
}

int rootfs_finish(const oci_config *cfg, veil_error *err)
{
  const oci_linux *l = cfg->linux;

  if (mask_paths(l, err) < 0 || readonly_paths(l, err) < 0)
    return -1;
  if (l && l->rootfs_propagation) {
    unsigned long prop = mount_propagation_flags(l->rootfs_propagation);
    if (!prop)
      return veil_fail(err, 0, "linux.rootfsPropagation: unknown value \"%s\"",
                       l->rootfs_propagation);
    if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
      return veil_fail(err, errno, "linux.rootfsPropagation: set %s on /", l->rootfs_propagation);
  }
  if (cfg->root && cfg->root->readonly &&
      mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
    return veil_fail(err, errno, "root.readonly: remount / read-only");
  return 0;
}

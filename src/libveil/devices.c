#include "config.h"
#include "devices.h"
#include "mounts.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

typedef struct dev_spec {
  const char *path; /* relative to the rootfs */
  mode_t type;
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} dev_spec;

static const dev_spec default_devices[] = {
    {"dev/null", S_IFCHR, 1, 3, 0666, 0, 0},    {"dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"dev/full", S_IFCHR, 1, 7, 0666, 0, 0},    {"dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0}, {"dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

static const struct {
  const char *target;
  const char *link;
} default_links[] = {
    {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

static bool node_matches(const char *path, const dev_spec *d)
{
  struct stat st;

  return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == d->type &&
         st.st_rdev == makedev(d->major, d->minor);
}

/* The host's node for D: the one at the same path, the one udev lists under /dev/char or
 * /dev/block, or any node of that number directly in /dev (hosts without udev). */
static int find_host_node(const dev_spec *d, char *buf, size_t size)
{
  DIR *dir;
  struct dirent *de;
  bool found = false;

  snprintf(buf, size, "/%s", d->path);
  if (node_matches(buf, d))
    return 0;
  snprintf(buf, size, "/dev/%s/%u:%u", d->type == S_IFBLK ? "block" : "char", d->major, d->minor);
  if (node_matches(buf, d))
    return 0;
  if (!(dir = opendir("/dev")))
    return -1;
  while (!found && (de = readdir(dir))) {
    if (de->d_type != DT_CHR && de->d_type != DT_BLK)
      continue;
    snprintf(buf, size, "/dev/%s", de->d_name);
    found = node_matches(buf, d);
  }
  closedir(dir);
  return found ? 0 : -1;
}

static int bind_host_node(int rootfd, const dev_spec *d, veil_error *err);

/* IS_DEFAULT: one of runtime-linux.md's default devices, which a config mount may replace. */
static int create_device(int rootfd, const dev_spec *d, bool userns, bool is_default,
                         veil_error *err)
{
  struct stat st;

  if (!userns) {
    cleanup_close int parent = -1;
    cleanup_free char *dir = strdup(d->path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    const char *base = d->path;
    if (slash) {
      *slash = '\0';
      base = slash + 1;
      parent = mount_target_open(rootfd, dir, true, err);
    } else {
      parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
    }
    if (parent < 0)
      return -1;
    if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      /* a stale node or a planted symlink must not be reused */
      if (unlinkat(parent, base, 0) < 0) {
        /* A mounts[] entry put something there on purpose: keep it.  It is not trusted for
         * anything: masking verifies /dev/null before it uses it. */
        if (errno == EBUSY && is_default)
          return 0;
        return veil_fail(err, errno, "remove /%s", d->path);
      }
    }
    if (mknodat(parent, base, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
      /* veil itself runs in a user namespace (as under rootless Podman): bind as below */
      if (errno == EPERM && d->type != S_IFIFO)
        return bind_host_node(rootfd, d, err);
      return veil_fail(err, errno, "mknod /%s", d->path);
    }
    if (fchmodat(parent, base, d->mode, 0) < 0 ||
        fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
      return veil_fail(err, errno, "set owner and mode of /%s", d->path);
    return 0;
  }
  return bind_host_node(rootfd, d, err);
}

/* A user namespace cannot make device nodes: the host's node is bound over an empty file. */
static int bind_host_node(int rootfd, const dev_spec *d, veil_error *err)
{
  char target[FD_PATH_SIZE], host[4096];
  cleanup_close int fd = -1;

  if (find_host_node(d, host, sizeof(host)) < 0)
    return veil_fail(err, 0, "device /%s: the host has no %u:%u node to bind", d->path, d->major,
                     d->minor);
  fd = mount_target_open(rootfd, d->path, false, err);
  if (fd < 0)
    return -1;
  fd_path(target, fd);
  if (mount(host, target, NULL, MS_BIND, NULL) < 0)
    return veil_fail(err, errno, "bind /%s", d->path);
  return 0;
}

/* OUT->path points into *CLEAN, which the caller frees. */
static int config_device(const oci_device *cd, size_t i, dev_spec *out, char **clean,
                         veil_error *err)
{
  mode_t type;
  const char *p;

  switch (cd->type ? cd->type[0] : 0) {
  case 'c':
  case 'u':
    type = S_IFCHR;
    break;
  case 'b':
    type = S_IFBLK;
    break;
  case 'p':
    type = S_IFIFO;
    break;
  default:
    return veil_fail(err, 0, "linux.devices[%zu].type: unknown device type", i);
  }
  /* as runc, "/mnt/" and "//dev/./x" name /mnt and /dev/x */
  if (!(*clean = veil_clean_path(cd->path ? cd->path : "")))
    return veil_fail(err, ENOMEM, "linux.devices[%zu].path", i);
  p = *clean + 1;
  if (!*p)
    return veil_fail(err, 0, "linux.devices[%zu].path: must name a file", i);
  out->path = p;
  out->type = type;
  /* a fifo has no device number; "u" (unbuffered) is a character device to mknod */
  out->major = type == S_IFIFO ? 0 : (unsigned)cd->major;
  out->minor = type == S_IFIFO ? 0 : (unsigned)cd->minor;
  out->mode = cd->has_file_mode ? (cd->file_mode & 07777) : 0666;
  out->uid = cd->has_uid ? cd->uid : 0;
  out->gid = cd->has_gid ? cd->gid : 0;
  return 0;
}

int devices_setup(int rootfd, const oci_config *cfg, bool userns, veil_error *err)
{
  for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
    if (create_device(rootfd, &default_devices[i], userns, true, err) < 0)
      return -1;
  if (cfg->linux) {
    for (size_t i = 0; i < cfg->linux->devices_len; i++) {
      dev_spec d;
      cleanup_free char *clean = NULL;
      /* a user namespace may make fifos, only device nodes must come from the host */
      if (config_device(&cfg->linux->devices[i], i, &d, &clean, err) < 0 ||
          create_device(rootfd, &d, userns && d.type != S_IFIFO, false, err) < 0)
        return veil_error_prefix(err, "linux.devices[%zu]", i);
    }
  }
  /* the links go through an fd of /dev resolved inside the root, never through a path */
  cleanup_close int devfd = mount_target_open(rootfd, "dev", true, err);
  if (devfd < 0)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE(default_links); i++) {
    if (symlinkat(default_links[i].target, devfd, default_links[i].link) < 0 && errno != EEXIST)
      return veil_fail(err, errno, "symlink /%s", default_links[i].link);
  }
  return 0;
}

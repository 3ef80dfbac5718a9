#include "config.h"
#include "idmap-mount.h"
#include "mounts.h"
#include "procfs.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int write_map(int procfd, const char *pid, const char *file, const char *field,
                     const oci_id_mapping *m, size_t n, veil_error *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  cleanup_close int fd = -1;
  size_t size = n * 36 + 1, off = 0;

  /* the kernel takes at most 340 lines, and only in one write */
  if (n > 340)
    return veil_fail(err, 0, "%s: %zu mappings, at most 340 are allowed", field, n);
  if (!(buf = malloc(size)))
    return veil_fail(err, ENOMEM, "%s", field);
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(buf + off, size - off, "%u %u %u\n", m[i].container_id, m[i].host_id,
                            m[i].size);
  snprintf(path, sizeof(path), "%s/%s", pid, file);
  fd = procfs_open_at(procfd, path, O_WRONLY, err);
  if (fd < 0)
    return veil_error_prefix(err, "%s", field);
  if (write(fd, buf, off) != (ssize_t)off)
    return veil_fail(err, errno, "%s: write %s", field, file);
  return 0;
}

/* A child process unshares a user namespace and waits; the parent, which keeps the privilege
 * of the namespace it is in, writes the maps, opens the namespace and lets the child go.  The
 * namespace lives on through the fd. */
static int make_userns(const oci_mount *m, const char *field, veil_error *err)
{
  int up[2] = {-1, -1}, down[2] = {-1, -1}, rc = -1;
  cleanup_close int procfd = -1, nsfd = -1;
  char pid[32], uf[64], gf[64], ns[64];
  ssize_t n = 0;
  pid_t child;

  if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) {
    veil_fail(err, errno, "%s: pipe", field);
    goto out;
  }
  child = fork();
  if (child < 0) {
    veil_fail(err, errno, "%s: fork", field);
    goto out;
  }
  if (child == 0) {
    char self[32], c;
    /* only the parent may hold the write end: its close is what lets this child go */
    close(down[1]);
    close(up[0]);
    /* the pid as the mounted procfs knows it (the container's pid namespace numbers differ) */
    ssize_t len = readlink("/proc/self", self, sizeof(self) - 1);
    if (len <= 0 || unshare(CLONE_NEWUSER) < 0 || write(up[1], self, (size_t)len) != len)
      _exit(1);
    close(up[1]);
    while (read(down[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(up[1]);
  up[1] = -1;
  close(down[0]);
  down[0] = -1;
  do
    n = read(up[0], pid, sizeof(pid) - 1);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    veil_fail(err, n < 0 ? errno : 0, "%s: create a user namespace for the idmapped mount", field);
    goto reap;
  }
  pid[n] = '\0';
  snprintf(uf, sizeof(uf), "%s.uidMappings", field);
  snprintf(gf, sizeof(gf), "%s.gidMappings", field);
  snprintf(ns, sizeof(ns), "%s/ns/user", pid);
  procfd = procfs_open_dir("/proc", err);
  if (procfd < 0 ||
      write_map(procfd, pid, "uid_map", uf, m->uid_mappings, m->uid_mappings_len, err) < 0 ||
      write_map(procfd, pid, "gid_map", gf, m->gid_mappings, m->gid_mappings_len, err) < 0)
    goto reap;
  nsfd = openat(procfd, ns, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || ioctl(nsfd, NS_GET_NSTYPE) != CLONE_NEWUSER) {
    veil_fail(err, errno, "%s: open the user namespace of the idmapped mount", field);
    goto reap;
  }
  rc = steal_fd(&nsfd);
reap:
  close(down[1]);
  down[1] = -1;
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
    ;
out:
  for (int i = 0; i < 2; i++) {
    if (up[i] >= 0)
      close(up[i]);
    if (down[i] >= 0)
      close(down[i]);
  }
  return rc;
}

bool idmap_mount_supported(void)
{
  /* MOUNT_ATTR_IDMAP came with mount_setattr itself */
  return mount_setattr_supported();
}

int idmap_mount_userns(const oci_mount *m, bool in_userns, const char *field, veil_error *err)
{
  if (m->uid_mappings_len == 0 && m->gid_mappings_len == 0) {
    int fd;
    if (!in_userns)
      return veil_fail(err, 0,
                       "%s: an idmapped mount needs uidMappings and gidMappings, or a user "
                       "namespace whose mappings it can use",
                       field);
    fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? veil_fail(err, errno, "%s: open the container's user namespace", field) : fd;
  }
  if (m->uid_mappings_len == 0 || m->gid_mappings_len == 0)
    return veil_fail(err, 0, "%s: an idmapped mount needs both uidMappings and gidMappings", field);
  return make_userns(m, field, err);
}

/* Clones SOURCE and idmaps the clone: a detached tree, nobody sees it with the host's ids. */
static int idmap_clone(const char *source, int userns_fd, bool recursive, bool all,
                       const char *field, veil_error *err)
{
  struct mount_attr attr;
  cleanup_close int tree = -1;

  tree = open_tree(AT_FDCWD, source,
                   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return veil_fail(err, errno, "%s: clone the mount tree of %s", field, source);
  memset(&attr, 0, sizeof(attr));
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = (uint64_t)userns_fd;
  if (mount_setattr(tree, "", AT_EMPTY_PATH | (all ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
    return veil_fail(err, errno, "%s: idmap the mount of %s", field, source);
  return steal_fd(&tree);
}

int idmap_attach(int tree, int tfd, const char *field, const char *source, veil_error *err)
{
  if (move_mount(tree, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return veil_fail(err, errno, "%s: attach the idmapped mount of %s", field, source);
  return 0;
}

int idmap_bind(const char *source, int userns_fd, bool recursive, bool all, int tfd,
               const char *field, veil_error *err)
{
  cleanup_close int tree = idmap_clone(source, userns_fd, recursive, all, field, err);

  if (tree < 0)
    return -1;
  return idmap_attach(tree, tfd, field, source, err);
}

/* The helper, in the init's mount namespace (MNTNS) as it is now, with the host's privileges:
 * mounts[I]'s source, an O_PATH fd of it or, for an idmapped bind, its idmapped clone (through
 * the container's user namespace USERNS unless the mount has mappings of its own).  Sends the
 * fd, or the error, to the init; never returns. */
__attribute__((noreturn)) static void source_helper(const oci_config *cfg, const char *bundle,
                                                    size_t i, int mntns, int userns, int sync_fd)
{
  const oci_mount *m = &cfg->mounts[i];
  veil_error err = VEIL_ERROR_INIT;
  cleanup_free char *src = NULL;
  cleanup_close int own = -1;
  char field[48];
  mount_opts o;
  int fd = -1;

  snprintf(field, sizeof(field), "mounts[%zu]", i);
  if (setns(mntns, CLONE_NEWNS) < 0) {
    veil_fail(&err, errno, "%s.source: enter the container's mount namespace", field);
  } else if (mount_opts_parse(m->options, m->options_len, &o, &err) == 0) {
    bool idmapped = o.idmap || o.ridmap || m->uid_mappings_len || m->gid_mappings_len;
    src = m->source[0] == '/' ? strdup(m->source) : veil_strdup_printf("%s/%s", bundle, m->source);
    if (!src)
      veil_fail(&err, ENOMEM, "%s.source", field);
    else if (!idmapped && (fd = open(src, O_PATH | O_CLOEXEC)) < 0)
      veil_fail(&err, errno, "%s.source: %s", field, m->source);
    else if (idmapped && (!(m->uid_mappings_len || m->gid_mappings_len) ||
                          (own = idmap_mount_userns(m, true, field, &err)) >= 0))
      fd = idmap_clone(src, own >= 0 ? own : userns, o.recursive, o.ridmap, field, &err);
    mount_opts_release(&o);
  }
  if (fd >= 0)
    _exit(sync_send_fd(sync_fd, SYNC_MOUNT_FD, (int32_t)i, fd) < 0);
  sync_send(sync_fd, SYNC_ERROR, 0, err.msg ? err.msg : "mount source");
  _exit(1);
}

int mount_source_send(const oci_config *cfg, const char *bundle, pid_t init_pid, int32_t index,
                      int sync_fd, veil_error *err)
{
  cleanup_close int mntns = -1, userns = -1;
  char path[64];
  int status;
  pid_t pid;

  if (index < 0 || (size_t)index >= cfg->mounts_len || !cfg->mounts[index].source)
    return veil_fail(err, 0, "container init asked for the source of a bad mount (%d)", index);
  snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init_pid);
  mntns = open(path, O_RDONLY | O_CLOEXEC);
  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
  userns = open(path, O_RDONLY | O_CLOEXEC);
  if (mntns < 0 || userns < 0)
    return veil_fail(err, errno, "open the container init's namespaces");
  /* a child: setns(CLONE_NEWNS) would move us too */
  pid = fork();
  if (pid < 0)
    return veil_fail(err, errno, "fork");
  if (pid == 0)
    source_helper(cfg, bundle, (size_t)index, mntns, userns, sync_fd);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return veil_fail(err, errno, "wait for the mount source helper");
  /* it answered the init (fd or error) unless it died before */
  if (WIFSIGNALED(status))
    sync_send(sync_fd, SYNC_ERROR, 0, "mount source helper killed");
  return 0;
}

#include "config.h"
#include "mounts.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#ifndef MS_MANDLOCK
#define MS_MANDLOCK 64
#endif

typedef struct mount_flag {
  const char *name;
  bool clear;
  unsigned long flag;
} mount_flag;

static const mount_flag flag_table[] = {
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"defaults", false, 0},
};

static const struct {
  const char *name;
  unsigned long flags;
} propagation_table[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

unsigned long mount_propagation_flags(const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE(propagation_table); i++)
    if (!strcmp(propagation_table[i].name, name))
      return propagation_table[i].flags;
  return 0;
}

void mount_opts_release(mount_opts *o)
{
  free(o->data);
  o->data = NULL;
}

static int append_data(mount_opts *o, const char *opt)
{
  char *n;

  if (o->data) {
    n = veil_strdup_printf("%s,%s", o->data, opt);
    free(o->data);
  } else {
    n = strdup(opt);
  }
  o->data = n;
  return n ? 0 : -1;
}

int mount_opts_parse(char *const *options, size_t n, mount_opts *out, veil_error *err)
{
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < n; i++) {
    const char *opt = options[i];
    bool known = false;

    if (!strcmp(opt, "bind") || !strcmp(opt, "rbind")) {
      out->bind = true;
      out->recursive |= opt[0] == 'r';
      continue;
    }
    for (size_t k = 0; k < ARRAY_SIZE(flag_table) && !known; k++) {
      if (strcmp(flag_table[k].name, opt))
        continue;
      known = true;
      if (flag_table[k].clear)
        out->flags &= ~flag_table[k].flag;
      else
        out->flags |= flag_table[k].flag;
    }
    unsigned long prop = mount_propagation_flags(opt);
    if (prop) {
      out->propagation = prop;
      known = true;
    }
    if (!known && append_data(out, opt) < 0) {
      mount_opts_release(out);
      return veil_fail(err, ENOMEM, "mount options");
    }
  }
  return 0;
}

void fd_path(char buf[FD_PATH_SIZE], int fd)
{
  snprintf(buf, FD_PATH_SIZE, "/proc/self/fd/%d", fd);
}

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how;

  memset(&how, 0, sizeof(how));
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

int mount_target_open(int rootfd, const char *dest, bool dir, veil_error *err)
{
  cleanup_free char *path = strdup(dest), *prefix = NULL;
  cleanup_close int parent = -1;
  char *save = NULL, *comp, *next;
  size_t plen = 0;
  int fd;

  if (!path || !(prefix = calloc(1, strlen(dest) + 2)))
    return veil_fail(err, ENOMEM, "%s", dest);
  fd = openat2_in_root(rootfd, path, O_PATH, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return veil_fail(err, errno, "open %s inside the rootfs", dest);

  /* Create what is missing one component at a time.  Every prefix is resolved from the root
   * (a symlink in it means what it would mean inside the container), and each new entry is
   * made through the fd of its resolved parent, never through a path string. */
  parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
  if (parent < 0)
    return veil_fail(err, errno, "dup rootfs fd");
  comp = strtok_r(path, "/", &save);
  while (comp) {
    next = strtok_r(NULL, "/", &save);
    bool last = next == NULL;
    int child;

    prefix[plen++] = '/';
    strcpy(prefix + plen, comp);
    plen += strlen(comp);
    child = openat2_in_root(rootfd, prefix, O_PATH, 0);
    if (child < 0 && errno == ENOENT && strcmp(comp, ".") && strcmp(comp, "..")) {
      if (!last || dir) {
        if (mkdirat(parent, comp, 0755) < 0 && errno != EEXIST)
          return veil_fail(err, errno, "mkdir %s inside the rootfs", dest);
      } else {
        int f = openat(parent, comp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (f < 0 && errno != EEXIST)
          return veil_fail(err, errno, "create %s inside the rootfs", dest);
        if (f >= 0)
          close(f);
      }
      child = openat2_in_root(rootfd, prefix, O_PATH, 0);
    }
    if (child < 0)
      return veil_fail(err, errno, "open %s inside the rootfs", dest);
    close(parent);
    parent = child;
    comp = next;
  }
  return steal_fd(&parent);
}

/* Flags a bind remount inside a user namespace must keep, or the kernel refuses it. */
static unsigned long locked_flags(const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (statvfs(path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

/* The target fd names what was there before the mount; the new mount on top is reached by
 * resolving the destination again from the root. */
static int reopen_target(mount_ctx *ctx, const char *dest, bool dir, int *tfd,
                         char target[FD_PATH_SIZE], veil_error *err)
{
  int fd = mount_target_open(ctx->rootfd, dest, dir, err);

  if (fd < 0)
    return -1;
  close(*tfd);
  *tfd = fd;
  fd_path(target, fd);
  return 0;
}

static int bind_mount(mount_ctx *ctx, const char *field, const char *source, const char *dest,
                      bool dir, int *tfd, char target[FD_PATH_SIZE], const mount_opts *o,
                      veil_error *err)
{
  unsigned long extra = o->flags & ~(unsigned long)MS_REMOUNT;

  if (mount(source, target, NULL, MS_BIND | (o->recursive ? MS_REC : 0), NULL) < 0)
    return veil_fail(err, errno, "%s: bind %s", field, source);
  if (extra) {
    if (reopen_target(ctx, dest, dir, tfd, target, err) < 0)
      return -1;
    unsigned long keep = ctx->userns ? locked_flags(target) & ~(unsigned long)MS_RDONLY : 0;
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | extra | keep, NULL) < 0)
      return veil_fail(err, errno, "%s: remount bind of %s", field, source);
  }
  return 0;
}

static char *bind_source(const mount_ctx *ctx, const char *source)
{
  if (source[0] == '/')
    return strdup(source);
  return veil_strdup_printf("%s/%s", ctx->bundle, source);
}

/* cgroup v1 (and hybrid) hosts: a tmpfs with one mount per hierarchy, as the host has them;
 * a cgroup2-only host: one cgroup2 mount. */
static int mount_cgroup_tree(int rootfd, const char *field, const char *dest, int tfd,
                             const mount_opts *o, veil_error *err)
{
  char target[FD_PATH_SIZE];
  FILE *mi;
  char *line = NULL;
  size_t cap = 0;
  bool v1 = false;
  unsigned long flags =
      (o->flags & ~(unsigned long)(MS_REMOUNT | MS_RDONLY)) | MS_NOSUID | MS_NODEV | MS_NOEXEC;

  fd_path(target, tfd);
  mi = fopen("/proc/self/mountinfo", "re");
  if (!mi)
    return veil_fail(err, errno, "%s: read /proc/self/mountinfo", field);
  while (getline(&line, &cap, mi) > 0) {
    if (strstr(line, " - cgroup ")) {
      v1 = true;
      break;
    }
  }
  if (!v1) {
    fclose(mi);
    free(line);
    if (mount("cgroup2", target, "cgroup2", o->flags & ~(unsigned long)MS_REMOUNT, NULL) < 0 &&
        mount("/sys/fs/cgroup", target, NULL, MS_BIND | MS_REC, NULL) < 0)
      return veil_fail(err, errno, "%s: mount cgroup2 on %s", field, dest);
    return 0;
  }
  if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0) {
    fclose(mi);
    free(line);
    return veil_fail(err, errno, "%s: mount tmpfs on %s", field, dest);
  }
  rewind(mi);
  int rc = 0;
  /* tfd names the directory under the new tmpfs: walk from the root to reach the tmpfs */
  cleanup_close int top = mount_target_open(rootfd, dest, true, err);
  if (top < 0) {
    fclose(mi);
    free(line);
    return -1;
  }
  while (rc == 0 && getline(&line, &cap, mi) > 0) {
    char mnt[4096], fstype[64], opts[1024];
    char *sep = strstr(line, " - ");
    /* fields: id parent maj:min root mountpoint options ... - fstype source superopts */
    if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
        sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
      continue;
    if (strncmp(mnt, "/sys/fs/cgroup/", 15) != 0)
      continue;
    bool is_v2 = !strcmp(fstype, "cgroup2");
    if (!is_v2 && strcmp(fstype, "cgroup"))
      continue;
    const char *name = mnt + 15;
    /* the superblock options name the controllers: keep those, drop rw/ro */
    char data[1024] = "";
    if (!is_v2) {
      char *save = NULL;
      for (char *t = strtok_r(opts, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "rw") || !strcmp(t, "ro"))
          continue;
        if (data[0])
          strncat(data, ",", sizeof(data) - strlen(data) - 1);
        strncat(data, t, sizeof(data) - strlen(data) - 1);
      }
    }
    cleanup_close int sub = mount_target_open(top, name, true, err);
    if (sub < 0) {
      rc = -1;
      break;
    }
    char subpath[FD_PATH_SIZE];
    fd_path(subpath, sub);
    if (mount(is_v2 ? "cgroup2" : "cgroup", subpath, fstype, flags | (o->flags & MS_RDONLY),
              is_v2 ? NULL : data) < 0) {
      /* Not allowed in this user namespace: show the host's hierarchy instead. */
      if (mount(mnt, subpath, NULL, MS_BIND | MS_REC, NULL) < 0)
        rc = veil_fail(err, errno, "%s: mount %s on %s/%s", field, fstype, dest, name);
    }
  }
  fclose(mi);
  free(line);
  if (rc == 0 && (o->flags & MS_RDONLY)) {
    fd_path(target, top);
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) < 0)
      return veil_fail(err, errno, "%s: remount %s read-only", field, dest);
  }
  return rc;
}

static int mount_one(mount_ctx *ctx, size_t i, const oci_mount *m, veil_error *err)
{
  char field[48], target[FD_PATH_SIZE];
  mount_opts o;
  cleanup_close int tfd = -1;
  cleanup_free char *src = NULL;
  const char *type = m->type ? m->type : "";
  int rc = -1;

  snprintf(field, sizeof(field), "mounts[%zu]", i);
  if (!m->destination || !*m->destination)
    return veil_fail(err, 0, "%s.destination: must not be empty", field);
  if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
    return -1;
  if (!strcmp(type, "bind"))
    o.bind = true;

  bool dir = true;
  if (o.bind) {
    struct stat st;
    if (!m->source) {
      veil_fail(err, 0, "%s.source: required for a bind mount", field);
      goto out;
    }
    src = bind_source(ctx, m->source);
    if (!src || stat(src, &st) < 0) {
      veil_fail(err, errno, "%s.source: %s", field, m->source);
      goto out;
    }
    dir = S_ISDIR(st.st_mode);
  }
  tfd = mount_target_open(ctx->rootfd, m->destination, dir, err);
  if (tfd < 0) {
    veil_error_prefix(err, "%s.destination", field);
    goto out;
  }
  fd_path(target, tfd);

  if (o.bind) {
    rc = bind_mount(ctx, field, src, m->destination, dir, &tfd, target, &o, err);
  } else if (!strcmp(type, "cgroup")) {
    rc = mount_cgroup_tree(ctx->rootfd, field, m->destination, tfd, &o, err);
  } else {
    const char *source = m->source && *m->source ? m->source : type;
    rc = mount(source, target, type, o.flags & ~(unsigned long)MS_REMOUNT, o.data);
    if (rc < 0 && !strcmp(type, "sysfs") && (errno == EPERM || errno == EACCES)) {
      /* sysfs needs a network namespace of our own; share the host's read-only instead. */
      rc = mount("/sys", target, NULL, MS_BIND | MS_REC, NULL);
      if (rc == 0 && (o.flags & MS_RDONLY)) {
        rc = reopen_target(ctx, m->destination, true, &tfd, target, err);
        if (rc == 0)
          rc = mount(NULL, target, NULL,
                     MS_REMOUNT | MS_BIND | MS_RDONLY | (locked_flags(target) & ~MS_RDONLY), NULL);
      }
    }
    if (rc < 0)
      veil_fail(err, errno, "%s: mount %s on %s", field, type[0] ? type : "(no type)",
                m->destination);
  }
  if (rc == 0 && o.propagation &&
      (reopen_target(ctx, m->destination, dir, &tfd, target, err) < 0 ||
       mount(NULL, target, NULL, o.propagation, NULL) < 0))
    rc = err->msg ? -1 : veil_fail(err, errno, "%s: set propagation of %s", field, m->destination);
  if (rc == 0) {
    const char *d = m->destination;
    while (*d == '/')
      d++;
    if (!strncmp(d, "dev", 3) && (d[3] == '\0' || d[3] == '/'))
      ctx->dev_mounted = true;
  }
out:
  mount_opts_release(&o);
  return rc;
}

int mounts_apply(mount_ctx *ctx, const oci_config *cfg, veil_error *err)
{
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (mount_one(ctx, i, &cfg->mounts[i], err) < 0)
      return -1;
  return 0;
}

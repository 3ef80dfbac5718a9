#include "config.h"
#include "copyup.h"
#include "idmap-mount.h"
#include "mounts.h"
#include "spawn.h"
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
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"defaults", false, 0},
};

/* The recursive forms go to mount_setattr(2), which applies them to a whole tree at once. */
static const struct {
  const char *name;
  bool clear;
  uint64_t attr;
} rec_table[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

/* Access time is one mode, not independent bits: mount_setattr wants MOUNT_ATTR__ATIME cleared
 * and one mode set.  The "no"/clearing forms fall back to the kernel default, relatime (as
 * mount(2) does when no atime flag is given). */
static const struct {
  const char *name;
  uint64_t mode;
} rec_atime_table[] = {
    {"rrelatime", MOUNT_ATTR_RELATIME},       {"rnorelatime", MOUNT_ATTR_RELATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME},         {"ratime", MOUNT_ATTR_RELATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", MOUNT_ATTR_RELATIME},
};

/* Options that choose what kind of mount is made rather than a flag of it. */
typedef enum { KIND_BIND, KIND_RBIND, KIND_IDMAP, KIND_RIDMAP, KIND_TMPCOPYUP } mount_kind;

static const struct {
  const char *name;
  mount_kind kind;
} kind_table[] = {
    {"bind", KIND_BIND},     {"rbind", KIND_RBIND},         {"idmap", KIND_IDMAP},
    {"ridmap", KIND_RIDMAP}, {"tmpcopyup", KIND_TMPCOPYUP},
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

    for (size_t k = 0; k < ARRAY_SIZE(kind_table) && !known; k++) {
      if (strcmp(kind_table[k].name, opt))
        continue;
      known = true;
      switch (kind_table[k].kind) {
      case KIND_RBIND:
        out->recursive = true;
        /* fall through */
      case KIND_BIND:
        out->bind = true;
        break;
      case KIND_IDMAP:
        out->idmap = true;
        break;
      case KIND_RIDMAP:
        out->ridmap = true;
        break;
      case KIND_TMPCOPYUP:
        out->tmpcopyup = true;
        break;
      }
    }
    if (known)
      continue;
    for (size_t k = 0; k < ARRAY_SIZE(rec_table) && !known; k++) {
      if (strcmp(rec_table[k].name, opt))
        continue;
      known = true;
      if (rec_table[k].clear) {
        out->rec_clr |= rec_table[k].attr;
        out->rec_set &= ~rec_table[k].attr;
      } else {
        out->rec_set |= rec_table[k].attr;
        out->rec_clr &= ~rec_table[k].attr;
      }
    }
    for (size_t k = 0; k < ARRAY_SIZE(rec_atime_table) && !known; k++) {
      if (strcmp(rec_atime_table[k].name, opt))
        continue;
      known = true;
      out->has_rec_atime = true;
      out->rec_atime = rec_atime_table[k].mode;
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
  out->remount = out->flags & MS_REMOUNT;
  out->flags &= ~(unsigned long)MS_REMOUNT;
  return 0;
}

bool mount_setattr_supported(void)
{
  /* size 0 is always refused (EINVAL); only a kernel without the syscall says ENOSYS */
  return mount_setattr(-1, "", 0, NULL, 0) == 0 || errno != ENOSYS;
}

void mount_option_names(veil_name_fn fn, void *data)
{
  /* the recursive forms and idmapped mounts are made with mount_setattr(2) (Linux 5.12) */
  bool setattr = mount_setattr_supported();

  for (size_t i = 0; i < ARRAY_SIZE(kind_table); i++)
    if (setattr || (kind_table[i].kind != KIND_IDMAP && kind_table[i].kind != KIND_RIDMAP))
      fn(kind_table[i].name, data);
  for (size_t i = 0; i < ARRAY_SIZE(flag_table); i++)
    fn(flag_table[i].name, data);
  for (size_t i = 0; i < ARRAY_SIZE(rec_table) && setattr; i++)
    fn(rec_table[i].name, data);
  for (size_t i = 0; i < ARRAY_SIZE(rec_atime_table) && setattr; i++)
    fn(rec_atime_table[i].name, data);
  for (size_t i = 0; i < ARRAY_SIZE(propagation_table); i++)
    fn(propagation_table[i].name, data);
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

/* The path meant when COMP, an entry of the directory PARENT (DIR, DLEN bytes, from the root),
 * is a dangling symlink followed by REST: what the link names, resolved as the kernel would
 * inside the root (an absolute target from the root, a relative one from DIR), then REST.
 * NULL when COMP is no symlink. */
static char *through_dangling_link(int parent, const char *dir, size_t dlen, const char *comp,
                                   const char *rest)
{
  char link[4096];
  struct stat st;
  ssize_t n;

  if (fstatat(parent, comp, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
    return NULL;
  n = readlinkat(parent, comp, link, sizeof(link) - 1);
  if (n <= 0)
    return NULL;
  link[n] = '\0';
  if (link[0] == '/')
    return veil_strdup_printf("%s%s", link, rest);
  return veil_strdup_printf("%.*s/%s%s", (int)dlen, dir, link, rest);
}

static int target_open_walk(int rootfd, const char *dest, bool dir, int links, veil_error *err)
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
    size_t dlen = plen;
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
    if (child < 0 && errno == ENOENT) {
      /* as runc: a dangling symlink gets what it points to made, inside the root */
      const char *rest = dest + (comp - path) + strlen(comp);
      cleanup_free char *via = through_dangling_link(parent, prefix, dlen, comp, rest);
      if (via) {
        if (links >= 40)
          return veil_fail(err, ELOOP, "open %s inside the rootfs", dest);
        return target_open_walk(rootfd, via, dir, links + 1, err);
      }
      errno = ENOENT;
    }
    if (child < 0)
      return veil_fail(err, errno, "open %s inside the rootfs", dest);
    close(parent);
    parent = child;
    comp = next;
  }
  return steal_fd(&parent);
}

int mount_target_open(int rootfd, const char *dest, bool dir, veil_error *err)
{
  return target_open_walk(rootfd, dest, dir, 0, err);
}

/* proc and sysfs go on an ordinary directory of the rootfs, never through a symlink: a /proc
 * that the image points elsewhere would put the container's procfs, and all that later reads or
 * writes it, where the image chose (CVE-2019-16884 kin).  As runc, what is there must be a
 * directory; missing, one is made.  Returns the O_PATH fd of that directory. */
static int ordinary_dir_open(int rootfd, const char *type, const char *dest, veil_error *err)
{
  cleanup_free char *path = strdup(dest);
  cleanup_close int fd = -1;
  struct stat st;
  size_t n;

  if (!path)
    return veil_fail(err, ENOMEM, "%s", dest);
  /* a trailing slash would make the kernel follow a final symlink */
  n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    path[--n] = '\0';
  const char *last = strrchr(path, '/');
  last = last ? last + 1 : path;
  /* worded as runc's, which scripts and people already know */
  if (!strcmp(last, ".") || !strcmp(last, ".."))
    return veil_fail(err, 0,
                     "error mounting \"%s\" to rootfs at \"%s\": filesystem \"%s\" must be "
                     "mounted on ordinary directory, not \"%s\"",
                     type, dest, type, last);
  fd = openat2_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
  if (fd < 0 && errno == ENOENT) {
    int made = mount_target_open(rootfd, path, true, err);
    if (made < 0)
      return -1;
    close(made);
    fd = openat2_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
  }
  if (fd < 0)
    return veil_fail(err, errno, "open %s inside the rootfs", dest);
  if (fstat(fd, &st) < 0)
    return veil_fail(err, errno, "stat %s inside the rootfs", dest);
  if (!S_ISDIR(st.st_mode))
    return veil_fail(err, 0,
                     "error mounting \"%s\" to rootfs at \"%s\": filesystem \"%s\" must be "
                     "mounted on ordinary directory, not on a %s",
                     type, dest, type,
                     S_ISLNK(st.st_mode)   ? "symlink"
                     : S_ISREG(st.st_mode) ? "regular file"
                                           : "non-directory");
  return steal_fd(&fd);
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

/* A bind remount with FLAGS.  In a user namespace the flags the mount got from a more privileged
 * one (nosuid, nodev, noexec, atime, and ro) are locked: they are kept, not cleared (EPERM). */
static int remount_bind(const mount_ctx *ctx, const char *target, unsigned long flags)
{
  unsigned long keep = ctx->userns ? locked_flags(target) : 0;

  /* a read-only source stays read-only only where "rw" could not be had anyway */
  if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | (keep & ~MS_RDONLY), NULL) == 0)
    return 0;
  if (errno != EPERM || !(keep & MS_RDONLY))
    return -1;
  return mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | keep, NULL);
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

/* Attaches SOURCE on the target: a plain bind, or an idmapped clone of it (TREE, when the
 * parent made it: only it can idmap a host mount for a container with its own user namespace). */
static int bind_attach(mount_ctx *ctx, int tree, const oci_mount *m, const char *field,
                       const char *source, const char *target, int tfd, const mount_opts *o,
                       veil_error *err)
{
  cleanup_close int userns = -1;

  if (!o->idmap && !o->ridmap && !m->uid_mappings_len && !m->gid_mappings_len) {
    if (mount(source, target, NULL, MS_BIND | (o->recursive ? MS_REC : 0), NULL) < 0)
      return veil_fail(err, errno, "%s: bind %s", field, source);
    return 0;
  }
  if (tree >= 0)
    return idmap_attach(tree, tfd, field, source, err);
  /* mappings without "idmap" still mean an idmapped mount (runc does the same) */
  userns = idmap_mount_userns(m, ctx->userns, field, err);
  if (userns < 0)
    return -1;
  return idmap_bind(source, userns, o->recursive, o->ridmap, tfd, field, err);
}

static int bind_mount(mount_ctx *ctx, int tree, const oci_mount *m, const char *field,
                      const char *source, bool dir, int *tfd, char target[FD_PATH_SIZE],
                      const mount_opts *o, veil_error *err)
{
  if (bind_attach(ctx, tree, m, field, source, target, *tfd, o, err) < 0)
    return -1;
  /* sync, dirsync and mand belong to the superblock, which a bind shares with the host */
  if (o->flags & ~(unsigned long)(MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK)) {
    if (reopen_target(ctx, m->destination, dir, tfd, target, err) < 0)
      return -1;
    if (remount_bind(ctx, target, o->flags) < 0)
      return veil_fail(err, errno, "%s: remount bind of %s", field, source);
  }
  return 0;
}

/* "remount": change the mount that is already at the destination. */
static int remount_existing(mount_ctx *ctx, const char *field, const char *type, const char *target,
                            const mount_opts *o, veil_error *err)
{
  if (o->bind ? remount_bind(ctx, target, o->flags) < 0
              : mount(NULL, target, type[0] ? type : NULL, MS_REMOUNT | o->flags, o->data) < 0)
    return veil_fail(err, errno, "%s: remount", field);
  return 0;
}

/* The recursive forms: mount_setattr(AT_RECURSIVE) reaches every mount below the destination,
 * which a bind remount cannot. */
static int set_recursive_attrs(mount_ctx *ctx, const char *field, const char *dest, bool dir,
                               int *tfd, char target[FD_PATH_SIZE], const mount_opts *o,
                               veil_error *err)
{
  struct mount_attr attr;

  if (!o->rec_set && !o->rec_clr && !o->has_rec_atime)
    return 0;
  if (reopen_target(ctx, dest, dir, tfd, target, err) < 0)
    return -1;
  memset(&attr, 0, sizeof(attr));
  attr.attr_set = o->rec_set;
  attr.attr_clr = o->rec_clr;
  if (o->has_rec_atime) {
    attr.attr_clr |= MOUNT_ATTR__ATIME;
    attr.attr_set |= o->rec_atime;
  }
  if (mount_setattr(*tfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
    return veil_fail(err, errno, "%s: set recursive mount attributes on %s", field, dest);
  return 0;
}

/* As runc: sysfs needs a network namespace of our own and mqueue an IPC one (a user namespace
 * cannot mount them otherwise); the container then shares the host's, read-only if asked. */
static const char *host_fallback(const char *type)
{
  if (!strcmp(type, "sysfs"))
    return "/sys";
  if (!strcmp(type, "mqueue"))
    return "/dev/mqueue";
  return NULL;
}

static const char *denied_hint(const mount_ctx *ctx, const char *type, int e)
{
  if (!ctx->userns || e != EPERM)
    return "";
  if (host_fallback(type))
    return !strcmp(type, "sysfs") ? " (a user namespace needs its own network namespace for "
                                    "sysfs, and the host's /sys could not be bound)"
                                  : " (a user namespace needs its own IPC namespace for mqueue, "
                                    "and the host has no /dev/mqueue to bind)";
  return " (not allowed in a user namespace: only the host's root can mount it)";
}

/* A filesystem mount (tmpfs, proc, ...); with tmpcopyup the tmpfs gets a copy of the directory
 * it covers, read through an fd opened before the mount hid it. */
/* keep_mode: the permissions of the directory a tmpfs covers, 0 for none.  A tmpfs comes
 * without MS_RDONLY: mounts_apply makes it read-only last. */
static int fs_mount(mount_ctx *ctx, const oci_mount *m, const char *field, int *tfd,
                    char target[FD_PATH_SIZE], const mount_opts *o, mode_t keep_mode,
                    veil_error *err)
{
  const char *type = m->type ? m->type : "";
  const char *source = m->source && *m->source ? m->source : type;
  cleanup_close int below = -1, top = -1;
  unsigned long flags = o->flags;
  int rc;

  if (o->tmpcopyup) {
    below = openat(*tfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (below < 0)
      return veil_fail(err, errno, "%s: open %s to copy it up", field, m->destination);
  }
  rc = mount(source, target, type, flags, o->data);
  const char *host = host_fallback(type);
  int mount_errno = errno;
  if (rc < 0 && host && (errno == EPERM || errno == EACCES) && access(host, F_OK) == 0) {
    rc = mount(host, target, NULL, MS_BIND | MS_REC, NULL);
    mount_errno = errno;
    if (rc == 0 && (o->flags & MS_RDONLY)) {
      if (reopen_target(ctx, m->destination, true, tfd, target, err) < 0)
        return -1;
      rc = mount(NULL, target, NULL,
                 MS_REMOUNT | MS_BIND | MS_RDONLY | (locked_flags(target) & ~MS_RDONLY), NULL);
    }
  }
  if (rc < 0)
    return veil_fail(err, mount_errno, "%s: mount %s on %s%s", field, type[0] ? type : "(no type)",
                     m->destination, denied_hint(ctx, type, mount_errno));
  if (keep_mode && !o->tmpcopyup) {
    if (reopen_target(ctx, m->destination, true, tfd, target, err) < 0)
      return -1;
    if (chmod(target, keep_mode) < 0)
      return veil_fail(err, errno, "%s: chmod the new %s", field, m->destination);
    return 0;
  }
  if (below < 0)
    return 0;
  if (reopen_target(ctx, m->destination, true, tfd, target, err) < 0)
    return -1;
  top = openat(*tfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top < 0)
    return veil_fail(err, errno, "%s: open the new %s", field, m->destination);
  if (copyup_tree(below, top, err) < 0)
    return veil_error_prefix(err, "%s", field);
  return 0;
}

static char *bind_source(const mount_ctx *ctx, const char *source)
{
  if (source[0] == '/')
    return strdup(source);
  return veil_strdup_printf("%s/%s", ctx->bundle, source);
}

/* The parent's answer to SYNC_MOUNT_SOURCE for mounts[I]: an fd, or -1 with its error. */
static int source_from_parent(const mount_ctx *ctx, size_t i, veil_error *err)
{
  sync_msg msg;
  int fd = -1, r;

  if (ctx->need_attached && ctx->need_attached(ctx->need_attached_arg, err) < 0)
    return -1;
  if (sync_send(ctx->sync_fd, SYNC_MOUNT_SOURCE, (int32_t)i, NULL) < 0)
    return veil_fail(err, errno, "mounts[%zu]: ask the parent for the source", i);
  r = sync_recv_fd(ctx->sync_fd, &msg, &fd);
  if (r != 0)
    return veil_fail(err, r < 0 ? errno : 0, "mounts[%zu]: the parent exited during setup", i);
  if (msg.type == SYNC_MOUNT_FD && msg.pid == (int32_t)i && fd >= 0)
    return fd;
  if (fd >= 0)
    close(fd);
  if (msg.type == SYNC_ERROR)
    return veil_fail(err, 0, "%s", msg.text);
  return veil_fail(err, 0, "mounts[%zu]: the parent sent message %u, not the source", i, msg.type);
}

/* Resolves a bind mount's source now, after the mounts before it (one of them may cover it):
 * *SRC its path, *DIR whether it is a directory.  In a user namespace the parent opens what our
 * ids cannot reach (a directory only the host's root may enter on the way, as runc) and makes
 * the idmapped clone of an idmapped bind: *SRCFD gets the fd (for a plain bind, *SRC then names
 * it), else -1. */
static int bind_source_open(const mount_ctx *ctx, size_t i, const oci_mount *m, bool idmapped,
                            char **src, int *srcfd, bool *dir, veil_error *err)
{
  struct stat st;

  if (!m->source)
    return veil_fail(err, 0, "mounts[%zu].source: required for a bind mount", i);
  if (!(*src = bind_source(ctx, m->source)))
    return veil_fail(err, ENOMEM, "mounts[%zu].source", i);
  if (ctx->userns && idmapped) {
    if ((*srcfd = source_from_parent(ctx, i, err)) < 0)
      return -1;
  } else if (stat(*src, &st) < 0) {
    if (!ctx->userns || (errno != EACCES && errno != EPERM))
      return veil_fail(err, errno, "mounts[%zu].source: %s", i, m->source);
    if ((*srcfd = source_from_parent(ctx, i, err)) < 0)
      return -1;
    free(*src);
    if (!(*src = malloc(FD_PATH_SIZE)))
      return veil_fail(err, ENOMEM, "mounts[%zu].source", i);
    fd_path(*src, *srcfd);
  } else {
    *dir = S_ISDIR(st.st_mode);
    return 0;
  }
  if (fstat(*srcfd, &st) < 0)
    return veil_fail(err, errno, "mounts[%zu].source: %s", i, m->source);
  *dir = S_ISDIR(st.st_mode);
  return 0;
}

/* This process's cgroup (the container's, joined before the mounts) in the v2 hierarchy or in
 * the v1 one whose superblock options CTRLS ("cpu", "xattr,name=systemd") name all of its
 * controllers, from TABLE (/proc/self/cgroup, read once by the caller); NULL when it has no such
 * line. */
static char *own_cgroup(const char *table, bool is_v2, const char *ctrls)
{
  cleanup_free char *copy = table ? strdup(table) : NULL;
  char *found = NULL, *lsave = NULL;

  if (!copy)
    return NULL;
  for (char *line = strtok_r(copy, "\n", &lsave); line && !found;
       line = strtok_r(NULL, "\n", &lsave)) {
    char *list = strchr(line, ':'), *path;
    if (!list || !(path = strchr(++list, ':')))
      continue;
    *path++ = '\0';
    if (is_v2 != (*list == '\0'))
      continue;
    bool all = true;
    char *save = NULL;
    for (char *c = strtok_r(list, ",", &save); c && all; c = strtok_r(NULL, ",", &save)) {
      size_t n = strlen(c);
      const char *t = ctrls;
      all = false;
      while ((t = strstr(t, c))) {
        if ((t == ctrls || t[-1] == ',') && (t[n] == ',' || t[n] == '\0')) {
          all = true;
          break;
        }
        t += n;
      }
    }
    if (all)
      found = strdup(path);
  }
  return found;
}

/* Without a cgroup namespace a new cgroup mount shows the whole hierarchy, every other
 * container's cgroups included; the container gets its own cgroup's directory instead, as
 * with runc.  ROOT is the directory of the hierarchy mounted at the host's MNT.  Returns 1 when
 * it bound, 0 when a new mount is right (the container's cgroup is the root it would show,
 * as in a cgroup namespace) or the cgroup is outside what MNT shows, -1 on error. */
static int bind_own_cgroup(const char *table, const char *mnt, const char *root, bool is_v2,
                           const char *ctrls, int top, const char *name, const char *subpath,
                           unsigned long flags, veil_error *err)
{
  cleanup_free char *cg = own_cgroup(table, is_v2, ctrls);
  cleanup_free char *src = NULL;
  cleanup_close int fd = -1;
  char path[FD_PATH_SIZE];
  size_t n = strcmp(root, "/") ? strlen(root) : 0;

  if (!cg || !strcmp(cg, "/") || strncmp(cg, root, n) || (cg[n] != '/' && cg[n] != '\0'))
    return 0;
  src = veil_strdup_printf("%s%s", mnt, cg + n);
  if (!src)
    return veil_fail(err, ENOMEM, "bind cgroup");
  if (mount(src, subpath, NULL, MS_BIND, NULL) < 0)
    return veil_fail(err, errno, "bind %s", src);
  /* subpath still names the directory under the bind mount: the flags go on the mount */
  fd = mount_target_open(top, name, true, err);
  if (fd < 0)
    return -1;
  fd_path(path, fd);
  if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags | locked_flags(path), NULL) < 0)
    return veil_fail(err, errno, "remount %s", src);
  return 1;
}

/* cgroup v1 (and hybrid) hosts: a tmpfs with one mount per v1 hierarchy, as the host has them
 * (a hybrid host's cgroup2 stays out, as with runc); a cgroup2-only host: one cgroup2 mount. */
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
  /* read once for every hierarchy: NULL (no line matches) makes each a new mount */
  cleanup_free char *table = NULL;
  size_t table_len;
  if (veil_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &table, &table_len, NULL) < 0)
    table = NULL;
  /* tfd names the directory under the new tmpfs: walk from the root to reach the tmpfs */
  cleanup_close int top = mount_target_open(rootfd, dest, true, err);
  if (top < 0) {
    fclose(mi);
    free(line);
    return -1;
  }
  while (rc == 0 && getline(&line, &cap, mi) > 0) {
    char root[4096], mnt[4096], fstype[64], opts[1024];
    char *sep = strstr(line, " - ");
    /* fields: id parent maj:min root mountpoint options ... - fstype source superopts */
    if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
        sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
      continue;
    if (strncmp(mnt, "/sys/fs/cgroup/", 15) != 0)
      continue;
    bool is_v2 = !strcmp(fstype, "cgroup2");
    if (is_v2 || strcmp(fstype, "cgroup"))
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
    int bound = bind_own_cgroup(table, mnt, root, is_v2, data, top, name, subpath,
                                flags | (o->flags & MS_RDONLY), err);
    if (bound < 0) {
      rc = veil_error_prefix(err, "%s: %s/%s", field, dest, name);
      break;
    }
    if (bound == 0 && mount(is_v2 ? "cgroup2" : "cgroup", subpath, fstype,
                            flags | (o->flags & MS_RDONLY), is_v2 ? NULL : data) < 0) {
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
  cleanup_close int tfd = -1, srcfd = -1;
  cleanup_free char *src = NULL;
  const char *type = m->type ? m->type : "";
  bool idmapped;
  int rc = -1;

  snprintf(field, sizeof(field), "mounts[%zu]", i);
  if (!m->destination || !*m->destination)
    return veil_fail(err, 0, "%s.destination: must not be empty", field);
  if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
    return -1;
  if (!strcmp(type, "bind"))
    o.bind = true;
  idmapped = o.idmap || o.ridmap || m->uid_mappings_len || m->gid_mappings_len;
  /* an idmapped mount forks the holder of its user namespace */
  if ((idmapped || !strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) && ctx->need_attached &&
      ctx->need_attached(ctx->need_attached_arg, err) < 0)
    goto out;
  if (idmapped && (!o.bind || o.remount)) {
    veil_fail(err, 0, "%s.options: idmapped mounts are made of bind mounts only", field);
    goto out;
  }
  if (o.tmpcopyup && (strcmp(type, "tmpfs") || o.remount)) {
    veil_fail(err, 0, "%s.options: tmpcopyup needs a new tmpfs", field);
    goto out;
  }

  bool dir = true;
  if (o.bind && !o.remount && bind_source_open(ctx, i, m, idmapped, &src, &srcfd, &dir, err) < 0)
    goto out;
  /* As runc: a tmpfs on a directory the image has keeps that directory's permissions (an
   * image's 0755 /run does not turn into a world-writable tmpfs). */
  mode_t keep_mode = 0;
  if (!o.bind && !o.remount && !strcmp(type, "tmpfs")) {
    cleanup_close int old = openat2_in_root(ctx->rootfd, m->destination, O_PATH, 0);
    struct stat st;
    if (old >= 0 && fstat(old, &st) == 0 && S_ISDIR(st.st_mode))
      keep_mode = st.st_mode & 07777;
  }
  if (!o.bind && !o.remount && (!strcmp(type, "proc") || !strcmp(type, "sysfs")))
    tfd = ordinary_dir_open(ctx->rootfd, type, m->destination, err);
  else
    tfd = mount_target_open(ctx->rootfd, m->destination, dir, err);
  if (tfd < 0) {
    veil_error_prefix(err, "%s.destination", field);
    goto out;
  }
  fd_path(target, tfd);

  /* a read-only tmpfs is made writable: mounts_apply makes it read-only at the end */
  if (!o.bind && !o.remount && !strcmp(type, "tmpfs"))
    o.flags &= ~(unsigned long)MS_RDONLY;
  if (o.remount)
    rc = remount_existing(ctx, field, type, target, &o, err);
  else if (o.bind)
    rc = bind_mount(ctx, idmapped ? srcfd : -1, m, field, src, dir, &tfd, target, &o, err);
  else if (!strcmp(type, "cgroup"))
    rc = mount_cgroup_tree(ctx->rootfd, field, m->destination, tfd, &o, err);
  else
    rc = fs_mount(ctx, m, field, &tfd, target, &o, keep_mode, err);
  if (rc == 0 && o.propagation &&
      (reopen_target(ctx, m->destination, dir, &tfd, target, err) < 0 ||
       mount(NULL, target, NULL, o.propagation, NULL) < 0))
    rc = err->msg ? -1 : veil_fail(err, errno, "%s: set propagation of %s", field, m->destination);
  if (rc == 0)
    rc = set_recursive_attrs(ctx, field, m->destination, dir, &tfd, target, &o, err);
  if (rc == 0 && o.bind && !o.remount) {
    cleanup_free char *clean = veil_clean_path(m->destination);
    if (clean && !strcmp(clean, "/dev"))
      ctx->dev_bound = true;
  }
out:
  mount_opts_release(&o);
  return rc;
}

static int tmpfs_make_readonly(const mount_ctx *ctx, size_t i, const oci_mount *m, veil_error *err)
{
  char target[FD_PATH_SIZE];
  mount_opts o;
  cleanup_close int tfd = -1;
  int rc = 0;

  if (!m->type || strcmp(m->type, "tmpfs"))
    return 0;
  if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
    return -1;
  if (!o.bind && !o.remount && (o.flags & MS_RDONLY)) {
    tfd = mount_target_open(ctx->rootfd, m->destination, true, err);
    if (tfd < 0) {
      rc = veil_error_prefix(err, "mounts[%zu].destination", i);
    } else {
      fd_path(target, tfd);
      /* the whole tmpfs, as if it had been mounted read-only; no data, which would redo
       * mode= over the mode kept from the rootfs */
      if (mount(NULL, target, NULL, MS_REMOUNT | o.flags, NULL) < 0)
        rc = veil_fail(err, errno, "mounts[%zu]: remount %s read-only", i, m->destination);
    }
  }
  mount_opts_release(&o);
  return rc;
}

int mounts_apply(mount_ctx *ctx, const oci_config *cfg, veil_error *err)
{
  /* A label we cannot apply must not be dropped silently: the mounts would run unconfined. */
  if (cfg->linux && cfg->linux->mount_label && *cfg->linux->mount_label) {
    if (access("/sys/fs/selinux/enforce", F_OK) < 0)
      return veil_fail(err, 0, "linux.mountLabel: SELinux is not enabled on this host");
    return veil_fail(err, 0, "linux.mountLabel: SELinux labels are not supported by veil");
  }
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (mount_one(ctx, i, &cfg->mounts[i], err) < 0)
      return -1;
  /* As runc: a read-only tmpfs turns read-only once every mount is made, so that mounts
   * inside it find or create their targets (Docker binds /etc/resolv.conf into a
   * --tmpfs /etc:ro). */
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (tmpfs_make_readonly(ctx, i, &cfg->mounts[i], err) < 0)
      return -1;
  return 0;
}

/* veil — config mounts: the option table and safe target resolution inside the rootfs. */
#ifndef VEIL_MOUNTS_H
#define VEIL_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"
#include "util.h"

typedef struct mount_opts {
  unsigned long flags;       /* MS_* to set */
  unsigned long propagation; /* MS_SHARED/MS_SLAVE/... (| MS_REC) applied after the mount */
  bool bind;
  bool recursive;
  bool remount;   /* change the mount already at the destination instead of adding one */
  bool idmap;     /* idmapped bind mount: only the top mount ("idmap") ... */
  bool ridmap;    /* ... or every mount of the tree ("ridmap") */
  bool tmpcopyup; /* a tmpfs starts with a copy of what the rootfs has at the destination */
  /* The recursive forms ("rro", "rnosuid", ...): mount_setattr(AT_RECURSIVE) on the new tree.
   * rec_atime is the MOUNT_ATTR_* access-time mode when has_rec_atime. */
  uint64_t rec_set, rec_clr, rec_atime;
  bool has_rec_atime;
  char *data; /* everything the table does not know, comma-joined, passed to the fs */
} mount_opts;

int mount_opts_parse(char *const *options, size_t n, mount_opts *out, veil_error *err);
void mount_opts_release(mount_opts *o);
/* Every option mount_opts_parse knows (anything else goes to the filesystem as data) that
 * this kernel can carry out. */
void mount_option_names(veil_name_fn fn, void *data);
/* Does the kernel have mount_setattr(2) (the recursive options, idmapped mounts)? */
bool mount_setattr_supported(void);
/* MS_* flag for a propagation name ("rslave"), 0 when unknown. */
unsigned long mount_propagation_flags(const char *name);

/* Opens DEST (absolute or relative, as in config.json) inside the root dir fd, creating the
 * missing directories and the final entry (a directory, or a file when !dir); every component
 * is resolved inside the root so symlinks cannot escape it.  Returns an O_PATH fd. */
int mount_target_open(int rootfd, const char *dest, bool dir, veil_error *err);

typedef struct mount_ctx {
  int rootfd;         /* the rootfs directory, before pivot_root */
  const char *rootfs; /* its path, for messages */
  const char *bundle; /* relative bind sources are relative to the bundle */
  bool userns;        /* inside a new user namespace: bind devices, keep locked flags */
  bool dev_bound;     /* /dev is a bind mount: its devices are what the source has (as runc) */
  /* the sync socket to the parent: in a user namespace it opens the bind sources the init
   * cannot, and makes the idmapped ones (mount_source_send) */
  int sync_fd;
  /* called before what needs the init in its cgroups (a cgroup mount shows the cgroup namespace
   * it makes; a fork must not start outside them) or the parent's attention (a mount source) */
  int (*need_attached)(void *arg, veil_error *err);
  void *need_attached_arg;
} mount_ctx;

/* Every entry of config.mounts, in order. */
int mounts_apply(mount_ctx *ctx, const oci_config *cfg, veil_error *err);

/* "/proc/self/fd/N" for an fd, the path mount(2) follows to the opened target. */
#define FD_PATH_SIZE 32
void fd_path(char buf[FD_PATH_SIZE], int fd);

#endif

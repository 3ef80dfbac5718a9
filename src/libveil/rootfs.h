/* veil — the root filesystem: propagation, the rootfs bind, pivot_root, masking, read-only. */
#ifndef VEIL_ROOTFS_H
#define VEIL_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"

/* Before any mount: stop propagation to the host, bind the rootfs onto itself (pivot_root needs
 * a mount point) and return an O_PATH fd of it.  In a joined mount namespace (joined) nothing of
 * the namespace's own changes; a rootfs on a shared mount there is refused. */
int rootfs_prepare(const char *rootfs, bool joined, veil_error *err);
/* Makes the rootfs the process's root: pivot_root(".", ".") and a lazy unmount of the old root,
 * or with no_pivot a move mount (the old root's other mounts detached first) and chroot; with
 * chroot_only (a joined mount namespace, or none of the container's own) only a chroot (the
 * namespace's other processes keep their root and mounts). */
int rootfs_enter(int rootfd, const char *rootfs, bool no_pivot, bool chroot_only, veil_error *err);
/* A setup that failed in a joined mount namespace takes its rootfs bind (and every mount made
 * under it) out of that namespace. */
void rootfs_abandon_joined(int rootfd);
/* After entering: linux.maskedPaths, linux.readonlyPaths, root.readonly, rootfsPropagation. */
int rootfs_finish(const oci_config *cfg, veil_error *err);

#endif

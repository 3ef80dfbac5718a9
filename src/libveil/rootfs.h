/* veil — the root filesystem: propagation, the rootfs bind, pivot_root, masking, read-only. */
#ifndef VEIL_ROOTFS_H
#define VEIL_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"

/* Before any mount: stop propagation to the host, bind the rootfs onto itself (pivot_root needs
 * a mount point) and return an O_PATH fd of it. */
int rootfs_prepare(const char *rootfs, veil_error *err);
/* Makes the rootfs the process's root: pivot_root(".", ".") and a lazy unmount of the old root,
 * or with no_pivot a move mount and chroot. */
int rootfs_enter(int rootfd, const char *rootfs, bool no_pivot, veil_error *err);
/* After entering: linux.maskedPaths, linux.readonlyPaths, root.readonly, rootfsPropagation. */
int rootfs_finish(const oci_config *cfg, veil_error *err);

#endif

/* veil — idmapped bind mounts (mounts[].options idmap/ridmap, mounts[].uidMappings/gidMappings). */
#ifndef VEIL_IDMAP_MOUNT_H
#define VEIL_IDMAP_MOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"

/* Can this kernel make idmapped mounts (mount_setattr, MOUNT_ATTR_IDMAP: both Linux 5.12)? */
bool idmap_mount_supported(void);

/* An fd of a user namespace whose maps translate the mount's ids: a new one holding M's own
 * uidMappings/gidMappings, or, when it has none, the container's (IN_USERNS).  FIELD names the
 * mount in messages. */
int idmap_mount_userns(const oci_mount *m, bool in_userns, const char *field, veil_error *err);

/* Clones SOURCE (its whole tree when RECURSIVE), idmaps the clone through USERNS_FD (every
 * mount of it when ALL, else only the top one) and attaches it on the target fd TFD. */
int idmap_bind(const char *source, int userns_fd, bool recursive, bool all, int tfd,
               const char *field, veil_error *err);

/* Attaches the idmapped TREE (from idmap_bind's clone, or the parent's) on the target fd TFD. */
int idmap_attach(int tree, int tfd, const char *field, const char *source, veil_error *err);

/* The parent's part for a container in a user namespace other than ours, where the init can no
 * longer idmap a host mount: the init asks (SYNC_MOUNT_FD) for mounts[INDEX] when it gets to it;
 * we clone and idmap it here and send the tree back on SYNC_FD, or no fd when the init is to
 * make it itself (our own user namespace, or a mount that is wrong: the init reports it).  One
 * tree at a time, so that no number of idmapped mounts runs either side out of descriptors. */
int idmap_mount_reply(const oci_config *cfg, const char *bundle, pid_t init_pid, int sync_fd,
                      int32_t index, veil_error *err);

#endif

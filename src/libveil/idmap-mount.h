/* veil — idmapped bind mounts (mounts[].options idmap/ridmap, mounts[].uidMappings/gidMappings),
 * and the parent's part of bind mounts in a user namespace. */
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

/* The parent's part of a bind mount for a container in a user namespace, when its init asks
 * (SYNC_MOUNT_SOURCE, in the order of mounts[]): a helper enters the init's mount namespace as it
 * is then (the earlier mounts made) with the host's privileges, and sends the init on SYNC_FD an
 * O_PATH fd of mounts[INDEX]'s source (one the init's ids cannot reach) or, for an idmapped bind
 * (which only a process privileged over the mount can make), its idmapped clone
 * (SYNC_MOUNT_FD); or the error (SYNC_ERROR), which the init reports. */
int mount_source_send(const oci_config *cfg, const char *bundle, pid_t init_pid, int32_t index,
                      int sync_fd, veil_error *err);

#endif

/* veil — idmapped bind mounts (mounts[].options idmap/ridmap, mounts[].uidMappings/gidMappings). */
#ifndef VEIL_IDMAP_MOUNT_H
#define VEIL_IDMAP_MOUNT_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"

/* An fd of a user namespace whose maps translate the mount's ids: a new one holding M's own
 * uidMappings/gidMappings, or, when it has none, the container's (IN_USERNS).  FIELD names the
 * mount in messages. */
int idmap_mount_userns(const oci_mount *m, bool in_userns, const char *field, veil_error *err);

/* Clones SOURCE (its whole tree when RECURSIVE), idmaps the clone through USERNS_FD (every
 * mount of it when ALL, else only the top one) and attaches it on the target fd TFD. */
int idmap_bind(const char *source, int userns_fd, bool recursive, bool all, int tfd,
               const char *field, veil_error *err);

#endif

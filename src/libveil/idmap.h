/* veil — uid/gid maps of a new user namespace, written by the parent. */
#ifndef VEIL_IDMAP_H
#define VEIL_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"

int idmap_write(pid_t pid, const oci_linux *l, veil_error *err);
/* Whether an unprivileged caller may map M[I] (of gidMappings when GID): its own id alone, or ids
 * within its /etc/subuid (subgid) ranges, which newuidmap (newgidmap) allows. */
int idmap_check_owned(bool gid, const oci_id_mapping *m, size_t i, veil_error *err);
/* Whether container id 0 is mapped in both maps (the init then becomes root inside). */
bool idmap_maps_root(const oci_linux *l);

#endif

/* veil — linux.sysctl and linux.personality, applied inside the container. */
#ifndef VEIL_SYSCTL_H
#define VEIL_SYSCTL_H

#include "error.h"
#include "namespaces.h"
#include "oci.h"

/* Before anything exists: every key well formed and in a namespace the container has apart
 * from the runtime's (IPC keys and fs.mqueue.*: IPC; net.*: network; kernel.domainname: UTS);
 * kernel.hostname (the hostname field's) and every other key refused, naming the key. */
int sysctl_validate_key(const char *key, const ns_plan *ns, veil_error *err);
/* Writes every linux.sysctl key through the container's /proc/sys (after pivot_root, before the
 * read-only paths), verified to be a procfs. */
int sysctl_apply(const oci_linux *l, veil_error *err);
/* linux.personality: the execution domain and its flags, for the process and what it execs. */
int personality_apply(const oci_linux *l, veil_error *err);

#endif

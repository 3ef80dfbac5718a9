/* veil — linux.sysctl and linux.personality, applied inside the container. */
#ifndef VEIL_SYSCTL_H
#define VEIL_SYSCTL_H

#include "error.h"
#include "oci.h"

/* Writes every linux.sysctl key through the container's /proc/sys (after pivot_root, before the
 * read-only paths), verified to be a procfs. */
int sysctl_apply(const oci_linux *l, veil_error *err);
/* linux.personality: the execution domain and its flags, for the process and what it execs. */
int personality_apply(const oci_linux *l, veil_error *err);

#endif

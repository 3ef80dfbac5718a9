/* veil — linux.memoryPolicy: the NUMA memory policy of the container's process
 * (set_mempolicy), inherited across fork and execve. */
#ifndef VEIL_MEMPOLICY_H
#define VEIL_MEMPOLICY_H

#include "error.h"
#include "oci.h"
#include "util.h"

/* Before anything exists: a known mode, known flags that do not contradict each other, and a
 * node list that the mode allows (none for MPOL_DEFAULT and MPOL_LOCAL, at least one node for
 * the modes that spread or restrict over a set).  Errors name the field. */
int mempolicy_validate(const oci_linux *l, veil_error *err);
/* In the init, last thing before execve: the calling thread's policy.  Nothing when the config
 * has no linux.memoryPolicy (the process keeps the default it inherited). */
int mempolicy_apply(const oci_linux *l, veil_error *err);
/* The mode and flag names veil knows, for `veil features`. */
void mempolicy_mode_names(veil_name_fn fn, void *data);
void mempolicy_flag_names(veil_name_fn fn, void *data);

#endif

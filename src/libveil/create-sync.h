/* veil — create, parent side: its half of the sync protocol with the container's init
 * (spawn.h has the messages, init.c the other half). */
#ifndef VEIL_CREATE_SYNC_H
#define VEIL_CREATE_SYNC_H

#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "oci.h"
#include "phase.h"
#include "state.h"

/* From the clone until the init is READY: the user namespace's maps, the cgroups and their
 * limits, oom_score_adj, the runtime hooks and the mount sources the init asks for.  *INIT_PID
 * gets the init's pid (the slow path's first child forks it); PH times the phases. */
int create_drive_init(int sync_fd, pid_t child, const oci_config *cfg, const veil_state_file *st,
                      const cgroup_handle *cg, pid_t *init_pid, veil_phases *ph, veil_error *err);

#endif

/* veil — control groups: layout detection and the per-container manager (DESIGN §2, §3).
 *
 * cgroup.c finds the hierarchies (from /proc/self/mountinfo and /proc/self/cgroup), resolves
 * linux.cgroupsPath in each and keeps what it made; cgroup-v1.c and cgroup-v2.c implement the
 * operations that differ (freeze, kill, the cpuset setup of new v1 directories). */
#ifndef VEIL_CGROUP_H
#define VEIL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"

typedef enum { CGROUP_V1, CGROUP_V2, CGROUP_HYBRID } cgroup_layout;

/* Per container: its directory in every hierarchy, and which of them (and of their parents)
 * this handle's create made. */
typedef struct cgroup_handle cgroup_handle;

/* The host's layout: only cgroup2 -> V2, only v1 -> V1, both -> HYBRID; no cgroup fs -> error. */
int cgroup_detect(cgroup_layout *out, veil_error *err);

/* Resolves linux.cgroupsPath (absolute; or relative, as runc: below veil's own cgroup of each v1
 * hierarchy and below its parent on cgroup2; the relative "ID" when absent) in every mounted
 * hierarchy (v1: each one; v2 and the hybrid unified one: one
 * directory) and counts, per directory, the trailing components that do not exist yet: what
 * cgroup_make will create.  Nothing is made: the caller records the plan (cgroup_to_state) where
 * a delete finds it even if veil dies while it makes them.  ROOTLESS: on v1 or hybrid
 * hierarchies no cgroup at all (*out = NULL; a warning when linux.resources sets limits). */
int cgroup_plan(const char *id, const oci_linux *l, bool rootless, cgroup_handle **out,
                veil_error *err);
/* Makes the planned directories and records what it really created.  On failure what it made is
 * removed; *h = NULL and 0 when the caller may not make them (EACCES, EPERM, EROFS) and is
 * rootless, or not root and on the default path: the container stays in the caller's cgroups
 * (a warning unless rootless without limits asked). */
int cgroup_make(cgroup_handle **h, veil_error *err);

cgroup_layout cgroup_handle_layout(const cgroup_handle *h);

/* O_PATH|O_DIRECTORY fd of the cgroup2 directory for CLONE_INTO_CGROUP; -1 if there is none.
 * Owned by the handle. */
int cgroup_v2_dirfd(const cgroup_handle *h);

/* exec --cgroup SPEC (runc's form): "SUB" moves every hierarchy's directory down to the existing
 * sub-cgroup SUB of the container's, "CTRL[,CTRL...]:SUB" only those of the named controllers
 * ("unified" or "" for cgroup2).  SUB is relative, without "..". */
int cgroup_descend(cgroup_handle *h, const char *spec, veil_error *err);

/* Writes pid to cgroup.procs in every hierarchy, but the cgroup2 one when the process was cloned
 * into cgroup_v2_dirfd() and the v1 ones when V1_DONE (it moved itself: cgroup_enter_self).
 * Pid 0 is the calling process, which must be single-threaded: it moves itself as below. */
int cgroup_enter(const cgroup_handle *h, pid_t pid, bool v1_done, veil_error *err);

/* A v1 hierarchy moves a pid written to cgroup.procs under the threadgroup lock, whose first
 * taking waits for an RCU grace period (5-10 ms); a thread that moves itself alone ("0" to
 * tasks) takes no such lock.  So the parent opens each v1 tasks file before the clone
 * (cgroup_open_v1_tasks: at most CGROUP_V1_MAX fds, O_CLOEXEC; *n = 0 when there is no v1
 * hierarchy) and the single-threaded child moves itself with cgroup_enter_self, then closes
 * them.  The parent's open credentials are what the kernel checks. */
#define CGROUP_V1_MAX 16
int cgroup_open_v1_tasks(const cgroup_handle *h, int fds[CGROUP_V1_MAX], size_t *n,
                         veil_error *err);
int cgroup_enter_self(int fds[CGROUP_V1_MAX], size_t n, veil_error *err);

/* The directory of controller "memory", "cpu", ..., "name=systemd", or "" (or "unified") for the
 * cgroup2 one; NULL if the container has none there. */
const char *cgroup_path(const cgroup_handle *h, const char *controller);

/* True when the leaf directories were made by this container (not a shared, pre-existing one). */
bool cgroup_owned(const cgroup_handle *h);

/* v1: freezer.state FROZEN/THAWED; v2: cgroup.freeze; both wait until the kernel reports it. */
int cgroup_freeze(const cgroup_handle *h, bool frozen, veil_error *err);
bool cgroup_is_frozen(const cgroup_handle *h);
/* The directory (v1 freezer, or cgroup2) whose processes are or are being frozen, by its own
 * setting or an ancestor's; NULL when none is.  A process put there stops until it is thawed. */
const char *cgroup_frozen_dir(const cgroup_handle *h);

/* Host pids of every process in the container's cgroup and its sub-cgroups; *pids malloc'd. */
int cgroup_pids(const cgroup_handle *h, pid_t **pids, size_t *n, veil_error *err);

/* Signals every process: v2 SIGKILL through cgroup.kill; otherwise freeze, signal each, thaw. */
int cgroup_kill_all(const cgroup_handle *h, int sig, veil_error *err);

/* Kills what is left (only in directories it created), removes what create made (EBUSY retried
 * for a bounded time) and never a directory it did not create.  Frees h. */
int cgroup_destroy(cgroup_handle *h, veil_error *err);

/* Removes what create made, for a handle no process was ever put in: nothing to kill, nothing
 * to thaw (a frozen directory that was there before stays as it was).  Frees h. */
void cgroup_remove_unused(cgroup_handle *h);

/* state.json: s->cgroup_paths gets controller -> directory ("unified" for cgroup2) and s->flags
 * gets "cgroup-layout=..." and one "cgroup-created=N:DIR" per directory that create made (N = how
 * many trailing path components were new), replacing what s held of a cgroup before; h may be
 * NULL (no cgroup). */
int cgroup_to_state(const cgroup_handle *h, veil_state_file *s, veil_error *err);
/* *out = NULL (and 0) when the state records no cgroup. */
int cgroup_from_state(const veil_state_file *s, cgroup_handle **out, veil_error *err);

void cgroup_handle_free(cgroup_handle *h);
static inline void cgroup_handle_freep(cgroup_handle **h)
{
  cgroup_handle_free(*h);
}

#endif

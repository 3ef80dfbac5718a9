/* veil — the container process: limits, identity, capabilities, cwd, env, execve. */
#ifndef VEIL_PROCESS_H
#define VEIL_PROCESS_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"
#include "util.h"

/* In the parent, before anything exists: user ids ((uid_t)-1 refused), capability names (a name
 * this kernel lacks is a warning), LSM labels, scheduler, I/O priority and cpu lists. */
int process_validate(const oci_process *p, veil_error *err);
/* Why an env entry is not KEY=VALUE with a non-empty KEY, or NULL when it is. */
const char *process_env_problem(const char *kv);
/* The CAP_* names a config may use that this kernel has; false when veil was built without
 * libcap (then capabilities are not applied at all). */
bool process_cap_names(veil_name_fn fn, void *data);
/* While still privileged (before pivot the rlimits, after it the rest). */
int process_set_rlimits(const oci_process *p, veil_error *err);
int process_set_oom_score_adj(const oci_process *p, pid_t pid, veil_error *err);
/* Creates process.cwd inside the (already entered) root when missing, as runc does. */
int process_make_cwd(const oci_process *p, veil_error *err);
/* Drops the bounding set, switches to process.user (groups, gid, uid), then sets the other
 * capability sets and no_new_privs. */
int process_set_identity(const oci_process *p, veil_error *err);
int process_enter_cwd(const oci_process *p, veil_error *err);
/* process_set_identity and process_enter_cwd, with the chdir tried before the switch first. */
int process_become_user_in_cwd(const oci_process *p, veil_error *err);
/* Resolves args[0] through PATH from process.env; the error is what clients show users:
 * exec "/nonexistent": no such file or directory. */
int process_find_executable(const oci_process *p, char **path, veil_error *err);
/* "HOME=..." when process.env has no HOME: process.user.uid's home in the container's
 * /etc/passwd, else "/" (runc's rule; Docker and Podman leave HOME to the runtime).  NULL when
 * process.env sets HOME. */
char *process_home_env(const oci_process *p);
/* Does not return on success.  listen_fds > 0 adds LISTEN_FDS and LISTEN_PID (systemd socket
 * activation passed through, as runc does); home (from process_home_env) is added when set. */
int process_exec(const oci_process *p, const char *path, int listen_fds, const char *home,
                 veil_error *err);

#endif

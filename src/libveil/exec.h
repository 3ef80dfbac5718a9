/* veil — exec: a new process in a running container's namespaces (DESIGN §3). */
#ifndef VEIL_EXEC_H
#define VEIL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct veil_exec_opts {
  /* --process FILE: the whole process; the overrides below are then ignored, as in runc */
  const char *process_file;
  /* Otherwise config.json's process with these applied: */
  char **args; /* required, NULL-terminated */
  size_t args_len;
  char **env; /* K=V, replacing a variable of the same name */
  size_t env_len;
  const char *cwd;
  bool has_uid, has_gid;
  uint32_t uid, gid;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char **caps; /* added to every set but the inheritable one (CVE-2022-29162) */
  size_t caps_len;
  bool tty;
  bool no_new_privs;
  const char *process_label;
  const char *apparmor;

  const char *console_socket;
  /* --pidfd-socket: a unix socket that gets a pidfd of the process */
  const char *pidfd_socket;
  const char *pid_file;
  bool detach;
  int preserve_fds;
  bool ignore_paused;
  /* --cgroup SPEC...: sub-cgroups to run in (cgroup_descend) */
  char **cgroups;
  size_t cgroups_len;
} veil_exec_opts;

/* Runs the process in container ID.  In the foreground it waits, forwarding signals (and relaying
 * the pty when there is one and no console socket), and *status is the process's exit status
 * (128+N for a signal); with detach it returns once the process has called execve. */
int veil_container_exec(const char *root, const char *id, const veil_exec_opts *o, int *status,
                        veil_error *err);

#endif

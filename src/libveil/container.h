/* veil — the container lifecycle: create, start, run, kill, delete, state, list (DESIGN §3). */
#ifndef VEIL_CONTAINER_H
#define VEIL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"

typedef struct veil_create_opts {
  const char *bundle; /* default "." */
  const char *pid_file;
  const char *console_socket;
  /* --pidfd-socket: a unix socket that gets a pidfd of the init */
  const char *pidfd_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  /* systemd socket activation (LISTEN_FDS for this pid): fds 3..3+listen_fds-1, passed before
   * the preserved ones, with LISTEN_FDS and LISTEN_PID set in the container */
  int listen_fds;
  /* set by run in the foreground: a terminal without --console-socket is relayed by veil */
  bool relay_terminal;
  /* --systemd-cgroup: cgroupsPath is slice:prefix:name, managed through systemd */
  bool systemd_cgroup;
  /* --rootless: cgroups the caller may not make are skipped (none at all on cgroup v1) */
  bool rootless;
} veil_create_opts;

int veil_container_create(const char *root, const char *id, const veil_create_opts *opts,
                          veil_error *err);
int veil_container_start(const char *root, const char *id, veil_error *err);
/* create + start + wait in the foreground (or return after start with detach); *status is the
 * exit status to report (128+N for a signal). */
int veil_container_run(const char *root, const char *id, const veil_create_opts *opts, bool detach,
                       bool keep, int *status, veil_error *err);
int veil_container_kill(const char *root, const char *id, int sig, bool all, veil_error *err);
int veil_container_delete(const char *root, const char *id, bool force, veil_error *err);
/* container-cgroup.c: freeze and thaw the container's cgroup; the host pids in it (malloc'd). */
int veil_container_pause(const char *root, const char *id, veil_error *err);
int veil_container_resume(const char *root, const char *id, veil_error *err);
int veil_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, veil_error *err);
/* Inside the library: container ID locked (shared or exclusive), its state and its cgroup (NULL
 * when it has none).  Returns the state dir fd. */
typedef struct cgroup_handle cgroup_handle;
int container_open_with_cgroup(const char *root, const char *id, bool exclusive,
                               veil_state_file **s, cgroup_handle **cg, veil_error *err);
/* The OCI state document of ID, pretty JSON, malloc'd. */
int veil_container_state(const char *root, const char *id, char **json, veil_error *err);

typedef struct veil_container_info {
  char *id;
  int pid;
  const char *status;
  char *bundle;
  char *created;
  char *owner;
  char *error; /* why state.json could not be read (status "unknown"); NULL when it could */
} veil_container_info;

int veil_container_list(const char *root, veil_container_info **list, size_t *n, veil_error *err);
void veil_container_info_free(veil_container_info *list, size_t n);

#endif

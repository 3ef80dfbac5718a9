/* veil — the container side of create: what the clone3 child does, in order (DESIGN §3). */
#ifndef VEIL_INIT_H
#define VEIL_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "namespaces.h"
#include "oci.h"
#include "phase.h"

/* Everything the child needs; it gets a copy of the parent's memory and fds with clone3. */
typedef struct init_ctx {
  const oci_config *cfg;
  const char *id;     /* for the state the in-container hooks get */
  pid_t host_pid;     /* the init's pid as the host sees it, from SYNC_GO: for the hooks */
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute, resolved */
  ns_plan ns;
  int sync_fd;    /* the child's end of the sync socket */
  int fifo_fd;    /* O_PATH of ROOT/ID/exec.fifo, reopened for writing after pivot_root: the
                   * init keeps no handle of the host's directories (CVE-2024-21626 class) */
  int console_fd; /* connected --console-socket, or -1 */
  /* the v1 hierarchies' tasks files, opened by the parent: the init moves itself into them
   * first thing (cgroup_enter_self), without the wait a write by the parent costs */
  int cg_tasks[CGROUP_V1_MAX];
  size_t n_cg_tasks;
  bool no_pivot;
  /* the parent is not root: it can open /proc/PID/uid_map (or let newuidmap do it) only while
   * the init is dumpable */
  bool maps_need_dumpable;
  bool no_new_keyring;
  int preserve_fds;
  int listen_fds; /* LISTEN_FDS passed through: fds 3.., before the preserved ones */
  /* linux.seccomp, built by the parent (seccomp_prepare): the filter to load, and the connected
   * listenerPath socket when a rule notifies (else -1) */
  void *seccomp_filter;
  int seccomp_sock;
  /* without a mount namespace (no procfs in the container): the host's /proc/self/fd of the
   * init, to reopen exec.fifo through; else -1 (set by the init) */
  int fd_dir;
  /* set by the init: the process that runs the startContainer hooks without the seccomp filter
   * (0: none, the init runs them) and the init's end of the socket to it */
  pid_t start_hooks_runner;
  int start_hooks_fd;
  veil_phases phases; /* --debug: the init's, sent to the parent with READY */
  bool attached;      /* the parent said ATTACHED: in every cgroup, limits applied */
} init_ctx;

/* Runs in the clone3 child; never returns.  Failures before READY are sent to the parent as
 * SYNC_ERROR; an execve failure after start is written into exec.fifo for `start` to report. */
__attribute__((noreturn)) void container_init(init_ctx *c);

#endif

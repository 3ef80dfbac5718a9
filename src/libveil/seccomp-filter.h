/* veil — linux.seccomp: the libseccomp filter and the SCMP_ACT_NOTIFY listener hand-over.
 *
 * Named seccomp-filter.h, not seccomp.h: src/libveil is on the include path (-I), so a
 * seccomp.h here would shadow libseccomp's <seccomp.h>.
 *
 * When the filter is loaded (the kernel's rule: installing a filter needs no_new_privs or
 * CAP_SYS_ADMIN):
 *  - process.noNewPrivileges true: after `veil start` opened exec.fifo, right before execve,
 *    as the last step, so the fewest syscalls of the runtime run under it;
 *  - otherwise: in `create`, right before the switch to process.user and the capability sets
 *    (which may drop CAP_SYS_ADMIN), so the profile must allow what the init does after it
 *    (setresuid, capset, prctl, chdir, openat and write of exec.fifo, close_range, execve).
 * In both cases a SCMP_ACT_NOTIFY listener fd reaches listenerPath right after the load. */
#ifndef VEIL_SECCOMP_FILTER_H
#define VEIL_SECCOMP_FILTER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"
#include "util.h"

/* Builds the filter from the config; no syscall is filtered yet.  *filter is an opaque handle
 * (a scmp_filter_ctx with what the load needs to know).  Errors name the field:
 * linux.seccomp.syscalls[3].errnoRet: SCMP_ACT_ALLOW takes no errno.
 *  - Unknown syscall names are skipped: profiles list syscalls newer than libseccomp or the
 *    kernel, and such a syscall cannot be made anyway.
 *  - A rule whose action equals the default action is skipped (libseccomp refuses it; the
 *    default already does it).
 *  - args of one rule are ANDed; but libseccomp refuses two comparisons of one argument in a
 *    rule, so a rule with a repeated index becomes one rule per comparison (ORed), which is
 *    what runc does and what profiles written for it expect.
 *  - SCMP_ACT_NOTIFY needs listenerPath and cannot be the default action or be used for
 *    sendmsg: the init must still hand the listener fd over after the load.
 *  - flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV only means something with a listener (the
 *    kernel refuses it without one): ignored when no rule notifies.  libseccomp < 2.6 cannot
 *    set it, so then veil loads the exported BPF program with seccomp(2) itself.
 * Without libseccomp (./configure --disable-seccomp) every config with linux.seccomp fails. */
int seccomp_filter_build(const oci_seccomp *s, void **filter, veil_error *err);

/* Loads the filter into the calling (single-threaded) process; never sets no_new_privs itself.
 * With a SCMP_ACT_NOTIFY rule *notify_fd gets the listener fd (O_CLOEXEC), else -1. */
int seccomp_filter_load(void *filter, int *notify_fd, veil_error *err);

void seccomp_filter_free(void *filter);
static inline void seccomp_filter_freep(void **filter)
{
  seccomp_filter_free(*filter);
  *filter = NULL;
}

/* For create, in the runtime's namespaces: builds the filter (a bad profile fails `create`
 * before anything exists; messages start with "config.json: ") and, when SCMP_ACT_NOTIFY is
 * used, connects listenerPath, a path on the host (*listener_sock, else -1).  s may be NULL:
 * no seccomp, *filter = NULL. */
int seccomp_prepare(const oci_seccomp *s, void **filter, int *listener_sock, veil_error *err);

/* listenerPath: an AF_UNIX SOCK_STREAM socket (runtime-spec); returns the connected fd. */
int seccomp_listener_connect(const char *path, veil_error *err);
/* Sends the notify fd with SCM_RIGHTS and process_state_json as the payload (the fd goes with
 * the first sendmsg only, as the spec wants); the caller then closes sock. */
int seccomp_listener_send(int sock, int notify_fd, const char *process_state_json, veil_error *err);
/* connect + send + close, for callers that can reach path at the time of the load. */
int seccomp_send_listener(const char *path, int notify_fd, const char *process_state_json,
                          veil_error *err);

/* The runtime-spec "containerProcessState" for the listener: ociVersion, fds ["seccompFd"],
 * pid (process_pid: the process that loads the filter, as the runtime sees it), metadata
 * (listenerMetadata) and the container's OCI state (whose pid is the init's: for exec they
 * differ).  Returns malloc'd JSON, or NULL with *err set. */
char *seccomp_process_state_json(const oci_seccomp *s, pid_t process_pid, const oci_state *state,
                                 veil_error *err);

/* Loads the filter into the calling process; with a notify rule, sends the listener fd and
 * the process state st (built before the load: after it, every syscall is the profile's to
 * allow) over *sock.  *sock is closed either way: the spec wants one state per connection. */
int seccomp_load_and_notify(void *filter, int *sock, const oci_seccomp *s, pid_t process_pid,
                            const oci_state *st, veil_error *err);

/* For `veil features`: what a profile may use with this build on this kernel.  The actions
 * this kernel can carry out, every operator, the architectures libseccomp can add to a filter
 * here, the flags veil knows and those the kernel takes.  Each returns false (and lists
 * nothing) when veil was built without libseccomp. */
typedef enum seccomp_name_list {
  SECCOMP_ACTIONS,
  SECCOMP_OPERATORS,
  SECCOMP_ARCHS,
  SECCOMP_KNOWN_FLAGS,
  SECCOMP_SUPPORTED_FLAGS,
} seccomp_name_list;
bool seccomp_names(seccomp_name_list which, veil_name_fn fn, void *data);
/* "2.5.4" in buf, or NULL without libseccomp. */
const char *seccomp_library_version(char *buf, size_t size);

#endif

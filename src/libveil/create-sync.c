#include "config.h"
#include "cgroup-resources.h"
#include "cgroup-systemd.h"
#include "create-sync.h"
#include "hooks.h"
#include "idmap-mount.h"
#include "idmap.h"
#include "process.h"
#include "spawn.h"

#include <errno.h>
#include <poll.h>
#include <sys/wait.h>

/* runtime.md steps 3 and 4, asked for by the init once the container's mounts are done and
 * before its pivot_root (as runc: hooks may change the rootfs, and a mount made later must not
 * cover what they did): prestart (deprecated) before createRuntime, in our namespaces. */
static int run_runtime_hooks(int sync_fd, const oci_config *cfg, const veil_state_file *st,
                             pid_t init_pid, veil_error *err)
{
  hook_state hs = {st->id, "creating", init_pid, st->bundle, &cfg->annotations, st->bundle, NULL};

  if (hooks_run_state(HOOKS(cfg->hooks, prestart), "prestart", &hs, err) < 0 ||
      hooks_run_state(HOOKS(cfg->hooks, create_runtime), "createRuntime", &hs, err) < 0)
    return -1;
  if (sync_send(sync_fd, SYNC_HOOKS_DONE, 0, NULL) < 0)
    return veil_fail(err, errno, "sync with the container init");
  return 0;
}

/* The next message of the init.  A freeze from outside veil after do_create's check stops the
 * init: the wait ends then, rather than waiting for whoever thaws it. */
static int recv_from_init(int sync_fd, const cgroup_handle *cg, sync_msg *m, veil_error *err)
{
  struct pollfd pfd = {.fd = sync_fd, .events = POLLIN};
  const char *frozen;

  for (;;) {
    int n = poll(&pfd, 1, cg ? 500 : -1);
    if (n < 0 && errno != EINTR)
      return veil_fail(err, errno, "wait for the container init");
    if (n > 0)
      break;
    if (n == 0 && (frozen = cgroup_frozen_dir(cg)))
      return veil_fail(err, 0, "container's cgroup %s was frozen during create", frozen);
  }
  int r = sync_recv(sync_fd, m);
  if (r != 0)
    return veil_fail(err, r < 0 ? errno : 0, "container init exited during setup");
  return 0;
}

/* The init's own error, when it sent one, rather than what failed here because it was gone. */
static int init_error_or(int sync_fd, veil_error *err)
{
  struct pollfd pfd = {.fd = sync_fd, .events = POLLIN};
  sync_msg m;

  if (poll(&pfd, 1, 0) == 1 && sync_recv(sync_fd, &m) == 0 && m.type == SYNC_ERROR) {
    veil_error_clear(err);
    return veil_fail(err, 0, "%s", m.text);
  }
  return -1;
}

/* The init builds the container's mounts and devices meanwhile (GO came first): the first write
 * to a v1 cgroup.procs waits for an RCU grace period, milliseconds that need not be the init's
 * too.  It runs nothing of the user's, forks nothing and joins no cgroup namespace before
 * ATTACHED: in every cgroup, with its limits, before any container code runs.  On cgroup2 clone3
 * put it there already. */
static int attach_init(int sync_fd, const oci_config *cfg, const cgroup_handle *cg, pid_t pid,
                       veil_phases *ph, veil_error *err)
{
  /* the v1 hierarchies it entered itself (init_ctx.cg_tasks); with --systemd-cgroup the scope
   * systemd starts with it */
  if (cg && (cgroup_systemd_start(cg, pid, cfg->linux, &cfg->annotations, err) < 0 ||
             cgroup_enter(cg, pid, true, err) < 0))
    return init_error_or(sync_fd, err);
  phases_mark(ph, "cgroup-attach");
  if (cg && cgroup_resources_apply_linux(cg, cfg->linux, err) < 0)
    return init_error_or(sync_fd, err);
  phases_mark(ph, "cgroup-limits");
  if (sync_send(sync_fd, SYNC_ATTACHED, 0, NULL) < 0) {
    veil_fail(err, errno, "sync with the container init");
    return init_error_or(sync_fd, err);
  }
  return 0;
}

/* The parent's half of the sync protocol: maps, then GO (with the init's pid, for the state the
 * hooks get), then the cgroups (ATTACHED), then the runtime hooks when the init asks, then
 * READY. */
int create_drive_init(int sync_fd, pid_t child, const oci_config *cfg, const veil_state_file *st,
                      const cgroup_handle *cg, pid_t *init_pid, veil_phases *ph, veil_error *err)
{
  sync_msg m;

  for (;;) {
    if (recv_from_init(sync_fd, cg, &m, err) < 0)
      return -1;
    if (m.type == SYNC_ERROR)
      return veil_fail(err, 0, "%s", m.text);
    if (m.type == SYNC_USERNS) {
      if (idmap_write(child, cfg->linux, err) < 0)
        return -1;
      if (sync_send(sync_fd, SYNC_MAPPED, 0, NULL) < 0)
        return veil_fail(err, errno, "sync with the container init");
      continue;
    }
    if (m.type == SYNC_NS_READY)
      break;
    return veil_fail(err, 0, "container init sent an unexpected message %u", m.type);
  }
  if (m.pid > 0) {
    /* the slow path's first child forked the init and exits */
    *init_pid = m.pid;
    waitpid(child, NULL, 0);
  } else {
    *init_pid = child;
  }
  phases_mark(ph, "namespaces");
  /* From here, with the host's privileges: inside a user namespace the init could neither lower
   * it nor, being non-dumpable, open its own /proc file (owned by the host's root). */
  if (process_set_oom_score_adj(cfg->process, *init_pid, err) < 0)
    return -1;
  if (sync_send(sync_fd, SYNC_GO, *init_pid, NULL) < 0)
    return veil_fail(err, errno, "sync with the container init");
  if (attach_init(sync_fd, cfg, cg, *init_pid, ph, err) < 0)
    return -1;
  for (;;) {
    if (recv_from_init(sync_fd, cg, &m, err) < 0)
      return -1;
    if (m.type == SYNC_READY) {
      phases_mark(ph, "init");
      phases_log_text("init", m.text);
      return 0;
    }
    if (m.type == SYNC_ERROR)
      return veil_fail(err, 0, "%s", m.text);
    if (m.type == SYNC_MOUNT_SOURCE) {
      if (mount_source_send(cfg, st->bundle, *init_pid, m.pid, sync_fd, err) < 0)
        return -1;
      continue;
    }
    if (m.type != SYNC_HOOKS)
      return veil_fail(err, 0, "container init sent an unexpected message %u", m.type);
    phases_mark(ph, "init");
    if (run_runtime_hooks(sync_fd, cfg, st, *init_pid, err) < 0)
      return -1;
    phases_mark(ph, "hooks");
  }
}

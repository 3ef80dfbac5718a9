#include "config.h"
#include "devices.h"
#include "idmap.h"
#include "init.h"
#include "mounts.h"
#include "process.h"
#include "rootfs.h"
#include "spawn.h"
#include "state.h"
#include "terminal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

__attribute__((noreturn)) static void init_fail(init_ctx *c, veil_error *err)
{
  sync_send(c->sync_fd, SYNC_ERROR, 0, err->msg ? err->msg : "container setup failed");
  _exit(1);
}

/* Becomes root of the new user namespace once the parent wrote the maps: files created from
 * now on are owned by a mapped id, and execve keeps the capabilities of uid 0. */
static int userns_handshake(init_ctx *c, veil_error *err)
{
  sync_msg m;

  if (sync_send(c->sync_fd, SYNC_USERNS, 0, NULL) < 0)
    return veil_fail(err, errno, "sync with the parent");
  if (sync_expect(c->sync_fd, SYNC_MAPPED, &m, err) < 0)
    return -1;
  if (idmap_maps_root(c->cfg->linux)) {
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
      return veil_fail(err, errno, "become root in the user namespace");
  }
  return 0;
}

/* Namespaces: one clone3 made them all (fast path), or join paths and unshare the rest here. */
static int enter_namespaces(init_ctx *c, veil_error *err)
{
  ns_plan *ns = &c->ns;

  if (ns_plan_single_clone(ns)) {
    if (ns_plan_new(ns, CLONE_NEWUSER) && userns_handshake(c, err) < 0)
      return -1;
    return sync_send(c->sync_fd, SYNC_NS_READY, 0, NULL) < 0 ? veil_fail(err, errno, "sync") : 0;
  }
  if (ns_enter_joined(ns, err) < 0)
    return -1;
  /* In a joined user namespace become its root when it maps one (EINVAL: it does not). */
  if (ns_plan_joins(ns, CLONE_NEWUSER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) &&
      errno != EINVAL)
    return veil_fail(err, errno, "become root in the joined user namespace");
  if (ns_unshare_new(ns, err) < 0)
    return -1;
  /* Offsets first: until the uid changes, /proc/self is still ours to write. */
  if (ns->time_offsets && ns_write_time_offsets(c->cfg, err) < 0)
    return -1;
  if (ns_plan_new(ns, CLONE_NEWUSER) && userns_handshake(c, err) < 0)
    return -1;
  if (ns_plan_needs_fork(ns)) {
    /* The init is this process's child but the parent's too (CLONE_PARENT), so `veil create`'s
     * caller reaps it just as in the fast path. */
    pid_t pid = spawn_clone3(CLONE_PARENT, NULL, -1);
    if (pid < 0)
      return veil_fail(err, errno, "fork the container init");
    if (pid > 0) {
      sync_send(c->sync_fd, SYNC_NS_READY, pid, NULL);
      _exit(0);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return 0;
  }
  return sync_send(c->sync_fd, SYNC_NS_READY, 0, NULL) < 0 ? veil_fail(err, errno, "sync") : 0;
}

static int set_names(const oci_config *cfg, veil_error *err)
{
  if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    return veil_fail(err, errno, "hostname: set \"%s\"", cfg->hostname);
  if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return veil_fail(err, errno, "domainname: set \"%s\"", cfg->domainname);
  return 0;
}

static int build_rootfs(init_ctx *c, veil_error *err)
{
  cleanup_close int rootfd = -1;
  mount_ctx mctx;

  rootfd = rootfs_prepare(c->rootfs, err);
  if (rootfd < 0)
    return -1;
  memset(&mctx, 0, sizeof(mctx));
  mctx.rootfd = rootfd;
  mctx.rootfs = c->rootfs;
  mctx.bundle = c->bundle;
  mctx.userns = ns_plan_new(&c->ns, CLONE_NEWUSER) || ns_plan_joins(&c->ns, CLONE_NEWUSER);
  if (mounts_apply(&mctx, c->cfg, err) < 0)
    return -1;
  if (devices_setup(rootfd, c->cfg, mctx.userns, err) < 0)
    return -1;
  if (set_names(c->cfg, err) < 0)
    return -1;
  if (rootfs_enter(rootfd, c->rootfs, c->no_pivot, err) < 0)
    return -1;
  return rootfs_finish(c->cfg, err);
}

/* Blocks until `veil start` opens exec.fifo for reading. */
static int wait_for_start(init_ctx *c, veil_error *err)
{
  int fd = openat(c->state_dirfd, EXEC_FIFO, O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return veil_fail(err, errno, "open exec.fifo");
  close(c->state_dirfd);
  c->state_dirfd = -1;
  if (veil_write_all(fd, "0", 1) < 0)
    return veil_fail(err, errno, "write exec.fifo");
  return fd;
}

void container_init(init_ctx *c)
{
  veil_error err = VEIL_ERROR_INIT;
  const oci_process *p = c->cfg->process;
  cleanup_free char *exe = NULL;
  sync_msg m;
  int fifo;

  /* The inherited state dir fd shares the parent's open file description and with it the
   * container's flock: keep a fresh O_PATH one instead, so the lock ends with `veil create`. */
  int own_dirfd = openat(c->state_dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  close(c->state_dirfd);
  c->state_dirfd = own_dirfd;
  /* `veil run` blocks signals to forward them; the container starts with none blocked. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* A parent that dies during setup must take the half-built container with it. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (enter_namespaces(c, &err) < 0)
    init_fail(c, &err);
  if (sync_expect(c->sync_fd, SYNC_GO, &m, &err) < 0)
    _exit(1);
  if (ns_plan_new(&c->ns, CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    veil_fail(&err, errno, "unshare the cgroup namespace"), init_fail(c, &err);
  if (setsid() < 0)
    veil_fail(&err, errno, "setsid"), init_fail(c, &err);
  if (!c->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
      errno != ENOSYS)
    veil_fail(&err, errno, "join a new session keyring"), init_fail(c, &err);
  if (process_set_rlimits(p, &err) < 0)
    init_fail(c, &err);
  if (ns_plan_new(&c->ns, CLONE_NEWNS)) {
    if (build_rootfs(c, &err) < 0)
      init_fail(c, &err);
  } else if (set_names(c->cfg, &err) < 0) {
    init_fail(c, &err);
  }
  if (p->terminal && terminal_setup(p, c->console_fd, &err) < 0)
    init_fail(c, &err);
  if (c->console_fd >= 0)
    close(c->console_fd);
  if (process_make_cwd(p, &err) < 0 || process_set_oom_score_adj(p, &err) < 0 ||
      process_set_identity(p, &err) < 0 || process_enter_cwd(p, &err) < 0 ||
      process_find_executable(p, &exe, &err) < 0)
    init_fail(c, &err);

  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(c->sync_fd, SYNC_READY, 0, NULL) < 0)
    _exit(1);
  close(c->sync_fd);

  fifo = wait_for_start(c, &err);
  if (fifo < 0)
    _exit(1);
  /* Nothing of the host may cross execve: only stdio and --preserve-fds stay open. */
  syscall(SYS_close_range, 3 + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  process_exec(p, exe, &err);
  /* `veil start` reads this from the fifo and reports it */
  dprintf(fifo, "%s", err.msg);
  _exit(127);
}

#include "config.h"
#include "cpusched.h"
#include "devices.h"
#include "hooks.h"
#include "idmap.h"
#include "init.h"
#include "log.h"
#include "mempolicy.h"
#include "mounts.h"
#include "namespaces.h"
#include "procfs.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp-filter.h"
#include "spawn.h"
#include "state.h"
#include "sysctl.h"
#include "terminal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

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

  /* No container code runs yet, and the window closes before any does. */
  if (c->maps_need_dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return veil_fail(err, errno, "prctl(PR_SET_DUMPABLE) for the id maps");
  if (sync_send(c->sync_fd, SYNC_USERNS, 0, NULL) < 0)
    return veil_fail(err, errno, "sync with the parent");
  if (sync_expect(c->sync_fd, SYNC_MAPPED, &m, err) < 0)
    return -1;
  if (c->maps_need_dumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return veil_fail(err, errno, "prctl(PR_SET_DUMPABLE)");
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
    if (ns_plan_new(ns, CLONE_NEWUSER) &&
        (userns_handshake(c, err) < 0 || ns_unshare_after_maps(ns, err) < 0))
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
  if (ns_plan_new(ns, CLONE_NEWUSER) &&
      (userns_handshake(c, err) < 0 || ns_unshare_after_maps(ns, err) < 0))
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
  /* an empty hostname is none, as runc reads it: the UTS namespace keeps the copied name */
  if (cfg->hostname && *cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    return veil_fail(err, errno, "hostname: set \"%s\"", cfg->hostname);
  if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return veil_fail(err, errno, "domainname: set \"%s\"", cfg->domainname);
  return 0;
}

/* The hooks that run in the container get the state the parent would give them: the init only
 * learns its host pid from SYNC_GO (in a new pid namespace getpid() says 1).  A hook without
 * env gets the container's (process.env, and HOME when given), as runc's do: they are children
 * of an init that already has it. */
static int run_init_hooks(init_ctx *c, const oci_hook *h, size_t n, const char *phase,
                          const char *status, const char *cwd, const char *home, veil_error *err)
{
  const oci_process *p = c->cfg->process;
  cleanup_free char **env = NULL;
  size_t k = 0;

  if (n == 0)
    return 0;
  if (!(env = calloc(p->env_len + 2, sizeof(*env))))
    return veil_fail(err, ENOMEM, "hooks.%s: environment", phase);
  for (size_t i = 0; i < p->env_len; i++)
    env[k++] = p->env[i];
  if (home)
    env[k++] = (char *)home;
  hook_state st = {c->id, status, c->host_pid, c->bundle, &c->cfg->annotations, cwd, env};
  return hooks_run_state(h, n, phase, &st, err);
}

/* The parent attaches the init to its cgroups while it builds the container (create-sync.c).
 * Waited for before anything of the user's runs (hooks, the process), before any fork (a child
 * made before the attach would stay outside) and before the cgroup namespace is made: it is
 * rooted where the init is. */
static int wait_attached(void *arg, veil_error *err)
{
  init_ctx *c = arg;
  sync_msg m;

  if (c->attached)
    return 0;
  /* what was done meanwhile, and then how long the parent still took */
  phases_mark(&c->phases, "overlapped");
  if (sync_expect(c->sync_fd, SYNC_ATTACHED, &m, err) < 0)
    return -1;
  c->attached = true;
  phases_mark(&c->phases, "wait-attached");
  if (ns_plan_new(&c->ns, CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    return veil_fail(err, errno, "unshare the cgroup namespace");
  return 0;
}

/* With the container's mounts done, before pivot_root: the parent runs prestart and
 * createRuntime (runtime namespaces), then we run createContainer here (container namespaces,
 * paths still resolving in the host's view, as config.md asks).  No round trip without hooks. */
static int run_create_hooks(init_ctx *c, veil_error *err)
{
  const oci_hooks *h = c->cfg->hooks;
  sync_msg m;

  if (h && (h->prestart_len || h->create_runtime_len || h->create_container_len) &&
      wait_attached(c, err) < 0)
    return -1;
  if (h && (h->prestart_len || h->create_runtime_len)) {
    if (sync_send(c->sync_fd, SYNC_HOOKS, 0, NULL) < 0)
      return veil_fail(err, errno, "sync with the parent");
    if (sync_expect(c->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
      return -1;
  }
  /* in the rootfs, as runc: a hook may name what it needs there by relative paths */
  return run_init_hooks(c, HOOKS(h, create_container), "createContainer", "creating", c->rootfs,
                        NULL, err);
}

/* After `veil start` opened exec.fifo, before the user process: the container's namespaces,
 * root and identity, status "created" (the user program has not run yet); in process.cwd,
 * where the init already is.  Never under the container's seccomp filter: a profile is for the
 * user program, and a hook denied what it does would fail or, worse, half-work. */
static int run_start_container_hooks_here(init_ctx *c, const char *home, veil_error *err)
{
  return run_init_hooks(c, HOOKS(c->cfg->hooks, start_container), "startContainer", "created", NULL,
                        home, err);
}

/* The runner's answer: one byte, START_HOOKS_OK or START_HOOKS_FAILED followed by the error.
 * Nothing at all means it died: no answer is never taken for success. */
enum { START_HOOKS_OK = 'o', START_HOOKS_FAILED = 'f' };

/* The hook runner: a copy of the init from before the filter.  It becomes the process's user
 * exactly as the init does (same calls, same config), so the hooks run with the identity and
 * capabilities they would get from the init, only without the filter. */
__attribute__((noreturn)) static void start_hooks_runner(init_ctx *c, pid_t init, int fd)
{
  veil_error err = VEIL_ERROR_INIT;
  cleanup_free char *home = NULL;
  char go;

  /* dies with the init (a created container that is killed or deleted, start never coming) */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != init)
    _exit(1);
  close(c->sync_fd);
  close(c->fifo_fd);
  if (c->fd_dir >= 0)
    close(c->fd_dir);
  if (c->seccomp_sock >= 0)
    close(c->seccomp_sock);
  /* a failure here is the init's too (same calls), but answered all the same: the init must
   * not meet a closed socket */
  int r = process_become_user_in_cwd(c->cfg->process, &err);
  if (r == 0)
    home = process_home_env(c->cfg->process);
  if (read(fd, &go, 1) != 1)
    _exit(1);
  if (r == 0)
    r = run_start_container_hooks_here(c, home, &err);
  go = r == 0 ? START_HOOKS_OK : START_HOOKS_FAILED;
  if (veil_write_all(fd, &go, 1) == 0 && r < 0)
    veil_write_all(fd, err.msg, strlen(err.msg));
  _exit(r == 0 ? 0 : 1);
}

/* Without noNewPrivileges the filter goes on before the user switch (it needs CAP_SYS_ADMIN
 * then), long before `veil start`.  Keeping CAP_SYS_ADMIN through the switch to load it late
 * would mean a capset under the filter, which the profile may deny; so the startContainer hooks
 * get a runner forked before the filter, which waits for start.  Only when there is something
 * to run and a filter to avoid: otherwise the container has no extra process while created. */
static int start_hooks_runner_fork(init_ctx *c, veil_error *err)
{
  const oci_hooks *h = c->cfg->hooks;
  pid_t init = getpid();
  int sv[2];

  if (!c->seccomp_filter || c->cfg->process->no_new_privileges || !h || !h->start_container_len)
    return 0;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return veil_fail(err, errno, "hooks.startContainer: socketpair");
  c->start_hooks_runner = fork();
  if (c->start_hooks_runner < 0) {
    close(sv[0]);
    close(sv[1]);
    return veil_fail(err, errno, "hooks.startContainer: fork the hook runner");
  }
  if (c->start_hooks_runner == 0) {
    close(sv[0]);
    start_hooks_runner(c, init, sv[1]);
  }
  close(sv[1]);
  c->start_hooks_fd = sv[0];
  return 0;
}

/* Under the filter already: sendto, read, close and wait4. */
static int start_hooks_runner_wait(init_ctx *c, veil_error *err)
{
  cleanup_free char *answer = NULL;
  char go = 'g';
  size_t len = 0;
  int r;

  /* a send, not a write: a runner gone must be an error, not a SIGPIPE that kills the init
   * silently (`veil start` takes the EOF of exec.fifo for success) */
  if (send(c->start_hooks_fd, &go, 1, MSG_NOSIGNAL) != 1)
    r = veil_fail(err, errno, "hooks.startContainer: start the hook runner");
  else
    r = veil_read_fd(c->start_hooks_fd, "the hook runner's answer", 64 * 1024, &answer, &len, err);
  close(c->start_hooks_fd);
  c->start_hooks_fd = -1;
  /* reaped here, or the user program would inherit a child it never made */
  while (waitpid(c->start_hooks_runner, NULL, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  if (len > 0 && answer[0] == START_HOOKS_OK)
    return 0;
  if (len > 1 && answer[0] == START_HOOKS_FAILED)
    return veil_fail(err, 0, "%s", answer + 1);
  return veil_fail(err, 0, "hooks.startContainer: the hook runner died");
}

static int run_start_container_hooks(init_ctx *c, const char *home, veil_error *err)
{
  if (c->start_hooks_runner > 0)
    return start_hooks_runner_wait(c, err);
  return run_start_container_hooks_here(c, home, err);
}

/* linux.seccomp.  The kernel installs a filter for a process that has no_new_privs or
 * CAP_SYS_ADMIN.  With noNewPrivileges the filter goes on last (late), right before execve, so
 * the fewest of our syscalls run under it; without it, while the init is still privileged: right
 * before process_set_identity, which may drop CAP_SYS_ADMIN.  A SCMP_ACT_NOTIFY listener fd goes
 * to listenerPath at once, with the state as of then. */
static int init_seccomp(init_ctx *c, bool late, veil_error *err)
{
  if (!c->seccomp_filter || c->cfg->process->no_new_privileges != late)
    return 0;
  oci_state st = {
      .oci_version = (char *)OCI_SPEC_VERSION,
      .id = (char *)c->id,
      .status = (char *)(late ? "created" : "creating"),
      .pid = c->host_pid,
      .has_pid = true,
      .bundle = (char *)c->bundle,
      .annotations = c->cfg->annotations,
  };
  return seccomp_load_and_notify(c->seccomp_filter, &c->seccomp_sock, c->cfg->linux->seccomp,
                                 c->host_pid, &st, err);
}

/* CHROOT_ONLY: the rootfs is entered with a chroot (a joined mount namespace, or none). */
static int populate_rootfs(init_ctx *c, int rootfd, bool chroot_only, veil_error *err)
{
  mount_ctx mctx;

  memset(&mctx, 0, sizeof(mctx));
  mctx.rootfd = rootfd;
  mctx.rootfs = c->rootfs;
  mctx.bundle = c->bundle;
  mctx.userns = ns_plan_new(&c->ns, CLONE_NEWUSER) || ns_plan_joins(&c->ns, CLONE_NEWUSER);
  mctx.sync_fd = c->sync_fd;
  mctx.need_attached = wait_attached;
  mctx.need_attached_arg = c;
  if (mounts_apply(&mctx, c->cfg, err) < 0)
    return -1;
  phases_mark(&c->phases, "mounts");
  /* as runc: a /dev bound from elsewhere has the devices it has, and may be read-only */
  if (!mctx.dev_bound && devices_setup(rootfd, c->cfg, mctx.userns, err) < 0)
    return -1;
  if (set_names(c->cfg, err) < 0)
    return -1;
  phases_mark(&c->phases, "devices");
  if (run_create_hooks(c, err) < 0)
    return -1;
  phases_mark(&c->phases, "hooks");
  if (rootfs_enter(rootfd, c->rootfs, c->no_pivot, chroot_only, err) < 0)
    return -1;
  phases_mark(&c->phases, "pivot");
  /* before root.readonly and the masks can stand in the way (as runc) */
  if (process_make_cwd(c->cfg->process, err) < 0)
    return -1;
  /* the container's own /proc/sys, before readonlyPaths makes it read-only */
  if (sysctl_apply(c->cfg->linux, err) < 0)
    return -1;
  return rootfs_finish(c->cfg, err);
}

static bool has_mount_ns(const init_ctx *c)
{
  return ns_plan_new(&c->ns, CLONE_NEWNS) || ns_plan_joins(&c->ns, CLONE_NEWNS);
}

/* No mount namespace: the container is in the host's, so nothing is mounted (validate_config
 * refused what would be) and the rootfs is only chrooted into, as a chroot, no boundary.  With
 * no procfs in there, exec.fifo is reopened through the host's, opened now. */
static int enter_rootfs_unmounted(init_ctx *c, veil_error *err)
{
  cleanup_close int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return veil_fail(err, errno, "open rootfs %s", c->rootfs);
  if ((c->fd_dir = procfs_open_dir("/proc/self/fd", err)) < 0)
    return -1;
  return populate_rootfs(c, rootfd, true, err);
}

/* New or joined, the mount namespace gets the bundle's rootfs: the container's root is always
 * root.path. */
static int build_rootfs(init_ctx *c, veil_error *err)
{
  bool joined = ns_plan_joins(&c->ns, CLONE_NEWNS);

  if (!has_mount_ns(c))
    return enter_rootfs_unmounted(c, err);
  cleanup_close int rootfd = rootfs_prepare(c->rootfs, joined, err);

  if (rootfd < 0)
    return -1;
  if (populate_rootfs(c, rootfd, joined, err) < 0) {
    if (joined)
      rootfs_abandon_joined(rootfd);
    return -1;
  }
  return 0;
}

static int wait_for_go(init_ctx *c, sync_msg *m, veil_error *err)
{
  int r = sync_recv(c->sync_fd, m);

  if (r < 0)
    return veil_fail(err, errno, "read from the parent");
  if (r > 0)
    return veil_fail(err, 0, "the parent exited during setup");
  if (m->type != SYNC_GO)
    return veil_fail(err, 0, "the parent sent message %u, expected %u", m->type, SYNC_GO);
  return 0;
}

/* Blocks until `veil start` opens exec.fifo for reading.  The init holds only an O_PATH handle of
 * the fifo itself (no directory to walk up from): it reopens it for writing through the
 * container's own procfs, and checks that what it opened is that fifo. */
static int wait_for_start(init_ctx *c, veil_error *err)
{
  struct stat want, got;
  char path[64];
  int fd;

  if (c->fd_dir >= 0) {
    /* no mount namespace: held while blocked, but a chroot in the host's mount namespace is
     * no boundary that it could help to cross */
    snprintf(path, sizeof(path), "%d", c->fifo_fd);
    fd = openat(c->fd_dir, path, O_WRONLY | O_CLOEXEC);
    close(c->fd_dir);
    c->fd_dir = -1;
  } else {
    int fds = procfs_open_dir("/proc/self/fd", err);
    if (fds < 0)
      return veil_error_prefix(err, "exec.fifo: the container needs a procfs at /proc");
    /* not held while blocked below: a procfs directory is more than the fifo to hand out */
    close(fds);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fifo_fd);
    fd = open(path, O_WRONLY | O_CLOEXEC);
  }
  if (fd < 0)
    return veil_fail(err, errno, "open exec.fifo");
  if (fstat(c->fifo_fd, &want) < 0 || fstat(fd, &got) < 0 || want.st_dev != got.st_dev ||
      want.st_ino != got.st_ino) {
    close(fd);
    return veil_fail(err, 0, "open exec.fifo: %s is not exec.fifo", path);
  }
  close(c->fifo_fd);
  c->fifo_fd = -1;
  if (veil_write_all(fd, "0", 1) < 0)
    return veil_fail(err, errno, "write exec.fifo");
  return fd;
}

/* clone3 without exec hands the init every fd of veil's: the state root, the container's state
 * directory (and its flock), cgroup directories, the log, whatever the caller leaked.  Anything
 * sharing the pid namespace could reach them through /proc/1/fd (CVE-2024-21626), so only what
 * the init itself uses survives: stdio, LISTEN_FDS and --preserve-fds, and its own handles. */
static void close_host_fds(init_ctx *c)
{
  int keep[8 + NS_MAX], n = 0, from = 3 + c->listen_fds + c->preserve_fds;

  veil_log_detach();
  keep[n++] = c->sync_fd;
  keep[n++] = c->fifo_fd;
  keep[n++] = c->console_fd;
  keep[n++] = c->seccomp_sock;
  for (size_t i = 0; i < c->ns.n_join; i++)
    keep[n++] = c->ns.join[i].fd;
  veil_close_fds_except(from, keep, (size_t)n);
}

void container_init(init_ctx *c)
{
  veil_error err = VEIL_ERROR_INIT;
  const oci_process *p = c->cfg->process;
  cleanup_free char *exe = NULL, *home = NULL;
  sync_msg m;
  char timings[sizeof(m.text)];
  int fifo;

  phases_begin(&c->phases, "init", true);
  /* into every cgroup before anything else, nothing of the user's is near */
  if (cgroup_enter_self(c->cg_tasks, c->n_cg_tasks, &err) < 0)
    init_fail(c, &err);
  phases_mark(&c->phases, "cgroup-self-attach");
  close_host_fds(c);
  c->fd_dir = -1;
  /* `veil run` blocks signals to forward them; the container starts with none blocked. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* A parent that dies during setup must take the half-built container with it. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* execCPUAffinity.initial: before any setup work, so all of it runs on those cpus */
  if (p->exec_cpu_affinity && sched_set_cpu_affinity("process.execCPUAffinity.initial",
                                                     p->exec_cpu_affinity->initial, &err) < 0)
    init_fail(c, &err);
  if (enter_namespaces(c, &err) < 0)
    init_fail(c, &err);
  phases_mark(&c->phases, "namespaces");
  if (wait_for_go(c, &m, &err) < 0)
    _exit(1);
  phases_mark(&c->phases, "wait-go");
  c->host_pid = m.pid;
  /* A joined namespace outlives the init: nothing is done in it before the parent's last step
   * that can fail, so that a failed create leaves it as it was.  A new one dies with the init. */
  if (c->ns.n_join > 0 && wait_attached(c, &err) < 0)
    init_fail(c, &err);
  if (ns_plan_new(&c->ns, CLONE_NEWNET) && ns_loopback_up(&err) < 0)
    init_fail(c, &err);
  if (setsid() < 0)
    veil_fail(&err, errno, "setsid"), init_fail(c, &err);
  if (!c->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
      errno != ENOSYS)
    veil_fail(&err, errno, "join a new session keyring"), init_fail(c, &err);
  if (process_set_rlimits(p, &err) < 0)
    init_fail(c, &err);
  phases_mark(&c->phases, "session");
  if (build_rootfs(c, &err) < 0)
    init_fail(c, &err);
  phases_mark(&c->phases, "rootfs-finish");
  if (wait_attached(c, &err) < 0)
    init_fail(c, &err);
  if (personality_apply(c->cfg->linux, &err) < 0)
    init_fail(c, &err);
  /* /dev/console is a bind mount: none without a mount namespace */
  if (p->terminal && terminal_setup(p, c->console_fd, has_mount_ns(c), &err) < 0)
    init_fail(c, &err);
  if (c->console_fd >= 0)
    close(c->console_fd);
  /* scheduler and I/O priority while still root in the container (SCHED_FIFO/RR need
   * CAP_SYS_NICE, IOPRIO_CLASS_RT CAP_SYS_ADMIN); both survive setuid and execve, as does the
   * memory policy, set before the first seccomp filter could forbid set_mempolicy */
  if (sched_set_scheduler(p, &err) < 0 || sched_set_io_priority(p, &err) < 0 ||
      mempolicy_apply(c->cfg->linux, &err) < 0 || start_hooks_runner_fork(c, &err) < 0 ||
      init_seccomp(c, false, &err) < 0 || process_become_user_in_cwd(p, &err) < 0 ||
      process_find_executable(p, &exe, &err) < 0)
    init_fail(c, &err);
  /* the container's /etc/passwd, before the final seccomp filter could forbid opening it */
  home = process_home_env(p);
  phases_mark(&c->phases, "process-setup");
  phases_format(&c->phases, timings, sizeof(timings));

  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(c->sync_fd, SYNC_READY, 0, timings) < 0)
    _exit(1);
  close(c->sync_fd);

  fifo = wait_for_start(c, &err);
  if (fifo < 0)
    _exit(1);
  /* a startContainer hook's failure is reported like an exec error */
  if (run_start_container_hooks(c, home, &err) < 0) {
    dprintf(fifo, "%s", err.msg);
    _exit(127);
  }
  /* Nothing of the host may cross execve: only stdio, the socket-activation fds and
   * --preserve-fds (in that order from fd 3, as runc) stay open. */
  syscall(SYS_close_range, 3 + c->listen_fds + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  /* execCPUAffinity.final: last, so that only the container's program runs there */
  if ((!p->exec_cpu_affinity || sched_set_cpu_affinity("process.execCPUAffinity.final",
                                                       p->exec_cpu_affinity->final, &err) == 0) &&
      init_seccomp(c, true, &err) == 0)
    process_exec(p, exe, c->listen_fds, home, &err);
  /* `veil start` reads this from the fifo and reports it */
  dprintf(fifo, "%s", err.msg);
  _exit(127);
}

#include "config.h"
#include "cgroup-systemd.h"
#include "cgroup.h"
#include "config-load.h"
#include "container.h"
#include "create-sync.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "mempolicy.h"
#include "namespaces.h"
#include "pidfd-socket.h"
#include "process.h"
#include "seccomp-filter.h"
#include "spawn.h"
#include "state.h"
#include "sysctl.h"
#include "terminal.h"
#include "util.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* ---- create ------------------------------------------------------------------------------ */

typedef struct created {
  int rootfd;
  int dirfd;
  int pty_master; /* run in the foreground with a terminal: the master to relay */
  pid_t pid;
  veil_state_file *state;
} created;

static void created_release(created *c)
{
  if (c->dirfd >= 0)
    close(c->dirfd);
  if (c->rootfd >= 0)
    close(c->rootfd);
  if (c->pty_master >= 0)
    close(c->pty_master);
  veil_state_file_free(c->state);
  c->dirfd = c->rootfd = c->pty_master = -1;
  c->state = NULL;
}

static int write_pid_file(const char *path, pid_t pid, veil_error *err)
{
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

  if (veil_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
    return veil_error_prefix(err, "--pid-file");
  return 0;
}

static char *owner_name(uid_t uid)
{
  char *name = veil_user_name(uid);

  return name ? name : veil_strdup_printf("%u", (unsigned)uid);
}

/* Reaps a child just sent SIGKILL, for at most 5 s: one that stays frozen (a thaw that failed,
 * a frozen parent cgroup) must not keep create waiting. */
static void reap_killed(pid_t pid)
{
  struct timespec ts = {0, 100000};

  for (int i = 0; i < 1000; i++) {
    pid_t r = waitpid(pid, NULL, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR))
      return;
    nanosleep(&ts, NULL);
    if (ts.tv_nsec < 10000000)
      ts.tv_nsec *= 2;
  }
}

static int do_create(const char *root, const char *id, const veil_create_opts *o, created *out,
                     veil_error *err)
{
  cleanup_free char *bundle = NULL, *rootfs = NULL, *now = NULL, *owner = NULL;
  cleanup_close int console_fd = -1, pidfd_sock = -1;
  oci_config *cfg = NULL;
  init_ctx ictx;
  int sync[2] = {-1, -1};
  pid_t child = -1, init_pid = -1;
  bool dir_made = false;
  int rc = -1;
  _cleanup_(cgroup_handle_freep) cgroup_handle *cg = NULL;
  veil_state_file cgst = {0}; /* the cgroup's part of state.json */
  veil_phases ph;

  cleanup_close int relay_sock = -1;
  /* linux.seccomp: built here (a bad profile fails before anything exists) and its listener
   * connected here, in the runtime's namespaces; the init loads it */
  _cleanup_(seccomp_filter_freep) void *seccomp_filter = NULL;
  cleanup_close int seccomp_sock = -1;

  phases_begin(&ph, "create", false);
  memset(out, 0, sizeof(*out));
  out->rootfd = out->dirfd = out->pty_master = -1;
  memset(&ictx, 0, sizeof(ictx));
  ictx.fifo_fd = -1;
  if (veil_validate_id(id, err) < 0)
    return -1;
  bundle = realpath(o->bundle ? o->bundle : ".", NULL);
  if (!bundle)
    return veil_fail(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
  /* the checks `veil check` runs, stopping at the first problem */
  validated vd = {.ns = &ictx.ns, .ph = &ph};
  if (validate_for_create(bundle, o, &vd, err) < 0)
    return -1;
  cfg = vd.cfg;
  rootfs = vd.rootfs;
  seccomp_filter = vd.seccomp_filter;
  seccomp_sock = vd.seccomp_sock;
  if (o->console_socket && (console_fd = terminal_connect_socket(o->console_socket, err)) < 0)
    goto out;
  if (o->pidfd_socket && (pidfd_sock = pidfd_socket_connect(o->pidfd_socket, err)) < 0)
    goto out;
  if (!o->console_socket && o->relay_terminal && cfg->process->terminal) {
    /* our own console socket: the init sends the master here and run relays it */
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
      veil_fail(err, errno, "socketpair for the terminal");
      goto out;
    }
    relay_sock = sp[0];
    console_fd = sp[1];
  }

  out->rootfd = state_root_open(root, true, err);
  if (out->rootfd < 0)
    goto out;
  out->dirfd = state_dir_create(out->rootfd, id, err);
  if (out->dirfd < 0)
    goto out;
  dir_made = true;
  phases_mark(&ph, "state");
  if ((o->systemd_cgroup ? cgroup_systemd_plan(id, cfg->linux, &cfg->annotations, &cg, err)
                         : cgroup_plan(id, cfg->linux, o->rootless, &cg, err)) < 0 ||
      cgroup_to_state(cg, &cgst, err) < 0)
    goto out;

  now = veil_now_rfc3339();
  owner = owner_name(geteuid());
  veil_state_file st = {
      .id = (char *)id,
      .bundle = bundle,
      .rootfs = rootfs,
      .created = now,
      .owner = owner,
      .annotations = cfg->annotations,
      .has_new_pidns = ns_plan_new(&ictx.ns, CLONE_NEWPID),
      .cgroup_paths = cgst.cgroup_paths,
      .flags = cgst.flags,
      .flags_len = cgst.flags_len,
  };
  /* The plan on disk before the first cgroup directory exists (state.h: the intent record). */
  if (state_write_intent(out->dirfd, &st, err) < 0 || cgroup_make(&cg, err) < 0 ||
      cgroup_to_state(cg, &cgst, err) < 0)
    goto out;
  /* as runc refuses it: the init would stop there and create wait for it for ever.  Checked once
   * the directories exist: a v1 cgroup made below a frozen parent is born frozen. */
  const char *frozen = cg ? cgroup_frozen_dir(cg) : NULL;
  if (frozen) {
    veil_fail(err, 0, "linux.cgroupsPath: container's cgroup %s is frozen: thaw it first", frozen);
    cgroup_remove_unused(steal_pointer(&cg));
    goto out;
  }
  phases_mark(&ph, "cgroup-create");
  if (ns_plan_to_state(&ictx.ns, &cgst, err) < 0)
    goto out;
  st.cgroup_paths = cgst.cgroup_paths;
  st.flags = cgst.flags;
  st.flags_len = cgst.flags_len;
  if (state_write(out->dirfd, &st, err) < 0 || hooks_save(out->dirfd, cfg, err) < 0)
    goto out;
  if (mkfifoat(out->dirfd, EXEC_FIFO, 0622) < 0 || fchmodat(out->dirfd, EXEC_FIFO, 0622, 0) < 0) {
    veil_fail(err, errno, "create exec.fifo");
    goto out;
  }
  if ((ictx.fifo_fd = openat(out->dirfd, EXEC_FIFO, O_PATH | O_CLOEXEC)) < 0) {
    veil_fail(err, errno, "open exec.fifo");
    goto out;
  }
  if (sync_pair(sync, err) < 0)
    goto out;
  phases_mark(&ph, "state");

  ictx.cfg = cfg;
  ictx.id = id;
  ictx.bundle = bundle;
  ictx.rootfs = rootfs;
  ictx.sync_fd = sync[1];
  ictx.console_fd = console_fd;
  ictx.no_pivot = o->no_pivot;
  ictx.maps_need_dumpable = geteuid() != 0;
  ictx.no_new_keyring = o->no_new_keyring;
  ictx.preserve_fds = o->preserve_fds;
  ictx.listen_fds = o->listen_fds;
  ictx.seccomp_filter = seccomp_filter;
  ictx.seccomp_sock = seccomp_sock;

  if (cgroup_open_v1_tasks(cg, ictx.cg_tasks, &ictx.n_cg_tasks, err) < 0)
    goto out;
  child = spawn_clone3(ns_plan_clone_flags(&ictx.ns), NULL, cgroup_v2_dirfd(cg));
  if (child == 0) {
    close(sync[0]);
    container_init(&ictx);
  }
  veil_close_all(ictx.cg_tasks, ictx.n_cg_tasks);
  if (child < 0) {
    veil_fail(err, errno, "clone3");
    goto out;
  }
  close(sync[1]);
  sync[1] = -1;
  ns_plan_release(&ictx.ns);

  if (console_fd >= 0) {
    close(console_fd);
    console_fd = -1;
  }
  /* the listener sees EOF once the init closes the only other copy */
  veil_closep(&seccomp_sock);
  phases_mark(&ph, "clone");
  if (create_drive_init(sync[0], child, cfg, &st, cg, &init_pid, &ph, err) < 0)
    goto out;
  if (relay_sock >= 0 && (out->pty_master = terminal_recv_fd(relay_sock, err)) < 0)
    goto out;

  uint64_t start_time = 0;
  if (proc_pid_start_time(init_pid, &start_time, NULL) < 0) {
    veil_fail(err, 0, "container init %d exited during setup", (int)init_pid);
    goto out;
  }
  st.pid = init_pid;
  st.pid_start_time = start_time;
  if (state_write(out->dirfd, &st, err) < 0)
    goto out;
  if (pidfd_sock >= 0 &&
      pidfd_socket_send_pid(pidfd_sock, init_pid, start_time, PIDFD_SOCKET_INIT, err) < 0)
    goto out;
  if (o->pid_file && write_pid_file(o->pid_file, init_pid, err) < 0)
    goto out;
  if (state_read(out->dirfd, &out->state, err) < 0)
    goto out;
  out->pid = init_pid;
  phases_mark(&ph, "state");
  rc = 0;
out:
  if (rc < 0) {
    /* Roll back: the init and everything in its namespaces, then the state directory. */
    if (init_pid > 0 && init_pid != child)
      kill(init_pid, SIGKILL);
    if (child > 0)
      kill(child, SIGKILL);
    /* a process of a frozen v1 cgroup dies of SIGKILL only once thawed */
    if (child > 0 && cg && cgroup_frozen_dir(cg))
      cgroup_kill_all(cg, SIGKILL, NULL);
    if (init_pid > 0 && init_pid != child)
      reap_killed(init_pid);
    if (child > 0)
      reap_killed(child);
    /* runtime.md: a failed create hook stops the container and goes on with steps 12 and 13, the
     * poststop hooks: once the namespaces existed, hooks may have set up what those undo. */
    if (init_pid > 0)
      hooks_run_warn(HOOKS(cfg->hooks, poststop), "poststop",
                     &(hook_state){id, "stopped", 0, bundle, &cfg->annotations, bundle, NULL});
    cgroup_destroy(steal_pointer(&cg), NULL);
    if (dir_made)
      state_dir_remove(out->rootfd, id, NULL);
    created_release(out);
  }
  oci_map_clear(&cgst.cgroup_paths);
  veil_strv_free(cgst.flags);
  if (sync[0] >= 0)
    close(sync[0]);
  if (sync[1] >= 0)
    close(sync[1]);
  if (ictx.fifo_fd >= 0)
    close(ictx.fifo_fd);
  ns_plan_release(&ictx.ns);
  oci_config_free(cfg);
  return rc;
}

int veil_container_create(const char *root, const char *id, const veil_create_opts *opts,
                          veil_error *err)
{
  created c;

  if (do_create(root, id, opts, &c, err) < 0)
    return -1;
  created_release(&c);
  return 0;
}

/* ---- start ------------------------------------------------------------------------------- */

/* A pidfd for the recorded init, checked after opening so a reused pid is never signalled. */
static int open_init(const veil_state_file *s, veil_error *err)
{
  cleanup_close int fd = -1;

  if (s->pid <= 0)
    return veil_fail(err, 0, "container \"%s\" has no init process", s->id);
  fd = veil_pidfd_open(s->pid);
  if (fd < 0 || !state_init_alive(s))
    return veil_fail(err, 0, "container \"%s\" is not running", s->id);
  return steal_fd(&fd);
}

static int kill_and_wait(const veil_state_file *s, veil_error *err);

static int start_user_process(int dirfd, const veil_state_file *s, veil_error *err)
{
  cleanup_close int fifo = -1, pidfd = -1;
  char buf[4096];
  size_t got = 0;
  bool opened = false;
  veil_status status = state_status(dirfd, s);

  if (status != VEIL_STATUS_CREATED)
    return veil_fail(err, 0, "cannot start container \"%s\": container is %s", s->id,
                     veil_status_name(status));
  pidfd = open_init(s, err);
  if (pidfd < 0)
    return -1;
  fifo = openat(dirfd, EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fifo < 0)
    return veil_fail(err, errno, "open exec.fifo of \"%s\"", s->id);
  /* Only the fifo the init waits on can start it: anything else put in its place would read as
   * "started" (or as an error text) while the init still waits. */
  struct stat st;
  if (fstat(fifo, &st) < 0)
    return veil_fail(err, errno, "stat exec.fifo of \"%s\"", s->id);
  if (!S_ISFIFO(st.st_mode))
    return veil_fail(
        err, 0, "cannot start container \"%s\": its exec.fifo is not a fifo (was it replaced?)",
        s->id);
  /* The init writes "0" once it sees us, then closes the fifo by execve (O_CLOEXEC) or writes
   * the exec error into it: read to EOF. */
  for (;;) {
    struct pollfd pfd[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    if (poll(pfd, opened ? 1 : 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return veil_fail(err, errno, "wait for container \"%s\"", s->id);
    }
    if (pfd[0].revents) {
      ssize_t n = read(fifo, buf + got, sizeof(buf) - 1 - got);
      if (n < 0 && errno == EAGAIN)
        continue;
      if (n <= 0)
        break;
      if (!opened) {
        opened = true;
        unlinkat(dirfd, EXEC_FIFO, 0);
      }
      got += (size_t)n;
      if (got >= sizeof(buf) - 1)
        break;
      continue;
    }
    if (!opened && pfd[1].revents)
      return veil_fail(err, 0, "container \"%s\" exited before it was started", s->id);
  }
  buf[got] = '\0';
  if (!opened)
    return veil_fail(err, 0, "container \"%s\" exited before it was started", s->id);
  if (got > 1)
    return veil_fail(err, 0, "%s", buf + 1);
  return 0;
}

/* runtime.md step 9: the poststart hooks once the user process runs, before start returns.  A
 * failure generates an error and stops the container (the current spec text, as runc and crun
 * do now; delete then destroys it and runs the poststop hooks). */
static int run_poststart(const oci_config *saved, const veil_state_file *s, veil_error *err)
{
  hook_state hs = {s->id, "running", s->pid, s->bundle, &s->annotations, s->bundle, NULL};
  veil_error ignored = VEIL_ERROR_INIT;

  if (hooks_run_state(HOOKS(saved->hooks, poststart), "poststart", &hs, err) == 0)
    return 0;
  if (kill_and_wait(s, &ignored) < 0)
    veil_warn("%s", ignored.msg);
  veil_error_clear(&ignored);
  return -1;
}

/* runtime.md step 13: once the container is gone, before delete returns; failures are warnings.
 * They run before ROOT/ID is removed, so its lock keeps the id from being reused meanwhile.
 * As runc: `run` runs them in the bundle directory, `delete` where it was called. */
static void run_poststop(int dirfd, const veil_state_file *s, bool in_bundle)
{
  oci_config *saved = NULL;
  veil_error err = VEIL_ERROR_INIT;

  if (hooks_load(dirfd, &saved, &err) < 0) {
    veil_warn("hooks.poststop: %s", err.msg);
    veil_error_clear(&err);
    return;
  }
  if (saved)
    hooks_run_warn(HOOKS(saved->hooks, poststop), "poststop",
                   &(hook_state){s->id, "stopped", 0, s->bundle, &s->annotations,
                                 in_bundle ? s->bundle : NULL, NULL});
  oci_config_free(saved);
}

/* The container's cgroup, once it is done with: what is left in it is killed. */
static void destroy_cgroup(const veil_state_file *s)
{
  veil_error err = VEIL_ERROR_INIT;
  cgroup_handle *cg = NULL;

  if (cgroup_from_state(s, &cg, &err) < 0 || cgroup_destroy(cg, &err) < 0)
    veil_warn("%s", err.msg);
  veil_error_clear(&err);
}

/* The saved config is read before the fifo is touched: a broken one fails start before the user
 * process runs. */
static int do_start(int dirfd, const veil_state_file *s, veil_error *err)
{
  oci_config *saved = NULL;
  veil_phases ph;
  int rc;

  phases_begin(&ph, "start", false);
  if (hooks_load(dirfd, &saved, err) < 0)
    return -1;
  rc = start_user_process(dirfd, s, err);
  /* from `start` to the end of exec.fifo: startContainer hooks, seccomp, execve */
  phases_mark(&ph, "exec");
  if (rc == 0 && saved) {
    rc = run_poststart(saved, s, err);
    phases_mark(&ph, "poststart");
  }
  oci_config_free(saved);
  return rc;
}

int veil_container_start(const char *root, const char *id, veil_error *err)
{
  cleanup_close int rootfd = -1, dirfd = -1;
  veil_state_file *s = NULL;
  int rc;

  if (veil_validate_id(id, err) < 0)
    return -1;
  rootfd = state_root_open(root, false, err);
  if (rootfd < 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  dirfd = state_dir_open(rootfd, id, true, err);
  if (dirfd < 0 || state_read(dirfd, &s, err) < 0)
    return -1;
  rc = do_start(dirfd, s, err);
  veil_state_file_free(s);
  return rc;
}

/* ---- run --------------------------------------------------------------------------------- */

static int wait_forwarding_signals(pid_t pid, int sfd, int master, int *status, veil_error *err)
{
  bool stdin_open = master >= 0;
  int out_fd = master; /* -1 once the container closed its side of the pty */

  for (;;) {
    int ws;
    pid_t r = waitpid(pid, &ws, WNOHANG);
    if (r == pid) {
      if (master >= 0)
        terminal_drain(master, STDOUT_FILENO);
      *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      return 0;
    }
    if (r < 0 && errno != EINTR)
      return veil_fail(err, errno, "wait for the container");
    struct pollfd pfd[3] = {{.fd = sfd, .events = POLLIN},
                            {.fd = out_fd, .events = POLLIN},
                            {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
    if (poll(pfd, 3, 100) <= 0)
      continue;
    if (pfd[0].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGWINCH && master >= 0)
          terminal_copy_size(STDIN_FILENO, master);
        else if (si.ssi_signo != SIGCHLD)
          kill(pid, (int)si.ssi_signo);
      }
    }
    if (pfd[1].revents && terminal_pump(master, STDOUT_FILENO) <= 0)
      out_fd = -1; /* the container closed its side: wait for it to exit */
    if (pfd[2].revents && terminal_pump(STDIN_FILENO, master) <= 0)
      stdin_open = false;
  }
}

int veil_container_run(const char *root, const char *id, const veil_create_opts *opts, bool detach,
                       bool keep, int *status, veil_error *err)
{
  created c;
  sigset_t all, old;
  cleanup_close int sfd = -1;
  int rc;

  *status = 0;
  /* Signals that arrive while the container is made are forwarded once it runs.  The init
   * resets its mask before execve. */
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  if (!detach)
    sigprocmask(SIG_BLOCK, &all, &old);
  veil_create_opts o = *opts;
  o.relay_terminal = !detach && !opts->console_socket;
  if (do_create(root, id, &o, &c, err) < 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    return -1;
  }
  rc = do_start(c.dirfd, c.state, err);
  if (rc < 0 || detach) {
    if (rc < 0) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, NULL, 0);
      destroy_cgroup(c.state);
      run_poststop(c.dirfd, c.state, true);
      state_dir_remove(c.rootfd, id, NULL);
    }
    created_release(&c);
    return rc;
  }
  /* The container runs: other commands (state, kill, delete) must get its lock meanwhile. */
  close(c.dirfd);
  c.dirfd = -1;
  sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    rc = veil_fail(err, errno, "signalfd");
  } else {
    terminal_raw raw;
    if (c.pty_master >= 0)
      terminal_make_raw(STDIN_FILENO, c.pty_master, &raw);
    rc = wait_forwarding_signals(c.pid, sfd, c.pty_master, status, err);
    if (c.pty_master >= 0)
      terminal_restore(&raw);
  }
  if (!keep) {
    veil_error ignored = VEIL_ERROR_INIT;
    cleanup_close int dirfd = state_dir_open(c.rootfd, id, true, &ignored);
    if (dirfd >= 0) {
      destroy_cgroup(c.state);
      run_poststop(dirfd, c.state, true);
      state_dir_remove(c.rootfd, id, NULL);
    }
    veil_error_clear(&ignored);
  }
  created_release(&c);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return rc;
}

/* ---- kill, delete ------------------------------------------------------------------------ */

static int open_container(const char *root, const char *id, bool exclusive, int *rootfd,
                          veil_state_file **s, veil_error *err)
{
  int dirfd;

  if (veil_validate_id(id, err) < 0)
    return -1;
  *rootfd = state_root_open(root, false, err);
  if (*rootfd < 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  dirfd = state_dir_open(*rootfd, id, exclusive, err);
  if (dirfd < 0)
    return -1;
  if (state_read(dirfd, s, err) < 0) {
    close(dirfd);
    return veil_error_prefix(err, "load container %s", id);
  }
  return dirfd;
}

/* Every process in the init's PID namespace (the cgroup does this job once it exists). */
static void signal_pidns(const veil_state_file *s, int sig)
{
  char path[64];
  struct stat init_ns, st;
  DIR *proc;
  struct dirent *de;

  snprintf(path, sizeof(path), "/proc/%d/ns/pid", s->pid);
  if (!s->has_new_pidns || stat(path, &init_ns) < 0)
    return;
  proc = opendir("/proc");
  if (!proc)
    return;
  while ((de = readdir(proc))) {
    int pid;
    if (veil_parse_int(de->d_name, &pid) < 0 || pid == s->pid)
      continue;
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
    if (stat(path, &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev)
      kill(pid, sig);
  }
  closedir(proc);
}

int veil_container_kill(const char *root, const char *id, int sig, bool all, veil_error *err)
{
  cleanup_close int rootfd = -1, dirfd = -1, pidfd = -1;
  veil_state_file *s = NULL;
  int rc = -1;

  dirfd = open_container(root, id, false, &rootfd, &s, err);
  if (dirfd < 0)
    return -1;
  veil_status status = state_status(dirfd, s);
  if (status == VEIL_STATUS_STOPPED || status == VEIL_STATUS_CREATING) {
    veil_fail(err, 0, "cannot kill container \"%s\": container is %s", id,
              veil_status_name(status));
    goto out;
  }
  pidfd = open_init(s, err);
  if (pidfd < 0)
    goto out;
  bool by_cgroup = false;
  if (all) {
    /* the cgroup holds every process (also without a pid namespace); one we joined but did not
     * create is shared with others, whose processes are not ours to signal */
    _cleanup_(cgroup_handle_freep) cgroup_handle *cg = NULL;
    if (cgroup_from_state(s, &cg, err) < 0)
      goto out;
    if (cg && cgroup_owned(cg)) {
      if (cgroup_kill_all(cg, sig, err) < 0)
        goto out;
      by_cgroup = true;
    } else {
      signal_pidns(s, sig);
    }
  }
  if (veil_pidfd_send_signal(pidfd, sig) < 0 && !(by_cgroup && errno == ESRCH)) {
    veil_fail(err, errno, "send signal %d to container \"%s\"", sig, id);
    goto out;
  }
  /* A process the v1 freezer holds acts on SIGKILL only once thawed; runc thaws a paused
   * container here, and containerd's shim counts on it to stop a paused task. */
  if (sig == SIGKILL && status == VEIL_STATUS_PAUSED && !by_cgroup) {
    _cleanup_(cgroup_handle_freep) cgroup_handle *cg = NULL;
    if (cgroup_from_state(s, &cg, err) < 0 || (cg && cgroup_freeze(cg, false, err) < 0))
      goto out;
  }
  rc = 0;
out:
  veil_state_file_free(s);
  return rc;
}

static int kill_and_wait(const veil_state_file *s, veil_error *err)
{
  cleanup_close int pidfd = veil_pidfd_open(s->pid);
  struct pollfd pfd;

  if (pidfd < 0 || !state_init_alive(s))
    return 0;
  /* the init first: killed after its children, it could reap them and run on meanwhile */
  if (veil_pidfd_send_signal(pidfd, SIGKILL) < 0 && errno != ESRCH)
    return veil_fail(err, errno, "kill container \"%s\"", s->id);
  signal_pidns(s, SIGKILL);
  pfd.fd = pidfd;
  pfd.events = POLLIN;
  while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
    ;
  if (!(pfd.revents & POLLIN) && state_init_alive(s))
    return veil_fail(err, 0, "container \"%s\" did not die within 10s of SIGKILL", s->id);
  return 0;
}

/* true only when ID is valid and neither it nor the state root exists */
static bool container_gone(const char *root, const char *id)
{
  struct stat st;
  cleanup_close int rootfd = -1;

  if (veil_validate_id(id, NULL) < 0)
    return false;
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return errno == ENOENT;
  return fstatat(rootfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

/* delete --force of a container whose state.json cannot be read: create was killed before it
 * wrote it, or something else spoilt it.  The intent record names every cgroup directory create
 * made or was about to make; destroying them kills what is in them, the init too (also one still
 * blocked on exec.fifo).  Without a record create made no cgroup: only ROOT/ID is left. */
static int delete_unloadable(int rootfd, int dirfd, const char *id, veil_error *err)
{
  veil_state_file *rec = NULL;
  cgroup_handle *cg = NULL;
  veil_error why = VEIL_ERROR_INIT;
  int rc = -1;

  if (state_read_intent(dirfd, &rec, &why) < 0 && why.errnum != ENOENT)
    veil_warn("container %s: %s: its cgroups cannot be found", id, why.msg);
  veil_error_clear(&why);
  if (rec) {
    if (cgroup_from_state(rec, &cg, err) < 0 || cgroup_destroy(cg, err) < 0)
      goto out;
    run_poststop(dirfd, rec, false);
  }
  rc = state_dir_remove(rootfd, id, err);
out:
  veil_state_file_free(rec);
  return rc;
}

int veil_container_delete(const char *root, const char *id, bool force, veil_error *err)
{
  cleanup_close int rootfd = -1, dirfd = -1;
  _cleanup_(cgroup_handle_freep) cgroup_handle *cg = NULL;
  veil_state_file *s = NULL;
  int rc = -1;

  /* As with runc and crun, --force of an id that is already gone succeeds: containerd's runc
   * v2 shim deletes --force again after every container, Podman after a failed create.  A
   * --force racing another one waits for its lock, then finds the id gone. */
  if (force && container_gone(root, id))
    return 0;
  if (veil_validate_id(id, err) < 0)
    return -1;
  rootfd = state_root_open(root, false, err);
  if (rootfd < 0 || (dirfd = state_dir_open(rootfd, id, true, err)) < 0) {
    if (force && container_gone(root, id)) {
      veil_error_clear(err);
      return 0;
    }
    return rootfd < 0 ? veil_fail(err, 0, "container \"%s\" does not exist", id) : -1;
  }
  if (state_read(dirfd, &s, err) < 0) {
    veil_error_prefix(err, "load container %s", id);
    if (!force)
      return veil_error_prefix(err, "cannot delete container \"%s\" without --force", id);
    veil_error_clear(err);
    return delete_unloadable(rootfd, dirfd, id, err);
  }
  veil_status status = state_status(dirfd, s);
  if ((status == VEIL_STATUS_RUNNING || status == VEIL_STATUS_PAUSED) && !force) {
    veil_fail(err, 0, "cannot delete container \"%s\": container is %s (use --force)", id,
              veil_status_name(status));
    goto out;
  }
  if (cgroup_from_state(s, &cg, err) < 0)
    goto out;
  /* a frozen (v1) process does not die of SIGKILL: kill through the cgroup, which thaws it, or
   * thaw a shared one (only our init is killed there) */
  if (cg && status != VEIL_STATUS_STOPPED) {
    if (cgroup_owned(cg))
      cgroup_kill_all(cg, SIGKILL, NULL);
    else if (cgroup_is_frozen(cg))
      cgroup_freeze(cg, false, NULL);
  }
  if (status != VEIL_STATUS_STOPPED && status != VEIL_STATUS_CREATING && kill_and_wait(s, err) < 0)
    goto out;
  if (cgroup_destroy(steal_pointer(&cg), err) < 0)
    goto out;
  run_poststop(dirfd, s, false);
  rc = state_dir_remove(rootfd, id, err);
out:
  veil_state_file_free(s);
  return rc;
}

/* ---- state, list ------------------------------------------------------------------------- */

int veil_container_state(const char *root, const char *id, char **json, veil_error *err)
{
  cleanup_close int rootfd = -1, dirfd = -1;
  veil_state_file *s = NULL;
  char *msg = NULL;

  dirfd = open_container(root, id, false, &rootfd, &s, err);
  if (dirfd < 0)
    return -1;
  veil_status status = state_status(dirfd, s);
  oci_state o = {
      .oci_version = (char *)OCI_SPEC_VERSION,
      .id = s->id,
      .status = (char *)veil_status_name(status),
      .pid = status == VEIL_STATUS_STOPPED ? 0 : s->pid,
      .has_pid = true,
      .bundle = s->bundle,
      .annotations = s->annotations,
  };
  *json = oci_state_generate(&o, NULL, &msg);
  veil_state_file_free(s);
  if (!*json)
    return veil_fail_take(err, 0, msg);
  return 0;
}

static void info_clear(veil_container_info *e)
{
  free(e->id);
  free(e->bundle);
  free(e->created);
  free(e->owner);
  free(e->error);
}

void veil_container_info_free(veil_container_info *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    info_clear(&list[i]);
  free(list);
}

/* One directory of the state root as a list entry; 1 to leave it out.  One whose state.json
 * cannot be read is listed as "unknown" with the reason, unless another command holds its lock:
 * then a create has not written it yet (or a delete is removing the directory). */
static int list_entry(int cfd, const char *name, veil_container_info *e)
{
  veil_state_file *s = NULL;
  veil_error why = VEIL_ERROR_INIT;

  memset(e, 0, sizeof(*e));
  if (state_read(cfd, &s, &why) < 0) {
    veil_error_clear(&why);
    if (flock(cfd, LOCK_SH | LOCK_NB) < 0)
      return 1;
    /* read again under the lock: the create may have finished in between */
    if (state_read(cfd, &s, &why) < 0) {
      e->id = strdup(name);
      e->status = "unknown";
      e->bundle = strdup("");
      e->created = strdup("");
      e->owner = strdup("");
      e->error = steal_pointer(&why.msg);
      veil_error_clear(&why);
      return e->id && e->bundle && e->created && e->owner && e->error ? 0 : -1;
    }
  }
  veil_status status = state_status(cfd, s);
  e->id = steal_pointer(&s->id);
  e->pid = status == VEIL_STATUS_STOPPED ? 0 : s->pid;
  e->status = veil_status_name(status);
  e->bundle = steal_pointer(&s->bundle);
  e->created = steal_pointer(&s->created);
  e->owner = steal_pointer(&s->owner);
  veil_state_file_free(s);
  return 0;
}

int veil_container_list(const char *root, veil_container_info **list, size_t *n, veil_error *err)
{
  DIR *dir;
  struct dirent *de;
  veil_container_info *out = NULL;
  size_t count = 0, cap = 0;
  int rootfd, rc = 0;

  *list = NULL;
  *n = 0;
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return errno == ENOENT ? 0 : veil_fail(err, errno, "open %s", root);
  dir = fdopendir(rootfd);
  if (!dir) {
    close(rootfd);
    return veil_fail(err, errno, "read %s", root);
  }
  while ((de = readdir(dir))) {
    cleanup_close int cfd = -1;

    if (de->d_name[0] == '.')
      continue;
    cfd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (cfd < 0)
      continue;
    if (count == cap) {
      veil_container_info *nl = realloc(out, (cap ? cap * 2 : 16) * sizeof(*out));
      if (!nl) {
        rc = veil_fail(err, ENOMEM, "list");
        break;
      }
      out = nl;
      cap = cap ? cap * 2 : 16;
    }
    int r = list_entry(cfd, de->d_name, &out[count]);
    if (r < 0) {
      info_clear(&out[count]);
      rc = veil_fail(err, ENOMEM, "list");
      break;
    }
    if (r == 0)
      count++;
  }
  closedir(dir);
  if (rc < 0) {
    veil_container_info_free(out, count);
    return rc;
  }
  *list = out;
  *n = count;
  return 0;
}

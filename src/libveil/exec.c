/* veil — exec: a new process in a running container's namespaces.
 *
 * The parent (veil exec) checks the container and builds the process.  Its child, the joiner,
 * still in the host's pid namespace and so invisible to the container, takes the host-side
 * settings (rlimits, oom_score_adj, scheduler, the v1 cgroups), closes every host fd, joins all
 * of the init's namespaces through its pidfd in one setns (the kernel orders user first and makes
 * it atomic; pid and time apply to children) and enters the init's root.  Only then does it fork
 * the process (CLONE_PARENT: veil's own child, so waitpid gives the status) and exit: what a
 * process in the container can ever see of veil's is already inside its mount namespace and
 * root, holding nothing of the host's (CVE-2019-5736, CVE-2024-21626).  The process applies the
 * rest and execs.  A CLOEXEC pipe tells the parent how it went: EOF means execve happened, bytes
 * are the error; another carries the process's pid from the joiner. */
#include "config.h"
#include "cgroup.h"
#include "config-load.h"
#include "cpusched.h"
#include "exec.h"
#include "log.h"
#include "namespaces.h"
#include "pidfd-socket.h"
#include "phase.h"
#include "process.h"
#include "seccomp-filter.h"
#include "spawn.h"
#include "state.h"
#include "terminal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/* ---- the process --------------------------------------------------------------------------- */

/* Appends a copy of s; the vector stays NULL-terminated as libocispec's are. */
static int strv_push(char ***v, size_t *len, const char *s)
{
  char **n = realloc(*v, (*len + 2) * sizeof(char *));

  if (!n)
    return -1;
  *v = n;
  n[*len] = strdup(s);
  if (!n[*len])
    return -1;
  n[++*len] = NULL;
  return 0;
}

static bool strv_has(char **v, size_t len, const char *s)
{
  for (size_t i = 0; i < len; i++)
    if (!strcmp(v[i], s))
      return true;
  return false;
}

/* KEY=VALUE replaces KEY's earlier value: a process reads only one of two equal names. */
static int env_set(oci_process *p, const char *kv)
{
  size_t klen = strcspn(kv, "=") + 1;

  for (size_t i = 0; i < p->env_len; i++) {
    if (strncmp(p->env[i], kv, klen))
      continue;
    char *dup = strdup(kv);
    if (!dup)
      return -1;
    free(p->env[i]);
    p->env[i] = dup;
    return 0;
  }
  return strv_push(&p->env, &p->env_len, kv);
}

/* CVE-2022-29162: never into the inheritable set.  Ambient needs the capability to be inheritable
 * already (the kernel refuses it otherwise), so it is added there only in that case. */
static int caps_add(oci_process *p, const char *cap)
{
  oci_capabilities *c = p->capabilities;

  if (!c && !(c = p->capabilities = calloc(1, sizeof(*c))))
    return -1;
  if ((!strv_has(c->bounding, c->bounding_len, cap) &&
       strv_push(&c->bounding, &c->bounding_len, cap) < 0) ||
      (!strv_has(c->effective, c->effective_len, cap) &&
       strv_push(&c->effective, &c->effective_len, cap) < 0) ||
      (!strv_has(c->permitted, c->permitted_len, cap) &&
       strv_push(&c->permitted, &c->permitted_len, cap) < 0))
    return -1;
  if (strv_has(c->inheritable, c->inheritable_len, cap) &&
      !strv_has(c->ambient, c->ambient_len, cap) &&
      strv_push(&c->ambient, &c->ambient_len, cap) < 0)
    return -1;
  return 0;
}

static int apply_flags(oci_process *p, const veil_exec_opts *o)
{
  char **args = NULL;
  size_t n = 0;

  for (size_t i = 0; i < o->args_len; i++)
    if (strv_push(&args, &n, o->args[i]) < 0) {
      veil_strv_free(args);
      return -1;
    }
  for (size_t i = 0; i < p->args_len; i++)
    free(p->args[i]);
  free(p->args);
  p->args = args;
  p->args_len = n;
  for (size_t i = 0; i < o->env_len; i++)
    if (env_set(p, o->env[i]) < 0)
      return -1;
  if (o->cwd) {
    free(p->cwd);
    if (!(p->cwd = strdup(o->cwd)))
      return -1;
  }
  if (o->has_uid)
    p->user.uid = o->uid;
  if (o->has_gid)
    p->user.gid = o->gid;
  if (o->additional_gids_len > 0) {
    size_t total = p->user.additional_gids_len + o->additional_gids_len;
    uint32_t *g = realloc(p->user.additional_gids, total * sizeof(uint32_t));
    if (!g)
      return -1;
    memcpy(g + p->user.additional_gids_len, o->additional_gids,
           o->additional_gids_len * sizeof(uint32_t));
    p->user.additional_gids = g;
    p->user.additional_gids_len = total;
  }
  for (size_t i = 0; i < o->caps_len; i++)
    if (caps_add(p, o->caps[i]) < 0)
      return -1;
  /* as runc: -t decides, the config's terminal does not carry over to exec */
  p->terminal = o->tty;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  return 0;
}

/* config.json is read even with --process: the container's seccomp profile binds every process
 * in it, exec'd ones too. */
static int build_process(const veil_exec_opts *o, const char *bundle, oci_config **cfgp,
                         oci_process **out, veil_error *err)
{
  char *msg = NULL;
  oci_process *p = NULL;

  /* the flags an OCI process has no field for are refused, not dropped */
  if (o->process_label && *o->process_label)
    return veil_fail(err, 0, "--process-label: %s",
                     access("/sys/fs/selinux/enforce", F_OK) == 0
                         ? "applying SELinux labels is not implemented in veil"
                         : "SELinux is not enabled on this host");
  if (o->apparmor && *o->apparmor)
    return veil_fail(err, 0, "--apparmor: %s",
                     access("/sys/kernel/security/apparmor", F_OK) == 0
                         ? "applying AppArmor profiles is not implemented in veil"
                         : "AppArmor is not enabled on this host");
  if (config_load(bundle, cfgp, err) < 0)
    return -1;
  if (o->process_file) {
    p = oci_process_parse_file(o->process_file, &msg);
    if (!p) {
      veil_fail_take(err, 0, msg);
      return veil_error_prefix(err, "--process %s", o->process_file);
    }
  } else {
    p = steal_pointer(&(*cfgp)->process);
    if (!p && !(p = calloc(1, sizeof(*p))))
      return veil_fail(err, ENOMEM, "exec");
    if (apply_flags(p, o) < 0) {
      oci_process_free(p);
      return veil_fail(err, ENOMEM, "exec");
    }
    if (!p->cwd && !(p->cwd = strdup("/"))) {
      oci_process_free(p);
      return veil_fail(err, ENOMEM, "exec");
    }
  }
  *out = p;
  if (!p->args || p->args_len == 0 || !p->args[0] || !*p->args[0])
    return veil_fail(err, 0, "exec: no command given (process.args is empty)");
  if (!p->cwd || p->cwd[0] != '/')
    return veil_fail(err, 0, "exec: process.cwd: \"%s\" is not an absolute path",
                     p->cwd ? p->cwd : "");
  if (process_validate(p, err) < 0)
    return veil_error_prefix(err, "exec");
  return 0;
}

/* ---- the container ------------------------------------------------------------------------- */

/* The namespaces of the init that are not already ours: setns into one's own user namespace is
 * an error, and skipping the rest makes joining them free. */
static int ns_differing(pid_t pid, int *flags, veil_error *err)
{
  static const char *const names[] = {"user", "ipc",  "uts",    "network",
                                      "pid",  "time", "cgroup", "mount"};

  *flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
    const ns_desc *d = ns_lookup(names[i]);
    char path[64];
    struct stat theirs, ours;

    snprintf(path, sizeof(path), "/proc/self/ns/%s", d->proc);
    if (stat(path, &ours) < 0) {
      if (errno == ENOENT)
        continue; /* a namespace type this kernel lacks */
      return veil_fail(err, errno, "stat %s", path);
    }
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, d->proc);
    if (stat(path, &theirs) < 0)
      return veil_fail(err, errno, "stat %s", path);
    if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev)
      *flags |= d->flag;
  }
  return 0;
}

/* Still the same init?  A pidfd turns readable once its process exits, so while it is not, the
 * pid (and what /proc/PID showed) belonged to the init. */
static bool init_exited(int pidfd)
{
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

  return poll(&pfd, 1, 0) != 0;
}

static int check_fds(int preserve_fds, veil_error *err)
{
  /* Those veil opened itself carry FD_CLOEXEC: one at a number the caller left free must not
   * leak into the container. */
  for (int fd = 3; fd < 3 + preserve_fds; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || (fl & FD_CLOEXEC))
      return veil_fail(err, 0, "--preserve-fds: fd %d is not open", fd);
  }
  return 0;
}

/* ---- the child ----------------------------------------------------------------------------- */

typedef struct exec_child {
  const oci_process *p;
  int init_pidfd;
  int ns_flags;   /* what is left to join here (not pid and time) */
  int rootfd;     /* the init's root, O_PATH */
  int console_fd; /* where the pty master goes, or -1 */
  int err_fd;     /* CLOEXEC pipe */
  int pid_fd;     /* CLOEXEC pipe: the joiner writes the process's host pid here */
  int preserve_fds;
  void *seccomp_filter; /* the container's linux.seccomp, or NULL */
  int seccomp_sock;     /* connected listenerPath, or -1 */
  const oci_config *cfg;
  const veil_state_file *s;
  pid_t host_pid;          /* ours, as the host sees it: for the seccomp listener's state */
  const cgroup_handle *cg; /* the container's cgroup, or NULL */
} exec_child;

__attribute__((noreturn)) static void child_fail(exec_child *c, veil_error *err)
{
  const char *msg = err->msg ? err->msg : "exec failed";

  if (veil_write_all(c->err_fd, msg, strlen(msg)) < 0)
    _exit(126);
  _exit(127);
}

/* A pty of the container's devpts, not bound to /dev/console: that belongs to the init. */
static int child_pty(exec_child *c, veil_error *err)
{
  return terminal_setup(c->p, c->console_fd, false, err);
}

/* linux.seccomp, at the points the init loads it (see init.c): with noNewPrivileges last, right
 * before execve; without it while still privileged, right before process_set_identity.  A
 * SCMP_ACT_NOTIFY listener gets the fd with the container process state: its pid is this
 * process, its state the container's, whose pid is the init's (as runc sends it). */
static int child_seccomp(exec_child *c, bool late, veil_error *err)
{
  if (!c->seccomp_filter || c->p->no_new_privileges != late)
    return 0;
  oci_state st = {
      .oci_version = (char *)OCI_SPEC_VERSION,
      .id = c->s->id,
      .status = (char *)"running",
      .pid = c->s->pid,
      .has_pid = true,
      .bundle = c->s->bundle,
      .annotations = c->s->annotations,
  };
  return seccomp_load_and_notify(c->seccomp_filter, &c->seccomp_sock, c->cfg->linux->seccomp,
                                 c->host_pid, &st, err);
}

/* The joiner, once in the container's cgroups: everything veil had open goes (the state root and
 * directory, cgroup directories, the log, what the caller leaked) but what the process needs. */
static void joiner_close_host_fds(exec_child *c)
{
  int keep[] = {c->err_fd, c->pid_fd, c->init_pidfd, c->rootfd, c->console_fd, c->seccomp_sock};
  int from = 3 + c->preserve_fds;

  veil_log_detach();
  veil_close_fds_except(from, keep, ARRAY_SIZE(keep));
}

/* In the host's pid namespace, invisible to the container: the host-side settings, which the
 * process inherits, then into every namespace and the root of the init.  Returns in the process
 * (forked into the container's pid namespace), never in the joiner. */
static void joiner_run(exec_child *c)
{
  veil_error err = VEIL_ERROR_INIT;
  const oci_process *p = c->p;
  int hostpid[2] = {-1, -1};

  if (p->exec_cpu_affinity && sched_set_cpu_affinity("process.execCPUAffinity.initial",
                                                     p->exec_cpu_affinity->initial, &err) < 0)
    child_fail(c, &err);
  /* With the host's privileges, before the user namespace: as the init did them as root
   * (raising a hard rlimit or lowering oomScoreAdj needs them). */
  if (process_set_rlimits(p, &err) < 0 || process_set_oom_score_adj(p, 0, &err) < 0 ||
      sched_set_scheduler(p, &err) < 0 || sched_set_io_priority(p, &err) < 0)
    child_fail(c, &err);
  /* Into the container's cgroup while the host's cgroupfs is still in view and before its
   * cgroup namespace (rooted there) is joined; on cgroup2 clone3 put us there already. */
  if (c->cg && cgroup_enter(c->cg, 0, false, &err) < 0)
    child_fail(c, &err);
  joiner_close_host_fds(c);
  /* the listener's state names the process by its host pid, which only we learn */
  if (c->seccomp_sock >= 0 && pipe2(hostpid, O_CLOEXEC) < 0) {
    veil_fail(&err, errno, "pipe");
    child_fail(c, &err);
  }
  if (c->ns_flags && setns(c->init_pidfd, c->ns_flags) < 0) {
    veil_fail(&err, errno, "join the container's namespaces");
    child_fail(c, &err);
  }
  /* setns(mnt) put us at the top of that namespace's root; the init's own root is the one that
   * counts (--no-pivot chroots it; so can a container process that holds CAP_SYS_CHROOT). */
  if (fchdir(c->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
    veil_fail(&err, errno, "enter the container's root");
    child_fail(c, &err);
  }
  close(c->rootfd);
  close(c->init_pidfd);
  pid_t pid = spawn_clone3(CLONE_PARENT, NULL, -1);
  if (pid < 0) {
    veil_fail(&err, errno, "fork the process into the container");
    child_fail(c, &err);
  }
  if (pid > 0) {
    int32_t v = (int32_t)pid;
    if (hostpid[1] >= 0)
      veil_write_all(hostpid[1], &v, sizeof(v));
    _exit(veil_write_all(c->pid_fd, &v, sizeof(v)) < 0 ? 126 : 0);
  }
  close(c->pid_fd);
  if (hostpid[0] >= 0) {
    int32_t v = 0;
    close(hostpid[1]);
    if (read(hostpid[0], &v, sizeof(v)) == (ssize_t)sizeof(v))
      c->host_pid = (pid_t)v;
    close(hostpid[0]);
  }
}

__attribute__((noreturn)) static void exec_child_run(exec_child *c)
{
  veil_error err = VEIL_ERROR_INIT;
  const oci_process *p = c->p;
  cleanup_free char *exe = NULL, *home = NULL;
  sigset_t none;

  /* the parent blocks signals to forward them; the process starts with none blocked */
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  joiner_run(c);
  /* veil exec is our parent now: the joiner's death must not take us with it */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (setsid() < 0) {
    veil_fail(&err, errno, "setsid");
    child_fail(c, &err);
  }
  /* the caller's session keyring is not the container's business */
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS) {
    veil_fail(&err, errno, "join a new session keyring");
    child_fail(c, &err);
  }
  if (p->terminal && child_pty(c, &err) < 0)
    child_fail(c, &err);
  if (c->console_fd >= 0)
    close(c->console_fd);
  if (child_seccomp(c, false, &err) < 0 || process_become_user_in_cwd(p, &err) < 0 ||
      process_find_executable(p, &exe, &err) < 0)
    child_fail(c, &err);
  /* the container's /etc/passwd, before the final seccomp filter could forbid opening it */
  home = process_home_env(p);
  /* Nothing of the host may cross execve but stdio and --preserve-fds (CVE-2024-21626); the
   * error pipe is closed by execve itself. */
  syscall(SYS_close_range, 3 + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if ((!p->exec_cpu_affinity || sched_set_cpu_affinity("process.execCPUAffinity.final",
                                                       p->exec_cpu_affinity->final, &err) == 0) &&
      child_seccomp(c, true, &err) == 0)
    process_exec(p, exe, 0, home, &err);
  child_fail(c, &err);
}

/* ---- the parent ---------------------------------------------------------------------------- */

/* Reads the child's error pipe to EOF: 0 when execve happened, -1 with its message otherwise. */
static int read_exec_result(int fd, pid_t pid, veil_error *err)
{
  char buf[4096];
  size_t got = 0;

  for (;;) {
    ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
    if (got == sizeof(buf) - 1)
      break;
  }
  if (got == 0)
    return 0;
  buf[got] = '\0';
  if (pid > 0)
    waitpid(pid, NULL, 0);
  return veil_fail(err, 0, "%s", buf);
}

static int wait_process(pid_t pid, int pidfd, int sfd, int master, int *status, veil_error *err)
{
  bool stdin_open = master >= 0;
  int out_fd = master; /* -1 once the process closed its side of the pty */

  for (;;) {
    struct pollfd pfd[4] = {{.fd = sfd, .events = POLLIN},
                            {.fd = pidfd, .events = POLLIN},
                            {.fd = out_fd, .events = POLLIN},
                            {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
    if (poll(pfd, 4, -1) < 0) {
      if (errno == EINTR)
        continue;
      return veil_fail(err, errno, "wait for the process");
    }
    if (pfd[0].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGWINCH && master >= 0)
          terminal_copy_size(STDIN_FILENO, master);
        else if (si.ssi_signo != SIGCHLD)
          veil_pidfd_send_signal(pidfd, (int)si.ssi_signo);
      }
    }
    if (pfd[2].revents && terminal_pump(master, STDOUT_FILENO) <= 0)
      out_fd = -1;
    if (pfd[3].revents && terminal_pump(STDIN_FILENO, master) <= 0)
      stdin_open = false;
    if (pfd[1].revents) {
      int ws;
      while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
          return veil_fail(err, errno, "wait for the process");
      if (master >= 0)
        terminal_drain(master, STDOUT_FILENO);
      *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      return 0;
    }
  }
}

typedef struct exec_run {
  int rootfd, dirfd, init_pidfd, pidfd, proc_rootfd, console_fd, relay_sock, master, sfd;
  int pidfd_sock;
  int errpipe[2], pidpipe[2];
  int seccomp_sock;
  void *seccomp_filter;
  veil_state_file *s;
  oci_config *cfg;
  oci_process *p;
} exec_run;

static void exec_run_release(exec_run *r)
{
  int *fds[] = {&r->rootfd,     &r->dirfd,      &r->init_pidfd, &r->pidfd,        &r->proc_rootfd,
                &r->console_fd, &r->relay_sock, &r->master,     &r->sfd,          &r->errpipe[0],
                &r->errpipe[1], &r->pidpipe[0], &r->pidpipe[1], &r->seccomp_sock, &r->pidfd_sock};

  for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
    veil_closep(fds[i]);
  seccomp_filter_free(r->seccomp_filter);
  veil_state_file_free(r->s);
  oci_config_free(r->cfg);
  oci_process_free(r->p);
}

/* The child's verdict.  A child in a frozen cgroup (exec --ignore-paused into a paused container,
 * or a freeze from outside veil) goes on only once thawed, as runc's does: the container's lock
 * is let go meanwhile, or the resume that thaws it could never take it. */
/* Waits until FD is readable.  A process frozen (paused, --ignore-paused) while it holds a copy
 * of the container's fd must not keep the lock that `resume` needs: only an explicit unlock
 * releases it. */
static int wait_unfrozen(exec_run *r, const cgroup_handle *cg, int fd, veil_error *err)
{
  struct pollfd pfd = {.fd = fd, .events = POLLIN};

  for (;;) {
    int n = poll(&pfd, 1, cg && r->dirfd >= 0 ? 100 : -1);
    if (n < 0 && errno != EINTR)
      return veil_fail(err, errno, "wait for the process");
    if (n > 0)
      return 0;
    if (n == 0 && cgroup_frozen_dir(cg)) {
      flock(r->dirfd, LOCK_UN);
      veil_closep(&r->dirfd);
    }
  }
}

/* The container, locked (shared) while the process is set up: delete waits for it. */
static int open_running(const char *root, const char *id, const veil_exec_opts *o, exec_run *r,
                        veil_error *err)
{
  if (veil_validate_id(id, err) < 0)
    return -1;
  r->rootfd = state_root_open(root, false, err);
  if (r->rootfd < 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  r->dirfd = state_dir_open(r->rootfd, id, false, err);
  if (r->dirfd < 0 || state_read(r->dirfd, &r->s, err) < 0)
    return -1;
  veil_status st = state_status(r->dirfd, r->s);
  /* as runc: a created container can be exec'd into (its namespaces and root are ready) */
  if (st == VEIL_STATUS_PAUSED && !o->ignore_paused)
    return veil_fail(err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
  if (st == VEIL_STATUS_STOPPED || st == VEIL_STATUS_CREATING)
    return veil_fail(err, 0, "cannot exec in container \"%s\": container is %s", id,
                     veil_status_name(st));
  r->init_pidfd = r->s->pid > 0 ? veil_pidfd_open(r->s->pid) : -1;
  if (r->init_pidfd < 0 || !state_init_alive(r->s))
    return veil_fail(err, 0, "cannot exec in container \"%s\": container is stopped", id);
  return 0;
}

int veil_container_exec(const char *root, const char *id, const veil_exec_opts *o, int *status,
                        veil_error *err)
{
  exec_run r = {.rootfd = -1,
                .dirfd = -1,
                .init_pidfd = -1,
                .pidfd = -1,
                .proc_rootfd = -1,
                .console_fd = -1,
                .relay_sock = -1,
                .master = -1,
                .sfd = -1,
                .errpipe = {-1, -1},
                .pidpipe = {-1, -1},
                .seccomp_sock = -1,
                .pidfd_sock = -1};
  sigset_t all, old;
  bool blocked = false, ns_gone = false;
  _cleanup_(cgroup_handle_freep) cgroup_handle *cg = NULL;
  int ns_flags = 0, rc = -1;
  pid_t pid = -1, joiner = -1;
  char path[64];
  veil_phases ph;

  *status = 0;
  phases_begin(&ph, "exec", false);
  if (open_running(root, id, o, &r, err) < 0)
    goto out;
  phases_mark(&ph, "state");
  if (build_process(o, r.s->bundle, &r.cfg, &r.p, err) < 0 || check_fds(o->preserve_fds, err) < 0)
    goto out;
  if (seccomp_prepare(r.cfg->linux ? r.cfg->linux->seccomp : NULL, &r.seccomp_filter,
                      &r.seccomp_sock, err) < 0)
    goto out;
  phases_mark(&ph, "parse");
  if (r.p->terminal && o->detach && !o->console_socket) {
    veil_fail(err, 0, "exec: --tty with --detach needs --console-socket");
    goto out;
  }
  if (!r.p->terminal && o->console_socket) {
    veil_fail(err, 0, "exec: --console-socket is only used with --tty");
    goto out;
  }
  if (ns_differing(r.s->pid, &ns_flags, err) < 0) {
    /* an exiting init loses its namespaces before its pidfd turns readable */
    ns_gone = err->errnum == ENOENT;
    goto out;
  }
  snprintf(path, sizeof(path), "/proc/%d/root", (int)r.s->pid);
  r.proc_rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (r.proc_rootfd < 0) {
    veil_fail(err, errno, "open %s", path);
    goto out;
  }
  if (init_exited(r.init_pidfd)) {
    veil_fail(err, 0, "cannot exec in container \"%s\": container is stopped", id);
    goto out;
  }
  if (r.p->terminal) {
    if (o->console_socket) {
      r.console_fd = terminal_connect_socket(o->console_socket, err);
      if (r.console_fd < 0)
        goto out;
    } else {
      /* our own console socket: the child sends the master here and we relay it */
      int sp[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
        veil_fail(err, errno, "socketpair for the terminal");
        goto out;
      }
      r.relay_sock = sp[0];
      r.console_fd = sp[1];
    }
  }
  if (o->pidfd_socket && (r.pidfd_sock = pidfd_socket_connect(o->pidfd_socket, err)) < 0)
    goto out;
  if (pipe2(r.errpipe, O_CLOEXEC) < 0 || pipe2(r.pidpipe, O_CLOEXEC) < 0) {
    veil_fail(err, errno, "pipe");
    goto out;
  }
  /* before the pid namespace is joined: an error return must leave veil where it was */
  if (cgroup_from_state(r.s, &cg, err) < 0)
    goto out;
  for (size_t i = 0; i < o->cgroups_len; i++)
    if (cgroup_descend(cg, o->cgroups[i], err) < 0)
      goto out;
  /* Signals that arrive from now on are forwarded once the process runs. */
  if (!o->detach) {
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigprocmask(SIG_BLOCK, &all, &old);
    blocked = true;
  }
  joiner = spawn_clone3(0, NULL, cgroup_v2_dirfd(cg));
  if (joiner == 0) {
    exec_child c = {.p = r.p,
                    .init_pidfd = r.init_pidfd,
                    .ns_flags = ns_flags,
                    .rootfd = r.proc_rootfd,
                    .console_fd = r.console_fd,
                    .err_fd = r.errpipe[1],
                    .pid_fd = r.pidpipe[1],
                    .preserve_fds = o->preserve_fds,
                    .seccomp_filter = r.seccomp_filter,
                    .seccomp_sock = r.seccomp_sock,
                    .cfg = r.cfg,
                    .s = r.s,
                    .cg = cg};
    exec_child_run(&c);
  }
  if (joiner < 0) {
    veil_fail(err, errno, "clone3 for container \"%s\"", id);
    goto out;
  }
  veil_closep(&r.errpipe[1]);
  veil_closep(&r.pidpipe[1]);
  veil_closep(&r.console_fd);
  /* the process sends on the listener connection and closes it: ours would keep it open, and
   * the spec wants it closed after the one state (an agent may read to EOF) */
  veil_closep(&r.seccomp_sock);
  phases_mark(&ph, "clone");
  /* the joiner's last words: the process's pid, or nothing when it failed before the fork */
  int32_t forked = 0;
  ssize_t n = -1;
  if (wait_unfrozen(&r, cg, r.pidpipe[0], err) < 0)
    goto out;
  while ((n = read(r.pidpipe[0], &forked, sizeof(forked))) < 0 && errno == EINTR)
    ;
  waitpid(joiner, NULL, 0);
  joiner = -1;
  /* the joiner's cgroup join, setns into the namespaces and fork */
  phases_mark(&ph, "join");
  if (n == (ssize_t)sizeof(forked) && forked > 0) {
    pid = (pid_t)forked;
    /* our own unreaped child (CLONE_PARENT): the pid cannot have been reused */
    if ((r.pidfd = veil_pidfd_open(pid)) < 0) {
      veil_fail(err, errno, "pidfd_open %d", (int)pid);
      goto out;
    }
  }
  if (wait_unfrozen(&r, cg, r.errpipe[0], err) < 0 ||
      read_exec_result(r.errpipe[0], pid, err) < 0) {
    pid = -1;
    goto out;
  }
  if (pid <= 0) {
    veil_fail(err, 0, "exec in container \"%s\": the process was not forked", id);
    goto out;
  }
  /* the process's set-up up to its execve */
  phases_mark(&ph, "exec");
  if (r.relay_sock >= 0 && (r.master = terminal_recv_fd(r.relay_sock, err)) < 0)
    goto out;
  if (r.pidfd_sock >= 0) {
    if (pidfd_socket_send(r.pidfd_sock, r.pidfd, PIDFD_SOCKET_EXEC, err) < 0)
      goto out;
    veil_closep(&r.pidfd_sock);
  }
  if (o->pid_file) {
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    if (veil_write_file_atomic(o->pid_file, buf, (size_t)n, 0644, err) < 0) {
      veil_error_prefix(err, "--pid-file");
      goto out;
    }
  }
  /* The process runs: the lock is for setup only, delete and kill must not wait for it. */
  veil_closep(&r.dirfd);
  if (o->detach) {
    pid = -1; /* left running, adopted by whoever reaps orphans */
    rc = 0;
    goto out;
  }
  r.sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  if (r.sfd < 0) {
    veil_fail(err, errno, "signalfd");
    goto out;
  }
  terminal_raw raw;
  if (r.master >= 0)
    terminal_make_raw(STDIN_FILENO, r.master, &raw);
  rc = wait_process(pid, r.pidfd, r.sfd, r.master, status, err);
  if (r.master >= 0)
    terminal_restore(&raw);
  if (rc == 0)
    pid = -1;
out:
  /* The init died while we looked at it (its /proc/PID/ns entries go first): say so rather than
   * which step noticed. */
  if (rc < 0 && pid <= 0 && r.init_pidfd >= 0 && (init_exited(r.init_pidfd) || ns_gone)) {
    veil_fail(err, 0, "cannot exec in container \"%s\": container is stopped", id);
  }
  if (joiner > 0) {
    kill(joiner, SIGKILL);
    waitpid(joiner, NULL, 0);
  }
  if (pid > 0) {
    /* set up but not reported: it must not run on unsupervised */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  if (blocked)
    sigprocmask(SIG_SETMASK, &old, NULL);
  exec_run_release(&r);
  return rc;
}

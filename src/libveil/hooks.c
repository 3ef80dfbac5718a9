#include "config.h"
#include "hooks.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define SAVED_CONFIG "config.json"

void hooks_phase_names(veil_name_fn fn, void *data)
{
  /* every member of config.hooks, each run where hooks.h says */
  static const char *const phases[] = {
      "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
  };

  for (size_t i = 0; i < ARRAY_SIZE(phases); i++)
    fn(phases[i], data);
}

char *hooks_state_json(const hook_state *s, veil_error *err)
{
  char *msg = NULL, *json;
  oci_state o = {
      .oci_version = (char *)OCI_SPEC_VERSION,
      .id = (char *)s->id,
      .status = (char *)s->status,
      .pid = s->pid,
      .has_pid = true,
      .bundle = (char *)s->bundle,
  };

  if (s->annotations)
    o.annotations = *s->annotations;
  json = oci_state_generate(&o, NULL, &msg);
  if (!json)
    veil_fail_take(err, 0, msg);
  return json;
}

/* The read end of a pipe that already holds the whole state and whose write end is closed: the
 * hook reads it to EOF or not at all, and we never block on a hook that does not read nor get
 * SIGPIPE from one that exits early. */
static int state_pipe(const char *json, size_t len, veil_error *err)
{
  int p[2];

  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
    return veil_fail(err, errno, "pipe for the hook's state");
  cleanup_close int rd = p[0], wr = p[1];
  int cap = fcntl(wr, F_GETPIPE_SZ);
  if (cap >= 0 && (size_t)cap < len && len <= INT_MAX)
    fcntl(wr, F_SETPIPE_SZ, (int)len); /* a short write below reports the failure */
  ssize_t n = write(wr, json, len);
  if (n < 0 || (size_t)n != len)
    return veil_fail(err, n < 0 ? errno : EFBIG, "write the state (%zu bytes) for the hook", len);
  /* the hook's stdin must block like any pipe: only our end was meant to be non-blocking */
  if (fcntl(rd, F_SETFL, 0) < 0)
    return veil_fail(err, errno, "pipe for the hook's state");
  /* the child's dup2 onto 0 must not be a no-op that keeps O_CLOEXEC (fd 0 may be closed) */
  if (rd < 3) {
    int fd = fcntl(rd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
      return veil_fail(err, errno, "pipe for the hook's state");
    close(rd);
    rd = fd;
  }
  return steal_fd(&rd);
}

/* argv and envp as execve wants them: NULL-terminated copies of the pointers. */
static char **strv_with_null(char *const *v, size_t n, const char *first_if_empty)
{
  char **out = calloc(n + 2, sizeof(*out));

  if (!out)
    return NULL;
  if (n == 0 && first_if_empty)
    out[0] = (char *)first_if_empty;
  for (size_t i = 0; i < n; i++)
    out[i] = v[i];
  return out;
}

static int reap(pid_t pid, int *status)
{
  while (waitpid(pid, status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  return 0;
}

/* The child's half: nothing of the runtime but stdout and stderr.  `run` blocks every signal to
 * forward them and the CLI may ignore some; the fds (sync socket, state dir, pty) are none of the
 * hook's business.  Its own process group lets a timeout kill what it started too.  Only
 * syscalls here: this is a raw clone3 child. */
__attribute__((noreturn)) static void exec_hook(const oci_hook *h, const char *cwd, int stdin_fd,
                                                int errfd, char **argv, char *const *envp)
{
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigset_t none;
  int e;

  for (int sig = 1; sig < NSIG; sig++)
    sigaction(sig, &dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP and glibc's own */
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  setpgid(0, 0);
  if (dup2(stdin_fd, STDIN_FILENO) < 0)
    goto fail;
  if (cwd && chdir(cwd) < 0) {
    e = -errno; /* negative: the parent names the directory, not the program */
    goto report;
  }
  /* close-on-exec rather than close: errfd must survive until execve to report its failure */
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(h->path, argv, envp);
fail:
  e = errno;
report:;
  ssize_t unused = write(errfd, &e, sizeof(e)); /* nothing more can be told if this fails */
  (void)unused;
  _exit(127);
}

/* Starts the hook; *pidfd lets the caller wait with a timeout.  An exec failure comes back
 * through a close-on-exec pipe: EOF means execve succeeded. */
static int spawn_hook(const oci_hook *h, const hook_state *s, int stdin_fd, pid_t *pid, int *pidfd,
                      veil_error *err)
{
  cleanup_free char **argv = strv_with_null(h->args, h->args_len, h->path);
  /* an empty env cannot be told from an absent one once parsed: both mean "not given" */
  cleanup_free char **own_env = h->env_len ? strv_with_null(h->env, h->env_len, NULL) : NULL;
  char *const *envp = h->env_len ? own_env : (s && s->env ? s->env : environ);
  const char *cwd = s ? s->cwd : NULL;
  cleanup_close int rd = -1, wr = -1;
  int p[2], e = 0;
  ssize_t n;

  if (!argv || !envp)
    return veil_fail(err, ENOMEM, "run %s", h->path);
  if (pipe2(p, O_CLOEXEC) < 0)
    return veil_fail(err, errno, "pipe");
  rd = p[0];
  wr = p[1];
  *pid = spawn_clone3(0, pidfd, -1);
  if (*pid < 0)
    return veil_fail(err, errno, "fork for %s", h->path);
  if (*pid == 0)
    exec_hook(h, cwd, stdin_fd, wr, argv, envp);
  close(steal_fd(&wr));
  while ((n = read(rd, &e, sizeof(e))) < 0 && errno == EINTR)
    ;
  if (n == sizeof(e)) {
    int status;
    reap(*pid, &status);
    close(*pidfd);
    *pidfd = -1;
    if (e < 0)
      return veil_fail(err, -e, "%s: enter %s", h->path, cwd);
    return veil_fail(err, e, "exec %s", h->path);
  }
  return 0;
}

static int64_t now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 with *status, or 1 when the timeout expired and the hook was killed and reaped. */
static int wait_hook(pid_t pid, int pidfd, const oci_hook *h, int *status, veil_error *err)
{
  int64_t deadline = now_ms() + (int64_t)h->timeout * 1000;
  bool expired = false;

  /* the pidfd turns "exited or the deadline passed" into one poll, whatever SIGCHLD is set to */
  while (h->has_timeout) {
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      expired = true;
      break;
    }
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
    if (r > 0)
      break;
    if (r < 0 && errno != EINTR)
      return veil_fail(err, errno, "wait for %s", h->path);
  }
  if (expired) {
    kill(-pid, SIGKILL);
    veil_pidfd_send_signal(pidfd, SIGKILL); /* in case the hook left its process group */
  }
  if (reap(pid, status) < 0)
    return veil_fail(err, errno, "wait for %s", h->path);
  return expired ? 1 : 0;
}

static int run_one(const oci_hook *h, const char *phase, size_t i, const char *json, size_t len,
                   const hook_state *s, veil_error *err)
{
  cleanup_close int rd = -1, pidfd = -1;
  pid_t pid = -1;
  int status = 0, r;

  rd = state_pipe(json, len, err);
  if (rd < 0 || spawn_hook(h, s, rd, &pid, &pidfd, err) < 0)
    return veil_error_prefix(err, "hooks.%s[%zu]", phase, i);
  close(steal_fd(&rd));
  r = wait_hook(pid, pidfd, h, &status, err);
  if (r < 0)
    return veil_error_prefix(err, "hooks.%s[%zu]", phase, i);
  if (r > 0)
    return veil_fail(err, 0, "hooks.%s[%zu]: %s timed out after %ds", phase, i, h->path,
                     h->timeout);
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return veil_fail(err, 0, "hooks.%s[%zu]: %s exited with status %d", phase, i, h->path,
                     WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return veil_fail(err, 0, "hooks.%s[%zu]: %s was killed by signal %d (%s)", phase, i, h->path,
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
  return 0;
}

int hooks_run(const oci_hook *hooks, size_t n, const char *phase, const char *state_json,
              const hook_state *s, veil_error *err)
{
  size_t len = strlen(state_json);

  for (size_t i = 0; i < n; i++) {
    if (run_one(&hooks[i], phase, i, state_json, len, s, err) < 0)
      return -1;
  }
  return 0;
}

int hooks_run_state(const oci_hook *hooks, size_t n, const char *phase, const hook_state *s,
                    veil_error *err)
{
  cleanup_free char *json = NULL;

  if (n == 0)
    return 0;
  json = hooks_state_json(s, err);
  if (!json)
    return veil_error_prefix(err, "hooks.%s: state", phase);
  return hooks_run(hooks, n, phase, json, s, err);
}

void hooks_run_warn(const oci_hook *hooks, size_t n, const char *phase, const hook_state *s)
{
  cleanup_free char *json = NULL;
  veil_error err = VEIL_ERROR_INIT;

  if (n == 0)
    return;
  json = hooks_state_json(s, &err);
  if (!json) {
    veil_warn("hooks.%s: state: %s", phase, err.msg);
    veil_error_clear(&err);
    return;
  }
  /* runtime.md: a failing poststop hook is a warning, and the remaining hooks still run */
  for (size_t i = 0; i < n; i++) {
    if (run_one(&hooks[i], phase, i, json, strlen(json), s, &err) < 0) {
      veil_warn("%s", err.msg);
      veil_error_clear(&err);
    }
  }
}

bool hooks_any(const oci_hooks *h)
{
  return h && (h->prestart_len || h->create_runtime_len || h->create_container_len ||
               h->start_container_len || h->poststart_len || h->poststop_len);
}

int hooks_save(int dirfd, const oci_config *cfg, veil_error *err)
{
  static const char tmp[] = SAVED_CONFIG ".tmp";
  char *msg = NULL;
  size_t len = 0;
  cleanup_free char *json = NULL;

  if (!hooks_any(cfg->hooks))
    return 0;
  json = oci_config_generate(cfg, &len, &msg);
  if (!json) {
    veil_fail_take(err, 0, msg);
    return veil_error_prefix(err, "save the config for the hooks");
  }
  /* 0600: the config may carry secrets in process.env, and ROOT/ID is 0711 */
  cleanup_close int fd =
      openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return veil_fail(err, errno, "create %s", tmp);
  if (veil_write_all(fd, json, len) < 0)
    return veil_fail(err, errno, "write %s", tmp);
  if (renameat(dirfd, tmp, dirfd, SAVED_CONFIG) < 0)
    return veil_fail(err, errno, "rename %s", tmp);
  return 0;
}

int hooks_load(int dirfd, oci_config **out, veil_error *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  char *msg = NULL;

  *out = NULL;
  if (veil_read_file_at(dirfd, SAVED_CONFIG, 64 << 20, &data, &len, err) < 0) {
    if (err->errnum != ENOENT)
      return -1;
    veil_error_clear(err); /* create saved none: the config has no hooks */
    return 0;
  }
  *out = oci_config_parse_data(data, len, &msg);
  if (!*out) {
    veil_fail_take(err, 0, msg);
    return veil_error_prefix(err, "the saved %s", SAVED_CONFIG);
  }
  return 0;
}

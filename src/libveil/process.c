#include "config.h"
#include "cpusched.h"
#include "log.h"
#include "process.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef HAVE_CAPS
#include <sys/capability.h>
#endif

static const struct {
  const char *name;
  int resource;
} rlimit_table[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int process_set_rlimits(const oci_process *p, veil_error *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    int res = -1;
    for (size_t k = 0; k < ARRAY_SIZE(rlimit_table); k++)
      if (r->type && !strcmp(rlimit_table[k].name, r->type))
        res = rlimit_table[k].resource;
    if (res < 0)
      return veil_fail(err, 0, "process.rlimits[%zu].type: unknown limit \"%s\"", i,
                       r->type ? r->type : "");
    if (r->soft > r->hard)
      return veil_fail(err, 0, "process.rlimits[%zu]: soft limit above the hard limit", i);
    struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(res, &rl) < 0) {
      if (errno == EPERM)
        return veil_fail(err, EPERM,
                         "process.rlimits[%zu]: set %s: raising a hard limit needs "
                         "CAP_SYS_RESOURCE, which this runtime lacks",
                         i, r->type);
      return veil_fail(err, errno, "process.rlimits[%zu]: set %s", i, r->type);
    }
  }
  return 0;
}

int process_set_oom_score_adj(const oci_process *p, pid_t pid, veil_error *err)
{
  char buf[16], path[64];
  int n;

  if (!p->has_oom_score_adj)
    return 0;
  n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
  if (pid > 0)
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
  else
    snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
  if (veil_write_file_at(AT_FDCWD, path, buf, (size_t)n, 0, err) < 0) {
    if (err->errnum == EACCES || err->errnum == EPERM)
      return veil_fail(err, err->errnum,
                       "process.oomScoreAdj: set %d: lowering it needs CAP_SYS_RESOURCE",
                       p->oom_score_adj);
    return veil_error_prefix(err, "process.oomScoreAdj");
  }
  return 0;
}

int process_make_cwd(const oci_process *p, veil_error *err)
{
  if (!p->cwd || p->cwd[0] != '/')
    return veil_fail(err, 0, "process.cwd: \"%s\" is not an absolute path", p->cwd ? p->cwd : "");
  if (veil_mkdir_p(p->cwd, 0755, err) < 0)
    return veil_error_prefix(err, "process.cwd");
  return 0;
}

#ifdef HAVE_CAPS
/* libcap also takes numbers and any case ("12", "cap_kill"); the spec's names are CAP_*. */
static int cap_lookup(const char *name, cap_value_t *v)
{
  if (!name || strncmp(name, "CAP_", 4) != 0 || !name[4])
    return -1;
  for (const char *s = name; *s; s++)
    if (islower((unsigned char)*s))
      return -1;
  return cap_from_name(name, v);
}

static bool cap_named(char **names, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (!strcmp(names[i], name))
      return true;
  return false;
}

/* What runc does with what it cannot apply: a warning here, in the runtime (whose warnings reach
 * the caller and its log), and the init leaves it out.  Nothing is refused. */
static int caps_check(const oci_capabilities *c, veil_error *err)
{
  const struct {
    const char *field;
    char **names;
    size_t n;
  } sets[] = {
      {"bounding", c->bounding, c->bounding_len},
      {"effective", c->effective, c->effective_len},
      {"inheritable", c->inheritable, c->inheritable_len},
      {"permitted", c->permitted, c->permitted_len},
      {"ambient", c->ambient, c->ambient_len},
  };

  for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
    for (size_t i = 0; i < sets[s].n; i++) {
      cap_value_t v;
      if (cap_lookup(sets[s].names[i], &v) < 0)
        veil_warn("process.capabilities.%s: unknown capability \"%s\", ignored", sets[s].field,
                  sets[s].names[i]);
      /* libcap knows it but this kernel does not: there is nothing to grant or drop, and
       * configs written for newer kernels must keep working (runc does the same) */
      else if (v > cap_max_bits() - 1)
        veil_warn("process.capabilities.%s: %s is not supported by this kernel, ignored",
                  sets[s].field, sets[s].names[i]);
    }
  /* The kernel raises an ambient capability only when it is permitted and inheritable: runc's
   * own `runc spec` lists ambient ones without inheritable, and runs them without */
  for (size_t i = 0; i < c->ambient_len; i++)
    if (!cap_named(c->inheritable, c->inheritable_len, c->ambient[i]) ||
        !cap_named(c->permitted, c->permitted_len, c->ambient[i]))
      veil_warn("process.capabilities.ambient: %s is not also permitted and inheritable, so it "
                "cannot be ambient: ignored",
                c->ambient[i]);
  (void)err;
  return 0;
}
#endif

/* This host has neither LSM; applying a label is not implemented, so a config that asks for
 * one is refused rather than run unconfined without a word. */
static bool lsm_enabled(const char *path, const char *want)
{
  char buf[8] = "";
  FILE *f = fopen(path, "re");

  if (!f)
    return false;
  if (!fgets(buf, sizeof(buf), f))
    buf[0] = '\0';
  fclose(f);
  return !want || !strncmp(buf, want, strlen(want));
}

#ifdef HAVE_CAPS
/* The kernel's newest capability; libcap's own probe when procfs does not say. */
static int kernel_cap_last(void)
{
  char buf[16] = "";
  cleanup_close int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  int last;

  if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && sscanf(buf, "%d", &last) == 1 && last >= 0)
    return last;
  return cap_max_bits() - 1;
}

bool process_cap_names(veil_name_fn fn, void *data)
{
  int last = kernel_cap_last();

  for (int v = 0; v <= last; v++) {
    char *lower = cap_to_name(v);
    char name[64];
    cap_value_t back;

    snprintf(name, sizeof(name), "%s", lower ? lower : "");
    cap_free(lower);
    for (char *s = name; *s; s++)
      *s = (char)toupper((unsigned char)*s);
    /* libcap prints a number for a capability it has no name for: no config can name it */
    if (cap_lookup(name, &back) == 0 && back == v)
      fn(name, data);
  }
  return true;
}
#else
bool process_cap_names(veil_name_fn fn, void *data)
{
  (void)fn;
  (void)data;
  return false;
}
#endif

/* The parser refuses (uid_t)-1 already; a process built in code (exec's flags) is checked
 * again here, since setresuid(-1) would quietly keep the runtime's root. */
static int user_ids_validate(const oci_user *u, veil_error *err)
{
  if (u->uid == (uint32_t)-1)
    return veil_fail(err, 0, "process.user.uid: 4294967295 is (uid_t)-1, not an id");
  if (u->gid == (uint32_t)-1)
    return veil_fail(err, 0, "process.user.gid: 4294967295 is (gid_t)-1, not an id");
  for (size_t i = 0; i < u->additional_gids_len; i++)
    if (u->additional_gids[i] == (uint32_t)-1)
      return veil_fail(err, 0,
                       "process.user.additionalGids[%zu]: 4294967295 is (gid_t)-1, not an id", i);
  return 0;
}

const char *process_env_problem(const char *kv)
{
  if (!strchr(kv, '='))
    return "is not KEY=VALUE";
  if (kv[0] == '=')
    return "has an empty variable name";
  return NULL;
}

int process_validate(const oci_process *p, veil_error *err)
{
  char shown[VEIL_PRINTABLE_SIZE];

  if (user_ids_validate(&p->user, err) < 0)
    return -1;

  for (size_t i = 0; i < p->env_len; i++) {
    const char *why = process_env_problem(p->env[i]);
    if (why)
      return veil_fail(err, 0, "process.env[%zu]: \"%s\" %s", i, veil_printable(p->env[i], shown),
                       why);
  }
#ifdef HAVE_CAPS
  if (p->capabilities && caps_check(p->capabilities, err) < 0)
    return -1;
#endif
  if (p->apparmor_profile && *p->apparmor_profile) {
    if (!lsm_enabled("/sys/module/apparmor/parameters/enabled", "Y"))
      return veil_fail(err, 0, "process.apparmorProfile: AppArmor is not enabled on this host");
    return veil_fail(err, 0,
                     "process.apparmorProfile: applying AppArmor profiles is not "
                     "implemented in veil");
  }
  if (p->selinux_label && *p->selinux_label) {
    if (!lsm_enabled("/sys/fs/selinux/enforce", NULL))
      return veil_fail(err, 0, "process.selinuxLabel: SELinux is not enabled on this host");
    return veil_fail(err, 0,
                     "process.selinuxLabel: applying SELinux labels is not "
                     "implemented in veil");
  }
  return sched_validate(p, err);
}

#ifdef HAVE_CAPS
/* The config's spelling (libcap prints "cap_kill"), for messages. */
static const char *cap_upper(cap_value_t v, char *buf, size_t size)
{
  char *name = cap_to_name(v);

  snprintf(buf, size, "%s", name ? name : "?");
  cap_free(name);
  for (char *s = buf; *s; s++)
    *s = (char)toupper((unsigned char)*s);
  return buf;
}

static size_t cap_list(char **names, size_t n, cap_value_t *out)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++) {
    cap_value_t v;
    /* unknown, or newer than this kernel: nothing to grant or drop (warned at create) */
    if (cap_lookup(names[i], &v) < 0 || v > cap_max_bits() - 1)
      continue;
    /* duplicates once: the caller's array holds each capability at most once */
    bool dup = false;
    for (size_t k = 0; k < found && !dup; k++)
      dup = out[k] == v;
    if (!dup && found < CAP_LAST_CAP + 64)
      out[found++] = v;
  }
  return found;
}

static int caps_bounding(const oci_capabilities *c, veil_error *err)
{
  cap_value_t keep[CAP_LAST_CAP + 64];
  char name[64];
  size_t n;

  n = cap_list(c->bounding, c->bounding_len, keep);
  for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++) {
    bool wanted = false;
    for (size_t i = 0; i < n && !wanted; i++)
      wanted = keep[i] == v;
    if (!wanted && prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
      return veil_fail(err, errno, "process.capabilities.bounding: drop %s",
                       cap_upper(v, name, sizeof(name)));
  }
  return 0;
}

static int caps_apply(const oci_capabilities *c, veil_error *err)
{
  cap_value_t vals[CAP_LAST_CAP + 64];
  char name[64];
  size_t n;
  cap_t caps = cap_init();
  int rc = -1;

  if (!caps)
    return veil_fail(err, errno, "cap_init");
  if ((n = cap_list(c->effective, c->effective_len, vals)) > 0 &&
      cap_set_flag(caps, CAP_EFFECTIVE, (int)n, vals, CAP_SET) < 0)
    goto out;
  if ((n = cap_list(c->permitted, c->permitted_len, vals)) > 0 &&
      cap_set_flag(caps, CAP_PERMITTED, (int)n, vals, CAP_SET) < 0)
    goto out;
  if ((n = cap_list(c->inheritable, c->inheritable_len, vals)) > 0 &&
      cap_set_flag(caps, CAP_INHERITABLE, (int)n, vals, CAP_SET) < 0)
    goto out;
  if (cap_set_proc(caps) < 0) {
    veil_fail(err, errno, "process.capabilities: set effective, permitted and inheritable");
    goto out;
  }
  n = cap_list(c->ambient, c->ambient_len, vals);
  for (size_t i = 0; i < n; i++) {
    /* EPERM: not permitted and inheritable both, which create warned about */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, vals[i], 0, 0) < 0 && errno != EPERM) {
      veil_fail(err, errno, "process.capabilities.ambient: raise %s",
                cap_upper(vals[i], name, sizeof(name)));
      goto out;
    }
  }
  rc = 0;
out:
  if (rc < 0 && !err->msg)
    veil_fail(err, errno, "process.capabilities");
  cap_free(caps);
  return rc;
}
#endif

/* A process of another user must be able to reopen its stdio (/dev/stdout is a link to
 * /proc/self/fd/1, screen and pinentry open their tty by name), but the pipes or fifos of the
 * client and the pty are root's, mode 0600/0620.  Like runc, hand them to the user, the group
 * kept: pipes and fifos (the client makes them for the container), and the pty we made; never a
 * device or a regular file. */
static int stdio_give_to(const oci_process *p, uid_t uid, veil_error *err)
{
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid == uid)
      continue;
    if (!S_ISFIFO(st.st_mode) && !(p->terminal && S_ISCHR(st.st_mode) && isatty(fd)))
      continue;
    /* EINVAL/EPERM: the owner is not mapped in our user namespace; EROFS: nothing to do */
    if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
      return veil_fail(err, errno, "process.user.uid: give stdio fd %d to uid %u", fd, uid);
  }
  return 0;
}

int process_set_identity(const oci_process *p, veil_error *err)
{
  const oci_user *u = &p->user;
#ifdef HAVE_CAPS
  /* no process.capabilities is no capability at all, not the runtime's full set (as runc) */
  static const oci_capabilities none;
  const oci_capabilities *caps = p->capabilities ? p->capabilities : &none;
#endif

  if (stdio_give_to(p, u->uid, err) < 0)
    return -1;

#ifdef HAVE_CAPS
  if (caps_bounding(caps, err) < 0)
    return -1;
#endif
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return veil_fail(err, errno, "prctl(PR_SET_KEEPCAPS)");
  /* each group once, as runc sets them */
  cleanup_free gid_t *groups = calloc(u->additional_gids_len + 1, sizeof(gid_t));
  size_t ngroups = 0;
  if (!groups)
    return veil_fail(err, ENOMEM, "process.user.additionalGids");
  for (size_t i = 0; i < u->additional_gids_len; i++) {
    size_t k = 0;
    while (k < ngroups && groups[k] != (gid_t)u->additional_gids[i])
      k++;
    if (k == ngroups)
      groups[ngroups++] = (gid_t)u->additional_gids[i];
  }
  if (setgroups(ngroups, groups) < 0) {
    /* setgroups is denied in some user namespaces; only an error when groups were asked for */
    if (u->additional_gids_len > 0 || errno != EPERM)
      return veil_fail(err, errno, "process.user.additionalGids: setgroups");
  }
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return veil_fail(err, errno, "process.user.gid: setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return veil_fail(err, errno, "process.user.uid: setuid %u", u->uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return veil_fail(err, errno, "prctl(PR_SET_KEEPCAPS)");
#ifdef HAVE_CAPS
  if (caps_apply(caps, err) < 0)
    return -1;
#endif
  umask(u->has_umask ? (mode_t)u->umask : 0022);
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return veil_fail(err, errno, "process.noNewPrivileges");
  return 0;
}

int process_enter_cwd(const oci_process *p, veil_error *err)
{
  char buf[4096];

  if (chdir(p->cwd) < 0)
    return veil_fail(err, errno, "process.cwd: chdir %s", p->cwd);
  /* A cwd outside the root shows up as "(unreachable)/..." (CVE-2024-21626). */
  if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
    return veil_fail(err, 0, "process.cwd: %s is outside the container", p->cwd);
  return 0;
}

int process_become_user_in_cwd(const oci_process *p, veil_error *err)
{
  /* runc's order: the working directory with the runtime's privileges first (a directory only
   * root may enter, below a 0700 parent), and only if that is refused, again as the user */
  bool entered = chdir(p->cwd) == 0;

  if (process_set_identity(p, err) < 0)
    return -1;
  if (entered) {
    char buf[4096];
    if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
      return veil_fail(err, 0, "process.cwd: %s is outside the container", p->cwd);
    return 0;
  }
  return process_enter_cwd(p, err);
}

static const char *env_path(const oci_process *p)
{
  for (size_t i = 0; i < p->env_len; i++)
    if (!strncmp(p->env[i], "PATH=", 5))
      return p->env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* strerror with a lower-case first letter, the form Go-based clients print. */
static int exec_fail(veil_error *err, int errnum, const char *arg)
{
  char why[128];

  snprintf(why, sizeof(why), "%s", strerror(errnum));
  why[0] = (char)tolower((unsigned char)why[0]);
  return veil_fail(err, 0, "exec \"%s\": %s", arg, why);
}

static int check_executable(const char *path)
{
  struct stat st;

  if (stat(path, &st) < 0)
    return errno;
  if (S_ISDIR(st.st_mode))
    return EISDIR;
  if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
    return EACCES;
  return 0;
}

int process_find_executable(const oci_process *p, char **path, veil_error *err)
{
  const char *arg;
  int first_err = ENOENT;

  if (!p->args || p->args_len == 0 || !p->args[0] || !*p->args[0])
    return veil_fail(err, 0, "process.args: must name a program to run");
  arg = p->args[0];
  if (strchr(arg, '/')) {
    int e = check_executable(arg);
    if (e)
      return exec_fail(err, e, arg);
    *path = strdup(arg);
    return *path ? 0 : veil_fail(err, ENOMEM, "exec");
  }
  cleanup_free char *dirs = strdup(env_path(p));
  char *save = NULL;
  if (!dirs)
    return veil_fail(err, ENOMEM, "exec");
  for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    cleanup_free char *cand = veil_strdup_printf("%s/%s", *d ? d : ".", arg);
    int e = cand ? check_executable(cand) : ENOMEM;
    if (e == 0) {
      *path = steal_pointer(&cand);
      return 0;
    }
    if (e != ENOENT && e != ENOTDIR && first_err == ENOENT)
      first_err = e;
  }
  if (first_err == ENOENT) {
    return veil_fail(err, 0, "exec \"%s\": executable file not found in $PATH", arg);
  }
  return exec_fail(err, first_err, arg);
}

char *process_home_env(const oci_process *p)
{
  FILE *f;
  char *line = NULL, *home = NULL;
  size_t cap = 0;

  /* an empty HOME counts as none, as with runc */
  for (size_t i = 0; i < p->env_len; i++)
    if (!strncmp(p->env[i], "HOME=", 5) && p->env[i][5])
      return NULL;
  /* the container's file, read directly: NSS would load the host's modules */
  f = fopen("/etc/passwd", "re");
  while (f && !home && getline(&line, &cap, f) > 0) {
    /* name:password:uid:gid:gecos:home:shell */
    char *field[6], *s = line, *end;
    size_t n = 0;
    line[strcspn(line, "\n")] = '\0';
    while (n < 6 && s) {
      field[n++] = s;
      if ((s = strchr(s, ':')))
        *s++ = '\0';
    }
    if (n < 6 || !field[2][0] || !field[5][0])
      continue;
    errno = 0;
    unsigned long uid = strtoul(field[2], &end, 10);
    if (!*end && !errno && uid == p->user.uid)
      home = veil_strdup_printf("HOME=%s", field[5]);
  }
  free(line);
  if (f)
    fclose(f);
  return home ? home : strdup("HOME=/");
}

/* Adds "KEY=VALUE" to envp: a key already there keeps its place and takes the new value, so
 * the last of duplicate keys wins, once (runc's environment, and glibc's getenv, read it so). */
static void env_put(char **envp, size_t *n, char *kv)
{
  size_t klen = strcspn(kv, "=");

  for (size_t i = 0; i < *n; i++)
    if (!strncmp(envp[i], kv, klen) && envp[i][klen] == '=') {
      envp[i] = kv;
      return;
    }
  envp[(*n)++] = kv;
}

int process_exec(const oci_process *p, const char *path, int listen_fds, const char *home,
                 veil_error *err)
{
  cleanup_free char **argv = calloc(p->args_len + 1, sizeof(char *));
  cleanup_free char **envp = calloc(p->env_len + 4, sizeof(char *));
  char fds_var[32], pid_var[32];
  size_t n = 0;

  if (!argv || !envp)
    return veil_fail(err, ENOMEM, "exec");
  memcpy(argv, p->args, p->args_len * sizeof(char *));
  for (size_t i = 0; i < p->env_len; i++) {
    /* socket activation: ours replace any the config carried, which would name other fds */
    if (listen_fds > 0 &&
        (!strncmp(p->env[i], "LISTEN_FDS=", 11) || !strncmp(p->env[i], "LISTEN_PID=", 11)))
      continue;
    env_put(envp, &n, p->env[i]);
  }
  if (listen_fds > 0) {
    /* the process that reads them is this one after execve: its pid in the container */
    snprintf(fds_var, sizeof(fds_var), "LISTEN_FDS=%d", listen_fds);
    snprintf(pid_var, sizeof(pid_var), "LISTEN_PID=%d", (int)getpid());
    envp[n++] = fds_var;
    envp[n++] = pid_var;
  }
  /* in place of an empty HOME= */
  if (home)
    env_put(envp, &n, (char *)home);
  execve(path, argv, envp);
  /* the file was found and executable: what failed is execve itself (a missing interpreter,
   * say), reported in runc's words, which clients and scripts match */
  char why[128];
  snprintf(why, sizeof(why), "%s", strerror(errno));
  why[0] = (char)tolower((unsigned char)why[0]);
  return veil_fail(err, 0, "exec %s: %s", p->args[0], why);
}

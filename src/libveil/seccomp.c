#include "config.h"
#include "seccomp-enosys.h"
#include "seccomp-filter.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifdef HAVE_SECCOMP

#include <linux/filter.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The opaque handle behind `void *filter`: libseccomp's context plus what the load needs. */
typedef struct veil_seccomp {
  scmp_filter_ctx ctx;
  bool notify;             /* a SCMP_ACT_NOTIFY rule was added: the load makes a listener */
  bool wait_killable;      /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (with notify only) */
  unsigned long raw_flags; /* the other flags, for loading without libseccomp */
  uint32_t *archs;         /* the tokens of linux.seccomp.architectures, in order */
  size_t n_archs;
  struct sock_filter *enosys; /* runs before libseccomp's program (seccomp-enosys.h) */
  size_t enosys_len;
} veil_seccomp;

static const struct {
  const char *name;
  uint32_t action; /* the errno (trace message) bits are added to it */
  bool takes_errno;
} action_table[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

static const struct {
  const char *name;
  enum scmp_compare op;
} op_table[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* The syscall argument registers seccomp sees: args[0] .. args[5]. */
#define MAX_ARG_INDEX 5

/* `where` is the object holding the fields ("linux.seccomp." or "linux.seccomp.syscalls[3]."),
 * action_key and errno_key their names in it, so errors point at the field to fix. */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret, const char *where,
                          const char *action_key, const char *errno_key, uint32_t *out,
                          veil_error *err)
{
  for (size_t i = 0; i < ARRAY_SIZE(action_table); i++) {
    if (strcmp(name, action_table[i].name))
      continue;
    if (!action_table[i].takes_errno) {
      /* the spec: an errno for an action that has none is an error, not ignored */
      if (has_errno)
        return veil_fail(err, 0, "%s%s: %s takes no errno", where, errno_key, name);
      *out = action_table[i].action;
      return 0;
    }
    if (!has_errno)
      errno_ret = EPERM;
    /* the kernel keeps 16 bits: a larger value would silently become another errno */
    if (errno_ret > 0xffff)
      return veil_fail(err, 0, "%s%s: %u is out of range (0-65535)", where, errno_key, errno_ret);
    *out = action_table[i].action | errno_ret;
    return 0;
  }
  return veil_fail(err, 0, "%s%s: unknown seccomp action \"%s\"", where, action_key, name);
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token; 0 when unknown. */
static uint32_t resolve_arch(const char *name)
{
  static const char prefix[] = "SCMP_ARCH_";
  char lower[32];
  size_t n;

  if (strncmp(name, prefix, sizeof(prefix) - 1))
    return 0;
  name += sizeof(prefix) - 1;
  n = strlen(name);
  if (n == 0 || n >= sizeof(lower))
    return 0;
  for (size_t i = 0; i <= n; i++)
    lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
  return seccomp_arch_resolve_name(lower);
}

static int add_architectures(veil_seccomp *f, const oci_seccomp *s, veil_error *err)
{
  if (s->architectures_len && !(f->archs = calloc(s->architectures_len, sizeof(*f->archs))))
    return veil_fail(err, ENOMEM, "linux.seccomp.architectures");
  for (size_t i = 0; i < s->architectures_len; i++) {
    const char *name = s->architectures[i] ? s->architectures[i] : "";
    uint32_t arch = resolve_arch(name);
    int rc;

    if (!arch)
      return veil_fail(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
                       name);
    /* the native architecture is always in a new filter: listing it again is fine */
    rc = seccomp_arch_add(f->ctx, arch);
    if (rc < 0 && rc != -EEXIST)
      return veil_fail(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i, name);
    f->archs[f->n_archs++] = arch;
  }
  return 0;
}

static const struct {
  const char *name;
  enum scmp_filter_attr attr; /* 0: not a libseccomp attribute */
  unsigned long flag;
} flag_table[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC, SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

static int set_flags(veil_seccomp *f, const oci_seccomp *s, veil_error *err)
{
  for (size_t i = 0; i < s->flags_len; i++) {
    const char *name = s->flags[i] ? s->flags[i] : "";
    size_t k;

    for (k = 0; k < ARRAY_SIZE(flag_table); k++)
      if (!strcmp(name, flag_table[k].name))
        break;
    if (k == ARRAY_SIZE(flag_table))
      return veil_fail(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, name);
    if (flag_table[k].flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
      /* libseccomp 2.5 has no attribute for it: seccomp_filter_load sets it itself */
      f->wait_killable = true;
      continue;
    }
    f->raw_flags |= flag_table[k].flag;
    int rc = seccomp_attr_set(f->ctx, flag_table[k].attr, 1);
    if (rc < 0)
      return veil_fail(err, -rc, "linux.seccomp.flags[%zu]: %s", i, name);
  }
  return 0;
}

/* The comparisons of one syscalls[] entry, checked once for all its names. */
static int build_args(const oci_seccomp_syscall *sc, size_t i, struct scmp_arg_cmp **out,
                      bool *repeated, veil_error *err)
{
  cleanup_free struct scmp_arg_cmp *cmp = NULL;
  unsigned seen = 0;

  *out = NULL;
  *repeated = false;
  if (sc->args_len == 0)
    return 0;
  cmp = calloc(sc->args_len, sizeof(*cmp));
  if (!cmp)
    return veil_fail(err, ENOMEM, "linux.seccomp.syscalls[%zu].args", i);
  for (size_t a = 0; a < sc->args_len; a++) {
    const oci_seccomp_arg *arg = &sc->args[a];
    size_t k;

    if (arg->index > MAX_ARG_INDEX)
      return veil_fail(err, 0,
                       "linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-%d)", i,
                       a, arg->index, MAX_ARG_INDEX);
    for (k = 0; k < ARRAY_SIZE(op_table); k++)
      if (arg->op && !strcmp(arg->op, op_table[k].name))
        break;
    if (k == ARRAY_SIZE(op_table))
      return veil_fail(err, 0,
                       "linux.seccomp.syscalls[%zu].args[%zu].op: unknown seccomp operator \"%s\"",
                       i, a, arg->op ? arg->op : "");
    if (seen & (1u << arg->index))
      *repeated = true;
    seen |= 1u << arg->index;
    /* SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo; the others ignore datum_b */
    cmp[a].arg = arg->index;
    cmp[a].op = op_table[k].op;
    cmp[a].datum_a = arg->value;
    cmp[a].datum_b = arg->value_two;
  }
  *out = steal_pointer(&cmp);
  return 0;
}

static int add_rule(veil_seccomp *f, uint32_t action, int nr, const oci_seccomp_syscall *sc,
                    const struct scmp_arg_cmp *cmp, bool repeated, const char *name, size_t i,
                    veil_error *err)
{
  int rc = 0;

  if (!repeated) {
    rc = seccomp_rule_add_array(f->ctx, action, nr, (unsigned)sc->args_len, cmp);
  } else {
    /* libseccomp refuses two comparisons of one argument in a rule (EINVAL); runc adds one
     * rule per comparison instead, and the profiles written for it count on that */
    for (size_t a = 0; a < sc->args_len && rc == 0; a++)
      rc = seccomp_rule_add_array(f->ctx, action, nr, 1, &cmp[a]);
  }
  if (rc < 0)
    return veil_fail(err, -rc, "linux.seccomp.syscalls[%zu]: add the rule for \"%s\"", i, name);
  return 0;
}

/* Syscalls the init makes once the filter is on: a notification would hand them to the agent,
 * which does not expect the runtime's own calls and may never answer them. */
static const struct {
  const char *name, *why;
} runtime_syscalls[] = {
    {"sendmsg", "veil hands the listener fd over with it"},
    {"write", "veil reports errors with it after the filter is loaded"},
};

static int check_notify_names(const oci_seccomp_syscall *sc, size_t i, veil_error *err)
{
  for (size_t n = 0; n < sc->names_len; n++)
    for (size_t k = 0; k < ARRAY_SIZE(runtime_syscalls); k++)
      if (sc->names[n] && !strcmp(sc->names[n], runtime_syscalls[k].name))
        return veil_fail(err, 0,
                         "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for %s (%s)",
                         i, runtime_syscalls[k].name, runtime_syscalls[k].why);
  return 0;
}

static int add_syscalls(veil_seccomp *f, const oci_seccomp *s, uint32_t default_action,
                        veil_error *err)
{
  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_seccomp_syscall *sc = &s->syscalls[i];
    cleanup_free struct scmp_arg_cmp *cmp = NULL;
    char where[64];
    uint32_t action;
    bool repeated;

    snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu].", i);
    if (resolve_action(sc->action ? sc->action : "", sc->has_errno_ret, sc->errno_ret, where,
                       "action", "errnoRet", &action, err) < 0)
      return -1;
    if (build_args(sc, i, &cmp, &repeated, err) < 0)
      return -1;
    if (action == SCMP_ACT_NOTIFY) {
      if (!s->listener_path || !*s->listener_path)
        return veil_fail(
            err, 0, "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY (syscalls[%zu])", i);
      if (check_notify_names(sc, i, err) < 0)
        return -1;
    }
    /* libseccomp refuses a rule that repeats the default action (EACCES): it is a no-op */
    if (action == default_action)
      continue;
    for (size_t n = 0; n < sc->names_len; n++) {
      const char *name = sc->names[n] ? sc->names[n] : "";
      int nr = seccomp_syscall_resolve_name(name);

      /* newer than libseccomp (or a typo): no process here can make that syscall by name */
      if (nr == __NR_SCMP_ERROR)
        continue;
      if (add_rule(f, action, nr, sc, cmp, repeated, name, i, err) < 0)
        return -1;
      if (action == SCMP_ACT_NOTIFY)
        f->notify = true;
    }
  }
  return 0;
}

void seccomp_filter_free(void *filter)
{
  veil_seccomp *f = filter;

  if (!f)
    return;
  if (f->ctx)
    seccomp_release(f->ctx);
  free(f->archs);
  free(f->enosys);
  free(f);
}

int seccomp_filter_build(const oci_seccomp *s, void **filter, veil_error *err)
{
  _cleanup_(seccomp_filter_freep) void *handle = NULL;
  veil_seccomp *f;
  uint32_t default_action;
  int rc;

  *filter = NULL;
  if (resolve_action(s->default_action ? s->default_action : "", s->has_default_errno_ret,
                     s->default_errno_ret, "linux.seccomp.", "defaultAction", "defaultErrnoRet",
                     &default_action, err) < 0)
    return -1;
  /* every syscall would wait for a listener that only gets its fd through a syscall */
  if (default_action == SCMP_ACT_NOTIFY)
    return veil_fail(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
  /* listenerMetadata without listenerPath: config-linux.md uses it only with a listener, and
   * runc runs such a config, so it is ignored */

  handle = f = calloc(1, sizeof(*f));
  if (!f)
    return veil_fail(err, ENOMEM, "linux.seccomp");
  f->ctx = seccomp_init(default_action);
  if (!f->ctx)
    return veil_fail(err, 0, "linux.seccomp.defaultAction: libseccomp refused %s",
                     s->default_action);
  /* no_new_privs is process.noNewPrivileges' to set, not a side effect of the filter; and
   * with raw return codes a failed load reports the kernel's errno, not ECANCELED */
  rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc == 0)
    rc = seccomp_attr_set(f->ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if (rc < 0)
    return veil_fail(err, -rc, "linux.seccomp: set up libseccomp");
  /* architectures first: a rule is added for the architectures the filter has by then */
  if (add_architectures(f, s, err) < 0 || set_flags(f, s, err) < 0 ||
      add_syscalls(f, s, default_action, err) < 0 ||
      seccomp_enosys_stub(s, f->archs, f->n_archs, default_action, &f->enosys, &f->enosys_len,
                          err) < 0)
    return -1;
  *filter = steal_pointer(&handle);
  return 0;
}

/* libseccomp < 2.6 cannot ask for SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, nor put the ENOSYS
 * stub first: export the program it generated and install it, after the stub, with seccomp(2)
 * and every flag the load would have used. */
static int load_raw(veil_seccomp *f, int *notify_fd, veil_error *err)
{
  cleanup_close int mfd = memfd_create("veil-seccomp-bpf", MFD_CLOEXEC);
  cleanup_free struct sock_filter *insns = NULL;
  size_t stub = f->enosys_len * sizeof(struct sock_filter);
  unsigned long flags = f->raw_flags;
  off_t size;
  size_t got = 0;
  int rc;

  if (f->notify)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  if (f->notify && f->wait_killable)
    flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  if (mfd < 0)
    return veil_fail(err, errno, "linux.seccomp: memfd for the filter program");
  rc = seccomp_export_bpf(f->ctx, mfd);
  if (rc < 0)
    return veil_fail(err, -rc, "linux.seccomp: export the filter program");
  size = lseek(mfd, 0, SEEK_END);
  if (size <= 0 || size % sizeof(struct sock_filter) ||
      (stub + (size_t)size) / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return veil_fail(err, E2BIG, "linux.seccomp: filter program of %lld bytes", (long long)size);
  insns = malloc(stub + (size_t)size);
  if (!insns)
    return veil_fail(err, ENOMEM, "linux.seccomp: filter program");
  if (stub)
    memcpy(insns, f->enosys, stub);
  while (got < (size_t)size) {
    ssize_t n = pread(mfd, (char *)insns + stub + got, (size_t)size - got, (off_t)got);
    if (n <= 0)
      return veil_fail(err, n < 0 ? errno : EIO, "linux.seccomp: read the filter program");
    got += (size_t)n;
  }
  /* the kernel refuses TSYNC with a listener unless it may fail with ESRCH instead */
  if (flags & SECCOMP_FILTER_FLAG_TSYNC)
    flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  struct sock_fprog prog = {
      .len = (unsigned short)((stub + (size_t)size) / sizeof(struct sock_filter)),
      .filter = insns,
  };
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (fd < 0)
    return veil_fail(err, errno, "linux.seccomp: load the filter");
  /* without a listener the kernel returns 0, not an fd */
  if (f->notify)
    *notify_fd = (int)fd;
  return 0;
}

int seccomp_filter_load(void *filter, int *notify_fd, veil_error *err)
{
  veil_seccomp *f = filter;
  int rc;

  *notify_fd = -1;
  if ((f->notify && f->wait_killable) || f->enosys_len)
    return load_raw(f, notify_fd, err);
  rc = seccomp_load(f->ctx);
  if (rc < 0)
    return veil_fail(err, -rc, "linux.seccomp: load the filter");
  if (f->notify) {
    rc = seccomp_notify_fd(f->ctx);
    if (rc < 0)
      return veil_fail(err, 0, "linux.seccomp: the filter has no listener fd");
    *notify_fd = rc;
  }
  return 0;
}

static bool filter_notifies(void *filter)
{
  return ((veil_seccomp *)filter)->notify;
}

/* Every architecture name config-linux.md lists; which of them work is libseccomp's to say. */
static const char *const spec_archs[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
};

/* What add_architectures will take: libseccomp must know the name and must be able to put
 * the architecture in a filter for this machine (it refuses one of the other byte order). */
static bool arch_usable(const char *name)
{
  uint32_t arch = resolve_arch(name);
  scmp_filter_ctx ctx;
  int rc;

  if (!arch || !(ctx = seccomp_init(SCMP_ACT_ALLOW)))
    return false;
  rc = seccomp_arch_add(ctx, arch);
  seccomp_release(ctx);
  return rc == 0 || rc == -EEXIST;
}

static bool action_available(uint32_t action)
{
  uint32_t a = action;

  if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
    return true;
  /* EINVAL: no SECCOMP_GET_ACTION_AVAIL, a kernel older than 4.14, the one that added
   * KILL_PROCESS and LOG (NOTIFY came in 5.0).  EOPNOTSUPP: this kernel lacks the action;
   * anything else (ENOSYS, EPERM): no seccomp for the processes veil starts either. */
  if (errno == EINVAL)
    return action != SCMP_ACT_KILL_PROCESS && action != SCMP_ACT_LOG && action != SCMP_ACT_NOTIFY;
  return false;
}

/* The kernel checks the flags before it reads the program: EFAULT for a NULL program means it
 * knows them, and nothing is loaded. */
static bool flag_available(unsigned long flag)
{
  /* the kernel takes WAIT_KILLABLE_RECV only with a listener, which is how veil uses it */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

bool seccomp_names(seccomp_name_list which, veil_name_fn fn, void *data)
{
  switch (which) {
  case SECCOMP_ACTIONS:
    for (size_t i = 0; i < ARRAY_SIZE(action_table); i++)
      if (action_available(action_table[i].action))
        fn(action_table[i].name, data);
    break;
  case SECCOMP_OPERATORS:
    for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
      fn(op_table[i].name, data);
    break;
  case SECCOMP_ARCHS:
    for (size_t i = 0; i < ARRAY_SIZE(spec_archs); i++)
      if (arch_usable(spec_archs[i]))
        fn(spec_archs[i], data);
    break;
  case SECCOMP_KNOWN_FLAGS:
  case SECCOMP_SUPPORTED_FLAGS:
    for (size_t i = 0; i < ARRAY_SIZE(flag_table); i++)
      if (which == SECCOMP_KNOWN_FLAGS || flag_available(flag_table[i].flag))
        fn(flag_table[i].name, data);
    break;
  }
  return true;
}

const char *seccomp_library_version(char *buf, size_t size)
{
  const struct scmp_version *v = seccomp_version();

  if (!v)
    return NULL;
  snprintf(buf, size, "%u.%u.%u", v->major, v->minor, v->micro);
  return buf;
}

#else /* !HAVE_SECCOMP */

#define NO_LIBSECCOMP "linux.seccomp: veil was built without libseccomp"

int seccomp_filter_build(const oci_seccomp *s, void **filter, veil_error *err)
{
  (void)s;
  *filter = NULL;
  return veil_fail(err, 0, NO_LIBSECCOMP);
}

int seccomp_filter_load(void *filter, int *notify_fd, veil_error *err)
{
  (void)filter;
  *notify_fd = -1;
  return veil_fail(err, 0, NO_LIBSECCOMP);
}

void seccomp_filter_free(void *filter)
{
  (void)filter;
}

static bool filter_notifies(void *filter)
{
  (void)filter;
  return false;
}

bool seccomp_names(seccomp_name_list which, veil_name_fn fn, void *data)
{
  (void)which;
  (void)fn;
  (void)data;
  return false;
}

const char *seccomp_library_version(char *buf, size_t size)
{
  (void)buf;
  (void)size;
  return NULL;
}

#endif /* HAVE_SECCOMP */

int seccomp_prepare(const oci_seccomp *s, void **filter, int *listener_sock, veil_error *err)
{
  *filter = NULL;
  *listener_sock = -1;
  if (!s)
    return 0;
  if (seccomp_filter_build(s, filter, err) < 0)
    return veil_error_prefix(err, "config.json");
  /* the spec: listenerPath is ignored unless a rule notifies */
  if (!filter_notifies(*filter))
    return 0;
  *listener_sock = seccomp_listener_connect(s->listener_path, err);
  if (*listener_sock < 0) {
    seccomp_filter_free(*filter);
    *filter = NULL;
    return -1;
  }
  return 0;
}

int seccomp_listener_connect(const char *path, veil_error *err)
{
  struct sockaddr_un addr;
  cleanup_close int fd = -1;

  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (!path || !*path)
    return veil_fail(err, 0, "linux.seccomp.listenerPath: empty");
  if (strlen(path) >= sizeof(addr.sun_path))
    return veil_fail(err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s", path);
  memcpy(addr.sun_path, path, strlen(path) + 1);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return veil_fail(err, errno, "linux.seccomp.listenerPath: socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return veil_fail(err, errno, "linux.seccomp.listenerPath: connect %s", path);
  return steal_fd(&fd);
}

int seccomp_listener_send(int sock, int notify_fd, const char *json, veil_error *err)
{
  size_t len = strlen(json), off = 0;

  /* A stream socket may take part of the payload; the rest follows without the fd, which the
   * spec allows.  sendmsg only: it is the one syscall a SCMP_ACT_NOTIFY rule may not catch.
   * A listener that went away is an error to report, not a SIGPIPE. */
  while (off < len) {
    ssize_t n = veil_sendmsg_fd(sock, json + off, len - off, off == 0 ? notify_fd : -1);
    if (n <= 0)
      return veil_fail(err, n < 0 ? errno : EIO, "linux.seccomp.listenerPath: send the seccomp fd");
    off += (size_t)n;
  }
  return 0;
}

int seccomp_send_listener(const char *path, int notify_fd, const char *json, veil_error *err)
{
  cleanup_close int sock = seccomp_listener_connect(path, err);

  if (sock < 0)
    return -1;
  return seccomp_listener_send(sock, notify_fd, json, err);
}

char *seccomp_process_state_json(const oci_seccomp *s, pid_t process_pid, const oci_state *st,
                                 veil_error *err)
{
  oci_json_writer *w = oci_json_writer_new(false);
  char *json;

  if (!w) {
    veil_fail(err, ENOMEM, "linux.seccomp: container process state");
    return NULL;
  }
  oci_json_map_open(w);
  oci_json_key(w, "ociVersion");
  oci_json_string(w, OCI_SPEC_VERSION);
  /* names of the SCM_RIGHTS fds, in their order */
  oci_json_key(w, "fds");
  oci_json_array_open(w);
  oci_json_string(w, "seccompFd");
  oci_json_array_close(w);
  oci_json_key(w, "pid");
  oci_json_int(w, process_pid);
  if (s && s->listener_metadata) {
    oci_json_key(w, "metadata");
    oci_json_string(w, s->listener_metadata);
  }
  oci_json_key(w, "state");
  oci_json_map_open(w);
  oci_json_key(w, "ociVersion");
  oci_json_string(w, st->oci_version ? st->oci_version : OCI_SPEC_VERSION);
  oci_json_key(w, "id");
  oci_json_string(w, st->id);
  oci_json_key(w, "status");
  oci_json_string(w, st->status);
  if (st->has_pid) {
    oci_json_key(w, "pid");
    oci_json_int(w, st->pid);
  }
  oci_json_key(w, "bundle");
  oci_json_string(w, st->bundle);
  if (st->annotations.len) {
    oci_json_key(w, "annotations");
    oci_json_map_open(w);
    for (size_t i = 0; i < st->annotations.len; i++) {
      oci_json_key(w, st->annotations.keys[i]);
      oci_json_string(w, st->annotations.values[i]);
    }
    oci_json_map_close(w);
  }
  oci_json_map_close(w);
  oci_json_map_close(w);
  json = oci_json_writer_finish(w, NULL);
  if (!json)
    veil_fail(err, ENOMEM, "linux.seccomp: container process state");
  return json;
}

int seccomp_load_and_notify(void *filter, int *sock, const oci_seccomp *s, pid_t process_pid,
                            const oci_state *st, veil_error *err)
{
  cleanup_free char *json = NULL;
  int notify_fd = -1, rc = 0;

  if (*sock >= 0 && !(json = seccomp_process_state_json(s, process_pid, st, err)))
    return -1;
  if (seccomp_filter_load(filter, &notify_fd, err) < 0)
    return -1;
  if (notify_fd >= 0) {
    rc = json ? seccomp_listener_send(*sock, notify_fd, json, err)
              : veil_fail(err, 0, "linux.seccomp: no listener for SCMP_ACT_NOTIFY");
    /* the container must not keep its own listener */
    close(notify_fd);
  }
  if (*sock >= 0)
    close(*sock);
  *sock = -1;
  return rc;
}

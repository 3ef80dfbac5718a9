/* libocispec: the process object (config.process and `exec --process`). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const rlimit_types[] = {
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK",
    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
    "RLIMIT_RTPRIO",
    "RLIMIT_RTTIME",
    "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",
    NULL,
};

static const char *const sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const ioprio_classes[] = {
    "IOPRIO_CLASS_RT",
    "IOPRIO_CLASS_BE",
    "IOPRIO_CLASS_IDLE",
    NULL,
};

static int parse_console_size(pctx *c, const jnode *o, const jpath *p, oci_console_size *cs)
{
  if (jget_u32(c, o, p, "height", REQ, &cs->height, NULL) < 0 ||
      jget_u32(c, o, p, "width", REQ, &cs->width, NULL) < 0)
    return -1;
  return 0;
}

static int parse_user(pctx *c, const jnode *o, const jpath *p, oci_user *u)
{
  if (jget_id(c, o, p, "uid", OPT, &u->uid) < 0 || jget_id(c, o, p, "gid", OPT, &u->gid) < 0 ||
      jget_u32(c, o, p, "umask", OPT, &u->umask, &u->has_umask) < 0 ||
      jget_idv(c, o, p, "additionalGids", OPT, &u->additional_gids, &u->additional_gids_len) < 0 ||
      jget_str(c, o, p, "username", OPT, &u->username) < 0)
    return -1;
  return 0;
}

static int parse_capabilities(pctx *c, const jnode *o, const jpath *p, oci_capabilities *cap)
{
  if (jget_strv(c, o, p, "bounding", OPT, &cap->bounding, &cap->bounding_len) < 0 ||
      jget_strv(c, o, p, "effective", OPT, &cap->effective, &cap->effective_len) < 0 ||
      jget_strv(c, o, p, "inheritable", OPT, &cap->inheritable, &cap->inheritable_len) < 0 ||
      jget_strv(c, o, p, "permitted", OPT, &cap->permitted, &cap->permitted_len) < 0 ||
      jget_strv(c, o, p, "ambient", OPT, &cap->ambient, &cap->ambient_len) < 0)
    return -1;
  return 0;
}

static int parse_rlimit(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_rlimit *r = out;
  jpath tp = jp_key(p, "type", 4);
  if (jget_str(c, o, p, "type", REQ, &r->type) < 0)
    return -1;
  if (!str_in(r->type, rlimit_types))
    return perr(c, &tp, "unknown rlimit \"%.40s\"", r->type);
  if (jget_u64(c, o, p, "soft", REQ, &r->soft, NULL) < 0 ||
      jget_u64(c, o, p, "hard", REQ, &r->hard, NULL) < 0)
    return -1;
  return 0;
}

static int parse_scheduler(pctx *c, const jnode *o, const jpath *p, oci_scheduler *s)
{
  jpath pp = jp_key(p, "policy", 6);
  if (jget_str(c, o, p, "policy", REQ, &s->policy) < 0)
    return -1;
  if (!str_in(s->policy, sched_policies))
    return perr(c, &pp, "unknown scheduler policy \"%.40s\"", s->policy);
  if (jget_i32(c, o, p, "nice", OPT, &s->nice, &s->has_nice) < 0 ||
      jget_i32(c, o, p, "priority", OPT, &s->priority, &s->has_priority) < 0 ||
      jget_strv(c, o, p, "flags", OPT, &s->flags, &s->flags_len) < 0 ||
      jget_u64(c, o, p, "runtime", OPT, &s->runtime, &s->has_runtime) < 0 ||
      jget_u64(c, o, p, "deadline", OPT, &s->deadline, &s->has_deadline) < 0 ||
      jget_u64(c, o, p, "period", OPT, &s->period, &s->has_period) < 0)
    return -1;
  return 0;
}

static int parse_io_priority(pctx *c, const jnode *o, const jpath *p, oci_io_priority *io)
{
  jpath cp = jp_key(p, "class", 5);
  if (jget_str(c, o, p, "class", REQ, &io->class) < 0)
    return -1;
  if (!str_in(io->class, ioprio_classes))
    return perr(c, &cp, "unknown I/O priority class \"%.40s\"", io->class);
  if (jget_i32(c, o, p, "priority", OPT, &io->priority, &io->has_priority) < 0)
    return -1;
  return 0;
}

static int parse_cpu_affinity(pctx *c, const jnode *o, const jpath *p, oci_exec_cpu_affinity *a)
{
  if (jget_str(c, o, p, "initial", OPT, &a->initial) < 0 ||
      jget_str(c, o, p, "final", OPT, &a->final) < 0)
    return -1;
  return 0;
}

int parse_process(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_process *pr = out;
  if (jget_bool(c, o, p, "terminal", OPT, &pr->terminal, NULL) < 0)
    return -1;
  JSUBOBJ(c, o, p, "consoleSize", OPT, pr->console_size, parse_console_size);

  const jnode *u;
  jpath up;
  if (jget_obj(c, o, p, "user", OPT, &u, &up) < 0)
    return -1;
  if (u != NULL && parse_user(c, u, &up, &pr->user) < 0)
    return -1;

  jpath ap = jp_key(p, "args", 4);
  if (jget_strv(c, o, p, "args", REQ, &pr->args, &pr->args_len) < 0)
    return -1;
  if (pr->args_len == 0)
    return perr(c, &ap, "must contain at least one entry");
  if (jget_str(c, o, p, "commandLine", OPT, &pr->command_line) < 0 ||
      jget_strv(c, o, p, "env", OPT, &pr->env, &pr->env_len) < 0)
    return -1;
  pr->env_present = pr->env != NULL;

  jpath cp = jp_key(p, "cwd", 3);
  if (jget_str(c, o, p, "cwd", REQ, &pr->cwd) < 0)
    return -1;
  if (pr->cwd[0] != '/')
    return perr(c, &cp, "must be an absolute path, got \"%.40s\"", pr->cwd);

  JSUBOBJ(c, o, p, "capabilities", OPT, pr->capabilities, parse_capabilities);
  JOBJARR(c, o, p, "rlimits", OPT, pr->rlimits, parse_rlimit, oci_rlimit_clear);
  for (size_t i = 1; i < pr->rlimits_len; i++) {
    for (size_t j = 0; j < i; j++) {
      if (strcmp(pr->rlimits[i].type, pr->rlimits[j].type) == 0) {
        jpath rp = jp_key(p, "rlimits", 7);
        jpath ip = jp_index(&rp, i);
        jpath tp = jp_key(&ip, "type", 4);
        return perr(c, &tp, "duplicate rlimit \"%s\"", pr->rlimits[i].type);
      }
    }
  }
  if (jget_bool(c, o, p, "noNewPrivileges", OPT, &pr->no_new_privileges, NULL) < 0 ||
      jget_str(c, o, p, "apparmorProfile", OPT, &pr->apparmor_profile) < 0 ||
      jget_int(c, o, p, "oomScoreAdj", OPT, &pr->oom_score_adj, &pr->has_oom_score_adj) < 0)
    return -1;
  JSUBOBJ(c, o, p, "scheduler", OPT, pr->scheduler, parse_scheduler);
  if (jget_str(c, o, p, "selinuxLabel", OPT, &pr->selinux_label) < 0)
    return -1;
  JSUBOBJ(c, o, p, "ioPriority", OPT, pr->io_priority, parse_io_priority);
  JSUBOBJ(c, o, p, "execCPUAffinity", OPT, pr->exec_cpu_affinity, parse_cpu_affinity);
  return 0;
}

/* ---------------------------------------------------------------------- */

static void gen_user(gctx *g, const oci_user *u)
{
  g_key(g, "user");
  g_map_open(g);
  g_u64(g, "uid", u->uid);
  g_u64(g, "gid", u->gid);
  if (u->has_umask)
    g_u64(g, "umask", u->umask);
  if (u->additional_gids != NULL) {
    g_key(g, "additionalGids");
    g_array_open(g);
    for (size_t i = 0; i < u->additional_gids_len; i++)
      g_uint(g, u->additional_gids[i]);
    g_array_close(g);
  }
  g_str(g, "username", u->username);
  g_map_close(g);
}

static void gen_capabilities(gctx *g, const oci_capabilities *cap)
{
  g_key(g, "capabilities");
  g_map_open(g);
  g_strv(g, "bounding", cap->bounding, cap->bounding_len);
  g_strv(g, "effective", cap->effective, cap->effective_len);
  g_strv(g, "inheritable", cap->inheritable, cap->inheritable_len);
  g_strv(g, "permitted", cap->permitted, cap->permitted_len);
  g_strv(g, "ambient", cap->ambient, cap->ambient_len);
  g_map_close(g);
}

static void gen_scheduler(gctx *g, const oci_scheduler *s)
{
  g_key(g, "scheduler");
  g_map_open(g);
  g_str(g, "policy", s->policy);
  if (s->has_nice)
    g_i64(g, "nice", s->nice);
  if (s->has_priority)
    g_i64(g, "priority", s->priority);
  g_strv(g, "flags", s->flags, s->flags_len);
  if (s->has_runtime)
    g_u64(g, "runtime", s->runtime);
  if (s->has_deadline)
    g_u64(g, "deadline", s->deadline);
  if (s->has_period)
    g_u64(g, "period", s->period);
  g_map_close(g);
}

void gen_process(gctx *g, const oci_process *pr)
{
  g_map_open(g);
  if (pr->terminal)
    g_bool(g, "terminal", true);
  if (pr->console_size != NULL) {
    g_key(g, "consoleSize");
    g_map_open(g);
    g_u64(g, "height", pr->console_size->height);
    g_u64(g, "width", pr->console_size->width);
    g_map_close(g);
  }
  gen_user(g, &pr->user);
  g_strv(g, "args", pr->args, pr->args_len);
  g_str(g, "commandLine", pr->command_line);
  if (pr->env != NULL || pr->env_present) {
    static char *const none[1] = {NULL};
    g_strv(g, "env", pr->env != NULL ? pr->env : none, pr->env != NULL ? pr->env_len : 0);
  }
  g_str(g, "cwd", pr->cwd);
  if (pr->capabilities != NULL)
    gen_capabilities(g, pr->capabilities);
  if (pr->rlimits != NULL) {
    g_key(g, "rlimits");
    g_array_open(g);
    for (size_t i = 0; i < pr->rlimits_len; i++) {
      const oci_rlimit *r = &pr->rlimits[i];
      g_map_open(g);
      g_str(g, "type", r->type);
      g_u64(g, "hard", r->hard);
      g_u64(g, "soft", r->soft);
      g_map_close(g);
    }
    g_array_close(g);
  }
  if (pr->no_new_privileges)
    g_bool(g, "noNewPrivileges", true);
  g_str(g, "apparmorProfile", pr->apparmor_profile);
  if (pr->has_oom_score_adj)
    g_i64(g, "oomScoreAdj", pr->oom_score_adj);
  if (pr->scheduler != NULL)
    gen_scheduler(g, pr->scheduler);
  g_str(g, "selinuxLabel", pr->selinux_label);
  if (pr->io_priority != NULL) {
    g_key(g, "ioPriority");
    g_map_open(g);
    g_str(g, "class", pr->io_priority->class);
    if (pr->io_priority->has_priority)
      g_i64(g, "priority", pr->io_priority->priority);
    g_map_close(g);
  }
  if (pr->exec_cpu_affinity != NULL) {
    g_key(g, "execCPUAffinity");
    g_map_open(g);
    g_str(g, "initial", pr->exec_cpu_affinity->initial);
    g_str(g, "final", pr->exec_cpu_affinity->final);
    g_map_close(g);
  }
  g_map_close(g);
}

/* ---------------------------------------------------------------------- */
/* Public API */

static void process_clear_v(void *e)
{
  oci_process_clear(e);
}

oci_process *oci_process_parse_data(const char *json, size_t len, char **err)
{
  return parse_doc(json, len, true, err, sizeof(oci_process), parse_process, process_clear_v);
}

oci_process *oci_process_parse_file(const char *path, char **err)
{
  return parse_doc_file(path, true, err, sizeof(oci_process), parse_process, process_clear_v);
}

char *oci_process_generate(const oci_process *p, size_t *len, char **err)
{
  gctx g;
  if (gctx_begin(&g, p, "process", err) < 0)
    return NULL;
  gen_process(&g, p);
  return gctx_finish(&g, len, err);
}

void oci_process_free(oci_process *p)
{
  if (p == NULL)
    return;
  oci_process_clear(p);
  free(p);
}

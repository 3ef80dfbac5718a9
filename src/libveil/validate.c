#include "config.h"
#include "validate.h"
#include "cgroup-resources.h"
#include "cgroup.h"
#include "config-load.h"
#include "idmap.h"
#include "log.h"
#include "mempolicy.h"
#include "mounts.h"
#include "phase.h"
#include "process.h"
#include "seccomp-filter.h"
#include "sysctl.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct vctx {
  const char *bundle;
  const veil_create_opts *o; /* NULL: veil check, which has no create flags to judge */
  oci_config *cfg;
  char *rootfs; /* NULL when root.path is wrong */
  ns_plan *ns;
  bool ns_ok;
  void *filter;
  int sock;
  veil_problems *all; /* NULL: stop at the first problem (create) */
  veil_error *err;
} vctx;

/* The problem now in v->err: kept (check) or the end (create).  0 to go on, -1 to stop. */
static int problem(vctx *v)
{
  if (!v->all)
    return -1;
  char **n = realloc(v->all->msgs, (v->all->n + 1) * sizeof(char *));
  if (!n)
    return -1;
  v->all->msgs = n;
  n[v->all->n++] = steal_pointer(&v->err->msg);
  veil_error_clear(v->err);
  return 0;
}

#define CHECK(v, call)                                                                             \
  do {                                                                                             \
    if ((call) < 0 && problem(v) < 0)                                                              \
      return -1;                                                                                   \
  } while (0)

void veil_problems_clear(veil_problems *p)
{
  for (size_t i = 0; i < p->n; i++)
    free(p->msgs[i]);
  free(p->msgs);
  p->msgs = NULL;
  p->n = 0;
}

static int resolve_rootfs(const char *bundle, const oci_config *cfg, char **out, veil_error *err)
{
  cleanup_free char *joined = NULL;
  char real[PATH_MAX];
  struct stat st;

  if (!cfg->root || !cfg->root->path || !*cfg->root->path)
    return veil_fail(err, 0, "config.json: root.path: required field missing");
  if (cfg->root->path[0] == '/')
    joined = strdup(cfg->root->path);
  else
    joined = veil_strdup_printf("%s/%s", bundle, cfg->root->path);
  if (!joined)
    return veil_fail(err, ENOMEM, "root.path");
  if (!realpath(joined, real))
    return veil_fail(err, errno, "root.path: %s", joined);
  if (stat(real, &st) < 0)
    return veil_fail(err, errno, "root.path: %s", real);
  if (!S_ISDIR(st.st_mode))
    return veil_fail(err, ENOTDIR, "root.path: %s", real);
  if (!strcmp(real, "/"))
    return veil_fail(err, 0, "root.path: the host's / cannot be a container's rootfs");
  *out = strdup(real);
  return *out ? 0 : veil_fail(err, ENOMEM, "root.path");
}

/* The container's rootfs and mounts are made in a joined mount namespace and stay there: in
 * the runtime's own (the host's) they would be left on the host. */
static int refuse_own_mount_ns(const ns_plan *ns, veil_error *err)
{
  struct stat mine, theirs;

  for (size_t i = 0; i < ns->n_join; i++) {
    /* fd -1: check's stand-in plan after the path failed, which is reported already */
    if (ns->join[i].flag != CLONE_NEWNS || ns->join[i].fd < 0)
      continue;
    if (stat("/proc/self/ns/mnt", &mine) < 0 || fstat(ns->join[i].fd, &theirs) < 0)
      return veil_fail(err, errno, "linux.namespaces: mount: compare %s", ns->join[i].path);
    if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
      return veil_fail(err, 0,
                       "config.json: linux.namespaces: mount: %s is the runtime's own mount "
                       "namespace: the container's mounts would be left on the host",
                       ns->join[i].path);
  }
  return 0;
}

/* Without a mount namespace the container is in the runtime's (the host's) and is only
 * chrooted into its rootfs.  What would have to be mounted there is refused: runc mounts it on
 * the host and leaves it there after delete. */
static int validate_host_mount_ns(const oci_config *cfg, const ns_plan *ns, veil_error *err)
{
  const oci_linux *l = cfg->linux;
  const char *why = "needs a mount namespace (linux.namespaces has no \"mount\"): without one it "
                    "would be mounted on the host and left there";

  if (cfg->mounts_len > 0)
    return veil_fail(err, 0, "config.json: mounts[0]: mounting \"%s\" %s",
                     cfg->mounts[0].destination ? cfg->mounts[0].destination : "", why);
  if (l && l->masked_paths_len > 0)
    return veil_fail(err, 0, "config.json: linux.maskedPaths: %s", why);
  if (l && l->readonly_paths_len > 0)
    return veil_fail(err, 0, "config.json: linux.readonlyPaths: %s", why);
  if (cfg->root && cfg->root->readonly)
    return veil_fail(err, 0, "config.json: root.readonly: %s", why);
  if (l && l->rootfs_propagation && *l->rootfs_propagation)
    return veil_fail(err, 0, "config.json: linux.rootfsPropagation: %s", why);
  if (l && l->sysctl.len > 0)
    return veil_fail(err, 0,
                     "config.json: linux.sysctl: needs a mount namespace (linux.namespaces has "
                     "no \"mount\"): it is written through the container's own /proc");
  if (ns_plan_new(ns, CLONE_NEWUSER) || ns_plan_joins(ns, CLONE_NEWUSER))
    return veil_fail(err, 0,
                     "config.json: linux.namespaces: a user namespace needs a mount namespace "
                     "too: its device nodes are bind mounts");
  return 0;
}

static int check_process(vctx *v)
{
  const oci_process *p = v->cfg->process;

  if (!p) {
    veil_fail(v->err, 0, "config.json: process: required to create a container");
    return problem(v);
  }
  if (!p->args || p->args_len == 0 || !p->args[0] || !*p->args[0])
    CHECK(v, veil_fail(v->err, 0, "config.json: process.args: must name a program to run"));
  if (!p->cwd || p->cwd[0] != '/')
    CHECK(v, veil_fail(v->err, 0, "config.json: process.cwd: \"%s\" is not an absolute path",
                       p->cwd ? p->cwd : ""));
  return 0;
}

/* What depends on which namespaces the container gets. */
static int check_namespaced(vctx *v)
{
  const oci_config *cfg = v->cfg;
  const ns_plan *ns = v->ns;

  if (!ns_plan_new(ns, CLONE_NEWNS) && !ns_plan_joins(ns, CLONE_NEWNS))
    CHECK(v, validate_host_mount_ns(cfg, ns, v->err));
  CHECK(v, refuse_own_mount_ns(ns, v->err));
  /* as runc: a uts namespace of the container's own, new or joined, takes the names */
  bool uts = ns_plan_new(ns, CLONE_NEWUTS) || ns_plan_joins(ns, CLONE_NEWUTS);
  if (cfg->hostname && *cfg->hostname && !uts)
    CHECK(v, veil_fail(v->err, 0, "config.json: hostname: setting it needs a uts namespace"));
  if (cfg->domainname && *cfg->domainname && !uts)
    CHECK(v, veil_fail(v->err, 0, "config.json: domainname: setting it needs a uts namespace"));
  for (size_t i = 0; cfg->linux && i < cfg->linux->sysctl.len; i++)
    if (sysctl_validate_key(cfg->linux->sysctl.keys[i], ns, v->err) < 0)
      CHECK(v, veil_error_prefix(v->err, "config.json"));
  return 0;
}

/* The create flags: veil check has none, and judges the bundle alone. */
static int check_flags(vctx *v)
{
  const veil_create_opts *o = v->o;

  if (!o)
    return 0;
  if (v->cfg->process && v->cfg->process->terminal && !o->console_socket && !o->relay_terminal)
    CHECK(v, veil_fail(v->err, 0,
                       "config.json: process.terminal: a terminal needs --console-socket "
                       "(or set process.terminal to false)"));
  /* The fds to pass must be the caller's.  Those veil opened itself carry FD_CLOEXEC: one of
   * them (the --log file) at a number the caller left free must not leak into the container. */
  for (int fd = 3; fd < 3 + o->listen_fds + o->preserve_fds; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || (fl & FD_CLOEXEC))
      CHECK(v, veil_fail(v->err, 0, "%s: fd %d is not open",
                         fd < 3 + o->listen_fds ? "LISTEN_FDS" : "--preserve-fds", fd));
  }
  return 0;
}

static int check_linux(vctx *v)
{
  const oci_config *cfg = v->cfg;

  if (cfg->linux && cfg->linux->intel_rdt)
    CHECK(v, veil_fail(v->err, 0,
                       "config.json: linux.intelRdt: Intel RDT (resctrl) is not supported "
                       "by veil"));
  if (cfg->process && process_validate(cfg->process, v->err) < 0)
    CHECK(v, veil_error_prefix(v->err, "config.json"));
  if (mempolicy_validate(cfg->linux, v->err) < 0)
    CHECK(v, veil_error_prefix(v->err, "config.json"));
  return 0;
}

/* runtime.md: startContainer hooks resolve in the container, the others in the runtime's
 * namespace.  Failures of poststop are warnings, so is a missing one; a startContainer hook
 * may come from a mount, so its absence from the rootfs is only a warning too. */
static int check_hook(vctx *v, const oci_hook *h, const char *phase, size_t i)
{
  bool in_container = !strcmp(phase, "startContainer");
  cleanup_free char *where = NULL;

  if (!h->path || h->path[0] != '/')
    return veil_fail(v->err, 0, "config.json: hooks.%s[%zu].path: \"%s\" is not an absolute path",
                     phase, i, h->path ? h->path : "");
  if (in_container && !v->rootfs)
    return 0;
  where = in_container ? veil_strdup_printf("%s%s", v->rootfs, h->path) : strdup(h->path);
  if (!where)
    return veil_fail(v->err, ENOMEM, "hooks");
  if (access(where, X_OK) == 0)
    return 0;
  if (in_container || !strcmp(phase, "poststop")) {
    veil_warn("config.json: hooks.%s[%zu]: %s: %s", phase, i, h->path, strerror(errno));
    return 0;
  }
  return veil_fail(v->err, errno, "config.json: hooks.%s[%zu]: exec %s", phase, i, h->path);
}

static int check_hooks(vctx *v)
{
  const oci_hooks *h = v->cfg->hooks;
  if (!h)
    return 0;
  const struct {
    const char *name;
    const oci_hook *hooks;
    size_t n;
  } phases[] = {
      {"prestart", h->prestart, h->prestart_len},
      {"createRuntime", h->create_runtime, h->create_runtime_len},
      {"createContainer", h->create_container, h->create_container_len},
      {"startContainer", h->start_container, h->start_container_len},
      {"poststart", h->poststart, h->poststart_len},
      {"poststop", h->poststop, h->poststop_len},
  };

  for (size_t p = 0; p < ARRAY_SIZE(phases); p++)
    for (size_t i = 0; i < phases[p].n; i++)
      CHECK(v, check_hook(v, &phases[p].hooks[i], phases[p].name, i));
  return 0;
}

static int check_seccomp(vctx *v)
{
  const oci_seccomp *s = v->cfg->linux ? v->cfg->linux->seccomp : NULL;

  if (v->o)
    CHECK(v, seccomp_prepare(s, &v->filter, &v->sock, v->err));
  else if (s && seccomp_filter_build(s, &v->filter, v->err) < 0)
    /* check connects to no listener: that would be a visit the agent takes for a container */
    CHECK(v, veil_error_prefix(v->err, "config.json"));
  return 0;
}

/* check only: a bind mount's source must exist, or create fails at that mount.  A
 * createRuntime or prestart hook may still make it, so then it is only a warning; create
 * itself leaves the judgement to the mount. */
static int check_bind_source(vctx *v, size_t i)
{
  const oci_mount *m = &v->cfg->mounts[i];
  const oci_hooks *h = v->cfg->hooks;
  mount_opts o;
  struct stat st;
  veil_error ignored = VEIL_ERROR_INIT;

  if (v->o || !m->source || mount_opts_parse(m->options, m->options_len, &o, &ignored) < 0) {
    veil_error_clear(&ignored);
    return 0;
  }
  bool bind = o.bind || (m->type && !strcmp(m->type, "bind"));
  mount_opts_release(&o);
  if (!bind)
    return 0;
  cleanup_free char *src =
      m->source[0] == '/' ? strdup(m->source) : veil_strdup_printf("%s/%s", v->bundle, m->source);
  if (!src)
    return veil_fail(v->err, ENOMEM, "mounts");
  if (stat(src, &st) == 0)
    return 0;
  if (h && (h->create_runtime_len || h->prestart_len)) {
    veil_warn("config.json: mounts[%zu].source: %s: %s (unless a hook makes it)", i, src,
              strerror(errno));
    return 0;
  }
  return veil_fail(v->err, errno, "config.json: mounts[%zu].source: %s", i, src);
}

/* Destinations are resolved inside the rootfs: a ".." at the container's / stays there, as
 * config.md takes a destination relative to "/" and runc confines it too.  Such a path still
 * reads like a host path, so the user hears about it. */
static int check_mounts(vctx *v)
{
  for (size_t i = 0; i < v->cfg->mounts_len; i++) {
    const char *d = v->cfg->mounts[i].destination;
    int depth = 0;
    bool climbs = false;
    if (!d || !*d) {
      CHECK(v, veil_fail(v->err, 0, "config.json: mounts[%zu].destination: must not be empty", i));
      continue;
    }
    CHECK(v, check_bind_source(v, i));
    for (const char *c = d; *c;) {
      size_t l = strcspn(c, "/");
      if (l == 2 && !strncmp(c, "..", 2))
        depth--;
      else if (l && !(l == 1 && *c == '.'))
        depth++;
      if (depth < 0)
        climbs = true, depth = 0;
      c += l + (c[l] == '/');
    }
    if (climbs)
      veil_warn("config.json: mounts[%zu].destination: \"%s\" climbs above / with ..: "
                "taken as inside the rootfs",
                i, d);
    else if (d[0] != '/')
      veil_warn("config.json: mounts[%zu].destination: \"%s\" is not absolute: taken from the "
                "container's /",
                i, d);
  }
  return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
  return a < b + bs && b < a + as;
}

static int check_idmap(vctx *v, const char *field, const oci_id_mapping *m, size_t n)
{
  bool root = geteuid() == 0;
  bool gid = !strcmp(field, "gidMappings");

  for (size_t i = 0; i < n; i++) {
    if (m[i].size == 0) {
      CHECK(v, veil_fail(v->err, 0, "config.json: linux.%s[%zu].size: must not be 0", field, i));
      continue;
    }
    if ((uint64_t)m[i].container_id + m[i].size > 1ull << 32 ||
        (uint64_t)m[i].host_id + m[i].size > 1ull << 32)
      CHECK(v, veil_fail(v->err, 0, "config.json: linux.%s[%zu]: the range ends past 2^32-1", field,
                         i));
    for (size_t j = 0; j < i; j++) {
      if (ranges_overlap(m[i].container_id, m[i].size, m[j].container_id, m[j].size))
        CHECK(v, veil_fail(v->err, 0,
                           "config.json: linux.%s[%zu]: container ids overlap those of "
                           "linux.%s[%zu]",
                           field, i, field, j));
      if (ranges_overlap(m[i].host_id, m[i].size, m[j].host_id, m[j].size))
        CHECK(v, veil_fail(v->err, 0,
                           "config.json: linux.%s[%zu]: host ids overlap those of linux.%s[%zu]",
                           field, i, field, j));
    }
    if (!root && idmap_check_owned(gid, m, i, v->err) < 0)
      CHECK(v, veil_error_prefix(v->err, "config.json"));
  }
  return 0;
}

static int check_idmaps(vctx *v)
{
  const oci_linux *l = v->cfg->linux;

  if (!l)
    return 0;
  if (check_idmap(v, "uidMappings", l->uid_mappings, l->uid_mappings_len) < 0 ||
      check_idmap(v, "gidMappings", l->gid_mappings, l->gid_mappings_len) < 0)
    return -1;
  return 0;
}

/* The same conversion create applies, for this host's layout (cgroup-apply.c: on a hybrid host
 * the unified keys go to cgroup2, the rest to the v1 hierarchies). */
static int check_resources(vctx *v)
{
  const oci_linux *l = v->cfg->linux;
  cgroup_write *w = NULL;
  cgroup_layout layout;
  size_t n = 0;
  int rc;

  if (!v->o) {
    /* create plans the cgroup itself once it has an id; check only has a stand-in for one, and
     * judges as --rootless auto would */
    cgroup_handle *h = NULL;
    if (cgroup_plan("veil-check", l, geteuid() != 0 || veil_in_user_namespace(), &h, v->err) < 0)
      CHECK(v, veil_error_prefix(v->err, "config.json"));
    cgroup_handle_free(h);
  }
  if (!l || !l->resources)
    return 0;
  if (cgroup_detect(&layout, v->err) < 0)
    return problem(v);
  oci_resources r = *l->resources;
  if (layout == CGROUP_HYBRID)
    r.unified = (oci_map){0};
  rc = layout == CGROUP_V2 ? cgroup_v2_writes(&r, &w, &n, v->err)
                           : cgroup_v1_writes(&r, &w, &n, v->err);
  cgroup_writes_free(w, n);
  if (rc < 0)
    CHECK(v, veil_error_prefix(v->err, "config.json"));
  return 0;
}

static int run_checks(vctx *v)
{
  CHECK(v, resolve_rootfs(v->bundle, v->cfg, &v->rootfs, v->err));
  if (ns_plan_build(v->cfg, v->ns, v->err) >= 0) {
    v->ns_ok = true;
  } else {
    CHECK(v, veil_error_prefix(v->err, "config.json"));
    /* check goes on with the plan as the config states it, when only a path was wrong */
    veil_error ignored = VEIL_ERROR_INIT;
    v->ns_ok = ns_plan_build_paths(v->cfg, v->ns, false, &ignored) == 0;
    veil_error_clear(&ignored);
  }
  CHECK(v, config_check_top_level(v->cfg, v->err));
  if (check_process(v) < 0 || (v->ns_ok && check_namespaced(v) < 0) || check_linux(v) < 0 ||
      check_flags(v) < 0 || check_hooks(v) < 0 || check_seccomp(v) < 0 || check_mounts(v) < 0 ||
      check_idmaps(v) < 0 || check_resources(v) < 0)
    return -1;
  return 0;
}

static void vctx_release(vctx *v)
{
  ns_plan_release(v->ns);
  free(steal_pointer(&v->rootfs));
  seccomp_filter_free(steal_pointer(&v->filter));
  veil_closep(&v->sock);
  oci_config_free(steal_pointer(&v->cfg));
}

int veil_bundle_check(const char *bundle, veil_problems *p, veil_error *err)
{
  ns_plan ns;
  vctx v = {.ns = &ns, .sock = -1, .all = p, .err = err};
  cleanup_free char *real = realpath(bundle, NULL);
  int rc;

  memset(&ns, 0, sizeof(ns));
  memset(p, 0, sizeof(*p));
  if (!real) {
    veil_fail(err, errno, "bundle %s", bundle);
    return problem(&v);
  }
  v.bundle = real;
  /* nothing else can be looked at without the document */
  if (config_load(real, &v.cfg, err) < 0)
    return problem(&v);
  rc = run_checks(&v);
  vctx_release(&v);
  return rc;
}

int validate_for_create(const char *bundle, const veil_create_opts *o, validated *out,
                        veil_error *err)
{
  vctx v = {.bundle = bundle, .o = o, .ns = out->ns, .sock = -1, .err = err};

  memset(out->ns, 0, sizeof(*out->ns));
  if (config_load(bundle, &v.cfg, err) < 0)
    return -1;
  if (out->ph)
    phases_mark(out->ph, "parse");
  if (run_checks(&v) < 0) {
    vctx_release(&v);
    return -1;
  }
  if (out->ph)
    phases_mark(out->ph, "validate");
  out->cfg = v.cfg;
  out->rootfs = v.rootfs;
  out->seccomp_filter = v.filter;
  out->seccomp_sock = v.sock;
  return 0;
}

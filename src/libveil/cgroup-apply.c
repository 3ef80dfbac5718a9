/* veil — writing linux.resources into a container's cgroup (v1, v2 or hybrid).
 *
 * The conversion is in cgroup-resources.c; this file decides which directory each write goes
 * to, checks first that every one has a home (so an impossible config changes nothing), then
 * writes in order.  Errors name the config key and the file. */
#include "config.h"
#include "cgroup-internal.h"
#include "cgroup-resources.h"
#include "cgroup.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct planned {
  const cgroup_write *w;
  const char *dir;
} planned;

/* Whether the cgroup2 directory offers controller ctl ("cgroup" files always exist). */
static bool v2_has_controller(const char *dir, const char *ctl)
{
  cleanup_close int dfd = -1;
  cleanup_free char *buf = NULL;
  size_t len;

  if (!strcmp(ctl, "cgroup"))
    return true;
  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || veil_read_file_at(dfd, "cgroup.controllers", 4096, &buf, &len, NULL) < 0)
    return false;
  for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
    if (!strcmp(t, ctl))
      return true;
  return false;
}

static int check_usage(int dfd, const cgroup_write *w, veil_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  uint64_t cur, want;

  if (veil_parse_u64(w->value, &want) < 0)
    return 0;
  if (veil_read_file_at(dfd, "memory.current", 64, &buf, &len, err) < 0)
    return veil_error_prefix(err, "%s", w->key);
  buf[strcspn(buf, "\n")] = '\0';
  if (veil_parse_u64(buf, &cur) < 0)
    return 0;
  if (want < cur)
    return veil_fail(err, EBUSY,
                     "%s: %" PRIu64 " is below the current usage %" PRIu64
                     " (checkBeforeUpdate is set)",
                     w->key, want, cur);
  return 0;
}

static int write_one(const char *dir, const cgroup_write *w, veil_error *err)
{
  cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int fd = -1;
  const char *file = w->file, *value = w->value;

  if (dfd < 0)
    return veil_fail(err, errno, "%s: open %s", w->key, dir);
  if (w->alt_file && faccessat(dfd, w->file, F_OK, 0) < 0 && errno == ENOENT) {
    file = w->alt_file;
    value = w->alt_value;
  }
  if ((w->flags & CGROUP_WRITE_CHECK_USAGE) && check_usage(dfd, w, err) < 0)
    return -1;
  fd = openat(dfd, file, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT)
      return veil_fail(err, 0, "%s: write %s: the host's kernel has no such cgroup file", w->key,
                       file);
    return veil_fail(err, errno, "%s: write %s", w->key, file);
  }
  /* one write(2) per value: cgroup files parse each write as one request */
  ssize_t n = write(fd, value, strlen(value));
  if (n < 0 || (size_t)n != strlen(value))
    return veil_fail(err, n < 0 ? errno : EIO, "%s: write %s \"%s\"", w->key, file, value);
  return 0;
}

static int write_all(const planned *p, size_t n, veil_error *err)
{
  for (size_t i = 0; i < n; i++) {
    if (write_one(p[i].dir, p[i].w, err) == 0)
      continue;
    /* v1 needs memory <= memory+swap after every write: when raising the limit above the old
     * memsw, memsw has to go first.  Retry the pair the other way round. */
    if (err && err->errnum == EINVAL && i + 1 < n &&
        !strcmp(p[i].w->file, "memory.limit_in_bytes") &&
        !strcmp(p[i + 1].w->file, "memory.memsw.limit_in_bytes")) {
      veil_error_clear(err);
      if (write_one(p[i + 1].dir, p[i + 1].w, err) < 0 || write_one(p[i].dir, p[i].w, err) < 0)
        return -1;
      i++;
      continue;
    }
    return -1;
  }
  return 0;
}

static void free_planned(planned **p)
{
  free(*p);
}

static int apply_v2(const cgroup_handle *h, const oci_resources *r, veil_error *err)
{
  const char *dir = cgroup_path(h, "");
  cgroup_write *w = NULL;
  size_t n = 0;
  _cleanup_(free_planned) planned *p = NULL;
  int rc = -1;

  if (!dir)
    return veil_fail(err, 0, "linux.resources: the container has no cgroup v2 directory");
  if (cgroup_v2_writes(r, &w, &n, err) < 0)
    return -1;
  p = calloc(n ? n : 1, sizeof(*p));
  if (!p) {
    veil_fail(err, ENOMEM, "linux.resources");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (!v2_has_controller(dir, w[i].controller) &&
        cg_v2_require_controller(dir, w[i].controller, w[i].key, err) < 0)
      goto out;
    p[i] = (planned){&w[i], dir};
  }
  /* devices first, like runc: nothing below is reachable through a device node meanwhile */
  if (r->devices) {
    oci_device_cgroup *rules = NULL;
    size_t nrules = 0;
    if (cgroup_devices_effective(r, &rules, &nrules, err) < 0)
      goto out;
    int bad = cgroup_devices_bpf_apply(dir, rules, nrules, err);
    free(rules);
    if (bad < 0)
      goto out;
  }
  rc = write_all(p, n, err);
out:
  cgroup_writes_free(w, n);
  return rc;
}

static int apply_v1(const cgroup_handle *h, const oci_resources *r, bool hybrid, veil_error *err)
{
  oci_resources v1 = *r, v2 = {0};
  cgroup_write *w1 = NULL, *w2 = NULL;
  size_t n1 = 0, n2 = 0, np = 0;
  _cleanup_(free_planned) planned *p = NULL;
  const char *udir = hybrid ? cgroup_path(h, "") : NULL;
  int rc = -1;

  if (hybrid) {
    /* what v1 lacks and the unified hierarchy has goes there; unified keys always do */
    v1.unified = (oci_map){0};
    v2.unified = r->unified;
    if (!cgroup_path(h, "hugetlb")) {
      v2.hugepage_limits = r->hugepage_limits;
      v2.hugepage_limits_len = r->hugepage_limits_len;
      v1.hugepage_limits_len = 0;
    }
    if (!cgroup_path(h, "rdma")) {
      v2.rdma = r->rdma;
      v2.rdma_len = r->rdma_len;
      v1.rdma_len = 0;
    }
    if (!cgroup_path(h, "pids")) {
      v2.pids = r->pids;
      v1.pids = NULL;
    }
    if ((v2.unified.len || v2.hugepage_limits_len || v2.rdma_len || v2.pids) && !udir)
      return veil_fail(err, 0,
                       "linux.resources%s: the container has no cgroup v2 directory on this "
                       "hybrid host",
                       v2.unified.len ? ".unified" : "");
  }
  if (cgroup_v1_writes(&v1, &w1, &n1, err) < 0)
    return -1;
  if (hybrid && cgroup_v2_writes(&v2, &w2, &n2, err) < 0)
    goto out;
  p = calloc(n1 + n2 + 1, sizeof(*p));
  if (!p) {
    veil_fail(err, ENOMEM, "linux.resources");
    goto out;
  }
  for (size_t i = 0; i < n1; i++) {
    const char *dir = cgroup_path(h, w1[i].controller);
    if (!dir) {
      veil_fail(err, 0, "%s: the %s cgroup controller is not available on this host", w1[i].key,
                w1[i].controller);
      goto out;
    }
    p[np++] = (planned){&w1[i], dir};
  }
  for (size_t i = 0; i < n2; i++) {
    if (strcmp(w2[i].controller, "cgroup") && cgroup_path(h, w2[i].controller)) {
      veil_fail(err, 0,
                "%s: %s: the %s controller is bound to cgroup v1 on this host, not to the "
                "unified hierarchy",
                w2[i].key, w2[i].file, w2[i].controller);
      goto out;
    }
    if (!v2_has_controller(udir, w2[i].controller) &&
        cg_v2_require_controller(udir, w2[i].controller, w2[i].key, err) < 0)
      goto out;
    p[np++] = (planned){&w2[i], udir};
  }
  const cg_dir *cpu = cg_dir_of(h, "cpu");
  const oci_cpu *c = r->cpu;
  if (cpu && cpu->created > 1 && c && c->has_realtime_runtime && c->realtime_runtime > 0 &&
      cg_v1_rt_ancestors(cpu->path, cpu->created, c->has_realtime_period ? c->realtime_period : 0,
                         c->realtime_runtime, "linux.resources.cpu.realtimeRuntime", err) < 0)
    goto out;
  rc = write_all(p, np, err);
out:
  cgroup_writes_free(w1, n1);
  cgroup_writes_free(w2, n2);
  return rc;
}

int cgroup_resources_apply(const cgroup_handle *h, const oci_resources *r, veil_error *err)
{
  if (!r)
    return 0;
  switch (cgroup_handle_layout(h)) {
  case CGROUP_V2:
    return apply_v2(h, r, err);
  case CGROUP_HYBRID:
    return apply_v1(h, r, true, err);
  case CGROUP_V1:
  default:
    return apply_v1(h, r, false, err);
  }
}

int cgroup_resources_apply_linux(const cgroup_handle *h, const oci_linux *l, veil_error *err)
{
  /* non-NULL with no entries: "rules given, none of them" */
  static const oci_device_cgroup no_rules[1];
  oci_resources r = {0};

  if (h->limits_ignored)
    return 0;
  if (l && l->resources)
    r = *l->resources;
  /* As runc: a container may use the devices linux.resources.devices allows plus the default
   * set and no other, also when the config gives no rules.  A node in linux.devices grants
   * nothing by itself (a /dev/kmsg node would reach the host's kernel log).  A v1 host without
   * a devices hierarchy has nothing to enforce the default with. */
  if (!r.devices && (cgroup_handle_layout(h) == CGROUP_V2 || cgroup_path(h, "devices")))
    r.devices = (oci_device_cgroup *)no_rules;
  return cgroup_resources_apply(h, &r, err);
}

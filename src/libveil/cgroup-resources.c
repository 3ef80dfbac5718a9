/* veil — linux.resources -> ordered (controller, file, value) writes for cgroup v1 and v2.
 *
 * Pure: nothing here touches the host, so every conversion is unit-tested.  File names and
 * formats follow the kernel's cgroup-v1 and cgroup-v2 documentation; the v1 -> v2 conversions
 * follow the runtime-spec (and crun / runc, which Docker and Podman users compare against). */
#include "config.h"
#include "cgroup-resources.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define K "linux.resources."

typedef struct wlist {
  cgroup_write *w;
  size_t n, cap;
  veil_error *err;
  int failed;
} wlist;

void cgroup_writes_free(cgroup_write *w, size_t n)
{
  if (!w)
    return;
  for (size_t i = 0; i < n; i++) {
    free(w[i].file);
    free(w[i].value);
    free(w[i].alt_file);
    free(w[i].alt_value);
  }
  free(w);
}

static cgroup_write *push(wlist *l, const char *controller, const char *key, const char *file,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static cgroup_write *push(wlist *l, const char *controller, const char *key, const char *file,
                          const char *fmt, ...)
{
  va_list ap;
  char *value = NULL;

  if (l->failed)
    return NULL;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    cgroup_write *n = realloc(l->w, cap * sizeof(*n));
    if (!n)
      goto oom;
    l->w = n;
    l->cap = cap;
  }
  va_start(ap, fmt);
  if (vasprintf(&value, fmt, ap) < 0)
    value = NULL;
  va_end(ap);
  cgroup_write *w = &l->w[l->n];
  memset(w, 0, sizeof(*w));
  w->controller = controller;
  w->key = key;
  w->file = strdup(file);
  w->value = value;
  if (!w->file || !w->value) {
    free(w->file);
    free(w->value);
    goto oom;
  }
  l->n++;
  return w;
oom:
  l->failed = veil_fail(l->err, ENOMEM, "%s", key);
  return NULL;
}

static void set_alt(wlist *l, cgroup_write *w, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_alt(wlist *l, cgroup_write *w, const char *file, const char *fmt, ...)
{
  va_list ap;

  if (!w)
    return;
  va_start(ap, fmt);
  if (vasprintf(&w->alt_value, fmt, ap) < 0)
    w->alt_value = NULL;
  va_end(ap);
  w->alt_file = strdup(file);
  if (!w->alt_file || !w->alt_value)
    l->failed = veil_fail(l->err, ENOMEM, "%s", w->key);
}

static int fail(wlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(wlist *l, const char *fmt, ...)
{
  va_list ap;

  if (l->failed)
    return -1;
  va_start(ap, fmt);
  veil_failv(l->err, EINVAL, fmt, ap);
  va_end(ap);
  l->failed = -1;
  return -1;
}

static int finish(wlist *l, cgroup_write **out, size_t *n)
{
  if (l->failed) {
    cgroup_writes_free(l->w, l->n);
    *out = NULL;
    *n = 0;
    return -1;
  }
  *out = l->w;
  *n = l->n;
  return 0;
}

/* [lo, hi] -> [1, 10000], linear; 0 stays 0 (unset), values outside are clamped the way the
 * v1 kernel clamps them */
static unsigned long long to_weight(unsigned long long v, unsigned long long lo,
                                    unsigned long long hi)
{
  if (v == 0)
    return 0;
  if (v < lo)
    v = lo;
  if (v > hi)
    v = hi;
  return 1 + ((v - lo) * 9999) / (hi - lo);
}

/* cpu.shares [2, 262144] -> cpu.weight, the runtime-spec / crun formula */
unsigned long long cgroup_shares_to_weight(unsigned long long shares)
{
  return to_weight(shares, 2, 262144);
}

/* blkio.weight [10, 1000] -> io.weight */
unsigned long long cgroup_blkio_to_io_weight(unsigned long long weight)
{
  return to_weight(weight, 10, 1000);
}

/* "2MB" -> "2MB": the kernel names hugetlb files by the same size string (KB, MB, GB). */
static int check_page_size(wlist *l, const char *ps)
{
  size_t d = ps ? strspn(ps, "0123456789") : 0;

  if (!ps || d == 0 || (strcmp(ps + d, "KB") && strcmp(ps + d, "MB") && strcmp(ps + d, "GB")))
    return fail(l, K "hugepageLimits: page size \"%s\" is not of the form <n>KB, <n>MB or <n>GB",
                ps ? ps : "");
  return 0;
}

/* The devices every container gets on top of linux.resources.devices (runc's AllowedDevices):
 * creating any node (the runtime populates /dev after the limits are in place), the
 * runtime-spec's default devices, ptys and tun.  Appended after the config's rules, which
 * later rules override, so a container cannot lock itself out of /dev/null. */
#define DEV(t, maj, min, acc)                                                                      \
  {                                                                                                \
    .allow = true, .type = (char *)t, .major = maj, .has_major = maj >= 0, .minor = min,           \
    .has_minor = min >= 0, .access = (char *)acc                                                   \
  }
static const oci_device_cgroup default_devices[] = {
    DEV("c", -1, -1, "m"), DEV("b", -1, -1, "m"),    DEV("c", 1, 3, "rwm"),
    DEV("c", 1, 8, "rwm"), DEV("c", 1, 7, "rwm"),    DEV("c", 5, 0, "rwm"),
    DEV("c", 1, 5, "rwm"), DEV("c", 1, 9, "rwm"),    DEV("c", 136, -1, "rwm"),
    DEV("c", 5, 2, "rwm"), DEV("c", 10, 200, "rwm"),
};

int cgroup_devices_effective(const oci_resources *r, oci_device_cgroup **out, size_t *n,
                             veil_error *err)
{
  size_t total = r->devices_len + ARRAY_SIZE(default_devices);
  oci_device_cgroup *v = calloc(total, sizeof(*v));

  if (!v)
    return veil_fail(err, ENOMEM, K "devices");
  /* shallow copies: the strings stay owned by r and the static table */
  if (r->devices_len)
    memcpy(v, r->devices, r->devices_len * sizeof(*v));
  memcpy(v + r->devices_len, default_devices, sizeof(default_devices));
  *out = v;
  *n = total;
  return 0;
}

/* ---- v1 ----------------------------------------------------------------------------------- */

int cgroup_device_access(const char *access, char out[4], veil_error *err)
{
  size_t n = 0;

  if (!access || !access[0])
    access = "rwm";
  /* As runc: the letters r, w and m count, in any order, and any other letter (the "a" of "rwa")
   * is ignored; the kernel's devices.allow parser would refuse it. */
  for (const char *c = "rwm"; *c; c++)
    if (strchr(access, *c))
      out[n++] = *c;
  out[n] = '\0';
  if (n == 0)
    return veil_fail(err, EINVAL, K "devices: access \"%s\" has none of r, w and m", access);
  return 0;
}

static void dev_rule_v1(wlist *l, const oci_device_cgroup *d)
{
  char type = d->type && d->type[0] ? d->type[0] : 'a';
  char maj[24] = "*", min[24] = "*";
  char access[4];

  if (type != 'a' && type != 'c' && type != 'b') {
    fail(l, K "devices: type \"%s\" is not a, c or b", d->type);
    return;
  }
  if (!l->failed && cgroup_device_access(d->access, access, l->err) < 0) {
    l->failed = -1;
    return;
  }
  if (d->has_major && d->major >= 0)
    snprintf(maj, sizeof(maj), "%" PRId64, d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf(min, sizeof(min), "%" PRId64, d->minor);
  /* The kernel reads a bare "a" as every device with every access (and ignores the rest). */
  if (type == 'a' && !strcmp(maj, "*") && !strcmp(min, "*"))
    push(l, "devices", K "devices", d->allow ? "devices.allow" : "devices.deny", "a");
  else
    push(l, "devices", K "devices", d->allow ? "devices.allow" : "devices.deny", "%c %s:%s %s",
         type, maj, min, access);
}

static void throttle(wlist *l, const char *ctl, const char *key, const char *file,
                     const oci_throttle_device *t, size_t n)
{
  for (size_t i = 0; i < n; i++)
    push(l, ctl, key, file, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor, t[i].rate);
}

int cgroup_v1_writes(const oci_resources *r, cgroup_write **out, size_t *n, veil_error *err)
{
  wlist l = {.err = err};

  if (r->unified.len)
    fail(&l, K "unified: needs cgroup v2, and the host's cgroups are v1 (key \"%s\")",
         r->unified.keys[0]);

  /* devices first, like runc: a limit below can never be escaped through a device node */
  if (r->devices) {
    oci_device_cgroup *rules = NULL;
    size_t nrules = 0;
    if (cgroup_devices_effective(r, &rules, &nrules, err) < 0)
      return -1;
    push(&l, "devices", K "devices", "devices.deny", "a");
    for (size_t i = 0; i < nrules; i++)
      dev_rule_v1(&l, &rules[i]);
    free(rules);
  }

  const oci_memory *m = r->memory;
  if (m) {
    /* limit before memsw: the kernel requires memory <= memory+swap at every step; apply
     * retries in the other order when the new limit is above the old memsw. */
    /* 0 means "unchanged" for the byte limits, as in runc (Docker and containerd send zeros) */
    if (m->has_limit && m->limit)
      push(&l, "memory", K "memory.limit", "memory.limit_in_bytes", "%" PRId64, m->limit);
    if (m->has_swap && m->swap)
      push(&l, "memory", K "memory.swap", "memory.memsw.limit_in_bytes", "%" PRId64, m->swap);
    else if (m->has_limit && m->limit == -1)
      /* unlimited memory with swap not given means both unlimited (runc's rule) */
      push(&l, "memory", K "memory.swap", "memory.memsw.limit_in_bytes", "-1");
    if (m->has_reservation && m->reservation)
      push(&l, "memory", K "memory.reservation", "memory.soft_limit_in_bytes", "%" PRId64,
           m->reservation);
    /* zero is "not set" here too: docker update sends kernel: 0 with every change */
    if (m->has_kernel && m->kernel)
      veil_warn(K "memory.kernel is ignored: kernel memory limits are deprecated in the kernel");
    if (m->has_kernel_tcp && m->kernel_tcp)
      veil_warn(K "memory.kernelTCP is ignored: kernel memory limits are deprecated in the kernel");
    if (m->has_swappiness) {
      if (m->swappiness > 100)
        fail(&l, K "memory.swappiness: %" PRIu64 " is not in [0, 100]", m->swappiness);
      push(&l, "memory", K "memory.swappiness", "memory.swappiness", "%" PRIu64, m->swappiness);
    }
    if (m->has_disable_oom_killer && m->disable_oom_killer)
      push(&l, "memory", K "memory.disableOOMKiller", "memory.oom_control", "1");
  }

  const oci_cpu *c = r->cpu;
  if (c) {
    if (c->has_shares && c->shares)
      push(&l, "cpu", K "cpu.shares", "cpu.shares", "%" PRIu64, c->shares);
    /* period before quota: the kernel checks quota against the period in force */
    if (c->has_period && c->period)
      push(&l, "cpu", K "cpu.period", "cpu.cfs_period_us", "%" PRIu64, c->period);
    if (c->has_quota && c->quota)
      push(&l, "cpu", K "cpu.quota", "cpu.cfs_quota_us", "%" PRId64, c->quota);
    if (c->has_burst)
      push(&l, "cpu", K "cpu.burst", "cpu.cfs_burst_us", "%" PRIu64, c->burst);
    /* rt period before runtime, as runc: a runtime above the old period would be refused */
    if (c->has_realtime_period && c->realtime_period)
      push(&l, "cpu", K "cpu.realtimePeriod", "cpu.rt_period_us", "%" PRIu64, c->realtime_period);
    if (c->has_realtime_runtime && c->realtime_runtime)
      push(&l, "cpu", K "cpu.realtimeRuntime", "cpu.rt_runtime_us", "%" PRId64,
           c->realtime_runtime);
    if (c->has_idle)
      push(&l, "cpu", K "cpu.idle", "cpu.idle", "%" PRId64, c->idle);
    if (c->cpus && c->cpus[0])
      push(&l, "cpuset", K "cpu.cpus", "cpuset.cpus", "%s", c->cpus);
    if (c->mems && c->mems[0])
      push(&l, "cpuset", K "cpu.mems", "cpuset.mems", "%s", c->mems);
  }

  /* pids: a negative limit is "max", and 0 a limit like any other (no fork at all), as the
   * runtime-spec now says (opencontainers/runtime-spec#1279) and runc main does; runc 1.1 took 0
   * for "unchanged".  No pids object changes nothing. */
  if (r->pids && r->pids->limit < 0)
    push(&l, "pids", K "pids.limit", "pids.max", "max");
  else if (r->pids)
    push(&l, "pids", K "pids.limit", "pids.max", "%" PRId64, r->pids->limit);

  const oci_block_io *b = r->block_io;
  if (b) {
    /* blkio.weight is CFQ's, gone since 5.0; BFQ's file takes the same range */
    if (b->has_weight && b->weight) {
      cgroup_write *w = push(&l, "blkio", K "blockIO.weight", "blkio.weight", "%u", b->weight);
      set_alt(&l, w, "blkio.bfq.weight", "%u", b->weight);
    }
    if (b->has_leaf_weight && b->leaf_weight)
      push(&l, "blkio", K "blockIO.leafWeight", "blkio.leaf_weight", "%u", b->leaf_weight);
    for (size_t i = 0; i < b->weight_device_len; i++) {
      const oci_weight_device *d = &b->weight_device[i];
      if (d->has_weight) {
        cgroup_write *w = push(&l, "blkio", K "blockIO.weightDevice", "blkio.weight_device",
                               "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
        set_alt(&l, w, "blkio.bfq.weight_device", "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                d->weight);
      }
      if (d->has_leaf_weight)
        push(&l, "blkio", K "blockIO.weightDevice", "blkio.leaf_weight_device",
             "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->leaf_weight);
    }
    throttle(&l, "blkio", K "blockIO.throttleReadBpsDevice", "blkio.throttle.read_bps_device",
             b->throttle_read_bps_device, b->throttle_read_bps_device_len);
    throttle(&l, "blkio", K "blockIO.throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
             b->throttle_write_bps_device, b->throttle_write_bps_device_len);
    throttle(&l, "blkio", K "blockIO.throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
             b->throttle_read_iops_device, b->throttle_read_iops_device_len);
    throttle(&l, "blkio", K "blockIO.throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
             b->throttle_write_iops_device, b->throttle_write_iops_device_len);
  }

  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    char file[64];
    if (check_page_size(&l, h->page_size) < 0)
      break;
    snprintf(file, sizeof(file), "hugetlb.%.20s.limit_in_bytes", h->page_size);
    push(&l, "hugetlb", K "hugepageLimits", file, "%" PRIu64, h->limit);
  }

  if (r->network) {
    if (r->network->has_class_id)
      push(&l, "net_cls", K "network.classID", "net_cls.classid", "%" PRIu32, r->network->class_id);
    for (size_t i = 0; i < r->network->priorities_len; i++)
      push(&l, "net_prio", K "network.priorities", "net_prio.ifpriomap", "%s %" PRIu32,
           r->network->priorities[i].name, r->network->priorities[i].priority);
  }

  for (size_t i = 0; i < r->rdma_len; i++) {
    const oci_rdma *d = &r->rdma[i];
    char h[32] = "", o[32] = "";
    if (!d->has_hca_handles && !d->has_hca_objects)
      continue;
    if (d->has_hca_handles)
      snprintf(h, sizeof(h), " hca_handle=%" PRIu32, d->hca_handles);
    if (d->has_hca_objects)
      snprintf(o, sizeof(o), " hca_object=%" PRIu32, d->hca_objects);
    push(&l, "rdma", K "rdma", "rdma.max", "%s%s%s", d->device, h, o);
  }
  return finish(&l, out, n);
}

/* ---- v2 ----------------------------------------------------------------------------------- */

/* -1 (and any negative) is "max" in v2 files */
static void push_max(wlist *l, const char *ctl, const char *key, const char *file, int64_t v,
                     unsigned flags)
{
  cgroup_write *w = v < 0 ? push(l, ctl, key, file, "max") : push(l, ctl, key, file, "%" PRId64, v);
  if (w)
    w->flags = v < 0 ? 0 : flags;
}

static void io_max(wlist *l, const char *key, const char *what, const oci_throttle_device *t,
                   size_t n)
{
  /* 0 means "no limit" in the v1 files; io.max spells it "max" */
  for (size_t i = 0; i < n; i++) {
    if (t[i].rate)
      push(l, "io", key, "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor,
           what, t[i].rate);
    else
      push(l, "io", key, "io.max", "%" PRId64 ":%" PRId64 " %s=max", t[i].major, t[i].minor, what);
  }
}

static bool unified_key_ok(const char *k)
{
  /* a file name in the cgroup directory, "<controller>.<name>": nothing that walks out */
  return k && k[0] && k[0] != '.' && !strchr(k, '/') && strchr(k, '.') && strcmp(k, "..");
}

int cgroup_v2_writes(const oci_resources *r, cgroup_write **out, size_t *n, veil_error *err)
{
  wlist l = {.err = err};

  const oci_memory *m = r->memory;
  if (m) {
    int64_t limit = m->has_limit ? m->limit : 0;
    if (m->has_limit && m->limit != 0)
      push_max(&l, "memory", K "memory.limit", "memory.max", m->limit,
               m->has_check_before_update && m->check_before_update ? CGROUP_WRITE_CHECK_USAGE : 0);
    /* v1's swap is memory+swap; v2's memory.swap.max is swap alone */
    if (m->has_swap && m->swap != 0) {
      if (m->swap < 0)
        push(&l, "memory", K "memory.swap", "memory.swap.max", "max");
      else if (limit <= 0)
        fail(&l, K "memory.swap: a swap limit needs a memory limit");
      else if (m->swap < limit)
        fail(&l,
             K "memory.swap: %" PRId64 " is below memory.limit %" PRId64
               " (swap is memory+swap, as on cgroup v1)",
             m->swap, limit);
      else
        push(&l, "memory", K "memory.swap", "memory.swap.max", "%" PRId64, m->swap - limit);
    } else if (m->has_limit && m->limit == -1) {
      push(&l, "memory", K "memory.swap", "memory.swap.max", "max");
    }
    if (m->has_reservation && m->reservation != 0)
      push_max(&l, "memory", K "memory.reservation", "memory.low", m->reservation, 0);
    if (m->has_kernel)
      veil_warn(K "memory.kernel is ignored: cgroup v2 has no kernel memory limit");
    if (m->has_kernel_tcp)
      veil_warn(K "memory.kernelTCP is ignored: cgroup v2 has no kernel TCP memory limit");
    if (m->has_swappiness)
      veil_warn(K "memory.swappiness is ignored: cgroup v2 has no per-cgroup swappiness");
    if (m->has_disable_oom_killer && m->disable_oom_killer)
      veil_warn(K "memory.disableOOMKiller is ignored: cgroup v2 cannot disable the OOM killer");
  }

  const oci_cpu *c = r->cpu;
  if (c) {
    if (c->has_shares && c->shares)
      push(&l, "cpu", K "cpu.shares", "cpu.weight", "%llu", cgroup_shares_to_weight(c->shares));
    if ((c->has_quota && c->quota) || (c->has_period && c->period)) {
      char q[32] = "max";
      if (c->has_quota && c->quota > 0)
        snprintf(q, sizeof(q), "%" PRId64, c->quota);
      if (c->has_period && c->period)
        push(&l, "cpu", c->has_quota && c->quota ? K "cpu.quota" : K "cpu.period", "cpu.max",
             "%s %" PRIu64, q, c->period);
      else
        push(&l, "cpu", K "cpu.quota", "cpu.max", "%s", q);
    }
    if (c->has_burst)
      push(&l, "cpu", K "cpu.burst", "cpu.max.burst", "%" PRIu64, c->burst);
    if ((c->has_realtime_runtime && c->realtime_runtime) ||
        (c->has_realtime_period && c->realtime_period))
      fail(&l, K "cpu.%s: cgroup v2 has no realtime CPU bandwidth control",
           c->has_realtime_runtime && c->realtime_runtime ? "realtimeRuntime" : "realtimePeriod");
    if (c->has_idle)
      push(&l, "cpu", K "cpu.idle", "cpu.idle", "%" PRId64, c->idle);
    if (c->cpus && c->cpus[0])
      push(&l, "cpuset", K "cpu.cpus", "cpuset.cpus", "%s", c->cpus);
    if (c->mems && c->mems[0])
      push(&l, "cpuset", K "cpu.mems", "cpuset.mems", "%s", c->mems);
  }

  /* 0 is a limit, see the v1 list */
  if (r->pids)
    push_max(&l, "pids", K "pids.limit", "pids.max", r->pids->limit, 0);

  const oci_block_io *b = r->block_io;
  if (b) {
    /* io.bfq.weight takes the blkio range as is; io.weight (no BFQ) the converted one */
    if (b->has_weight && b->weight) {
      cgroup_write *w = push(&l, "io", K "blockIO.weight", "io.bfq.weight", "%u", b->weight);
      set_alt(&l, w, "io.weight", "%llu", cgroup_blkio_to_io_weight(b->weight));
    }
    if (b->has_leaf_weight && b->leaf_weight)
      veil_warn(K "blockIO.leafWeight is ignored: cgroup v2 has no leaf weight");
    for (size_t i = 0; i < b->weight_device_len; i++) {
      const oci_weight_device *d = &b->weight_device[i];
      if (d->has_weight) {
        cgroup_write *w = push(&l, "io", K "blockIO.weightDevice", "io.bfq.weight",
                               "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
        set_alt(&l, w, "io.weight", "%" PRId64 ":%" PRId64 " %llu", d->major, d->minor,
                cgroup_blkio_to_io_weight(d->weight));
      }
      if (d->has_leaf_weight)
        veil_warn(K "blockIO.weightDevice[%zu].leafWeight is ignored: cgroup v2 has no leaf "
                    "weight",
                  i);
    }
    io_max(&l, K "blockIO.throttleReadBpsDevice", "rbps", b->throttle_read_bps_device,
           b->throttle_read_bps_device_len);
    io_max(&l, K "blockIO.throttleWriteBpsDevice", "wbps", b->throttle_write_bps_device,
           b->throttle_write_bps_device_len);
    io_max(&l, K "blockIO.throttleReadIOPSDevice", "riops", b->throttle_read_iops_device,
           b->throttle_read_iops_device_len);
    io_max(&l, K "blockIO.throttleWriteIOPSDevice", "wiops", b->throttle_write_iops_device,
           b->throttle_write_iops_device_len);
  }

  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    char file[64];
    if (check_page_size(&l, h->page_size) < 0)
      break;
    snprintf(file, sizeof(file), "hugetlb.%.20s.max", h->page_size);
    push(&l, "hugetlb", K "hugepageLimits", file, "%" PRIu64, h->limit);
  }

  if (r->network && (r->network->has_class_id || r->network->priorities_len))
    fail(&l, K "network.%s: net_cls and net_prio exist on cgroup v1 only",
         r->network->has_class_id ? "classID" : "priorities");

  for (size_t i = 0; i < r->rdma_len; i++) {
    const oci_rdma *d = &r->rdma[i];
    char h[32] = "", o[32] = "";
    if (!d->has_hca_handles && !d->has_hca_objects)
      continue;
    if (d->has_hca_handles)
      snprintf(h, sizeof(h), " hca_handle=%" PRIu32, d->hca_handles);
    if (d->has_hca_objects)
      snprintf(o, sizeof(o), " hca_object=%" PRIu32, d->hca_objects);
    push(&l, "rdma", K "rdma", "rdma.max", "%s%s%s", d->device, h, o);
  }

  /* unified last: it is the escape hatch and overrides what the typed fields wrote */
  for (size_t i = 0; i < r->unified.len; i++) {
    const char *k = r->unified.keys[i];
    if (!unified_key_ok(k)) {
      fail(&l, K "unified: \"%s\" is not a cgroup file name", k ? k : "");
      break;
    }
    /* the controller is the file's prefix; the name is kept for the hybrid check */
    static const char *const ctls[] = {"cgroup",  "memory", "cpu",  "cpuset",  "io",     "pids",
                                       "hugetlb", "rdma",   "misc", "freezer", "net_cls"};
    const char *ctl = NULL;
    size_t plen = strcspn(k, ".");
    for (size_t j = 0; j < ARRAY_SIZE(ctls); j++)
      if (strlen(ctls[j]) == plen && !strncmp(ctls[j], k, plen))
        ctl = ctls[j];
    if (!ctl) {
      fail(&l, K "unified.%s: unknown controller \"%.*s\"", k, (int)plen, k);
      break;
    }
    push(&l, ctl, K "unified", k, "%s", r->unified.values[i]);
  }
  return finish(&l, out, n);
}

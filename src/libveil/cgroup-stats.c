/* veil — a container's resource usage from its cgroup files, in runc's `events --stats` shape.
 *
 * Each controller is read from its v1 hierarchy when the container has one there, else from the
 * cgroup2 directory (a hybrid host has hugetlb only there).  A file the kernel does not offer
 * reads as zero: stats are best effort, as in runc, and never fail the command. */
#include "config.h"
#include "cgroup-stats.h"
#include "cgroup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct src {
  const char *dir;
  bool v2;
} src;

/* Where controller ctl is read from (dir NULL when nowhere). */
static src source(const cgroup_handle *h, const char *ctl)
{
  const char *d;

  if (cgroup_handle_layout(h) != CGROUP_V2 && (d = cgroup_path(h, ctl)))
    return (src){d, false};
  if (cgroup_handle_layout(h) != CGROUP_V1 && (d = cgroup_path(h, "")))
    return (src){d, true};
  return (src){NULL, false};
}

static char *slurp(const char *dir, const char *file)
{
  cleanup_close int dfd = -1;
  char *buf = NULL;
  size_t len;

  if (!dir)
    return NULL;
  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || veil_read_file_at(dfd, file, 1 << 20, &buf, &len, NULL) < 0)
    return NULL;
  return buf;
}

/* A single number; "max" reads as UINT64_MAX (unlimited), absent as 0. */
static uint64_t num(const char *dir, const char *file)
{
  cleanup_free char *s = slurp(dir, file);
  uint64_t v = 0;

  if (!s)
    return 0;
  s[strcspn(s, " \n")] = '\0';
  if (!strcmp(s, "max"))
    return UINT64_MAX;
  if (veil_parse_u64(s, &v) < 0) {
    long long n = strtoll(s, NULL, 10); /* v1 writes -1 back as a huge number, but be safe */
    return n < 0 ? UINT64_MAX : (uint64_t)n;
  }
  return v;
}

/* "key value" per line (memory.stat, cpu.stat, memory.events, cpuacct.stat). */
static uint64_t keyed(const char *text, const char *key)
{
  size_t kl = strlen(key);

  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (!strncmp(p, key, kl) && p[kl] == ' ')
      return strtoull(p + kl + 1, NULL, 10);
  return 0;
}

static void kv(oci_json_writer *w, const char *k, uint64_t v)
{
  oci_json_key(w, k);
  oci_json_uint(w, v);
}

static void cpu(oci_json_writer *w, const cgroup_handle *h)
{
  src acct = source(h, "cpuacct"), c = source(h, "cpu");
  uint64_t total, kernel, user;
  cleanup_free char *stat = NULL, *percpu = NULL;

  oci_json_key(w, "cpu");
  oci_json_map_open(w);
  oci_json_key(w, "usage");
  oci_json_map_open(w);
  if (acct.dir && !acct.v2) {
    cleanup_free char *ticks = slurp(acct.dir, "cpuacct.stat");
    total = num(acct.dir, "cpuacct.usage");
    /* cpuacct.stat counts USER_HZ ticks */
    long hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
    user = ticks ? keyed(ticks, "user") * (1000000000ull / (uint64_t)hz) : 0;
    kernel = ticks ? keyed(ticks, "system") * (1000000000ull / (uint64_t)hz) : 0;
    percpu = slurp(acct.dir, "cpuacct.usage_percpu");
  } else {
    cleanup_free char *s = slurp(c.dir, "cpu.stat");
    total = s ? keyed(s, "usage_usec") * 1000 : 0;
    user = s ? keyed(s, "user_usec") * 1000 : 0;
    kernel = s ? keyed(s, "system_usec") * 1000 : 0;
  }
  kv(w, "total", total);
  oci_json_key(w, "percpu");
  oci_json_array_open(w);
  for (char *save = NULL, *t = percpu ? strtok_r(percpu, " \n", &save) : NULL; t;
       t = strtok_r(NULL, " \n", &save))
    oci_json_uint(w, strtoull(t, NULL, 10));
  oci_json_array_close(w);
  kv(w, "kernel", kernel);
  kv(w, "user", user);
  oci_json_map_close(w);

  stat = slurp(c.dir, "cpu.stat");
  oci_json_key(w, "throttling");
  oci_json_map_open(w);
  kv(w, "periods", stat ? keyed(stat, "nr_periods") : 0);
  kv(w, "throttledPeriods", stat ? keyed(stat, "nr_throttled") : 0);
  kv(w, "throttledTime",
     stat ? (c.v2 ? keyed(stat, "throttled_usec") * 1000 : keyed(stat, "throttled_time")) : 0);
  oci_json_map_close(w);
  oci_json_map_close(w);
}

static void entry(oci_json_writer *w, const char *name, uint64_t usage, uint64_t max,
                  uint64_t failcnt, uint64_t limit)
{
  oci_json_key(w, name);
  oci_json_map_open(w);
  kv(w, "usage", usage);
  kv(w, "max", max);
  kv(w, "failcnt", failcnt);
  kv(w, "limit", limit);
  oci_json_map_close(w);
}

static void memory(oci_json_writer *w, const cgroup_handle *h)
{
  src m = source(h, "memory");
  cleanup_free char *stat = slurp(m.dir, "memory.stat");

  oci_json_key(w, "memory");
  oci_json_map_open(w);
  kv(w, "cache", stat ? keyed(stat, m.v2 ? "file" : "cache") : 0);
  if (!m.v2) {
    entry(w, "usage", num(m.dir, "memory.usage_in_bytes"), num(m.dir, "memory.max_usage_in_bytes"),
          num(m.dir, "memory.failcnt"), num(m.dir, "memory.limit_in_bytes"));
    entry(w, "swap", num(m.dir, "memory.memsw.usage_in_bytes"),
          num(m.dir, "memory.memsw.max_usage_in_bytes"), num(m.dir, "memory.memsw.failcnt"),
          num(m.dir, "memory.memsw.limit_in_bytes"));
    entry(w, "kernel", num(m.dir, "memory.kmem.usage_in_bytes"),
          num(m.dir, "memory.kmem.max_usage_in_bytes"), num(m.dir, "memory.kmem.failcnt"),
          num(m.dir, "memory.kmem.limit_in_bytes"));
    entry(w, "kernelTCP", num(m.dir, "memory.kmem.tcp.usage_in_bytes"),
          num(m.dir, "memory.kmem.tcp.max_usage_in_bytes"), num(m.dir, "memory.kmem.tcp.failcnt"),
          num(m.dir, "memory.kmem.tcp.limit_in_bytes"));
  } else {
    cleanup_free char *ev = slurp(m.dir, "memory.events");
    uint64_t cur = num(m.dir, "memory.current"), lim = num(m.dir, "memory.max");
    uint64_t scur = num(m.dir, "memory.swap.current"), slim = num(m.dir, "memory.swap.max");
    entry(w, "usage", cur, num(m.dir, "memory.peak"), ev ? keyed(ev, "max") : 0, lim);
    /* as runc: v2 swap is shown as memory+swap, the v1 meaning */
    entry(w, "swap", cur + scur, 0, 0,
          lim == UINT64_MAX || slim == UINT64_MAX ? UINT64_MAX : lim + slim);
    entry(w, "kernel", stat ? keyed(stat, "kernel") : 0, 0, 0, 0);
    entry(w, "kernelTCP", stat ? keyed(stat, "sock") : 0, 0, 0, 0);
  }
  oci_json_key(w, "raw");
  oci_json_map_open(w);
  for (char *save = NULL, *line = stat ? strtok_r(stat, "\n", &save) : NULL; line;
       line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    kv(w, line, strtoull(sp + 1, NULL, 10));
  }
  oci_json_map_close(w);
  oci_json_map_close(w);
}

static void pids(oci_json_writer *w, const cgroup_handle *h)
{
  src p = source(h, "pids");
  uint64_t lim = num(p.dir, "pids.max");

  oci_json_key(w, "pids");
  oci_json_map_open(w);
  kv(w, "current", num(p.dir, "pids.current"));
  kv(w, "limit", lim == UINT64_MAX ? 0 : lim); /* runc: 0 = no limit */
  oci_json_map_close(w);
}

/* v1 "8:0 Read 4096" lines -> entries; "Total" lines are skipped */
static void blkio_v1(oci_json_writer *w, const char *key, char *text)
{
  oci_json_key(w, key);
  oci_json_array_open(w);
  for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
       l = strtok_r(NULL, "\n", &save)) {
    unsigned maj, min;
    char op[16];
    unsigned long long v;
    if (sscanf(l, "%u:%u %15s %llu", &maj, &min, op, &v) != 4)
      continue;
    oci_json_map_open(w);
    kv(w, "major", maj);
    kv(w, "minor", min);
    oci_json_key(w, "op");
    oci_json_string(w, op);
    kv(w, "value", v);
    oci_json_map_close(w);
  }
  oci_json_array_close(w);
}

/* v2 io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> runc's Read/Write entries */
static void blkio_v2(oci_json_writer *w, const char *key, const char *text, const char *rk,
                     const char *wk)
{
  oci_json_key(w, key);
  oci_json_array_open(w);
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    unsigned maj, min;
    if (sscanf(l, "%u:%u", &maj, &min) != 2)
      continue;
    size_t ll = strcspn(l, "\n");
    const char *keys[2] = {rk, wk}, *ops[2] = {"Read", "Write"};
    for (int i = 0; i < 2; i++) {
      char pat[16];
      snprintf(pat, sizeof(pat), " %s=", keys[i]);
      const char *f = strstr(l, pat);
      if (!f || f > l + ll)
        continue;
      oci_json_map_open(w);
      kv(w, "major", maj);
      kv(w, "minor", min);
      oci_json_key(w, "op");
      oci_json_string(w, ops[i]);
      kv(w, "value", strtoull(f + strlen(pat), NULL, 10));
      oci_json_map_close(w);
    }
  }
  oci_json_array_close(w);
}

static void blkio(oci_json_writer *w, const cgroup_handle *h)
{
  src b = source(h, "blkio");

  oci_json_key(w, "blkio");
  oci_json_map_open(w);
  if (b.v2) {
    cleanup_free char *s = slurp(b.dir, "io.stat");
    blkio_v2(w, "ioServiceBytesRecursive", s, "rbytes", "wbytes");
    blkio_v2(w, "ioServicedRecursive", s, "rios", "wios");
  } else {
    cleanup_free char *bytes = slurp(b.dir, "blkio.throttle.io_service_bytes_recursive");
    cleanup_free char *ios = slurp(b.dir, "blkio.throttle.io_serviced_recursive");
    blkio_v1(w, "ioServiceBytesRecursive", bytes);
    blkio_v1(w, "ioServicedRecursive", ios);
  }
  oci_json_map_close(w);
}

static void hugetlb(oci_json_writer *w, const cgroup_handle *h)
{
  src s = source(h, "hugetlb");
  DIR *d = opendir("/sys/kernel/mm/hugepages");
  struct dirent *de;

  oci_json_key(w, "hugetlb");
  oci_json_map_open(w);
  while (d && (de = readdir(d))) {
    unsigned long kb;
    char size[32], f[96];
    if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
      continue;
    /* the kernel's names: 2048kB -> "2MB", 1048576kB -> "1GB" */
    if (kb >= 1048576 && kb % 1048576 == 0)
      snprintf(size, sizeof(size), "%luGB", kb / 1048576);
    else if (kb >= 1024 && kb % 1024 == 0)
      snprintf(size, sizeof(size), "%luMB", kb / 1024);
    else
      snprintf(size, sizeof(size), "%luKB", kb);
    oci_json_key(w, size);
    oci_json_map_open(w);
    if (s.v2) {
      cleanup_free char *ev = NULL;
      snprintf(f, sizeof(f), "hugetlb.%s.current", size);
      kv(w, "usage", num(s.dir, f));
      kv(w, "max", 0);
      snprintf(f, sizeof(f), "hugetlb.%s.events", size);
      ev = slurp(s.dir, f);
      kv(w, "failcnt", ev ? keyed(ev, "max") : 0);
    } else {
      snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
      kv(w, "usage", num(s.dir, f));
      snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
      kv(w, "max", num(s.dir, f));
      snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
      kv(w, "failcnt", num(s.dir, f));
    }
    oci_json_map_close(w);
  }
  if (d)
    closedir(d);
  oci_json_map_close(w);
}

int cgroup_stats_json(const cgroup_handle *h, const char *id, char **json, veil_error *err)
{
  oci_json_writer *w = oci_json_writer_new(false);

  if (!w)
    return veil_fail(err, ENOMEM, "stats");
  oci_json_map_open(w);
  oci_json_key(w, "type");
  oci_json_string(w, "stats");
  oci_json_key(w, "id");
  oci_json_string(w, id);
  oci_json_key(w, "data");
  oci_json_map_open(w);
  cpu(w, h);
  memory(w, h);
  pids(w, h);
  blkio(w, h);
  hugetlb(w, h);
  oci_json_map_close(w);
  oci_json_map_close(w);
  *json = oci_json_writer_finish(w, NULL);
  if (!*json)
    return veil_fail(err, EINVAL, "stats: JSON output failed");
  return 0;
}

uint64_t cgroup_oom_kills(const cgroup_handle *h)
{
  src m = source(h, "memory");
  cleanup_free char *s = slurp(m.dir, m.v2 ? "memory.events" : "memory.oom_control");

  return s ? keyed(s, "oom_kill") : 0;
}

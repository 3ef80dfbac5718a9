/* veil — the cgroup v1 backend: what differs from v2 is the freezer (freezer.state) and the
 * cpuset of a new directory, which starts empty (cgroup-v1/cpusets.rst). */
#include "config.h"
#include "cgroup-internal.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A new cpuset has no cpus and no mems, and a task cannot be attached to it (ENOSPC): it gets
 * its parent's, as cgroup.clone_children would have given it. */
int cg_v1_init_cpuset(const char *dir, veil_error *err)
{
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  cleanup_free char *parent = strdup(dir);
  char *slash = parent ? strrchr(parent, '/') : NULL;

  if (!slash)
    return veil_fail(err, ENOMEM, "cgroup %s", dir);
  *slash = '\0';
  for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
    char cur[4096], val[4096];
    if (cg_read(dir, files[i], cur, sizeof(cur)) < 0)
      continue; /* a hierarchy mounted with noprefix, or no cpuset files: nothing to do */
    if (cur[strspn(cur, " \n")] != '\0')
      continue;
    if (cg_read(parent, files[i], val, sizeof(val)) < 0)
      return veil_fail(err, errno, "read %s/%s", parent, files[i]);
    if (cg_write(dir, files[i], val, err) < 0)
      return -1;
  }
  return 0;
}

/* A new cpu cgroup has no realtime budget (cpu.rt_runtime_us 0), and a child's budget must fit in
 * its parent's: the MADE trailing ancestors of DIR that this container created, and that have
 * none yet, get the budget DIR is about to get (period first), top down.  Directories it did not
 * make are the owner's to budget; the kernel's EINVAL then names them. */
int cg_v1_rt_ancestors(const char *dir, int made, uint64_t period, int64_t runtime, const char *key,
                       veil_error *err)
{
  char pbuf[32], rbuf[32];

  snprintf(pbuf, sizeof(pbuf), "%" PRIu64, period);
  snprintf(rbuf, sizeof(rbuf), "%" PRId64, runtime);
  for (int up = made - 1; up > 0; up--) {
    cleanup_free char *p = strdup(dir);
    char cur[64];
    if (!p)
      return veil_fail(err, ENOMEM, "%s", key);
    for (int k = 0; k < up; k++)
      *strrchr(p, '/') = '\0';
    if (cg_read(p, "cpu.rt_runtime_us", cur, sizeof(cur)) < 0 || strtoll(cur, NULL, 10) != 0)
      continue;
    if ((period && cg_write(p, "cpu.rt_period_us", pbuf, err) < 0) ||
        cg_write(p, "cpu.rt_runtime_us", rbuf, err) < 0)
      return veil_error_prefix(err, "%s: the parent cgroup made for it", key);
  }
  return 0;
}

static bool state_is(const char *dir, const char *want)
{
  char buf[64];

  if (cg_read(dir, "freezer.state", buf, sizeof(buf)) < 0)
    return false;
  buf[strcspn(buf, "\n")] = '\0';
  return !strcmp(buf, want);
}

bool cg_v1_is_frozen(const char *dir)
{
  return state_is(dir, "FROZEN");
}

bool cg_v1_is_frozen_effective(const char *dir)
{
  return state_is(dir, "FROZEN") || state_is(dir, "FREEZING");
}

/* FREEZING means some task has not stopped yet (e.g. in an uninterruptible sleep): the write is
 * repeated, as the kernel documentation suggests, until FROZEN or the time is up. */
int cg_v1_freeze(const char *dir, bool frozen, veil_error *err)
{
  const char *want = frozen ? "FROZEN" : "THAWED";
  struct timespec ts = {0, 1000000};

  for (int i = 0; i < 2000; i++) {
    if (cg_write(dir, "freezer.state", want, err) < 0)
      return -1;
    if (state_is(dir, want))
      return 0;
    nanosleep(&ts, NULL);
    if (ts.tv_nsec < 8000000)
      ts.tv_nsec *= 2;
  }
  if (frozen) {
    /* a half-frozen container is worse than a running one */
    cg_write(dir, "freezer.state", "THAWED", NULL);
  }
  return veil_fail(err, 0, "%s/freezer.state: still not %s after 10s", dir, want);
}

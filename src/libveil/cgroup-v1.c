/* veil — the cgroup v1 backend: what differs from v2 is the freezer (freezer.state) and the
 * cpuset of a new directory, which starts empty (cgroup-v1/cpusets.rst). */
#include "config.h"
#include "cgroup-internal.h"
#include "util.h"

#include <errno.h>
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

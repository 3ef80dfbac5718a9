/* veil — the cgroup v2 backend (cgroup-v2.rst): cgroup.freeze with cgroup.events, cgroup.kill,
 * controllers handed down through cgroup.subtree_control. */
#include "config.h"
#include "cgroup-internal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>

/* A directory that create made passes on every controller it got from its parent, so that the
 * container's own directory has them.  Failures are left to the resources that need them. */
int cg_v2_enable_controllers(const char *dir)
{
  char buf[1024];
  char *save = NULL;

  if (cg_read(dir, "cgroup.controllers", buf, sizeof(buf)) < 0)
    return -1;
  for (char *c = strtok_r(buf, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
    char plus[64];
    snprintf(plus, sizeof(plus), "+%s", c);
    cg_write(dir, "cgroup.subtree_control", plus, NULL);
  }
  return 0;
}

static bool list_has(const char *dir, const char *file, const char *word)
{
  char buf[1024];
  char *save = NULL;

  if (cg_read(dir, file, buf, sizeof(buf)) < 0)
    return false;
  for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
    if (!strcmp(t, word))
      return true;
  return false;
}

static bool on_cgroup2(const char *dir)
{
  struct statfs sf;

  return statfs(dir, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* A controller reaches DIR only if every ancestor hands it down, from the hierarchy's root.
 * runc and crun enable every controller along the path at create; veil enables one only when a
 * resource needs it, so a host's root cgroup keeps its controllers off until a container asks. */
int cg_v2_require_controller(const char *dir, const char *ctl, const char *key, veil_error *err)
{
  cleanup_free char *p = strdup(dir);
  char *cuts[64];
  size_t n = 0;

  if (!p)
    return veil_fail(err, ENOMEM, "%s", key);
  /* cut the path at each ancestor that is still on the cgroup2 mount, bottom up */
  for (char *s = strrchr(p, '/'); s && s != p && n < sizeof(cuts) / sizeof(cuts[0]);
       s = strrchr(p, '/')) {
    *s = '\0';
    if (!on_cgroup2(p)) {
      *s = '/';
      break;
    }
    cuts[n++] = s;
  }
  /* p is now the topmost ancestor on the mount; walk back down to DIR's parent */
  for (size_t i = n; i-- > 0;) {
    if (!list_has(p, "cgroup.controllers", ctl))
      return veil_fail(err, 0, "%s: the %s controller is not available in %s", key, ctl, p);
    if (!list_has(p, "cgroup.subtree_control", ctl)) {
      char plus[64];
      snprintf(plus, sizeof(plus), "+%s", ctl);
      if (cg_write(p, "cgroup.subtree_control", plus, err) < 0)
        return veil_error_prefix(err, "%s: enable the %s controller", key, ctl);
    }
    *cuts[i] = '/';
  }
  return 0;
}

/* "frozen 0|1" of cgroup.events */
static int events_frozen(const char *dir)
{
  char buf[512];
  const char *p;

  if (cg_read(dir, "cgroup.events", buf, sizeof(buf)) < 0)
    return -1;
  p = strstr(buf, "frozen ");
  return p ? p[7] == '1' : -1;
}

bool cg_v2_is_frozen(const char *dir)
{
  char buf[16];

  /* cgroup.freeze is what was asked; cgroup.events says whether it is done.  A container
   * that is being frozen is reported paused already, as runc does. */
  if (cg_read(dir, "cgroup.freeze", buf, sizeof(buf)) < 0)
    return false;
  return buf[0] == '1';
}

bool cg_v2_is_frozen_effective(const char *dir)
{
  return cg_v2_is_frozen(dir) || events_frozen(dir) == 1;
}

int cg_v2_freeze(const char *dir, bool frozen, veil_error *err)
{
  struct timespec ts = {0, 500000};

  if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  for (int i = 0; i < 2000; i++) {
    int f = events_frozen(dir);
    if (f < 0)
      return veil_fail(err, errno, "read %s/cgroup.events", dir);
    if (f == (int)frozen)
      return 0;
    nanosleep(&ts, NULL);
    if (ts.tv_nsec < 8000000)
      ts.tv_nsec *= 2;
  }
  if (frozen)
    cg_write(dir, "cgroup.freeze", "0", NULL);
  return veil_fail(err, 0, "%s: still not %s after 10s", dir, frozen ? "frozen" : "thawed");
}

int cg_v2_kill(const char *dir, veil_error *err)
{
  cleanup_free char *path = veil_strdup_printf("%s/cgroup.kill", dir);
  cleanup_close int fd = path ? open(path, O_WRONLY | O_CLOEXEC) : -1;

  if (fd < 0 && errno == ENOENT)
    return 1; /* before Linux 5.14 */
  if (fd < 0 || write(fd, "1", 1) != 1)
    return veil_fail(err, errno, "write %s", path ? path : dir);
  return 0;
}

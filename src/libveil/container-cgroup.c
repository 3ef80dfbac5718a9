/* veil — the lifecycle commands that only act on a container's cgroup: pause, resume, ps. */
#include "config.h"
#include "cgroup.h"
#include "container.h"
#include "state.h"
#include "util.h"

#include <errno.h>

/* The container locked (exclusive for a change), its state and its cgroup. */
int container_open_with_cgroup(const char *root, const char *id, bool exclusive,
                               veil_state_file **s, cgroup_handle **cg, veil_error *err)
{
  cleanup_close int rootfd = -1;
  int dirfd;

  *s = NULL;
  *cg = NULL;
  if (veil_validate_id(id, err) < 0)
    return -1;
  rootfd = state_root_open(root, false, err);
  if (rootfd < 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  dirfd = state_dir_open(rootfd, id, exclusive, err);
  if (dirfd < 0)
    return -1;
  if (state_read(dirfd, s, err) < 0 || cgroup_from_state(*s, cg, err) < 0) {
    close(dirfd);
    return -1;
  }
  return dirfd;
}

static int pause_or_resume(const char *root, const char *id, bool pause, veil_error *err)
{
  veil_state_file *s = NULL;
  cgroup_handle *cg = NULL;
  cleanup_close int dirfd = container_open_with_cgroup(root, id, true, &s, &cg, err);
  int rc = -1;

  if (dirfd < 0)
    goto out;
  veil_status st = state_status(dirfd, s);
  /* as runc: pause a created or running container, resume only a paused one */
  if (pause ? (st != VEIL_STATUS_RUNNING && st != VEIL_STATUS_CREATED) : st != VEIL_STATUS_PAUSED) {
    veil_fail(err, 0, "cannot %s container \"%s\": container is %s%s", pause ? "pause" : "resume",
              id, veil_status_name(st), pause ? "" : ", not paused");
    goto out;
  }
  if (!cg) {
    veil_fail(err, 0, "cannot %s container \"%s\": it has no cgroup", pause ? "pause" : "resume",
              id);
    goto out;
  }
  rc = cgroup_freeze(cg, pause, err);
out:
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

int veil_container_pause(const char *root, const char *id, veil_error *err)
{
  return pause_or_resume(root, id, true, err);
}

int veil_container_resume(const char *root, const char *id, veil_error *err)
{
  return pause_or_resume(root, id, false, err);
}

int veil_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, veil_error *err)
{
  veil_state_file *s = NULL;
  cgroup_handle *cg = NULL;
  cleanup_close int dirfd = container_open_with_cgroup(root, id, false, &s, &cg, err);
  int rc = -1;

  *pids = NULL;
  *n = 0;
  if (dirfd < 0)
    goto out;
  veil_status st = state_status(dirfd, s);
  if (st == VEIL_STATUS_STOPPED) {
    /* as runc: a stopped container has no processes, which is an answer, not an error */
    rc = 0;
    goto out;
  }
  if (st == VEIL_STATUS_CREATING) {
    veil_fail(err, 0, "container \"%s\" is %s", id, veil_status_name(st));
    goto out;
  }
  if (!cg) {
    veil_fail(err, 0, "container \"%s\" has no cgroup to list processes from", id);
    goto out;
  }
  rc = cgroup_pids(cg, pids, n, err);
out:
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

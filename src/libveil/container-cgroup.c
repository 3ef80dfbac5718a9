/* veil — the lifecycle commands that only act on a container's cgroup: pause, resume, ps. */
#include "config.h"
#include "cgroup.h"
#include "container.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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

/* Without a cgroup (rootless on cgroup v1): the processes in the init's pid namespace when it has
 * its own (exec'd ones are not the init's descendants); else the init alone. */
static int pids_in_pidns(pid_t init, pid_t **pids, size_t *n, veil_error *err)
{
  char path[64];
  struct stat ns, self, other;
  size_t cap = 16;
  struct dirent *de;

  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
  if (stat(path, &ns) < 0 || stat("/proc/self/ns/pid", &self) < 0)
    return veil_fail(err, errno, "pid namespace of the init %d", (int)init);
  if (!(*pids = malloc(cap * sizeof(pid_t))))
    return veil_fail(err, ENOMEM, "ps");
  (*pids)[(*n)++] = init;
  if (ns.st_ino == self.st_ino && ns.st_dev == self.st_dev)
    return 0;
  DIR *proc = opendir("/proc");
  if (!proc)
    return veil_fail(err, errno, "open /proc");
  while ((de = readdir(proc))) {
    int pid = atoi(de->d_name);
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
    if (pid <= 0 || pid == init || stat(path, &other) < 0 || other.st_ino != ns.st_ino ||
        other.st_dev != ns.st_dev)
      continue;
    if (*n == cap) {
      pid_t *more = realloc(*pids, (cap *= 2) * sizeof(pid_t));
      if (!more) {
        closedir(proc);
        return veil_fail(err, ENOMEM, "ps");
      }
      *pids = more;
    }
    (*pids)[(*n)++] = pid;
  }
  closedir(proc);
  return 0;
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
  rc = cg ? cgroup_pids(cg, pids, n, err) : pids_in_pidns(s->pid, pids, n, err);
out:
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

#include "config.h"
#include "nsview.h"
#include "cgroup.h"
#include "container.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

/* lsns's order */
static const char *const types[NSVIEW_TYPES] = {"mnt", "uts",  "ipc",    "pid",
                                                "net", "user", "cgroup", "time"};

const char *nsview_origin_name(nsview_origin o)
{
  return o == NSVIEW_NEW ? "new" : o == NSVIEW_JOINED ? "joined" : "shared";
}

static uint64_t ns_inode_at(const char *dir, const char *type)
{
  char path[64];
  struct stat st;

  snprintf(path, sizeof(path), "%s/%s", dir, type);
  return stat(path, &st) < 0 ? 0 : (uint64_t)st.st_ino;
}

static uint64_t ns_inode(pid_t pid, const char *type)
{
  char dir[32];

  snprintf(dir, sizeof(dir), "/proc/%d/ns", (int)pid);
  return ns_inode_at(dir, type);
}

/* For a user namespace this is its parent; hidden (EPERM) when it is outside the caller's. */
static uint64_t owner_inode(const char *proc_path)
{
  cleanup_close int fd = open(proc_path, O_RDONLY | O_CLOEXEC);
  cleanup_close int owner = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
  struct stat st;

  if (owner < 0 || fstat(owner, &st) < 0)
    return 0;
  return st.st_ino;
}

/* The state's record (namespaces.h: ns_plan_to_state); a state written before it existed has
 * none, and then only the host comparison is left. */
static nsview_origin origin_from_state(const veil_state_file *s, nsview_ns *n, bool *recorded)
{
  size_t tl = strlen(n->type);

  for (size_t i = 0; i < s->flags_len; i++) {
    const char *f = s->flags[i];
    if (!strncmp(f, "ns-", 3))
      *recorded = true;
    if (!strncmp(f, "ns-new=", 7) && !strcmp(f + 7, n->type))
      return NSVIEW_NEW;
    if (!strncmp(f, "ns-joined=", 10) && !strncmp(f + 10, n->type, tl) && f[10 + tl] == ':') {
      n->joined_path = strdup(f + 11 + tl);
      return NSVIEW_JOINED;
    }
  }
  return NSVIEW_SHARED;
}

static int read_idmap(pid_t pid, const char *file, nsview_idmap **out, size_t *n, veil_error *err)
{
  char path[64], line[256];
  cleanup_free nsview_idmap *m = NULL;
  size_t len = 0;

  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  FILE *f = fopen(path, "re");
  if (!f)
    return veil_fail(err, errno, "read %s", path);
  while (fgets(line, sizeof(line), f)) {
    nsview_idmap e;
    unsigned long long a, b, c;
    if (sscanf(line, "%llu %llu %llu", &a, &b, &c) != 3)
      continue;
    e = (nsview_idmap){a, b, c};
    nsview_idmap *nm = realloc(m, (len + 1) * sizeof(*m));
    if (!nm) {
      fclose(f);
      return veil_fail(err, ENOMEM, "read %s", path);
    }
    m = nm;
    m[len++] = e;
  }
  fclose(f);
  *out = steal_pointer(&m);
  *n = len;
  return 0;
}

static int read_time_offsets(pid_t pid, nsview *v, veil_error *err)
{
  char path[64], line[128], clock[32];
  long long secs, nsecs;

  snprintf(path, sizeof(path), "/proc/%d/timens_offsets", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return veil_fail(err, errno, "read %s", path);
  while (fgets(line, sizeof(line), f)) {
    if (sscanf(line, "%31s %lld %lld", clock, &secs, &nsecs) != 3)
      continue;
    /* the kernel names the clocks or, before 5.11's text form, numbers them */
    int64_t *dst = !strcmp(clock, "monotonic") || !strcmp(clock, "1")  ? v->monotonic
                   : !strcmp(clock, "boottime") || !strcmp(clock, "7") ? v->boottime
                                                                       : NULL;
    if (dst) {
      dst[0] = secs;
      dst[1] = nsecs;
    }
  }
  fclose(f);
  v->has_time_offsets = true;
  return 0;
}

static int members(nsview_ns *n, const pid_t *pids, size_t npids, veil_error *err)
{
  n->pids = calloc(npids ? npids : 1, sizeof(pid_t));
  if (!n->pids)
    return veil_fail(err, ENOMEM, "namespaces");
  for (size_t i = 0; i < npids; i++)
    /* a process that exits meanwhile has no inode and is left out */
    if (n->inode && ns_inode(pids[i], n->type) == n->inode)
      n->pids[n->n_pids++] = pids[i];
  return 0;
}

static int fill(nsview *v, const veil_state_file *s, const pid_t *pids, size_t npids,
                veil_error *err)
{
  bool recorded = false;

  v->host_ref = ns_inode_at("/proc/1/ns", "mnt") ? "/proc/1/ns" : "/proc/self/ns";
  for (size_t i = 0; i < NSVIEW_TYPES; i++) {
    nsview_ns *n = &v->ns[i];
    n->type = types[i];
    snprintf(n->proc_path, sizeof(n->proc_path), "/proc/%d/ns/%s", (int)v->pid, n->type);
    n->inode = ns_inode(v->pid, n->type);
    n->host_inode = ns_inode_at(v->host_ref, n->type);
    n->owner_inode = n->inode ? owner_inode(n->proc_path) : 0;
    n->origin = origin_from_state(s, n, &recorded);
    if (members(n, pids, npids, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < NSVIEW_TYPES && !recorded; i++)
    v->ns[i].origin = v->ns[i].inode == v->ns[i].host_inode ? NSVIEW_SHARED : NSVIEW_NEW;
  const nsview_ns *user = &v->ns[5], *time = &v->ns[7];
  /* the host's own maps and offsets say nothing; an unreadable host reference (a sandbox's
   * PID 1) leaves the state's record to decide */
  if (user->inode &&
      (user->origin != NSVIEW_SHARED || (user->host_inode && user->inode != user->host_inode)) &&
      (read_idmap(v->pid, "uid_map", &v->uid_map, &v->n_uid_map, err) < 0 ||
       read_idmap(v->pid, "gid_map", &v->gid_map, &v->n_gid_map, err) < 0))
    return -1;
  if (time->inode &&
      (time->origin != NSVIEW_SHARED || (time->host_inode && time->inode != time->host_inode)) &&
      read_time_offsets(v->pid, v, err) < 0)
    return -1;
  return 0;
}

int veil_container_ns(const char *root, const char *id, nsview *v, veil_error *err)
{
  veil_state_file *s = NULL;
  cgroup_handle *cg = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t npids = 0;
  int rc = -1;

  memset(v, 0, sizeof(*v));
  cleanup_close int dirfd = container_open_with_cgroup(root, id, false, &s, &cg, err);
  if (dirfd < 0)
    goto out;
  veil_status st = state_status(dirfd, s);
  /* reading /proc works on frozen tasks: paused is fine */
  if (st == VEIL_STATUS_STOPPED || st == VEIL_STATUS_CREATING) {
    veil_fail(err, 0, "container \"%s\" is %s: it has no namespaces to show", id,
              veil_status_name(st));
    goto out;
  }
  v->id = strdup(id);
  v->pid = s->pid;
  v->status = veil_status_name(st);
  if (!v->id) {
    veil_fail(err, ENOMEM, "namespaces");
    goto out;
  }
  if (cg && cgroup_pids(cg, &pids, &npids, err) < 0)
    goto out;
  rc = fill(v, s, pids, npids, err);
  /* the init may have died while we looked */
  if (rc == 0 && !state_init_alive(s))
    rc = veil_fail(err, 0, "container \"%s\" stopped while its namespaces were read", id);
out:
  if (rc < 0)
    nsview_free(v);
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

void nsview_free(nsview *v)
{
  for (size_t i = 0; i < NSVIEW_TYPES; i++) {
    free(v->ns[i].joined_path);
    free(v->ns[i].pids);
  }
  free(v->uid_map);
  free(v->gid_map);
  free(v->id);
  memset(v, 0, sizeof(*v));
}

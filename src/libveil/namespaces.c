#include "config.h"
#include "namespaces.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* User first: joining it decides who owns what is created or joined after it. */
static const ns_desc ns_table[NS_MAX] = {
    {"user", CLONE_NEWUSER, "user"},       {"ipc", CLONE_NEWIPC, "ipc"},
    {"uts", CLONE_NEWUTS, "uts"},          {"network", CLONE_NEWNET, "net"},
    {"pid", CLONE_NEWPID, "pid"},          {"time", CLONE_NEWTIME, "time"},
    {"cgroup", CLONE_NEWCGROUP, "cgroup"}, {"mount", CLONE_NEWNS, "mnt"},
};

const ns_desc *ns_lookup(const char *name)
{
  for (size_t i = 0; i < NS_MAX; i++)
    if (!strcmp(ns_table[i].name, name))
      return &ns_table[i];
  return NULL;
}

const ns_desc *ns_by_flag(int flag)
{
  for (size_t i = 0; i < NS_MAX; i++)
    if (ns_table[i].flag == flag)
      return &ns_table[i];
  return NULL;
}

void ns_supported_names(veil_name_fn fn, void *data)
{
  char path[64];

  /* the kernel shows in /proc/self/ns exactly the namespace types it was built with */
  for (size_t i = 0; i < NS_MAX; i++) {
    snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_table[i].proc);
    if (access(path, F_OK) == 0)
      fn(ns_table[i].name, data);
  }
}

void ns_plan_release(ns_plan *plan)
{
  for (size_t i = 0; i < plan->n_join; i++) {
    if (plan->join[i].fd >= 0)
      close(plan->join[i].fd);
    free(plan->join[i].path);
  }
  plan->n_join = 0;
}

bool ns_plan_joins(const ns_plan *p, int flag)
{
  for (size_t i = 0; i < p->n_join; i++)
    if (p->join[i].flag == flag)
      return true;
  return false;
}

bool ns_plan_separate(const ns_plan *p, int flag)
{
  const ns_desc *d = ns_by_flag(flag);
  struct stat joined, ours;
  char own[64];

  if (ns_plan_new(p, flag))
    return true;
  for (size_t i = 0; i < p->n_join; i++) {
    if (p->join[i].flag != flag)
      continue;
    /* veil check's stand-in for a path it could not open: that problem is reported already */
    if (p->join[i].fd < 0)
      return true;
    snprintf(own, sizeof(own), "/proc/self/ns/%s", d->proc);
    /* what cannot be compared counts as shared: the caller refuses rather than guesses */
    if (fstat(p->join[i].fd, &joined) < 0 || stat(own, &ours) < 0)
      return false;
    return joined.st_ino != ours.st_ino || joined.st_dev != ours.st_dev;
  }
  return false;
}

int ns_plan_to_state(const ns_plan *p, veil_state_file *s, veil_error *err)
{
  for (size_t i = 0; i < NS_MAX; i++)
    if (ns_plan_new(p, ns_table[i].flag) &&
        state_flag_add(s, veil_strdup_printf("ns-new=%s", ns_table[i].proc)) < 0)
      return veil_fail(err, ENOMEM, "namespaces");
  for (size_t i = 0; i < p->n_join; i++)
    if (state_flag_add(s, veil_strdup_printf("ns-joined=%s:%s", ns_by_flag(p->join[i].flag)->proc,
                                             p->join[i].path)) < 0)
      return veil_fail(err, ENOMEM, "namespaces");
  return 0;
}

static int open_ns_path(const char *field, const ns_desc *d, const char *path, veil_error *err)
{
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return veil_fail(err, errno, "%s: open namespace %s", field, path);
  type = ioctl(fd, NS_GET_NSTYPE);
  if (type < 0)
    return veil_fail(err, errno == ENOTTY ? 0 : errno, "%s: %s is not a namespace", field, path);
  if (type != d->flag) {
    const ns_desc *actual = ns_by_flag(type);
    return veil_fail(err, 0, "%s: %s is a %s namespace, not %s", field, path,
                     actual ? actual->name : "different", d->name);
  }
  return steal_fd(&fd);
}

int ns_plan_build(const oci_config *cfg, ns_plan *plan, veil_error *err)
{
  return ns_plan_build_paths(cfg, plan, true, err);
}

int ns_plan_build_paths(const oci_config *cfg, ns_plan *plan, bool open_paths, veil_error *err)
{
  const oci_linux *l = cfg->linux;
  const char *paths[NS_MAX] = {0};
  size_t idx[NS_MAX] = {0};

  memset(plan, 0, sizeof(*plan));
  if (!l)
    return 0;
  for (size_t i = 0; i < l->namespaces_len; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    const ns_desc *d = ns_lookup(ns->type ? ns->type : "");
    if (!d)
      return veil_fail(err, 0, "linux.namespaces[%zu].type: unknown namespace \"%s\"", i,
                       ns->type ? ns->type : "");
    size_t t = (size_t)(d - ns_table);
    if ((plan->new_flags & d->flag) || paths[t])
      return veil_fail(err, 0, "linux.namespaces[%zu].type: duplicate namespace \"%s\"", i,
                       d->name);
    if (ns->path && *ns->path) {
      paths[t] = ns->path;
      idx[t] = i;
    } else {
      plan->new_flags |= d->flag;
    }
  }
  for (size_t t = 0; t < NS_MAX; t++) {
    char field[64];
    if (!paths[t])
      continue;
    snprintf(field, sizeof(field), "linux.namespaces[%zu].path", idx[t]);
    int fd = open_paths ? open_ns_path(field, &ns_table[t], paths[t], err) : -1;
    if (open_paths && fd < 0) {
      ns_plan_release(plan);
      return -1;
    }
    ns_join *j = &plan->join[plan->n_join++];
    j->fd = fd;
    j->flag = ns_table[t].flag;
    j->path = strdup(paths[t]);
  }
  if (l->uid_mappings_len + l->gid_mappings_len > 0 && !ns_plan_new(plan, CLONE_NEWUSER) &&
      !ns_plan_joins(plan, CLONE_NEWUSER)) {
    ns_plan_release(plan);
    return veil_fail(err, 0, "linux.uidMappings: a user namespace is required for id mappings");
  }
  if (ns_plan_new(plan, CLONE_NEWUSER) && (l->uid_mappings_len == 0 || l->gid_mappings_len == 0)) {
    ns_plan_release(plan);
    return veil_fail(err, 0, "linux.%s: a new user namespace needs mappings",
                     l->uid_mappings_len == 0 ? "uidMappings" : "gidMappings");
  }
  if (l->time_offsets_len > 0) {
    if (!ns_plan_new(plan, CLONE_NEWTIME)) {
      ns_plan_release(plan);
      return veil_fail(err, 0, "linux.timeOffsets: a new time namespace is required");
    }
    plan->time_offsets = true;
  }
  return 0;
}

bool ns_plan_single_clone(const ns_plan *p)
{
  return p->n_join == 0 && !p->time_offsets;
}

/* With a new user namespace the IPC one comes after the maps (ns_unshare_after_maps): its mqueue
 * filesystem is made with the creator's ids then, and must belong to the container's root, not
 * to the overflow id of a process not mapped yet (runc's order). */
static int deferred_flags(const ns_plan *p)
{
  return CLONE_NEWCGROUP | (ns_plan_new(p, CLONE_NEWUSER) ? CLONE_NEWIPC : 0);
}

uint64_t ns_plan_clone_flags(const ns_plan *p)
{
  if (!ns_plan_single_clone(p))
    return 0;
  return (uint64_t)(p->new_flags & ~deferred_flags(p));
}

int ns_unshare_after_maps(const ns_plan *p, veil_error *err)
{
  if (ns_plan_new(p, CLONE_NEWUSER) && ns_plan_new(p, CLONE_NEWIPC) && unshare(CLONE_NEWIPC) < 0)
    return veil_fail(err, errno, "unshare the IPC namespace");
  return 0;
}

bool ns_plan_needs_fork(const ns_plan *p)
{
  if (ns_plan_single_clone(p))
    return false;
  return ns_plan_new(p, CLONE_NEWPID) || ns_plan_joins(p, CLONE_NEWPID) ||
         ns_plan_new(p, CLONE_NEWTIME);
}

int ns_enter_joined(ns_plan *p, veil_error *err)
{
  for (size_t i = 0; i < p->n_join; i++) {
    ns_join *j = &p->join[i];
    if (setns(j->fd, j->flag) < 0)
      return veil_fail(err, errno, "join namespace %s", j->path);
    close(j->fd);
    j->fd = -1;
  }
  return 0;
}

int ns_unshare_new(const ns_plan *p, veil_error *err)
{
  int flags = p->new_flags & ~deferred_flags(p);

  if (flags && unshare(flags) < 0)
    return veil_fail(err, errno, "unshare namespaces");
  return 0;
}

int ns_write_time_offsets(const oci_config *cfg, veil_error *err)
{
  const oci_linux *l = cfg->linux;
  char buf[256];
  size_t off = 0;

  for (size_t i = 0; i < l->time_offsets_len; i++) {
    const oci_time_offset *t = &l->time_offsets[i];
    int n = snprintf(buf + off, sizeof(buf) - off, "%s %lld %u\n", t->clock, (long long)t->secs,
                     (unsigned)t->nanosecs);
    if (n < 0 || (size_t)n >= sizeof(buf) - off)
      return veil_fail(err, E2BIG, "linux.timeOffsets");
    off += (size_t)n;
  }
  /* All offsets in one write: the kernel takes them atomically or not at all. */
  if (veil_write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, off, 0, err) < 0)
    return veil_error_prefix(err, "linux.timeOffsets");
  return 0;
}

int ns_loopback_up(veil_error *err)
{
  cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (sock < 0)
    return veil_fail(err, errno, "bring up lo: socket");
  memset(&ifr, 0, sizeof(ifr));
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
    return veil_fail(err, errno, "bring up lo: get its flags");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
    return veil_fail(err, errno, "bring up lo");
  return 0;
}

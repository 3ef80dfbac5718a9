/* libocispec: parsing of config.json's "linux" object (config-linux.md). */
#include "internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const namespace_types[] = {
    "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};

static const char *const propagations[] = {
    "private", "rprivate",   "shared",      "rshared", "slave",
    "rslave",  "unbindable", "runbindable", NULL,
};

static const char *const device_types[] = {"c", "b", "u", "p", NULL};

static const char *const cgroup_device_types[] = {"a", "c", "b", NULL};

static const char *const clocks[] = {"monotonic", "boottime", NULL};

static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL,
};

static const char *const seccomp_ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};

/* Required string member that must be one of `list`. */
static int get_enum(pctx *c, const jnode *o, const jpath *p, const char *k, int req,
                    const char *const *list, const char *what, char **out)
{
  if (jget_str(c, o, p, k, req, out) < 0)
    return -1;
  if (*out != NULL && !str_in(*out, list)) {
    jpath kp = jp_key(p, k, strlen(k));
    return perr(c, &kp, "unknown %s \"%.40s\"", what, *out);
  }
  return 0;
}

/* ---------------------------------------------------------------------- */

static int parse_namespace(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_namespace *ns = out;
  if (get_enum(c, o, p, "type", REQ, namespace_types, "namespace", &ns->type) < 0 ||
      jget_str(c, o, p, "path", OPT, &ns->path) < 0)
    return -1;
  return 0;
}

static int parse_time_offset(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_time_offset *t = out;
  if (!str_in(t->clock, clocks))
    return perr(c, p, "unknown clock \"%.40s\"", t->clock);
  if (jget_i64(c, o, p, "secs", OPT, &t->secs, NULL) < 0 ||
      jget_u32(c, o, p, "nanosecs", OPT, &t->nanosecs, NULL) < 0)
    return -1;
  if (t->nanosecs >= 1000000000u) {
    jpath np = jp_key(p, "nanosecs", 8);
    return perr(c, &np, "value %u out of range (must be less than 1000000000)", t->nanosecs);
  }
  return 0;
}

static int parse_device(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_device *d = out;
  if (get_enum(c, o, p, "type", REQ, device_types, "device type", &d->type) < 0 ||
      jget_str(c, o, p, "path", REQ, &d->path) < 0)
    return -1;
  int req = strcmp(d->type, "p") == 0 ? OPT : REQ;
  if (jget_i64(c, o, p, "major", req, &d->major, NULL) < 0 ||
      jget_i64(c, o, p, "minor", req, &d->minor, NULL) < 0 ||
      jget_u32(c, o, p, "fileMode", OPT, &d->file_mode, &d->has_file_mode) < 0 ||
      jget_u32(c, o, p, "uid", OPT, &d->uid, &d->has_uid) < 0 ||
      jget_u32(c, o, p, "gid", OPT, &d->gid, &d->has_gid) < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* resources */

static int parse_device_cgroup(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_device_cgroup *d = out;
  if (jget_bool(c, o, p, "allow", REQ, &d->allow, NULL) < 0 ||
      get_enum(c, o, p, "type", OPT, cgroup_device_types, "device type", &d->type) < 0 ||
      jget_i64(c, o, p, "major", OPT, &d->major, &d->has_major) < 0 ||
      jget_i64(c, o, p, "minor", OPT, &d->minor, &d->has_minor) < 0 ||
      jget_str(c, o, p, "access", OPT, &d->access) < 0)
    return -1;
  /* as runc: letters other than r, w and m are ignored ("rwa" is "rw"), but one must be there;
   * an empty access is refused too, not read as the "rwm" of an absent one */
  if (d->access != NULL && !strpbrk(d->access, "rwm")) {
    jpath ap = jp_key(p, "access", 6);
    return perr(c, &ap, "invalid access \"%.40s\" (none of r, w, m)", d->access);
  }
  return 0;
}

static int parse_memory(pctx *c, const jnode *o, const jpath *p, oci_memory *m)
{
  if (jget_i64(c, o, p, "limit", OPT, &m->limit, &m->has_limit) < 0 ||
      jget_i64(c, o, p, "reservation", OPT, &m->reservation, &m->has_reservation) < 0 ||
      jget_i64(c, o, p, "swap", OPT, &m->swap, &m->has_swap) < 0 ||
      jget_i64(c, o, p, "kernel", OPT, &m->kernel, &m->has_kernel) < 0 ||
      jget_i64(c, o, p, "kernelTCP", OPT, &m->kernel_tcp, &m->has_kernel_tcp) < 0 ||
      jget_u64(c, o, p, "swappiness", OPT, &m->swappiness, &m->has_swappiness) < 0 ||
      jget_bool(c, o, p, "disableOOMKiller", OPT, &m->disable_oom_killer,
                &m->has_disable_oom_killer) < 0 ||
      jget_bool(c, o, p, "useHierarchy", OPT, &m->use_hierarchy, &m->has_use_hierarchy) < 0 ||
      jget_bool(c, o, p, "checkBeforeUpdate", OPT, &m->check_before_update,
                &m->has_check_before_update) < 0)
    return -1;
  return 0;
}

static int parse_cpu(pctx *c, const jnode *o, const jpath *p, oci_cpu *cpu)
{
  if (jget_u64(c, o, p, "shares", OPT, &cpu->shares, &cpu->has_shares) < 0 ||
      jget_i64(c, o, p, "quota", OPT, &cpu->quota, &cpu->has_quota) < 0 ||
      jget_u64(c, o, p, "burst", OPT, &cpu->burst, &cpu->has_burst) < 0 ||
      jget_u64(c, o, p, "period", OPT, &cpu->period, &cpu->has_period) < 0 ||
      jget_i64(c, o, p, "realtimeRuntime", OPT, &cpu->realtime_runtime,
               &cpu->has_realtime_runtime) < 0 ||
      jget_u64(c, o, p, "realtimePeriod", OPT, &cpu->realtime_period, &cpu->has_realtime_period) <
          0 ||
      jget_str(c, o, p, "cpus", OPT, &cpu->cpus) < 0 ||
      jget_str(c, o, p, "mems", OPT, &cpu->mems) < 0 ||
      jget_i64(c, o, p, "idle", OPT, &cpu->idle, &cpu->has_idle) < 0)
    return -1;
  return 0;
}

static int parse_pids(pctx *c, const jnode *o, const jpath *p, oci_pids *pids)
{
  return jget_i64(c, o, p, "limit", REQ, &pids->limit, NULL);
}

static int parse_weight_device(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_weight_device *w = out;
  if (jget_i64(c, o, p, "major", REQ, &w->major, NULL) < 0 ||
      jget_i64(c, o, p, "minor", REQ, &w->minor, NULL) < 0 ||
      jget_u16(c, o, p, "weight", OPT, &w->weight, &w->has_weight) < 0 ||
      jget_u16(c, o, p, "leafWeight", OPT, &w->leaf_weight, &w->has_leaf_weight) < 0)
    return -1;
  return 0;
}

static int parse_throttle_device(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_throttle_device *t = out;
  if (jget_i64(c, o, p, "major", REQ, &t->major, NULL) < 0 ||
      jget_i64(c, o, p, "minor", REQ, &t->minor, NULL) < 0 ||
      jget_u64(c, o, p, "rate", REQ, &t->rate, NULL) < 0)
    return -1;
  return 0;
}

static int parse_block_io(pctx *c, const jnode *o, const jpath *p, oci_block_io *b)
{
  if (jget_u16(c, o, p, "weight", OPT, &b->weight, &b->has_weight) < 0 ||
      jget_u16(c, o, p, "leafWeight", OPT, &b->leaf_weight, &b->has_leaf_weight) < 0)
    return -1;
  JOBJARR(c, o, p, "weightDevice", OPT, b->weight_device, parse_weight_device, oci_nothing_clear);
  JOBJARR(c, o, p, "throttleReadBpsDevice", OPT, b->throttle_read_bps_device, parse_throttle_device,
          oci_nothing_clear);
  JOBJARR(c, o, p, "throttleWriteBpsDevice", OPT, b->throttle_write_bps_device,
          parse_throttle_device, oci_nothing_clear);
  JOBJARR(c, o, p, "throttleReadIOPSDevice", OPT, b->throttle_read_iops_device,
          parse_throttle_device, oci_nothing_clear);
  JOBJARR(c, o, p, "throttleWriteIOPSDevice", OPT, b->throttle_write_iops_device,
          parse_throttle_device, oci_nothing_clear);
  return 0;
}

static int parse_hugepage_limit(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_hugepage_limit *h = out;
  /* "pagesize" too: runc reads the field case-insensitively, and some tools write it so */
  if (jget_str(c, o, p, jobj_key_ci(o, "pageSize"), REQ, &h->page_size) < 0 ||
      jget_u64(c, o, p, "limit", REQ, &h->limit, NULL) < 0)
    return -1;
  return 0;
}

static int parse_interface_priority(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_interface_priority *ip = out;
  if (jget_str(c, o, p, "name", REQ, &ip->name) < 0 ||
      jget_u32(c, o, p, "priority", REQ, &ip->priority, NULL) < 0)
    return -1;
  return 0;
}

static int parse_network(pctx *c, const jnode *o, const jpath *p, oci_network *n)
{
  if (jget_u32(c, o, p, "classID", OPT, &n->class_id, &n->has_class_id) < 0)
    return -1;
  JOBJARR(c, o, p, "priorities", OPT, n->priorities, parse_interface_priority,
          oci_interface_priority_clear);
  return 0;
}

static int parse_rdma(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_rdma *r = out;
  if (jget_u32(c, o, p, "hcaHandles", OPT, &r->hca_handles, &r->has_hca_handles) < 0 ||
      jget_u32(c, o, p, "hcaObjects", OPT, &r->hca_objects, &r->has_hca_objects) < 0)
    return -1;
  return 0;
}

int parse_resources(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_resources *r = out;
  JOBJARR(c, o, p, "devices", OPT, r->devices, parse_device_cgroup, oci_device_cgroup_clear);
  JSUBOBJ(c, o, p, "memory", OPT, r->memory, parse_memory);
  JSUBOBJ(c, o, p, "cpu", OPT, r->cpu, parse_cpu);
  JSUBOBJ(c, o, p, "pids", OPT, r->pids, parse_pids);
  JSUBOBJ(c, o, p, "blockIO", OPT, r->block_io, parse_block_io);
  JOBJARR(c, o, p, "hugepageLimits", OPT, r->hugepage_limits, parse_hugepage_limit,
          oci_hugepage_limit_clear);
  JSUBOBJ(c, o, p, "network", OPT, r->network, parse_network);
  void *tmp = NULL;
  if (jget_objmap(c, o, p, "rdma", sizeof(oci_rdma), offsetof(oci_rdma, device), parse_rdma,
                  oci_rdma_clear, &tmp, &r->rdma_len) < 0)
    return -1;
  r->rdma = tmp;
  if (jget_map(c, o, p, "unified", &r->unified) < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* seccomp, personality, intelRdt, netDevices, memoryPolicy */

static int parse_seccomp_arg(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_seccomp_arg *a = out;
  if (jget_u32(c, o, p, "index", REQ, &a->index, NULL) < 0 ||
      jget_u64(c, o, p, "value", REQ, &a->value, NULL) < 0 ||
      jget_u64(c, o, p, "valueTwo", OPT, &a->value_two, &a->has_value_two) < 0 ||
      get_enum(c, o, p, "op", REQ, seccomp_ops, "seccomp operator", &a->op) < 0)
    return -1;
  return 0;
}

static int parse_seccomp_syscall(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_seccomp_syscall *s = out;
  if (jget_strv(c, o, p, "names", REQ, &s->names, &s->names_len) < 0)
    return -1;
  if (s->names_len == 0) {
    jpath np = jp_key(p, "names", 5);
    return perr(c, &np, "must contain at least one entry");
  }
  if (get_enum(c, o, p, "action", REQ, seccomp_actions, "seccomp action", &s->action) < 0 ||
      jget_u32(c, o, p, "errnoRet", OPT, &s->errno_ret, &s->has_errno_ret) < 0)
    return -1;
  JOBJARR(c, o, p, "args", OPT, s->args, parse_seccomp_arg, oci_seccomp_arg_clear);
  return 0;
}

static int parse_seccomp(pctx *c, const jnode *o, const jpath *p, oci_seccomp *s)
{
  if (get_enum(c, o, p, "defaultAction", REQ, seccomp_actions, "seccomp action",
               &s->default_action) < 0 ||
      jget_u32(c, o, p, "defaultErrnoRet", OPT, &s->default_errno_ret, &s->has_default_errno_ret) <
          0 ||
      jget_strv(c, o, p, "architectures", OPT, &s->architectures, &s->architectures_len) < 0 ||
      jget_strv(c, o, p, "flags", OPT, &s->flags, &s->flags_len) < 0 ||
      jget_str(c, o, p, "listenerPath", OPT, &s->listener_path) < 0 ||
      jget_str(c, o, p, "listenerMetadata", OPT, &s->listener_metadata) < 0)
    return -1;
  JOBJARR(c, o, p, "syscalls", OPT, s->syscalls, parse_seccomp_syscall, oci_seccomp_syscall_clear);
  return 0;
}

static int parse_personality(pctx *c, const jnode *o, const jpath *p, oci_personality *pe)
{
  if (get_enum(c, o, p, "domain", REQ, personality_domains, "personality domain", &pe->domain) <
          0 ||
      jget_strv(c, o, p, "flags", OPT, &pe->flags, &pe->flags_len) < 0)
    return -1;
  return 0;
}

static int parse_intel_rdt(pctx *c, const jnode *o, const jpath *p, oci_intel_rdt *r)
{
  if (jget_str(c, o, p, "closID", OPT, &r->clos_id) < 0 ||
      jget_str(c, o, p, "l3CacheSchema", OPT, &r->l3_cache_schema) < 0 ||
      jget_str(c, o, p, "memBwSchema", OPT, &r->mem_bw_schema) < 0 ||
      jget_str(c, o, p, "schemata", OPT, &r->schemata) < 0 ||
      jget_bool(c, o, p, "enableCMT", OPT, &r->enable_cmt, NULL) < 0 ||
      jget_bool(c, o, p, "enableMBM", OPT, &r->enable_mbm, NULL) < 0)
    return -1;
  return 0;
}

static int parse_net_device(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_net_device *nd = out;
  return jget_str(c, o, p, "name", OPT, &nd->name);
}

static int parse_memory_policy(pctx *c, const jnode *o, const jpath *p, oci_memory_policy *m)
{
  if (jget_str(c, o, p, "mode", REQ, &m->mode) < 0 ||
      jget_str(c, o, p, "nodes", OPT, &m->nodes) < 0 ||
      jget_strv(c, o, p, "flags", OPT, &m->flags, &m->flags_len) < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------------- */

int parse_linux(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_linux *l = out;
  JOBJARR(c, o, p, "namespaces", OPT, l->namespaces, parse_namespace, oci_namespace_clear);
  /* every type is one of 8 known values, so a duplicate shows up early */
  for (size_t i = 1; i < l->namespaces_len; i++) {
    for (size_t j = 0; j < i; j++) {
      if (strcmp(l->namespaces[i].type, l->namespaces[j].type) == 0) {
        jpath np = jp_key(p, "namespaces", 10);
        jpath ip = jp_index(&np, i);
        jpath tp = jp_key(&ip, "type", 4);
        return perr(c, &tp, "duplicate namespace \"%s\"", l->namespaces[i].type);
      }
    }
  }
  JOBJARR(c, o, p, "uidMappings", OPT, l->uid_mappings, parse_id_mapping, oci_nothing_clear);
  JOBJARR(c, o, p, "gidMappings", OPT, l->gid_mappings, parse_id_mapping, oci_nothing_clear);

  void *tmp = NULL;
  if (jget_objmap(c, o, p, "timeOffsets", sizeof(oci_time_offset), offsetof(oci_time_offset, clock),
                  parse_time_offset, oci_time_offset_clear, &tmp, &l->time_offsets_len) < 0)
    return -1;
  l->time_offsets = tmp;

  JOBJARR(c, o, p, "devices", OPT, l->devices, parse_device, oci_device_clear);
  if (jget_str(c, o, p, "cgroupsPath", OPT, &l->cgroups_path) < 0)
    return -1;
  JSUBOBJ(c, o, p, "resources", OPT, l->resources, parse_resources);
  if (get_enum(c, o, p, "rootfsPropagation", OPT, propagations, "propagation",
               &l->rootfs_propagation) < 0 ||
      jget_strv(c, o, p, "maskedPaths", OPT, &l->masked_paths, &l->masked_paths_len) < 0 ||
      jget_strv(c, o, p, "readonlyPaths", OPT, &l->readonly_paths, &l->readonly_paths_len) < 0 ||
      jget_str(c, o, p, "mountLabel", OPT, &l->mount_label) < 0 ||
      jget_map(c, o, p, "sysctl", &l->sysctl) < 0)
    return -1;
  JSUBOBJ(c, o, p, "seccomp", OPT, l->seccomp, parse_seccomp);
  JSUBOBJ(c, o, p, "personality", OPT, l->personality, parse_personality);
  JSUBOBJ(c, o, p, "intelRdt", OPT, l->intel_rdt, parse_intel_rdt);

  tmp = NULL;
  if (jget_objmap(c, o, p, "netDevices", sizeof(oci_net_device),
                  offsetof(oci_net_device, host_name), parse_net_device, oci_net_device_clear, &tmp,
                  &l->net_devices_len) < 0)
    return -1;
  l->net_devices = tmp;

  JSUBOBJ(c, o, p, "memoryPolicy", OPT, l->memory_policy, parse_memory_policy);
  return 0;
}

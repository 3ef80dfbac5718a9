/* libocispec: config.json generation (key order follows the spec's Go
 * bindings) and the standalone resources document. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void gen_i64_opt(gctx *g, const char *k, int64_t v, bool has)
{
  if (has)
    g_i64(g, k, v);
}

static void gen_u64_opt(gctx *g, const char *k, uint64_t v, bool has)
{
  if (has)
    g_u64(g, k, v);
}

static void gen_bool_opt(gctx *g, const char *k, bool v, bool has)
{
  if (has)
    g_bool(g, k, v);
}

void gen_id_mappings(gctx *g, const char *k, const oci_id_mapping *m, size_t n)
{
  if (m == NULL)
    return;
  g_key(g, k);
  g_array_open(g);
  for (size_t i = 0; i < n; i++) {
    g_map_open(g);
    g_u64(g, "containerID", m[i].container_id);
    g_u64(g, "hostID", m[i].host_id);
    g_u64(g, "size", m[i].size);
    g_map_close(g);
  }
  g_array_close(g);
}

static void gen_hooks_array(gctx *g, const char *k, const oci_hook *h, size_t n)
{
  if (h == NULL)
    return;
  g_key(g, k);
  g_array_open(g);
  for (size_t i = 0; i < n; i++) {
    g_map_open(g);
    g_str(g, "path", h[i].path);
    g_strv(g, "args", h[i].args, h[i].args_len);
    g_strv(g, "env", h[i].env, h[i].env_len);
    gen_i64_opt(g, "timeout", h[i].timeout, h[i].has_timeout);
    g_map_close(g);
  }
  g_array_close(g);
}

static void gen_hooks(gctx *g, const oci_hooks *h)
{
  g_key(g, "hooks");
  g_map_open(g);
  gen_hooks_array(g, "prestart", h->prestart, h->prestart_len);
  gen_hooks_array(g, "createRuntime", h->create_runtime, h->create_runtime_len);
  gen_hooks_array(g, "createContainer", h->create_container, h->create_container_len);
  gen_hooks_array(g, "startContainer", h->start_container, h->start_container_len);
  gen_hooks_array(g, "poststart", h->poststart, h->poststart_len);
  gen_hooks_array(g, "poststop", h->poststop, h->poststop_len);
  g_map_close(g);
}

static void gen_mounts(gctx *g, const oci_mount *m, size_t n)
{
  if (m == NULL)
    return;
  g_key(g, "mounts");
  g_array_open(g);
  for (size_t i = 0; i < n; i++) {
    g_map_open(g);
    g_str(g, "destination", m[i].destination);
    g_str(g, "type", m[i].type);
    g_str(g, "source", m[i].source);
    g_strv(g, "options", m[i].options, m[i].options_len);
    gen_id_mappings(g, "uidMappings", m[i].uid_mappings, m[i].uid_mappings_len);
    gen_id_mappings(g, "gidMappings", m[i].gid_mappings, m[i].gid_mappings_len);
    g_map_close(g);
  }
  g_array_close(g);
}

/* ---------------------------------------------------------------------- */
/* resources */

static void gen_memory(gctx *g, const oci_memory *m)
{
  g_key(g, "memory");
  g_map_open(g);
  gen_i64_opt(g, "limit", m->limit, m->has_limit);
  gen_i64_opt(g, "reservation", m->reservation, m->has_reservation);
  gen_i64_opt(g, "swap", m->swap, m->has_swap);
  gen_i64_opt(g, "kernel", m->kernel, m->has_kernel);
  gen_i64_opt(g, "kernelTCP", m->kernel_tcp, m->has_kernel_tcp);
  gen_u64_opt(g, "swappiness", m->swappiness, m->has_swappiness);
  gen_bool_opt(g, "disableOOMKiller", m->disable_oom_killer, m->has_disable_oom_killer);
  gen_bool_opt(g, "useHierarchy", m->use_hierarchy, m->has_use_hierarchy);
  gen_bool_opt(g, "checkBeforeUpdate", m->check_before_update, m->has_check_before_update);
  g_map_close(g);
}

static void gen_cpu(gctx *g, const oci_cpu *c)
{
  g_key(g, "cpu");
  g_map_open(g);
  gen_u64_opt(g, "shares", c->shares, c->has_shares);
  gen_i64_opt(g, "quota", c->quota, c->has_quota);
  gen_u64_opt(g, "burst", c->burst, c->has_burst);
  gen_u64_opt(g, "period", c->period, c->has_period);
  gen_i64_opt(g, "realtimeRuntime", c->realtime_runtime, c->has_realtime_runtime);
  gen_u64_opt(g, "realtimePeriod", c->realtime_period, c->has_realtime_period);
  g_str(g, "cpus", c->cpus);
  g_str(g, "mems", c->mems);
  gen_i64_opt(g, "idle", c->idle, c->has_idle);
  g_map_close(g);
}

static void gen_throttle(gctx *g, const char *k, const oci_throttle_device *t, size_t n)
{
  if (t == NULL)
    return;
  g_key(g, k);
  g_array_open(g);
  for (size_t i = 0; i < n; i++) {
    g_map_open(g);
    g_i64(g, "major", t[i].major);
    g_i64(g, "minor", t[i].minor);
    g_u64(g, "rate", t[i].rate);
    g_map_close(g);
  }
  g_array_close(g);
}

static void gen_block_io(gctx *g, const oci_block_io *b)
{
  g_key(g, "blockIO");
  g_map_open(g);
  gen_u64_opt(g, "weight", b->weight, b->has_weight);
  gen_u64_opt(g, "leafWeight", b->leaf_weight, b->has_leaf_weight);
  if (b->weight_device != NULL) {
    g_key(g, "weightDevice");
    g_array_open(g);
    for (size_t i = 0; i < b->weight_device_len; i++) {
      const oci_weight_device *w = &b->weight_device[i];
      g_map_open(g);
      g_i64(g, "major", w->major);
      g_i64(g, "minor", w->minor);
      gen_u64_opt(g, "weight", w->weight, w->has_weight);
      gen_u64_opt(g, "leafWeight", w->leaf_weight, w->has_leaf_weight);
      g_map_close(g);
    }
    g_array_close(g);
  }
  gen_throttle(g, "throttleReadBpsDevice", b->throttle_read_bps_device,
               b->throttle_read_bps_device_len);
  gen_throttle(g, "throttleWriteBpsDevice", b->throttle_write_bps_device,
               b->throttle_write_bps_device_len);
  gen_throttle(g, "throttleReadIOPSDevice", b->throttle_read_iops_device,
               b->throttle_read_iops_device_len);
  gen_throttle(g, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
               b->throttle_write_iops_device_len);
  g_map_close(g);
}

static void gen_network(gctx *g, const oci_network *n)
{
  g_key(g, "network");
  g_map_open(g);
  gen_u64_opt(g, "classID", n->class_id, n->has_class_id);
  if (n->priorities != NULL) {
    g_key(g, "priorities");
    g_array_open(g);
    for (size_t i = 0; i < n->priorities_len; i++) {
      g_map_open(g);
      g_str(g, "name", n->priorities[i].name);
      g_u64(g, "priority", n->priorities[i].priority);
      g_map_close(g);
    }
    g_array_close(g);
  }
  g_map_close(g);
}

void gen_resources(gctx *g, const oci_resources *r)
{
  g_map_open(g);
  if (r->devices != NULL) {
    g_key(g, "devices");
    g_array_open(g);
    for (size_t i = 0; i < r->devices_len; i++) {
      const oci_device_cgroup *d = &r->devices[i];
      g_map_open(g);
      g_bool(g, "allow", d->allow);
      g_str(g, "type", d->type);
      gen_i64_opt(g, "major", d->major, d->has_major);
      gen_i64_opt(g, "minor", d->minor, d->has_minor);
      g_str(g, "access", d->access);
      g_map_close(g);
    }
    g_array_close(g);
  }
  if (r->memory != NULL)
    gen_memory(g, r->memory);
  if (r->cpu != NULL)
    gen_cpu(g, r->cpu);
  if (r->pids != NULL) {
    g_key(g, "pids");
    g_map_open(g);
    g_i64(g, "limit", r->pids->limit);
    g_map_close(g);
  }
  if (r->block_io != NULL)
    gen_block_io(g, r->block_io);
  if (r->hugepage_limits != NULL) {
    g_key(g, "hugepageLimits");
    g_array_open(g);
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
      g_map_open(g);
      g_str(g, "pageSize", r->hugepage_limits[i].page_size);
      g_u64(g, "limit", r->hugepage_limits[i].limit);
      g_map_close(g);
    }
    g_array_close(g);
  }
  if (r->network != NULL)
    gen_network(g, r->network);
  if (r->rdma != NULL) {
    g_key(g, "rdma");
    g_map_open(g);
    for (size_t i = 0; i < r->rdma_len; i++) {
      const oci_rdma *d = &r->rdma[i];
      if (d->device == NULL)
        continue;
      g_key(g, d->device);
      g_map_open(g);
      gen_u64_opt(g, "hcaHandles", d->hca_handles, d->has_hca_handles);
      gen_u64_opt(g, "hcaObjects", d->hca_objects, d->has_hca_objects);
      g_map_close(g);
    }
    g_map_close(g);
  }
  g_map(g, "unified", &r->unified);
  g_map_close(g);
}

/* ---------------------------------------------------------------------- */
/* linux */

static void gen_seccomp(gctx *g, const oci_seccomp *s)
{
  g_key(g, "seccomp");
  g_map_open(g);
  g_str(g, "defaultAction", s->default_action);
  gen_u64_opt(g, "defaultErrnoRet", s->default_errno_ret, s->has_default_errno_ret);
  g_strv(g, "architectures", s->architectures, s->architectures_len);
  g_strv(g, "flags", s->flags, s->flags_len);
  g_str(g, "listenerPath", s->listener_path);
  g_str(g, "listenerMetadata", s->listener_metadata);
  if (s->syscalls != NULL) {
    g_key(g, "syscalls");
    g_array_open(g);
    for (size_t i = 0; i < s->syscalls_len; i++) {
      const oci_seccomp_syscall *sc = &s->syscalls[i];
      g_map_open(g);
      g_strv(g, "names", sc->names, sc->names_len);
      g_str(g, "action", sc->action);
      gen_u64_opt(g, "errnoRet", sc->errno_ret, sc->has_errno_ret);
      if (sc->args != NULL) {
        g_key(g, "args");
        g_array_open(g);
        for (size_t j = 0; j < sc->args_len; j++) {
          const oci_seccomp_arg *a = &sc->args[j];
          g_map_open(g);
          g_u64(g, "index", a->index);
          g_u64(g, "value", a->value);
          gen_u64_opt(g, "valueTwo", a->value_two, a->has_value_two);
          g_str(g, "op", a->op);
          g_map_close(g);
        }
        g_array_close(g);
      }
      g_map_close(g);
    }
    g_array_close(g);
  }
  g_map_close(g);
}

static void gen_devices(gctx *g, const oci_device *d, size_t n)
{
  if (d == NULL)
    return;
  g_key(g, "devices");
  g_array_open(g);
  for (size_t i = 0; i < n; i++) {
    g_map_open(g);
    g_str(g, "path", d[i].path);
    g_str(g, "type", d[i].type);
    g_i64(g, "major", d[i].major);
    g_i64(g, "minor", d[i].minor);
    gen_u64_opt(g, "fileMode", d[i].file_mode, d[i].has_file_mode);
    gen_u64_opt(g, "uid", d[i].uid, d[i].has_uid);
    gen_u64_opt(g, "gid", d[i].gid, d[i].has_gid);
    g_map_close(g);
  }
  g_array_close(g);
}

static void gen_intel_rdt(gctx *g, const oci_intel_rdt *r)
{
  g_key(g, "intelRdt");
  g_map_open(g);
  g_str(g, "closID", r->clos_id);
  g_str(g, "schemata", r->schemata);
  g_str(g, "l3CacheSchema", r->l3_cache_schema);
  g_str(g, "memBwSchema", r->mem_bw_schema);
  if (r->enable_cmt)
    g_bool(g, "enableCMT", true);
  if (r->enable_mbm)
    g_bool(g, "enableMBM", true);
  g_map_close(g);
}

void gen_linux(gctx *g, const oci_linux *l)
{
  g_map_open(g);
  gen_id_mappings(g, "uidMappings", l->uid_mappings, l->uid_mappings_len);
  gen_id_mappings(g, "gidMappings", l->gid_mappings, l->gid_mappings_len);
  g_map(g, "sysctl", &l->sysctl);
  if (l->resources != NULL) {
    g_key(g, "resources");
    gen_resources(g, l->resources);
  }
  g_str(g, "cgroupsPath", l->cgroups_path);
  if (l->namespaces != NULL) {
    g_key(g, "namespaces");
    g_array_open(g);
    for (size_t i = 0; i < l->namespaces_len; i++) {
      g_map_open(g);
      g_str(g, "type", l->namespaces[i].type);
      g_str(g, "path", l->namespaces[i].path);
      g_map_close(g);
    }
    g_array_close(g);
  }
  gen_devices(g, l->devices, l->devices_len);
  if (l->seccomp != NULL)
    gen_seccomp(g, l->seccomp);
  g_str(g, "rootfsPropagation", l->rootfs_propagation);
  g_strv(g, "maskedPaths", l->masked_paths, l->masked_paths_len);
  g_strv(g, "readonlyPaths", l->readonly_paths, l->readonly_paths_len);
  g_str(g, "mountLabel", l->mount_label);
  if (l->intel_rdt != NULL)
    gen_intel_rdt(g, l->intel_rdt);
  if (l->personality != NULL) {
    g_key(g, "personality");
    g_map_open(g);
    g_str(g, "domain", l->personality->domain);
    g_strv(g, "flags", l->personality->flags, l->personality->flags_len);
    g_map_close(g);
  }
  if (l->time_offsets != NULL) {
    g_key(g, "timeOffsets");
    g_map_open(g);
    for (size_t i = 0; i < l->time_offsets_len; i++) {
      const oci_time_offset *t = &l->time_offsets[i];
      if (t->clock == NULL)
        continue;
      g_key(g, t->clock);
      g_map_open(g);
      g_i64(g, "secs", t->secs);
      g_u64(g, "nanosecs", t->nanosecs);
      g_map_close(g);
    }
    g_map_close(g);
  }
  if (l->net_devices != NULL) {
    g_key(g, "netDevices");
    g_map_open(g);
    for (size_t i = 0; i < l->net_devices_len; i++) {
      if (l->net_devices[i].host_name == NULL)
        continue;
      g_key(g, l->net_devices[i].host_name);
      g_map_open(g);
      g_str(g, "name", l->net_devices[i].name);
      g_map_close(g);
    }
    g_map_close(g);
  }
  if (l->memory_policy != NULL) {
    g_key(g, "memoryPolicy");
    g_map_open(g);
    g_str(g, "mode", l->memory_policy->mode);
    g_str(g, "nodes", l->memory_policy->nodes);
    g_strv(g, "flags", l->memory_policy->flags, l->memory_policy->flags_len);
    g_map_close(g);
  }
  g_map_close(g);
}

/* ---------------------------------------------------------------------- */
/* Public API */

char *oci_config_generate(const oci_config *cfg, size_t *len, char **err)
{
  gctx g;
  if (gctx_begin(&g, cfg, "config", err) < 0)
    return NULL;
  g_map_open(&g);
  g_str(&g, "ociVersion", cfg->oci_version);
  if (cfg->process != NULL) {
    g_key(&g, "process");
    gen_process(&g, cfg->process);
  }
  if (cfg->root != NULL) {
    g_key(&g, "root");
    g_map_open(&g);
    g_str(&g, "path", cfg->root->path);
    if (cfg->root->readonly)
      g_bool(&g, "readonly", true);
    g_map_close(&g);
  }
  g_str(&g, "hostname", cfg->hostname);
  g_str(&g, "domainname", cfg->domainname);
  gen_mounts(&g, cfg->mounts, cfg->mounts_len);
  if (cfg->hooks != NULL)
    gen_hooks(&g, cfg->hooks);
  g_map(&g, "annotations", &cfg->annotations);
  if (cfg->linux != NULL) {
    g_key(&g, "linux");
    gen_linux(&g, cfg->linux);
  }
  g_map_close(&g);
  return gctx_finish(&g, len, err);
}

static void resources_clear_v(void *e)
{
  oci_resources_clear(e);
}

oci_resources *oci_resources_parse_data(const char *json, size_t len, char **err)
{
  return parse_doc(json, len, true, err, sizeof(oci_resources), parse_resources, resources_clear_v);
}

oci_resources *oci_resources_parse_file(const char *path, char **err)
{
  return parse_doc_file(path, true, err, sizeof(oci_resources), parse_resources, resources_clear_v);
}

char *oci_resources_generate(const oci_resources *r, size_t *len, char **err)
{
  gctx g;
  if (gctx_begin(&g, r, "resources", err) < 0)
    return NULL;
  gen_resources(&g, r);
  return gctx_finish(&g, len, err);
}

/* libocispec: releasing the config model.  Every function accepts
 * partially filled structures (as left by a failed parse). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define STRV_FREE(x) oci_strv_free(x, x##_len)

/* Free an array of n elements with clr() applied to each. */
static void array_free(void *arr, size_t n, size_t esz, jclear_fn clr)
{
  if (arr == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    clr((char *)arr + i * esz);
  free(arr);
}

#define ARRAY_FREE(x, clr) array_free(x, x##_len, sizeof *(x), clr)

void oci_nothing_clear(void *e)
{
  (void)e;
}

void oci_root_free(oci_root *r)
{
  if (r == NULL)
    return;
  free(r->path);
  free(r);
}

void oci_mount_clear(void *e)
{
  oci_mount *m = e;
  free(m->destination);
  free(m->type);
  free(m->source);
  STRV_FREE(m->options);
  free(m->uid_mappings);
  free(m->gid_mappings);
}

void oci_rlimit_clear(void *e)
{
  oci_rlimit *r = e;
  free(r->type);
}

static void capabilities_free(oci_capabilities *c)
{
  if (c == NULL)
    return;
  STRV_FREE(c->bounding);
  STRV_FREE(c->effective);
  STRV_FREE(c->inheritable);
  STRV_FREE(c->permitted);
  STRV_FREE(c->ambient);
  free(c);
}

static void scheduler_free(oci_scheduler *s)
{
  if (s == NULL)
    return;
  free(s->policy);
  STRV_FREE(s->flags);
  free(s);
}

void oci_process_clear(oci_process *p)
{
  free(p->console_size);
  free(p->user.additional_gids);
  free(p->user.username);
  STRV_FREE(p->args);
  free(p->command_line);
  STRV_FREE(p->env);
  free(p->cwd);
  capabilities_free(p->capabilities);
  ARRAY_FREE(p->rlimits, oci_rlimit_clear);
  free(p->apparmor_profile);
  scheduler_free(p->scheduler);
  free(p->selinux_label);
  if (p->io_priority != NULL) {
    free(p->io_priority->class);
    free(p->io_priority);
  }
  if (p->exec_cpu_affinity != NULL) {
    free(p->exec_cpu_affinity->initial);
    free(p->exec_cpu_affinity->final);
    free(p->exec_cpu_affinity);
  }
  memset(p, 0, sizeof *p);
}

void oci_hook_clear(void *e)
{
  oci_hook *h = e;
  free(h->path);
  STRV_FREE(h->args);
  STRV_FREE(h->env);
}

void oci_hooks_free(oci_hooks *h)
{
  if (h == NULL)
    return;
  ARRAY_FREE(h->prestart, oci_hook_clear);
  ARRAY_FREE(h->create_runtime, oci_hook_clear);
  ARRAY_FREE(h->create_container, oci_hook_clear);
  ARRAY_FREE(h->start_container, oci_hook_clear);
  ARRAY_FREE(h->poststart, oci_hook_clear);
  ARRAY_FREE(h->poststop, oci_hook_clear);
  free(h);
}

/* ---------------------------------------------------------------------- */
/* linux */

void oci_namespace_clear(void *e)
{
  oci_namespace *n = e;
  free(n->type);
  free(n->path);
}

void oci_time_offset_clear(void *e)
{
  oci_time_offset *t = e;
  free(t->clock);
}

void oci_device_clear(void *e)
{
  oci_device *d = e;
  free(d->type);
  free(d->path);
}

void oci_device_cgroup_clear(void *e)
{
  oci_device_cgroup *d = e;
  free(d->type);
  free(d->access);
}

void oci_hugepage_limit_clear(void *e)
{
  oci_hugepage_limit *h = e;
  free(h->page_size);
}

void oci_interface_priority_clear(void *e)
{
  oci_interface_priority *p = e;
  free(p->name);
}

void oci_rdma_clear(void *e)
{
  oci_rdma *r = e;
  free(r->device);
}

void oci_seccomp_arg_clear(void *e)
{
  oci_seccomp_arg *a = e;
  free(a->op);
}

void oci_seccomp_syscall_clear(void *e)
{
  oci_seccomp_syscall *s = e;
  STRV_FREE(s->names);
  free(s->action);
  ARRAY_FREE(s->args, oci_seccomp_arg_clear);
}

void oci_net_device_clear(void *e)
{
  oci_net_device *n = e;
  free(n->host_name);
  free(n->name);
}

void oci_resources_clear(oci_resources *r)
{
  ARRAY_FREE(r->devices, oci_device_cgroup_clear);
  free(r->memory);
  if (r->cpu != NULL) {
    free(r->cpu->cpus);
    free(r->cpu->mems);
    free(r->cpu);
  }
  free(r->pids);
  if (r->block_io != NULL) {
    oci_block_io *b = r->block_io;
    free(b->weight_device);
    free(b->throttle_read_bps_device);
    free(b->throttle_write_bps_device);
    free(b->throttle_read_iops_device);
    free(b->throttle_write_iops_device);
    free(b);
  }
  ARRAY_FREE(r->hugepage_limits, oci_hugepage_limit_clear);
  if (r->network != NULL) {
    ARRAY_FREE(r->network->priorities, oci_interface_priority_clear);
    free(r->network);
  }
  ARRAY_FREE(r->rdma, oci_rdma_clear);
  oci_map_clear(&r->unified);
  memset(r, 0, sizeof *r);
}

void oci_resources_free(oci_resources *r)
{
  if (r == NULL)
    return;
  oci_resources_clear(r);
  free(r);
}

void oci_seccomp_free(oci_seccomp *s)
{
  if (s == NULL)
    return;
  free(s->default_action);
  STRV_FREE(s->architectures);
  STRV_FREE(s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  ARRAY_FREE(s->syscalls, oci_seccomp_syscall_clear);
  free(s);
}

void oci_linux_free(oci_linux *l)
{
  if (l == NULL)
    return;
  ARRAY_FREE(l->namespaces, oci_namespace_clear);
  free(l->uid_mappings);
  free(l->gid_mappings);
  ARRAY_FREE(l->time_offsets, oci_time_offset_clear);
  ARRAY_FREE(l->devices, oci_device_clear);
  free(l->cgroups_path);
  oci_resources_free(l->resources);
  free(l->rootfs_propagation);
  STRV_FREE(l->masked_paths);
  STRV_FREE(l->readonly_paths);
  free(l->mount_label);
  oci_map_clear(&l->sysctl);
  oci_seccomp_free(l->seccomp);
  if (l->personality != NULL) {
    free(l->personality->domain);
    STRV_FREE(l->personality->flags);
    free(l->personality);
  }
  if (l->intel_rdt != NULL) {
    free(l->intel_rdt->clos_id);
    free(l->intel_rdt->l3_cache_schema);
    free(l->intel_rdt->mem_bw_schema);
    free(l->intel_rdt->schemata);
    free(l->intel_rdt);
  }
  ARRAY_FREE(l->net_devices, oci_net_device_clear);
  if (l->memory_policy != NULL) {
    free(l->memory_policy->mode);
    free(l->memory_policy->nodes);
    STRV_FREE(l->memory_policy->flags);
    free(l->memory_policy);
  }
  free(l);
}

/* ---------------------------------------------------------------------- */

void oci_config_clear(oci_config *cfg)
{
  free(cfg->oci_version);
  oci_root_free(cfg->root);
  ARRAY_FREE(cfg->mounts, oci_mount_clear);
  oci_process_free(cfg->process);
  free(cfg->hostname);
  free(cfg->domainname);
  oci_hooks_free(cfg->hooks);
  oci_map_clear(&cfg->annotations);
  oci_linux_free(cfg->linux);
  memset(cfg, 0, sizeof *cfg);
}

void oci_config_free(oci_config *cfg)
{
  if (cfg == NULL)
    return;
  oci_config_clear(cfg);
  free(cfg);
}

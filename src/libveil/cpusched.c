#include "config.h"
#include "cpusched.h"
#include "util.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* The uapi values (linux/sched.h, linux/ioprio.h); glibc 2.36 has neither sched_setattr nor
 * ioprio_set, and the kernel headers clash with <sched.h>. */
static const struct {
  const char *name;
  uint32_t value;
} policy_table[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};
#define POLICY_FIFO     1
#define POLICY_RR       2
#define POLICY_ISO      4
#define POLICY_DEADLINE 6

static const struct {
  const char *name;
  uint64_t value;
} flag_table[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const struct {
  const char *name;
  int value;
} ioprio_table[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

/* struct sched_attr as of Linux 4.13 (SCHED_ATTR_SIZE_VER1); the size field tells the kernel. */
struct veil_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

static int find_policy(const char *name, uint32_t *out)
{
  for (size_t i = 0; name && i < ARRAY_SIZE(policy_table); i++)
    if (!strcmp(policy_table[i].name, name)) {
      *out = policy_table[i].value;
      return 0;
    }
  return -1;
}

static int find_ioprio_class(const char *name, int *out)
{
  for (size_t i = 0; name && i < ARRAY_SIZE(ioprio_table); i++)
    if (!strcmp(ioprio_table[i].name, name)) {
      *out = ioprio_table[i].value;
      return 0;
    }
  return -1;
}

static int scheduler_attr(const oci_scheduler *s, struct veil_sched_attr *a, veil_error *err)
{
  memset(a, 0, sizeof(*a));
  a->size = sizeof(*a);
  if (find_policy(s->policy, &a->sched_policy) < 0)
    return veil_fail(err, 0, "process.scheduler.policy: unknown policy \"%s\"",
                     s->policy ? s->policy : "");
  /* SCHED_ISO was proposed but never merged: the kernel has no such policy */
  if (a->sched_policy == POLICY_ISO)
    return veil_fail(err, 0, "process.scheduler.policy: SCHED_ISO is not supported by Linux");
  for (size_t i = 0; i < s->flags_len; i++) {
    size_t k = 0;
    while (k < ARRAY_SIZE(flag_table) && strcmp(flag_table[k].name, s->flags[i]))
      k++;
    if (k == ARRAY_SIZE(flag_table))
      return veil_fail(err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
    a->sched_flags |= flag_table[k].value;
  }
  if (s->has_nice && (s->nice < -20 || s->nice > 19))
    return veil_fail(err, 0, "process.scheduler.nice: %d is outside -20..19", s->nice);
  bool rt = a->sched_policy == POLICY_FIFO || a->sched_policy == POLICY_RR;
  if (s->has_priority && s->priority != 0 && !rt)
    return veil_fail(err, 0, "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take one");
  if (rt && (!s->has_priority || s->priority < 1 || s->priority > 99))
    return veil_fail(err, 0, "process.scheduler.priority: %s needs a priority in 1..99", s->policy);
  bool dl = a->sched_policy == POLICY_DEADLINE;
  if (!dl && (s->has_runtime || s->has_deadline || s->has_period))
    return veil_fail(err, 0,
                     "process.scheduler: runtime, deadline and period are for SCHED_DEADLINE");
  if (dl && !s->has_runtime)
    return veil_fail(err, 0, "process.scheduler.runtime: SCHED_DEADLINE needs a runtime");
  a->sched_nice = s->has_nice ? s->nice : 0;
  a->sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
  a->sched_runtime = s->runtime;
  /* The kernel's defaults: a deadline of 0 means the period, a period of 0 the deadline. */
  a->sched_deadline = s->deadline;
  a->sched_period = s->period;
  return 0;
}

struct cpu_set_fill {
  long max;
  size_t size;
  cpu_set_t *set;
};

static int note_largest_cpu(long first, long last, void *data)
{
  struct cpu_set_fill *f = data;
  (void)first;
  if (last > f->max)
    f->max = last;
  return 0;
}

static int add_cpus(long first, long last, void *data)
{
  struct cpu_set_fill *f = data;
  for (long c = first; c <= last; c++)
    CPU_SET_S((int)c, f->size, f->set);
  return 0;
}

/* Parses "0-3,7" into a cpu set sized for its largest cpu; returns the set's byte size. */
static cpu_set_t *parse_cpu_list(const char *field, const char *list, size_t *size, veil_error *err)
{
  struct cpu_set_fill f = {.max = -1};

  if (veil_range_list_each(list, 65535, note_largest_cpu, &f) < 0) {
    veil_fail(err, 0, "%s: \"%s\" is not a cpu list like \"0-3,7\"", field, list);
    return NULL;
  }
  f.set = CPU_ALLOC((int)f.max + 1);
  if (!f.set) {
    veil_fail(err, ENOMEM, "%s", field);
    return NULL;
  }
  f.size = CPU_ALLOC_SIZE((int)f.max + 1);
  CPU_ZERO_S(f.size, f.set);
  veil_range_list_each(list, 65535, add_cpus, &f);
  *size = f.size;
  return f.set;
}

int sched_validate(const oci_process *p, veil_error *err)
{
  const oci_exec_cpu_affinity *aff = p->exec_cpu_affinity;

  if (p->scheduler) {
    struct veil_sched_attr a;
    if (scheduler_attr(p->scheduler, &a, err) < 0)
      return -1;
  }
  if (p->io_priority) {
    int cls;
    if (find_ioprio_class(p->io_priority->class, &cls) < 0)
      return veil_fail(err, 0, "process.ioPriority.class: unknown class \"%s\"",
                       p->io_priority->class ? p->io_priority->class : "");
    if (p->io_priority->priority < 0 || p->io_priority->priority > 7)
      return veil_fail(err, 0, "process.ioPriority.priority: %d is outside 0..7",
                       p->io_priority->priority);
  }
  if (aff) {
    const char *fields[2] = {"process.execCPUAffinity.initial", "process.execCPUAffinity.final"};
    const char *lists[2] = {aff->initial, aff->final};
    for (int i = 0; i < 2; i++) {
      size_t size;
      cpu_set_t *set;
      if (!lists[i] || !*lists[i])
        continue;
      set = parse_cpu_list(fields[i], lists[i], &size, err);
      if (!set)
        return -1;
      CPU_FREE(set);
    }
  }
  return 0;
}

int sched_set_cpu_affinity(const char *field, const char *list, veil_error *err)
{
  size_t size;
  cpu_set_t *set;
  int rc = 0;

  if (!list || !*list)
    return 0;
  set = parse_cpu_list(field, list, &size, err);
  if (!set)
    return -1;
  if (sched_setaffinity(0, size, set) < 0)
    rc = veil_fail(err, errno, "%s: run on cpus %s", field, list);
  CPU_FREE(set);
  return rc;
}

int sched_set_scheduler(const oci_process *p, veil_error *err)
{
  struct veil_sched_attr a;

  if (!p->scheduler)
    return 0;
  if (scheduler_attr(p->scheduler, &a, err) < 0)
    return -1;
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
    int e = errno;
    if (e == EPERM)
      return veil_fail(err, e,
                       "process.scheduler: set %s (realtime policies need CAP_SYS_NICE "
                       "and realtime runtime in the cgroup)",
                       p->scheduler->policy);
    if (e == EBUSY && a.sched_policy == POLICY_DEADLINE)
      return veil_fail(err, e,
                       "process.scheduler: set SCHED_DEADLINE (no bandwidth left for "
                       "its runtime/period)");
    return veil_fail(err, e, "process.scheduler: set %s", p->scheduler->policy);
  }
  return 0;
}

int sched_set_io_priority(const oci_process *p, veil_error *err)
{
  int cls;

  if (!p->io_priority)
    return 0;
  if (find_ioprio_class(p->io_priority->class, &cls) < 0)
    return veil_fail(err, 0, "process.ioPriority.class: unknown class \"%s\"",
                     p->io_priority->class ? p->io_priority->class : "");
  int value = (cls << IOPRIO_CLASS_SHIFT) | p->io_priority->priority;
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return veil_fail(err, errno, "process.ioPriority: set %s %d", p->io_priority->class,
                     p->io_priority->priority);
  return 0;
}

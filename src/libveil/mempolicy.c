#include "config.h"
#include "mempolicy.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <linux/mempolicy.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's uapi header stops at MPOL_PREFERRED_MANY; the value is the kernel's ABI */
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

/* The kernel's largest MAX_NUMNODES (CONFIG_NODES_SHIFT 10). */
#define NODE_LIMIT    1024
#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

enum nodes_rule { NODES_FORBIDDEN, NODES_OPTIONAL, NODES_REQUIRED };

static const struct {
  const char *name;
  int mode;
  enum nodes_rule nodes;
} modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT, NODES_FORBIDDEN},
    {"MPOL_BIND", MPOL_BIND, NODES_REQUIRED},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE, NODES_REQUIRED},
    {"MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE, NODES_REQUIRED},
    /* an empty set means "the node the allocating cpu is on" */
    {"MPOL_PREFERRED", MPOL_PREFERRED, NODES_OPTIONAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY, NODES_REQUIRED},
    {"MPOL_LOCAL", MPOL_LOCAL, NODES_FORBIDDEN},
};

static const struct {
  const char *name;
  int flag;
} flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

typedef struct {
  /* one word more than NODE_LIMIT bits: set_mempolicy reads maxnode - 1 bits */
  unsigned long mask[NODE_LIMIT / BITS_PER_LONG + 1];
  int mode; /* with the flags or'ed in, as set_mempolicy takes it */
} policy;

static int add_nodes(long first, long last, void *data)
{
  unsigned long *mask = data;
  for (long n = first; n <= last; n++)
    mask[n / BITS_PER_LONG] |= 1UL << (n % BITS_PER_LONG);
  return 0;
}

static size_t find_mode(const char *name)
{
  size_t i;
  for (i = 0; i < ARRAY_SIZE(modes); i++)
    if (name && !strcmp(modes[i].name, name))
      break;
  return i;
}

static int mode_flags(const oci_memory_policy *m, int *out, veil_error *err)
{
  *out = 0;
  for (size_t i = 0; i < m->flags_len; i++) {
    size_t k;
    for (k = 0; k < ARRAY_SIZE(flags); k++)
      if (!strcmp(flags[k].name, m->flags[i]))
        break;
    if (k == ARRAY_SIZE(flags))
      return veil_fail(err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", i,
                       m->flags[i]);
    *out |= flags[k].flag;
  }
  /* the kernel takes the node numbers either as they are or relative to the allowed set */
  if ((*out & MPOL_F_STATIC_NODES) && (*out & MPOL_F_RELATIVE_NODES))
    return veil_fail(err, 0,
                     "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                     "exclude each other");
  return 0;
}

/* The config's policy as set_mempolicy's arguments; the checks, in the order of the fields. */
static int build_policy(const oci_memory_policy *m, policy *p, veil_error *err)
{
  size_t i = find_mode(m->mode);
  bool has_nodes = m->nodes && *m->nodes;
  int f;

  memset(p, 0, sizeof(*p));
  if (i == ARRAY_SIZE(modes))
    return veil_fail(err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"",
                     m->mode ? m->mode : "");
  if (has_nodes && modes[i].nodes == NODES_FORBIDDEN)
    return veil_fail(err, 0, "linux.memoryPolicy.nodes: %s takes no nodes, \"%s\" given",
                     modes[i].name, m->nodes);
  if (!has_nodes && modes[i].nodes == NODES_REQUIRED)
    return veil_fail(err, 0, "linux.memoryPolicy.nodes: %s needs at least one node", modes[i].name);
  if (has_nodes && veil_range_list_each(m->nodes, NODE_LIMIT - 1, add_nodes, p->mask) < 0)
    return veil_fail(err, 0,
                     "linux.memoryPolicy.nodes: \"%s\" is not a node list like \"0-3,7\" "
                     "(nodes 0 to %d)",
                     m->nodes, NODE_LIMIT - 1);
  if (mode_flags(m, &f, err) < 0)
    return -1;
  p->mode = modes[i].mode | f;
  return 0;
}

int mempolicy_validate(const oci_linux *l, veil_error *err)
{
  policy p;

  if (!l || !l->memory_policy)
    return 0;
  return build_policy(l->memory_policy, &p, err);
}

int mempolicy_apply(const oci_linux *l, veil_error *err)
{
  const oci_memory_policy *m = l ? l->memory_policy : NULL;
  policy p;

  if (!m)
    return 0;
  if (build_policy(m, &p, err) < 0)
    return -1;
  if (syscall(SYS_set_mempolicy, p.mode, p.mask, ARRAY_SIZE(p.mask) * BITS_PER_LONG) < 0)
    return veil_fail(err, errno, "linux.memoryPolicy: set %s on nodes \"%s\"", m->mode,
                     m->nodes ? m->nodes : "");
  return 0;
}

void mempolicy_mode_names(veil_name_fn fn, void *data)
{
  for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
    fn(modes[i].name, data);
}

void mempolicy_flag_names(veil_name_fn fn, void *data)
{
  for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
    fn(flags[i].name, data);
}

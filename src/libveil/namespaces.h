/* veil — namespaces: which are new, which are joined by path, and the order of entering them. */
#ifndef VEIL_NAMESPACES_H
#define VEIL_NAMESPACES_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"
#include "util.h"

#define NS_MAX 8

typedef struct ns_desc {
  const char *name; /* the spec's name: "network" */
  int flag;         /* CLONE_NEWNET */
  const char *proc; /* the /proc/PID/ns entry: "net" */
} ns_desc;

const ns_desc *ns_lookup(const char *name);
const ns_desc *ns_by_flag(int flag);
/* The spec's names of the namespace types veil handles and this kernel has. */
void ns_supported_names(veil_name_fn fn, void *data);

typedef struct ns_join {
  int fd; /* opened and type-checked by the parent before clone */
  int flag;
  char *path;
} ns_join;

/* What the config asks for, resolved once in the parent. */
typedef struct ns_plan {
  int new_flags; /* CLONE_NEW* to create */
  ns_join join[NS_MAX];
  size_t n_join;     /* user first, then the order of ns_table */
  bool time_offsets; /* offsets must be written before any process enters the time ns */
} ns_plan;

/* Reads linux.namespaces, opens every path and checks it is a namespace of the stated type. */
int ns_plan_build(const oci_config *cfg, ns_plan *plan, veil_error *err);
/* The same without OPEN_PATHS: joined namespaces are taken as the config states them (fd -1),
 * for `veil check` to go on judging what depends on the plan after a path it could not use. */
int ns_plan_build_paths(const oci_config *cfg, ns_plan *plan, bool open_paths, veil_error *err);
void ns_plan_release(ns_plan *plan);

static inline bool ns_plan_new(const ns_plan *p, int flag)
{
  return (p->new_flags & flag) != 0;
}
bool ns_plan_joins(const ns_plan *p, int flag);
/* Does the container get a FLAG namespace apart from the runtime's: a new one, or one joined
 * by path that is not the runtime's own?  (A write there cannot reach the runtime's.) */
bool ns_plan_separate(const ns_plan *p, int flag);

/* Records in s->flags what the plan made of each type, for `veil ns`: "ns-new=TYPE" and
 * "ns-joined=TYPE:PATH" (TYPE as in /proc/PID/ns).  What is not recorded was inherited. */
int ns_plan_to_state(const ns_plan *p, veil_state_file *s, veil_error *err);

/* The fast path: a single clone3 creates every new namespace (no paths, no time offsets).
 * The cgroup namespace is always made later, once the init sits in its cgroup. */
bool ns_plan_single_clone(const ns_plan *p);
uint64_t ns_plan_clone_flags(const ns_plan *p);

/* Slow path, in the clone3 child: setns every path (user first), then unshare the new ones
 * (except cgroup). */
int ns_enter_joined(ns_plan *p, veil_error *err);
int ns_unshare_new(const ns_plan *p, veil_error *err);
/* What waits for the uid/gid maps: the IPC namespace, when the user namespace is new. */
int ns_unshare_after_maps(const ns_plan *p, veil_error *err);
/* True when the init must be a fork of the slow-path child (pid and time namespaces only apply
 * to children of the process that unshared them). */
bool ns_plan_needs_fork(const ns_plan *p);

/* Brings up "lo" of the network namespace the process is in: as runc does for a new one, which
 * clients relying on loopback alone (Docker's --network none) expect. */
int ns_loopback_up(veil_error *err);

/* linux.timeOffsets into /proc/self/timens_offsets (after unshare(CLONE_NEWTIME)). */
int ns_write_time_offsets(const oci_config *cfg, veil_error *err);

#endif

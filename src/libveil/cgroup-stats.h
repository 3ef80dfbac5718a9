/* veil — reading a container's cgroup: usage statistics and the OOM-kill counter. */
#ifndef VEIL_CGROUP_STATS_H
#define VEIL_CGROUP_STATS_H

#include <stdint.h>

#include "error.h"
#include "oci.h"

typedef struct cgroup_handle cgroup_handle;

/* {"type":"stats","id":ID,"data":{cpu, memory, pids, blkio, hugetlb}} on one line, the shape of
 * `runc events --stats`; malloc'd. */
int cgroup_stats_json(const cgroup_handle *h, const char *id, char **json, veil_error *err);

/* How many processes the kernel's OOM killer has killed in the cgroup so far (v1
 * memory.oom_control / v2 memory.events "oom_kill"); 0 when unknown. */
uint64_t cgroup_oom_kills(const cgroup_handle *h);

#endif

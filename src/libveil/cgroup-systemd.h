/* veil — the systemd cgroup driver (--systemd-cgroup): which unit a container gets.
 *
 * With the driver, linux.cgroupsPath is "[slice]:[prefix]:[name]": the container lives in the
 * transient unit "prefix-name.scope" (or in "name" itself when it ends in ".slice") under the
 * slice.  An empty slice is system.slice (user.slice for a rootless container on cgroup v2), "-"
 * the root slice; an empty cgroupsPath is ":veil:ID".  A dash in a slice name nests it:
 * "a-b.slice" is the child of "a.slice". */
#ifndef VEIL_CGROUP_SYSTEMD_H
#define VEIL_CGROUP_SYSTEMD_H

#include <stdbool.h>

#include "error.h"

typedef struct cgroup_systemd_unit {
  char *slice; /* the parent slice, "-.slice" for the root */
  char *unit;  /* "prefix-name.scope", or a ".slice" name */
  char *path;  /* the unit's cgroup below the cgroup2 root: "/system.slice/veil-ID.scope" */
} cgroup_systemd_unit;

/* Fills *out (cleared first, freed with cgroup_systemd_unit_clear) from CGROUPS_PATH (NULL or ""
 * for the default); errors name linux.cgroupsPath. */
int cgroup_systemd_unit_parse(const char *cgroups_path, const char *id, bool rootless_v2,
                              cgroup_systemd_unit *out, veil_error *err);
void cgroup_systemd_unit_clear(cgroup_systemd_unit *u);

#endif

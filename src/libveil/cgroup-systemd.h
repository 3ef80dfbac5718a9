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
#include <sys/types.h>

#include "cgroup-systemd-props.h"
#include "error.h"
#include "oci.h"

typedef struct cgroup_handle cgroup_handle;

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

/* Fails (one line) unless systemd is the host's init and veil has the driver. */
int cgroup_systemd_check(veil_error *err);

/* The handle of a container under the driver: one cgroup2 directory, the unit's, which does not
 * exist until cgroup_systemd_start.  Nothing is made here (cgroup_plan's contract); the
 * properties are checked. */
int cgroup_systemd_plan(const char *id, const oci_linux *l, const oci_map *annotations,
                        cgroup_handle **out, veil_error *err);

/* Starts the unit with PID in it (a scope) and the properties of l's resources and the
 * annotations, and waits until systemd is done; 0 for a handle not of the driver. */
int cgroup_systemd_start(const cgroup_handle *h, pid_t pid, const oci_linux *l,
                         const oci_map *annotations, veil_error *err);
/* update: r's properties on the unit (the files are written by the caller) */
int cgroup_systemd_update(const cgroup_handle *h, const oci_resources *r, veil_error *err);
/* The unit stopped and its failed state reset; a unit already gone is not an error. */
int cgroup_systemd_stop(const cgroup_handle *h, veil_error *err);

/* the D-Bus calls (cgroup-systemd-bus.c) */
int sd_unit_start(const char *unit, const char *slice, const char *desc, pid_t pid,
                  const sd_props *ps, veil_error *err);
int sd_unit_set(const char *unit, const sd_props *ps, veil_error *err);
int sd_unit_stop(const char *unit, veil_error *err);

#endif

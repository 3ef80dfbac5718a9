/* veil — what cgroup.c shares with its backends cgroup-v1.c and cgroup-v2.c (not for callers). */
#ifndef VEIL_CGROUP_INTERNAL_H
#define VEIL_CGROUP_INTERNAL_H

#include "cgroup.h"

#include <stdint.h>

typedef struct cg_dir {
  char *path;  /* absolute directory of the container's cgroup */
  char *ctrls; /* v1: the hierarchy's controllers, comma-separated ("cpu,cpuacct", "name=systemd");
                  v2: "unified" */
  bool v2;
  int created;    /* trailing path components made by create (0: the directory existed) */
  size_t mnt_len; /* length of the hierarchy's mount point in path; 0 when read from a state */
} cg_dir;

struct cgroup_handle {
  cgroup_layout layout;
  cg_dir *dirs;
  size_t n;
  int v2fd;          /* O_PATH fd of the cgroup2 directory, -1 */
  bool default_path; /* no linux.cgroupsPath: ID, placed as a relative path */
  bool rootless;     /* a cgroup the caller may not make is skipped, not an error */
  bool wants_limits; /* linux.resources asks for more than device rules */
  /* rootless on a hybrid host: only the cgroup2 directory, no limits (they are v1's here) */
  bool limits_ignored;
  /* --systemd-cgroup: the unit that owns the directory; its slice and description for the start */
  char *sd_unit, *sd_slice, *sd_desc;
};

/* file helpers: one write (the kernel takes one value per write), one small read */
int cg_write(const char *dir, const char *file, const char *value, veil_error *err);
int cg_read(const char *dir, const char *file, char *buf, size_t size);

/* the container's directory of controller ("" or "unified": cgroup2); NULL if none */
const cg_dir *cg_dir_of(const cgroup_handle *h, const char *controller);

/* cgroup-v1.c */
int cg_v1_init_cpuset(const char *dir, veil_error *err);
int cg_v1_rt_ancestors(const char *dir, int made, uint64_t period, int64_t runtime, const char *key,
                       veil_error *err);
int cg_v1_freeze(const char *dir, bool frozen, veil_error *err);
bool cg_v1_is_frozen(const char *dir);
/* FROZEN or FREEZING, by its own freezer.state or a parent's */
bool cg_v1_is_frozen_effective(const char *dir);

/* cgroup-v2.c */
int cg_v2_enable_controllers(const char *dir);
/* enable CTL in cgroup.subtree_control of DIR's ancestors that lack it; errors name KEY */
int cg_v2_require_controller(const char *dir, const char *ctl, const char *key, veil_error *err);
int cg_v2_freeze(const char *dir, bool frozen, veil_error *err);
bool cg_v2_is_frozen(const char *dir);
/* asked to freeze, or frozen by an ancestor (cgroup.events) */
bool cg_v2_is_frozen_effective(const char *dir);
/* 1 when this kernel has no cgroup.kill (the caller signals each process instead) */
int cg_v2_kill(const char *dir, veil_error *err);

#endif

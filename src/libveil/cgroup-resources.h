/* veil — linux.resources -> cgroup files: the pure conversion (v1 and v2) and applying it. */
#ifndef VEIL_CGROUP_RESOURCES_H
#define VEIL_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci.h"

typedef struct cgroup_handle cgroup_handle;

/* Refuse the write when the value (a byte count) is below the number in this file of the same
 * directory: checkBeforeUpdate on v2, where the kernel would otherwise reclaim or OOM-kill. */
#define CGROUP_WRITE_CHECK_USAGE 0x1u

/* One file write.  Conversion is pure; only applying touches the host. */
typedef struct cgroup_write {
  const char *controller; /* v1 hierarchy or v2 controller name ("memory", "blkio", "io", ...) */
  char *file;             /* e.g. "memory.limit_in_bytes" */
  char *value;            /* what is written, without a newline */
  const char *key;        /* the config key it comes from, for errors */
  /* Used instead when `file` does not exist on the host (e.g. io.weight when BFQ is not the
   * scheduler, blkio.bfq.weight when CFQ is gone). */
  char *alt_file;
  char *alt_value;
  unsigned flags;
} cgroup_write;

void cgroup_writes_free(cgroup_write *w, size_t n);

/* The ordered writes for a cgroup v1 hierarchy set / a cgroup v2 directory.  Device rules are
 * part of the v1 list (devices.deny "a" first, then the rules in order); on v2 they become a
 * BPF program (cgroup_devices_bpf_apply).  `unified` is an error on v1. */
int cgroup_v1_writes(const oci_resources *r, cgroup_write **out, size_t *n, veil_error *err);
int cgroup_v2_writes(const oci_resources *r, cgroup_write **out, size_t *n, veil_error *err);

/* linux.resources.devices followed by the devices every container gets (the default devices,
 * ptys, tun, mknod of anything); a shallow copy, malloc'd array only. */
int cgroup_devices_effective(const oci_resources *r, oci_device_cgroup **out, size_t *n,
                             veil_error *err);

/* A device rule's access as the kernel takes it: the r, w and m it names, in that order ("" or
 * NULL: "rwm"); other letters are ignored, as runc does.  Fails when none is left. */
int cgroup_device_access(const char *access, char out[4], veil_error *err);

/* The v2 weights from their v1 values (runtime-spec / crun conversions); 0 stays 0 (unset). */
unsigned long long cgroup_shares_to_weight(unsigned long long shares);
unsigned long long cgroup_blkio_to_io_weight(unsigned long long weight);

/* Writes r into the container's cgroup.  On a hybrid host the v1 hierarchies take what they
 * have and the unified directory takes the controllers enabled only there (hugetlb here). */
int cgroup_resources_apply(const cgroup_handle *h, const oci_resources *r, veil_error *err);

/* The same for a config's linux section: linux.resources, and the device rules always (the
 * default set when the config has none).  What container create calls. */
int cgroup_resources_apply_linux(const cgroup_handle *h, const oci_linux *l, veil_error *err);

/* v2 device control: loads a BPF_PROG_TYPE_CGROUP_DEVICE program for the rules and attaches it
 * to the cgroup directory (replacing the one a previous call attached). */
int cgroup_devices_bpf_apply(const char *cgroup_dir, const oci_device_cgroup *rules, size_t n,
                             veil_error *err);
/* The program itself, for tests: malloc'd array of struct bpf_insn in *insns. */
int cgroup_devices_bpf_build(const oci_device_cgroup *rules, size_t n, void **insns, size_t *count,
                             veil_error *err);

#endif

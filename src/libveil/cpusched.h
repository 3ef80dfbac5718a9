/* veil — where and how the container process runs: process.scheduler (sched_setattr),
 * process.ioPriority (ioprio_set) and process.execCPUAffinity (sched_setaffinity). */
#ifndef VEIL_CPUSCHED_H
#define VEIL_CPUSCHED_H

#include "error.h"
#include "oci.h"

/* Checks the fields in the parent, before anything exists, so that a typo costs no rollback. */
int sched_validate(const oci_process *p, veil_error *err);

/* Pins the calling process to the cpus of LIST ("0-3,7"); FIELD names the config field in
 * errors.  A NULL or empty LIST changes nothing (the spec: the kernel decides). */
int sched_set_cpu_affinity(const char *field, const char *list, veil_error *err);

/* In the init, while still privileged: the scheduling policy and its parameters, then the I/O
 * priority.  Both survive the user switch and execve. */
int sched_set_scheduler(const oci_process *p, veil_error *err);
int sched_set_io_priority(const oci_process *p, veil_error *err);

#endif

/* veil — a bundle's checks before anything exists: what `veil check` prints and what `create`
 * runs first (one code path).  check collects every problem; create stops at the first, whose
 * message becomes its one error line.  Warnings go to veil_warn in both. */
#ifndef VEIL_VALIDATE_H
#define VEIL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "container.h"
#include "error.h"
#include "namespaces.h"
#include "oci.h"

typedef struct veil_problems {
  char **msgs; /* one line each, naming the field (its JSON path) */
  size_t n;
} veil_problems;

void veil_problems_clear(veil_problems *p);

/* veil check: every problem of BUNDLE into *p.  -1 only when it could not look at all (err). */
int veil_bundle_check(const char *bundle, veil_problems *p, veil_error *err);

/* create's first step.  On success the parsed config, the resolved rootfs, the namespace plan
 * (joined paths opened and type-checked) and the seccomp filter and listener are the caller's. */
typedef struct validated {
  oci_config *cfg;
  char *rootfs;
  ns_plan *ns;            /* filled in: the caller's storage */
  struct veil_phases *ph; /* --debug timing: "parse" and "validate" end here; may be NULL */
  void *seccomp_filter;
  int seccomp_sock;
} validated;

int validate_for_create(const char *bundle, const veil_create_opts *o, validated *out,
                        veil_error *err);

#endif

/* veil — a bundle's config.json: what may be opened and read as one, and the checks of its
 * top-level fields that need no kernel (ociVersion, hostname, domainname). */
#ifndef VEIL_CONFIG_LOAD_H
#define VEIL_CONFIG_LOAD_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"

/* At most this many bytes: real configs are kilobytes, seccomp profiles included. */
#define CONFIG_MAX_SIZE (16u << 20)

/* BUNDLE/config.json, which must be a regular file of at most CONFIG_MAX_SIZE bytes (checked
 * on the open fd, so a fifo or a symlink to one never blocks), parsed. */
int config_load(const char *bundle, oci_config **out, veil_error *err);

/* runtime-spec: ociVersion is a SemVer 2.0.0 version; veil implements 1.x. */
bool config_version_supported(const char *v);

/* ociVersion, hostname and domainname: the error names the field. */
int config_check_top_level(const oci_config *cfg, veil_error *err);

#endif

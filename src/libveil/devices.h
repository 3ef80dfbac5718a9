/* veil — /dev: the default devices and symlinks of runtime-linux.md, configured devices. */
#ifndef VEIL_DEVICES_H
#define VEIL_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "oci.h"

/* Creates the default devices, linux.devices and the /dev symlinks inside ROOTFD.  Inside a
 * user namespace mknod is not allowed: host devices are bind-mounted instead. */
int devices_setup(int rootfd, const oci_config *cfg, bool userns, veil_error *err);

#endif

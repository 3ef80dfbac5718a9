/* veil — the OCI features document (features.md, features-linux.md): what this build of veil
 * accepts in config.json, on this kernel. */
/* Not features.h: src/libveil is on the include path, and that name would shadow glibc's
 * <features.h>. */
#ifndef VEIL_FEATURES_H
#define VEIL_FEATURES_H

#include <stdbool.h>

#include "error.h"

/* The document as JSON (indented when PRETTY), malloc'd, in *out.  Every list comes from the
 * table the matching config parser uses, cut down to what the kernel has, so whatever it names
 * a config may use. */
int veil_features_json(bool pretty, char **out, veil_error *err);

#endif

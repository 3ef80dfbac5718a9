/* veil — the commands that act on a running container's resources: update and events. */
#ifndef VEIL_CONTAINER_RESOURCES_H
#define VEIL_CONTAINER_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"

/* Writes r into the cgroup of a created, running or paused container. */
int veil_container_update(const char *root, const char *id, const oci_resources *r,
                          veil_error *err);

/* Called with each event as one line of JSON (no newline); a negative return stops the loop. */
typedef int (*veil_event_fn)(const char *json, void *data);

/* interval_ms == 0: one stats event, then return.  Otherwise a stats event every interval and an
 * {"type":"oom"} event as soon as the OOM killer strikes, until the container stops (0). */
int veil_container_events(const char *root, const char *id, uint64_t interval_ms, bool stats,
                          veil_event_fn fn, void *data, veil_error *err);

#endif

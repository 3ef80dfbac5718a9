/* veil — the systemd cgroup driver's unit properties: linux.resources and the
 * org.systemd.property.* annotations as the D-Bus values StartTransientUnit and
 * SetUnitProperties take.  Pure: nothing here talks to systemd.
 *
 * Resources (runc's v2 conversions): memory.limit -> MemoryMax, memory.reservation -> MemoryLow,
 * memory.swap -> MemorySwapMax (swap alone: swap - limit), cpu.shares -> CPUWeight, cpu.period ->
 * CPUQuotaPeriodUSec, cpu.quota -> CPUQuotaPerSecUSec (rounded up to 10ms, as systemd keeps a
 * percentage), cpu.cpus/mems -> AllowedCPUs/AllowedMemoryNodes (bitmasks), pids.limit ->
 * TasksMax, blockIO.weight -> IOWeight, and the unified keys memory.min/low/high/max/swap.max,
 * pids.max, cpu.weight, cpuset.cpus/mems.  -1 and "max" are systemd's infinity (UINT64_MAX).
 *
 * Annotation values, a subset of GVariant's text form as runc parses it: true / false (b);
 * 'text' or "text" (s); a bare integer (i, int32) or a number with '.' or an exponent (d);
 * a typed number "uint64 N" or "@t N" (t), "int64"/"@x" (x), "uint32"/"@u" (u),
 * "int32"/"@i" (i), "double"/"@d" (d).  A name ending in a lowercase letter + "Sec"
 * (TimeoutStopSec) becomes NAME-"Sec"+"USec" with the number of seconds turned into
 * microseconds (t), as runc does.  Arrays and other types are refused. */
#ifndef VEIL_CGROUP_SYSTEMD_PROPS_H
#define VEIL_CGROUP_SYSTEMD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"

#define SD_INFINITY UINT64_MAX

typedef struct sd_prop {
  char *name;
  /* D-Bus type: 'b' 's' 't' 'x' 'u' 'i' 'd', or 'y' for an "ay" (bytes) */
  char type;
  union {
    uint64_t t;
    int64_t x;
    uint32_t u;
    int32_t i;
    double d;
    bool b;
  } v;
  char *s;        /* 's' */
  uint8_t *bytes; /* 'y' */
  size_t nbytes;
} sd_prop;

typedef struct sd_props {
  sd_prop *p;
  size_t n;
} sd_props;

void sd_props_clear(sd_props *ps);

/* Appends the properties of r (NULL: none). */
int sd_props_from_resources(const oci_resources *r, sd_props *ps, veil_error *err);

/* Appends one property per org.systemd.property.NAME annotation, in document order. */
int sd_props_from_annotations(const oci_map *annotations, sd_props *ps, veil_error *err);

/* One annotation: NAME (without the prefix) and its VALUE text. */
int sd_prop_parse(const char *name, const char *value, sd_prop *out, veil_error *err);

/* "0-3,8" -> the bitmask systemd takes for AllowedCPUs: bit N of byte N/8 is CPU N. */
int sd_cpuset_to_bytes(const char *list, uint8_t **bytes, size_t *n);

/* "Name=TYPE:VALUE ..." (bytes as hex), for tests and --debug; malloc'd. */
char *sd_props_format(const sd_props *ps);

#endif

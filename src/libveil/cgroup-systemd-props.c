/* veil — linux.resources and org.systemd.property.* annotations as systemd unit properties
 * (cgroup-systemd-props.h). */
#include "config.h"
#include "cgroup-systemd-props.h"
#include "cgroup-resources.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANNOTATION_PREFIX "org.systemd.property."

void sd_props_clear(sd_props *ps)
{
  for (size_t i = 0; i < ps->n; i++) {
    free(ps->p[i].name);
    free(ps->p[i].s);
    free(ps->p[i].bytes);
  }
  free(ps->p);
  ps->p = NULL;
  ps->n = 0;
}

/* Takes over p's allocations, also on failure. */
static int props_push(sd_props *ps, sd_prop *p, veil_error *err)
{
  sd_prop *np = realloc(ps->p, (ps->n + 1) * sizeof(*np));

  if (!np || !p->name) {
    free(p->name);
    free(p->s);
    free(p->bytes);
    if (np)
      ps->p = np;
    return veil_fail(err, ENOMEM, "systemd properties");
  }
  ps->p = np;
  ps->p[ps->n++] = *p;
  return 0;
}

static int push_u64(sd_props *ps, const char *name, uint64_t v, veil_error *err)
{
  sd_prop p = {.name = strdup(name), .type = 't', .v.t = v};
  return props_push(ps, &p, err);
}

int sd_cpuset_to_bytes(const char *list, uint8_t **bytes, size_t *n)
{
  uint8_t *b = NULL;
  size_t len = 0;
  const char *c = list;

  *bytes = NULL;
  *n = 0;
  while (*c) {
    char *end;
    unsigned long lo, hi;
    if (*c < '0' || *c > '9')
      goto bad;
    lo = hi = strtoul(c, &end, 10);
    if (*end == '-') {
      if (end[1] < '0' || end[1] > '9')
        goto bad;
      hi = strtoul(end + 1, &end, 10);
    }
    if (hi < lo || hi >= 1u << 20 || (*end && *end != ','))
      goto bad;
    if (hi / 8 + 1 > len) {
      uint8_t *nb = realloc(b, hi / 8 + 1);
      if (!nb)
        goto bad;
      memset(nb + len, 0, hi / 8 + 1 - len);
      b = nb;
      len = hi / 8 + 1;
    }
    for (unsigned long i = lo; i <= hi; i++)
      b[i / 8] |= (uint8_t)(1u << (i % 8));
    c = *end ? end + 1 : end;
  }
  if (!len)
    goto bad;
  *bytes = b;
  *n = len;
  return 0;
bad:
  free(b);
  return -1;
}

static int push_cpuset(sd_props *ps, const char *name, const char *list, const char *key,
                       veil_error *err)
{
  sd_prop p = {.name = strdup(name), .type = 'y'};

  if (sd_cpuset_to_bytes(list, &p.bytes, &p.nbytes) < 0) {
    free(p.name);
    return veil_fail(err, 0, "%s: \"%s\" is not a list of numbers and ranges", key, list);
  }
  return props_push(ps, &p, err);
}

/* ---- linux.resources: one getter per property; 1 when the config sets it ------------------- */

static uint64_t sd_max(int64_t v)
{
  return v < 0 ? SD_INFINITY : (uint64_t)v;
}

static int set_if(bool set, uint64_t value, uint64_t *v)
{
  if (set)
    *v = value;
  return set;
}

static int get_memory_max(const oci_resources *r, uint64_t *v)
{
  const oci_memory *m = r->memory;
  return set_if(m && m->has_limit && m->limit, m ? sd_max(m->limit) : 0, v);
}

static int get_memory_low(const oci_resources *r, uint64_t *v)
{
  const oci_memory *m = r->memory;
  return set_if(m && m->has_reservation && m->reservation, m ? sd_max(m->reservation) : 0, v);
}

/* v1's swap is memory+swap, systemd's (as v2's) swap alone; what does not convert is left to
 * the file conversion, which says why */
static int get_memory_swap_max(const oci_resources *r, uint64_t *v)
{
  const oci_memory *m = r->memory;
  int64_t limit = m && m->has_limit ? m->limit : 0;
  if (!m)
    return 0;
  if (!m->has_swap || !m->swap)
    return set_if(limit == -1, SD_INFINITY, v);
  if (m->swap < 0)
    return set_if(true, SD_INFINITY, v);
  return set_if(limit > 0 && m->swap >= limit, (uint64_t)(m->swap - limit), v);
}

static int get_cpu_weight(const oci_resources *r, uint64_t *v)
{
  const oci_cpu *c = r->cpu;
  return set_if(c && c->has_shares && c->shares, c ? cgroup_shares_to_weight(c->shares) : 0, v);
}

static int get_cpu_period(const oci_resources *r, uint64_t *v)
{
  const oci_cpu *c = r->cpu;
  return set_if(c && c->has_period && c->period, c ? c->period : 0, v);
}

/* systemd keeps the quota as a percentage of one CPU: round up to 10ms per second so that the
 * cpu.max it writes is not below what the config asked */
static int get_cpu_quota(const oci_resources *r, uint64_t *v)
{
  const oci_cpu *c = r->cpu;
  int64_t quota = c && c->has_quota ? c->quota : 0;
  uint64_t period = c && c->has_period ? c->period : 0, us = SD_INFINITY;
  if (quota > 0) {
    us = (uint64_t)quota * 1000000 / (period ? period : 100000);
    if (us % 10000)
      us = (us / 10000 + 1) * 10000;
  }
  return set_if(quota || period, us, v);
}

static int get_tasks_max(const oci_resources *r, uint64_t *v)
{
  return set_if(r->pids && r->pids->limit, r->pids ? sd_max(r->pids->limit) : 0, v);
}

static int get_io_weight(const oci_resources *r, uint64_t *v)
{
  const oci_block_io *b = r->block_io;
  return set_if(b && b->has_weight && b->weight, b ? cgroup_blkio_to_io_weight(b->weight) : 0, v);
}

static const struct {
  const char *name;
  int (*get)(const oci_resources *r, uint64_t *v);
} u64_props[] = {
    {"MemoryMax", get_memory_max},
    {"MemoryLow", get_memory_low},
    {"MemorySwapMax", get_memory_swap_max},
    {"CPUWeight", get_cpu_weight},
    /* the period first: systemd computes the quota against the period in force */
    {"CPUQuotaPeriodUSec", get_cpu_period},
    {"CPUQuotaPerSecUSec", get_cpu_quota},
    {"TasksMax", get_tasks_max},
    {"IOWeight", get_io_weight},
};

/* linux.resources.unified: the files systemd has a property for */
static const struct {
  const char *file, *name;
  bool cpuset;
} unified_props[] = {
    {"memory.min", "MemoryMin", false},          {"memory.low", "MemoryLow", false},
    {"memory.high", "MemoryHigh", false},        {"memory.max", "MemoryMax", false},
    {"memory.swap.max", "MemorySwapMax", false}, {"pids.max", "TasksMax", false},
    {"cpu.weight", "CPUWeight", false},          {"cpuset.cpus", "AllowedCPUs", true},
    {"cpuset.mems", "AllowedMemoryNodes", true},
};

static int unified_prop(sd_props *ps, size_t k, const char *value, veil_error *err)
{
  char *end;
  unsigned long long v;

  if (unified_props[k].cpuset)
    return push_cpuset(ps, unified_props[k].name, value, "linux.resources.unified", err);
  if (!strcmp(value, "max"))
    return push_u64(ps, unified_props[k].name, SD_INFINITY, err);
  errno = 0;
  v = strtoull(value, &end, 10);
  if (errno || end == value || *end || value[0] == '-')
    return veil_fail(err, 0, "linux.resources.unified: %s: \"%s\" is not a number or \"max\"",
                     unified_props[k].file, value);
  return push_u64(ps, unified_props[k].name, v, err);
}

int sd_props_from_resources(const oci_resources *r, sd_props *ps, veil_error *err)
{
  uint64_t v;

  if (!r)
    return 0;
  for (size_t k = 0; k < sizeof(u64_props) / sizeof(u64_props[0]); k++)
    if (u64_props[k].get(r, &v) && push_u64(ps, u64_props[k].name, v, err) < 0)
      return -1;
  if (r->cpu && r->cpu->cpus && *r->cpu->cpus &&
      push_cpuset(ps, "AllowedCPUs", r->cpu->cpus, "linux.resources.cpu.cpus", err) < 0)
    return -1;
  if (r->cpu && r->cpu->mems && *r->cpu->mems &&
      push_cpuset(ps, "AllowedMemoryNodes", r->cpu->mems, "linux.resources.cpu.mems", err) < 0)
    return -1;
  for (size_t i = 0; i < r->unified.len; i++)
    for (size_t k = 0; k < sizeof(unified_props) / sizeof(unified_props[0]); k++)
      if (!strcmp(r->unified.keys[i], unified_props[k].file) &&
          unified_prop(ps, k, r->unified.values[i], err) < 0)
        return -1;
  return 0;
}

/* ---- annotations ------------------------------------------------------------------------- */

/* GVariant's type keywords and their one-letter forms */
static const struct {
  const char *word;
  char type;
} type_words[] = {
    {"uint64", 't'}, {"@t", 't'},    {"int64", 'x'}, {"@x", 'x'},     {"uint32", 'u'},
    {"@u", 'u'},     {"int32", 'i'}, {"@i", 'i'},    {"double", 'd'}, {"@d", 'd'},
};

static int parse_number(const char *text, char type, sd_prop *out)
{
  char *end;

  errno = 0;
  if (type == 'd') {
    out->v.d = strtod(text, &end);
  } else if (type == 't' || type == 'u') {
    unsigned long long v = strtoull(text, &end, 0);
    if (text[0] == '-' || (type == 'u' && v > UINT32_MAX))
      return -1;
    if (type == 't')
      out->v.t = v;
    else
      out->v.u = (uint32_t)v;
  } else {
    long long v = strtoll(text, &end, 0);
    if (type == 'i' && (v < INT32_MIN || v > INT32_MAX))
      return -1;
    if (type == 'x')
      out->v.x = v;
    else
      out->v.i = (int32_t)v;
  }
  if (errno || end == text || *end)
    return -1;
  out->type = type;
  return 0;
}

static int parse_string(const char *text, sd_prop *out)
{
  size_t len = strlen(text);
  char q = text[0];
  char *s;

  if (len < 2 || text[len - 1] != q)
    return -1;
  s = out->s = malloc(len);
  if (!s)
    return -1;
  for (size_t i = 1; i < len - 1; i++) {
    if (text[i] == '\\' && i + 2 < len)
      i++;
    else if (text[i] == q)
      return -1; /* a quote inside that was not escaped: two values */
    *s++ = text[i];
  }
  *s = '\0';
  out->type = 's';
  return 0;
}

static int parse_value(const char *text, sd_prop *out)
{
  if (!strcmp(text, "true") || !strcmp(text, "false")) {
    out->type = 'b';
    out->v.b = text[0] == 't';
    return 0;
  }
  if (text[0] == '\'' || text[0] == '"')
    return parse_string(text, out);
  for (size_t k = 0; k < sizeof(type_words) / sizeof(type_words[0]); k++) {
    size_t l = strlen(type_words[k].word);
    if (!strncmp(text, type_words[k].word, l) && text[l] == ' ')
      return parse_number(text + l + strspn(text + l, " "), type_words[k].type, out);
  }
  /* GVariant: an untyped integer is an int32, a number with a fraction or exponent a double */
  return parse_number(text, strpbrk(text, ".eE") ? 'd' : 'i', out);
}

/* seconds of any numeric type -> microseconds (t) */
static int sec_to_usec(sd_prop *p)
{
  double d;

  switch (p->type) {
  case 't':
    d = (double)p->v.t;
    break;
  case 'x':
    d = (double)p->v.x;
    break;
  case 'u':
    d = p->v.u;
    break;
  case 'i':
    d = p->v.i;
    break;
  case 'd':
    d = p->v.d;
    break;
  default:
    return -1;
  }
  if (!(d >= 0) || d * 1e6 >= 18446744073709551615.0)
    return -1;
  p->type = 't';
  p->v.t = (uint64_t)(d * 1e6 + 0.5);
  return 0;
}

int sd_prop_parse(const char *name, const char *value, sd_prop *out, veil_error *err)
{
  size_t len = strlen(name);

  memset(out, 0, sizeof(*out));
  /* as runc: letters only, so a name cannot smuggle anything into the D-Bus call */
  if (len < 3 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != len)
    return veil_fail(err, 0, "annotations: " ANNOTATION_PREFIX "%s: not a property name", name);
  if (parse_value(value, out) < 0) {
    free(out->s);
    out->s = NULL;
    return veil_fail(err, 0,
                     "annotations: " ANNOTATION_PREFIX "%s: cannot parse value \"%s\" (true, "
                     "false, 'text', a number, or \"uint64 N\" and the like)",
                     name, value);
  }
  bool sec =
      len > 4 && !strcmp(name + len - 3, "Sec") && name[len - 4] >= 'a' && name[len - 4] <= 'z';
  if (sec && sec_to_usec(out) < 0) {
    free(out->s);
    out->s = NULL;
    return veil_fail(err, 0,
                     "annotations: " ANNOTATION_PREFIX "%s: \"%s\" is not a number of seconds",
                     name, value);
  }
  out->name = sec ? veil_strdup_printf("%.*sUSec", (int)(len - 3), name) : strdup(name);
  if (!out->name) {
    free(out->s);
    out->s = NULL;
    return veil_fail(err, ENOMEM, "annotations");
  }
  return 0;
}

int sd_props_from_annotations(const oci_map *annotations, sd_props *ps, veil_error *err)
{
  size_t pl = strlen(ANNOTATION_PREFIX);

  for (size_t i = 0; annotations && i < annotations->len; i++) {
    sd_prop p;
    if (strncmp(annotations->keys[i], ANNOTATION_PREFIX, pl))
      continue;
    if (sd_prop_parse(annotations->keys[i] + pl, annotations->values[i], &p, err) < 0 ||
        props_push(ps, &p, err) < 0)
      return -1;
  }
  return 0;
}

char *sd_props_format(const sd_props *ps)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);

  if (!f)
    return NULL;
  for (size_t i = 0; i < ps->n; i++) {
    const sd_prop *p = &ps->p[i];
    fprintf(f, "%s%s=%c:", i ? " " : "", p->name, p->type);
    switch (p->type) {
    case 'b':
      fputs(p->v.b ? "true" : "false", f);
      break;
    case 's':
      fputs(p->s, f);
      break;
    case 't':
      fprintf(f, "%" PRIu64, p->v.t);
      break;
    case 'x':
      fprintf(f, "%" PRId64, p->v.x);
      break;
    case 'u':
      fprintf(f, "%" PRIu32, p->v.u);
      break;
    case 'i':
      fprintf(f, "%" PRId32, p->v.i);
      break;
    case 'd':
      fprintf(f, "%g", p->v.d);
      break;
    case 'y':
      for (size_t k = 0; k < p->nbytes; k++)
        fprintf(f, "%02x", p->bytes[k]);
      break;
    }
  }
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* veil — the systemd cgroup driver (cgroup-systemd.h): the unit's name and place, and the
 * handle the rest of the cgroup code works on once systemd made the unit's directory. */
#include "config.h"
#include "cgroup-systemd.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "util.h"

/* where systemd mounts cgroup2 on a host without v1 hierarchies */
#define CGROUP2_ROOT "/sys/fs/cgroup"

#define K "linux.cgroupsPath"

static bool ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

/* systemd refuses unit names with other characters (unit_name_is_valid); saying so here names
 * the config field instead of a D-Bus error */
static bool unit_chars_ok(const char *s)
{
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          strchr(":-_.\\@", *s)))
      return false;
  return true;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; the root slice -> "".  A stem with a
 * leading, trailing or doubled dash names no parent, so systemd refuses it. */
static int slice_path(const char *cgpath, const char *slice, char **out, veil_error *err)
{
  size_t stem_len = strlen(slice) - strlen(".slice");
  cleanup_free char *stem = strndup(slice, stem_len);
  char *path = strdup("");

  *out = NULL;
  if (!stem || !path) {
    free(path);
    return veil_fail(err, ENOMEM, K);
  }
  if (!strcmp(slice, "-.slice")) {
    *out = path;
    return 0;
  }
  if (!stem_len || stem[0] == '-' || stem[stem_len - 1] == '-' || strstr(stem, "--")) {
    free(path);
    return veil_fail(err, 0, K ": \"%s\": \"%s\" is not a valid slice name", cgpath, slice);
  }
  for (char *dash = stem;; dash++) {
    if (*dash != '-' && *dash != '\0')
      continue;
    char *next = veil_strdup_printf("%s/%.*s.slice", path, (int)(dash - stem), stem);
    free(path);
    if (!(path = next))
      return veil_fail(err, ENOMEM, K);
    if (!*dash)
      break;
  }
  *out = path;
  return 0;
}

int cgroup_systemd_unit_parse(const char *cgroups_path, const char *id, bool rootless_v2,
                              cgroup_systemd_unit *out, veil_error *err)
{
  cleanup_free char *dflt = NULL, *copy = NULL, *spath = NULL;
  char *slice, *prefix, *name, *c1, *c2;

  memset(out, 0, sizeof(*out));
  if (!cgroups_path || !*cgroups_path)
    cgroups_path = dflt = veil_strdup_printf(":veil:%s", id);
  if (!cgroups_path || !(copy = strdup(cgroups_path)))
    return veil_fail(err, ENOMEM, K);
  c1 = strchr(copy, ':');
  c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (!c2 || strchr(c2 + 1, ':'))
    return veil_fail(err, 0, K ": \"%s\": with --systemd-cgroup the form is \"slice:prefix:name\"",
                     cgroups_path);
  *c1 = *c2 = '\0';
  slice = copy, prefix = c1 + 1, name = c2 + 1;
  if (!*name)
    return veil_fail(err, 0, K ": \"%s\": the name part is empty", cgroups_path);
  if (!*slice)
    slice = rootless_v2 ? "user.slice" : "system.slice";
  else if (!strcmp(slice, "-"))
    slice = "-.slice";
  if (strchr(slice, '/') || !ends_with(slice, ".slice") || !unit_chars_ok(slice))
    return veil_fail(err, 0, K ": \"%s\": \"%s\" is not a slice name (NAME.slice, no '/')",
                     cgroups_path, slice);
  if (ends_with(name, ".slice"))
    out->unit = strdup(name);
  else
    out->unit = veil_strdup_printf("%s-%s.scope", prefix, name);
  out->slice = strdup(slice);
  if (!out->unit || !out->slice) {
    cgroup_systemd_unit_clear(out);
    return veil_fail(err, ENOMEM, K);
  }
  if (!unit_chars_ok(out->unit)) {
    veil_fail(err, 0, K ": \"%s\": unit name \"%s\" has a character systemd does not allow",
              cgroups_path, out->unit);
    cgroup_systemd_unit_clear(out);
    return -1;
  }
  /* a slice's name says where it is: the parent slice given with it does not move it */
  if (ends_with(out->unit, ".slice")) {
    if (slice_path(cgroups_path, out->unit, &out->path, err) < 0) {
      cgroup_systemd_unit_clear(out);
      return -1;
    }
    return 0;
  }
  if (slice_path(cgroups_path, slice, &spath, err) < 0) {
    cgroup_systemd_unit_clear(out);
    return -1;
  }
  if (!(out->path = veil_strdup_printf("%s/%s", spath, out->unit))) {
    cgroup_systemd_unit_clear(out);
    return veil_fail(err, ENOMEM, K);
  }
  return 0;
}

void cgroup_systemd_unit_clear(cgroup_systemd_unit *u)
{
  free(u->slice);
  free(u->unit);
  free(u->path);
  memset(u, 0, sizeof(*u));
}

int cgroup_systemd_check(veil_error *err)
{
  /* sd_booted(3): systemd creates this directory early at boot and nobody else does */
  struct stat st;

  if (lstat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
    return veil_fail(err, 0,
                     "--systemd-cgroup: systemd is not running on this host (PID 1 is not "
                     "systemd)");
#ifndef HAVE_LIBSYSTEMD
  return veil_fail(err, 0,
                   "--systemd-cgroup: veil was built without libsystemd (configure "
                   "--disable-systemd)");
#endif
  return 0;
}

int cgroup_systemd_plan(const char *id, const oci_linux *l, const oci_map *annotations,
                        cgroup_handle **out, veil_error *err)
{
  cleanup_free char *path = NULL;
  _cleanup_(sd_props_clear) sd_props ps = {0};
  cgroup_systemd_unit u;
  struct statfs sf;
  cgroup_handle *h;

  *out = NULL;
  if (cgroup_systemd_check(err) < 0)
    return -1;
  /* a user's units are its own systemd's, on its session bus: not this driver's */
  if (geteuid() != 0)
    return veil_fail(err, 0, "--systemd-cgroup: only root can use the systemd cgroup driver");
  /* bad properties are refused before anything exists */
  if (sd_props_from_resources(l ? l->resources : NULL, &ps, err) < 0 ||
      sd_props_from_annotations(annotations, &ps, err) < 0)
    return -1;
  /* systemd on a v1 or hybrid host splits a unit over every hierarchy: not supported */
  if (statfs(CGROUP2_ROOT, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
    return veil_fail(err, 0,
                     "--systemd-cgroup: " CGROUP2_ROOT " is not cgroup2: the driver "
                     "needs a host with cgroup v2 only");
  if (cgroup_systemd_unit_parse(l ? l->cgroups_path : NULL, id, false, &u, err) < 0)
    return -1;
  path = veil_strdup_printf(CGROUP2_ROOT "%s", u.path);
  h = calloc(1, sizeof(*h));
  if (!path || !h || !(h->dirs = calloc(1, sizeof(*h->dirs)))) {
    free(h);
    cgroup_systemd_unit_clear(&u);
    return veil_fail(err, ENOMEM, "cgroups");
  }
  h->v2fd = -1;
  h->layout = CGROUP_V2;
  h->n = 1;
  h->dirs[0] = (cg_dir){.path = steal_pointer(&path),
                        .ctrls = strdup("unified"),
                        .v2 = true,
                        .created = 1,
                        .mnt_len = strlen(CGROUP2_ROOT)};
  h->sd_unit = steal_pointer(&u.unit);
  h->sd_slice = steal_pointer(&u.slice);
  h->sd_desc = veil_strdup_printf("veil container %s", id);
  cgroup_systemd_unit_clear(&u);
  if (!h->dirs[0].ctrls || !h->sd_desc) {
    cgroup_handle_free(h);
    return veil_fail(err, ENOMEM, "cgroups");
  }
  *out = h;
  return 0;
}

int cgroup_systemd_start(const cgroup_handle *h, pid_t pid, const oci_linux *l,
                         const oci_map *annotations, veil_error *err)
{
  _cleanup_(sd_props_clear) sd_props ps = {0};

  if (!h || !h->sd_unit)
    return 0;
  /* as runc: the annotations last, so that they can override what the resources set */
  if (sd_props_from_resources(l ? l->resources : NULL, &ps, err) < 0 ||
      sd_props_from_annotations(annotations, &ps, err) < 0)
    return -1;
  return sd_unit_start(h->sd_unit, h->sd_slice, h->sd_desc, pid, &ps, err);
}

int cgroup_systemd_update(const cgroup_handle *h, const oci_resources *r, veil_error *err)
{
  _cleanup_(sd_props_clear) sd_props ps = {0};

  if (!h || !h->sd_unit)
    return 0;
  if (sd_props_from_resources(r, &ps, err) < 0)
    return -1;
  return sd_unit_set(h->sd_unit, &ps, err);
}

int cgroup_systemd_stop(const cgroup_handle *h, veil_error *err)
{
  return h && h->sd_unit ? sd_unit_stop(h->sd_unit, err) : 0;
}

/* veil — the systemd cgroup driver's names (cgroup-systemd.h). */
#include "cgroup-systemd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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

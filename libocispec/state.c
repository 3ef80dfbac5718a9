/* libocispec: the OCI state document and veil's private state file. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* OCI state (runtime.md "State") */

static int parse_state(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_state *s = out;
  jpath pp = jp_key(p, "pid", 3);
  if (jget_str(c, o, p, "ociVersion", REQ, &s->oci_version) < 0 ||
      jget_str(c, o, p, "id", REQ, &s->id) < 0 ||
      jget_str(c, o, p, "status", REQ, &s->status) < 0 ||
      jget_int(c, o, p, "pid", OPT, &s->pid, &s->has_pid) < 0)
    return -1;
  if (s->has_pid && s->pid < 0)
    return perr(c, &pp, "value %d out of range", s->pid);
  if (jget_str(c, o, p, "bundle", REQ, &s->bundle) < 0 ||
      jget_map(c, o, p, "annotations", &s->annotations) < 0)
    return -1;
  return 0;
}

static void state_clear(void *e)
{
  oci_state *s = e;
  free(s->oci_version);
  free(s->id);
  free(s->status);
  free(s->bundle);
  oci_map_clear(&s->annotations);
  memset(s, 0, sizeof *s);
}

oci_state *oci_state_parse_data(const char *json, size_t len, char **err)
{
  return parse_doc(json, len, true, err, sizeof(oci_state), parse_state, state_clear);
}

oci_state *oci_state_parse_file(const char *path, char **err)
{
  return parse_doc_file(path, true, err, sizeof(oci_state), parse_state, state_clear);
}

char *oci_state_generate(const oci_state *s, size_t *len, char **err)
{
  gctx g;
  if (gctx_begin(&g, s, "state", err) < 0)
    return NULL;
  g_map_open(&g);
  g_str(&g, "ociVersion", s->oci_version);
  g_str(&g, "id", s->id);
  g_str(&g, "status", s->status);
  if (s->has_pid)
    g_i64(&g, "pid", s->pid);
  g_str(&g, "bundle", s->bundle);
  g_map(&g, "annotations", &s->annotations);
  g_map_close(&g);
  return gctx_finish(&g, len, err);
}

void oci_state_free(oci_state *s)
{
  if (s == NULL)
    return;
  state_clear(s);
  free(s);
}

/* ---------------------------------------------------------------------- */
/* veil's state file */

static int parse_veil_state(pctx *c, const jnode *o, const jpath *p, void *out)
{
  veil_state_file *s = out;
  if (jget_str(c, o, p, "id", REQ, &s->id) < 0 ||
      jget_str(c, o, p, "bundle", OPT, &s->bundle) < 0 ||
      jget_str(c, o, p, "rootfs", OPT, &s->rootfs) < 0 ||
      jget_str(c, o, p, "created", OPT, &s->created) < 0 ||
      jget_str(c, o, p, "owner", OPT, &s->owner) < 0 ||
      jget_int(c, o, p, "pid", OPT, &s->pid, NULL) < 0 ||
      jget_u64(c, o, p, "pidStartTime", OPT, &s->pid_start_time, NULL) < 0 ||
      jget_str(c, o, p, "configPath", OPT, &s->config_path) < 0 ||
      jget_map(c, o, p, "annotations", &s->annotations) < 0 ||
      jget_map(c, o, p, "cgroupPaths", &s->cgroup_paths) < 0 ||
      jget_bool(c, o, p, "hasNewPidns", OPT, &s->has_new_pidns, NULL) < 0 ||
      jget_strv(c, o, p, "flags", OPT, &s->flags, &s->flags_len) < 0)
    return -1;
  return 0;
}

static void veil_state_clear(void *e)
{
  veil_state_file *s = e;
  free(s->id);
  free(s->bundle);
  free(s->rootfs);
  free(s->created);
  free(s->owner);
  free(s->config_path);
  oci_map_clear(&s->annotations);
  oci_map_clear(&s->cgroup_paths);
  oci_strv_free(s->flags, s->flags_len);
  memset(s, 0, sizeof *s);
}

veil_state_file *veil_state_file_parse_data(const char *json, size_t len, char **err)
{
  return parse_doc(json, len, false, err, sizeof(veil_state_file), parse_veil_state,
                   veil_state_clear);
}

veil_state_file *veil_state_file_parse_file(const char *path, char **err)
{
  return parse_doc_file(path, false, err, sizeof(veil_state_file), parse_veil_state,
                        veil_state_clear);
}

char *veil_state_file_generate(const veil_state_file *s, size_t *len, char **err)
{
  gctx g;
  if (gctx_begin(&g, s, "state", err) < 0)
    return NULL;
  g_map_open(&g);
  g_str(&g, "id", s->id);
  g_str(&g, "bundle", s->bundle);
  g_str(&g, "rootfs", s->rootfs);
  g_str(&g, "created", s->created);
  g_str(&g, "owner", s->owner);
  g_i64(&g, "pid", s->pid);
  g_u64(&g, "pidStartTime", s->pid_start_time);
  g_str(&g, "configPath", s->config_path);
  g_map(&g, "annotations", &s->annotations);
  g_map(&g, "cgroupPaths", &s->cgroup_paths);
  g_bool(&g, "hasNewPidns", s->has_new_pidns);
  g_strv(&g, "flags", s->flags, s->flags_len);
  g_map_close(&g);
  return gctx_finish(&g, len, err);
}

void veil_state_file_free(veil_state_file *s)
{
  if (s == NULL)
    return;
  veil_state_clear(s);
  free(s);
}

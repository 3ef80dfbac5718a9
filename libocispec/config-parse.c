/* libocispec: config.json parsing (config.md part; the "linux" object is in
 * config-linux-parse.c, "process" in process.c). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int parse_id_mapping(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_id_mapping *m = out;
  if (jget_u32(c, o, p, "containerID", REQ, &m->container_id, NULL) < 0 ||
      jget_u32(c, o, p, "hostID", REQ, &m->host_id, NULL) < 0 ||
      jget_u32(c, o, p, "size", REQ, &m->size, NULL) < 0)
    return -1;
  return 0;
}

static int parse_root(pctx *c, const jnode *o, const jpath *p, oci_root *r)
{
  if (jget_str(c, o, p, "path", REQ, &r->path) < 0 ||
      jget_bool(c, o, p, "readonly", OPT, &r->readonly, NULL) < 0)
    return -1;
  return 0;
}

static int parse_mount(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_mount *m = out;
  if (jget_str(c, o, p, "destination", REQ, &m->destination) < 0 ||
      jget_str(c, o, p, "type", OPT, &m->type) < 0 ||
      jget_str(c, o, p, "source", OPT, &m->source) < 0 ||
      jget_strv(c, o, p, "options", OPT, &m->options, &m->options_len) < 0)
    return -1;
  JOBJARR(c, o, p, "uidMappings", OPT, m->uid_mappings, parse_id_mapping, oci_nothing_clear);
  JOBJARR(c, o, p, "gidMappings", OPT, m->gid_mappings, parse_id_mapping, oci_nothing_clear);
  return 0;
}

static int parse_hook(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_hook *h = out;
  if (jget_str(c, o, p, "path", REQ, &h->path) < 0 ||
      jget_strv(c, o, p, "args", OPT, &h->args, &h->args_len) < 0 ||
      jget_strv(c, o, p, "env", OPT, &h->env, &h->env_len) < 0 ||
      jget_int(c, o, p, "timeout", OPT, &h->timeout, &h->has_timeout) < 0)
    return -1;
  if (h->has_timeout && h->timeout <= 0) {
    jpath tp = jp_key(p, "timeout", 7);
    return perr(c, &tp, "value %d out of range (must be greater than zero)", h->timeout);
  }
  return 0;
}

static int parse_hooks(pctx *c, const jnode *o, const jpath *p, oci_hooks *h)
{
  JOBJARR(c, o, p, "prestart", OPT, h->prestart, parse_hook, oci_hook_clear);
  JOBJARR(c, o, p, "createRuntime", OPT, h->create_runtime, parse_hook, oci_hook_clear);
  JOBJARR(c, o, p, "createContainer", OPT, h->create_container, parse_hook, oci_hook_clear);
  JOBJARR(c, o, p, "startContainer", OPT, h->start_container, parse_hook, oci_hook_clear);
  JOBJARR(c, o, p, "poststart", OPT, h->poststart, parse_hook, oci_hook_clear);
  JOBJARR(c, o, p, "poststop", OPT, h->poststop, parse_hook, oci_hook_clear);
  return 0;
}

static int parse_config(pctx *c, const jnode *o, const jpath *p, void *out)
{
  oci_config *cfg = out;
  if (jget_str(c, o, p, "ociVersion", REQ, &cfg->oci_version) < 0)
    return -1;
  JSUBOBJ(c, o, p, "process", OPT, cfg->process, parse_process);
  JSUBOBJ(c, o, p, "root", REQ, cfg->root, parse_root);
  if (jget_str(c, o, p, "hostname", OPT, &cfg->hostname) < 0 ||
      jget_str(c, o, p, "domainname", OPT, &cfg->domainname) < 0)
    return -1;
  JOBJARR(c, o, p, "mounts", OPT, cfg->mounts, parse_mount, oci_mount_clear);
  JSUBOBJ(c, o, p, "hooks", OPT, cfg->hooks, parse_hooks);
  if (jget_map(c, o, p, "annotations", &cfg->annotations) < 0)
    return -1;
  JSUBOBJ(c, o, p, "linux", OPT, cfg->linux, parse_linux);
  return 0;
}

static void config_clear_v(void *e)
{
  oci_config_clear(e);
}

oci_config *oci_config_parse_data(const char *json, size_t len, char **err)
{
  return parse_doc(json, len, true, err, sizeof(oci_config), parse_config, config_clear_v);
}

oci_config *oci_config_parse_file(const char *path, char **err)
{
  return parse_doc_file(path, true, err, sizeof(oci_config), parse_config, config_clear_v);
}

#include "config.h"
#include "cli.h"

int cmd_create(const veil_globals *g, int argc, char **argv)
{
  create_flags f;
  const char *id;
  veil_error err = VEIL_ERROR_INIT;

  if (cli_parse_create("create", false, argc, argv, &f, &id) < 0)
    return 1;
  f.opts.systemd_cgroup = g->systemd_cgroup;
  f.opts.rootless = g->rootless;
  if (veil_container_create(g->root, id, &f.opts, &err) < 0)
    return cli_fail(&err);
  return 0;
}

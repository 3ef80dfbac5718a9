#include "config.h"
#include "cli.h"

int cmd_run(const veil_globals *g, int argc, char **argv)
{
  create_flags f;
  const char *id;
  veil_error err = VEIL_ERROR_INIT;
  int status = 0;

  if (cli_parse_create("run", true, argc, argv, &f, &id) < 0)
    return 1;
  f.opts.systemd_cgroup = g->systemd_cgroup;
  f.opts.rootless = g->rootless;
  if (veil_container_run(g->root, id, &f.opts, f.detach, f.keep, &status, &err) < 0)
    return cli_fail(&err);
  return status;
}

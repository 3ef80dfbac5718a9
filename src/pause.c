#include "config.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* pause and resume take the same arguments: one container id. */
static int pause_resume(const veil_globals *g, int argc, char **argv, bool pause)
{
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *cmd = pause ? "pause" : "resume";
  veil_error err = VEIL_ERROR_INIT;
  int c;

  while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
    if (c != 'h')
      return 1;
    printf(pause ? "Usage: veil pause CONTAINER-ID\n\n"
                   "Freeze every process of the container (its cgroup's freezer).\n"
                 : "Usage: veil resume CONTAINER-ID\n\n"
                   "Thaw the processes of a paused container.\n");
    return 0;
  }
  if (cli_expect_args(cmd, argc, argv, 1, 1, "CONTAINER-ID"))
    return 1;
  if ((pause ? veil_container_pause : veil_container_resume)(g->root, argv[optind], &err) < 0)
    return cli_fail(&err);
  return 0;
}

int cmd_pause(const veil_globals *g, int argc, char **argv)
{
  return pause_resume(g, argc, argv, true);
}

int cmd_resume(const veil_globals *g, int argc, char **argv)
{
  return pause_resume(g, argc, argv, false);
}

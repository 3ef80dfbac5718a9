#include "config.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_start(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  int c;

  while ((c = cli_getopt("start", argc, argv, "h", longopts)) != -1) {
    if (c == 'h') {
      printf("Usage: veil start CONTAINER-ID\n\nRun the process of a created container.\n");
      return 0;
    }
    return 1;
  }
  if (cli_expect_args("start", argc, argv, 1, 1, "CONTAINER-ID"))
    return 1;
  if (veil_container_start(g->root, argv[optind], &err) < 0)
    return cli_fail(&err);
  return 0;
}

#include "config.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_state(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  char *json = NULL;
  int c;

  while ((c = cli_getopt("state", argc, argv, "h", longopts)) != -1) {
    if (c == 'h') {
      printf("Usage: veil state CONTAINER-ID\n\nPrint the OCI state JSON of a container.\n");
      return 0;
    }
    return 1;
  }
  if (cli_expect_args("state", argc, argv, 1, 1, "CONTAINER-ID"))
    return 1;
  if (veil_container_state(g->root, argv[optind], &json, &err) < 0)
    return cli_fail(&err);
  fputs(json, stdout);
  free(json);
  return 0;
}

#include "config.h"
#include "cli.h"

#include <stdio.h>

int cmd_delete(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {
      {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  bool force = false;
  int c;

  while ((c = cli_getopt("delete", argc, argv, "fh", longopts)) != -1) {
    switch (c) {
    case 'f':
      force = true;
      break;
    case 'h':
      printf("Usage: veil delete [-f|--force] CONTAINER-ID\n\n"
             "Delete a stopped (or created) container; --force kills a running one first.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("delete", argc, argv, 1, 1, "[--force] CONTAINER-ID"))
    return 1;
  if (veil_container_delete(g->root, argv[optind], force, &err) < 0)
    return cli_fail(&err);
  return 0;
}

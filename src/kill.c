#include "config.h"
#include "cli-parse.h"
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_kill(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {
      {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  bool all = false;
  int c, sig = SIGTERM;

  while ((c = cli_getopt("kill", argc, argv, "ah", longopts)) != -1) {
    switch (c) {
    case 'a':
      all = true;
      break;
    case 'h':
      printf("Usage: veil kill [-a|--all] CONTAINER-ID [SIGNAL]\n\n"
             "Send SIGNAL (a name such as TERM or SIGKILL, or a number; default TERM) to the\n"
             "container's init; --all sends it to every process of the container. Signal 0\n"
             "sends nothing: the exit status tells whether the container runs.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("kill", argc, argv, 1, 2, "[--all] CONTAINER-ID [SIGNAL]"))
    return 1;
  if (argc - optind == 2 && (sig = cli_parse_signal(argv[optind + 1])) < 0)
    return cli_failf("kill: unknown signal \"%s\"", argv[optind + 1]);
  if (veil_container_kill(g->root, argv[optind], sig, all, &err) < 0)
    return cli_fail(&err);
  return 0;
}

#include "config.h"
#include "cli.h"
#include "features-doc.h"
#include "util.h"

#include <stdio.h>

int cmd_features(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  cleanup_free char *json = NULL;
  int c;

  (void)g;
  while ((c = cli_getopt("features", argc, argv, "h", longopts)) != -1) {
    if (c == 'h') {
      printf("Usage: veil features\n\nPrint the OCI features document: what this veil accepts "
             "in config.json on this host.\n");
      return 0;
    }
    return 1;
  }
  if (optind < argc)
    return cli_failf("features: unexpected argument \"%s\" (usage: veil features)", argv[optind]);
  if (veil_features_json(true, &json, &err) < 0)
    return cli_fail(&err);
  fputs(json, stdout);
  return 0;
}

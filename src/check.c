/* veil check: every problem of a bundle, one line each naming its field, without creating
 * anything; the checks are create's own (validate.h).  Problems go to stdout, the verdict to
 * stderr; warnings are printed as create prints them and do not change the exit status. */
#include "config.h"
#include "cli.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

int cmd_check(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"bundle", required_argument, NULL, 'b'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  veil_problems p;
  const char *bundle = ".";
  int c;

  (void)g;
  while ((c = cli_getopt("check", argc, argv, "b:h", longopts)) != -1) {
    switch (c) {
    case 'b':
      bundle = optarg;
      break;
    case 'h':
      printf("Usage: veil check [-b BUNDLE]\n\n"
             "Validate the bundle (default: the current directory) as create would, without\n"
             "creating anything, and print every problem, one line each, naming its field.\n"
             "Exit status 0 when the bundle would run, 1 otherwise.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("check", argc, argv, 0, 0, ""))
    return 1;
  if (veil_bundle_check(bundle, &p, &err) < 0) {
    veil_problems_clear(&p);
    return cli_fail(&err);
  }
  /* the problems are the command's answer: stdout; the verdict is its error line */
  for (size_t i = 0; i < p.n; i++)
    printf("%s\n", p.msgs[i]);
  size_t n = p.n;
  veil_problems_clear(&p);
  if (n)
    return cli_failf("check: %zu problem%s in bundle %s", n, n == 1 ? "" : "s", bundle);
  printf("bundle %s: no problems\n", bundle);
  return 0;
}

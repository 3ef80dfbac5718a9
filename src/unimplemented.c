#include "config.h"
#include "cli.h"

/* Commands of runc's that veil does not have yet: a clear error, never a silent success. */
int cmd_unimplemented(const veil_globals *g, int argc, char **argv)
{
  (void)g;
  (void)argc;
  return cli_failf("%s: not implemented yet", argv[0]);
}

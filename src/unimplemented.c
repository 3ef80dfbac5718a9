#include "config.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Commands of runc's that veil does not have yet: a clear error, never a silent success. */
int cmd_unimplemented(const veil_globals *g, int argc, char **argv)
{
  (void)g;
  /* no getopt: runc's flags of these commands are unknown here, and whatever they are, the
   * answer is the same one line; only --help is answered (exit 0), saying it does not work */
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("Usage: veil %s [flags] CONTAINER-ID\n\n"
             "veil %s is not implemented yet (CRIU cannot checkpoint on this kernel): every\n"
             "use of it fails with exit status 1.\n",
             argv[0], argv[0]);
      return 0;
    }
  return cli_failf("%s: not implemented yet", argv[0]);
}

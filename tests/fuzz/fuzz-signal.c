/* libFuzzer target: the SIGNAL of `veil kill ID SIGNAL` ("TERM", "SIGKILL", "9", "RTMIN+3"). */
#include "config.h"
#include "cli-parse.h"
#include "fuzz.h"

#include <signal.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr(data, size);
  int sig = cli_parse_signal(s);

  if (sig != -1 && (sig < 1 || sig > SIGRTMAX))
    abort(); /* a signal the kernel has, or refused */
  free(s);
  return 0;
}

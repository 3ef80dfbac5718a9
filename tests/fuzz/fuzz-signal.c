/* libFuzzer target: the SIGNAL of `veil kill ID SIGNAL` ("TERM", "9", "0", "RTMIN+3"). */
#include "config.h"
#include "cli-parse.h"
#include "fuzz.h"

#include <signal.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr(data, size);
  int sig = cli_parse_signal(s);

  /* a signal the kernel has, or 0 (kill(2)'s "is it alive?", as runc takes it), or refused */
  if (sig != -1 && (sig < 0 || sig > SIGRTMAX))
    abort();
  free(s);
  return 0;
}

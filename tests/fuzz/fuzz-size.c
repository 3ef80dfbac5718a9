/* libFuzzer target: the values of `veil update`'s flags: sizes ("512m", "1.5g", "-1") and
 * whole numbers, signed and unsigned. */
#include "config.h"
#include "cli-parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr(data, size);
  int64_t v;
  uint64_t u;

  if (cli_parse_bytes(s, &v) == 0 && v < -1)
    abort(); /* a size, or -1 for unlimited: never another negative number */
  (void)cli_parse_i64(s, &v);
  if (cli_parse_u64(s, &u) == 0 && s[0] == '-')
    abort();
  free(s);
  return 0;
}

/* libFuzzer target: `exec --user UID[:GID]` and `--additional-gids GID`. */
#include "config.h"
#include "cli-parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr(data, size), *copy = strdup(s);
  uint32_t uid, gid;
  bool has_gid;

  if (!copy)
    abort();
  if (cli_parse_user(s, &uid, &gid, &has_gid) == 0 && has_gid != (strchr(s, ':') != NULL))
    abort();
  if (strcmp(s, copy))
    abort(); /* the argument is given back as it came (it is printed in the error) */
  (void)cli_parse_id(s, &gid);
  free(copy);
  free(s);
  return 0;
}

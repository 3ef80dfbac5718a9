/* libFuzzer target: container ids, which name a directory under the state root: an id that
 * passes validation must not be able to leave it. */
#include "config.h"
#include "fuzz.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  char *id = fuzz_cstr(data, size);
  int rc = veil_validate_id(id, &err);

  if (rc == 0 && (!*id || id[0] == '.' || strchr(id, '/')))
    abort();
  fuzz_check(rc, &err);
  free(id);
  return 0;
}

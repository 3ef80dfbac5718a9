/* libFuzzer target: capability names ("CAP_NET_ADMIN"), one a line, in every set of
 * process.capabilities, checked as create and exec (--cap) check them. */
#include "config.h"
#include "fuzz.h"
#include "process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  size_t n;
  char **names = fuzz_lines(data, size, &n);
  oci_capabilities c = {
      .bounding = names,
      .bounding_len = n,
      .effective = names,
      .effective_len = n,
      .inheritable = names,
      .inheritable_len = n,
      .permitted = names,
      .permitted_len = n,
      .ambient = names,
      .ambient_len = n,
  };
  oci_process p = {.capabilities = &c};

  fuzz_check(process_validate(&p, &err), &err);
  fuzz_lines_free(names, n);
  return 0;
}

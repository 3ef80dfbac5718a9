/* libFuzzer target: the process JSON of `exec --process FILE`: parsed and round-tripped (see
 * fuzz.h), then checked as exec checks it (capabilities, scheduler, I/O priority, CPU
 * affinity lists). */
#include "config.h"
#include "fuzz.h"
#include "oci.h"
#include "process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  oci_process *p =
      FUZZ_ROUNDTRIP(oci_process_parse_data, oci_process_generate, oci_process_free, data, size);

  if (!p)
    return 0;
  fuzz_check(process_validate(p, &err), &err);
  oci_process_free(p);
  return 0;
}

/* libFuzzer target: ROOT/ID/state.json, which every command after create reads back, and the
 * OCI state document.  Both are parsed and round-tripped (see fuzz.h); veil's state then gives
 * the container's cgroups as delete and kill rebuild them from it. */
#include "config.h"
#include "cgroup.h"
#include "fuzz.h"
#include "oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  veil_state_file *s = FUZZ_ROUNDTRIP(veil_state_file_parse_data, veil_state_file_generate,
                                      veil_state_file_free, data, size);
  oci_state *os =
      FUZZ_ROUNDTRIP(oci_state_parse_data, oci_state_generate, oci_state_free, data, size);

  oci_state_free(os);
  if (!s)
    return 0;
  cgroup_handle *h = NULL;
  int rc = cgroup_from_state(s, &h, &err);
  fuzz_check(rc, &err);
  cgroup_handle_free(h);
  veil_state_file_free(s);
  return 0;
}

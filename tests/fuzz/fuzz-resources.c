/* libFuzzer target: a LinuxResources document (`update --resources FILE`, and linux.resources
 * of config.json): parsed and round-tripped (see fuzz.h), then turned into the cgroup v1 and v2
 * writes (memory sizes, CPU shares and cpusets, I/O, pids, hugepages, unified keys) and the
 * device rules into the effective list and the v2 BPF program. */
#include "config.h"
#include "fuzz.h"
#include "oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  oci_resources *r = FUZZ_ROUNDTRIP(oci_resources_parse_data, oci_resources_generate,
                                    oci_resources_free, data, size);
  oci_device_cgroup *rules;
  size_t n;
  int rc;

  if (!r)
    return 0;
  fuzz_cgroup_writes(r);
  rc = cgroup_devices_effective(r, &rules, &n, &err);
  fuzz_check(rc, &err);
  if (rc == 0) {
    void *insns = NULL;
    size_t count = 0;
    rc = cgroup_devices_bpf_build(rules, n, &insns, &count, &err);
    if (rc == 0 && (!insns || count == 0))
      abort(); /* a program always ends in a verdict */
    fuzz_check(rc, &err);
    free(insns);
    free(rules);
  }
  oci_resources_free(r);
  return 0;
}

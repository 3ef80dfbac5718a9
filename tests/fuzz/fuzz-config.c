/* libFuzzer target: config.json.  The bytes are parsed as a config and round-tripped (see
 * fuzz.h); what parses then goes through the checks of create's that need no file system:
 * the process (capabilities, scheduler, I/O priority, CPU affinity), every mount's options,
 * the rootfs propagation and the cgroup writes of linux.resources.  (The hooks' check looks
 * for the hook's file, in validate.c, and stays out: a fuzzer must not probe the host.) */
#include "config.h"
#include "fuzz.h"
#include "mounts.h"
#include "oci.h"
#include "process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  oci_config *cfg =
      FUZZ_ROUNDTRIP(oci_config_parse_data, oci_config_generate, oci_config_free, data, size);

  if (!cfg)
    return 0;
  if (cfg->process)
    fuzz_check(process_validate(cfg->process, &err), &err);
  for (size_t i = 0; i < cfg->mounts_len; i++) {
    mount_opts o;
    int rc = mount_opts_parse(cfg->mounts[i].options, cfg->mounts[i].options_len, &o, &err);
    if (rc == 0)
      mount_opts_release(&o);
    fuzz_check(rc, &err);
  }
  if (cfg->linux && cfg->linux->rootfs_propagation)
    (void)mount_propagation_flags(cfg->linux->rootfs_propagation);
  if (cfg->linux && cfg->linux->resources)
    fuzz_cgroup_writes(cfg->linux->resources);
  oci_config_free(cfg);
  return 0;
}

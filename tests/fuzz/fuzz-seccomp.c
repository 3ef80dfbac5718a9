/* libFuzzer target: linux.seccomp (action, architecture, flag and syscall names, argument
 * rules).  The bytes are the value of "seccomp" in an otherwise minimal config.json; what
 * parses is built into a libseccomp filter as create builds it (nothing is loaded). */
#include "config.h"
#include "fuzz.h"
#include "oci.h"
#include "seccomp-filter.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                           "\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
  char *json = malloc(len), *msg = NULL;
  oci_config *cfg;

  if (!json)
    abort();
  memcpy(json, head, sizeof(head) - 1);
  memcpy(json + sizeof(head) - 1, data, size);
  memcpy(json + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
  cfg = oci_config_parse_data(json, len, &msg);
  free(json);
  if (!cfg) {
    if (!msg)
      abort();
    free(msg);
    return 0;
  }
  if (cfg->linux && cfg->linux->seccomp) {
    void *filter = NULL;
    int rc = seccomp_filter_build(cfg->linux->seccomp, &filter, &err);
#ifdef HAVE_SECCOMP
    if (rc == 0 && !filter)
      abort();
#endif
    fuzz_check(rc, &err);
    seccomp_filter_free(filter);
  }
  oci_config_free(cfg);
  return 0;
}

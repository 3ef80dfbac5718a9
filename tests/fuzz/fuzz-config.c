/* libFuzzer target for libocispec: parses arbitrary bytes as every document
 * type, and round-trips whatever parses (generate -> parse -> generate must
 * be byte-identical).  See README.md for how to build and run it. */
#include "oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDTRIP(type, parse, gen, freefn)                                                        \
  do {                                                                                             \
    char *err = NULL;                                                                              \
    type *obj = parse((const char *)data, size, &err);                                             \
    if (obj == NULL) {                                                                             \
      if (err == NULL)                                                                             \
        abort(); /* every failure must come with a message */                                      \
      free(err);                                                                                   \
      break;                                                                                       \
    }                                                                                              \
    size_t len1 = 0, len2 = 0;                                                                     \
    char *out1 = gen(obj, &len1, &err);                                                            \
    if (out1 == NULL)                                                                              \
      abort();                                                                                     \
    type *obj2 = parse(out1, len1, &err);                                                          \
    if (obj2 == NULL)                                                                              \
      abort(); /* generated output must parse again */                                             \
    char *out2 = gen(obj2, &len2, &err);                                                           \
    if (out2 == NULL || len1 != len2 || memcmp(out1, out2, len1) != 0)                             \
      abort(); /* and be stable */                                                                 \
    free(out1);                                                                                    \
    free(out2);                                                                                    \
    freefn(obj2);                                                                                  \
    freefn(obj);                                                                                   \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ROUNDTRIP(oci_config, oci_config_parse_data, oci_config_generate, oci_config_free);
  ROUNDTRIP(oci_process, oci_process_parse_data, oci_process_generate, oci_process_free);
  ROUNDTRIP(oci_resources, oci_resources_parse_data, oci_resources_generate, oci_resources_free);
  ROUNDTRIP(oci_state, oci_state_parse_data, oci_state_generate, oci_state_free);
  ROUNDTRIP(veil_state_file, veil_state_file_parse_data, veil_state_file_generate,
            veil_state_file_free);
  return 0;
}

/* libFuzzer target: CPU lists ("0-3,7"), as process.execCPUAffinity gives them: the first line
 * is "initial", the second "final"; checked as create and exec check them. */
#include "config.h"
#include "fuzz.h"
#include "process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  size_t n;
  char **lines = fuzz_lines(data, size, &n);
  oci_exec_cpu_affinity aff = {.initial = lines[0], .final = n > 1 ? lines[1] : NULL};
  oci_process p = {.exec_cpu_affinity = &aff};

  fuzz_check(process_validate(&p, &err), &err);
  fuzz_lines_free(lines, n);
  return 0;
}

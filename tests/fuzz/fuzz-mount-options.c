/* libFuzzer target: mounts[].options, one option a line, as mount_opts_parse reads a mount's
 * options (flags, recursive attributes, propagation, the kind of mount, the rest as data). */
#include "config.h"
#include "fuzz.h"
#include "mounts.h"

#include <sys/mount.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  veil_error err = VEIL_ERROR_INIT;
  size_t n;
  char **opts = fuzz_lines(data, size, &n);
  mount_opts o;
  int rc = mount_opts_parse(opts, n, &o, &err);

  if (rc == 0) {
    if (o.flags & MS_REMOUNT)
      abort(); /* "remount" is a mode (o.remount), never passed on as a flag */
    if (o.rec_set & o.rec_clr)
      abort(); /* the last of "rro" / "rrw" wins: never both */
    mount_opts_release(&o);
  }
  fuzz_check(rc, &err);
  for (size_t i = 0; i < n; i++)
    (void)mount_propagation_flags(opts[i]);
  fuzz_lines_free(opts, n);
  return 0;
}

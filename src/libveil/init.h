/* veil — the container side of create: what the clone3 child does, in order (DESIGN §3). */
#ifndef VEIL_INIT_H
#define VEIL_INIT_H

#include <stdbool.h>

#include "namespaces.h"
#include "oci.h"

/* Everything the child needs; it gets a copy of the parent's memory and fds with clone3. */
typedef struct init_ctx {
  const oci_config *cfg;
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute, resolved */
  ns_plan ns;
  int sync_fd;     /* the child's end of the sync socket */
  int state_dirfd; /* ROOT/ID, to open exec.fifo after pivot_root */
  int console_fd;  /* connected --console-socket, or -1 */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
} init_ctx;

/* Runs in the clone3 child; never returns.  Failures before READY are sent to the parent as
 * SYNC_ERROR; an execve failure after start is written into exec.fifo for `start` to report. */
__attribute__((noreturn)) void container_init(init_ctx *c);

#endif

/* veil — process.terminal: a pty made inside the container, its master sent to the
 * --console-socket (SCM_RIGHTS), its peer on stdio and /dev/console. */
#ifndef VEIL_TERMINAL_H
#define VEIL_TERMINAL_H

#include "error.h"
#include "oci.h"

/* Connects to the console socket path (in the parent, before clone). */
int terminal_connect_socket(const char *path, veil_error *err);
/* In the container, after pivot_root and setsid: returns 0 with stdio on the pty. */
int terminal_setup(const oci_process *p, int console_fd, veil_error *err);
/* Sends fd over a unix socket with SCM_RIGHTS. */
int terminal_send_fd(int sock, int fd, const char *name, veil_error *err);

#endif

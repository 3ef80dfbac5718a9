/* veil — process.terminal: a pty made inside the container, its master sent to the
 * --console-socket (SCM_RIGHTS), its peer on stdio and /dev/console. */
#ifndef VEIL_TERMINAL_H
#define VEIL_TERMINAL_H

#include <stdbool.h>
#include <termios.h>

#include "error.h"
#include "oci.h"

/* Connects to the console socket path (in the parent, before clone). */
int terminal_connect_socket(const char *path, veil_error *err);
/* In the container, after pivot_root and setsid: returns 0 with stdio on the pty.  The init
 * also binds it to /dev/console; an exec'd process must not take the init's console. */
int terminal_setup(const oci_process *p, int console_fd, bool bind_console, veil_error *err);
/* Sends fd over a unix socket with SCM_RIGHTS. */
int terminal_send_fd(int sock, int fd, const char *name, veil_error *err);

/* The other side of the console socket (run in the foreground relays the pty itself). */
int terminal_recv_fd(int sock, veil_error *err);

typedef struct terminal_raw {
  int fd;
  bool saved;
  struct termios old;
} terminal_raw;
/* Puts a tty stdin into raw mode (the container's pty does the line discipline) and copies
 * its size to the master. */
void terminal_make_raw(int in, int master, terminal_raw *r);
void terminal_restore(terminal_raw *r);
void terminal_copy_size(int from, int to);
/* Copies what is readable from one fd to the other: bytes moved, 0 at EOF, -1 on error. */
int terminal_pump(int from, int to);
/* Copies until nothing is left to read (after the process exited). */
void terminal_drain(int from, int to);

#endif

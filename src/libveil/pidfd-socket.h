/* veil — --pidfd-socket (create, run, exec): a pidfd of the container's new process, sent to a
 * unix socket the caller listens on, so that it can wait for and signal that very process. */
#ifndef VEIL_PIDFD_SOCKET_H
#define VEIL_PIDFD_SOCKET_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* The payloads runc sends with the fd; a caller may tell the two apart by them. */
#define PIDFD_SOCKET_INIT "standard"
#define PIDFD_SOCKET_EXEC "setns"

/* Connects to PATH before anything is made: a wrong path fails the command early. */
int pidfd_socket_connect(const char *path, veil_error *err);
/* Sends PIDFD with KIND on the connected SOCK. */
int pidfd_socket_send(int sock, int pidfd, const char *kind, veil_error *err);
/* Sends a pidfd of PID, checked to be the process that started at START_TIME (a pid reused
 * meanwhile is never handed out). */
int pidfd_socket_send_pid(int sock, pid_t pid, uint64_t start_time, const char *kind,
                          veil_error *err);

#endif

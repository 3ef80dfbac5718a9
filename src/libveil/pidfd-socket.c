#include "config.h"
#include "pidfd-socket.h"
#include "spawn.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <string.h>

int pidfd_socket_connect(const char *path, veil_error *err)
{
  return veil_unix_connect(path, "--pidfd-socket", err);
}

int pidfd_socket_send(int sock, int pidfd, const char *kind, veil_error *err)
{
  if (veil_sendmsg_fd(sock, kind, strlen(kind), pidfd) < 0)
    return veil_fail(err, errno, "--pidfd-socket: send the pidfd");
  return 0;
}

int pidfd_socket_send_pid(int sock, pid_t pid, uint64_t start_time, const char *kind,
                          veil_error *err)
{
  cleanup_close int pidfd = veil_pidfd_open(pid);
  uint64_t now = 0;

  if (pidfd < 0)
    return veil_fail(err, errno, "--pidfd-socket: pidfd_open %d", (int)pid);
  /* the pidfd pins the pid: if the start time still matches, it is the process we made */
  if (proc_pid_start_time(pid, &now, NULL) < 0 || now != start_time)
    return veil_fail(err, 0, "--pidfd-socket: process %d exited during setup", (int)pid);
  return pidfd_socket_send(sock, pidfd, kind, err);
}

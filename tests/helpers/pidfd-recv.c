/* pidfd-recv: the other end of --pidfd-socket.
 *
 *   pidfd-recv SOCKET OUTPUT [kill]
 *
 * Listens on the unix stream socket SOCKET, accepts one connection and receives one fd
 * (SCM_RIGHTS).  Writes to OUTPUT what proves the fd a pidfd and names its process:
 *   payload=BYTES      the bytes sent along with the fd
 *   pid=N              the "Pid:" line of /proc/self/fdinfo/FD (only pidfds have one)
 *   signal0=ok|ERRNO   pidfd_send_signal(fd, 0)
 * With "kill", then sends SIGKILL through the pidfd.  Gives up after 30 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static long fdinfo_pid(int fd)
{
  char path[64], line[256];
  long pid = -1;
  FILE *f;

  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
  f = fopen(path, "re");
  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, "Pid:", 4) == 0)
      pid = strtol(line + 4, NULL, 10);
  fclose(f);
  return pid;
}

int main(int argc, char **argv)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  char payload[256] = "", control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = payload, .iov_len = sizeof(payload) - 1};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
  struct cmsghdr *cmsg;
  int ls, conn, pidfd = -1;
  ssize_t n;
  FILE *out;

  if (argc < 3 || argc > 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
    fprintf(stderr, "usage: pidfd-recv SOCKET OUTPUT [kill]\n");
    return 2;
  }
  alarm(30);
  strcpy(addr.sun_path, argv[1]);
  ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
    perror("pidfd-recv: listen");
    return 1;
  }
  conn = accept(ls, NULL, NULL);
  if (conn < 0) {
    perror("pidfd-recv: accept");
    return 1;
  }
  n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) {
    perror("pidfd-recv: recvmsg");
    return 1;
  }
  payload[n] = '\0';
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
      memcpy(&pidfd, CMSG_DATA(cmsg), sizeof(int));
  out = fopen(argv[2], "we");
  if (!out) {
    perror(argv[2]);
    return 1;
  }
  fprintf(out, "payload=%s\n", payload);
  if (pidfd < 0) {
    fprintf(out, "nofd\n");
    fclose(out);
    return 1;
  }
  fprintf(out, "pid=%ld\n", fdinfo_pid(pidfd));
  if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0)
    fprintf(out, "signal0=ok\n");
  else
    fprintf(out, "signal0=%s\n", strerror(errno));
  if (argc == 4 && strcmp(argv[3], "kill") == 0 &&
      syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
    fprintf(out, "kill=%s\n", strerror(errno));
  fclose(out);
  return 0;
}

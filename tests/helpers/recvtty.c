/* recvtty: the other end of --console-socket (the runtime-tools protocol).
 *
 *   recvtty SOCKET OUTPUT INPUT
 *
 * Listens on the unix stream socket SOCKET, accepts one connection, receives the pty master
 * (SCM_RIGHTS), writes INPUT into it and copies everything the container prints to OUTPUT
 * until the pty closes.  Gives up after 30 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  char name[256], control[CMSG_SPACE(sizeof(int))], buf[4096];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
  struct cmsghdr *cmsg;
  int ls, conn, master, out;
  ssize_t n;

  if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
    fprintf(stderr, "usage: recvtty SOCKET OUTPUT INPUT\n");
    return 2;
  }
  alarm(30);
  strcpy(addr.sun_path, argv[1]);
  ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
    perror("recvtty: listen");
    return 1;
  }
  conn = accept(ls, NULL, NULL);
  if (conn < 0 || recvmsg(conn, &msg, 0) < 0) {
    perror("recvtty: receive");
    return 1;
  }
  cmsg = CMSG_FIRSTHDR(&msg);
  if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "recvtty: no fd in the message\n");
    return 1;
  }
  memcpy(&master, CMSG_DATA(cmsg), sizeof(int));
  out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    perror("recvtty: output");
    return 1;
  }
  if (write(master, argv[3], strlen(argv[3])) < 0) {
    perror("recvtty: write to the pty");
    return 1;
  }
  /* read until the last holder of the peer is gone: EIO on a pty master */
  while ((n = read(master, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && write(out, buf, (size_t)n) != n)
      return 1;
  close(out);
  return 0;
}

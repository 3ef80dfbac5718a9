#include "config.h"
#include "mounts.h"
#include "terminal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int terminal_connect_socket(const char *path, veil_error *err)
{
  return veil_unix_connect(path, "--console-socket", err);
}

int terminal_send_fd(int sock, int fd, const char *name, veil_error *err)
{
  if (veil_sendmsg_fd(sock, name, strlen(name), fd) < 0)
    return veil_fail(err, errno, "send the pty master to the console socket");
  return 0;
}

int terminal_setup(const oci_process *p, int console_fd, bool bind_console, veil_error *err)
{
  cleanup_close int master = -1, peer = -1;
  char name[64];

  master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return veil_fail(err, errno, "process.terminal: open /dev/ptmx");
  if (unlockpt(master) < 0)
    return veil_fail(err, errno, "process.terminal: unlockpt");
  /* The peer comes from the master itself, never from a path in the container's /dev/pts
   * (CVE-2025-52565). */
  peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return veil_fail(err, errno, "process.terminal: open the pty peer");
  if (ptsname_r(master, name, sizeof(name)) != 0)
    snprintf(name, sizeof(name), "/dev/pts/?");
  if (p->console_size) {
    struct winsize ws = {.ws_row = (unsigned short)p->console_size->height,
                         .ws_col = (unsigned short)p->console_size->width};
    if (ioctl(peer, TIOCSWINSZ, &ws) < 0)
      return veil_fail(err, errno, "process.consoleSize");
  }
  /* /dev/console is the pty too, bound from the fd */
  if (bind_console) {
    char src[FD_PATH_SIZE];
    struct stat st;
    fd_path(src, peer);
    if (stat("/dev", &st) == 0) {
      int f = open("/dev/console", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (f >= 0) {
        close(f);
        if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
          return veil_fail(err, errno, "bind the pty to /dev/console");
      }
    }
  }
  if (terminal_send_fd(console_fd, master, name, err) < 0)
    return -1;
  for (int i = 0; i < 3; i++)
    if (dup2(peer, i) < 0)
      return veil_fail(err, errno, "dup the pty onto stdio");
  if (ioctl(0, TIOCSCTTY, 0) < 0)
    return veil_fail(err, errno, "make the pty the controlling terminal");
  return 0;
}

int terminal_recv_fd(int sock, veil_error *err)
{
  char control[CMSG_SPACE(sizeof(int))], name[256];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  struct msghdr msg;
  struct cmsghdr *cmsg;
  int fd = -1;

  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return veil_fail(err, errno, "receive the pty master");
  cmsg = CMSG_FIRSTHDR(&msg);
  if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
    return veil_fail(err, 0, "receive the pty master: no fd in the message");
  memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
  return fd;
}

void terminal_copy_size(int from, int to)
{
  struct winsize ws;

  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

void terminal_make_raw(int in, int master, terminal_raw *r)
{
  struct termios t;

  r->fd = in;
  r->saved = false;
  if (!isatty(in) || tcgetattr(in, &r->old) < 0)
    return;
  t = r->old;
  cfmakeraw(&t);
  if (tcsetattr(in, TCSANOW, &t) == 0)
    r->saved = true;
  terminal_copy_size(in, master);
}

void terminal_restore(terminal_raw *r)
{
  if (r->saved)
    tcsetattr(r->fd, TCSANOW, &r->old);
}

int terminal_pump(int from, int to)
{
  char buf[8192];
  ssize_t n = read(from, buf, sizeof(buf));

  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 1 : -1;
  if (n == 0)
    return 0;
  return veil_write_all(to, buf, (size_t)n) < 0 ? -1 : (int)n;
}

void terminal_drain(int from, int to)
{
  int flags = fcntl(from, F_GETFL);

  fcntl(from, F_SETFL, flags | O_NONBLOCK);
  while (terminal_pump(from, to) > 0)
    ;
}

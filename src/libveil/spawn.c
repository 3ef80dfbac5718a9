#include "config.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

pid_t spawn_clone3(uint64_t flags, int *pidfd, int cgroup_fd)
{
  struct clone_args args;

  memset(&args, 0, sizeof(args));
  args.flags = flags;
  /* with CLONE_PARENT the child inherits the caller's exit signal; clone3 wants 0 here */
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  if (pidfd) {
    args.flags |= CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)pidfd;
  }
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroup_fd;
  }
  return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int veil_pidfd_open(pid_t pid)
{
  return (int)syscall(SYS_pidfd_open, pid, 0);
}

int veil_pidfd_send_signal(int pidfd, int sig)
{
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int sync_pair(int fds[2], veil_error *err)
{
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return veil_fail(err, errno, "socketpair");
  return 0;
}

static int send_msg(int fd, uint32_t type, int32_t pid, const char *text, int passfd)
{
  sync_msg m;
  size_t len = offsetof(sync_msg, text);

  memset(&m, 0, len);
  m.type = type;
  m.pid = pid;
  if (text) {
    size_t n = strnlen(text, sizeof(m.text) - 1);
    memcpy(m.text, text, n);
    m.text[n] = '\0';
    len += n + 1;
  }
  return veil_sendmsg_fd(fd, &m, len, passfd) < 0 ? -1 : 0;
}

int sync_send(int fd, uint32_t type, int32_t pid, const char *text)
{
  return send_msg(fd, type, pid, text, -1);
}

int sync_send_fd(int fd, uint32_t type, int32_t pid, int passfd)
{
  return send_msg(fd, type, pid, NULL, passfd);
}

int sync_recv_fd(int fd, sync_msg *m, int *passfd)
{
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } cbuf;
  struct iovec iov = {m, sizeof(*m) - 1};
  struct msghdr mh;

  if (passfd)
    *passfd = -1;
  for (;;) {
    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf.buf;
    mh.msg_controllen = sizeof(cbuf.buf);
    /* a message nobody expects an fd with still closes the one it carries (the kernel does) */
    ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
          c->cmsg_len != CMSG_LEN(sizeof(int)))
        continue;
      int got;
      memcpy(&got, CMSG_DATA(c), sizeof(int));
      /* only the caller that asked keeps it; nobody else may leak it */
      if (passfd && *passfd < 0)
        *passfd = got;
      else
        close(got);
    }
    if (r == 0)
      return 1;
    if ((size_t)r < offsetof(sync_msg, text)) {
      if (passfd && *passfd >= 0)
        close(*passfd), *passfd = -1;
      return -1;
    }
    ((char *)m)[r] = '\0';
    if ((size_t)r == offsetof(sync_msg, text))
      m->text[0] = '\0';
    return 0;
  }
}

int sync_recv(int fd, sync_msg *m)
{
  return sync_recv_fd(fd, m, NULL);
}

int sync_expect(int fd, uint32_t type, sync_msg *m, veil_error *err)
{
  int r = sync_recv(fd, m);

  if (r < 0)
    return veil_fail(err, errno, "read from container init");
  if (r > 0)
    return veil_fail(err, 0, "container init exited during setup");
  if (m->type == SYNC_ERROR)
    return veil_fail(err, 0, "%s", m->text);
  if (m->type != type)
    return veil_fail(err, 0, "container init sent message %u, expected %u", m->type, type);
  return 0;
}

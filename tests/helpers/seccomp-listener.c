/* seccomp-listener: a seccomp agent at linux.seccomp.listenerPath, for seccomp.bats.
 *
 *   seccomp-listener SOCKET STATE MODE [DELAY-MS]
 *
 * Listens on the unix stream socket SOCKET and serves every connection in a child of its own
 * (a container's init and each process `exec` starts connect once each): receives the notify fd
 * (SCM_RIGHTS) and the container process state (the payload, read to EOF: the spec wants the
 * runtime to close the connection after it), and writes the state of the first connection to
 * STATE, of the Nth to STATE.N (a temporary file renamed into place, so a test never reads half
 * of it).  Then the child calls SECCOMP_IOCTL_NOTIF_RECV and _SEND on that fd for each
 * notification until the last process using the filter is gone, appending the syscall number
 * of each to STATE.calls:
 *   MODE errno:N   the syscall fails with errno N
 *   MODE fake      the syscall returns 0 without running
 *   MODE continue  the kernel runs the syscall
 * With DELAY-MS it waits that long between receiving a notification and answering it.
 * Gives up after 60 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
  fprintf(stderr, "seccomp-listener: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* The notify fd from the first message; the whole payload into *json. */
static int receive(int conn, char **json)
{
  char control[CMSG_SPACE(sizeof(int))];
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  int fd = -1;

  if (!buf)
    die("malloc");
  for (;;) {
    struct iovec iov = {.iov_base = buf + len, .iov_len = cap - len - 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control,
                         .msg_controllen = sizeof(control)};
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die("recvmsg");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd < 0)
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
    if (n == 0)
      break;
    len += (size_t)n;
    if (len + 1 >= cap)
      break;
  }
  buf[len] = '\0';
  *json = buf;
  return fd;
}

static void write_state(const char *path, const char *json)
{
  char tmp[4096];
  FILE *f;

  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  f = fopen(tmp, "w");
  if (!f || fputs(json, f) < 0 || fclose(f) != 0 || rename(tmp, path) < 0)
    die(path);
}

static void serve(int conn, const char *state, const char *mode, int err_no, int delay_ms);

int main(int argc, char **argv)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int ls, err_no = 0, delay_ms = 0;

  if (argc < 4 || argc > 5 || strlen(argv[1]) >= sizeof(addr.sun_path) ||
      (strncmp(argv[3], "errno:", 6) && strcmp(argv[3], "fake") && strcmp(argv[3], "continue"))) {
    fprintf(stderr, "usage: seccomp-listener SOCKET STATE errno:N|fake|continue [DELAY-MS]\n");
    return 2;
  }
  if (!strncmp(argv[3], "errno:", 6))
    err_no = atoi(argv[3] + 6);
  if (argc == 5)
    delay_ms = atoi(argv[4]);
  alarm(60);
  strcpy(addr.sun_path, argv[1]);
  ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0)
    die(argv[1]);
  for (int n = 1;; n++) {
    int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    char state[2048];
    if (conn < 0 && errno == EINTR)
      continue;
    if (conn < 0)
      die("accept");
    if (n == 1)
      snprintf(state, sizeof(state), "%s", argv[2]);
    else
      snprintf(state, sizeof(state), "%s.%d", argv[2], n);
    pid_t pid = fork();
    if (pid < 0)
      die("fork");
    if (pid == 0) {
      close(ls);
      alarm(60); /* a child has no pending alarm of its own */
      serve(conn, state, argv[3], err_no, delay_ms);
      return 0;
    }
    close(conn);
    while (waitpid(-1, NULL, WNOHANG) > 0)
      ;
  }
}

static void serve(int conn, const char *state, const char *mode, int err_no, int delay_ms)
{
  struct seccomp_notif_sizes sizes;
  char calls_path[4096], *json;
  FILE *calls;
  int fd = receive(conn, &json);

  if (fd < 0) {
    errno = EBADMSG;
    die("no fd with the state");
  }
  close(conn);
  write_state(state, json);
  snprintf(calls_path, sizeof(calls_path), "%s.calls", state);
  calls = fopen(calls_path, "a");
  if (!calls)
    die(calls_path);
  setvbuf(calls, NULL, _IONBF, 0);

  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    die("SECCOMP_GET_NOTIF_SIZES");
  /* the kernel's structures may be larger than this program's: allocate its sizes */
  struct seccomp_notif *req =
      calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
  struct seccomp_notif_resp *resp = calloc(
      1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp));
  if (!req || !resp)
    die("calloc");
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      die("poll");
    }
    /* POLLHUP: no process uses the filter any more */
    if (!(p.revents & POLLIN))
      break;
    memset(req, 0, sizes.seccomp_notif);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
      if (errno == EINTR || errno == ENOENT)
        continue;
      die("SECCOMP_IOCTL_NOTIF_RECV");
    }
    fprintf(calls, "%d\n", req->data.nr);
    if (delay_ms > 0) {
      struct timespec ts = {.tv_sec = delay_ms / 1000, .tv_nsec = (delay_ms % 1000) * 1000000L};
      while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    }
    memset(resp, 0, sizes.seccomp_notif_resp);
    resp->id = req->id;
    if (!strcmp(mode, "continue"))
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else
      resp->error = -err_no;
    /* ENOENT: the caller went away (e.g. killed) meanwhile */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
      die("SECCOMP_IOCTL_NOTIF_SEND");
  }
}

/* veil — clone3 and the parent<->child sync protocol (DESIGN §3). */
#ifndef VEIL_SPAWN_H
#define VEIL_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* clone3 as fork: returns 0 in the child, the pid in the parent; *pidfd gets a pidfd when
 * pidfd != NULL; cgroup_fd >= 0 adds CLONE_INTO_CGROUP. */
pid_t spawn_clone3(uint64_t flags, int *pidfd, int cgroup_fd);

int veil_pidfd_open(pid_t pid);
int veil_pidfd_send_signal(int pidfd, int sig);

enum sync_type {
  SYNC_USERNS = 1,   /* child -> parent: my new user namespace needs its maps */
  SYNC_MAPPED,       /* parent -> child: maps written */
  SYNC_NS_READY,     /* child -> parent: namespaces set up; pid = the init's pid if forked */
  SYNC_GO,           /* parent -> child: build the container; pid = the init's */
  SYNC_READY,        /* child -> parent: container built, waiting on exec.fifo */
  SYNC_ERROR,        /* child -> parent: setup failed, text says why */
  SYNC_HOOKS,        /* child -> parent: mounts done, run prestart and createRuntime */
  SYNC_HOOKS_DONE,   /* parent -> child: they succeeded, go on */
  SYNC_MOUNT_FD,     /* parent -> child: pid = a mounts[] index, with its source's fd */
  SYNC_MOUNT_SOURCE, /* child -> parent, after GO: pid = a mounts[] index whose source it needs */
  SYNC_ATTACHED,     /* parent -> child, after GO: in every cgroup, limits applied */
};

typedef struct sync_msg {
  uint32_t type;
  int32_t pid;
  int32_t errnum;
  char text[2048];
} sync_msg;

/* SOCK_SEQPACKET pair: one message per send, EOF when the other side is gone. */
int sync_pair(int fds[2], veil_error *err);
int sync_send(int fd, uint32_t type, int32_t pid, const char *text);
/* The same, passing PASSFD along with SCM_RIGHTS. */
int sync_send_fd(int fd, uint32_t type, int32_t pid, int passfd);
/* 0 on a message, 1 on EOF, -1 on error. */
int sync_recv(int fd, sync_msg *m);
/* The same; *passfd gets the fd that came with the message (O_CLOEXEC), or -1. */
int sync_recv_fd(int fd, sync_msg *m, int *passfd);
/* Waits for a message of the given type; an ERROR message or EOF becomes *err. */
int sync_expect(int fd, uint32_t type, sync_msg *m, veil_error *err);

#endif

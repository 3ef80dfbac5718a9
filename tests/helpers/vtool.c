/* vtool: what the process tests read from inside a container that busybox cannot show.
 * Built static in setup_file and copied into the bundle's rootfs.
 *
 *   vtool keyring   the session keyring's id (KEYCTL_GET_KEYRING_ID, no create)
 *   vtool sched     policy, flags, nice, priority, runtime, deadline, period (sched_getattr)
 *   vtool ioprio    the I/O priority class and level (ioprio_get)
 *   vtool syscall NR...  makes each raw syscall NR with all six arguments 0 and prints
 *                   "NR=errno" (the errno, or 0 when it succeeded): what a seccomp filter does
 *                   to numbers it may not know.  Only numbers that are harmless with zero
 *                   arguments belong here (e.g. 435 clone3 fails EINVAL, 1000 has no syscall).
 *   vtool mempolicy the calling thread's NUMA policy: "mode=M flags=F nodes=HEXMASK"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

int main(int argc, char **argv)
{
  if (argc == 2 && !strcmp(argv[1], "keyring")) {
    /* KEYCTL_GET_KEYRING_ID = 0, KEY_SPEC_SESSION_KEYRING = -3 */
    long id = syscall(SYS_keyctl, 0, -3, 0);
    if (id < 0) {
      perror("keyctl");
      return 1;
    }
    printf("%ld\n", id);
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "sched")) {
    struct attr a;
    memset(&a, 0, sizeof(a));
    if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0) {
      perror("sched_getattr");
      return 1;
    }
    printf("policy=%u flags=%llu nice=%d priority=%u runtime=%llu deadline=%llu period=%llu\n",
           a.policy, (unsigned long long)a.flags, a.nice, a.priority, (unsigned long long)a.runtime,
           (unsigned long long)a.deadline, (unsigned long long)a.period);
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "ioprio")) {
    /* IOPRIO_WHO_PROCESS = 1; class in the bits above 13 */
    long v = syscall(SYS_ioprio_get, 1, 0);
    if (v < 0) {
      perror("ioprio_get");
      return 1;
    }
    printf("class=%ld prio=%ld\n", v >> 13, v & 0x1fff);
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "syscall")) {
    for (int i = 2; i < argc; i++) {
      long nr = strtol(argv[i], NULL, 0);
      errno = 0;
      long r = syscall(nr, 0, 0, 0, 0, 0, 0);
      printf("%ld=%d\n", nr, r < 0 ? errno : 0);
    }
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "mempolicy")) {
    /* MPOL_F_MEMS_ALLOWED is not asked: the task's own policy and its node mask */
    unsigned long mask[16] = {0};
    int mode = -1;
    if (syscall(SYS_get_mempolicy, &mode, mask, sizeof(mask) * 8, 0, 0) < 0) {
      perror("get_mempolicy");
      return 1;
    }
    /* the mode flags come back in the high bits of mode */
    printf("mode=%d flags=0x%x nodes=0x%lx\n", mode & 0xff, (unsigned)mode & ~0xffu, mask[0]);
    return 0;
  }
  fprintf(stderr, "usage: vtool keyring|sched|ioprio|syscall NR...|mempolicy\n");
  return 2;
}

/* vtool: what the process tests read from inside a container that busybox cannot show.
 * Built static in setup_file and copied into the bundle's rootfs.
 *
 *   vtool keyring   the session keyring's id (KEYCTL_GET_KEYRING_ID, no create)
 *   vtool sched     policy, flags, nice, priority, runtime, deadline, period (sched_getattr)
 *   vtool ioprio    the I/O priority class and level (ioprio_get)
 */
#define _GNU_SOURCE
#include <stdint.h>
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
  fprintf(stderr, "usage: vtool keyring|sched|ioprio\n");
  return 2;
}

#include "config.h"
#include "seccomp-enosys.h"
#include "util.h"

#ifdef HAVE_SECCOMP

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>

#define X32_SYSCALL_BIT 0x40000000U

/* The highest number (as libseccomp spells it for ARCH, x32 with its bit) among the names of
 * every syscalls[] entry, whatever its action; -1 when none is known there. */
static long highest_named(const oci_seccomp *s, uint32_t arch)
{
  long max = -1;

  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t n = 0; n < s->syscalls[i].names_len; n++) {
      const char *name = s->syscalls[i].names[n];
      /* negative: unknown, or a pseudo-syscall that is multiplexed on this architecture */
      int nr = name ? seccomp_syscall_resolve_name_arch(arch, name) : -1;
      if (nr >= 0 && nr > max)
        max = nr;
    }
  return max;
}

/* The default actions with which a syscall the profile does not know already gets what the
 * kernel would say, or is a tracer's to handle. */
static bool default_needs_no_stub(uint32_t action)
{
  uint32_t kind = action & SECCOMP_RET_ACTION_FULL;

  return kind == SECCOMP_RET_ALLOW || kind == SECCOMP_RET_LOG || kind == SECCOMP_RET_TRACE ||
         action == (SECCOMP_RET_ERRNO | ENOSYS);
}

/* One block per architecture: "not this architecture (or not its half of x86_64): go on to the
 * next block; number above MAX: ENOSYS".  Every jump is forward and inside the block, so the
 * profile's own program that follows is unchanged. */
static size_t emit_block(struct sock_filter *out, uint32_t arch, uint32_t max)
{
  bool x86_64 = arch == SCMP_ARCH_X86_64, x32 = arch == SCMP_ARCH_X32;
  size_t len = (x86_64 || x32) ? 6 : 5, i = 0;

  out[i++] =
      (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  out[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, x32 ? SCMP_ARCH_X86_64 : arch,
                                          0, (uint8_t)(len - 2));
  out[i++] =
      (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  if (x86_64)
    out[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 2, 0);
  if (x32)
    out[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 2);
  out[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, max, 0, 1);
  out[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  return i;
}

int seccomp_enosys_stub(const oci_seccomp *s, const uint32_t *archs, size_t n_archs,
                        uint32_t default_action, struct sock_filter **stub, size_t *len,
                        veil_error *err)
{
  cleanup_free struct sock_filter *prog = NULL;
  size_t n = 0;

  *stub = NULL;
  *len = 0;
  if (n_archs == 0 || default_needs_no_stub(default_action))
    return 0;
  prog = calloc(n_archs * 6, sizeof(*prog));
  if (!prog)
    return veil_fail(err, ENOMEM, "linux.seccomp: the ENOSYS stub");
  for (size_t i = 0; i < n_archs; i++) {
    bool seen = false;
    for (size_t k = 0; k < i; k++)
      seen = seen || archs[k] == archs[i];
    long max = seen ? -1 : highest_named(s, archs[i]);
    if (max >= 0)
      n += emit_block(prog + n, archs[i], (uint32_t)max);
  }
  if (n == 0)
    return 0;
  *stub = steal_pointer(&prog);
  *len = n;
  return 0;
}

#endif /* HAVE_SECCOMP */

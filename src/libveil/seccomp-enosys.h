/* veil — the -ENOSYS stub put in front of a seccomp profile (private to seccomp.c).
 *
 * A profile written as an allow list makes every syscall it does not name fail with the default
 * action's errno (EPERM, usually).  For a syscall newer than the profile that is wrong: libc
 * tries new syscalls first (clone3, faccessat2, ...) and falls back to the old ones only on
 * ENOSYS, so EPERM breaks programs that would work.  runc 1.1.5 (the reference here) puts a
 * short cBPF program before the profile's: for each architecture in linux.seccomp.architectures,
 * a syscall number above the highest one any syscalls[] entry names for that architecture
 * returns ENOSYS.  As runc:
 *  - only the listed architectures get the check (no architectures: no stub);
 *  - no stub when the default action already lets unknown syscalls reach the kernel (ALLOW,
 *    LOG) or hands them to a tracer (TRACE, which must handle new syscalls itself), or when it
 *    is ERRNO with ENOSYS already;
 *  - x86_64 and x32 share one audit architecture and differ by __X32_SYSCALL_BIT: each is
 *    checked only for its own numbers. */
#ifndef VEIL_SECCOMP_ENOSYS_H
#define VEIL_SECCOMP_ENOSYS_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"

/* *stub = malloc'd instructions to run before the profile's program (*len of them), or NULL
 * with *len = 0 when none is needed.  archs: the libseccomp tokens of `architectures`, in
 * order; default_action: the resolved SCMP_ACT_* value. */
int seccomp_enosys_stub(const oci_seccomp *s, const uint32_t *archs, size_t n_archs,
                        uint32_t default_action, struct sock_filter **stub, size_t *len,
                        veil_error *err);

#endif

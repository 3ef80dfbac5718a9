/* veil — cgroup v2 device control: linux.resources.devices as a BPF_PROG_TYPE_CGROUP_DEVICE
 * program.
 *
 * cgroup v2 has no devices.allow file: the kernel asks a BPF program attached to the cgroup on
 * every open/mknod of a device node.  The program is assembled here from raw instructions (no
 * libbpf, no compiler): rules are tested from the last to the first, and the first match
 * decides, which is the "later rules override earlier ones" meaning of the OCI list; no match
 * denies (the spec's default).  Attached with BPF_F_ALLOW_MULTI so a program above ours (e.g.
 * systemd's) still applies, and a program attached earlier to this directory by veil (create,
 * a previous update) is detached once the new one is in place, so there is no window without
 * one. */
#include "config.h"
#include "cgroup-resources.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct prog {
  struct bpf_insn *insn;
  size_t n, cap;
} prog;

static int emit(prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    struct bpf_insn *n = realloc(p->insn, cap * sizeof(*n));
    if (!n)
      return -1;
    p->insn = n;
    p->cap = cap;
  }
  p->insn[p->n] =
      (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
  p->n++;
  return 0;
}

/* registers: r1 ctx, r2 device type, r3 requested access, r4 major, r5 minor, r6 scratch */
#define LDX_W(dst, off)     emit(p, BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0)
#define ALU_K(op, dst, imm) emit(p, BPF_ALU64 | (op) | BPF_K, dst, 0, 0, imm)
#define MOV_X(dst, src)     emit(p, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_K(dst, imm)     emit(p, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
/* 32-bit compares: majors and minors are u32, an imm above 2^31 must not sign-extend */
#define JMP32_K(op, dst, imm) emit(p, BPF_JMP32 | (op) | BPF_K, dst, 0, 0, imm)
#define EXIT()                emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_bits(const char *a, uint32_t *out, veil_error *err)
{
  char acc[4];

  if (cgroup_device_access(a, acc, err) < 0)
    return -1;
  *out = 0;
  for (const char *c = acc; *c; c++)
    *out |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
  return 0;
}

/* Returns 1 when the rule matches everything: what follows would be unreachable, which the
 * verifier rejects, so the caller stops there. */
static int rule(prog *p, const oci_device_cgroup *d, veil_error *err)
{
  const uint32_t all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  char type = d->type && d->type[0] ? d->type[0] : 'a';
  uint32_t acc;
  size_t jumps[4], nj = 0;

  if (type != 'a' && type != 'b' && type != 'c')
    return veil_fail(err, EINVAL, "linux.resources.devices: type \"%s\" is not a, c or b", d->type);
  if (access_bits(d->access, &acc, err) < 0)
    return -1;
  /* every test jumps to the next rule on mismatch; offsets are patched below */
  if (type != 'a') {
    jumps[nj++] = p->n;
    if (JMP32_K(BPF_JNE, BPF_REG_2, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) < 0)
      goto oom;
  }
  if (acc != all) {
    /* allow: the request must be within the rule; deny: any overlap denies */
    if (MOV_X(BPF_REG_6, BPF_REG_3) < 0 ||
        ALU_K(BPF_AND, BPF_REG_6, (int32_t)(d->allow ? (~acc & all) : acc)) < 0)
      goto oom;
    jumps[nj++] = p->n;
    if (JMP32_K(d->allow ? BPF_JNE : BPF_JEQ, BPF_REG_6, 0) < 0)
      goto oom;
  }
  if (d->has_major && d->major >= 0) {
    jumps[nj++] = p->n;
    if (JMP32_K(BPF_JNE, BPF_REG_4, (int32_t)(uint32_t)d->major) < 0)
      goto oom;
  }
  if (d->has_minor && d->minor >= 0) {
    jumps[nj++] = p->n;
    if (JMP32_K(BPF_JNE, BPF_REG_5, (int32_t)(uint32_t)d->minor) < 0)
      goto oom;
  }
  if (MOV_K(BPF_REG_0, d->allow ? 1 : 0) < 0 || EXIT() < 0)
    goto oom;
  for (size_t i = 0; i < nj; i++)
    p->insn[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
  return nj == 0;
oom:
  return veil_fail(err, ENOMEM, "linux.resources.devices");
}

int cgroup_devices_bpf_build(const oci_device_cgroup *rules, size_t n, void **insns, size_t *count,
                             veil_error *err)
{
  prog pr = {0}, *p = &pr;

  /* access_type = (access << 16) | type */
  if (LDX_W(BPF_REG_2, offsetof(struct bpf_cgroup_dev_ctx, access_type)) < 0 ||
      ALU_K(BPF_AND, BPF_REG_2, 0xffff) < 0 ||
      LDX_W(BPF_REG_3, offsetof(struct bpf_cgroup_dev_ctx, access_type)) < 0 ||
      ALU_K(BPF_RSH, BPF_REG_3, 16) < 0 ||
      LDX_W(BPF_REG_4, offsetof(struct bpf_cgroup_dev_ctx, major)) < 0 ||
      LDX_W(BPF_REG_5, offsetof(struct bpf_cgroup_dev_ctx, minor)) < 0)
    goto oom;
  int last = 0;
  for (size_t i = n; i-- > 0 && !last;) {
    if ((last = rule(p, &rules[i], err)) < 0) {
      free(pr.insn);
      return -1;
    }
    if (pr.n > BPF_MAXINSNS - 4) {
      free(pr.insn);
      return veil_fail(err, E2BIG, "linux.resources.devices: too many rules (%zu)", n);
    }
  }
  if (!last && (MOV_K(BPF_REG_0, 0) < 0 || EXIT() < 0))
    goto oom;
  *insns = pr.insn;
  *count = pr.n;
  return 0;
oom:
  free(pr.insn);
  return veil_fail(err, ENOMEM, "linux.resources.devices");
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cgroup_devices_bpf_apply(const char *cgroup_dir, const oci_device_cgroup *rules, size_t n,
                             veil_error *err)
{
  cleanup_free struct bpf_insn *insn = NULL;
  cleanup_close int dfd = -1, pfd = -1;
  static char log[4096];
  uint32_t old[64], nold = ARRAY_SIZE(old);
  size_t count;
  union bpf_attr a;

  if (cgroup_devices_bpf_build(rules, n, (void **)&insn, &count, err) < 0)
    return -1;
  dfd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return veil_fail(err, errno, "linux.resources.devices: open %s", cgroup_dir);

  /* ours from before (create, an earlier update): only programs attached to this directory */
  memset(&a, 0, sizeof(a));
  a.query.target_fd = dfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)old;
  a.query.prog_cnt = nold;
  nold = sys_bpf(BPF_PROG_QUERY, &a) == 0 ? a.query.prog_cnt : 0;
  if (nold > ARRAY_SIZE(old))
    nold = ARRAY_SIZE(old);

  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)insn;
  a.insn_cnt = (uint32_t)count;
  a.license = (uint64_t)(uintptr_t) "Apache";
  pfd = sys_bpf(BPF_PROG_LOAD, &a);
  if (pfd < 0) {
    int saved = errno;
    /* again with the verifier's log, only to explain the failure (a log too small for a
     * successful load would fail it with ENOSPC, so the first try has none) */
    a.log_buf = (uint64_t)(uintptr_t)log;
    a.log_size = sizeof(log);
    a.log_level = 1;
    log[0] = '\0';
    cleanup_close int again = sys_bpf(BPF_PROG_LOAD, &a);
    log[sizeof(log) - 1] = '\0';
    /* the verifier's reason is its last line */
    size_t ll = strlen(log);
    while (ll > 0 && log[ll - 1] == '\n')
      log[--ll] = '\0';
    const char *why = strrchr(log, '\n') ? strrchr(log, '\n') + 1 : log;
    return veil_fail(err, saved, "linux.resources.devices: load the device BPF program%s%.200s%s",
                     why[0] ? " (verifier: " : "", why, why[0] ? ")" : "");
  }

  memset(&a, 0, sizeof(a));
  a.target_fd = dfd;
  a.attach_bpf_fd = pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
    return veil_fail(err, errno, "linux.resources.devices: attach the device BPF program to %s",
                     cgroup_dir);

  for (uint32_t i = 0; i < nold; i++) {
    cleanup_close int ofd = -1;
    memset(&a, 0, sizeof(a));
    a.prog_id = old[i];
    ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
    if (ofd < 0)
      continue;
    memset(&a, 0, sizeof(a));
    a.target_fd = dfd;
    a.attach_bpf_fd = ofd;
    a.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &a) < 0)
      return veil_fail(err, errno, "linux.resources.devices: detach the previous program from %s",
                       cgroup_dir);
  }
  return 0;
}

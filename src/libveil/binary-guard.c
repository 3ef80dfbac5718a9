/* veil — the runtime's own binary is never writable from a container (CVE-2019-5736 class).
 *
 * Until `start` execs the user's program, a container's init is a clone of veil: /proc/PID/exe of
 * the init (and of an exec'd process before its execve) is veil's file.  A process sharing the
 * pid namespace could open that link, keep the fd and, once the init has exec'd, reopen
 * /proc/self/fd/N for writing: the next veil run on the host would execute its bytes.
 * Non-dumpable processes hide /proc/PID/exe only from attackers without CAP_SYS_PTRACE, so the
 * commands that put veil code into a container (create, run, exec) first make their own
 * executable one that cannot be written through any path: a clone of the mount holding the
 * binary (open_tree), made read-only (mount_setattr) and detached — it is in no mount namespace,
 * so nobody can make it writable again, and every open through /proc/PID/exe goes through it and
 * gets EROFS.  Everything clone3 makes later inherits that executable.
 *
 * Re-executing veil from that clone would cost a whole execve and dynamic link (~0.7 ms here), so
 * instead the running process points its own mm->exe_file at the clone (prctl PR_SET_MM_MAP with
 * exe_fd).  The kernel allows that only when no mapping still comes from the old executable's
 * path: the read-only segments are mapped again, same offsets, from the clone's path (the same
 * page cache), and the written ones (data, RELRO) are replaced by anonymous copies.  That is a
 * dozen syscalls and a few pages copied.
 *
 * Where that is not allowed (no CAP_SYS_ADMIN, as rootless), veil re-executes itself from the
 * clone or, failing that, from a copy of its loadable part in a sealed memfd (writes get EPERM).
 * A binary that already sits on a read-only mount, or runs from a sealed memfd, needs nothing. */
#include "config.h"
#include "binary-guard.h"
#include "util.h"

#include <elf.h>
#include <inttypes.h>
#include <linux/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysmacros.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* Set across the one re-execution, so that an image we could not protect is an error, never a
 * loop; removed again at once so that nothing veil starts inherits it. */
#define GUARD_ENV "_VEIL_BINARY_GUARD"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool image_is_protected(int exe_path_fd)
{
  struct statfs sfs;

  if (fstatfs(exe_path_fd, &sfs) == 0 && (sfs.f_flags & ST_RDONLY))
    return true;
  /* a sealed memfd: F_GET_SEALS needs a real open file, not the O_PATH one */
  cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

static int read_only_clone(int exe_path_fd)
{
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  int tree = (int)syscall(SYS_open_tree, exe_path_fd, "",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

  if (tree < 0)
    return -1;
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
    int e = errno;
    close(tree);
    errno = e;
    return -1;
  }
  return tree;
}

/* How much of the file execve needs: the ELF header, the program headers and every segment; the
 * debug sections and section headers after them stay behind (a third of the copy or less). */
static off_t loadable_size(int fd, off_t file_size)
{
  Elf64_Ehdr eh;
  off_t end;

  if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
    return file_size;
  end = (off_t)(eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr));
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
      return file_size;
    if ((off_t)(ph.p_offset + ph.p_filesz) > end)
      end = (off_t)(ph.p_offset + ph.p_filesz);
  }
  return end > 0 && end <= file_size ? end : file_size;
}

static int sealed_copy(veil_error *err)
{
  cleanup_close int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  struct stat st;
  int mfd;

  if (src < 0 || fstat(src, &st) < 0)
    return veil_fail(err, errno, "open /proc/self/exe");
  mfd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
    mfd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return veil_fail(err, errno, "memfd_create");
  off_t left = loadable_size(src, st.st_size), off = 0;
  while (left > 0) {
    ssize_t n = sendfile(mfd, src, &off, (size_t)left);
    if (n <= 0) {
      veil_fail(err, n < 0 ? errno : EIO, "copy the veil binary into a memfd");
      close(mfd);
      return -1;
    }
    left -= n;
  }
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) {
    veil_fail(err, errno, "seal the memfd copy of veil");
    close(mfd);
    return -1;
  }
  return mfd;
}

/* The page-aligned ranges of the executable's writable PT_LOAD segments, from the program headers
 * the kernel mapped for us: what lies in them has been written (relocations, RELRO, globals). */
typedef struct {
  uintptr_t lo, hi;
} addr_range;

static size_t writable_segments(addr_range *out, size_t max)
{
  const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
  size_t n = getauxval(AT_PHNUM), found = 0;
  uintptr_t bias = 0, page = (uintptr_t)getpagesize();

  if (!ph)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (ph[i].p_type == PT_PHDR)
      bias = (uintptr_t)ph - ph[i].p_vaddr;
  for (size_t i = 0; i < n && found < max; i++) {
    if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_W))
      continue;
    out[found].lo = (bias + ph[i].p_vaddr) & ~(page - 1);
    out[found].hi = (bias + ph[i].p_vaddr + ph[i].p_memsz + page - 1) & ~(page - 1);
    found++;
  }
  return found;
}

static bool in_ranges(const addr_range *r, size_t n, uintptr_t lo, uintptr_t hi)
{
  for (size_t i = 0; i < n; i++)
    if (lo < r[i].hi && hi > r[i].lo)
      return true;
  return false;
}

static int prot_of(const char *perms)
{
  return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
         (perms[2] == 'x' ? PROT_EXEC : 0);
}

/* Copies a mapping of our own image word by word: it holds the redzones a sanitizer puts
 * between globals, which an instrumented (or intercepted) memcpy would report. */
__attribute__((no_sanitize_address)) static void copy_image_words(void *dst, const void *src,
                                                                  size_t len)
{
  volatile unsigned long *d = dst;
  const volatile unsigned long *s = src;

  for (size_t i = 0; i < len / sizeof(unsigned long); i++)
    d[i] = s[i];
}

/* Moves one mapping of the executable off its path: written pages to an anonymous copy, the
 * others to the same file through the read-only clone. */
static int remap_one(int image, uintptr_t lo, uintptr_t hi, int prot, off_t off, bool written)
{
  size_t len = hi - lo;

  if (!written)
    return mmap((void *)lo, len, prot, MAP_PRIVATE | MAP_FIXED, image, off) == MAP_FAILED ? -1 : 0;
  void *copy = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (copy == MAP_FAILED)
    return -1;
  if (!(prot & PROT_READ) && mprotect((void *)lo, len, prot | PROT_READ) < 0)
    return munmap(copy, len), -1;
  copy_image_words(copy, (const void *)lo, len);
  if (mprotect(copy, len, prot) < 0 ||
      mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)lo) == MAP_FAILED)
    return munmap(copy, len), -1;
  return 0;
}

static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t got = 0;

  if (fd < 0)
    return -1;
  while (got < size - 1) {
    ssize_t n = read(fd, buf + got, size - 1 - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  return got < size - 1 ? (ssize_t)got : -1;
}

static int remap_executable(int image, const struct stat *exe)
{
  char maps[32768];
  addr_range w[8];
  size_t nw = writable_segments(w, 8);
  int moved = 0;

  if (read_small_file("/proc/self/maps", maps, sizeof(maps)) < 0)
    return -1;
  for (char *line = maps, *next; line && *line; line = next) {
    uintptr_t lo, hi;
    unsigned long long off, ino;
    unsigned maj, mnr;
    char perms[5];
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %llx %x:%x %llu", &lo, &hi, perms, &off, &maj,
               &mnr, &ino) != 7 ||
        ino != (unsigned long long)exe->st_ino || makedev(maj, mnr) != exe->st_dev)
      continue;
    if (remap_one(image, lo, hi, prot_of(perms), (off_t)off, in_ranges(w, nw, lo, hi)) < 0)
      return -1;
    moved++;
  }
  return moved > 0 ? 0 : -1;
}

/* The mm fields PR_SET_MM_MAP wants back as they are: fields 26-28 and 45-51 of /proc/self/stat. */
static int current_mm_map(struct prctl_mm_map *m)
{
  char stat[4096];
  unsigned long long v[52] = {0};
  char *p;

  if (read_small_file("/proc/self/stat", stat, sizeof(stat)) < 0 || !(p = strrchr(stat, ')')))
    return -1;
  p += 2; /* field 3, the state */
  for (int field = 3; field <= 51 && *p; field++) {
    char *end;
    if (field > 3)
      v[field] = strtoull(p, &end, 10);
    else
      end = p + 1;
    p = end + (*end == ' ');
  }
  memset(m, 0, sizeof(*m));
  m->start_code = v[26];
  m->end_code = v[27];
  m->start_stack = v[28];
  m->start_data = v[45];
  m->end_data = v[46];
  m->start_brk = v[47];
  m->arg_start = v[48];
  m->arg_end = v[49];
  m->env_start = v[50];
  m->env_end = v[51];
  m->brk = (uint64_t)syscall(SYS_brk, 0);
  return m->end_code ? 0 : -1;
}

static int swap_exe_file(int image, int exe_path_fd)
{
  struct prctl_mm_map m;
  struct stat st;
  char path[64];

  /* mmap wants an open file, not the O_PATH tree: the same file through the read-only clone */
  snprintf(path, sizeof(path), "/proc/self/fd/%d", image);
  cleanup_close int file = open(path, O_RDONLY | O_CLOEXEC);
  if (file < 0 || fstat(exe_path_fd, &st) < 0 || current_mm_map(&m) < 0 ||
      remap_executable(file, &st) < 0)
    return -1;
  m.exe_fd = (uint32_t)file;
  return prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&m, sizeof(m), 0) < 0 ? -1 : 0;
}

int veil_binary_protect(char *const argv[], veil_error *err)
{
  extern char **environ;
  bool again = getenv(GUARD_ENV) != NULL;

  /* Before anything else, and inherited by every clone: the container's processes (without
   * CAP_SYS_PTRACE) cannot open /proc/PID/{exe,fd,mem,environ} of veil's or ptrace them. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return veil_fail(err, errno, "prctl(PR_SET_DUMPABLE)");
  cleanup_close int exe = open("/proc/self/exe", O_PATH | O_CLOEXEC);

  if (again)
    unsetenv(GUARD_ENV);
  if (exe < 0)
    return veil_fail(err, errno, "open /proc/self/exe");
  if (image_is_protected(exe))
    return 0;
  if (again)
    return veil_fail(err, 0, "re-executed veil from a protected image, and its image is writable");
  cleanup_close int image = read_only_clone(exe);
  if (image >= 0 && swap_exe_file(image, exe) == 0)
    return 0;
  if (image < 0 && (image = sealed_copy(err)) < 0)
    return -1;
  if (setenv(GUARD_ENV, "1", 1) < 0)
    return veil_fail(err, errno, "setenv");
  syscall(SYS_execveat, image, "", argv, environ, AT_EMPTY_PATH);
  unsetenv(GUARD_ENV);
  return veil_fail(err, errno, "re-execute veil from a read-only image");
}

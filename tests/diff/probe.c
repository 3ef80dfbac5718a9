/*
 * probe: the container process of tests/diff; prints what a process in the
 * container can observe, one "KEY<TAB>VALUE" line each, between the lines
 * "probe.start" and "probe.end".  Then it waits for EOF on stdin, so that
 * the harness can look at the container from the host while it is alive.
 *
 * Values that differ from run to run (mount ids, pipe inodes, pids outside
 * the container's pid namespace) are printed in a form that does not; raw
 * namespace inodes are printed as they are: only the harness knows the
 * host's and the peer namespaces' to compare them with.
 *
 * Built static by tests/diff/run (cc -static) and copied into each rootfs.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static void put(const char *key, const char *fmt, ...)
{
  va_list ap;

  printf("%s\t", key);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static const char *errname(int e)
{
  static char buf[32];
  const char *name = strerrorname_np(e);

  if (name)
    return name;
  snprintf(buf, sizeof(buf), "errno%d", e);
  return buf;
}

/* A whole small file on one line: newlines become ';', runs of blanks one. */
static void put_file(const char *key, const char *path)
{
  char buf[8192], out[8192];
  size_t o = 0;
  ssize_t n;
  int fd = open(path, O_RDONLY | O_CLOEXEC);

  if (fd < 0) {
    put(key, "error %s", errname(errno));
    return;
  }
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n < 0) {
    put(key, "error %s", errname(errno));
    return;
  }
  for (ssize_t i = 0; i < n && o < sizeof(out) - 1; i++) {
    char c = buf[i] == '\n' ? ';' : buf[i];

    if (isblank((unsigned char)c) && (o == 0 || out[o - 1] == ' ' || out[o - 1] == ';'))
      continue;
    if (isblank((unsigned char)c))
      c = ' ';
    if (c == ';' && o > 0 && out[o - 1] == ' ')
      o--;
    out[o++] = c;
  }
  while (o > 0 && out[o - 1] == ';')
    o--;
  out[o] = '\0';
  put(key, "%s", out);
}

static void ids(void)
{
  uid_t ru, eu, su;
  gid_t rg, eg, sg, groups[256];
  int n;

  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  put("uid", "%u %u %u", ru, eu, su);
  put("gid", "%u %u %u", rg, eg, sg);
  n = getgroups(256, groups);
  printf("groups\t");
  for (int i = 0; i < n; i++)
    printf("%s%u", i ? " " : "", groups[i]);
  putchar('\n');
}

static void status_fields(void)
{
  static const char *const wanted[] = {"CapInh",  "CapPrm",          "CapEff",
                                       "CapBnd",  "CapAmb",          "NoNewPrivs",
                                       "Seccomp", "Seccomp_filters", "Umask"};
  char line[512];
  FILE *f = fopen("/proc/self/status", "re");

  if (!f) {
    put("status", "error %s", errname(errno));
    return;
  }
  while (fgets(line, sizeof(line), f)) {
    char *colon = strchr(line, ':');

    if (!colon)
      continue;
    *colon = '\0';
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
      if (strcmp(line, wanted[i]) == 0) {
        char *v = colon + 1;

        v += strspn(v, " \t");
        v[strcspn(v, "\n")] = '\0';
        printf("status.%s\t%s\n", line, v);
      }
    }
  }
  fclose(f);
}

static void limits(void)
{
  static const char *const names[] = {
      "CPU",     "FSIZE", "DATA",  "STACK",      "CORE",     "RSS",  "NPROC",  "NOFILE",
      "MEMLOCK", "AS",    "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"};
  char key[32], soft[32], hard[32];
  struct rlimit rl;

  for (int r = 0; r < 16; r++) {
    snprintf(key, sizeof(key), "rlimit.%s", names[r]);
    if (getrlimit(r, &rl) < 0) {
      put(key, "error %s", errname(errno));
      continue;
    }
    if (rl.rlim_cur == RLIM_INFINITY)
      strcpy(soft, "unlimited");
    else
      snprintf(soft, sizeof(soft), "%llu", (unsigned long long)rl.rlim_cur);
    if (rl.rlim_max == RLIM_INFINITY)
      strcpy(hard, "unlimited");
    else
      snprintf(hard, sizeof(hard), "%llu", (unsigned long long)rl.rlim_max);
    put(key, "%s %s", soft, hard);
  }
}

static void process_fields(int argc, char **argv)
{
  char buf[4096], key[32];
  struct utsname u;

  put("pid", "%s", getpid() == 1 ? "1" : "other");
  put("ppid", "%s", getppid() == 0 ? "0" : "other");
  put("sid", "%s", getsid(0) == getpid() ? "self" : "other");
  put("pgid", "%s", getpgid(0) == getpid() ? "self" : "other");
  put("cwd", "%s", getcwd(buf, sizeof(buf)) ? buf : errname(errno));
  for (int i = 0; i < argc; i++) {
    snprintf(key, sizeof(key), "argv.%d", i);
    put(key, "%s", argv[i]);
  }
  for (int i = 0; environ[i]; i++) {
    snprintf(key, sizeof(key), "env.%d", i);
    put(key, "%.2000s", environ[i]);
  }
  if (uname(&u) == 0) {
    put("hostname", "%s", u.nodename);
    put("domainname", "%s", u.domainname);
  }
  put("personality", "0x%x", (unsigned)personality(0xffffffff));
  put_file("oom_score_adj", "/proc/self/oom_score_adj");
  put_file("uid_map", "/proc/self/uid_map");
  put_file("gid_map", "/proc/self/gid_map");
  put_file("setgroups", "/proc/self/setgroups");
  put_file("timens_offsets", "/proc/self/timens_offsets");
  for (int fd = 0; fd < 3; fd++) {
    snprintf(key, sizeof(key), "isatty.%d", fd);
    put(key, "%d", isatty(fd));
  }
}

static void scheduling(void)
{
  struct sched_param sp = {0};
  cpu_set_t set;
  int policy = sched_getscheduler(0);

  sched_getparam(0, &sp);
  errno = 0;
  put("sched.policy", "%d", policy & ~SCHED_RESET_ON_FORK);
  put("sched.reset_on_fork", "%d", !!(policy & SCHED_RESET_ON_FORK));
  put("sched.priority", "%d", sp.sched_priority);
  put("sched.nice", "%d", getpriority(PRIO_PROCESS, 0));
  put("ioprio", "%ld", syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    printf("affinity\t");
    for (int c = 0, first = 1; c < CPU_SETSIZE; c++) {
      if (CPU_ISSET(c, &set)) {
        printf("%s%d", first ? "" : ",", c);
        first = 0;
      }
    }
    putchar('\n');
  }
}

static void namespaces(void)
{
  static const char *const names[] = {
      "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
      "user",   "uts"};
  char path[64], key[64];
  struct stat st;

  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
    snprintf(key, sizeof(key), "ns.%s", names[i]);
    if (stat(path, &st) < 0)
      put(key, "error %s", errname(errno));
    else
      put(key, "%lu", (unsigned long)st.st_ino);
  }
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mount point, fs type, root in its fs, propagation, sorted options */
static void mount_line(char *line)
{
  char *field[64], *opts[128], *save = NULL, *tok, prop[64] = "private";
  int n = 0, dash = -1, no = 0;

  for (tok = strtok_r(line, " \n", &save); tok && n < 64; tok = strtok_r(NULL, " \n", &save))
    field[n++] = tok;
  for (int i = 6; i < n; i++) {
    if (strcmp(field[i], "-") == 0) {
      dash = i;
      break;
    }
  }
  if (dash < 0 || dash + 3 >= n)
    return;
  for (int i = 6; i < dash; i++) {
    /* shared:N master:N propagate_from:N unbindable: the kind, not the group */
    char *c = strchr(field[i], ':');

    if (c)
      *c = '\0';
    if (i == 6)
      snprintf(prop, sizeof(prop), "%s", field[i]);
    else
      strncat(prop, "+", sizeof(prop) - strlen(prop) - 1),
          strncat(prop, field[i], sizeof(prop) - strlen(prop) - 1);
  }
  for (int k = 0; k < 2; k++) {
    char *list = k ? field[dash + 3] : field[5], *s2 = NULL;

    for (tok = strtok_r(list, ",", &s2); tok && no < 128; tok = strtok_r(NULL, ",", &s2))
      opts[no++] = tok;
  }
  qsort(opts, no, sizeof(opts[0]), cmp_str);
  printf("mount\t%s %s root=%s %s ", field[4], field[dash + 1], field[3], prop);
  for (int i = 0; i < no; i++)
    if (i == 0 || strcmp(opts[i], opts[i - 1]) != 0)
      printf("%s%s", i ? "," : "", opts[i]);
  putchar('\n');
}

static void mounts(void)
{
  char line[4096];
  FILE *f = fopen("/proc/self/mountinfo", "re");

  if (!f) {
    put("mount", "error %s", errname(errno));
    return;
  }
  while (fgets(line, sizeof(line), f))
    mount_line(line);
  fclose(f);
}

static void interfaces(void)
{
  char line[512];
  FILE *f = fopen("/proc/self/net/dev", "re");
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (!f) {
    put("if", "error %s", errname(errno));
    if (s >= 0)
      close(s);
    return;
  }
  while (fgets(line, sizeof(line), f)) {
    char *colon = strchr(line, ':'), *name = line, key[64];
    struct ifreq ifr = {0};

    if (!colon)
      continue;
    *colon = '\0';
    name += strspn(name, " ");
    snprintf(key, sizeof(key), "if.%s", name);
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
      put(key, "error %s", errname(s < 0 ? EBADF : errno));
    else
      put(key, "%s%s", ifr.ifr_flags & IFF_UP ? "up" : "down",
          ifr.ifr_flags & IFF_RUNNING ? " running" : "");
  }
  fclose(f);
  if (s >= 0)
    close(s);
}

static void sysctls(void)
{
  static const char *const keys[] = {
      "net/ipv4/ip_forward",
      "net/ipv4/ip_unprivileged_port_start",
      "net/ipv4/ping_group_range",
      "net/core/somaxconn",
      "net/ipv4/tcp_keepalive_time",
      "net/ipv6/conf/all/disable_ipv6",
      "kernel/shmmax",
      "kernel/shmmni",
      "kernel/msgmax",
      "kernel/msgmnb",
      "kernel/sem",
      "fs/mqueue/queues_max",
      "fs/mqueue/msg_max",
      "kernel/hostname",
      "kernel/domainname",
      "user/max_user_namespaces",
  };
  char path[128], key[128];

  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    snprintf(path, sizeof(path), "/proc/sys/%s", keys[i]);
    snprintf(key, sizeof(key), "sysctl.%s", keys[i]);
    for (char *p = key; *p; p++)
      if (*p == '/')
        *p = '.';
    put_file(key, path);
  }
}

static void cgroups(void)
{
  char line[1024];
  FILE *f = fopen("/proc/self/cgroup", "re");

  if (!f) {
    put("cgroup", "error %s", errname(errno));
    return;
  }
  while (fgets(line, sizeof(line), f)) {
    char *ctrl = strchr(line, ':'), *path;

    if (!ctrl)
      continue;
    path = strchr(++ctrl, ':');
    if (!path)
      continue;
    *path++ = '\0';
    path[strcspn(path, "\n")] = '\0';
    printf("cgroup.%s\t%s\n", *ctrl ? ctrl : "unified", path);
  }
  fclose(f);
}

/* Calls SHOW(KEY, PATH) for each entry of DIR but . and .., with KEY PREFIX.NAME. */
static void each_entry(const char *dir, const char *prefix,
                       void (*show)(const char *key, const char *path))
{
  DIR *d = opendir(dir);
  struct dirent *e;

  if (!d) {
    put(prefix, "error %s", errname(errno));
    return;
  }
  while ((e = readdir(d))) {
    char path[300], key[300];

    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (strcmp(dir, "/proc/self/fd") == 0 && atoi(e->d_name) == dirfd(d))
      continue; /* the fd that reads the directory itself */
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    snprintf(key, sizeof(key), "%s.%s", prefix, e->d_name);
    show(key, path);
  }
  closedir(d);
}

static void show_fd(const char *key, const char *path)
{
  char target[512];
  ssize_t n = readlink(path, target, sizeof(target) - 1);

  if (n < 0)
    return;
  target[n] = '\0';
  /* pipe:[123] socket:[456]: the kind only */
  if (strchr(target, '[') && target[0] != '/')
    *strchr(target, ':') = '\0';
  put(key, "%s", target);
}

static char file_kind(mode_t m)
{
  return S_ISCHR(m)    ? 'c'
         : S_ISBLK(m)  ? 'b'
         : S_ISDIR(m)  ? 'd'
         : S_ISLNK(m)  ? 'l'
         : S_ISFIFO(m) ? 'p'
         : S_ISSOCK(m) ? 's'
                       : '-';
}

static void stat_path(const char *key, const char *path)
{
  struct stat st;
  char target[256] = "";

  if (lstat(path, &st) < 0) {
    put(key, "error %s", errname(errno));
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    ssize_t n = readlink(path, target, sizeof(target) - 1);

    target[n > 0 ? n : 0] = '\0';
  }
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    put(key, "%c%04o %u:%u %u:%u", file_kind(st.st_mode), st.st_mode & 07777, st.st_uid, st.st_gid,
        major(st.st_rdev), minor(st.st_rdev));
  else
    put(key, "%c%04o %u:%u%s%s", file_kind(st.st_mode), st.st_mode & 07777, st.st_uid, st.st_gid,
        *target ? " -> " : "", target);
}

/* What the container may do, tried in ways that change nothing lasting. */
static void abilities(void)
{
  int fd = open("/.probe-write", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  put("write./", "%s", fd >= 0 ? "ok" : errname(errno));
  if (fd >= 0) {
    close(fd);
    unlink("/.probe-write");
  }
  if (mkdir("/tmp/.probe-mkdir", 0700) == 0) {
    put("mkdir./tmp", "ok");
    rmdir("/tmp/.probe-mkdir");
  } else {
    put("mkdir./tmp", "%s", errname(errno));
  }
  errno = 0;
  put("syscall.1000", "%s", syscall(1000) < 0 ? errname(errno) : "ok");
  stat_path("stat./", "/");
  stat_path("stat./proc/kcore", "/proc/kcore");
  stat_path("stat./tmp", "/tmp");
  stat_path("stat./etc/hostname", "/etc/hostname");
  put_file("file./etc/hostname", "/etc/hostname");
}

int main(int argc, char **argv)
{
  char buf[512];

  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  puts("probe.start");
  ids();
  status_fields();
  limits();
  process_fields(argc, argv);
  scheduling();
  namespaces();
  mounts();
  interfaces();
  sysctls();
  cgroups();
  each_entry("/proc/self/fd", "fd", show_fd);
  each_entry("/dev", "dev", stat_path);
  abilities();
  puts("probe.end");
  fflush(stdout);
  /* alive until the harness has looked from the host and closes stdin */
  while (read(0, buf, sizeof(buf)) > 0)
    ;
  return 0;
}

#include "config.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>

const char *veil_status_name(veil_status s)
{
  switch (s) {
  case VEIL_STATUS_CREATING:
    return "creating";
  case VEIL_STATUS_CREATED:
    return "created";
  case VEIL_STATUS_RUNNING:
    return "running";
  case VEIL_STATUS_PAUSED:
    return "paused";
  case VEIL_STATUS_STOPPED:
    return "stopped";
  }
  return "unknown";
}

int veil_validate_id(const char *id, veil_error *err)
{
  size_t len = id ? strlen(id) : 0;

  if (len == 0)
    return veil_fail(err, 0, "invalid container id \"\": must not be empty");
  /* the id names the state directory and the default cgroups: one file name each */
  if (len > NAME_MAX)
    return veil_fail(err, 0, "invalid container id \"%.32s...\": longer than %d bytes", id,
                     NAME_MAX);
  if (id[0] == '.')
    return veil_fail(err, 0, "invalid container id \"%s\": must not start with '.'", id);
  for (const char *p = id; *p; p++) {
    char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '+' || c == '-' || c == '.')
      continue;
    return veil_fail(
        err, 0, "invalid container id \"%s\": only letters, digits and \"_+-.\" are allowed", id);
  }
  return 0;
}

int state_root_open(const char *root, bool create, veil_error *err)
{
  int fd;

  if (create && veil_mkdir_p(root, 0700, err) < 0)
    return -1;
  fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return veil_fail(err, errno, "open state root %s", root);
  return fd;
}

/* How long a command waits for another one's lock on a container: long enough for any create,
 * hooks included, to finish; bounded, so that no command waits for ever on one that is stuck
 * (on a frozen process, say).  VEIL_LOCK_TIMEOUT (seconds) changes it. */
static long lock_wait_ms(void)
{
  const char *s = getenv("VEIL_LOCK_TIMEOUT");
  int v;

  return s && veil_parse_int(s, &v) == 0 && v >= 0 ? (long)v * 1000 : 60000;
}

static int lock_dir(int fd, bool exclusive, const char *id, veil_error *err)
{
  struct timespec step = {0, 1000000};
  long waited_ms = 0, limit_ms = lock_wait_ms();

  while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
    if (errno == EINTR)
      continue;
    if (errno != EWOULDBLOCK)
      return veil_fail(err, errno, "lock container \"%s\"", id);
    if (waited_ms >= limit_ms)
      return veil_fail(err, 0,
                       "container \"%s\" is busy: another veil command has held it for %ld s", id,
                       limit_ms / 1000);
    nanosleep(&step, NULL);
    waited_ms += step.tv_nsec / 1000000;
    if (step.tv_nsec < 50000000)
      step.tv_nsec *= 2;
  }
  return 0;
}

int state_dir_create(int rootfd, const char *id, veil_error *err)
{
  cleanup_close int fd = -1;

  /* 0711: the container init, possibly a mapped uid, must reach exec.fifo through its dir fd. */
  if (mkdirat(rootfd, id, 0711) < 0) {
    if (errno == EEXIST)
      return veil_fail(err, 0, "container \"%s\" already exists", id);
    return veil_fail(err, errno, "create state directory for \"%s\"", id);
  }
  fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return veil_fail(err, errno, "open state directory of \"%s\"", id);
  if (fchmod(fd, 0711) < 0)
    return veil_fail(err, errno, "chmod state directory of \"%s\"", id);
  if (lock_dir(fd, true, id, err) < 0)
    return -1;
  return steal_fd(&fd);
}

int state_dir_open(int rootfd, const char *id, bool exclusive, veil_error *err)
{
  cleanup_close int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return veil_fail(err, 0, "container \"%s\" does not exist", id);
    return veil_fail(err, errno, "open state directory of \"%s\"", id);
  }
  if (lock_dir(fd, exclusive, id, err) < 0)
    return -1;
  /* A delete may have removed the directory while we waited for its lock. */
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_nlink == 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  return steal_fd(&fd);
}

int state_dir_remove(int rootfd, const char *id, veil_error *err)
{
  cleanup_close int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  DIR *dir;
  struct dirent *de;

  if (fd < 0)
    return errno == ENOENT ? 0 : veil_fail(err, errno, "open state directory of \"%s\"", id);
  dir = fdopendir(fd);
  if (!dir)
    return veil_fail(err, errno, "read state directory of \"%s\"", id);
  fd = -1;
  while ((de = readdir(dir))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    unlinkat(dirfd(dir), de->d_name, 0);
  }
  closedir(dir);
  if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return veil_fail(err, errno, "remove state directory of \"%s\"", id);
  return 0;
}

static int write_record(int dirfd, const char *name, const veil_state_file *s, veil_error *err)
{
  char *msg = NULL;
  size_t len = 0;
  cleanup_free char *json = veil_state_file_generate(s, &len, &msg);
  char tmp[64];

  if (!json)
    return veil_fail_take(err, 0, msg);
  snprintf(tmp, sizeof(tmp), "%s.tmp", name);
  if (veil_write_file_at(dirfd, tmp, json, len, O_CREAT | O_TRUNC, err) < 0)
    return -1;
  if (renameat(dirfd, tmp, dirfd, name) < 0)
    return veil_fail(err, errno, "rename %s", tmp);
  return 0;
}

int state_write(int dirfd, const veil_state_file *s, veil_error *err)
{
  return write_record(dirfd, STATE_FILE, s, err);
}

int state_write_intent(int dirfd, const veil_state_file *s, veil_error *err)
{
  return write_record(dirfd, INTENT_FILE, s, err);
}

static int read_record(int dirfd, const char *name, veil_state_file **out, veil_error *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  char *msg = NULL;
  struct stat st;

  *out = NULL;
  /* a fifo or a device put there would block the read (ROOT is root's, 0700: no race) */
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return veil_fail(err, errno, "open %s", name);
  if (!S_ISREG(st.st_mode))
    return veil_fail(err, 0, "%s: not a regular file", name);
  if (veil_read_file_at(dirfd, name, 16 << 20, &data, &len, err) < 0)
    return -1;
  *out = veil_state_file_parse_data(data, len, &msg);
  if (!*out) {
    veil_fail_take(err, 0, msg);
    return veil_error_prefix(err, "%s", name);
  }
  return 0;
}

int state_read(int dirfd, veil_state_file **out, veil_error *err)
{
  return read_record(dirfd, STATE_FILE, out, err);
}

int state_read_intent(int dirfd, veil_state_file **out, veil_error *err)
{
  return read_record(dirfd, INTENT_FILE, out, err);
}

int proc_pid_start_time(pid_t pid, uint64_t *start_time, bool *zombie)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;
  unsigned long long st = 0;
  char state;

  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: the fields start after the last ')'. */
  p = strrchr(buf, ')');
  if (!p)
    return -1;
  /* fields 3.. follow: state is field 3, starttime is field 22 */
  if (sscanf(p + 1,
             " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
             &state, &st) != 2)
    return -1;
  if (start_time)
    *start_time = st;
  if (zombie)
    *zombie = state == 'Z' || state == 'X';
  return 0;
}

bool state_init_alive(const veil_state_file *s)
{
  uint64_t st;
  bool zombie;

  if (!s || s->pid <= 0)
    return false;
  if (proc_pid_start_time(s->pid, &st, &zombie) < 0)
    return false;
  return st == s->pid_start_time && !zombie;
}

veil_status state_status(int dirfd, const veil_state_file *s)
{
  struct stat st;

  if (s->pid <= 0)
    return VEIL_STATUS_CREATING;
  if (!state_init_alive(s))
    return VEIL_STATUS_STOPPED;
  /* as runc: a frozen cgroup is "paused", a created container's too */
  if (s->cgroup_paths.len > 0) {
    cgroup_handle *cg = NULL;
    bool frozen = cgroup_from_state(s, &cg, NULL) == 0 && cg && cgroup_is_frozen(cg);
    cgroup_handle_free(cg);
    if (frozen)
      return VEIL_STATUS_PAUSED;
  }
  if (fstatat(dirfd, EXEC_FIFO, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return VEIL_STATUS_CREATED;
  return VEIL_STATUS_RUNNING;
}

int state_flag_add(veil_state_file *s, char *flag)
{
  char **nf = flag ? realloc(s->flags, (s->flags_len + 2) * sizeof(char *)) : NULL;

  if (!nf) {
    free(flag);
    return -1;
  }
  s->flags = nf;
  nf[s->flags_len++] = flag;
  nf[s->flags_len] = NULL;
  return 0;
}

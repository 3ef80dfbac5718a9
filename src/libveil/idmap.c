#include "config.h"
#include "idmap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Who writes the maps.  The host's root (or the root of the user namespace veil runs in) writes
 * them itself.  An unprivileged caller may write only its own id, and the kernel accepts a gid
 * map from it only once setgroups is denied (else the container could drop a group that denies
 * access).  Anything more goes through the setuid helpers newuidmap/newgidmap, which allow only
 * the caller's subordinate ids: veil checks them first so that the error names the mapping. */

typedef struct map_kind {
  const char *file;   /* uid_map */
  const char *field;  /* uidMappings */
  const char *helper; /* newuidmap */
  const char *subids; /* /etc/subuid */
  unsigned own;       /* the caller's euid or egid */
} map_kind;

static int write_map(pid_t pid, const map_kind *k, const oci_id_mapping *m, size_t n,
                     veil_error *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  size_t size = n * 36 + 1, off = 0;

  buf = malloc(size);
  if (!buf)
    return veil_fail(err, ENOMEM, "linux.%s", k->field);
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(buf + off, size - off, "%u %u %u\n", m[i].container_id, m[i].host_id,
                            m[i].size);
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, k->file);
  if (veil_write_file_at(AT_FDCWD, path, buf, off, 0, err) < 0)
    return veil_error_prefix(err, "linux.%s", k->field);
  return 0;
}

static bool only_own_id(const map_kind *k, const oci_id_mapping *m, size_t n)
{
  return n == 1 && m[0].size == 1 && m[0].host_id == k->own;
}

/* Whether [first, first+count) lies in one of the caller's ranges in k->subids ("name:start:count"
 * or "uid:start:count" lines). */
static bool in_subordinate_ranges(const map_kind *k, const char *name, unsigned long first,
                                  unsigned long count)
{
  cleanup_free char *text = NULL;
  char *line, *save = NULL, own[16];
  size_t len;
  veil_error ignored = VEIL_ERROR_INIT;

  snprintf(own, sizeof(own), "%u", k->own);
  if (veil_read_file_at(AT_FDCWD, k->subids, 1 << 20, &text, &len, &ignored) < 0) {
    veil_error_clear(&ignored);
    return false;
  }
  for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *colon = strchr(line, ':');
    unsigned long start, n;
    if (!colon || sscanf(colon + 1, "%lu:%lu", &start, &n) != 2)
      continue;
    *colon = '\0';
    if ((name && !strcmp(line, name)) || !strcmp(line, own))
      if (first >= start && first + count <= start + n)
        return true;
  }
  return false;
}

static map_kind map_kind_of(bool gid)
{
  if (gid)
    return (map_kind){"gid_map", "gidMappings", "newgidmap", "/etc/subgid", getegid()};
  return (map_kind){"uid_map", "uidMappings", "newuidmap", "/etc/subuid", geteuid()};
}

int idmap_check_owned(bool gid, const oci_id_mapping *m, size_t i, veil_error *err)
{
  const map_kind kind = map_kind_of(gid), *k = &kind;
  cleanup_free char *name = veil_user_name(geteuid());
  unsigned long first = m[i].host_id, count = m[i].size;

  if ((count == 1 && first == k->own) || in_subordinate_ranges(k, name, first, count))
    return 0;
  return veil_fail(err, 0,
                   "linux.%s[%zu]: host ids %lu-%lu are neither the caller's own id %u nor in "
                   "its subordinate ranges in %s",
                   k->field, i, first, first + count - 1, k->own, k->subids);
}

static int check_helper_ranges(bool gid, const oci_id_mapping *m, size_t n, veil_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (idmap_check_owned(gid, m, i, err) < 0)
      return -1;
  return 0;
}

/* HELPER PID (container host size)...: its stderr becomes the error text. */
static int run_helper(pid_t pid, const map_kind *k, const oci_id_mapping *m, size_t n,
                      veil_error *err)
{
  cleanup_free char **argv = calloc(3 * n + 3, sizeof(char *));
  cleanup_free char *nums = malloc(3 * n * 12 + 12);
  char out[512];
  int pipefd[2], status;
  ssize_t got = 0, r;
  size_t off = 0, a = 0;

  if (!argv || !nums)
    return veil_fail(err, ENOMEM, "linux.%s", k->field);
  argv[a++] = (char *)k->helper;
  argv[a++] = nums;
  off += (size_t)sprintf(nums, "%d", (int)pid) + 1;
  for (size_t i = 0; i < n; i++) {
    unsigned v[3] = {m[i].container_id, m[i].host_id, m[i].size};
    for (int j = 0; j < 3; j++) {
      argv[a++] = nums + off;
      off += (size_t)sprintf(nums + off, "%u", v[j]) + 1;
    }
  }
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return veil_fail(err, errno, "linux.%s: pipe for %s", k->field, k->helper);
  pid_t child = fork();
  if (child == 0) {
    dup2(pipefd[1], STDERR_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    execvp(k->helper, argv);
    dprintf(pipefd[1], "%s (install the uidmap package)", strerror(errno));
    _exit(127);
  }
  close(pipefd[1]);
  while (child > 0 && got < (ssize_t)sizeof(out) - 1 &&
         ((r = read(pipefd[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0 ||
          (r < 0 && errno == EINTR)))
    got += r > 0 ? r : 0;
  close(pipefd[0]);
  if (child < 0)
    return veil_fail(err, errno, "linux.%s: fork %s", k->field, k->helper);
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR)
      return veil_fail(err, errno, "linux.%s: wait for %s", k->field, k->helper);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  while (got > 0 && (out[got - 1] == '\n' || out[got - 1] == ' '))
    got--;
  out[got] = '\0';
  for (char *p = out; *p; p++)
    if (*p == '\n')
      *p = ' ';
  return veil_fail(err, 0, "linux.%s: %s failed: %s", k->field, k->helper,
                   got ? out : "no message");
}

static int write_both(pid_t pid, const map_kind *uid, const map_kind *gid, const oci_linux *l,
                      veil_error *err)
{
  if (write_map(pid, uid, l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  return write_map(pid, gid, l->gid_mappings, l->gid_mappings_len, err);
}

int idmap_write(pid_t pid, const oci_linux *l, veil_error *err)
{
  const map_kind uid = map_kind_of(false), gid = map_kind_of(true);
  char path[64];

  /* The kernel takes at most 340 lines, in one write. */
  if (l->uid_mappings_len > 340 || l->gid_mappings_len > 340)
    return veil_fail(err, 0, "linux.%s: %zu mappings, at most 340 are allowed",
                     l->uid_mappings_len > 340 ? uid.field : gid.field,
                     l->uid_mappings_len > 340 ? l->uid_mappings_len : l->gid_mappings_len);
  if (geteuid() == 0)
    return write_both(pid, &uid, &gid, l, err);
  if (only_own_id(&uid, l->uid_mappings, l->uid_mappings_len) &&
      only_own_id(&gid, l->gid_mappings, l->gid_mappings_len)) {
    snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
    if (veil_write_file_at(AT_FDCWD, path, "deny", 4, 0, err) < 0)
      return veil_error_prefix(err, "linux.gidMappings");
    return write_both(pid, &uid, &gid, l, err);
  }
  if (check_helper_ranges(false, l->uid_mappings, l->uid_mappings_len, err) < 0 ||
      check_helper_ranges(true, l->gid_mappings, l->gid_mappings_len, err) < 0 ||
      run_helper(pid, &uid, l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  return run_helper(pid, &gid, l->gid_mappings, l->gid_mappings_len, err);
}

static bool maps_zero(const oci_id_mapping *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].container_id == 0 && m[i].size > 0)
      return true;
  return false;
}

bool idmap_maps_root(const oci_linux *l)
{
  return l && maps_zero(l->uid_mappings, l->uid_mappings_len) &&
         maps_zero(l->gid_mappings, l->gid_mappings_len);
}

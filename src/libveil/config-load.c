#include "config.h"
#include "config-load.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

static const char *file_kind(mode_t mode)
{
  switch (mode & S_IFMT) {
  case S_IFDIR:
    return "a directory";
  case S_IFIFO:
    return "a fifo";
  case S_IFSOCK:
    return "a socket";
  case S_IFCHR:
    return "a character device";
  case S_IFBLK:
    return "a block device";
  }
  return "not a file";
}

/* The checks are made on the opened fd, so that what is checked is what is read. */
static int check_config_fd(int fd, const char *path, veil_error *err)
{
  struct stat st;
  struct statfs sf;

  if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
    return veil_fail(err, errno, "config.json: stat %s", path);
  if (!S_ISREG(st.st_mode))
    return veil_fail(err, 0, "config.json: %s is not a regular file (it is %s)", path,
                     file_kind(st.st_mode));
  /* procfs and sysfs files say "regular" but are the kernel's: reading /proc/kmsg, say, blocks
   * or takes messages from the host's log. */
  if (sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC)
    return veil_fail(err, 0, "config.json: %s is not a regular file (it is on %s)", path,
                     sf.f_type == PROC_SUPER_MAGIC ? "procfs" : "sysfs");
  if (st.st_size > (off_t)CONFIG_MAX_SIZE)
    return veil_fail(err, 0, "config.json: %s is too large (%lld bytes, at most %u)", path,
                     (long long)st.st_size, CONFIG_MAX_SIZE);
  return 0;
}

int config_load(const char *bundle, oci_config **out, veil_error *err)
{
  cleanup_free char *path = veil_strdup_printf("%s/config.json", bundle);
  cleanup_free char *data = NULL;
  cleanup_close int fd = -1;
  size_t len = 0;
  char *msg = NULL;

  *out = NULL;
  if (!path)
    return veil_fail(err, ENOMEM, "config.json");
  /* O_NONBLOCK: opening a fifo must not wait for a writer (a regular file ignores the flag) */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return veil_fail(err, errno, "open %s", path);
  if (check_config_fd(fd, path, err) < 0)
    return -1;
  if (veil_read_fd(fd, path, CONFIG_MAX_SIZE, &data, &len, err) < 0)
    return veil_error_prefix(err, "config.json");
  *out = oci_config_parse_data(data, len, &msg);
  if (!*out) {
    veil_fail_take(err, 0, msg);
    return veil_error_prefix(err, "config.json");
  }
  return 0;
}

/* A SemVer numeric identifier: digits, no leading zero.  Advances *s past it. */
static bool semver_number(const char **s, unsigned long *value)
{
  const char *p = *s;
  unsigned long v = 0;

  if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
    return false;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > 1000000)
      return false;
    v = v * 10 + (unsigned long)(*p - '0');
  }
  *s = p;
  *value = v;
  return true;
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-] (pre-release or build metadata). */
static bool semver_identifiers(const char *s)
{
  size_t n = 0;

  for (;; s++) {
    char c = *s;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
      n++;
      continue;
    }
    if ((c != '.' && c != '+' && c != '\0') || n == 0)
      return false;
    if (c != '.')
      return true;
    n = 0;
  }
}

bool config_version_supported(const char *v)
{
  unsigned long major, minor, patch;
  const char *p = v;

  if (!p || !semver_number(&p, &major) || major != 1 || *p++ != '.' || !semver_number(&p, &minor) ||
      *p++ != '.' || !semver_number(&p, &patch))
    return false;
  if (*p == '-') {
    if (!semver_identifiers(++p))
      return false;
    p += strcspn(p, "+");
  }
  if (*p == '+') {
    if (!semver_identifiers(++p) || strchr(p, '+'))
      return false;
    p += strlen(p);
  }
  return *p == '\0';
}

/* sethostname and setdomainname take at most 64 bytes; a control character (a newline
 * above all) would break every file and log line the name is written into. */
static int check_uts_name(const char *field, const char *name, veil_error *err)
{
  char shown[VEIL_PRINTABLE_SIZE];

  if (!name)
    return 0;
  if (strlen(name) > 64)
    return veil_fail(err, 0, "config.json: %s: \"%.16s...\" is longer than 64 bytes", field,
                     veil_printable(name, shown));
  for (const char *p = name; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      return veil_fail(err, 0, "config.json: %s: a control character (0x%02x) is not allowed",
                       field, (unsigned)(unsigned char)*p);
  return 0;
}

int config_check_top_level(const oci_config *cfg, veil_error *err)
{
  char shown[VEIL_PRINTABLE_SIZE];

  if (!config_version_supported(cfg->oci_version))
    return veil_fail(err, 0,
                     "config.json: ociVersion: \"%s\" is not a 1.x semantic version (such as "
                     "\"1.2.0\")",
                     veil_printable(cfg->oci_version, shown));
  if (check_uts_name("hostname", cfg->hostname, err) < 0 ||
      check_uts_name("domainname", cfg->domainname, err) < 0)
    return -1;
  return 0;
}

#include "config.h"
#include "procfs.h"
#include "sysctl.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward"; NULL for a key that could leave /proc/sys
 * or name nothing (a slash, an empty component, "." or ".."). */
static char *sysctl_path(const char *key)
{
  cleanup_free char *p = strdup(key);
  const char *c;

  if (!p || !*key || strchr(key, '/'))
    return NULL;
  for (c = key; *c;) {
    size_t n = strcspn(c, ".");
    if (n == 0)
      return NULL; /* "a..b", ".a", "a." */
    c += n;
    if (*c)
      c++;
    if (!*c && c[-1] == '.')
      return NULL;
  }
  for (char *q = p; *q; q++)
    if (*q == '.')
      *q = '/';
  return steal_pointer(&p);
}

/* The IPC namespace's keys besides fs.mqueue.* (runc's list: the *_next_id ones, though
 * namespaced, are for checkpoint/restore and stay refused). */
static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni", "kernel.sem", "kernel.shmall",
    "kernel.shmmax", "kernel.shm_rmid_forced", "kernel.shmmni", NULL,
};

/* The namespace KEY is written in, as CLONE_NEW*; 0 for a key that no namespace of the
 * container holds (writing it would change the host). */
static int sysctl_namespace(const char *key)
{
  for (size_t i = 0; ipc_keys[i]; i++)
    if (!strcmp(key, ipc_keys[i]))
      return CLONE_NEWIPC;
  if (!strncmp(key, "fs.mqueue.", 10))
    return CLONE_NEWIPC;
  if (!strncmp(key, "net.", 4))
    return CLONE_NEWNET;
  if (!strcmp(key, "kernel.domainname"))
    return CLONE_NEWUTS;
  return 0;
}

int sysctl_validate_key(const char *key, const ns_plan *ns, veil_error *err)
{
  cleanup_free char *path = sysctl_path(key);
  int flag;

  if (!path)
    return veil_fail(err, 0, "linux.sysctl: invalid key \"%s\"", key);
  if (!strcmp(key, "kernel.hostname"))
    return veil_fail(err, 0, "linux.sysctl: \"%s\" cannot be set: the hostname field sets it", key);
  flag = sysctl_namespace(key);
  if (!flag)
    return veil_fail(err, 0,
                     "linux.sysctl: \"%s\" cannot be set: only the IPC keys, fs.mqueue.*, "
                     "net.* and kernel.domainname are in namespaces of a container's own",
                     key);
  if (!ns_plan_separate(ns, flag))
    return veil_fail(err, 0, "linux.sysctl: \"%s\" needs a new %s namespace (%s)", key,
                     flag == CLONE_NEWIPC   ? "IPC"
                     : flag == CLONE_NEWNET ? "network"
                                            : "UTS",
                     ns_plan_joins(ns, flag) ? "the one joined by path is the runtime's"
                                             : "the container shares the runtime's");
  return 0;
}

int sysctl_apply(const oci_linux *l, veil_error *err)
{
  cleanup_close int sysfd = -1;

  if (!l || l->sysctl.len == 0)
    return 0;
  for (size_t i = 0; i < l->sysctl.len; i++) {
    const char *key = l->sysctl.keys[i], *val = l->sysctl.values[i];
    cleanup_free char *path = sysctl_path(key);
    cleanup_close int fd = -1;

    if (!path)
      return veil_fail(err, 0, "linux.sysctl: invalid key \"%s\"", key);
    if (sysfd < 0 && (sysfd = procfs_open_dir("/proc/sys", err)) < 0)
      return veil_error_prefix(err, "linux.sysctl");
    fd = procfs_open_at(sysfd, path, O_WRONLY, err);
    if (fd < 0)
      return veil_error_prefix(err, "linux.sysctl: \"%s\"", key);
    if (veil_write_all(fd, val, strlen(val)) < 0)
      return veil_fail(err, errno, "linux.sysctl: \"%s\": write \"%s\"", key, val);
  }
  return 0;
}

static const struct {
  const char *name;
  unsigned long flag;
} personality_flags[] = {
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
};

int personality_apply(const oci_linux *l, veil_error *err)
{
  const oci_personality *p = l ? l->personality : NULL;
  unsigned long persona;

  if (!p)
    return 0;
  if (p->domain && !strcmp(p->domain, "LINUX"))
    persona = PER_LINUX;
  else if (p->domain && !strcmp(p->domain, "LINUX32"))
    persona = PER_LINUX32;
  else
    return veil_fail(err, 0, "linux.personality.domain: unknown domain \"%s\"",
                     p->domain ? p->domain : "");
  for (size_t i = 0; i < p->flags_len; i++) {
    size_t k;
    for (k = 0; k < ARRAY_SIZE(personality_flags); k++)
      if (!strcmp(personality_flags[k].name, p->flags[i]))
        break;
    if (k == ARRAY_SIZE(personality_flags))
      return veil_fail(err, 0, "linux.personality.flags[%zu]: unknown flag \"%s\"", i, p->flags[i]);
    persona |= personality_flags[k].flag;
  }
  if (personality(persona) < 0)
    return veil_fail(err, errno, "linux.personality: set %s", p->domain);
  return 0;
}

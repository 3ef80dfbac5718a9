#include "config.h"
#include "idmap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static int write_map(pid_t pid, const char *file, const char *field, const oci_id_mapping *m,
                     size_t n, veil_error *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  size_t size = n * 36 + 1, off = 0;

  /* The kernel takes at most 340 lines, in one write. */
  if (n > 340)
    return veil_fail(err, 0, "linux.%s: %zu mappings, at most 340 are allowed", field, n);
  buf = malloc(size);
  if (!buf)
    return veil_fail(err, ENOMEM, "linux.%s", field);
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(buf + off, size - off, "%u %u %u\n", m[i].container_id, m[i].host_id,
                            m[i].size);
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  if (veil_write_file_at(AT_FDCWD, path, buf, off, 0, err) < 0)
    return veil_error_prefix(err, "linux.%s", field);
  return 0;
}

int idmap_write(pid_t pid, const oci_linux *l, veil_error *err)
{
  if (write_map(pid, "uid_map", "uidMappings", l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  return write_map(pid, "gid_map", "gidMappings", l->gid_mappings, l->gid_mappings_len, err);
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

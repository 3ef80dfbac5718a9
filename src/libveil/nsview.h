/* veil — a container's namespaces as lsns shows them, beside the host's (`veil ns`).
 * "The host" is PID 1's namespaces (/proc/1/ns): the runtime may itself run in private ones
 * (a test under unshare -m), and what a reader compares with is the machine's.  Where PID 1's
 * are hidden (a sandbox's PID 1 refuses even root), the runtime's own (/proc/self/ns) stand in,
 * and host_ref says which. */
#ifndef VEIL_NSVIEW_H
#define VEIL_NSVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

typedef enum {
  NSVIEW_NEW,    /* made for the container */
  NSVIEW_JOINED, /* linux.namespaces[].path */
  NSVIEW_SHARED, /* not in the config: the runtime's, inherited */
} nsview_origin;

typedef struct nsview_ns {
  const char *type;     /* /proc/PID/ns name: "mnt", "net", ... */
  uint64_t inode;       /* 0: the kernel has no such type */
  uint64_t host_inode;  /* host_ref's; 0 when it cannot be read */
  uint64_t owner_inode; /* the owning user namespace (NS_GET_USERNS); 0 when hidden */
  nsview_origin origin;
  char *joined_path; /* NSVIEW_JOINED: the config's path */
  char proc_path[64];
  pid_t *pids; /* the container's processes in this namespace */
  size_t n_pids;
} nsview_ns;

typedef struct nsview_idmap {
  uint64_t inside, outside, length;
} nsview_idmap;

#define NSVIEW_TYPES 8

typedef struct nsview {
  char *id;
  pid_t pid;
  const char *status;
  const char *host_ref;       /* "/proc/1/ns" or "/proc/self/ns" */
  nsview_ns ns[NSVIEW_TYPES]; /* mnt uts ipc pid net user cgroup time */
  /* set when the user namespace is not the host's */
  nsview_idmap *uid_map, *gid_map;
  size_t n_uid_map, n_gid_map;
  /* set when the time namespace is not the host's: seconds and nanoseconds */
  bool has_time_offsets;
  int64_t monotonic[2], boottime[2];
} nsview;

/* The namespaces of container ID (created, running or paused; stopped is an error). */
int veil_container_ns(const char *root, const char *id, nsview *v, veil_error *err);
void nsview_free(nsview *v);
const char *nsview_origin_name(nsview_origin o);

#endif

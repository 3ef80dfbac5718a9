/* veil update: change a live container's cgroup limits (runc's flags, or a LinuxResources JSON
 * from a file or stdin as Docker and Podman pass it). */
#include "config.h"
#include "cli-parse.h"
#include "cli.h"
#include "container-resources.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static oci_resources *read_resources(const char *path)
{
  char *msg = NULL;
  oci_resources *r;

  if (strcmp(path, "-")) {
    r = oci_resources_parse_file(path, &msg);
  } else {
    /* stdin may be a pipe or a socket (Docker): read the fd, do not reopen it */
    cleanup_free char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
      if (cap - len < 4096) {
        char *n = cap < (16u << 20) ? realloc(buf, cap = cap ? cap * 2 : 8192) : NULL;
        if (!n) {
          cli_failf("update: --resources -: too large or out of memory");
          return NULL;
        }
        buf = n;
      }
      ssize_t got = read(STDIN_FILENO, buf + len, cap - len);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0) {
        cli_failf("update: --resources -: read stdin: %s", strerror(errno));
        return NULL;
      }
      if (got == 0)
        break;
      len += (size_t)got;
    }
    r = oci_resources_parse_data(buf, len, &msg);
  }
  if (!r) {
    cli_failf("update: --resources %s: %s", strcmp(path, "-") ? path : "(stdin)",
              msg ? msg : "out of memory");
    free(msg);
  }
  return r;
}

#define NEW(p)                                                                                     \
  do {                                                                                             \
    if (!(p) && !((p) = calloc(1, sizeof(*(p)))))                                                  \
      goto oom;                                                                                    \
  } while (0)

int cmd_update(const veil_globals *g, int argc, char **argv)
{
  enum {
    OPT_MEMORY = 256,
    OPT_SWAP,
    OPT_RESERVATION,
    OPT_KMEM,
    OPT_KMEM_TCP,
    OPT_SHARES,
    OPT_QUOTA,
    OPT_PERIOD,
    OPT_BURST,
    OPT_RT_RUNTIME,
    OPT_RT_PERIOD,
    OPT_CPUS,
    OPT_MEMS,
    OPT_IDLE,
    OPT_PIDS,
    OPT_BLKIO,
    OPT_L3,
    OPT_MEMBW,
  };
  static const struct option longopts[] = {
      {"resources", required_argument, NULL, 'r'},
      {"memory", required_argument, NULL, OPT_MEMORY},
      {"memory-swap", required_argument, NULL, OPT_SWAP},
      {"memory-reservation", required_argument, NULL, OPT_RESERVATION},
      {"kernel-memory", required_argument, NULL, OPT_KMEM},
      {"kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP},
      {"cpu-shares", required_argument, NULL, OPT_SHARES},
      {"cpu-quota", required_argument, NULL, OPT_QUOTA},
      {"cpu-period", required_argument, NULL, OPT_PERIOD},
      {"cpu-burst", required_argument, NULL, OPT_BURST},
      {"cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME},
      {"cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD},
      {"cpuset-cpus", required_argument, NULL, OPT_CPUS},
      {"cpuset-mems", required_argument, NULL, OPT_MEMS},
      {"cpu-idle", required_argument, NULL, OPT_IDLE},
      {"pids-limit", required_argument, NULL, OPT_PIDS},
      {"blkio-weight", required_argument, NULL, OPT_BLKIO},
      {"l3-cache-schema", required_argument, NULL, OPT_L3},
      {"mem-bw-schema", required_argument, NULL, OPT_MEMBW},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  /* flags are applied over --resources, whatever their order on the command line (as runc) */
  const char *vals[OPT_MEMBW + 1] = {0};
  const char *resources = NULL;
  veil_error err = VEIL_ERROR_INIT;
  oci_resources *r = NULL;
  int c, rc = 1;

  while ((c = cli_getopt("update", argc, argv, "r:h", longopts)) != -1) {
    if (c == 'r') {
      resources = optarg;
    } else if (c >= OPT_MEMORY && c <= OPT_MEMBW) {
      vals[c] = optarg;
    } else if (c == 'h') {
      printf("Usage: veil update [flags] CONTAINER-ID\n\n"
             "Change the resource limits of a created, running or paused container.\n\n"
             "Flags:\n"
             "  -r, --resources FILE       a LinuxResources JSON (\"-\": stdin); flags override\n"
             "      --memory BYTES         memory limit (e.g. 512m, 1g; -1: unlimited)\n"
             "      --memory-swap BYTES    memory+swap limit (-1: unlimited)\n"
             "      --memory-reservation BYTES  soft limit\n"
             "      --kernel-memory BYTES  ignored (deprecated in the kernel)\n"
             "      --cpu-shares N         relative CPU weight (v2: converted to cpu.weight)\n"
             "      --cpu-quota US         CFS quota per period (-1: unlimited)\n"
             "      --cpu-period US        CFS period\n"
             "      --cpu-burst US         CFS burst\n"
             "      --cpu-rt-runtime US    realtime runtime per period\n"
             "      --cpu-rt-period US     realtime period\n"
             "      --cpuset-cpus LIST     CPUs allowed (e.g. 0-1)\n"
             "      --cpuset-mems LIST     memory nodes allowed\n"
             "      --cpu-idle N           1: the cgroup's tasks are SCHED_IDLE; 0: default\n"
             "      --pids-limit N         maximum number of tasks (-1: unlimited)\n"
             "      --blkio-weight N       block IO weight (10-1000)\n");
      return 0;
    } else {
      return 1;
    }
  }
  if (cli_expect_args("update", argc, argv, 1, 1, "[flags] CONTAINER-ID"))
    return 1;
  if (vals[OPT_L3] || vals[OPT_MEMBW])
    return cli_failf("update: --%s: Intel RDT is not supported",
                     vals[OPT_L3] ? "l3-cache-schema" : "mem-bw-schema");

  r = resources ? read_resources(resources) : calloc(1, sizeof(*r));
  if (!r)
    return resources ? 1 : cli_failf("update: out of memory");

  for (int o = OPT_MEMORY; o <= OPT_BLKIO; o++) {
    const char *v = vals[o], *name = NULL;
    int64_t i = 0;
    uint64_t u = 0;
    int bad = 0;
    if (!v)
      continue;
    for (const struct option *lo = longopts; lo->name; lo++)
      if (lo->val == o)
        name = lo->name;
    switch (o) {
    case OPT_MEMORY:
    case OPT_SWAP:
    case OPT_RESERVATION:
      bad = cli_parse_bytes(v, &i);
      NEW(r->memory);
      if (o == OPT_MEMORY)
        r->memory->limit = i, r->memory->has_limit = true;
      else if (o == OPT_SWAP)
        r->memory->swap = i, r->memory->has_swap = true;
      else
        r->memory->reservation = i, r->memory->has_reservation = true;
      break;
    case OPT_KMEM:
    case OPT_KMEM_TCP:
      bad = cli_parse_bytes(v, &i);
      if (!bad)
        veil_warn("update: --%s is ignored: kernel memory limits are deprecated in the kernel",
                  name);
      break;
    case OPT_SHARES:
    case OPT_PERIOD:
    case OPT_BURST:
    case OPT_RT_PERIOD:
      bad = cli_parse_u64(v, &u);
      NEW(r->cpu);
      if (o == OPT_SHARES)
        r->cpu->shares = u, r->cpu->has_shares = true;
      else if (o == OPT_PERIOD)
        r->cpu->period = u, r->cpu->has_period = true;
      else if (o == OPT_BURST)
        r->cpu->burst = u, r->cpu->has_burst = true;
      else
        r->cpu->realtime_period = u, r->cpu->has_realtime_period = true;
      break;
    case OPT_QUOTA:
    case OPT_RT_RUNTIME:
    case OPT_IDLE:
      bad = cli_parse_i64(v, &i);
      NEW(r->cpu);
      if (o == OPT_QUOTA)
        r->cpu->quota = i, r->cpu->has_quota = true;
      else if (o == OPT_IDLE)
        r->cpu->idle = i, r->cpu->has_idle = true;
      else
        r->cpu->realtime_runtime = i, r->cpu->has_realtime_runtime = true;
      break;
    case OPT_CPUS:
    case OPT_MEMS: {
      NEW(r->cpu);
      char **dst = o == OPT_CPUS ? &r->cpu->cpus : &r->cpu->mems;
      free(*dst);
      if (!(*dst = strdup(v)))
        goto oom;
      break;
    }
    case OPT_PIDS:
      bad = cli_parse_i64(v, &i);
      NEW(r->pids);
      r->pids->limit = i;
      break;
    case OPT_BLKIO:
      bad = cli_parse_u64(v, &u) < 0 || u > UINT16_MAX;
      NEW(r->block_io);
      r->block_io->weight = (uint16_t)u;
      r->block_io->has_weight = true;
      break;
    }
    if (bad) {
      cli_failf("update: --%s: invalid value \"%s\"", name, v);
      goto out;
    }
  }
  if (veil_container_update(g->root, argv[optind], r, &err) < 0) {
    cli_fail(&err);
    veil_error_clear(&err);
    goto out;
  }
  rc = 0;
  goto out;
oom:
  cli_failf("update: out of memory");
out:
  oci_resources_free(r);
  return rc;
}

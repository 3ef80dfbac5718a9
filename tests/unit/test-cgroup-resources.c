/* Unit tests: linux.resources -> the exact cgroup v1 and v2 file writes, conversions, errors. */
#include "config.h"
#include "cgroup-resources.h"
#include "oci.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed, number;

static void report(bool ok, const char *name, const char *detail)
{
  number++;
  if (ok) {
    passed++;
    printf("ok %d - %s\n", number, name);
  } else {
    failed++;
    printf("not ok %d - %s\n%s", number, name, detail ? detail : "");
  }
}

/* "controller:file=value" per write, one per line; "|alt=value" when there is a fallback */
static char *render(const cgroup_write *w, size_t n)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s:%s=%s", w[i].controller, w[i].file, w[i].value);
    if (w[i].alt_file)
      fprintf(f, "|%s=%s", w[i].alt_file, w[i].alt_value);
    if (w[i].flags & CGROUP_WRITE_CHECK_USAGE)
      fprintf(f, " [check]");
    fputc('\n', f);
  }
  fclose(f);
  return buf;
}

/* want: the rendered writes, or "!substring" for an expected error */
static void check(const char *name, int v, const char *json, const char *want)
{
  char *perr = NULL, *got = NULL, *detail = NULL;
  oci_resources *r = oci_resources_parse_data(json, strlen(json), &perr);
  veil_error err = VEIL_ERROR_INIT;
  cgroup_write *w = NULL;
  size_t n = 0;
  char full[160];
  bool ok;

  snprintf(full, sizeof(full), "v%d %s", v, name);
  if (!r) {
    if (asprintf(&detail, "# parse: %s\n", perr) < 0)
      detail = NULL;
    report(false, full, detail);
    free(perr);
    free(detail);
    return;
  }
  int rc = v == 1 ? cgroup_v1_writes(r, &w, &n, &err) : cgroup_v2_writes(r, &w, &n, &err);
  if (want[0] == '!') {
    ok = rc < 0 && err.msg && strstr(err.msg, want + 1);
    if (!ok && asprintf(&detail, "# want error containing: %s\n# got rc %d: %s\n", want + 1, rc,
                        err.msg ? err.msg : "(none)") < 0)
      detail = NULL;
  } else {
    got = rc == 0 ? render(w, n) : NULL;
    ok = got && !strcmp(got, want);
    if (!ok && asprintf(&detail, "# want:\n%s# got:\n%s\n# error: %s\n", want, got ? got : "",
                        err.msg ? err.msg : "(none)") < 0)
      detail = NULL;
  }
  report(ok, full, detail);
  free(detail);
  free(got);
  cgroup_writes_free(w, n);
  veil_error_clear(&err);
  oci_resources_free(r);
}

static void both(const char *name, const char *json, const char *v1, const char *v2)
{
  check(name, 1, json, v1);
  check(name, 2, json, v2);
}

#define DEFAULTS                                                                                   \
  "devices:devices.allow=c *:* m\ndevices:devices.allow=b *:* m\n"                                 \
  "devices:devices.allow=c 1:3 rwm\ndevices:devices.allow=c 1:8 rwm\n"                             \
  "devices:devices.allow=c 1:7 rwm\ndevices:devices.allow=c 5:0 rwm\n"                             \
  "devices:devices.allow=c 1:5 rwm\ndevices:devices.allow=c 1:9 rwm\n"                             \
  "devices:devices.allow=c 136:* rwm\ndevices:devices.allow=c 5:2 rwm\n"                           \
  "devices:devices.allow=c 10:200 rwm\n"

int main(void)
{
  /* memory */
  both("memory limit, reservation, swap",
       "{\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":209715200}}",
       "memory:memory.limit_in_bytes=104857600\n"
       "memory:memory.memsw.limit_in_bytes=209715200\n"
       "memory:memory.soft_limit_in_bytes=52428800\n",
       "memory:memory.max=104857600\n"
       "memory:memory.swap.max=104857600\n"
       "memory:memory.low=52428800\n");
  both("memory unlimited", "{\"memory\":{\"limit\":-1}}",
       "memory:memory.limit_in_bytes=-1\nmemory:memory.memsw.limit_in_bytes=-1\n",
       "memory:memory.max=max\nmemory:memory.swap.max=max\n");
  both("memory swap unlimited", "{\"memory\":{\"limit\":1048576,\"swap\":-1}}",
       "memory:memory.limit_in_bytes=1048576\nmemory:memory.memsw.limit_in_bytes=-1\n",
       "memory:memory.max=1048576\nmemory:memory.swap.max=max\n");
  both("memory swap equal to limit (no swap)", "{\"memory\":{\"limit\":1048576,\"swap\":1048576}}",
       "memory:memory.limit_in_bytes=1048576\nmemory:memory.memsw.limit_in_bytes=1048576\n",
       "memory:memory.max=1048576\nmemory:memory.swap.max=0\n");
  check("memory swap below limit", 2, "{\"memory\":{\"limit\":2048,\"swap\":1024}}",
        "!linux.resources.memory.swap: 1024 is below memory.limit 2048");
  check("memory swap without limit", 2, "{\"memory\":{\"swap\":1024}}",
        "!linux.resources.memory.swap: a swap limit needs a memory limit");
  both("memory swappiness, disableOOMKiller",
       "{\"memory\":{\"swappiness\":10,\"disableOOMKiller\":true}}",
       "memory:memory.swappiness=10\nmemory:memory.oom_control=1\n", "");
  check("memory swappiness out of range", 1, "{\"memory\":{\"swappiness\":101}}",
        "!linux.resources.memory.swappiness: 101 is not in [0, 100]");
  both("memory kernel and kernelTCP ignored",
       "{\"memory\":{\"kernel\":1048576,\"kernelTCP\":4096}}", "", "");
  both("memory checkBeforeUpdate", "{\"memory\":{\"limit\":4096,\"checkBeforeUpdate\":true}}",
       "memory:memory.limit_in_bytes=4096\n", "memory:memory.max=4096 [check]\n");

  /* cpu */
  both("cpu shares, quota, period, burst",
       "{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":10000}}",
       "cpu:cpu.shares=1024\ncpu:cpu.cfs_period_us=100000\ncpu:cpu.cfs_quota_us=50000\n"
       "cpu:cpu.cfs_burst_us=10000\n",
       "cpu:cpu.weight=39\ncpu:cpu.max=50000 100000\ncpu:cpu.max.burst=10000\n");
  both("cpu shares 2 and 262144 (weight range ends)", "{\"cpu\":{\"shares\":2}}",
       "cpu:cpu.shares=2\n", "cpu:cpu.weight=1\n");
  check("cpu shares 262144", 2, "{\"cpu\":{\"shares\":262144}}", "cpu:cpu.weight=10000\n");
  check("cpu shares 512", 2, "{\"cpu\":{\"shares\":512}}", "cpu:cpu.weight=20\n");
  both("cpu quota only", "{\"cpu\":{\"quota\":20000}}", "cpu:cpu.cfs_quota_us=20000\n",
       "cpu:cpu.max=20000\n");
  both("cpu quota -1 with period", "{\"cpu\":{\"quota\":-1,\"period\":50000}}",
       "cpu:cpu.cfs_period_us=50000\ncpu:cpu.cfs_quota_us=-1\n", "cpu:cpu.max=max 50000\n");
  check("cpu period only", 2, "{\"cpu\":{\"period\":50000}}", "cpu:cpu.max=max 50000\n");
  check("cpu realtime", 1, "{\"cpu\":{\"realtimeRuntime\":950000,\"realtimePeriod\":1000000}}",
        "cpu:cpu.rt_period_us=1000000\ncpu:cpu.rt_runtime_us=950000\n");
  check("cpu realtime", 2, "{\"cpu\":{\"realtimeRuntime\":950000}}",
        "!linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime");
  both("cpu cpus, mems, idle", "{\"cpu\":{\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1}}",
       "cpu:cpu.idle=1\ncpuset:cpuset.cpus=0-1\ncpuset:cpuset.mems=0\n",
       "cpu:cpu.idle=1\ncpuset:cpuset.cpus=0-1\ncpuset:cpuset.mems=0\n");

  /* pids */
  both("pids limit", "{\"pids\":{\"limit\":100}}", "pids:pids.max=100\n", "pids:pids.max=100\n");
  both("pids unlimited", "{\"pids\":{\"limit\":-1}}", "pids:pids.max=max\n", "pids:pids.max=max\n");
  /* runtime-spec (opencontainers/runtime-spec#1279): 0 is a limit like any other */
  both("pids limit 0", "{\"pids\":{\"limit\":0}}", "pids:pids.max=0\n", "pids:pids.max=0\n");

  both("zeros (as Docker and containerd send them) change nothing",
       "{\"memory\":{\"limit\":0,\"reservation\":0,\"swap\":0},\"cpu\":{\"shares\":0,"
       "\"quota\":0,\"period\":0,\"cpus\":\"\",\"mems\":\"\"},"
       "\"blockIO\":{\"weight\":0}}",
       "", "");

  /* blockIO */
  both("blkio weight and leafWeight", "{\"blockIO\":{\"weight\":500,\"leafWeight\":300}}",
       "blkio:blkio.weight=500|blkio.bfq.weight=500\nblkio:blkio.leaf_weight=300\n",
       "io:io.bfq.weight=500|io.weight=4950\n");
  check(
      "blkio weight 10 and 1000 (io.weight range ends)", 2,
      "{\"blockIO\":{\"weight\":10,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":1000}]}}",
      "io:io.bfq.weight=10|io.weight=1\nio:io.bfq.weight=8:0 1000|io.weight=8:0 10000\n");
  both("blkio weightDevice",
       "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":600,\"leafWeight\":"
       "200}]}}",
       "blkio:blkio.weight_device=8:0 600|blkio.bfq.weight_device=8:0 600\n"
       "blkio:blkio.leaf_weight_device=8:0 200\n",
       "io:io.bfq.weight=8:0 600|io.weight=8:0 5960\n");
  both("blkio throttles",
       "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
       "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
       "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}],"
       "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":0}]}}",
       "blkio:blkio.throttle.read_bps_device=8:0 1048576\n"
       "blkio:blkio.throttle.write_bps_device=8:0 2097152\n"
       "blkio:blkio.throttle.read_iops_device=8:16 100\n"
       "blkio:blkio.throttle.write_iops_device=8:16 0\n",
       "io:io.max=8:0 rbps=1048576\nio:io.max=8:0 wbps=2097152\nio:io.max=8:16 riops=100\n"
       "io:io.max=8:16 wiops=max\n");

  /* hugetlb */
  both("hugepageLimits",
       "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200},{\"pageSize\":\"1GB\","
       "\"limit\":0}]}",
       "hugetlb:hugetlb.2MB.limit_in_bytes=209715200\nhugetlb:hugetlb.1GB.limit_in_bytes=0\n",
       "hugetlb:hugetlb.2MB.max=209715200\nhugetlb:hugetlb.1GB.max=0\n");
  both("hugepageLimits bad page size",
       "{\"hugepageLimits\":[{\"pageSize\":\"2M/../x\",\"limit\":1}]}",
       "!linux.resources.hugepageLimits: page size \"2M/../x\"",
       "!linux.resources.hugepageLimits: page size \"2M/../x\"");

  /* network */
  both("network classID and priorities",
       "{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":500},"
       "{\"name\":\"lo\",\"priority\":1}]}}",
       "net_cls:net_cls.classid=1048577\nnet_prio:net_prio.ifpriomap=eth0 500\n"
       "net_prio:net_prio.ifpriomap=lo 1\n",
       "!linux.resources.network.classID: net_cls and net_prio exist on cgroup v1 only");

  /* rdma */
  both("rdma",
       "{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000},\"mlx4_0\":{\"hcaObjects\":"
       "1000}}}",
       "rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=10000\nrdma:rdma.max=mlx4_0 "
       "hca_object=1000\n",
       "rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=10000\nrdma:rdma.max=mlx4_0 "
       "hca_object=1000\n");

  /* unified */
  both("unified",
       "{\"unified\":{\"memory.high\":\"1073741824\",\"cgroup.max.descendants\":\"5\","
       "\"hugetlb.2MB.max\":\"0\"}}",
       "!linux.resources.unified: needs cgroup v2",
       "memory:memory.high=1073741824\ncgroup:cgroup.max.descendants=5\n"
       "hugetlb:hugetlb.2MB.max=0\n");
  check("unified path escape", 2, "{\"unified\":{\"../memory.max\":\"1\"}}",
        "!linux.resources.unified: \"../memory.max\" is not a cgroup file name");
  check("unified unknown controller", 2, "{\"unified\":{\"foo.bar\":\"1\"}}",
        "!linux.resources.unified.foo.bar: unknown controller \"foo\"");

  /* devices (v1 list; v2 is the BPF program) */
  both("devices",
       "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","
       "\"major\":1,\"minor\":3,\"access\":\"rw\"},{\"allow\":true,\"type\":\"c\",\"major\":136,"
       "\"access\":\"rwm\"},{\"allow\":false,\"type\":\"b\",\"minor\":0}]}",
       "devices:devices.deny=a\ndevices:devices.deny=a\ndevices:devices.allow=c 1:3 rw\n"
       "devices:devices.allow=c 136:* rwm\ndevices:devices.deny=b *:0 rwm\n" DEFAULTS,
       "");
  {
    /* the parser rejects these already; the conversion must not trust it */
    oci_device_cgroup bad[] = {{.allow = true, .type = (char *)"x"},
                               {.allow = true, .type = (char *)"c", .access = (char *)"xa"}};
    for (size_t i = 0; i < 2; i++) {
      oci_resources r = {.devices = &bad[i], .devices_len = 1};
      cgroup_write *w = NULL;
      size_t n = 0;
      veil_error err = VEIL_ERROR_INIT;
      int rc = cgroup_v1_writes(&r, &w, &n, &err);
      report(rc < 0 && err.msg &&
                 strstr(err.msg, i ? "access \"xa\" has none of r, w and m" : "type \"x\""),
             i ? "v1 devices bad access" : "v1 devices bad type", NULL);
      cgroup_writes_free(w, n);
      veil_error_clear(&err);
    }
  }
  /* as runc: letters other than r, w, m are ignored ("a" is not a kernel access letter) */
  check("devices access rwa is rw, order and repeats normalised", 1,
        "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,"
        "\"access\":\"rwa\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,"
        "\"access\":\"mmwx\"}]}",
        "devices:devices.deny=a\ndevices:devices.allow=c 10:229 rw\n"
        "devices:devices.allow=c 10:200 wm\n" DEFAULTS);
  check("devices empty list still denies all", 1, "{\"devices\":[]}",
        "devices:devices.deny=a\n" DEFAULTS);

  /* the BPF program: shape and jump targets */
  {
    oci_device_cgroup rules[] = {
        {.allow = false, .access = (char *)"rwm"},
        {.allow = true,
         .type = (char *)"c",
         .major = 1,
         .has_major = true,
         .minor = 3,
         .has_minor = true,
         .access = (char *)"rw"},
    };
    struct bpf_insn *insn = NULL;
    size_t count = 0;
    veil_error err = VEIL_ERROR_INIT;
    int rc = cgroup_devices_bpf_build(rules, 2, (void **)&insn, &count, &err);
    /* 6 prologue + rule 2 (type, mov+and+jne, major, minor, mov, exit = 8) + rule 1 (mov, exit)
     * (unconditional: nothing after it, the verifier rejects unreachable code) */
    bool ok = rc == 0 && count == 16 && insn[count - 1].code == (BPF_JMP | BPF_EXIT) &&
              insn[count - 2].imm == 0 && insn[6].code == (BPF_JMP32 | BPF_JNE | BPF_K) &&
              insn[6].imm == BPF_DEVCG_DEV_CHAR && insn[6].off == 7 &&
              insn[9].code == (BPF_JMP32 | BPF_JNE | BPF_K) && insn[8].imm == BPF_DEVCG_ACC_MKNOD &&
              insn[9].off == 4 && insn[10].imm == 1 && insn[11].imm == 3 && insn[12].imm == 1 &&
              insn[14].imm == 0;
    report(ok, "bpf device program layout", "# unexpected instructions\n");
    free(insn);
    veil_error_clear(&err);
  }
  {
    /* a partial deny matches on any overlap (JEQ to the next rule when there is none) */
    oci_device_cgroup rules[] = {
        {.allow = true, .access = (char *)"rwm"},
        {.allow = false,
         .type = (char *)"c",
         .major = 1,
         .has_major = true,
         .minor = 5,
         .has_minor = true,
         .access = (char *)"r"},
    };
    struct bpf_insn *insn = NULL;
    size_t count = 0;
    veil_error err = VEIL_ERROR_INIT;
    int rc = cgroup_devices_bpf_build(rules, 2, (void **)&insn, &count, &err);
    bool ok = rc == 0 && count == 16 && insn[8].imm == BPF_DEVCG_ACC_READ &&
              insn[9].code == (BPF_JMP32 | BPF_JEQ | BPF_K) && insn[9].off == 4 &&
              insn[12].imm == 0 && insn[14].imm == 1 && insn[15].code == (BPF_JMP | BPF_EXIT);
    report(ok, "bpf partial deny rule", "# unexpected instructions\n");
    free(insn);
    veil_error_clear(&err);
  }
  {
    oci_device_cgroup bad = {.allow = true, .type = (char *)"q"};
    void *insn = NULL;
    size_t count = 0;
    veil_error err = VEIL_ERROR_INIT;
    int rc = cgroup_devices_bpf_build(&bad, 1, &insn, &count, &err);
    report(rc < 0 && err.msg && strstr(err.msg, "type \"q\""), "bpf bad device type", NULL);
    free(insn);
    veil_error_clear(&err);
  }

  /* conversions at the edges */
  report(cgroup_shares_to_weight(0) == 0 && cgroup_shares_to_weight(1) == 1 &&
             cgroup_shares_to_weight(1024) == 39 && cgroup_shares_to_weight(1000000) == 10000,
         "shares -> weight edges", NULL);
  report(cgroup_blkio_to_io_weight(0) == 0 && cgroup_blkio_to_io_weight(100) == 910 &&
             cgroup_blkio_to_io_weight(5000) == 10000,
         "blkio weight -> io.weight edges", NULL);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

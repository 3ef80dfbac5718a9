/* Unit tests for libocispec.  Self-contained TAP-like harness: prints
 * "ok N - name" / "not ok N - name" and a final "N passed, M failed". */
#include "oci.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_run, n_pass, n_fail;
static const char *srcdir = ".";

static void report(int ok, const char *fmt, ...)
{
  va_list ap;
  n_run++;
  if (ok)
    n_pass++;
  else
    n_fail++;
  printf("%s %d - ", ok ? "ok" : "not ok", n_run);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

/* Check condition inside a test; prints a diagnostic on failure. */
#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                            \
      ok = 0;                                                                                      \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b)                                                                            \
  do {                                                                                             \
    const char *a_ = (a), *b_ = (b);                                                               \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                                         \
      printf("# %s:%d: got [%s], expected [%s]\n", __FILE__, __LINE__, a_ ? a_ : "(null)",         \
             b_ ? b_ : "(null)");                                                                  \
      ok = 0;                                                                                      \
    }                                                                                              \
  } while (0)

static char *read_data(const char *name, size_t *len)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/unit/data/%s", srcdir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(path, sizeof path, "%s/data/%s", srcdir, name);
    f = fopen(path, "rb");
  }
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf != NULL && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (n + 1 == cap) {
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

/* Parse `json` as a config and expect failure with exactly `msg`. */
static void expect_err(const char *name, const char *json, const char *msg)
{
  int ok = 1;
  char *err = NULL;
  oci_config *cfg = oci_config_parse_data(json, strlen(json), &err);
  CHECK(cfg == NULL);
  CHECK_STR(err, msg);
  oci_config_free(cfg);
  free(err);
  report(ok, "%s", name);
}

/* Parse and expect success; returns the config (caller frees). */
static oci_config *parse_ok(const char *json, char **errp)
{
  *errp = NULL;
  oci_config *cfg = oci_config_parse_data(json, strlen(json), errp);
  if (cfg == NULL)
    printf("# unexpected error: %s\n", *errp ? *errp : "(null)");
  return cfg;
}

#define MIN_HEAD "{\"ociVersion\":\"1.2.1\",\"root\":{\"path\":\"rootfs\"}"
#define PROC(x)  MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]," x "}}"
#define LINUX(x) MIN_HEAD ",\"linux\":{" x "}}"

/* ---------------------------------------------------------------------- */

static void test_full_roundtrip(void)
{
  int ok = 1;
  size_t len = 0, len1 = 0, len2 = 0;
  char *err = NULL;
  char *text = read_data("full-config.json", &len);
  CHECK(text != NULL);
  if (text == NULL) {
    report(0, "full config round trip (cannot read data file, srcdir=%s)", srcdir);
    return;
  }
  oci_config *cfg = oci_config_parse_data(text, len, &err);
  CHECK(cfg != NULL);
  if (cfg == NULL)
    printf("# %s\n", err);
  char *gen1 = cfg ? oci_config_generate(cfg, &len1, &err) : NULL;
  CHECK(gen1 != NULL);
  /* the data file is stored in canonical form: every field survives */
  CHECK(gen1 != NULL && len1 == len && memcmp(gen1, text, len) == 0);
  oci_config *cfg2 = gen1 ? oci_config_parse_data(gen1, len1, &err) : NULL;
  CHECK(cfg2 != NULL);
  char *gen2 = cfg2 ? oci_config_generate(cfg2, &len2, &err) : NULL;
  CHECK(gen2 != NULL && len1 == len2 && memcmp(gen1, gen2, len1) == 0);
  CHECK(gen2 != NULL && strlen(gen2) == len2);
  free(gen1);
  free(gen2);
  oci_config_free(cfg2);
  report(ok, "full config round trip is byte-identical");

  /* spot-check typed values */
  ok = 1;
  if (cfg != NULL) {
    const oci_process *p = cfg->process;
    CHECK_STR(cfg->oci_version, "1.2.1");
    CHECK(cfg->root->readonly);
    CHECK(p->terminal && p->console_size->height == 25 && p->console_size->width == 80);
    CHECK(p->user.uid == 1 && p->user.has_umask && p->user.umask == 18);
    CHECK(p->user.additional_gids_len == 2 && p->user.additional_gids[1] == 6);
    CHECK(p->args_len == 3 && p->args[3] == NULL);
    CHECK_STR(p->args[2], "echo \"hi\" \\ there\n");
    CHECK(p->env_present && p->env_len == 3);
    CHECK_STR(p->env[2], "UNICODE=\xc3\xa9\xe4\xb8\xad");
    CHECK(p->capabilities->inheritable != NULL && p->capabilities->inheritable_len == 0);
    CHECK(p->rlimits_len == 2 && p->rlimits[1].hard == UINT64_MAX);
    CHECK(p->has_oom_score_adj && p->oom_score_adj == -100);
    CHECK(p->scheduler->has_nice && p->scheduler->nice == -5 && p->scheduler->has_priority);
    CHECK_STR(p->io_priority->class, "IOPRIO_CLASS_BE");
    CHECK_STR(p->exec_cpu_affinity->final, "1-3,7");
    CHECK(cfg->mounts_len == 3 && cfg->mounts[2].type == NULL);
    CHECK(cfg->mounts[1].gid_mappings[0].size == UINT32_MAX);
    CHECK(cfg->mounts[2].options != NULL && cfg->mounts[2].options_len == 0);
    CHECK(cfg->hooks->prestart[0].has_timeout && cfg->hooks->prestart[0].timeout == 5);
    CHECK(!cfg->hooks->prestart[1].has_timeout);
    CHECK(cfg->hooks->create_container[0].timeout == 2147483647);
    CHECK(cfg->annotations.len == 3);
    CHECK_STR(cfg->annotations.keys[0], "com.example.key1");
    CHECK_STR(oci_map_get(&cfg->annotations, "com.example.key2"), "");
    CHECK(oci_map_get(&cfg->annotations, "missing") == NULL);
    const oci_linux *l = cfg->linux;
    CHECK(l->namespaces_len == 8);
    CHECK_STR(l->namespaces[0].path, "/proc/1234/ns/pid");
    CHECK_STR(l->namespaces[7].type, "time");
    CHECK(l->time_offsets_len == 2);
    CHECK_STR(l->time_offsets[0].clock, "monotonic");
    CHECK(l->time_offsets[0].secs == -3600 && l->time_offsets[1].nanosecs == 999999999);
    CHECK(l->devices_len == 3 && l->devices[1].has_uid && l->devices[1].uid == UINT32_MAX);
    CHECK(!l->devices[2].has_file_mode);
    const oci_resources *r = l->resources;
    CHECK(r->memory->has_limit && r->memory->limit == -1);
    CHECK(r->memory->kernel_tcp == INT64_MIN && r->memory->swap == INT64_MAX);
    CHECK(r->memory->has_disable_oom_killer && !r->memory->disable_oom_killer);
    CHECK(r->cpu->period == UINT64_MAX && r->cpu->quota == -1 && r->cpu->has_idle);
    CHECK(r->devices_len == 3 && !r->devices[0].has_major && r->devices[2].major == -1);
    CHECK(r->pids->limit == 32771);
    CHECK(r->block_io->leaf_weight == 65535 && !r->block_io->weight_device[1].has_leaf_weight);
    CHECK(r->block_io->throttle_read_iops_device[0].rate == 800);
    CHECK(r->network->has_class_id && r->network->priorities[1].priority == 1000);
    CHECK(r->rdma_len == 3 && !r->rdma[2].has_hca_objects && r->rdma[2].hca_handles == 7);
    CHECK_STR(r->rdma[1].device, "mlx4_0");
    CHECK_STR(oci_map_get(&r->unified, "hugetlb.1GB.max"), "1073741824");
    CHECK_STR(l->rootfs_propagation, "rslave");
    CHECK_STR(oci_map_get(&l->sysctl, "net.core.somaxconn"), "256");
    CHECK(l->seccomp->has_default_errno_ret && l->seccomp->syscalls_len == 3);
    CHECK(l->seccomp->syscalls[1].args[1].value == UINT64_MAX);
    CHECK(l->seccomp->syscalls[1].args[1].has_value_two &&
          !l->seccomp->syscalls[1].args[0].has_value_two);
    CHECK(l->intel_rdt->enable_cmt && l->intel_rdt->enable_mbm);
    CHECK_STR(l->personality->domain, "LINUX32");
    CHECK(l->net_devices_len == 2 && l->net_devices[1].name == NULL);
    CHECK_STR(l->net_devices[0].host_name, "eth1");
    CHECK_STR(l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
  } else {
    ok = 0;
  }
  report(ok, "full config typed values");
  oci_config_free(cfg);
  free(text);
}

static void test_minimal_and_file(void)
{
  int ok = 1;
  char *err = NULL;
  oci_config *cfg = parse_ok(MIN_HEAD "}", &err);
  CHECK(cfg != NULL);
  if (cfg != NULL) {
    CHECK(cfg->process == NULL && cfg->linux == NULL && cfg->mounts == NULL);
    CHECK(cfg->annotations.len == 0 && !cfg->root->readonly);
    size_t len = 0;
    char *out = oci_config_generate(cfg, &len, &err);
    CHECK_STR(out,
              "{\n  \"ociVersion\": \"1.2.1\",\n  \"root\": {\n    \"path\": \"rootfs\"\n  }\n}\n");
    CHECK(out != NULL && len == strlen(out));
    free(out);
  }
  oci_config_free(cfg);
  free(err);
  report(ok, "minimal config parse and generate");

  ok = 1;
  err = NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/unit/data/full-config.json", srcdir);
  cfg = oci_config_parse_file(path, &err);
  if (cfg == NULL) {
    free(err);
    err = NULL;
    snprintf(path, sizeof path, "%s/data/full-config.json", srcdir);
    cfg = oci_config_parse_file(path, &err);
  }
  CHECK(cfg != NULL && cfg->linux != NULL);
  oci_config_free(cfg);
  free(err);
  err = NULL;
  cfg = oci_config_parse_file("/nonexistent/config.json", &err);
  CHECK(cfg == NULL);
  CHECK_STR(err, "open /nonexistent/config.json: No such file or directory");
  free(err);
  report(ok, "oci_config_parse_file (ok and ENOENT)");
}

static void test_unknown_fields(void)
{
  int ok = 1;
  char *err = NULL;
  oci_config *cfg = parse_ok("{\"ociVersion\":\"1.0.0\",\"x-future\":{\"deep\":[1,2,{\"a\":null}]},"
                             "\"root\":{\"path\":\"r\",\"other\":true},\"windows\":{},"
                             "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"newThing\":5},"
                             "\"linux\":{\"future\":\"yes\",\"resources\":{\"foo\":1}}}",
                             &err);
  CHECK(cfg != NULL);
  if (cfg != NULL)
    CHECK(cfg->linux != NULL && cfg->linux->resources != NULL);
  oci_config_free(cfg);
  free(err);
  report(ok, "unknown fields are ignored");

  ok = 1;
  cfg =
      parse_ok(MIN_HEAD ",\"hostname\":null,\"process\":null,\"linux\":{\"seccomp\":null}}", &err);
  CHECK(cfg != NULL && cfg->hostname == NULL && cfg->process == NULL);
  CHECK(cfg != NULL && cfg->linux != NULL && cfg->linux->seccomp == NULL);
  oci_config_free(cfg);
  free(err);
  report(ok, "null values are treated as absent");

  /* runc (Go's encoding/json) matches keys without case: "pagesize" is read as pageSize; the
   * exact spelling wins when both are there */
  ok = 1;
  cfg = parse_ok(LINUX("\"resources\":{\"hugepageLimits\":[{\"pagesize\":\"2MB\",\"limit\":1},"
                       "{\"PAGESIZE\":\"1GB\",\"pageSize\":\"2MB\",\"limit\":2}]}"),
                 &err);
  CHECK(cfg != NULL && cfg->linux->resources->hugepage_limits_len == 2);
  if (cfg != NULL && cfg->linux->resources->hugepage_limits_len == 2) {
    CHECK(!strcmp(cfg->linux->resources->hugepage_limits[0].page_size, "2MB"));
    CHECK(!strcmp(cfg->linux->resources->hugepage_limits[1].page_size, "2MB"));
  }
  oci_config_free(cfg);
  free(err);
  report(ok, "hugepageLimits[].pagesize is read as pageSize, as runc does");
}

static void test_errors(void)
{
  /* bad JSON */
  {
    int ok = 1;
    char *err = NULL;
    const char *j = "{\"ociVersion\": }";
    oci_config *cfg = oci_config_parse_data(j, strlen(j), &err);
    CHECK(cfg == NULL);
    CHECK(err != NULL && strncmp(err, "invalid JSON: ", 14) == 0);
    CHECK(err != NULL && strchr(err, '\n') == NULL);
    if (err)
      printf("# %s\n", err);
    free(err);
    report(ok, "bad JSON: one-line 'invalid JSON:' message");
  }
  expect_err("truncated JSON", "{\"ociVersion\":\"1\"",
             "invalid JSON: parse error: premature EOF (line 1, column 18)");
  expect_err("empty input", "", "invalid JSON: parse error: premature EOF (line 1, column 1)");
  expect_err("trailing garbage", MIN_HEAD "} x",
             "invalid JSON: parse error: trailing garbage (line 1, column 49)");

  /* wrong types */
  expect_err("wrong type: string expected", "{\"ociVersion\":1}",
             "ociVersion: expected string, got 1");
  expect_err("wrong type: object expected", "{\"ociVersion\":\"1\",\"root\":\"x\"}",
             "root: expected object, got \"x\"");
  expect_err("wrong type: boolean expected",
             "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
             "root.readonly: expected boolean, got \"yes\"");
  expect_err("wrong type: array of strings expected", PROC("\"env\":{}"),
             "process.env: expected array of strings, got object");
  expect_err("wrong type: array element", PROC("\"env\":[\"A=1\",2]"),
             "process.env[1]: expected string, got 2");
  expect_err("wrong type: array expected", MIN_HEAD ",\"mounts\":{\"a\":1}}",
             "mounts: expected array, got object");
  expect_err("wrong type: array element object expected", MIN_HEAD ",\"mounts\":[true]}",
             "mounts[0]: expected object, got true");
  expect_err("wrong type: unsigned integer expected",
             LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":\"x\"}]"),
             "linux.uidMappings[0].size: expected unsigned integer, got \"x\"");
  expect_err("wrong type: integer expected (float)", PROC("\"oomScoreAdj\":1.5"),
             "process.oomScoreAdj: expected integer, got 1.5");
  expect_err("wrong type: integer expected (exponent)",
             LINUX("\"resources\":{\"pids\":{\"limit\":1e3}}"),
             "linux.resources.pids.limit: expected integer, got 1e3");
  expect_err("wrong type: map value", MIN_HEAD ",\"annotations\":{\"a\":\"b\",\"c\":[]}}",
             "annotations.c: expected string, got array");
  expect_err("wrong type: map key path quoting", LINUX("\"sysctl\":{\"net.ipv4.ip_forward\":1}"),
             "linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got 1");
  expect_err(
      "long string value truncated in message",
      "{\"ociVersion\":\"1\",\"root\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
      "root: expected object, got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
  expect_err("top level not an object", "[1,2]", "(root): expected object, got array");
  expect_err("top level scalar", "\"x\"", "(root): expected object, got \"x\"");

  /* required fields */
  expect_err("missing ociVersion", "{\"root\":{\"path\":\"r\"}}",
             "ociVersion: required field missing");
  expect_err("missing root", "{\"ociVersion\":\"1\"}", "root: required field missing");
  expect_err("missing root.path", "{\"ociVersion\":\"1\",\"root\":{}}",
             "root.path: required field missing");
  expect_err("missing process.cwd", MIN_HEAD ",\"process\":{\"args\":[\"sh\"]}}",
             "process.cwd: required field missing");
  expect_err("missing process.args", MIN_HEAD ",\"process\":{\"cwd\":\"/\"}}",
             "process.args: required field missing");
  expect_err("empty process.args", MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[]}}",
             "process.args: must contain at least one entry");
  expect_err("relative process.cwd", MIN_HEAD ",\"process\":{\"cwd\":\"tmp\",\"args\":[\"a\"]}}",
             "process.cwd: must be an absolute path, got \"tmp\"");
  expect_err("missing mounts[].destination", MIN_HEAD ",\"mounts\":[{\"destination\":\"/a\"},{}]}",
             "mounts[1].destination: required field missing");
  expect_err("missing namespaces[].type", LINUX("\"namespaces\":[{\"path\":\"/x\"}]"),
             "linux.namespaces[0].type: required field missing");
  expect_err("missing devices[].major", LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\"}]"),
             "linux.devices[0].major: required field missing");
  expect_err("missing uidMappings[].hostID",
             LINUX("\"uidMappings\":[{\"containerID\":0,\"size\":1}]"),
             "linux.uidMappings[0].hostID: required field missing");
  expect_err("missing rlimits[].soft",
             PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]"),
             "process.rlimits[0].soft: required field missing");
  expect_err("missing hooks[].path", MIN_HEAD ",\"hooks\":{\"poststop\":[{\"args\":[]}]}}",
             "hooks.poststop[0].path: required field missing");
  expect_err("missing seccomp.defaultAction", LINUX("\"seccomp\":{}"),
             "linux.seccomp.defaultAction: required field missing");
  expect_err("missing resources.pids.limit", LINUX("\"resources\":{\"pids\":{}}"),
             "linux.resources.pids.limit: required field missing");
  expect_err("missing resources.devices[].allow", LINUX("\"resources\":{\"devices\":[{}]}"),
             "linux.resources.devices[0].allow: required field missing");

  /* integers */
  expect_err("negative unsigned",
             LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":-1,\"size\":1}]"),
             "linux.uidMappings[0].hostID: expected unsigned integer, got -1");
  expect_err("out of range int64",
             LINUX("\"resources\":{\"pids\":{\"limit\":99999999999999999999999}}"),
             "linux.resources.pids.limit: value 99999999999999999999999 out of range");
  expect_err("out of range uint32", PROC("\"consoleSize\":{\"height\":4294967296,\"width\":1}"),
             "process.consoleSize.height: value 4294967296 out of range");
  /* ids: 4294967295 is (uid_t)-1, which setresuid reads as "keep the current id" */
  expect_err("uid (uid_t)-1", PROC("\"user\":{\"uid\":4294967295,\"gid\":0}"),
             "process.user.uid: value 4294967295 out of range: an id is 0 to 4294967294");
  expect_err("gid (gid_t)-1", PROC("\"user\":{\"uid\":0,\"gid\":4294967295}"),
             "process.user.gid: value 4294967295 out of range: an id is 0 to 4294967294");
  expect_err("additionalGids (gid_t)-1",
             PROC("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[1,4294967295]}"),
             "process.user.additionalGids[1]: value 4294967295 out of range: an id is 0 to "
             "4294967294");
  expect_err("uid beyond 32 bits", PROC("\"user\":{\"uid\":4294967296,\"gid\":0}"),
             "process.user.uid: value 4294967296 out of range: an id is 0 to 4294967294");
  expect_err("uid beyond 64 bits", PROC("\"user\":{\"uid\":18446744073709551616,\"gid\":0}"),
             "process.user.uid: value 18446744073709551616 out of range");
  expect_err("negative uid", PROC("\"user\":{\"uid\":-1,\"gid\":0}"),
             "process.user.uid: expected unsigned integer, got -1");
  expect_err("negative additional gid",
             PROC("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[-5]}"),
             "process.user.additionalGids[0]: expected unsigned integer, got -5");
  expect_err("fractional gid", PROC("\"user\":{\"uid\":0,\"gid\":1.5}"),
             "process.user.gid: expected unsigned integer, got 1.5");
  expect_err("out of range uint64",
             PROC("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":"
                  "18446744073709551616,\"soft\":0}]"),
             "process.rlimits[0].hard: value 18446744073709551616 out of range");
  expect_err("out of range int (oomScoreAdj)", PROC("\"oomScoreAdj\":2147483648"),
             "process.oomScoreAdj: value 2147483648 out of range");
  expect_err("out of range uint16", LINUX("\"resources\":{\"blockIO\":{\"weight\":65536}}"),
             "linux.resources.blockIO.weight: value 65536 out of range");
  expect_err("int64 below minimum",
             LINUX("\"resources\":{\"memory\":{\"limit\":-9223372036854775809}}"),
             "linux.resources.memory.limit: value -9223372036854775809 out of range");
  expect_err("hook timeout must be positive",
             MIN_HEAD ",\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":0}]}}",
             "hooks.prestart[0].timeout: value 0 out of range (must be greater than zero)");

  /* enumerations */
  expect_err("unknown namespace",
             LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"foo\"}]"),
             "linux.namespaces[2].type: unknown namespace \"foo\"");
  expect_err("duplicate namespace",
             LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},"
                   "{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]"),
             "linux.namespaces[3].type: duplicate namespace \"pid\"");
  expect_err("bad rootfsPropagation", LINUX("\"rootfsPropagation\":\"sideways\""),
             "linux.rootfsPropagation: unknown propagation \"sideways\"");
  expect_err("bad device type",
             LINUX("\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1}]"),
             "linux.devices[0].type: unknown device type \"x\"");
  expect_err("bad cgroup device access",
             LINUX("\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"xa\"}]}"),
             "linux.resources.devices[0].access: invalid access \"xa\" (none of r, w, m)");
  expect_err("bad seccomp defaultAction",
             LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}"),
             "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
  expect_err("bad seccomp syscall action",
             LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                   "[\"read\"],\"action\":\"allow\"}]}"),
             "linux.seccomp.syscalls[0].action: unknown seccomp action \"allow\"");
  expect_err("bad seccomp operator",
             LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                   "[\"read\"],\"action\":\"SCMP_ACT_LOG\",\"args\":[{\"index\":0,\"value\":1,"
                   "\"op\":\"SCMP_CMP_XX\"}]}]}"),
             "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\"");
  expect_err("seccomp names must not be empty",
             LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                   "[],\"action\":\"SCMP_ACT_LOG\"}]}"),
             "linux.seccomp.syscalls[0].names: must contain at least one entry");
  expect_err("nanosecs out of range",
             LINUX("\"timeOffsets\":{\"boottime\":{\"secs\":1,\"nanosecs\":1000000000}}"),
             "linux.timeOffsets.boottime.nanosecs: value 1000000000 out of range (must be less "
             "than 1000000000)");
  expect_err("unknown timeOffsets clock", LINUX("\"timeOffsets\":{\"realtime\":{\"secs\":1}}"),
             "linux.timeOffsets.realtime: unknown clock \"realtime\"");
  expect_err("unknown rlimit",
             PROC("\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]"),
             "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
  expect_err("duplicate rlimit",
             PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
                  "{\"type\":\"RLIMIT_NOFILE\",\"hard\":2,\"soft\":2}]"),
             "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
  expect_err("unknown personality domain", LINUX("\"personality\":{\"domain\":\"BSD\"}"),
             "linux.personality.domain: unknown personality domain \"BSD\"");
  expect_err("unknown scheduler policy", PROC("\"scheduler\":{\"policy\":\"SCHED_FAST\"}"),
             "process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\"");
  expect_err("unknown ioPriority class", PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\"}"),
             "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_X\"");

  /* NUL and strange input */
  {
    static const char j[] = MIN_HEAD ",\"hostname\":\"a\\u0000b\"}";
    expect_err("embedded NUL in string", j, "hostname: string contains a NUL character");
  }
  expect_err("embedded NUL in map key", MIN_HEAD ",\"annotations\":{\"a\\u0000b\":\"x\"}}",
             "annotations: key contains a NUL character");
  expect_err("NUL in array element", PROC("\"env\":[\"A=\\u0000\"]"),
             "process.env[0]: string contains a NUL character");
  expect_err("empty map key", MIN_HEAD ",\"annotations\":{\"\":\"x\"}}",
             "annotations: empty key not allowed");
  {
    int ok = 1;
    char *err = NULL;
    static const char raw[] = "{\"ociVersion\":\"1\0\"}";
    oci_config *cfg = oci_config_parse_data(raw, sizeof raw - 1, &err);
    CHECK(cfg == NULL);
    CHECK(err != NULL && strncmp(err, "invalid JSON: ", 14) == 0);
    free(err);
    report(ok, "raw NUL byte in input is invalid JSON");
  }
  {
    int ok = 1;
    char *err = NULL;
    /* "cwd\u0000" must not be mistaken for "cwd" */
    const char *j = MIN_HEAD ",\"process\":{\"cwd\\u0000\":\"/\",\"args\":[\"a\"]}}";
    oci_config *cfg = oci_config_parse_data(j, strlen(j), &err);
    CHECK(cfg == NULL);
    CHECK_STR(err, "process.cwd: required field missing");
    free(err);
    report(ok, "keys with NUL do not alias real keys");
  }
  expect_err("invalid UTF-8 rejected", MIN_HEAD ",\"hostname\":\"\xff\xfe\"}",
             "invalid JSON: lexical error: invalid bytes in UTF8 string. (line 1, column 60)");
  {
    int ok = 1;
    size_t n = 200000;
    char *deep = malloc(n * 2 + 64);
    CHECK(deep != NULL);
    if (deep != NULL) {
      size_t o = (size_t)sprintf(deep, "{\"ociVersion\":\"1\",\"x\":");
      for (size_t i = 0; i < n; i++)
        deep[o++] = '[';
      for (size_t i = 0; i < n; i++)
        deep[o++] = ']';
      deep[o++] = '}';
      char *err = NULL;
      oci_config *cfg = oci_config_parse_data(deep, o, &err);
      CHECK(cfg == NULL);
      CHECK(err != NULL && strstr(err, "maximum nesting depth exceeded") != NULL);
      if (err)
        printf("# %s\n", err);
      free(err);
      free(deep);
    }
    report(ok, "deep nesting rejected without crashing");
  }
  {
    int ok = 1;
    char *err = (char *)"untouched";
    CHECK(oci_config_parse_data("{", 1, NULL) == NULL); /* err may be NULL */
    CHECK(oci_config_parse_data(NULL, 0, &err) == NULL && err != NULL);
    free(err);
    report(ok, "NULL err pointer and NULL input");
  }
}

static void test_values(void)
{
  int ok = 1;
  char *err = NULL;
  oci_config *cfg = parse_ok(
      MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"env\":[],\"rlimits\":[{\"type\":"
               "\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615}]},"
               "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1},\"pids\":{"
               "\"limit\":-1},\"cpu\":{\"shares\":18446744073709551615}}}}",
      &err);
  CHECK(cfg != NULL);
  if (cfg != NULL) {
    CHECK(cfg->process->rlimits[0].hard == UINT64_MAX &&
          cfg->process->rlimits[0].soft == UINT64_MAX);
    CHECK(cfg->linux->resources->memory->limit == -1 && cfg->linux->resources->memory->has_limit);
    CHECK(!cfg->linux->resources->memory->has_reservation);
    CHECK(cfg->linux->resources->pids->limit == -1);
    CHECK(cfg->linux->resources->cpu->shares == UINT64_MAX);
    CHECK(cfg->process->env_present && cfg->process->env != NULL && cfg->process->env_len == 0);
    char *out = oci_config_generate(cfg, NULL, &err);
    CHECK(out != NULL && strstr(out, "\"hard\": 18446744073709551615") != NULL);
    CHECK(out != NULL && strstr(out, "\"limit\": -1") != NULL);
    CHECK(out != NULL && strstr(out, "\"env\": []") != NULL);
    free(out);
  }
  oci_config_free(cfg);
  free(err);
  report(ok, "uint64 max and -1 limits accepted; empty env preserved");

  ok = 1;
  cfg = parse_ok(MIN_HEAD ",\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"},"
                          "\"hostname\":\"first\",\"hostname\":\"second\"}",
                 &err);
  CHECK(cfg != NULL);
  if (cfg != NULL) {
    CHECK(cfg->annotations.len == 2);
    CHECK_STR(cfg->annotations.keys[0], "k");
    CHECK_STR(cfg->annotations.values[0], "2");
    CHECK_STR(cfg->annotations.keys[1], "j");
    CHECK_STR(cfg->hostname, "second");
  }
  oci_config_free(cfg);
  free(err);
  report(ok, "duplicate keys: last value wins, first position kept");

  ok = 1;
  cfg = parse_ok(PROC("\"user\":{\"uid\":-0,\"gid\":0}"), &err);
  CHECK(cfg != NULL && cfg->process->user.uid == 0);
  oci_config_free(cfg);
  free(err);
  report(ok, "-0 accepted as unsigned zero");
}

static void test_process_doc(void)
{
  int ok = 1;
  char *err = NULL;
  const char *j = "{\"terminal\":false,\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[]},"
                  "\"args\":[\"/bin/ls\",\"-l\"],\"env\":[\"A=1\"],\"cwd\":\"/tmp\","
                  "\"noNewPrivileges\":true,\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}";
  oci_process *p = oci_process_parse_data(j, strlen(j), &err);
  CHECK(p != NULL);
  if (p != NULL) {
    CHECK(p->user.uid == 1000 && p->args_len == 2 && p->args[2] == NULL);
    CHECK_STR(p->args[0], "/bin/ls");
    CHECK(p->no_new_privileges && p->capabilities->bounding_len == 1);
    CHECK(p->user.additional_gids != NULL && p->user.additional_gids_len == 0);
    size_t len;
    char *out = oci_process_generate(p, &len, &err);
    oci_process *p2 = out ? oci_process_parse_data(out, len, &err) : NULL;
    char *out2 = p2 ? oci_process_generate(p2, NULL, &err) : NULL;
    CHECK(out != NULL && out2 != NULL && strcmp(out, out2) == 0);
    free(out);
    free(out2);
    oci_process_free(p2);
  }
  oci_process_free(p);
  free(err);
  report(ok, "process document parse and round trip");

  ok = 1;
  err = NULL;
  j = "{\"user\":{\"uid\":\"root\",\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\"}";
  p = oci_process_parse_data(j, strlen(j), &err);
  CHECK(p == NULL);
  CHECK_STR(err, "user.uid: expected unsigned integer, got \"root\"");
  free(err);
  err = NULL;
  j = "{\"user\":{\"uid\":4294967295,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\"}";
  p = oci_process_parse_data(j, strlen(j), &err);
  CHECK(p == NULL);
  CHECK_STR(err, "user.uid: value 4294967295 out of range: an id is 0 to 4294967294");
  free(err);
  err = NULL;
  j = "{\"user\":{\"uid\":4294967294,\"gid\":4294967294,\"additionalGids\":[4294967294]},"
      "\"args\":[\"sh\"],\"cwd\":\"/\"}";
  p = oci_process_parse_data(j, strlen(j), &err);
  CHECK(p != NULL && p->user.uid == 4294967294u && p->user.gid == 4294967294u &&
        p->user.additional_gids_len == 1 && p->user.additional_gids[0] == 4294967294u);
  oci_process_free(p);
  free(err);
  err = NULL;
  /* as runc: a user without gid is gid 0 */
  j = "{\"user\":{\"uid\":1000},\"args\":[\"sh\"],\"cwd\":\"/\"}";
  p = oci_process_parse_data(j, strlen(j), &err);
  CHECK(p != NULL && p->user.uid == 1000 && p->user.gid == 0);
  oci_process_free(p);
  free(err);
  err = NULL;
  p = oci_process_parse_data("[]", 2, &err);
  CHECK(p == NULL);
  CHECK_STR(err, "(root): expected object, got array");
  free(err);
  report(ok, "process document errors use paths relative to the document");
}

static void test_resources_doc(void)
{
  int ok = 1;
  char *err = NULL;
  const char *j = "{\"memory\":{\"limit\":1048576},\"cpu\":{\"cpus\":\"0-1\"},\"unified\":{"
                  "\"memory.high\":\"max\"}}";
  oci_resources *r = oci_resources_parse_data(j, strlen(j), &err);
  CHECK(r != NULL);
  if (r != NULL) {
    CHECK(r->memory->limit == 1048576 && r->cpu != NULL && r->unified.len == 1);
    char *out = oci_resources_generate(r, NULL, &err);
    CHECK(out != NULL && strstr(out, "\"memory.high\": \"max\"") != NULL);
    free(out);
  }
  oci_resources_free(r);
  err = NULL;
  r = oci_resources_parse_data("{\"memory\":{\"swap\":true}}", 24, &err);
  CHECK(r == NULL);
  CHECK_STR(err, "memory.swap: expected integer, got true");
  free(err);
  report(ok, "resources document parse/generate");
}

static void test_state(void)
{
  int ok = 1;
  char *err = NULL;
  const char *j = "{\"ociVersion\":\"1.2.1\",\"id\":\"c1\",\"status\":\"running\",\"pid\":4422,"
                  "\"bundle\":\"/containers/redis\",\"annotations\":{\"myKey\":\"myValue\"}}";
  oci_state *s = oci_state_parse_data(j, strlen(j), &err);
  CHECK(s != NULL);
  if (s != NULL) {
    CHECK(s->has_pid && s->pid == 4422);
    CHECK_STR(s->status, "running");
    CHECK_STR(oci_map_get(&s->annotations, "myKey"), "myValue");
    size_t len = 0;
    char *out = oci_state_generate(s, &len, &err);
    CHECK_STR(out,
              "{\n  \"ociVersion\": \"1.2.1\",\n  \"id\": \"c1\",\n  \"status\": \"running\",\n"
              "  \"pid\": 4422,\n  \"bundle\": \"/containers/redis\",\n  \"annotations\": {\n"
              "    \"myKey\": \"myValue\"\n  }\n}\n");
    oci_state *s2 = out ? oci_state_parse_data(out, len, &err) : NULL;
    char *out2 = s2 ? oci_state_generate(s2, NULL, &err) : NULL;
    CHECK(out2 != NULL && strcmp(out, out2) == 0);
    free(out);
    free(out2);
    oci_state_free(s2);
  }
  oci_state_free(s);
  report(ok, "OCI state round trip");

  ok = 1;
  err = NULL;
  j = "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"created\"}";
  s = oci_state_parse_data(j, strlen(j), &err);
  CHECK(s == NULL);
  CHECK_STR(err, "bundle: required field missing");
  free(err);
  err = NULL;
  j = "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/b\",\"pid\":-5}";
  s = oci_state_parse_data(j, strlen(j), &err);
  CHECK(s == NULL);
  CHECK_STR(err, "pid: value -5 out of range");
  free(err);
  /* no pid while creating */
  oci_state st = {0};
  st.oci_version = (char *)"1.2.1";
  st.id = (char *)"x";
  st.status = (char *)"creating";
  st.bundle = (char *)"/b";
  char *out = oci_state_generate(&st, NULL, &err);
  CHECK(out != NULL && strstr(out, "pid") == NULL && strstr(out, "annotations") == NULL);
  free(out);
  report(ok, "OCI state errors and optional pid");
}

static void test_veil_state(void)
{
  int ok = 1;
  char *err = NULL;
  veil_state_file vs = {0};
  vs.id = strdup("ctr");
  vs.bundle = strdup("/b\xff/bytes"); /* paths need not be UTF-8 */
  vs.rootfs = strdup("/b/rootfs");
  vs.created = strdup("2024-01-02T03:04:05.123456789Z");
  vs.owner = strdup("root");
  vs.pid = 1234;
  vs.pid_start_time = 18446744073709551615ULL;
  vs.config_path = strdup("/b/config.json");
  CHECK(oci_map_set(&vs.annotations, "a", "1") == 0);
  CHECK(oci_map_set(&vs.cgroup_paths, "memory", "/sys/fs/cgroup/x") == 0);
  CHECK(oci_map_set(&vs.cgroup_paths, "", "/sys/fs/cgroup/y") == 0); /* v2 unified */
  vs.has_new_pidns = true;
  vs.flags = calloc(3, sizeof(char *));
  vs.flags[0] = strdup("systemd");
  vs.flags[1] = strdup("detached");
  vs.flags_len = 2;
  size_t len = 0;
  char *out = veil_state_file_generate(&vs, &len, &err);
  CHECK(out != NULL);
  veil_state_file *p = out ? veil_state_file_parse_data(out, len, &err) : NULL;
  if (p == NULL && err != NULL)
    printf("# %s\n", err);
  /* the unified-hierarchy key "" is rejected by map parsing, so use a
   * state without it for the round trip */
  free(err);
  err = NULL;
  CHECK(oci_map_remove(&vs.cgroup_paths, ""));
  CHECK(!oci_map_remove(&vs.cgroup_paths, "nope"));
  free(out);
  veil_state_file_free(p);
  out = veil_state_file_generate(&vs, &len, &err);
  p = out ? veil_state_file_parse_data(out, len, &err) : NULL;
  CHECK(p != NULL);
  if (p != NULL) {
    CHECK_STR(p->id, "ctr");
    CHECK_STR(p->bundle, "/b\xff/bytes");
    CHECK(p->pid == 1234 && p->pid_start_time == UINT64_MAX && p->has_new_pidns);
    CHECK_STR(oci_map_get(&p->cgroup_paths, "memory"), "/sys/fs/cgroup/x");
    CHECK(p->flags_len == 2);
    CHECK_STR(p->flags[1], "detached");
    char *out2 = veil_state_file_generate(p, NULL, &err);
    CHECK(out2 != NULL && strcmp(out, out2) == 0);
    free(out2);
  }
  free(out);
  veil_state_file_free(p);
  oci_map_clear(&vs.annotations);
  oci_map_clear(&vs.cgroup_paths);
  free(vs.id);
  free(vs.bundle);
  free(vs.rootfs);
  free(vs.created);
  free(vs.owner);
  free(vs.config_path);
  oci_strv_free(vs.flags, vs.flags_len);
  report(ok, "veil state file round trip");

  ok = 1;
  err = NULL;
  p = veil_state_file_parse_data("{\"pid\":1}", 9, &err);
  CHECK(p == NULL);
  CHECK_STR(err, "id: required field missing");
  free(err);
  report(ok, "veil state file requires id");
}

static void test_writer(void)
{
  int ok = 1;
  oci_json_writer *w = oci_json_writer_new(false);
  CHECK(w != NULL);
  oci_json_array_open(w);
  oci_json_map_open(w);
  oci_json_key(w, "id");
  oci_json_string(w, "c\"1");
  oci_json_key(w, "pid");
  oci_json_int(w, -1);
  oci_json_key(w, "big");
  oci_json_uint(w, UINT64_MAX);
  oci_json_key(w, "ok");
  oci_json_bool(w, true);
  oci_json_key(w, "none");
  oci_json_null(w);
  oci_json_key(w, "s");
  oci_json_string(w, NULL);
  oci_json_key(w, "list");
  oci_json_array_open(w);
  oci_json_array_close(w);
  oci_json_map_close(w);
  oci_json_array_close(w);
  size_t len = 0;
  char *out = oci_json_writer_finish(w, &len);
  CHECK_STR(out, "[{\"id\":\"c\\\"1\",\"pid\":-1,\"big\":18446744073709551615,\"ok\":true,"
                 "\"none\":null,\"s\":null,\"list\":[]}]");
  CHECK(out != NULL && len == strlen(out));
  free(out);
  report(ok, "JSON writer compact output");

  ok = 1;
  w = oci_json_writer_new(true);
  oci_json_map_open(w);
  oci_json_key(w, "a");
  oci_json_array_open(w);
  oci_json_uint(w, 1);
  oci_json_array_close(w);
  oci_json_key(w, "b");
  oci_json_map_open(w);
  oci_json_map_close(w);
  oci_json_map_close(w);
  out = oci_json_writer_finish(w, NULL);
  CHECK_STR(out, "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}\n");
  free(out);
  report(ok, "JSON writer pretty output");

  ok = 1;
  w = oci_json_writer_new(false);
  oci_json_map_open(w);
  oci_json_int(w, 5); /* a number where a key is expected */
  oci_json_map_close(w);
  CHECK(oci_json_writer_finish(w, NULL) == NULL);
  w = oci_json_writer_new(false);
  oci_json_map_open(w);
  oci_json_writer_free(w);
  oci_json_writer_free(NULL);
  report(ok, "JSON writer misuse reported; free");
}

static void test_map_and_free(void)
{
  int ok = 1;
  oci_map m = {0};
  CHECK(oci_map_get(&m, "x") == NULL);
  CHECK(oci_map_set(&m, "x", "1") == 0);
  CHECK(oci_map_set(&m, "y", "2") == 0);
  CHECK(oci_map_set(&m, "x", "3") == 0);
  CHECK(m.len == 2);
  CHECK_STR(oci_map_get(&m, "x"), "3");
  CHECK_STR(m.keys[1], "y");
  CHECK(oci_map_remove(&m, "x") && m.len == 1);
  CHECK_STR(m.keys[0], "y");
  oci_map_clear(&m);
  CHECK(m.len == 0 && m.keys == NULL);
  oci_config_free(NULL);
  oci_process_free(NULL);
  oci_state_free(NULL);
  veil_state_file_free(NULL);
  oci_resources_free(NULL);
  oci_linux_free(NULL);
  oci_strv_free(NULL, 3);
  oci_map_clear(NULL);
  report(ok, "oci_map helpers; *_free(NULL) is a no-op");

  /* a config built by hand (as `veil spec` would) generates and parses */
  ok = 1;
  oci_config *cfg = calloc(1, sizeof *cfg);
  cfg->oci_version = strdup("1.2.1");
  cfg->root = calloc(1, sizeof *cfg->root);
  cfg->root->path = strdup("rootfs");
  cfg->linux = calloc(1, sizeof *cfg->linux);
  cfg->linux->namespaces = calloc(2, sizeof *cfg->linux->namespaces);
  cfg->linux->namespaces[0].type = strdup("pid");
  cfg->linux->namespaces[1].type = strdup("mount");
  cfg->linux->namespaces_len = 2;
  char *err = NULL;
  char *out = oci_config_generate(cfg, NULL, &err);
  oci_config *back = out ? oci_config_parse_data(out, strlen(out), &err) : NULL;
  CHECK(back != NULL && back->linux->namespaces_len == 2);
  CHECK(back != NULL && strcmp(back->linux->namespaces[1].type, "mount") == 0);
  free(out);
  free(err);
  oci_config_free(back);
  oci_config_free(cfg);
  report(ok, "hand-built config generates valid JSON");
}

int main(int argc, char **argv)
{
  const char *env = getenv("srcdir");
  if (argc > 1)
    srcdir = argv[1];
  else if (env != NULL && *env != '\0')
    srcdir = env;

  test_full_roundtrip();
  test_minimal_and_file();
  test_unknown_fields();
  test_errors();
  test_values();
  test_process_doc();
  test_resources_doc();
  test_state();
  test_veil_state();
  test_writer();
  test_map_and_free();

  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail == 0 ? 0 : 1;
}

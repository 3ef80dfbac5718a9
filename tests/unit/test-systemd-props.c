/* Unit tests: linux.resources and org.systemd.property.* annotations -> systemd unit properties
 * (the D-Bus name, type and value StartTransientUnit gets), and their errors. */
#include "config.h"
#include "cgroup-systemd-props.h"
#include "check.h"
#include "oci.h"

#include <stdlib.h>
#include <string.h>

/* want: sd_props_format's rendering, or "!substring" of the expected error; frees ps and err */
static bool outcome_is(int rc, sd_props *ps, veil_error *err, const char *input, const char *want)
{
  char *got = NULL;
  bool ok;

  if (rc < 0)
    ok = want[0] == '!' && strstr(err->msg, want + 1);
  else
    ok = (got = sd_props_format(ps)) && !strcmp(got, want);
  if (!ok)
    printf("# %s:\n#  got    %s\n#  wanted %s\n", input, got ? got : err->msg, want);
  free(got);
  sd_props_clear(ps);
  veil_error_clear(err);
  return ok;
}

static bool resources_are(const char *json, const char *want)
{
  char *perr = NULL;
  oci_resources *r = oci_resources_parse_data(json, strlen(json), &perr);
  veil_error err = VEIL_ERROR_INIT;
  sd_props ps = {0};
  bool ok;

  if (!r) {
    printf("# parse %s: %s\n", json, perr);
    free(perr);
    return false;
  }
  ok = outcome_is(sd_props_from_resources(r, &ps, &err), &ps, &err, json, want);
  oci_resources_free(r);
  return ok;
}

static bool annotation_is(const char *name, const char *value, const char *want)
{
  veil_error err = VEIL_ERROR_INIT;
  sd_props ps = {0};
  oci_map a = {0};
  char key[256];
  bool ok;

  snprintf(key, sizeof(key), "org.systemd.property.%s", name);
  oci_map_set(&a, "org.example.other", "ignored");
  oci_map_set(&a, key, value);
  ok = outcome_is(sd_props_from_annotations(&a, &ps, &err), &ps, &err, value, want);
  oci_map_clear(&a);
  return ok;
}

static void test_resources(void)
{
  CHECK("props: none", resources_are("{}", ""));
  CHECK("props: memory limit, reservation, swap (swap alone)",
        resources_are("{\"memory\":{\"limit\":67108864,\"reservation\":16777216,"
                      "\"swap\":100663296}}",
                      "MemoryMax=t:67108864 MemoryLow=t:16777216 MemorySwapMax=t:33554432"));
  CHECK("props: -1 is infinity, and unlimited memory means unlimited swap",
        resources_are("{\"memory\":{\"limit\":-1}}",
                      "MemoryMax=t:18446744073709551615 MemorySwapMax=t:18446744073709551615"));
  CHECK("props: a swap below the limit is left to the files (which refuse it)",
        resources_are("{\"memory\":{\"limit\":100,\"swap\":50}}", "MemoryMax=t:100"));
  CHECK("props: shares -> CPUWeight, period, quota per second",
        resources_are("{\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000}}",
                      "CPUWeight=t:20 CPUQuotaPeriodUSec=t:100000 CPUQuotaPerSecUSec=t:500000"));
  CHECK("props: quota rounded up to 10ms per second, default period",
        resources_are("{\"cpu\":{\"quota\":12345}}", "CPUQuotaPerSecUSec=t:130000"));
  CHECK("props: a period alone: quota infinity",
        resources_are("{\"cpu\":{\"period\":50000}}",
                      "CPUQuotaPeriodUSec=t:50000 CPUQuotaPerSecUSec=t:18446744073709551615"));
  CHECK("props: cpus and mems as bitmasks",
        resources_are("{\"cpu\":{\"cpus\":\"0-2,9\",\"mems\":\"1\"}}",
                      "AllowedCPUs=y:0702 AllowedMemoryNodes=y:02"));
  CHECK("props: a bad cpu list names its key",
        resources_are("{\"cpu\":{\"cpus\":\"0-x\"}}", "!linux.resources.cpu.cpus: \"0-x\""));
  CHECK("props: pids limit, -1 infinity",
        resources_are("{\"pids\":{\"limit\":42}}", "TasksMax=t:42") &&
            resources_are("{\"pids\":{\"limit\":-1}}", "TasksMax=t:18446744073709551615"));
  CHECK("props: blockIO weight -> IOWeight",
        resources_are("{\"blockIO\":{\"weight\":300}}", "IOWeight=t:2930"));
  CHECK("props: unified keys systemd has",
        resources_are("{\"unified\":{\"memory.high\":\"1000\",\"memory.min\":\"max\","
                      "\"io.max\":\"8:0 rbps=1\",\"cpuset.cpus\":\"3\"}}",
                      "MemoryHigh=t:1000 MemoryMin=t:18446744073709551615 AllowedCPUs=y:08"));
  CHECK("props: a bad unified value names the file",
        resources_are("{\"unified\":{\"pids.max\":\"lots\"}}",
                      "!linux.resources.unified: pids.max: \"lots\""));
}

static void test_annotations(void)
{
  CHECK("annotation: bool", annotation_is("Delegate", "true", "Delegate=b:true"));
  CHECK("annotation: string, both quotes",
        annotation_is("CollectMode", "'inactive-or-failed'", "CollectMode=s:inactive-or-failed") &&
            annotation_is("Description", "\"a b\"", "Description=s:a b"));
  CHECK("annotation: typed numbers", annotation_is("CPUWeight", "uint64 333", "CPUWeight=t:333") &&
                                         annotation_is("CPUWeight", "@t 7", "CPUWeight=t:7") &&
                                         annotation_is("Nice", "@i -5", "Nice=i:-5") &&
                                         annotation_is("Limit", "int64 -9", "Limit=x:-9") &&
                                         annotation_is("Mask", "uint32 0x10", "Mask=u:16"));
  CHECK("annotation: a bare integer is int32, a fraction a double",
        annotation_is("Foo", "12", "Foo=i:12") && annotation_is("Foo", "1.5", "Foo=d:1.5"));
  CHECK("annotation: NAMESec -> NAMEUSec in microseconds",
        annotation_is("TimeoutStopSec", "17", "TimeoutStopUSec=t:17000000") &&
            annotation_is("RuntimeMaxSec", "uint64 2", "RuntimeMaxUSec=t:2000000") &&
            annotation_is("TimeoutStopSec", "0.25", "TimeoutStopUSec=t:250000"));
  CHECK("annotation: an uppercase letter before Sec is not converted",
        annotation_is("FOOSec", "1", "FOOSec=i:1"));
  CHECK("annotation: bad names", annotation_is("Bad-Name", "1", "!Bad-Name: not a property name") &&
                                     annotation_is("Ab", "1", "!not a property name"));
  CHECK("annotation: bad values", annotation_is("Foo", "yes", "!cannot parse value \"yes\"") &&
                                      annotation_is("Foo", "uint64 -1", "!cannot parse") &&
                                      annotation_is("Foo", "int32 3000000000", "!cannot parse") &&
                                      annotation_is("Foo", "'a'b'", "!cannot parse") &&
                                      annotation_is("Foo", "[1, 2]", "!cannot parse"));
  CHECK("annotation: Sec of a string or a negative number",
        annotation_is("TimeoutStopSec", "'x'", "!not a number of seconds") &&
            annotation_is("TimeoutStopSec", "-1", "!not a number of seconds"));
}

int main(void)
{
  test_resources();
  test_annotations();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}

#include "config.h"
#include "cli.h"
#include "oci.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* runc's defaults: what people expect `spec` to write.  %s: the devpts gid option, the /sys
 * mount, the namespaces that differ for rootless, and the id mappings. */
static const char spec_template[] =
    "{\"ociVersion\": \"" OCI_SPEC_VERSION "\","
    " \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"],"
    "  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "           \"TERM=xterm\"],"
    "  \"cwd\": \"/\","
    "  \"capabilities\": {"
    "    \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
    "  \"noNewPrivileges\": true},"
    " \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
    " \"hostname\": \"veil\","
    " \"mounts\": ["
    "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
    "\"mode=0620\"%s]},"
    "  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
    "  %s,"
    "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}],"
    " \"linux\": {%s"
    "  \"namespaces\": [{\"type\": \"pid\"}, %s{\"type\": \"ipc\"}, {\"type\": \"uts\"},"
    "                 {\"type\": \"mount\"}, {\"type\": \"cgroup\"}%s],"
    "  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
    "    \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
    "    \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
    "  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
    "    \"/proc/sysrq-trigger\"]}}";

static char *default_spec(bool rootless)
{
  char mappings[256];

  if (!rootless)
    return veil_strdup_printf(
        spec_template, ", \"gid=5\"",
        "{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
        " \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}",
        "\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},",
        "{\"type\": \"network\"}, ", "");
  snprintf(mappings, sizeof(mappings),
           "\"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
           " \"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],",
           (unsigned)geteuid(), (unsigned)getegid());
  /* no network namespace (it could not be configured), /sys bound from the host, no gid=5 */
  return veil_strdup_printf(spec_template, "",
                            "{\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","
                            " \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}",
                            mappings, "", ", {\"type\": \"user\"}");
}

int cmd_spec(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"bundle", required_argument, NULL, 'b'},
                                           {"rootless", no_argument, NULL, 'r'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *bundle = ".";
  bool rootless = false;
  cleanup_free char *text = NULL, *json = NULL, *path = NULL;
  char *msg = NULL;
  size_t len = 0;
  oci_config *cfg;
  int c, fd;

  (void)g;
  while ((c = cli_getopt("spec", argc, argv, "b:h", longopts)) != -1) {
    switch (c) {
    case 'b':
      bundle = optarg;
      break;
    case 'r':
      rootless = true;
      break;
    case 'h':
      printf("Usage: veil spec [-b|--bundle DIR] [--rootless]\n\n"
             "Write a default config.json into DIR (default \".\").\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("spec", argc, argv, 0, 0, "[--bundle DIR] [--rootless]"))
    return 1;
  text = default_spec(rootless);
  if (!text)
    return cli_failf("spec: out of memory");
  /* round-trip through the model: what we write is what create will read */
  cfg = oci_config_parse_data(text, strlen(text), &msg);
  if (!cfg) {
    cli_failf("spec: default config: %s", msg);
    free(msg);
    return 1;
  }
  json = oci_config_generate(cfg, &len, &msg);
  oci_config_free(cfg);
  if (!json) {
    cli_failf("spec: %s", msg);
    free(msg);
    return 1;
  }
  path = veil_strdup_printf("%s/config.json", bundle);
  if (!path)
    return cli_failf("spec: out of memory");
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return cli_failf("spec: %s: %s", path,
                     errno == EEXIST ? "already exists, refusing to overwrite it"
                                     : strerror(errno));
  if (veil_write_all(fd, json, len) < 0) {
    int e = errno;
    close(fd);
    unlink(path);
    return cli_failf("spec: write %s: %s", path, strerror(e));
  }
  close(fd);
  return 0;
}

#include "config.h"
#include "features-doc.h"
#include "hooks.h"
#include "idmap-mount.h"
#include "mempolicy.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "seccomp-filter.h"
#include "util.h"

#include <errno.h>

/* Annotation keys are reverse-DNS names of who defines them. */
#define ANNOTATION_PREFIX "io.github.veil."

static void put_name(const char *name, void *data)
{
  oci_json_string(data, name);
}

/* For asking whether a list exists at all in this build. */
static void skip_name(const char *name, void *data)
{
  (void)name;
  (void)data;
}

/* key: [names...] */
static void name_list(oci_json_writer *w, const char *key,
                      void (*each)(veil_name_fn fn, void *data))
{
  oci_json_key(w, key);
  oci_json_array_open(w);
  each(put_name, w);
  oci_json_array_close(w);
}

static void enabled(oci_json_writer *w, const char *key, bool on)
{
  oci_json_key(w, key);
  oci_json_map_open(w);
  oci_json_key(w, "enabled");
  oci_json_bool(w, on);
  oci_json_map_close(w);
}

static void capabilities(oci_json_writer *w)
{
  /* without libcap the document leaves the field out: the spec reads that as "unknown", and
   * veil then does not apply capabilities at all */
  if (!process_cap_names(skip_name, NULL))
    return;
  oci_json_key(w, "capabilities");
  oci_json_array_open(w);
  process_cap_names(put_name, w);
  oci_json_array_close(w);
}

static void cgroup(oci_json_writer *w)
{
  oci_json_key(w, "cgroup");
  oci_json_map_open(w);
  oci_json_key(w, "v1");
  oci_json_bool(w, true);
  oci_json_key(w, "v2");
  oci_json_bool(w, true);
  /* the system instance only (cgroup-systemd.c); whether systemd runs is the host's business */
  oci_json_key(w, "systemd");
#ifdef HAVE_LIBSYSTEMD
  oci_json_bool(w, true);
#else
  oci_json_bool(w, false);
#endif
  oci_json_key(w, "systemdUser");
  oci_json_bool(w, false);
  /* linux.resources.rdma goes to rdma.max on either version (cgroup-resources.c) */
  oci_json_key(w, "rdma");
  oci_json_bool(w, true);
  oci_json_map_close(w);
}

static void seccomp_list(oci_json_writer *w, const char *key, seccomp_name_list which)
{
  oci_json_key(w, key);
  oci_json_array_open(w);
  seccomp_names(which, put_name, w);
  oci_json_array_close(w);
}

static void seccomp(oci_json_writer *w)
{
  bool on = seccomp_names(SECCOMP_OPERATORS, skip_name, NULL);

  oci_json_key(w, "seccomp");
  oci_json_map_open(w);
  oci_json_key(w, "enabled");
  oci_json_bool(w, on);
  if (on) {
    seccomp_list(w, "actions", SECCOMP_ACTIONS);
    seccomp_list(w, "operators", SECCOMP_OPERATORS);
    seccomp_list(w, "archs", SECCOMP_ARCHS);
    seccomp_list(w, "knownFlags", SECCOMP_KNOWN_FLAGS);
    seccomp_list(w, "supportedFlags", SECCOMP_SUPPORTED_FLAGS);
  }
  oci_json_map_close(w);
}

static void linux_section(oci_json_writer *w)
{
  oci_json_key(w, "linux");
  oci_json_map_open(w);
  name_list(w, "namespaces", ns_supported_names);
  capabilities(w);
  cgroup(w);
  seccomp(w);
  /* process.apparmorProfile, process.selinuxLabel and linux.intelRdt are refused, not applied */
  enabled(w, "apparmor", false);
  enabled(w, "selinux", false);
  enabled(w, "intelRdt", false);
  oci_json_key(w, "memoryPolicy");
  oci_json_map_open(w);
  name_list(w, "modes", mempolicy_mode_names);
  name_list(w, "flags", mempolicy_flag_names);
  oci_json_map_close(w);
  oci_json_key(w, "mountExtensions");
  oci_json_map_open(w);
  enabled(w, "idmap", idmap_mount_supported());
  oci_json_map_close(w);
  oci_json_map_close(w);
}

static void annotation(oci_json_writer *w, const char *key, const char *value)
{
  oci_json_key(w, key);
  oci_json_string(w, value);
}

static void annotations(oci_json_writer *w)
{
  char buf[32];
  const char *libseccomp = seccomp_library_version(buf, sizeof(buf));

  oci_json_key(w, "annotations");
  oci_json_map_open(w);
  /* the key runc defines, read by tools that ask whether checkpoint/restore is there */
  annotation(w, "org.opencontainers.runc.checkpoint.enabled", "false");
  annotation(w, ANNOTATION_PREFIX "version", PACKAGE_VERSION);
  annotation(w, ANNOTATION_PREFIX "commit", VEIL_COMMIT);
  if (libseccomp)
    annotation(w, ANNOTATION_PREFIX "libseccomp.version", libseccomp);
  oci_json_map_close(w);
}

int veil_features_json(bool pretty, char **out, veil_error *err)
{
  oci_json_writer *w = oci_json_writer_new(pretty);

  *out = NULL;
  if (!w)
    return veil_fail(err, ENOMEM, "features");
  oci_json_map_open(w);
  oci_json_key(w, "ociVersionMin");
  oci_json_string(w, "1.0.0");
  oci_json_key(w, "ociVersionMax");
  oci_json_string(w, OCI_SPEC_VERSION);
  name_list(w, "hooks", hooks_phase_names);
  name_list(w, "mountOptions", mount_option_names);
  linux_section(w);
  annotations(w);
  oci_json_map_close(w);
  *out = oci_json_writer_finish(w, NULL);
  if (!*out)
    return veil_fail(err, ENOMEM, "features: write the document");
  return 0;
}

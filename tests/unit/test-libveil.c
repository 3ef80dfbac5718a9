/* Unit tests of libveil's pure code: id validation, the mount option table, number parsing,
 * error composition, JSON escaping and the lists behind `veil features`.  Prints "ok N - name"
 * lines and "N passed, M failed". */
#include "config.h"
#include "cgroup-systemd.h"
#include "check.h"
#include "config-load.h"
#include "error.h"
#include "features-doc.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "state.h"
#include "util.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

static bool id_ok(const char *id)
{
  veil_error err = VEIL_ERROR_INIT;
  int r = veil_validate_id(id, &err);
  veil_error_clear(&err);
  return r == 0;
}

static void test_ids(void)
{
  char long_id[1100];

  CHECK("id: plain", id_ok("abc-DEF_1.2+x"));
  CHECK("id: empty rejected", !id_ok(""));
  CHECK("id: ../x rejected", !id_ok("../x"));
  CHECK("id: a/b rejected", !id_ok("a/b"));
  CHECK("id: leading dot rejected", !id_ok(".hidden"));
  CHECK("id: .. rejected", !id_ok(".."));
  CHECK("id: space rejected", !id_ok("a b"));
  CHECK("id: newline rejected", !id_ok("a\nb"));
  /* the state directory is named after the id: at most one file name (NAME_MAX) */
  memset(long_id, 'a', 1024);
  long_id[255] = '\0';
  CHECK("id: 255 bytes accepted", id_ok(long_id));
  long_id[255] = 'a';
  long_id[256] = '\0';
  CHECK("id: 256 bytes rejected", !id_ok(long_id));
  long_id[256] = 'a';
  long_id[1024] = '\0';
  CHECK("id: 1024 bytes rejected", !id_ok(long_id));
}

static void test_env_entries(void)
{
  CHECK("env: KEY=VALUE", !process_env_problem("KEY=VALUE"));
  CHECK("env: empty value", !process_env_problem("KEY="));
  CHECK("env: '=' in the value", !process_env_problem("K=a=b"));
  CHECK("env: no '=' rejected", process_env_problem("NOEQUALS") != NULL);
  CHECK("env: empty name rejected", process_env_problem("=x") != NULL);
  CHECK("env: lone '=' rejected", process_env_problem("=") != NULL);
  CHECK("env: empty entry rejected", process_env_problem("") != NULL);
}

static void test_oci_versions(void)
{
  static const char *const good[] = {
      "1.0.0",         "1.0.2-dev",          "1.1.0",    "1.2.0",
      "1.3.0",         "1.0.0-rc.1+build.5", "1.10.100", "1.0.0+20130313144700",
      "1.0.0-x-y-z.--"};
  static const char *const bad[] = {"garbage", "99.0.0", "2.0.0",  "0.9.0",      "1.0",
                                    "1",       "",       "1.02.0", "01.0.0",     "1.0.0-",
                                    "v1.0.0",  "1.0.0 ", "1.0.0+", "1.0.0-a..b", "1.0.0+a+b",
                                    "1.0.0-é", " 1.0.0", "1..0"};
  char name[64];

  for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
    snprintf(name, sizeof(name), "ociVersion \"%s\" accepted", good[i]);
    CHECK(name, config_version_supported(good[i]));
  }
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
    snprintf(name, sizeof(name), "ociVersion \"%s\" rejected", bad[i]);
    CHECK(name, !config_version_supported(bad[i]));
  }
  CHECK("ociVersion NULL rejected", !config_version_supported(NULL));
}

static void test_mount_options(void)
{
  char *opts[] = {"nosuid", "rbind", "ro", "rslave", "size=65536k", "mode=755", "noatime", "rw"};
  mount_opts o;
  veil_error err = VEIL_ERROR_INIT;

  CHECK("mount options parse", mount_opts_parse(opts, 8, &o, &err) == 0);
  CHECK("mount options: nosuid set", o.flags & MS_NOSUID);
  CHECK("mount options: rw after ro clears MS_RDONLY", !(o.flags & MS_RDONLY));
  CHECK("mount options: noatime", o.flags & MS_NOATIME);
  CHECK("mount options: rbind is a recursive bind", o.bind && o.recursive);
  CHECK("mount options: rslave", o.propagation == (MS_SLAVE | MS_REC));
  CHECK("mount options: unknown ones become fs data",
        o.data && !strcmp(o.data, "size=65536k,mode=755"));
  mount_opts_release(&o);
  {
    char *more[] = {"rro",         "rnosuid", "rsuid",     "rnoatime", "rrelatime",
                    "nosymfollow", "ridmap",  "tmpcopyup", "remount",  "rnosymfollow"};
    CHECK("mount options parse (recursive forms)", mount_opts_parse(more, 10, &o, &err) == 0);
    CHECK("mount options: rro sets MOUNT_ATTR_RDONLY", o.rec_set & MOUNT_ATTR_RDONLY);
    CHECK("mount options: rsuid after rnosuid clears it",
          (o.rec_clr & MOUNT_ATTR_NOSUID) && !(o.rec_set & MOUNT_ATTR_NOSUID));
    CHECK("mount options: the last atime form wins",
          o.has_rec_atime && o.rec_atime == MOUNT_ATTR_RELATIME);
    CHECK("mount options: rnosymfollow", o.rec_set & MOUNT_ATTR_NOSYMFOLLOW);
    CHECK("mount options: nosymfollow is a mount(2) flag", o.flags & MS_NOSYMFOLLOW);
    CHECK("mount options: ridmap, tmpcopyup, remount",
          o.ridmap && !o.idmap && o.tmpcopyup && o.remount && !(o.flags & MS_REMOUNT));
    CHECK("mount options: none of them is fs data", o.data == NULL);
    mount_opts_release(&o);
  }
  CHECK("propagation: private", mount_propagation_flags("private") == MS_PRIVATE);
  CHECK("propagation: runbindable",
        mount_propagation_flags("runbindable") == (MS_UNBINDABLE | MS_REC));
  CHECK("propagation: unknown is 0", mount_propagation_flags("bogus") == 0);
}

static void test_numbers(void)
{
  uint64_t u;
  int i;

  CHECK("u64: max", veil_parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX);
  CHECK("u64: overflow", veil_parse_u64("18446744073709551616", &u) < 0);
  CHECK("u64: negative", veil_parse_u64("-1", &u) < 0);
  CHECK("u64: junk", veil_parse_u64("12x", &u) < 0);
  CHECK("u64: empty", veil_parse_u64("", &u) < 0);
  CHECK("int: negative", veil_parse_int("-5", &i) == 0 && i == -5);
  CHECK("int: overflow", veil_parse_int("2147483648", &i) < 0);
}

/* The ranges veil_range_list_each hands out, written back as "a-b;" pieces. */
static int append_range(long first, long last, void *data)
{
  char *out = data;
  snprintf(out + strlen(out), 64, "%ld-%ld;", first, last);
  return 0;
}

static bool ranges_are(const char *list, long max, const char *want)
{
  char got[256] = "";
  if (veil_range_list_each(list, max, append_range, got) < 0)
    return want == NULL && got[0] == '\0';
  return want && !strcmp(got, want);
}

static void test_range_lists(void)
{
  CHECK("ranges: one", ranges_are("7", 10, "7-7;"));
  CHECK("ranges: mixed", ranges_are("0-3,7,9-9", 10, "0-3;7-7;9-9;"));
  CHECK("ranges: at the max", ranges_are("10", 10, "10-10;"));
  CHECK("ranges: above the max", ranges_are("11", 10, NULL));
  CHECK("ranges: bad after good, nothing called", ranges_are("0,x", 10, NULL));
  CHECK("ranges: reversed", ranges_are("3-1", 10, NULL));
  CHECK("ranges: trailing comma", ranges_are("1,", 10, NULL));
  CHECK("ranges: open range", ranges_are("1-", 10, NULL));
  CHECK("ranges: negative", ranges_are("-1", 10, NULL));
  CHECK("ranges: space", ranges_are("1, 2", 10, NULL));
  CHECK("ranges: empty", ranges_are("", 10, NULL));
  CHECK("ranges: overflow", ranges_are("99999999999999999999", 10, NULL));
}

static bool clean_is(const char *in, const char *want)
{
  cleanup_free char *got = veil_clean_path(in);
  return got && !strcmp(got, want);
}

static void test_clean_path(void)
{
  CHECK("clean: trailing slash", clean_is("/mnt/", "/mnt"));
  CHECK("clean: relative", clean_is("dev/null", "/dev/null"));
  CHECK("clean: doubled and dot", clean_is("//dev//./extra//", "/dev/extra"));
  CHECK("clean: dotdot", clean_is("/a/b/../c", "/a/c"));
  CHECK("clean: dotdot above the root", clean_is("/../../x", "/x"));
  CHECK("clean: dotdot to the root", clean_is("/a/..", "/"));
  CHECK("clean: empty", clean_is("", "/"));
  CHECK("clean: dotdot-like name", clean_is("/..a/.b", "/..a/.b"));
}

static void test_errors(void)
{
  veil_error err = VEIL_ERROR_INIT;

  CHECK("fail returns -1", veil_fail(&err, 2, "open %s", "/x") == -1);
  CHECK("fail appends strerror",
        err.msg && !strcmp(err.msg, "open /x: No such file or directory") && err.errnum == 2);
  veil_error_prefix(&err, "mounts[%d]", 3);
  CHECK("prefix", !strcmp(err.msg, "mounts[3]: open /x: No such file or directory"));
  veil_fail(&err, 0, "two\nlines");
  CHECK("messages stay on one line", !strchr(err.msg, '\n'));
  veil_error_clear(&err);
  CHECK("clear", err.msg == NULL && err.errnum == 0);
}

/* process_validate: a process built in code (exec's flags) never carries (uid_t)-1. */
static bool user_refused(uint32_t uid, uint32_t gid, uint32_t extra, const char *field)
{
  uint32_t gids[] = {5, extra};
  oci_process p = {
      .user = {.uid = uid, .gid = gid, .additional_gids = gids, .additional_gids_len = 2}};
  veil_error err = VEIL_ERROR_INIT;
  bool refused = process_validate(&p, &err) < 0;
  bool named = refused && err.msg && strstr(err.msg, field) && strstr(err.msg, "4294967295");

  if (refused && !named)
    printf("# process_validate: %s\n", err.msg ? err.msg : "(no message)");
  veil_error_clear(&err);
  return field ? named : !refused;
}

static void test_process_user_ids(void)
{
  CHECK("user: uid (uid_t)-1 refused", user_refused(UINT32_MAX, 0, 0, "process.user.uid:"));
  CHECK("user: gid (gid_t)-1 refused", user_refused(0, UINT32_MAX, 0, "process.user.gid:"));
  CHECK("user: additionalGids (gid_t)-1 refused",
        user_refused(0, 0, UINT32_MAX, "process.user.additionalGids[1]:"));
  CHECK("user: 4294967294 everywhere accepted",
        user_refused(UINT32_MAX - 1, UINT32_MAX - 1, UINT32_MAX - 1, NULL));
}

static void test_json_escape(void)
{
  char buf[64];

  CHECK("escape quotes and backslash",
        veil_json_escape(buf, sizeof(buf), "a\"b\\c") > 0 && !strcmp(buf, "a\\\"b\\\\c"));
  CHECK("escape control",
        veil_json_escape(buf, sizeof(buf), "x\ty\001") > 0 && !strcmp(buf, "x\\ty\\u0001"));
  CHECK("escape overflow reported", veil_json_escape(buf, 4, "abcdef") < 0);
}

static void test_namespaces(void)
{
  CHECK("ns lookup network", ns_lookup("network") && ns_lookup("network")->flag == CLONE_NEWNET);
  CHECK("ns lookup mount proc name", !strcmp(ns_lookup("mount")->proc, "mnt"));
  CHECK("ns lookup unknown", ns_lookup("net") == NULL);
  CHECK("ns by flag",
        ns_by_flag(CLONE_NEWUSER) && !strcmp(ns_by_flag(CLONE_NEWUSER)->name, "user"));
}

typedef struct name_check {
  size_t n, bad;
  bool saw_bind, saw_rro;
} name_check;

/* Every name the features document lists must be one the parser knows, not fs data. */
static void check_option_name(const char *name, void *data)
{
  name_check *c = data;
  char *opts[] = {(char *)name};
  mount_opts o;
  veil_error err = VEIL_ERROR_INIT;

  c->n++;
  c->saw_bind |= !strcmp(name, "bind");
  c->saw_rro |= !strcmp(name, "rro");
  if (mount_opts_parse(opts, 1, &o, &err) < 0 || o.data) {
    printf("# mount option \"%s\" is listed but not known to the parser\n", name);
    c->bad++;
  }
  mount_opts_release(&o);
  veil_error_clear(&err);
}

static void check_ns_name(const char *name, void *data)
{
  name_check *c = data;

  c->n++;
  if (!ns_lookup(name))
    c->bad++;
}

static void test_features(void)
{
  name_check c = {0};
  veil_error err = VEIL_ERROR_INIT;
  char *json = NULL;

  mount_option_names(check_option_name, &c);
  CHECK("features: every listed mount option is a known one", c.n > 30 && c.bad == 0);
  CHECK("features: bind is listed", c.saw_bind);
  CHECK("features: rro is listed iff mount_setattr exists", c.saw_rro == mount_setattr_supported());
  memset(&c, 0, sizeof(c));
  ns_supported_names(check_ns_name, &c);
  CHECK("features: every listed namespace is one veil knows", c.n > 0 && c.bad == 0);
  CHECK("features: the document is built", veil_features_json(false, &json, &err) == 0 && json);
  CHECK("features: compact JSON with the spec version",
        json && json[0] == '{' &&
            strstr(json, "\"ociVersionMax\":\"" OCI_SPEC_VERSION "\"") != NULL);
  free(json);
  veil_error_clear(&err);
}

/* --systemd-cgroup's cgroupsPath -> "slice|unit|path", or "error: MESSAGE" */
static bool unit_is(const char *cgpath, bool rootless, const char *want)
{
  veil_error err = VEIL_ERROR_INIT;
  cgroup_systemd_unit u;
  char got[512];
  bool ok;

  if (cgroup_systemd_unit_parse(cgpath, "ID", rootless, &u, &err) < 0)
    snprintf(got, sizeof(got), "error: %s", err.msg);
  else
    snprintf(got, sizeof(got), "%s|%s|%s", u.slice, u.unit, u.path);
  ok = !strcmp(got, want);
  if (!ok)
    printf("# cgroupsPath \"%s\": got \"%s\", wanted \"%s\"\n", cgpath ? cgpath : "(null)", got,
           want);
  cgroup_systemd_unit_clear(&u);
  veil_error_clear(&err);
  return ok;
}

static void test_systemd_unit(void)
{
  CHECK("systemd: slice:prefix:name",
        unit_is("system.slice:docker:abc", false,
                "system.slice|docker-abc.scope|/system.slice/docker-abc.scope"));
  CHECK("systemd: empty path is :veil:ID",
        unit_is(NULL, false, "system.slice|veil-ID.scope|/system.slice/veil-ID.scope"));
  CHECK("systemd: empty slice, rootless on v2",
        unit_is(":p:n", true, "user.slice|p-n.scope|/user.slice/p-n.scope"));
  CHECK("systemd: dashes nest slices",
        unit_is("kubepods-besteffort-pod1.slice:cri-containerd:c1", false,
                "kubepods-besteffort-pod1.slice|cri-containerd-c1.scope|/kubepods.slice/"
                "kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
                "cri-containerd-c1.scope"));
  CHECK("systemd: - is the root slice", unit_is("-:p:n", false, "-.slice|p-n.scope|/p-n.scope"));
  CHECK("systemd: a .slice name is the unit, placed by its own name",
        unit_is("system.slice:ignored:a-b.slice", false,
                "system.slice|a-b.slice|/a.slice/a-b.slice"));
  CHECK("systemd: two parts refused",
        unit_is("/veil/x", false,
                "error: linux.cgroupsPath: \"/veil/x\": with --systemd-cgroup the form is "
                "\"slice:prefix:name\""));
  CHECK("systemd: four parts refused",
        unit_is("a.slice:b:c:d", false,
                "error: linux.cgroupsPath: \"a.slice:b:c:d\": with --systemd-cgroup the form is "
                "\"slice:prefix:name\""));
  CHECK("systemd: empty name refused",
        unit_is("system.slice:p:", false,
                "error: linux.cgroupsPath: \"system.slice:p:\": the name part is empty"));
  CHECK(
      "systemd: slash in slice refused",
      unit_is("user.slice/u-1.slice:p:n", false,
              "error: linux.cgroupsPath: \"user.slice/u-1.slice:p:n\": \"user.slice/u-1.slice\" is "
              "not a slice name (NAME.slice, no '/')"));
  CHECK("systemd: doubled dash refused",
        unit_is("a--b.slice:p:n", false,
                "error: linux.cgroupsPath: \"a--b.slice:p:n\": \"a--b.slice\" is not a valid "
                "slice name"));
  CHECK("systemd: bad character in the unit refused",
        unit_is("system.slice:p:a b", false,
                "error: linux.cgroupsPath: \"system.slice:p:a b\": unit name \"p-a b.scope\" has a "
                "character systemd does not allow"));
}

int main(void)
{
  test_ids();
  test_env_entries();
  test_oci_versions();
  test_mount_options();
  test_numbers();
  test_range_lists();
  test_clean_path();
  test_errors();
  test_process_user_ids();
  test_json_escape();
  test_namespaces();
  test_features();
  test_systemd_unit();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}

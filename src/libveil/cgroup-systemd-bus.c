/* veil — the systemd cgroup driver's D-Bus calls (sd-bus): start a transient unit and wait for
 * its job, set properties, stop and forget a unit.  Built without libsystemd, each call says so. */
#include "config.h"
#include "cgroup-systemd.h"
#include "util.h"

#include <errno.h>
#include <string.h>

#ifdef HAVE_LIBSYSTEMD
#include <dlfcn.h>
#include <systemd/sd-bus.h>
#include <time.h>

/* libsystemd is loaded when the driver is first used, not linked: linked, its shared objects
 * (and theirs: gcrypt, lzma, zstd, lz4) cost every veil command, with or without the driver,
 * about 0.5 ms and 0.8 MB of peak RSS. */
#define SD_FUNCS(X)                                                                                \
  X(sd_bus_open_system)                                                                            \
  X(sd_bus_flush_close_unref)                                                                      \
  X(sd_bus_message_unref)                                                                          \
  X(sd_bus_message_read)                                                                           \
  X(sd_bus_match_signal)                                                                           \
  X(sd_bus_call_method)                                                                            \
  X(sd_bus_error_free)                                                                             \
  X(sd_bus_call)                                                                                   \
  X(sd_bus_process)                                                                                \
  X(sd_bus_wait)                                                                                   \
  X(sd_bus_slot_unref)                                                                             \
  X(sd_bus_message_open_container)                                                                 \
  X(sd_bus_message_close_container)                                                                \
  X(sd_bus_message_append)                                                                         \
  X(sd_bus_message_append_array)                                                                   \
  X(sd_bus_message_new_method_call)

static struct {
#define SD_MEMBER(f) __typeof__(f) *f;
  SD_FUNCS(SD_MEMBER)
#undef SD_MEMBER
} sd;

static int sd_load(veil_error *err)
{
  static void *lib;

  if (lib)
    return 0;
  void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!h)
    return veil_fail(err, 0, "--systemd-cgroup: load libsystemd.so.0: %s", dlerror());
#define SD_LOOKUP(f)                                                                               \
  if (!(*(void **)&sd.f = dlsym(h, #f))) {                                                         \
    dlclose(h);                                                                                    \
    return veil_fail(err, 0, "--systemd-cgroup: libsystemd.so.0 has no %s", #f);                   \
  }
  SD_FUNCS(SD_LOOKUP)
#undef SD_LOOKUP
  lib = h;
  return 0;
}

/* every sd_bus_* call below goes through the table sd_load filled */
#define sd_bus_open_system             sd.sd_bus_open_system
#define sd_bus_flush_close_unref       sd.sd_bus_flush_close_unref
#define sd_bus_message_unref           sd.sd_bus_message_unref
#define sd_bus_message_read            sd.sd_bus_message_read
#define sd_bus_match_signal            sd.sd_bus_match_signal
#define sd_bus_call_method             sd.sd_bus_call_method
#define sd_bus_error_free              sd.sd_bus_error_free
#define sd_bus_call                    sd.sd_bus_call
#define sd_bus_process                 sd.sd_bus_process
#define sd_bus_wait                    sd.sd_bus_wait
#define sd_bus_slot_unref              sd.sd_bus_slot_unref
#define sd_bus_message_open_container  sd.sd_bus_message_open_container
#define sd_bus_message_close_container sd.sd_bus_message_close_container
#define sd_bus_message_append          sd.sd_bus_message_append
#define sd_bus_message_append_array    sd.sd_bus_message_append_array
#define sd_bus_message_new_method_call sd.sd_bus_message_new_method_call

#define SD_DEST  "org.freedesktop.systemd1"
#define SD_PATH  "/org/freedesktop/systemd1"
#define SD_IFACE "org.freedesktop.systemd1.Manager"
/* a scope starts at once; a stop kills what is left, which systemd may wait for */
#define JOB_TIMEOUT_USEC (60ull * 1000000)

static void busp_unref(sd_bus **b)
{
  if (*b)
    sd_bus_flush_close_unref(*b);
}
static void msgp_unref(sd_bus_message **m)
{
  if (*m)
    sd_bus_message_unref(*m);
}
#define cleanup_bus _cleanup_(busp_unref)
#define cleanup_msg _cleanup_(msgp_unref)

static int bus_open(sd_bus **bus, veil_error *err)
{
  if (sd_load(err) < 0)
    return -1;
  int r = sd_bus_open_system(bus);
  if (r < 0)
    return veil_fail(err, -r, "--systemd-cgroup: connect to the system bus");
  return 0;
}

typedef struct job_wait {
  const char *path; /* the job's object path, once the call returned it */
  char *result;     /* "done", "failed", ... once JobRemoved named it */
} job_wait;

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *e)
{
  job_wait *w = data;
  const char *path, *unit, *result;
  uint32_t id;

  (void)e;
  if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->path && !w->result && !strcmp(path, w->path))
    w->result = strdup(result);
  return 0;
}

static uint64_t now_usec(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Runs the call built in m (which returns a job), and waits for JobRemoved of that job.  The
 * match is in place before the call: the signal cannot come before we listen. */
static int call_job(sd_bus *bus, sd_bus_message *m, const char *what, veil_error *err)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  cleanup_msg sd_bus_message *reply = NULL;
  sd_bus_slot *slot = NULL;
  job_wait w = {0};
  int r, rc = -1;

  r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_IFACE, "JobRemoved", on_job_removed, &w);
  if (r < 0)
    return veil_fail(err, -r, "%s: subscribe to systemd's job signals", what);
  /* systemd sends job signals only while some client is subscribed */
  r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "Subscribe", &e, NULL, "");
  sd_bus_error_free(&e);
  if ((r = sd_bus_call(bus, m, 0, &e, &reply)) < 0) {
    veil_fail(err, 0, "%s: %s", what, e.message ? e.message : strerror(-r));
    goto out;
  }
  if ((r = sd_bus_message_read(reply, "o", &w.path)) < 0) {
    veil_fail(err, -r, "%s: systemd's reply", what);
    goto out;
  }
  for (uint64_t end = now_usec() + JOB_TIMEOUT_USEC; !w.result;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) {
      veil_fail(err, -r, "%s: wait for the job", what);
      goto out;
    }
    if (r > 0)
      continue;
    uint64_t now = now_usec();
    if (now >= end) {
      veil_fail(err, ETIMEDOUT, "%s: job %s", what, w.path);
      goto out;
    }
    if ((r = sd_bus_wait(bus, end - now)) < 0 && r != -EINTR) {
      veil_fail(err, -r, "%s: wait for the job", what);
      goto out;
    }
  }
  if (strcmp(w.result, "done")) {
    veil_fail(err, 0, "%s: systemd's job ended \"%s\"", what, w.result);
    goto out;
  }
  rc = 0;
out:
  free(w.result);
  sd_bus_error_free(&e);
  sd_bus_slot_unref(slot);
  return rc;
}

static int append_prop(sd_bus_message *m, const sd_prop *p)
{
  char sig[3] = {p->type, 0, 0};
  int r = sd_bus_message_open_container(m, 'r', "sv");

  if (r >= 0)
    r = sd_bus_message_append(m, "s", p->name);
  if (r < 0)
    return r;
  switch (p->type) {
  case 'y':
    if ((r = sd_bus_message_open_container(m, 'v', "ay")) >= 0 &&
        (r = sd_bus_message_append_array(m, 'y', p->bytes, p->nbytes)) >= 0)
      r = sd_bus_message_close_container(m);
    break;
  case 's':
    r = sd_bus_message_append(m, "v", sig, p->s);
    break;
  case 'b':
    r = sd_bus_message_append(m, "v", sig, (int)p->v.b);
    break;
  case 't':
    r = sd_bus_message_append(m, "v", sig, p->v.t);
    break;
  case 'x':
    r = sd_bus_message_append(m, "v", sig, p->v.x);
    break;
  case 'u':
    r = sd_bus_message_append(m, "v", sig, p->v.u);
    break;
  case 'i':
    r = sd_bus_message_append(m, "v", sig, p->v.i);
    break;
  case 'd':
    r = sd_bus_message_append(m, "v", sig, p->v.d);
    break;
  default:
    r = -EINVAL;
  }
  return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const sd_props *ps)
{
  int r = 0;
  for (size_t i = 0; r >= 0 && i < ps->n; i++)
    r = append_prop(m, &ps->p[i]);
  return r;
}

int sd_unit_start(const char *unit, const char *slice, const char *desc, pid_t pid,
                  const sd_props *ps, veil_error *err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL;
  bool scope = strlen(unit) > 6 && !strcmp(unit + strlen(unit) - 6, ".scope");
  int r;

  if (bus_open(&bus, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE, "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", unit, "replace");
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'a', "(sv)");
  if (r >= 0)
    r = sd_bus_message_append(m, "(sv)", "Description", "s", desc);
  /* a slice's place is its name; a scope is put in its slice, holds the init from the start and
   * hands the container its own subtree (Delegate) */
  if (r >= 0 && !scope)
    r = sd_bus_message_append(m, "(sv)", "Wants", "s", slice);
  if (r >= 0 && scope)
    r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Slice", "s", slice, "Delegate", "b", 1, "PIDs",
                              "au", 1, (uint32_t)pid);
  if (r >= 0)
    r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1,
                              "CPUAccounting", "b", 1, "IOAccounting", "b", 1, "TasksAccounting",
                              "b", 1, "DefaultDependencies", "b", 0);
  if (r >= 0)
    r = append_props(m, ps);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r >= 0)
    r = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (r < 0)
    return veil_fail(err, -r, "--systemd-cgroup: start unit %s", unit);
  return call_job(bus, m, unit, err) < 0 ? veil_error_prefix(err, "--systemd-cgroup: start unit")
                                         : 0;
}

int sd_unit_set(const char *unit, const sd_props *ps, veil_error *err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r;

  if (!ps->n)
    return 0;
  if (bus_open(&bus, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE, "SetUnitProperties");
  if (r >= 0)
    r = sd_bus_message_append(m, "sb", unit, 1);
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'a', "(sv)");
  if (r >= 0)
    r = append_props(m, ps);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r < 0)
    return veil_fail(err, -r, "--systemd-cgroup: set properties of %s", unit);
  r = sd_bus_call(bus, m, 0, &e, &reply);
  if (r < 0)
    veil_fail(err, 0, "--systemd-cgroup: set properties of %s: %s", unit,
              e.message ? e.message : strerror(-r));
  sd_bus_error_free(&e);
  return r < 0 ? -1 : 0;
}

int sd_unit_stop(const char *unit, veil_error *err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  veil_error stop = VEIL_ERROR_INIT;
  int r, rc = 0;

  if (bus_open(&bus, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE, "StopUnit");
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", unit, "replace");
  if (r < 0)
    return veil_fail(err, -r, "--systemd-cgroup: stop unit %s", unit);
  /* a scope whose processes are gone has stopped and may be gone already: that is success */
  if (call_job(bus, m, unit, &stop) < 0 && stop.msg && !strstr(stop.msg, "not loaded") &&
      !strstr(stop.msg, "not found"))
    rc = veil_fail(err, 0, "--systemd-cgroup: stop unit %s", stop.msg);
  veil_error_clear(&stop);
  /* a unit that failed stays listed until reset */
  sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "ResetFailedUnit", &e, NULL, "s", unit);
  sd_bus_error_free(&e);
  return rc;
}

#else

static int no_libsystemd(veil_error *err)
{
  return veil_fail(err, 0,
                   "--systemd-cgroup: veil was built without libsystemd (configure "
                   "--disable-systemd)");
}

int sd_unit_start(const char *unit, const char *slice, const char *desc, pid_t pid,
                  const sd_props *ps, veil_error *err)
{
  (void)unit, (void)slice, (void)desc, (void)pid, (void)ps;
  return no_libsystemd(err);
}

int sd_unit_set(const char *unit, const sd_props *ps, veil_error *err)
{
  (void)unit, (void)ps;
  return no_libsystemd(err);
}

int sd_unit_stop(const char *unit, veil_error *err)
{
  (void)unit;
  return no_libsystemd(err);
}

#endif

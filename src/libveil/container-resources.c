/* veil — update and events: a live container's cgroup, changed or watched. */
#include "config.h"
#include "container-resources.h"
#include "cgroup-resources.h"
#include "cgroup-stats.h"
#include "cgroup-systemd.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* The state and cgroup of a container that is not stopped.  The lock is held only as long as
 * the returned dirfd is open. */
static int open_live(const char *root, const char *id, bool exclusive, const char *what,
                     veil_state_file **s, cgroup_handle **cg, veil_error *err)
{
  cleanup_close int rootfd = -1, dirfd = -1;

  *s = NULL;
  *cg = NULL;
  if (veil_validate_id(id, err) < 0)
    return -1;
  rootfd = state_root_open(root, false, err);
  if (rootfd < 0)
    return veil_fail(err, 0, "container \"%s\" does not exist", id);
  dirfd = state_dir_open(rootfd, id, exclusive, err);
  if (dirfd < 0 || state_read(dirfd, s, err) < 0)
    return -1;
  veil_status st = state_status(dirfd, *s);
  if (st == VEIL_STATUS_STOPPED || st == VEIL_STATUS_CREATING)
    return veil_fail(err, 0, "cannot %s container \"%s\": container is %s", what, id,
                     veil_status_name(st));
  if (cgroup_from_state(*s, cg, err) < 0)
    return -1;
  if (!*cg)
    return veil_fail(err, 0, "cannot %s container \"%s\": it has no cgroup", what, id);
  return steal_fd(&dirfd);
}

int veil_container_update(const char *root, const char *id, const oci_resources *r, veil_error *err)
{
  veil_state_file *s = NULL;
  cgroup_handle *cg = NULL;
  cleanup_close int dirfd = open_live(root, id, true, "update", &s, &cg, err);
  int rc = -1;

  /* systemd's view first: it rewrites the files from its properties when it reloads */
  if (dirfd >= 0 && cgroup_systemd_update(cg, r, err) == 0)
    rc = cgroup_resources_apply(cg, r, err);
  if (rc < 0 && dirfd >= 0)
    veil_error_prefix(err, "update container \"%s\"", id);
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

static uint64_t now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int emit_oom(const char *id, veil_event_fn fn, void *data, veil_error *err)
{
  oci_json_writer *w = oci_json_writer_new(false);
  cleanup_free char *json = NULL;

  if (!w)
    return veil_fail(err, ENOMEM, "events");
  oci_json_map_open(w);
  oci_json_key(w, "type");
  oci_json_string(w, "oom");
  oci_json_key(w, "id");
  oci_json_string(w, id);
  oci_json_map_close(w);
  json = oci_json_writer_finish(w, NULL);
  if (!json)
    return veil_fail(err, ENOMEM, "events");
  return fn(json, data) < 0 ? veil_fail(err, errno, "events: write") : 0;
}

static int emit_stats(const cgroup_handle *cg, const char *id, veil_event_fn fn, void *data,
                      veil_error *err)
{
  cleanup_free char *json = NULL;

  if (cgroup_stats_json(cg, id, &json, err) < 0)
    return -1;
  return fn(json, data) < 0 ? veil_fail(err, errno, "events: write") : 0;
}

int veil_container_events(const char *root, const char *id, uint64_t interval_ms, bool stats,
                          veil_event_fn fn, void *data, veil_error *err)
{
  veil_state_file *s = NULL;
  cgroup_handle *cg = NULL;
  int dirfd = open_live(root, id, false, "watch", &s, &cg, err);
  int rc = -1;

  if (dirfd < 0)
    goto out;
  /* not holding the lock while streaming: delete and update must not wait for us */
  close(dirfd);
  if (stats) {
    rc = emit_stats(cg, id, fn, data, err);
    goto out;
  }
  uint64_t ooms = cgroup_oom_kills(cg), next = now_ms();
  for (;;) {
    bool alive = state_init_alive(s);
    uint64_t n = cgroup_oom_kills(cg);
    if (n > ooms && emit_oom(id, fn, data, err) < 0)
      goto out;
    ooms = n > ooms ? n : ooms;
    if (!alive)
      break;
    if (now_ms() >= next) {
      if (emit_stats(cg, id, fn, data, err) < 0)
        goto out;
      next += interval_ms ? interval_ms : 5000;
    }
    /* OOM kills are polled every 100ms at most, however long the stats interval */
    uint64_t t = now_ms(), wait = next > t ? next - t : 0;
    if (wait > 100)
      wait = 100;
    struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
      ;
  }
  rc = 0;
out:
  cgroup_handle_free(cg);
  veil_state_file_free(s);
  return rc;
}

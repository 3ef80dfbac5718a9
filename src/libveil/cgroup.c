/* veil — cgroups: which hierarchies the host has, where a container's directory goes in each,
 * and the operations on the set (enter, pids, kill, destroy, persistence in state.json).
 *
 * The hierarchies are those mounted in our mount namespace (/proc/self/mountinfo) that we are a
 * member of (/proc/self/cgroup): a v1 hierarchy per mount (one or more controllers, or a named
 * one like name=systemd) and at most one cgroup2.  cgroup-v1.c and cgroup-v2.c do what differs. */
#include "config.h"
#include "cgroup-internal.h"
#include "cgroup-systemd.h"
#include "state.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- files ------------------------------------------------------------------------------- */

int cg_write(const char *dir, const char *file, const char *value, veil_error *err)
{
  char path[4096];
  cleanup_close int fd = -1;
  size_t len = strlen(value);

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, value, len) != (ssize_t)len)
    return veil_fail(err, errno, "write %s", path);
  return 0;
}

int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
  char path[4096];
  cleanup_close int fd = -1;
  ssize_t n;

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read(fd, buf, size - 1);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return 0;
}

/* ---- the host's hierarchies -------------------------------------------------------------- */

typedef struct hierarchy {
  char *mnt;   /* mount point */
  char *root;  /* the mount's root inside the hierarchy (not "/" for a bind or in a cgroupns) */
  char *ctrls; /* v1 controllers; "unified" for cgroup2 */
  char *own;   /* our cgroup in it, from /proc/self/cgroup */
  bool v2;
} hierarchy;

static void hierarchies_free(hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(h[i].mnt);
    free(h[i].root);
    free(h[i].ctrls);
    free(h[i].own);
  }
  free(h);
}

/* Is word one of the comma-separated items of list? */
static bool list_has(const char *list, const char *word)
{
  size_t wl = strlen(word);

  for (const char *p = list; p && *p;) {
    size_t l = strcspn(p, ",");
    if (l == wl && !strncmp(p, word, wl))
      return true;
    p += l + (p[l] == ',');
  }
  return false;
}

/* The mount of a hierarchy: v1 by one of its controllers in the super options, or cgroup2.  The
 * first one found wins (a later bind of a sub-directory would have another root). */
static int find_mount(bool v2, const char *ctrl, char **mnt, char **root)
{
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char *line = NULL;
  size_t cap = 0;
  int rc = -1;

  if (!f)
    return -1;
  while (getline(&line, &cap, f) > 0) {
    char *fields[16], *save = NULL, *dash;
    int n = 0;
    dash = strstr(line, " - ");
    if (!dash)
      continue;
    *dash = '\0';
    for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
      fields[n++] = t;
    char *fstype = strtok_r(dash + 3, " ", &save);
    strtok_r(NULL, " ", &save); /* source */
    char *super = strtok_r(NULL, " \n", &save);
    if (n < 6 || !fstype || !super)
      continue;
    if (v2 ? strcmp(fstype, "cgroup2") : (strcmp(fstype, "cgroup") || !list_has(super, ctrl)))
      continue;
    *mnt = strdup(fields[4]);
    *root = strdup(fields[3]);
    rc = *mnt && *root ? 0 : -1;
    break;
  }
  free(line);
  fclose(f);
  return rc;
}

static int hierarchies_find(hierarchy **out, size_t *n, veil_error *err)
{
  FILE *f = fopen("/proc/self/cgroup", "re");
  char *line = NULL;
  size_t cap = 0, count = 0;
  hierarchy *hs = NULL;

  *out = NULL;
  *n = 0;
  if (!f)
    return veil_fail(err, errno, "open /proc/self/cgroup");
  while (getline(&line, &cap, f) > 0) {
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c1 = *c2 = '\0';
    c2[1 + strcspn(c2 + 1, "\n")] = '\0';
    bool v2 = !strcmp(line, "0") && !c1[1];
    char first[256];
    snprintf(first, sizeof(first), "%.*s", (int)strcspn(c1 + 1, ","), c1 + 1);
    hierarchy h = {.v2 = v2};
    if (find_mount(v2, first, &h.mnt, &h.root) < 0) {
      free(h.mnt);
      free(h.root);
      continue; /* not mounted here: not ours to use */
    }
    h.ctrls = strdup(v2 ? "unified" : c1 + 1);
    h.own = strdup(c2 + 1);
    hierarchy *nh = h.ctrls && h.own ? realloc(hs, (count + 1) * sizeof(*hs)) : NULL;
    if (!nh) {
      free(h.mnt), free(h.root), free(h.ctrls), free(h.own);
      hierarchies_free(hs, count);
      free(line);
      fclose(f);
      return veil_fail(err, ENOMEM, "cgroups");
    }
    hs = nh;
    hs[count++] = h;
  }
  free(line);
  fclose(f);
  if (count == 0)
    return veil_fail(err, 0, "cgroups: no cgroup hierarchy is mounted");
  *out = hs;
  *n = count;
  return 0;
}

static cgroup_layout layout_of(const hierarchy *hs, size_t n)
{
  bool v1 = false, v2 = false;

  for (size_t i = 0; i < n; i++)
    *(hs[i].v2 ? &v2 : &v1) = true;
  return v1 && v2 ? CGROUP_HYBRID : v2 ? CGROUP_V2 : CGROUP_V1;
}

int cgroup_detect(cgroup_layout *out, veil_error *err)
{
  hierarchy *hs;
  size_t n;

  if (hierarchies_find(&hs, &n, err) < 0)
    return -1;
  *out = layout_of(hs, n);
  hierarchies_free(hs, n);
  return 0;
}

/* ---- create ------------------------------------------------------------------------------ */

static const char *layout_name(cgroup_layout l)
{
  return l == CGROUP_V1 ? "v1" : l == CGROUP_V2 ? "v2" : "hybrid";
}

void cgroup_handle_free(cgroup_handle *h)
{
  if (!h)
    return;
  for (size_t i = 0; i < h->n; i++) {
    free(h->dirs[i].path);
    free(h->dirs[i].ctrls);
  }
  free(h->dirs);
  free(h->sd_unit);
  free(h->sd_slice);
  free(h->sd_desc);
  if (h->v2fd >= 0)
    close(h->v2fd);
  free(h);
}

cgroup_layout cgroup_handle_layout(const cgroup_handle *h)
{
  return h->layout;
}

/* The cgroupsPath components, checked: ".." would leave the hierarchy's subtree it names. */
static int check_path(const char *p, veil_error *err)
{
  for (const char *c = p; *c;) {
    size_t l = strcspn(c, "/");
    if (l == 2 && !strncmp(c, "..", 2))
      return veil_fail(err, 0, "linux.cgroupsPath: \"%s\": \"..\" is not allowed", p);
    c += l + (c[l] == '/');
  }
  return 0;
}

/* The directory of cgpath in hierarchy h, normalised (no "//", no ".").  A relative path is
 * below our own cgroup of a v1 hierarchy, and below its parent on cgroup2, as runc places it:
 * our own cgroup2 directory holds processes (us), so by the no-internal-process rule it could
 * not hand controllers down to a child. */
static char *dir_for(const hierarchy *h, const char *cgpath)
{
  const char *own = h->own;
  size_t rl = strlen(h->root);
  cleanup_free char *base = NULL;
  char *joined, *out;
  size_t o;

  /* our cgroup as seen below the mount's root */
  if (strcmp(h->root, "/") && !strncmp(own, h->root, rl) && (own[rl] == '/' || !own[rl]))
    own += rl;
  if (!(base = strdup(own)))
    return NULL;
  if (h->v2) {
    char *slash = strrchr(base, '/');
    if (slash)
      *slash = '\0';
  }
  joined = cgpath[0] == '/' ? veil_strdup_printf("%s/%s", h->mnt, cgpath)
                            : veil_strdup_printf("%s/%s/%s", h->mnt, base, cgpath);
  if (!joined)
    return NULL;
  out = malloc(strlen(joined) + 2);
  if (!out) {
    free(joined);
    return NULL;
  }
  o = 0;
  for (const char *c = joined; *c;) {
    size_t l = strcspn(c, "/");
    if (l && !(l == 1 && c[0] == '.')) {
      out[o++] = '/';
      memcpy(out + o, c, l);
      o += l;
    }
    c += l + (c[l] == '/');
  }
  out[o] = '\0';
  free(joined);
  return out;
}

/* mkdir -p below the mount point; returns how many trailing components were new, -1 on error.
 * A component that vanishes meanwhile (another container's delete removing a shared parent)
 * makes it start over. */
static int make_dir(const cg_dir *d, veil_error *err)
{
  const char *dir = d->path;
  size_t ml = d->mnt_len;

  for (int attempt = 0; attempt < 5; attempt++) {
    cleanup_free char *p = strdup(dir);
    int made = 0;
    bool retry = false;
    if (!p)
      return veil_fail(err, ENOMEM, "cgroup %s", dir);
    for (char *c = p + ml + 1; c <= p + strlen(dir) && !retry; c++) {
      if (*c != '/' && *c != '\0')
        continue;
      char save = *c;
      *c = '\0';
      if (mkdir(p, 0755) == 0) {
        made++;
      } else if (errno == ENOENT) {
        retry = true;
      } else if (errno != EEXIST) {
        return veil_fail(err, errno, "create cgroup %s", p);
      } else if (made) {
        made = 0; /* someone else made this one; what we made above is still ours */
      }
      /* an existing parent with an empty cpuset (a pod directory made by hand) would make the
       * join fail with ENOSPC just as well as a new one: as runc, both get their parent's */
      if (!retry && !d->v2 && list_has(d->ctrls, "cpuset") && cg_v1_init_cpuset(p, err) < 0)
        return -1;
      *c = save;
      if (save == '\0')
        break;
    }
    if (!retry)
      return made;
  }
  return veil_fail(err, ENOENT, "create cgroup %s", dir);
}

static int rm_dir(const cg_dir *d);

/* How many trailing components of path below the mount point do not exist yet: what make_dir
 * will create, unless another container's create makes one of them first. */
static int missing_components(const char *path, size_t mnt_len)
{
  cleanup_free char *p = strdup(path);
  struct stat st;
  int n = 0;

  while (p && strlen(p) > mnt_len && stat(p, &st) < 0 && errno == ENOENT) {
    n++;
    *strrchr(p, '/') = '\0';
  }
  return n;
}

static bool wants_limits(const oci_linux *l)
{
  const oci_resources *r = l ? l->resources : NULL;

  return r && (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len ||
               r->network || r->rdma_len || r->unified.len);
}

int cgroup_plan(const char *id, const oci_linux *l, bool rootless, cgroup_handle **out,
                veil_error *err)
{
  hierarchy *hs = NULL;
  size_t n = 0;
  cleanup_free char *dflt = NULL;
  const char *cgpath = l ? l->cgroups_path : NULL;
  cgroup_handle *h;

  *out = NULL;
  /* as runc: without a path the container's cgroup is ID next to (v2) or below (v1) ours */
  if (!cgpath || !*cgpath)
    cgpath = dflt = strdup(id);
  if (!cgpath)
    return veil_fail(err, ENOMEM, "cgroups");
  if (check_path(cgpath, err) < 0 || hierarchies_find(&hs, &n, err) < 0)
    return -1;
  h = calloc(1, sizeof(*h));
  if (!h || !(h->dirs = calloc(n, sizeof(*h->dirs)))) {
    free(h);
    hierarchies_free(hs, n);
    return veil_fail(err, ENOMEM, "cgroups");
  }
  h->v2fd = -1;
  h->layout = layout_of(hs, n);
  h->default_path = dflt != NULL;
  h->rootless = rootless;
  h->wants_limits = wants_limits(l);
  /* as runc: a user cannot be given v1 hierarchies, so a rootless container has no v1 cgroup
   * and no limits there; on a hybrid host a cgroup2 subtree delegated to the user still holds
   * it (placement, freeze, kill), and cgroup_make stays in the caller's when it is not */
  if (rootless && h->layout != CGROUP_V2) {
    if (h->wants_limits)
      veil_warn("linux.resources: ignored: a rootless container has no cgroup on cgroup v1");
    h->limits_ignored = true;
    if (h->layout == CGROUP_V1) {
      cgroup_handle_free(h);
      hierarchies_free(hs, n);
      return 0;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (h->limits_ignored && !hs[i].v2)
      continue;
    cg_dir *d = &h->dirs[h->n++];
    d->v2 = hs[i].v2;
    d->path = dir_for(&hs[i], cgpath);
    d->ctrls = strdup(hs[i].ctrls);
    d->mnt_len = strlen(hs[i].mnt);
    if (!d->path || !d->ctrls) {
      veil_fail(err, ENOMEM, "cgroups");
      goto fail;
    }
    if (!strcmp(d->path, hs[i].mnt)) {
      veil_fail(err, 0, "linux.cgroupsPath: \"%s\" is the root of %s", cgpath, hs[i].mnt);
      goto fail;
    }
    d->created = missing_components(d->path, d->mnt_len);
  }
  hierarchies_free(hs, n);
  *out = h;
  return 0;
fail:
  cgroup_handle_free(h);
  hierarchies_free(hs, n);
  return -1;
}

/* The directory of d, made; what the v2 controllers and the v1 cpuset need in it. */
static int make_one(cgroup_handle *h, cg_dir *d, veil_error *err)
{
  int made = make_dir(d, err);

  if (made < 0)
    return -1;
  d->created = made;
  if (d->v2 && made > 1) {
    /* hand the controllers down through the directories we made, not above them */
    cleanup_free char *p = strdup(d->path);
    for (int k = 0; p && k < made - 1; k++)
      *strrchr(p, '/') = '\0';
    for (int k = made - 1; p && k > 0; k--) {
      cg_v2_enable_controllers(p);
      p[strlen(p)] = '/';
    }
  }
  if (d->v2) {
    h->v2fd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (h->v2fd < 0)
      return veil_fail(err, errno, "open cgroup %s", d->path);
  }
  return 0;
}

static const cg_dir *primary(const cgroup_handle *h);

/* runc 1.1's warning, word for word (tools match on it): the container shares its cgroup with
 * processes that are not its own, which pause, for one, freezes with it. */
static void warn_if_populated(const cgroup_handle *h)
{
  const cg_dir *d = primary(h);
  pid_t *pids = NULL;
  size_t n = 0;

  if (d && d->created == 0 && cgroup_pids(h, &pids, &n, NULL) == 0 && n > 0)
    veil_warn("container's cgroup is not empty: %zu process(es) found", n);
  free(pids);
}

int cgroup_make(cgroup_handle **hp, veil_error *err)
{
  cgroup_handle *h = *hp;
  size_t i;

  /* systemd makes the unit's directory when it starts the unit with the init in it */
  if (!h || h->sd_unit)
    return 0;
  for (i = 0; i < h->n; i++)
    if (make_one(h, &h->dirs[i], err) < 0)
      break;
  if (i == h->n) {
    warn_if_populated(h);
    return 0;
  }
  for (size_t k = 0; k <= i; k++)
    rm_dir(&h->dirs[k]);
  /* as runc rootless: without a delegated cgroup an unprivileged user runs the container in its
   * own cgroups, unless the config asked for a path */
  bool stay = (h->rootless || (geteuid() != 0 && h->default_path)) && err &&
              (err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS);
  bool quiet = h->rootless && (!h->wants_limits || h->limits_ignored);
  cgroup_handle_free(h);
  *hp = NULL;
  if (!stay)
    return -1;
  if (!quiet)
    veil_warn("%s (the container stays in the caller's cgroups)", err->msg);
  veil_error_clear(err);
  return 0;
}

/* ---- operations -------------------------------------------------------------------------- */

int cgroup_v2_dirfd(const cgroup_handle *h)
{
  return h ? h->v2fd : -1;
}

static const cg_dir *dir_of(const cgroup_handle *h, const char *controller);

/* d->path/sub, which must be a directory that exists: exec joins, it never creates */
static int descend_dir(cgroup_handle *h, cg_dir *d, const char *sub, veil_error *err)
{
  struct stat st;
  cleanup_free char *p = veil_strdup_printf("%s/%s", d->path, sub);

  if (!p)
    return veil_fail(err, ENOMEM, "--cgroup");
  if (stat(p, &st) < 0)
    return veil_fail(err, errno, "--cgroup: %s", p);
  if (!S_ISDIR(st.st_mode))
    return veil_fail(err, ENOTDIR, "--cgroup: %s", p);
  if (d->v2) {
    int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return veil_fail(err, errno, "--cgroup: open %s", p);
    if (h->v2fd >= 0)
      close(h->v2fd);
    h->v2fd = fd;
  }
  free(d->path);
  d->path = p;
  p = NULL;
  d->created = 0;
  return 0;
}

int cgroup_descend(cgroup_handle *h, const char *spec, veil_error *err)
{
  const char *colon = strchr(spec, ':');
  const char *sub = colon ? colon + 1 : spec;
  cleanup_free char *ctrls = colon ? strndup(spec, (size_t)(colon - spec)) : NULL;

  if (!h)
    return veil_fail(err, 0, "--cgroup %s: the container has no cgroup", spec);
  if (colon && !ctrls)
    return veil_fail(err, ENOMEM, "--cgroup");
  if (!*sub || sub[0] == '/' || check_path(sub, NULL) < 0)
    return veil_fail(err, 0,
                     "--cgroup %s: \"%s\" is not a relative path inside the container's cgroup",
                     spec, sub);
  if (!colon) {
    for (size_t i = 0; i < h->n; i++)
      if (descend_dir(h, &h->dirs[i], sub, err) < 0)
        return -1;
    return 0;
  }
  char *save = NULL;
  /* "" is cgroup2's name, as in runc's ":SUB" */
  if (!*ctrls) {
    cg_dir *d = (cg_dir *)dir_of(h, "");
    if (!d)
      return veil_fail(err, 0, "--cgroup %s: the container has no cgroup2 directory", spec);
    return descend_dir(h, d, sub, err);
  }
  for (char *c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
    cg_dir *d = (cg_dir *)dir_of(h, c);
    if (!d)
      return veil_fail(err, 0, "--cgroup %s: the container has no %s cgroup", spec, c);
    if (descend_dir(h, d, sub, err) < 0)
      return -1;
  }
  return 0;
}

int cgroup_enter(const cgroup_handle *h, pid_t pid, bool v1_done, veil_error *err)
{
  char buf[32];

  snprintf(buf, sizeof(buf), "%d", (int)pid);
  for (size_t i = 0; i < h->n; i++) {
    /* clone3 put it there already: another write would only take the attach lock again */
    if (h->dirs[i].v2 ? h->v2fd >= 0 : v1_done)
      continue;
    if (cg_write(h->dirs[i].path, h->dirs[i].v2 || pid ? "cgroup.procs" : "tasks", buf, err) < 0)
      return veil_error_prefix(err, "join cgroup");
  }
  return 0;
}

int cgroup_open_v1_tasks(const cgroup_handle *h, int fds[CGROUP_V1_MAX], size_t *n, veil_error *err)
{
  *n = 0;
  for (size_t i = 0; h && i < h->n; i++) {
    if (h->dirs[i].v2)
      continue;
    cleanup_free char *path = veil_strdup_printf("%s/tasks", h->dirs[i].path);
    int fd = *n < CGROUP_V1_MAX && path ? open(path, O_WRONLY | O_CLOEXEC) : -1;
    if (fd < 0) {
      veil_fail(err, *n < CGROUP_V1_MAX ? errno : E2BIG, "join cgroup: open %s/tasks",
                h->dirs[i].path);
      veil_close_all(fds, *n);
      *n = 0;
      return -1;
    }
    fds[(*n)++] = fd;
  }
  return 0;
}

int cgroup_enter_self(int fds[CGROUP_V1_MAX], size_t n, veil_error *err)
{
  int rc = 0;

  for (size_t i = 0; i < n && rc == 0; i++)
    if (write(fds[i], "0", 1) != 1)
      rc = veil_fail(err, errno, "join cgroup: move into the v1 hierarchy %zu", i);
  veil_close_all(fds, n);
  return rc;
}

static const cg_dir *dir_of(const cgroup_handle *h, const char *controller)
{
  bool v2 = !*controller || !strcmp(controller, "unified");

  for (size_t i = 0; h && i < h->n; i++)
    if (v2 ? h->dirs[i].v2 : (!h->dirs[i].v2 && list_has(h->dirs[i].ctrls, controller)))
      return &h->dirs[i];
  return NULL;
}

const cg_dir *cg_dir_of(const cgroup_handle *h, const char *controller)
{
  return dir_of(h, controller);
}

const char *cgroup_path(const cgroup_handle *h, const char *controller)
{
  const cg_dir *d = dir_of(h, controller);

  return d ? d->path : NULL;
}

/* Where the processes are listed and killed: cgroup2 when there is one (it holds every process
 * whatever the v1 controllers), else the freezer's hierarchy, else any. */
static const cg_dir *primary(const cgroup_handle *h)
{
  const cg_dir *d = dir_of(h, "");

  if (!d)
    d = dir_of(h, "freezer");
  return d ? d : (h->n ? &h->dirs[0] : NULL);
}

bool cgroup_owned(const cgroup_handle *h)
{
  const cg_dir *d = primary(h);

  return d && d->created > 0;
}

int cgroup_freeze(const cgroup_handle *h, bool frozen, veil_error *err)
{
  const cg_dir *d = dir_of(h, "freezer");

  if (d)
    return cg_v1_freeze(d->path, frozen, err);
  if ((d = dir_of(h, "")))
    return cg_v2_freeze(d->path, frozen, err);
  return veil_fail(err, 0, "no freezer: neither the v1 freezer nor cgroup2 is mounted");
}

bool cgroup_is_frozen(const cgroup_handle *h)
{
  const cg_dir *d = dir_of(h, "freezer");

  if (d)
    return cg_v1_is_frozen(d->path);
  return (d = dir_of(h, "")) && cg_v2_is_frozen(d->path);
}

const char *cgroup_frozen_dir(const cgroup_handle *h)
{
  const cg_dir *d = dir_of(h, "freezer");

  if (d && cg_v1_is_frozen_effective(d->path))
    return d->path;
  d = dir_of(h, "");
  return d && cg_v2_is_frozen_effective(d->path) ? d->path : NULL;
}

static int add_pids(int dfd, pid_t **pids, size_t *n, size_t *cap, int depth)
{
  cleanup_close int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
  DIR *dir;
  struct dirent *de;
  int pid;

  if (!f)
    return -1;
  fd = -1;
  while (fscanf(f, "%d", &pid) == 1) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 32;
      pid_t *np = realloc(*pids, *cap * sizeof(pid_t));
      if (!np) {
        fclose(f);
        return -1;
      }
      *pids = np;
    }
    (*pids)[(*n)++] = pid;
  }
  fclose(f);
  if (depth > 64)
    return 0;
  int dup = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = dup >= 0 ? fdopendir(dup) : NULL;
  if (!dir) {
    if (dup >= 0)
      close(dup);
    return 0;
  }
  while ((de = readdir(dir))) {
    if (de->d_type != DT_DIR || de->d_name[0] == '.')
      continue;
    cleanup_close int sub = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sub >= 0)
      add_pids(sub, pids, n, cap, depth + 1);
  }
  closedir(dir);
  return 0;
}

int cgroup_pids(const cgroup_handle *h, pid_t **pids, size_t *n, veil_error *err)
{
  const cg_dir *d = primary(h);
  cleanup_close int fd = -1;
  size_t cap = 0;

  *pids = NULL;
  *n = 0;
  if (!d)
    return 0;
  fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || add_pids(fd, pids, n, &cap, 0) < 0) {
    free(*pids);
    *pids = NULL;
    *n = 0;
    return veil_fail(err, errno, "read %s/cgroup.procs", d->path);
  }
  return 0;
}

int cgroup_kill_all(const cgroup_handle *h, int sig, veil_error *err)
{
  const cg_dir *v2 = dir_of(h, "");
  pid_t *pids = NULL;
  size_t n = 0;
  bool was_frozen, froze = false;

  if (v2 && sig == SIGKILL) {
    int r = cg_v2_kill(v2->path, err);
    const cg_dir *fz = dir_of(h, "freezer");
    /* hybrid: a process the v1 freezer holds dies only once thawed */
    if (r == 0 && fz && cg_v1_is_frozen(fz->path))
      cg_v1_freeze(fz->path, false, NULL);
    if (r <= 0)
      return r;
  }
  /* frozen, nothing can fork a process we would miss */
  was_frozen = cgroup_is_frozen(h);
  if (!was_frozen && cgroup_freeze(h, true, NULL) == 0)
    froze = true;
  int rc = cgroup_pids(h, &pids, &n, err);
  for (size_t i = 0; rc == 0 && i < n; i++)
    kill(pids[i], sig);
  free(pids);
  /* a frozen (v1) process dies of SIGKILL only once thawed */
  if (froze || (was_frozen && sig == SIGKILL))
    cgroup_freeze(h, false, NULL);
  return rc;
}

/* Waits (bounded) until the cgroup has no process left. */
static bool wait_empty(const cgroup_handle *h)
{
  struct timespec ts = {0, 1000000};

  for (int i = 0; i < 1000; i++) {
    pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(h, &pids, &n, NULL) < 0 || n == 0) {
      free(pids);
      return true;
    }
    free(pids);
    nanosleep(&ts, NULL);
    if (ts.tv_nsec < 10000000)
      ts.tv_nsec *= 2;
  }
  return false;
}

/* rmdir, retried while the kernel still counts a process that is exiting (EBUSY). */
static int rmdir_retry(const char *path)
{
  struct timespec ts = {0, 1000000};

  for (int i = 0; i < 200; i++) {
    if (rmdir(path) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      return -1;
    nanosleep(&ts, NULL);
    if (ts.tv_nsec < 10000000)
      ts.tv_nsec *= 2;
  }
  return -1;
}

/* Sub-cgroups the container made itself go first (depth first). */
static void rm_children(const char *path, int depth)
{
  DIR *dir = opendir(path);
  struct dirent *de;

  if (!dir)
    return;
  while ((de = readdir(dir))) {
    if (de->d_type != DT_DIR || de->d_name[0] == '.')
      continue;
    cleanup_free char *sub = veil_strdup_printf("%s/%s", path, de->d_name);
    if (sub && depth < 64) {
      rm_children(sub, depth + 1);
      rmdir_retry(sub);
    }
  }
  closedir(dir);
}

/* The leaf and the parents create made, bottom up; a parent another container still uses is
 * not empty and stays. */
static int rm_dir(const cg_dir *d)
{
  cleanup_free char *p = d->created > 0 ? strdup(d->path) : NULL;

  if (!p)
    return 0;
  rm_children(p, 0);
  if (rmdir_retry(p) < 0)
    return -1;
  for (int k = 1; k < d->created; k++) {
    *strrchr(p, '/') = '\0';
    if (rmdir(p) < 0)
      break;
  }
  return 0;
}

int cgroup_destroy(cgroup_handle *h, veil_error *err)
{
  int rc = 0;

  if (!h)
    return 0;
  if (cgroup_owned(h)) {
    veil_error ignored = VEIL_ERROR_INIT;
    cgroup_kill_all(h, SIGKILL, &ignored);
    veil_error_clear(&ignored);
    wait_empty(h);
  }
  /* systemd removes the unit's directory (and what the container made below it) */
  if (h->sd_unit && cgroup_systemd_stop(h, err) < 0)
    rc = -1;
  for (size_t i = 0; i < h->n; i++) {
    if (rm_dir(&h->dirs[i]) < 0 && rc == 0)
      rc = veil_fail(err, errno, "remove cgroup %s", h->dirs[i].path);
  }
  cgroup_handle_free(h);
  return rc;
}

void cgroup_remove_unused(cgroup_handle *h)
{
  for (size_t i = 0; h && i < h->n; i++)
    rm_dir(&h->dirs[i]);
  cgroup_handle_free(h);
}

/* ---- state.json -------------------------------------------------------------------------- */

#define FLAG_LAYOUT  "cgroup-layout="
#define FLAG_CREATED "cgroup-created="
#define FLAG_UNIT    "cgroup-systemd-unit="

/* What s says of a cgroup goes: create writes the plan first, then what it made. */
static void state_drop_cgroup(veil_state_file *s)
{
  size_t kept = 0;

  oci_map_clear(&s->cgroup_paths);
  for (size_t i = 0; i < s->flags_len; i++) {
    if (!strncmp(s->flags[i], "cgroup-", strlen("cgroup-")))
      free(s->flags[i]);
    else
      s->flags[kept++] = s->flags[i];
  }
  s->flags_len = kept;
  if (s->flags)
    s->flags[kept] = NULL;
}

int cgroup_to_state(const cgroup_handle *h, veil_state_file *s, veil_error *err)
{
  state_drop_cgroup(s);
  if (!h)
    return 0;
  if (state_flag_add(s, veil_strdup_printf(FLAG_LAYOUT "%s", layout_name(h->layout))) < 0)
    return veil_fail(err, ENOMEM, "cgroups");
  if (h->sd_unit && state_flag_add(s, veil_strdup_printf(FLAG_UNIT "%s", h->sd_unit)) < 0)
    return veil_fail(err, ENOMEM, "cgroups");
  for (size_t i = 0; i < h->n; i++) {
    const cg_dir *d = &h->dirs[i];
    for (const char *c = d->ctrls; *c;) {
      size_t l = strcspn(c, ",");
      char key[256];
      snprintf(key, sizeof(key), "%.*s", (int)l, c);
      if (oci_map_set(&s->cgroup_paths, key, d->path) < 0)
        return veil_fail(err, ENOMEM, "cgroups");
      c += l + (c[l] == ',');
    }
    if (d->created > 0 &&
        state_flag_add(s, veil_strdup_printf(FLAG_CREATED "%d:%s", d->created, d->path)) < 0)
      return veil_fail(err, ENOMEM, "cgroups");
  }
  return 0;
}

int cgroup_from_state(const veil_state_file *s, cgroup_handle **out, veil_error *err)
{
  cgroup_handle *h;

  *out = NULL;
  if (s->cgroup_paths.len == 0)
    return 0;
  h = calloc(1, sizeof(*h));
  if (!h || !(h->dirs = calloc(s->cgroup_paths.len, sizeof(*h->dirs)))) {
    free(h);
    return veil_fail(err, ENOMEM, "cgroups");
  }
  h->v2fd = -1;
  h->layout = CGROUP_V1;
  for (size_t i = 0; i < s->cgroup_paths.len; i++) {
    const char *key = s->cgroup_paths.keys[i], *path = s->cgroup_paths.values[i];
    cg_dir *d = NULL;
    if (!path || path[0] != '/')
      continue;
    for (size_t j = 0; j < h->n && !d; j++)
      if (!strcmp(h->dirs[j].path, path))
        d = &h->dirs[j];
    if (d) {
      /* another controller of the same v1 hierarchy */
      char *c = veil_strdup_printf("%s,%s", d->ctrls, key);
      if (!c)
        goto nomem;
      free(d->ctrls);
      d->ctrls = c;
      continue;
    }
    d = &h->dirs[h->n++];
    d->path = strdup(path);
    d->ctrls = strdup(key);
    d->v2 = !strcmp(key, "unified");
    if (!d->path || !d->ctrls)
      goto nomem;
  }
  for (size_t i = 0; i < s->flags_len; i++) {
    const char *f = s->flags[i];
    if (!strncmp(f, FLAG_LAYOUT, strlen(FLAG_LAYOUT))) {
      f += strlen(FLAG_LAYOUT);
      h->layout = !strcmp(f, "v2") ? CGROUP_V2 : !strcmp(f, "hybrid") ? CGROUP_HYBRID : CGROUP_V1;
    } else if (!strncmp(f, FLAG_UNIT, strlen(FLAG_UNIT))) {
      free(h->sd_unit);
      if (!(h->sd_unit = strdup(f + strlen(FLAG_UNIT))))
        goto nomem;
    } else if (!strncmp(f, FLAG_CREATED, strlen(FLAG_CREATED))) {
      char *end;
      long made = strtol(f + strlen(FLAG_CREATED), &end, 10);
      for (size_t j = 0; *end == ':' && j < h->n; j++)
        if (!strcmp(h->dirs[j].path, end + 1))
          h->dirs[j].created = made > 0 && made < 4096 ? (int)made : 0;
    }
  }
  const cg_dir *v2 = dir_of(h, "");
  if (v2)
    h->v2fd = open(v2->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  *out = h;
  return 0;
nomem:
  cgroup_handle_free(h);
  return veil_fail(err, ENOMEM, "cgroups");
}

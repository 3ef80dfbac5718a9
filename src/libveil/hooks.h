/* veil — OCI lifecycle hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle").
 *
 * Where each phase runs (DESIGN §3):
 *   prestart, createRuntime  veil create, runtime namespaces, before SYNC_GO (container.c)
 *   createContainer          the container init, container namespaces, before pivot_root (init.c)
 *   startContainer           the container init after `veil start` opened exec.fifo (init.c)
 *   poststart                veil start / run, once the user process runs (container.c)
 *   poststop                 veil delete / run / a failed create, once the container is gone
 */
#ifndef VEIL_HOOKS_H
#define VEIL_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"
#include "util.h"

/* The array and the length of one phase of a possibly absent hooks object, as two arguments:
 * hooks_run(HOOKS(cfg->hooks, prestart), "prestart", ...). */
#define HOOKS(h, phase) ((h) ? (h)->phase : NULL), ((h) ? (h)->phase##_len : 0)

/* The phases above, by their config.json names. */
void hooks_phase_names(veil_name_fn fn, void *data);

/* What runtime.md "State" says a hook gets on stdin, and where the hook runs.  A hook without
 * `env` gets env (NULL: the runtime's own environment, as runc passes it), and runs in cwd
 * (NULL: the runtime's).  As runc 1.1.5: the runtime's hooks run in the bundle directory with
 * the runtime's environment; createContainer in the rootfs with process.env; startContainer in
 * process.cwd with process.env (and HOME). */
typedef struct hook_state {
  const char *id;
  const char *status; /* creating, created, running, stopped */
  pid_t pid;          /* as the host sees it; 0 once stopped */
  const char *bundle;
  const oci_map *annotations; /* may be NULL */
  const char *cwd;
  char *const *env; /* NULL-terminated */
} hook_state;

/* The state as OCI JSON, malloc'd. */
char *hooks_state_json(const hook_state *s, veil_error *err);

/* Runs the hooks in order, each with STATE_JSON on stdin, the runtime's stdout and stderr, its
 * own args, its env (else s->env) and nothing else, in s->cwd; the first failure stops the rest
 * and becomes "hooks.PHASE[i]: ...".  A hook with a timeout is killed (its process group) when
 * it overruns. */
int hooks_run(const oci_hook *hooks, size_t n, const char *phase, const char *state_json,
              const hook_state *s, veil_error *err);

/* hooks_run with the JSON built from S, only when there is a hook to run. */
int hooks_run_state(const oci_hook *hooks, size_t n, const char *phase, const hook_state *s,
                    veil_error *err);

/* For the phases whose failures are warnings (poststop): every hook runs, each failure goes to
 * veil_warn. */
void hooks_run_warn(const oci_hook *hooks, size_t n, const char *phase, const hook_state *s);

/* `start` and `delete` run the poststart and poststop hooks but only have ROOT/ID: create copies
 * the config (regenerated from what it parsed, so later edits of the bundle's config.json do not
 * affect the container, as runtime.md requires) to ROOT/ID/config.json.  Only configs with hooks
 * are saved, so the common case costs start and delete one failed openat. */
int hooks_save(int dirfd, const oci_config *cfg, veil_error *err);
/* *out = the saved config, or NULL when create saved none (no hooks). */
int hooks_load(int dirfd, oci_config **out, veil_error *err);

/* True when the config has at least one hook in any phase. */
bool hooks_any(const oci_hooks *h);

#endif

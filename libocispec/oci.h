/* libocispec: typed C model of the OCI runtime-spec JSON documents.
 *
 * This is the only public header.  The Linux config.json model lives in
 * oci-config.h; the state documents and the small JSON writer are declared
 * below.
 *
 * Conventions (all documents):
 *  - string -> char *, NULL when absent.
 *  - array -> pointer + `_len`.  The pointer is non-NULL iff the array was
 *    present in the document (even when empty), so `[]` survives a round
 *    trip.  String arrays produced by the parser are additionally
 *    NULL-terminated (x[x_len] == NULL), so process.args can be passed to
 *    execvp() directly; the library itself only ever relies on `_len`.
 *  - nested object -> pointer, NULL when absent.
 *  - optional integer/bool where absent differs from zero -> value plus
 *    `has_<field>`.
 *  - string->string maps -> oci_map embedded by value, keys in document
 *    order, len 0 when absent.
 *  - every pointer inside a structure is owned by it (malloc'd) and released
 *    by the matching *_free() function; *_free(NULL) is a no-op.
 *  - parse functions return NULL on error and, if err != NULL, store a
 *    malloc'd one-line message "json.path: problem" in *err.
 *  - generate functions return malloc'd, NUL-terminated, pretty-printed JSON
 *    (ending in a newline) and store its length in *len (if len != NULL).
 *    Fields that are absent (NULL pointer, has_x == false) are omitted.
 *  - C only (oci_io_priority has a member named `class`).
 */
#ifndef OCI_H
#define OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines `linux` as 1 (-std=gnu11); the config model has a field
 * named `linux` (cfg->linux), so the macro is removed.  Use __linux__. */
#undef linux

/* string -> string map; keys in document order, no duplicates. */
typedef struct oci_map {
  char **keys;
  char **values;
  size_t len;
} oci_map;

/* Value for key, or NULL if absent. */
const char *oci_map_get(const oci_map *m, const char *key);
/* Insert or replace (copies key and value).  Returns 0, or -1 on ENOMEM. */
int oci_map_set(oci_map *m, const char *key, const char *value);
/* Remove key if present.  Returns true if it was present. */
bool oci_map_remove(oci_map *m, const char *key);
/* Free all entries and reset to empty (does not free m itself). */
void oci_map_clear(oci_map *m);

/* Free a string array of n entries (and the array).  NULL is a no-op. */
void oci_strv_free(char **v, size_t n);

#include "oci-config.h"

/* ---------------------------------------------------------------------- */
/* The OCI state document (runtime.md "State"). */
typedef struct oci_state {
  char *oci_version; /* REQUIRED */
  char *id;          /* REQUIRED */
  char *status;      /* REQUIRED: creating, created, running, stopped */
  int pid;
  bool has_pid;
  char *bundle; /* REQUIRED */
  oci_map annotations;
} oci_state;

oci_state *oci_state_parse_data(const char *json, size_t len, char **err);
oci_state *oci_state_parse_file(const char *path, char **err);
char *oci_state_generate(const oci_state *s, size_t *len, char **err);
void oci_state_free(oci_state *s);

/* ---------------------------------------------------------------------- */
/* veil's private state file ROOT/ID/state.json (not an OCI document).
 * JSON keys: id, bundle, rootfs, created, owner, pid, pidStartTime,
 * configPath, annotations, cgroupPaths, hasNewPidns, flags.  Only "id" is
 * required.  Strings are not required to be valid UTF-8 (paths are bytes). */
typedef struct veil_state_file {
  char *id;
  char *bundle;
  char *rootfs;
  char *created; /* RFC3339 */
  char *owner;
  int pid;
  uint64_t pid_start_time; /* field 22 of /proc/PID/stat */
  char *config_path;
  oci_map annotations;
  oci_map cgroup_paths; /* controller -> path */
  bool has_new_pidns;
  char **flags; /* free-form markers for delete */
  size_t flags_len;
} veil_state_file;

veil_state_file *veil_state_file_parse_data(const char *json, size_t len, char **err);
veil_state_file *veil_state_file_parse_file(const char *path, char **err);
char *veil_state_file_generate(const veil_state_file *s, size_t *len, char **err);
void veil_state_file_free(veil_state_file *s);

/* ---------------------------------------------------------------------- */
/* Small streaming JSON writer (wraps yajl_gen) for ad-hoc outputs such as
 * `list -f json`, `ps -f json`, `features`.  Inside a map, keys are written
 * with oci_json_key() (or oci_json_string()).  Misuse (e.g. a number where a
 * key is expected) is remembered and makes oci_json_writer_finish() return
 * NULL. */
typedef struct oci_json_writer oci_json_writer;

oci_json_writer *oci_json_writer_new(bool pretty); /* NULL on ENOMEM */
void oci_json_map_open(oci_json_writer *w);
void oci_json_map_close(oci_json_writer *w);
void oci_json_array_open(oci_json_writer *w);
void oci_json_array_close(oci_json_writer *w);
void oci_json_key(oci_json_writer *w, const char *key);
void oci_json_string(oci_json_writer *w, const char *s); /* NULL -> null */
void oci_json_int(oci_json_writer *w, int64_t v);
void oci_json_uint(oci_json_writer *w, uint64_t v);
void oci_json_bool(oci_json_writer *w, bool v);
void oci_json_null(oci_json_writer *w);
/* Returns malloc'd NUL-terminated text (a trailing newline is added when
 * pretty) and frees w; NULL on error/misuse (w is freed as well). */
char *oci_json_writer_finish(oci_json_writer *w, size_t *len);
void oci_json_writer_free(oci_json_writer *w);

#endif /* OCI_H */

/* libocispec private declarations: JSON tree, typed getters with JSON-path
 * errors, generator helpers, element free functions.  Not installed. */
#ifndef OCISPEC_INTERNAL_H
#define OCISPEC_INTERNAL_H

#include "oci.h"

#include <stdarg.h>
#include <yajl/yajl_gen.h>

/* Maximum JSON nesting depth accepted by the parser. */
#define JSON_MAX_DEPTH 256
/* Maximum size of a file read by the *_parse_file functions. */
#define JSON_MAX_FILE_SIZE (64u * 1024u * 1024u)

/* ---------------------------------------------------------------------- */
/* Parsed JSON tree (built with yajl's callback parser so that string
 * lengths and raw number text are preserved). */
typedef enum { JT_NULL, JT_BOOL, JT_NUMBER, JT_STRING, JT_OBJECT, JT_ARRAY } jtype;

typedef struct jnode jnode;
struct jnode {
  jtype type;
  bool b;
  char *s; /* JT_STRING value / JT_NUMBER raw text, NUL-terminated */
  size_t slen;
  char **keys; /* JT_OBJECT keys (NUL-terminated, may embed NUL) */
  size_t *klens;
  jnode **vals; /* JT_OBJECT values / JT_ARRAY items */
  size_t len, cap;
};

/* Parse a complete document; on error returns NULL and sets *msg. */
jnode *jtree_parse(const char *data, size_t len, bool validate_utf8, char **msg);
void jtree_free(jnode *n);
/* Object member by key (last occurrence wins); NULL if absent. */
const jnode *jobj_get(const jnode *obj, const char *key);
/* The key of obj that spells KEY: KEY itself if present, else one equal to it but for case (as
 * Go's encoding/json matches fields, which runc's configs rely on), else KEY. */
const char *jobj_key_ci(const jnode *obj, const char *key);

/* ---------------------------------------------------------------------- */
/* JSON path of the value being parsed: a chain on the C stack. */
enum { JP_ROOT, JP_KEY, JP_INDEX };
typedef struct jpath {
  const struct jpath *parent;
  int kind;
  const char *key;
  size_t klen;
  size_t index;
} jpath;

static inline jpath jp_root(void)
{
  jpath p = {NULL, JP_ROOT, NULL, 0, 0};
  return p;
}
static inline jpath jp_key(const jpath *parent, const char *key, size_t klen)
{
  jpath p = {parent, JP_KEY, key, klen, 0};
  return p;
}
static inline jpath jp_index(const jpath *parent, size_t index)
{
  jpath p = {parent, JP_INDEX, NULL, 0, index};
  return p;
}

/* Parse context: holds the first error. */
typedef struct pctx {
  char *msg;
  bool allow_empty_keys; /* veil's own files: maps may have "" keys */
} pctx;

/* Record "path: <fmt>" (first error wins).  Always returns -1. */
int perr(pctx *c, const jpath *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pnomem(pctx *c);
/* Describe a value for error messages: "object", "array", "null", a
 * number's text or a quoted string, truncated to about 40 characters. */
void jdescribe(const jnode *v, char *buf, size_t size);
/* "<expected>, got <value>" error. */
int perr_type(pctx *c, const jpath *p, const char *expected, const jnode *v);
/* Hand the error to the caller's err pointer (or free it). */
void pctx_finish(pctx *c, char **err);

/* Set *err to a malloc'd formatted message (if err != NULL). */
void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read a whole file; on error sets *err "open PATH: strerror". */
char *read_file_all(const char *path, size_t *len, char **err);
/* Parse `data` and check the top level is an object. */
jnode *jdoc_parse(const char *data, size_t len, bool validate_utf8, char **err);

typedef int (*jelem_fn)(pctx *c, const jnode *v, const jpath *p, void *elem);
typedef void (*jclear_fn)(void *elem);

/* Parse a whole document into a calloc'd object of `size` bytes with fn;
 * on error clr() + free() it and return NULL. */
void *parse_doc(const char *json, size_t len, bool validate_utf8, char **err, size_t size,
                jelem_fn fn, jclear_fn clr);
void *parse_doc_file(const char *path, bool validate_utf8, char **err, size_t size, jelem_fn fn,
                     jclear_fn clr);

enum { OPT = 0, REQ = 1 };

/* Value-level converters (v is never NULL). */
int jv_str(pctx *c, const jnode *v, const jpath *p, char **out);
int jv_uint(pctx *c, const jnode *v, const jpath *p, uint64_t max, uint64_t *out);
int jv_int(pctx *c, const jnode *v, const jpath *p, int64_t min, int64_t max, int64_t *out);
/* A uid or gid: 0 to 4294967294, never (uid_t)-1. */
int jv_id(pctx *c, const jnode *v, const jpath *p, uint32_t *out);
int jv_object(pctx *c, const jnode *v, const jpath *p);

/* Member getters: absent (or null) members leave *out untouched and clear
 * *has; with REQ they fail with "required field missing". */
int jget_str(pctx *c, const jnode *o, const jpath *p, const char *k, int req, char **out);
int jget_bool(pctx *c, const jnode *o, const jpath *p, const char *k, int req, bool *out,
              bool *has);
int jget_u64(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint64_t *out,
             bool *has);
int jget_u32(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t *out,
             bool *has);
int jget_u16(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint16_t *out,
             bool *has);
int jget_i64(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int64_t *out,
             bool *has);
int jget_i32(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int32_t *out,
             bool *has);
int jget_int(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int *out, bool *has);
int jget_strv(pctx *c, const jnode *o, const jpath *p, const char *k, int req, char ***out,
              size_t *n);
int jget_id(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t *out);
int jget_idv(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t **out,
             size_t *n);
int jget_map(pctx *c, const jnode *o, const jpath *p, const char *k, oci_map *out);

/* Object member that must be an object; *out NULL when absent.  *cp
 * receives the member's path (its parent pointer is p). */
int jget_obj(pctx *c, const jnode *o, const jpath *p, const char *k, int req, const jnode **out,
             jpath *cp);

/* Array of objects: allocates n+1 zeroed elements and parses each with fn.
 * On error everything allocated is released and *out stays NULL. */
int jget_objarr(pctx *c, const jnode *o, const jpath *p, const char *k, int req, size_t esz,
                jelem_fn fn, jclear_fn clr, void **out, size_t *n);
/* Map of objects (key -> object) stored as an array; the key is strdup'd
 * into the char * at key_off in each element. */
int jget_objmap(pctx *c, const jnode *o, const jpath *p, const char *k, size_t esz, size_t key_off,
                jelem_fn fn, jclear_fn clr, void **out, size_t *n);

#define JOBJARR(c, o, p, key, req, field, fn, clr)                                                 \
  do {                                                                                             \
    void *tmp_ = NULL;                                                                             \
    if (jget_objarr(c, o, p, key, req, sizeof *(field), fn, clr, &tmp_, &(field##_len)) < 0)       \
      return -1;                                                                                   \
    (field) = tmp_;                                                                                \
  } while (0)

#define JSUBOBJ(c, o, p, key, req, field, fn)                                                      \
  do {                                                                                             \
    const jnode *n_ = NULL;                                                                        \
    jpath p_;                                                                                      \
    if (jget_obj(c, o, p, key, req, &n_, &p_) < 0)                                                 \
      return -1;                                                                                   \
    if (n_ != NULL) {                                                                              \
      (field) = calloc(1, sizeof *(field));                                                        \
      if ((field) == NULL)                                                                         \
        return pnomem(c);                                                                          \
      if (fn(c, n_, &p_, (field)) < 0)                                                             \
        return -1;                                                                                 \
    }                                                                                              \
  } while (0)

/* True if s equals one of the NULL-terminated list. */
bool str_in(const char *s, const char *const *list);

/* ---------------------------------------------------------------------- */
/* Generation helpers.  Errors are sticky in gctx.status. */
typedef struct gctx {
  yajl_gen g;
  int status; /* yajl_gen_status of the first failure, 0 if none */
  bool pretty;
} gctx;

int gctx_init(gctx *g, bool pretty);
/* The start of every *_generate: clears *err, refuses a NULL DOC ("no WHAT"), inits g pretty. */
int gctx_begin(gctx *g, const void *doc, const char *what, char **err);
/* Returns the malloc'd text (NUL-terminated) or NULL + *err; frees g. */
char *gctx_finish(gctx *g, size_t *len, char **err);

void g_map_open(gctx *g);
void g_map_close(gctx *g);
void g_array_open(gctx *g);
void g_array_close(gctx *g);
void g_key(gctx *g, const char *k);
void g_string(gctx *g, const char *s);
void g_uint(gctx *g, uint64_t v);
void g_int(gctx *g, int64_t v);
void g_boolean(gctx *g, bool v);
/* key + value; g_str skips NULL, g_strv skips v == NULL, g_map skips empty. */
void g_str(gctx *g, const char *k, const char *v);
void g_u64(gctx *g, const char *k, uint64_t v);
void g_i64(gctx *g, const char *k, int64_t v);
void g_bool(gctx *g, const char *k, bool v);
void g_strv(gctx *g, const char *k, char *const *v, size_t n);
void g_map(gctx *g, const char *k, const oci_map *m);

/* ---------------------------------------------------------------------- */
/* Per-document parsers and generators shared between files. */
int parse_process(pctx *c, const jnode *v, const jpath *p, void *out);
int parse_linux(pctx *c, const jnode *v, const jpath *p, void *out);
int parse_resources(pctx *c, const jnode *v, const jpath *p, void *out);
int parse_id_mapping(pctx *c, const jnode *v, const jpath *p, void *out);
void gen_process(gctx *g, const oci_process *p);
void gen_linux(gctx *g, const oci_linux *l);
void gen_resources(gctx *g, const oci_resources *r);
void gen_id_mappings(gctx *g, const char *k, const oci_id_mapping *m, size_t n);

/* Element "clear" functions: free contents, not the element itself. */
void oci_mount_clear(void *e);
void oci_rlimit_clear(void *e);
void oci_hook_clear(void *e);
void oci_namespace_clear(void *e);
void oci_time_offset_clear(void *e);
void oci_device_clear(void *e);
void oci_device_cgroup_clear(void *e);
void oci_hugepage_limit_clear(void *e);
void oci_interface_priority_clear(void *e);
void oci_rdma_clear(void *e);
void oci_seccomp_syscall_clear(void *e);
void oci_seccomp_arg_clear(void *e);
void oci_net_device_clear(void *e);
void oci_nothing_clear(void *e);
void oci_config_clear(oci_config *cfg);
void oci_process_clear(oci_process *p);
void oci_resources_clear(oci_resources *r);

#endif /* OCISPEC_INTERNAL_H */

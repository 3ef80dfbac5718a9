/* libocispec: JSON generation helpers, the public JSON writer and oci_map
 * utilities. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* gctx */

int gctx_init(gctx *g, bool pretty)
{
  g->status = yajl_gen_status_ok;
  g->pretty = pretty;
  g->g = yajl_gen_alloc(NULL);
  if (g->g == NULL)
    return -1;
  if (pretty) {
    yajl_gen_config(g->g, yajl_gen_beautify, 1);
    yajl_gen_config(g->g, yajl_gen_indent_string, "  ");
  }
  return 0;
}

static const char *gen_strerror(int st)
{
  switch (st) {
  case yajl_gen_keys_must_be_strings:
    return "keys must be strings";
  case yajl_max_depth_exceeded:
    return "maximum depth exceeded";
  case yajl_gen_in_error_state:
    return "generator in error state";
  case yajl_gen_generation_complete:
    return "document already complete";
  case yajl_gen_invalid_number:
    return "invalid number";
  case yajl_gen_no_buf:
    return "no buffer";
  case yajl_gen_invalid_string:
    return "invalid UTF-8 string";
  default:
    return "unknown error";
  }
}

/* yajl's beautifier prints empty containers as "[\n<indent>\n<indent>]";
 * collapse them to "[]" / "{}".  Raw newlines only occur between tokens
 * (yajl escapes them inside strings), so this cannot touch string data. */
static size_t collapse_empty(char *buf, size_t n)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = buf[i];
    if ((ch == '[' || ch == '{') && i + 1 < n && buf[i + 1] == '\n') {
      char close = ch == '[' ? ']' : '}';
      size_t j = i + 1;
      while (j < n && (buf[j] == '\n' || buf[j] == ' '))
        j++;
      if (j < n && buf[j] == close) {
        buf[o++] = ch;
        buf[o++] = close;
        i = j;
        continue;
      }
    }
    buf[o++] = ch;
  }
  return o;
}

int gctx_begin(gctx *g, const void *doc, const char *what, char **err)
{
  if (err != NULL)
    *err = NULL;
  if (doc == NULL) {
    set_err(err, "generate JSON: no %s", what);
    return -1;
  }
  if (gctx_init(g, true) < 0) {
    set_err(err, "generate JSON: out of memory");
    return -1;
  }
  return 0;
}

char *gctx_finish(gctx *g, size_t *len, char **err)
{
  char *out = NULL;
  if (g->g == NULL) {
    set_err(err, "generate JSON: out of memory");
    return NULL;
  }
  if (g->status != yajl_gen_status_ok) {
    set_err(err, "generate JSON: %s", gen_strerror(g->status));
  } else {
    const unsigned char *buf;
    size_t n;
    if (yajl_gen_get_buf(g->g, &buf, &n) != yajl_gen_status_ok) {
      set_err(err, "generate JSON: no output");
    } else if ((out = malloc(n + 1)) == NULL) {
      set_err(err, "generate JSON: out of memory");
    } else {
      memcpy(out, buf, n);
      if (g->pretty)
        n = collapse_empty(out, n);
      out[n] = '\0';
      if (len != NULL)
        *len = n;
    }
  }
  yajl_gen_free(g->g);
  g->g = NULL;
  return out;
}

static void chk(gctx *g, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok && g->status == yajl_gen_status_ok)
    g->status = st;
}

void g_map_open(gctx *g)
{
  chk(g, yajl_gen_map_open(g->g));
}

void g_map_close(gctx *g)
{
  chk(g, yajl_gen_map_close(g->g));
}

void g_array_open(gctx *g)
{
  chk(g, yajl_gen_array_open(g->g));
}

void g_array_close(gctx *g)
{
  chk(g, yajl_gen_array_close(g->g));
}

void g_string(gctx *g, const char *s)
{
  if (s == NULL)
    chk(g, yajl_gen_null(g->g));
  else
    chk(g, yajl_gen_string(g->g, (const unsigned char *)s, strlen(s)));
}

void g_key(gctx *g, const char *k)
{
  g_string(g, k);
}

void g_uint(gctx *g, uint64_t v)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  chk(g, yajl_gen_number(g->g, buf, (size_t)n));
}

void g_int(gctx *g, int64_t v)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRId64, v);
  chk(g, yajl_gen_number(g->g, buf, (size_t)n));
}

void g_boolean(gctx *g, bool v)
{
  chk(g, yajl_gen_bool(g->g, v));
}

void g_str(gctx *g, const char *k, const char *v)
{
  if (v == NULL)
    return;
  g_key(g, k);
  g_string(g, v);
}

void g_u64(gctx *g, const char *k, uint64_t v)
{
  g_key(g, k);
  g_uint(g, v);
}

void g_i64(gctx *g, const char *k, int64_t v)
{
  g_key(g, k);
  g_int(g, v);
}

void g_bool(gctx *g, const char *k, bool v)
{
  g_key(g, k);
  g_boolean(g, v);
}

void g_strv(gctx *g, const char *k, char *const *v, size_t n)
{
  if (v == NULL)
    return;
  g_key(g, k);
  g_array_open(g);
  for (size_t i = 0; i < n; i++)
    g_string(g, v[i]);
  g_array_close(g);
}

void g_map(gctx *g, const char *k, const oci_map *m)
{
  if (m->len == 0)
    return;
  g_key(g, k);
  g_map_open(g);
  for (size_t i = 0; i < m->len; i++) {
    if (m->keys[i] == NULL)
      continue;
    g_key(g, m->keys[i]);
    g_string(g, m->values[i] != NULL ? m->values[i] : "");
  }
  g_map_close(g);
}

/* ---------------------------------------------------------------------- */
/* Public JSON writer */

struct oci_json_writer {
  gctx g;
};

oci_json_writer *oci_json_writer_new(bool pretty)
{
  oci_json_writer *w = calloc(1, sizeof *w);
  if (w == NULL)
    return NULL;
  if (gctx_init(&w->g, pretty) < 0) {
    free(w);
    return NULL;
  }
  return w;
}

void oci_json_map_open(oci_json_writer *w)
{
  if (w != NULL)
    g_map_open(&w->g);
}

void oci_json_map_close(oci_json_writer *w)
{
  if (w != NULL)
    g_map_close(&w->g);
}

void oci_json_array_open(oci_json_writer *w)
{
  if (w != NULL)
    g_array_open(&w->g);
}

void oci_json_array_close(oci_json_writer *w)
{
  if (w != NULL)
    g_array_close(&w->g);
}

void oci_json_key(oci_json_writer *w, const char *key)
{
  if (w == NULL)
    return;
  if (key == NULL)
    chk(&w->g, yajl_gen_keys_must_be_strings);
  else
    g_key(&w->g, key);
}

void oci_json_string(oci_json_writer *w, const char *s)
{
  if (w != NULL)
    g_string(&w->g, s);
}

void oci_json_int(oci_json_writer *w, int64_t v)
{
  if (w != NULL)
    g_int(&w->g, v);
}

void oci_json_uint(oci_json_writer *w, uint64_t v)
{
  if (w != NULL)
    g_uint(&w->g, v);
}

void oci_json_bool(oci_json_writer *w, bool v)
{
  if (w != NULL)
    g_boolean(&w->g, v);
}

void oci_json_null(oci_json_writer *w)
{
  if (w != NULL)
    chk(&w->g, yajl_gen_null(w->g.g));
}

char *oci_json_writer_finish(oci_json_writer *w, size_t *len)
{
  if (w == NULL)
    return NULL;
  char *out = gctx_finish(&w->g, len, NULL);
  free(w);
  return out;
}

void oci_json_writer_free(oci_json_writer *w)
{
  if (w == NULL)
    return;
  if (w->g.g != NULL)
    yajl_gen_free(w->g.g);
  free(w);
}

/* ---------------------------------------------------------------------- */
/* oci_map and string arrays */

const char *oci_map_get(const oci_map *m, const char *key)
{
  if (m == NULL || key == NULL)
    return NULL;
  for (size_t i = 0; i < m->len; i++)
    if (m->keys[i] != NULL && strcmp(m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

int oci_map_set(oci_map *m, const char *key, const char *value)
{
  if (m == NULL || key == NULL || value == NULL)
    return -1;
  char *v = strdup(value);
  if (v == NULL)
    return -1;
  for (size_t i = 0; i < m->len; i++) {
    if (m->keys[i] != NULL && strcmp(m->keys[i], key) == 0) {
      free(m->values[i]);
      m->values[i] = v;
      return 0;
    }
  }
  char *k = strdup(key);
  char **nk = realloc(m->keys, (m->len + 2) * sizeof *nk);
  if (nk != NULL)
    m->keys = nk;
  char **nv = realloc(m->values, (m->len + 2) * sizeof *nv);
  if (nv != NULL)
    m->values = nv;
  if (k == NULL || nk == NULL || nv == NULL) {
    free(k);
    free(v);
    return -1;
  }
  m->keys[m->len] = k;
  m->values[m->len] = v;
  m->len++;
  m->keys[m->len] = NULL;
  m->values[m->len] = NULL;
  return 0;
}

bool oci_map_remove(oci_map *m, const char *key)
{
  if (m == NULL || key == NULL)
    return false;
  for (size_t i = 0; i < m->len; i++) {
    if (m->keys[i] != NULL && strcmp(m->keys[i], key) == 0) {
      free(m->keys[i]);
      free(m->values[i]);
      memmove(&m->keys[i], &m->keys[i + 1], (m->len - i - 1) * sizeof *m->keys);
      memmove(&m->values[i], &m->values[i + 1], (m->len - i - 1) * sizeof *m->values);
      m->len--;
      m->keys[m->len] = NULL;
      m->values[m->len] = NULL;
      return true;
    }
  }
  return false;
}

void oci_map_clear(oci_map *m)
{
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->len; i++) {
    if (m->keys != NULL)
      free(m->keys[i]);
    if (m->values != NULL)
      free(m->values[i]);
  }
  free(m->keys);
  free(m->values);
  m->keys = NULL;
  m->values = NULL;
  m->len = 0;
}

void oci_strv_free(char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

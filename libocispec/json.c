/* libocispec: JSON tree built with yajl's callback parser, JSON-path error
 * messages and typed getters. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, open_memstream, fmemopen */
#endif
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

/* ---------------------------------------------------------------------- */
/* Tree */

void jtree_free(jnode *n)
{
  if (n == NULL)
    return;
  /* recursion depth is bounded by JSON_MAX_DEPTH */
  for (size_t i = 0; i < n->len; i++) {
    if (n->keys != NULL)
      free(n->keys[i]);
    jtree_free(n->vals[i]);
  }
  free(n->keys);
  free(n->klens);
  free(n->vals);
  free(n->s);
  free(n);
}

typedef struct tbuild {
  jnode *root;
  jnode *stack[JSON_MAX_DEPTH];
  size_t depth;
  char *key; /* pending object key */
  size_t klen;
  const char *msg; /* reason for cancelling */
} tbuild;

static char *memdup0(const void *s, size_t len)
{
  char *r = malloc(len + 1);
  if (r == NULL)
    return NULL;
  if (len > 0)
    memcpy(r, s, len);
  r[len] = '\0';
  return r;
}

static int tb_grow(jnode *top)
{
  size_t ncap = top->cap ? top->cap * 2 : 4;
  if (ncap < top->cap || ncap > SIZE_MAX / sizeof(void *))
    return -1;
  jnode **vals = realloc(top->vals, ncap * sizeof *vals);
  if (vals == NULL)
    return -1;
  top->vals = vals;
  if (top->type == JT_OBJECT) {
    char **keys = realloc(top->keys, ncap * sizeof *keys);
    if (keys == NULL)
      return -1;
    top->keys = keys;
    size_t *klens = realloc(top->klens, ncap * sizeof *klens);
    if (klens == NULL)
      return -1;
    top->klens = klens;
  }
  top->cap = ncap;
  return 0;
}

/* Attach n to the current container (or make it the root).  Takes
 * ownership of n in all cases.  Returns 1 (continue) or 0 (cancel). */
static int tb_add(tbuild *b, jnode *n)
{
  if (n == NULL) {
    b->msg = "out of memory";
    return 0;
  }
  if (b->depth == 0) {
    jtree_free(b->root); /* cannot happen: yajl allows one value */
    b->root = n;
    return 1;
  }
  jnode *top = b->stack[b->depth - 1];
  if (top->len == top->cap && tb_grow(top) < 0) {
    jtree_free(n);
    b->msg = "out of memory";
    return 0;
  }
  if (top->type == JT_OBJECT) {
    if (b->key == NULL) { /* cannot happen: yajl always sends a key */
      jtree_free(n);
      b->msg = "internal error: value without key";
      return 0;
    }
    top->keys[top->len] = b->key;
    top->klens[top->len] = b->klen;
    b->key = NULL;
  }
  top->vals[top->len++] = n;
  return 1;
}

static jnode *node_new(jtype t)
{
  jnode *n = calloc(1, sizeof *n);
  if (n != NULL)
    n->type = t;
  return n;
}

static int cb_null(void *ctx)
{
  return tb_add(ctx, node_new(JT_NULL));
}

static int cb_boolean(void *ctx, int v)
{
  jnode *n = node_new(JT_BOOL);
  if (n != NULL)
    n->b = v != 0;
  return tb_add(ctx, n);
}

static jnode *node_text(jtype t, const void *s, size_t len)
{
  jnode *n = node_new(t);
  if (n == NULL)
    return NULL;
  n->s = memdup0(s, len);
  if (n->s == NULL) {
    free(n);
    return NULL;
  }
  n->slen = len;
  return n;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
  return tb_add(ctx, node_text(JT_NUMBER, s, len));
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
  return tb_add(ctx, node_text(JT_STRING, s, len));
}

static int tb_open(tbuild *b, jtype t)
{
  if (b->depth >= JSON_MAX_DEPTH) {
    b->msg = "maximum nesting depth exceeded";
    return 0;
  }
  jnode *n = node_new(t);
  if (!tb_add(b, n))
    return 0;
  b->stack[b->depth++] = n;
  return 1;
}

static int cb_start_map(void *ctx)
{
  return tb_open(ctx, JT_OBJECT);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
  tbuild *b = ctx;
  free(b->key);
  b->key = memdup0(s, len);
  b->klen = len;
  if (b->key == NULL) {
    b->msg = "out of memory";
    return 0;
  }
  return 1;
}

static int cb_end(void *ctx)
{
  tbuild *b = ctx;
  if (b->depth > 0)
    b->depth--;
  return 1;
}

static int cb_start_array(void *ctx)
{
  return tb_open(ctx, JT_ARRAY);
}

static const yajl_callbacks tree_callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* yajl's message on one line: whitespace runs squashed, trimmed. */
static char *squash(const char *s)
{
  size_t n = strlen(s);
  char *r = malloc(n + 1), *o = r;
  if (r == NULL)
    return NULL;
  bool space = false;
  for (; *s; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      space = o != r;
      continue;
    }
    if (space)
      *o++ = ' ';
    space = false;
    *o++ = *s;
  }
  *o = '\0';
  return r;
}

jnode *jtree_parse(const char *data, size_t len, bool validate_utf8, char **msg)
{
  tbuild b;
  memset(&b, 0, sizeof b);
  *msg = NULL;
  if (data == NULL)
    data = "";

  yajl_handle h = yajl_alloc(&tree_callbacks, NULL, &b);
  if (h == NULL) {
    *msg = strdup("out of memory");
    return NULL;
  }
  if (!validate_utf8)
    yajl_config(h, yajl_dont_validate_strings, 1);

  yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
  bool at_end = false;
  if (st == yajl_status_ok) {
    st = yajl_complete_parse(h);
    at_end = true;
  }
  if (st != yajl_status_ok) {
    /* position of the offending byte (one past the end for EOF) */
    size_t pos = yajl_get_bytes_consumed(h);
    pos = at_end ? len : (pos > 0 ? pos - 1 : 0);
    if (pos > len)
      pos = len;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos; i++) {
      if (data[i] == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    char *sq;
    if (st == yajl_status_client_canceled && b.msg != NULL) {
      sq = strdup(b.msg);
    } else {
      unsigned char *ye = yajl_get_error(h, 0, (const unsigned char *)data, len);
      sq = squash(ye != NULL ? (const char *)ye : "parse error");
      if (ye != NULL)
        yajl_free_error(h, ye);
    }
    if (asprintf(msg, "invalid JSON: %s (line %zu, column %zu)", sq ? sq : "parse error", line,
                 col) < 0)
      *msg = NULL;
    free(sq);
    yajl_free(h);
    free(b.key);
    jtree_free(b.root);
    return NULL;
  }
  yajl_free(h);
  free(b.key);
  if (b.root == NULL) { /* cannot happen: yajl reports premature EOF */
    *msg = strdup("invalid JSON: empty document");
    return NULL;
  }
  return b.root;
}

const jnode *jobj_get(const jnode *obj, const char *key)
{
  if (obj == NULL || obj->type != JT_OBJECT)
    return NULL;
  size_t kl = strlen(key);
  for (size_t i = obj->len; i-- > 0;) {
    if (obj->klens[i] == kl && memcmp(obj->keys[i], key, kl) == 0)
      return obj->vals[i];
  }
  return NULL;
}

const char *jobj_key_ci(const jnode *obj, const char *key)
{
  if (obj == NULL || obj->type != JT_OBJECT)
    return key;
  if (jobj_get(obj, key))
    return key;
  size_t kl = strlen(key);
  for (size_t i = obj->len; i-- > 0;) {
    if (obj->klens[i] == kl && strncasecmp(obj->keys[i], key, kl) == 0)
      return obj->keys[i];
  }
  return key;
}

/* ---------------------------------------------------------------------- */
/* Errors */

#define DESC_MAX 40

/* Append s[0..n) JSON-escaped to f, at most `max` output bytes, without
 * splitting a UTF-8 sequence; returns true if truncated. */
static bool put_escaped(FILE *f, const char *s, size_t n, size_t max)
{
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    char tmp[8];
    const char *rep = tmp;
    size_t rl;
    if (ch == '"' || ch == '\\') {
      tmp[0] = '\\';
      tmp[1] = (char)ch;
      rl = 2;
    } else if (ch == '\n') {
      rep = "\\n";
      rl = 2;
    } else if (ch == '\t') {
      rep = "\\t";
      rl = 2;
    } else if (ch < 0x20 || ch == 0x7f) {
      snprintf(tmp, sizeof tmp, "\\u%04x", ch);
      rl = 6;
    } else {
      /* copy a whole UTF-8 sequence (or a stray byte) at once */
      size_t j = i + 1;
      if (ch >= 0xc0)
        while (j < n && j - i < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
          j++;
      rep = s + i;
      rl = j - i;
      if (out + rl > max)
        return true;
      fwrite(rep, 1, rl, f);
      out += rl;
      i = j - 1;
      continue;
    }
    if (out + rl > max)
      return true;
    fwrite(rep, 1, rl, f);
    out += rl;
  }
  return false;
}

static void describe_to(FILE *f, const jnode *v)
{
  switch (v->type) {
  case JT_NULL:
    fputs("null", f);
    break;
  case JT_BOOL:
    fputs(v->b ? "true" : "false", f);
    break;
  case JT_OBJECT:
    fputs("object", f);
    break;
  case JT_ARRAY:
    fputs("array", f);
    break;
  case JT_NUMBER:
    if (v->slen > DESC_MAX) {
      fwrite(v->s, 1, DESC_MAX, f);
      fputs("...", f);
    } else {
      fputs(v->s, f);
    }
    break;
  case JT_STRING:
    fputc('"', f);
    if (put_escaped(f, v->s, v->slen, DESC_MAX))
      fputs("...", f);
    fputc('"', f);
    break;
  }
}

void jdescribe(const jnode *v, char *buf, size_t size)
{
  FILE *f = fmemopen(buf, size, "w");
  if (f == NULL) {
    snprintf(buf, size, "?");
    return;
  }
  describe_to(f, v);
  fclose(f);
}

static bool is_ident(const char *k, size_t kl)
{
  if (kl == 0 || kl > DESC_MAX)
    return false;
  for (size_t i = 0; i < kl; i++) {
    char ch = k[i];
    bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
    if (!alpha && !(i > 0 && ch >= '0' && ch <= '9'))
      return false;
  }
  return true;
}

static void path_to(FILE *f, const jpath *p)
{
  if (p == NULL || p->kind == JP_ROOT)
    return;
  path_to(f, p->parent); /* depth bounded by the schema */
  bool first = p->parent == NULL || p->parent->kind == JP_ROOT;
  if (p->kind == JP_INDEX) {
    fprintf(f, "[%zu]", p->index);
  } else if (is_ident(p->key, p->klen)) {
    fprintf(f, "%s%.*s", first ? "" : ".", (int)p->klen, p->key);
  } else {
    fputs("[\"", f);
    if (put_escaped(f, p->key, p->klen, DESC_MAX))
      fputs("...", f);
    fputs("\"]", f);
  }
}

int pnomem(pctx *c)
{
  if (c->msg == NULL)
    c->msg = strdup("out of memory");
  return -1;
}

int perr(pctx *c, const jpath *p, const char *fmt, ...)
{
  if (c->msg != NULL)
    return -1;
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  if (f == NULL)
    return pnomem(c);
  if (p == NULL || p->kind == JP_ROOT)
    fputs("(root)", f);
  else
    path_to(f, p);
  fputs(": ", f);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  if (fclose(f) != 0) {
    free(buf);
    return pnomem(c);
  }
  c->msg = buf;
  return -1;
}

int perr_type(pctx *c, const jpath *p, const char *expected, const jnode *v)
{
  char d[DESC_MAX * 6 + 16];
  jdescribe(v, d, sizeof d);
  return perr(c, p, "expected %s, got %s", expected, d);
}

void pctx_finish(pctx *c, char **err)
{
  if (err != NULL) {
    *err = c->msg != NULL ? c->msg : strdup("out of memory");
  } else {
    free(c->msg);
  }
  c->msg = NULL;
}

void set_err(char **err, const char *fmt, ...)
{
  if (err == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(err, fmt, ap) < 0)
    *err = NULL;
  va_end(ap);
}

char *read_file_all(const char *path, size_t *len, char **err)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_err(err, "open %s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    close(fd);
    set_err(err, "read %s: %s", path, strerror(ENOMEM));
    return NULL;
  }
  for (;;) {
    if (n + 1 >= cap) {
      if (cap >= JSON_MAX_FILE_SIZE) {
        set_err(err, "read %s: file too large (max %u bytes)", path, JSON_MAX_FILE_SIZE);
        goto fail;
      }
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        set_err(err, "read %s: %s", path, strerror(ENOMEM));
        goto fail;
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      set_err(err, "read %s: %s", path, strerror(errno));
      goto fail;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  *len = n;
  return buf;
fail:
  close(fd);
  free(buf);
  return NULL;
}

jnode *jdoc_parse(const char *data, size_t len, bool validate_utf8, char **err)
{
  char *msg = NULL;
  jnode *root = jtree_parse(data, len, validate_utf8, &msg);
  if (root == NULL) {
    if (err != NULL)
      *err = msg != NULL ? msg : strdup("out of memory");
    else
      free(msg);
    return NULL;
  }
  pctx c = {NULL, false};
  jpath rp = jp_root();
  if (jv_object(&c, root, &rp) < 0) {
    pctx_finish(&c, err);
    jtree_free(root);
    return NULL;
  }
  return root;
}

/* ---------------------------------------------------------------------- */
/* Typed getters */

bool str_in(const char *s, const char *const *list)
{
  for (; *list != NULL; list++)
    if (strcmp(s, *list) == 0)
      return true;
  return false;
}

/* Member value, with null treated as absent. */
static const jnode *member(const jnode *o, const char *k)
{
  const jnode *v = jobj_get(o, k);
  return v != NULL && v->type == JT_NULL ? NULL : v;
}

int jv_object(pctx *c, const jnode *v, const jpath *p)
{
  return v->type == JT_OBJECT ? 0 : perr_type(c, p, "object", v);
}

int jv_str(pctx *c, const jnode *v, const jpath *p, char **out)
{
  if (v->type != JT_STRING)
    return perr_type(c, p, "string", v);
  if (strlen(v->s) != v->slen)
    return perr(c, p, "string contains a NUL character");
  char *s = memdup0(v->s, v->slen);
  if (s == NULL)
    return pnomem(c);
  free(*out);
  *out = s;
  return 0;
}

static bool is_integer_text(const char *s)
{
  return strpbrk(s, ".eE") == NULL;
}

int jv_uint(pctx *c, const jnode *v, const jpath *p, uint64_t max, uint64_t *out)
{
  if (v->type != JT_NUMBER || !is_integer_text(v->s))
    return perr_type(c, p, "unsigned integer", v);
  const char *s = v->s;
  if (*s == '-') {
    if (s[1 + strspn(s + 1, "0")] != '\0')
      return perr_type(c, p, "unsigned integer", v);
    *out = 0; /* "-0" */
    return 0;
  }
  char d[DESC_MAX + 8];
  errno = 0;
  char *end = NULL;
  unsigned long long x = strtoull(s, &end, 10);
  if (end == s || *end != '\0')
    return perr_type(c, p, "unsigned integer", v);
  if (errno == ERANGE || x > max) {
    jdescribe(v, d, sizeof d);
    return perr(c, p, "value %s out of range", d);
  }
  *out = x;
  return 0;
}

int jv_id(pctx *c, const jnode *v, const jpath *p, uint32_t *out)
{
  uint64_t x = 0;
  if (jv_uint(c, v, p, UINT64_MAX, &x) < 0)
    return -1;
  /* 4294967295 is (uid_t)-1: setresuid and setresgid read it as "keep the current id", which
   * for a container's process is the runtime's root */
  if (x > UINT32_MAX - 1) {
    char d[DESC_MAX + 8];
    jdescribe(v, d, sizeof d);
    return perr(c, p, "value %s out of range: an id is 0 to 4294967294", d);
  }
  *out = (uint32_t)x;
  return 0;
}

int jv_int(pctx *c, const jnode *v, const jpath *p, int64_t min, int64_t max, int64_t *out)
{
  if (v->type != JT_NUMBER || !is_integer_text(v->s))
    return perr_type(c, p, "integer", v);
  char d[DESC_MAX + 8];
  errno = 0;
  char *end = NULL;
  long long x = strtoll(v->s, &end, 10);
  if (end == v->s || *end != '\0')
    return perr_type(c, p, "integer", v);
  if (errno == ERANGE || x < min || x > max) {
    jdescribe(v, d, sizeof d);
    return perr(c, p, "value %s out of range", d);
  }
  *out = x;
  return 0;
}

/* Look up member k; returns 1 if present (v, cp set), 0 if absent and not
 * required, -1 on error. */
static int lookup(pctx *c, const jnode *o, const jpath *p, const char *k, int req, const jnode **v,
                  jpath *cp)
{
  *cp = jp_key(p, k, strlen(k));
  *v = member(o, k);
  if (*v != NULL)
    return 1;
  if (req)
    return perr(c, cp, "required field missing");
  return 0;
}

int jget_str(pctx *c, const jnode *o, const jpath *p, const char *k, int req, char **out)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  return jv_str(c, v, &cp, out);
}

int jget_bool(pctx *c, const jnode *o, const jpath *p, const char *k, int req, bool *out, bool *has)
{
  const jnode *v;
  jpath cp;
  if (has != NULL)
    *has = false;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_BOOL)
    return perr_type(c, &cp, "boolean", v);
  *out = v->b;
  if (has != NULL)
    *has = true;
  return 0;
}

static int get_uint(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint64_t max,
                    uint64_t *out, bool *has)
{
  const jnode *v;
  jpath cp;
  if (has != NULL)
    *has = false;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r == 0 ? 1 : -1;
  if (jv_uint(c, v, &cp, max, out) < 0)
    return -1;
  if (has != NULL)
    *has = true;
  return 0;
}

static int get_int(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int64_t min,
                   int64_t max, int64_t *out, bool *has)
{
  const jnode *v;
  jpath cp;
  if (has != NULL)
    *has = false;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r == 0 ? 1 : -1;
  if (jv_int(c, v, &cp, min, max, out) < 0)
    return -1;
  if (has != NULL)
    *has = true;
  return 0;
}

int jget_u64(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint64_t *out,
             bool *has)
{
  uint64_t x = 0;
  int r = get_uint(c, o, p, k, req, UINT64_MAX, &x, has);
  if (r == 0)
    *out = x;
  return r < 0 ? -1 : 0;
}

int jget_u32(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t *out,
             bool *has)
{
  uint64_t x = 0;
  int r = get_uint(c, o, p, k, req, UINT32_MAX, &x, has);
  if (r == 0)
    *out = (uint32_t)x;
  return r < 0 ? -1 : 0;
}

int jget_id(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t *out)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  return jv_id(c, v, &cp, out);
}

int jget_u16(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint16_t *out,
             bool *has)
{
  uint64_t x = 0;
  int r = get_uint(c, o, p, k, req, UINT16_MAX, &x, has);
  if (r == 0)
    *out = (uint16_t)x;
  return r < 0 ? -1 : 0;
}

int jget_i64(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int64_t *out,
             bool *has)
{
  int64_t x = 0;
  int r = get_int(c, o, p, k, req, INT64_MIN, INT64_MAX, &x, has);
  if (r == 0)
    *out = x;
  return r < 0 ? -1 : 0;
}

int jget_i32(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int32_t *out,
             bool *has)
{
  int64_t x = 0;
  int r = get_int(c, o, p, k, req, INT32_MIN, INT32_MAX, &x, has);
  if (r == 0)
    *out = (int32_t)x;
  return r < 0 ? -1 : 0;
}

int jget_int(pctx *c, const jnode *o, const jpath *p, const char *k, int req, int *out, bool *has)
{
  int32_t x = 0;
  bool h = false;
  if (jget_i32(c, o, p, k, req, &x, &h) < 0)
    return -1;
  if (h)
    *out = x;
  if (has != NULL)
    *has = h;
  return 0;
}

int jget_strv(pctx *c, const jnode *o, const jpath *p, const char *k, int req, char ***out,
              size_t *n)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_ARRAY)
    return perr_type(c, &cp, "array of strings", v);
  char **arr = calloc(v->len + 1, sizeof *arr);
  if (arr == NULL)
    return pnomem(c);
  for (size_t i = 0; i < v->len; i++) {
    jpath ip = jp_index(&cp, i);
    if (jv_str(c, v->vals[i], &ip, &arr[i]) < 0) {
      oci_strv_free(arr, i);
      return -1;
    }
  }
  oci_strv_free(*out, *n);
  *out = arr;
  *n = v->len;
  return 0;
}

int jget_idv(pctx *c, const jnode *o, const jpath *p, const char *k, int req, uint32_t **out,
             size_t *n)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_ARRAY)
    return perr_type(c, &cp, "array of unsigned integers", v);
  uint32_t *arr = calloc(v->len + 1, sizeof *arr);
  if (arr == NULL)
    return pnomem(c);
  for (size_t i = 0; i < v->len; i++) {
    jpath ip = jp_index(&cp, i);
    if (jv_id(c, v->vals[i], &ip, &arr[i]) < 0) {
      free(arr);
      return -1;
    }
  }
  free(*out);
  *out = arr;
  *n = v->len;
  return 0;
}

int jget_obj(pctx *c, const jnode *o, const jpath *p, const char *k, int req, const jnode **out,
             jpath *cp)
{
  const jnode *v;
  *out = NULL;
  int r = lookup(c, o, p, k, req, &v, cp);
  if (r <= 0)
    return r;
  if (jv_object(c, v, cp) < 0)
    return -1;
  *out = v;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Objects used as maps: duplicate keys are collapsed (the last value wins,
 * at the position of the first occurrence), in O(n log n). */

typedef struct kent {
  const char *k;
  size_t kl;
  size_t i;
} kent;

static int kent_cmp(const void *a, const void *b)
{
  const kent *x = a, *y = b;
  size_t m = x->kl < y->kl ? x->kl : y->kl;
  int r = memcmp(x->k, y->k, m);
  if (r != 0)
    return r;
  if (x->kl != y->kl)
    return x->kl < y->kl ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* pick[i] = index of the value for the key first seen at i, or SIZE_MAX
 * when i is a later duplicate.  Returns NULL on ENOMEM. */
static size_t *unique_members(const jnode *o)
{
  size_t n = o->len;
  size_t *pick = calloc(n + 1, sizeof *pick);
  kent *e = calloc(n + 1, sizeof *e);
  if (pick == NULL || e == NULL) {
    free(pick);
    free(e);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    e[i].k = o->keys[i];
    e[i].kl = o->klens[i];
    e[i].i = i;
    pick[i] = SIZE_MAX;
  }
  qsort(e, n, sizeof *e, kent_cmp);
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && e[b].kl == e[a].kl && memcmp(e[b].k, e[a].k, e[a].kl) == 0)
      b++;
    pick[e[a].i] = e[b - 1].i;
    a = b;
  }
  free(e);
  return pick;
}

static int check_map_key(pctx *c, const jpath *mp, const char *k, size_t kl)
{
  if (kl == 0 && !c->allow_empty_keys)
    return perr(c, mp, "empty key not allowed");
  if (strlen(k) != kl)
    return perr(c, mp, "key contains a NUL character");
  return 0;
}

int jget_map(pctx *c, const jnode *o, const jpath *p, const char *k, oci_map *out)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, OPT, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_OBJECT)
    return perr_type(c, &cp, "object", v);
  oci_map_clear(out);
  size_t *pick = unique_members(v);
  if (pick == NULL)
    return pnomem(c);
  out->keys = calloc(v->len + 1, sizeof *out->keys);
  out->values = calloc(v->len + 1, sizeof *out->values);
  if (out->keys == NULL || out->values == NULL) {
    free(pick);
    return pnomem(c);
  }
  int rc = 0;
  for (size_t i = 0; i < v->len && rc == 0; i++) {
    if (pick[i] == SIZE_MAX)
      continue;
    const char *key = v->keys[i];
    size_t kl = v->klens[i];
    jpath kp = jp_key(&cp, key, kl);
    if (check_map_key(c, &cp, key, kl) < 0 ||
        jv_str(c, v->vals[pick[i]], &kp, &out->values[out->len]) < 0) {
      rc = -1;
      break;
    }
    out->keys[out->len] = memdup0(key, kl);
    if (out->keys[out->len] == NULL) {
      free(out->values[out->len]);
      out->values[out->len] = NULL;
      rc = pnomem(c);
      break;
    }
    out->len++;
  }
  free(pick);
  return rc;
}

int jget_objarr(pctx *c, const jnode *o, const jpath *p, const char *k, int req, size_t esz,
                jelem_fn fn, jclear_fn clr, void **out, size_t *n)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, req, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_ARRAY)
    return perr_type(c, &cp, "array", v);
  char *arr = calloc(v->len + 1, esz);
  if (arr == NULL)
    return pnomem(c);
  for (size_t i = 0; i < v->len; i++) {
    jpath ip = jp_index(&cp, i);
    if (jv_object(c, v->vals[i], &ip) < 0 || fn(c, v->vals[i], &ip, arr + i * esz) < 0) {
      for (size_t j = 0; j <= i; j++)
        clr(arr + j * esz);
      free(arr);
      return -1;
    }
  }
  *out = arr;
  *n = v->len;
  return 0;
}

int jget_objmap(pctx *c, const jnode *o, const jpath *p, const char *k, size_t esz, size_t key_off,
                jelem_fn fn, jclear_fn clr, void **out, size_t *n)
{
  const jnode *v;
  jpath cp;
  int r = lookup(c, o, p, k, OPT, &v, &cp);
  if (r <= 0)
    return r;
  if (v->type != JT_OBJECT)
    return perr_type(c, &cp, "object", v);
  size_t *pick = unique_members(v);
  if (pick == NULL)
    return pnomem(c);
  char *arr = calloc(v->len + 1, esz);
  if (arr == NULL) {
    free(pick);
    return pnomem(c);
  }
  size_t cnt = 0;
  int rc = 0;
  for (size_t i = 0; i < v->len; i++) {
    if (pick[i] == SIZE_MAX)
      continue;
    const char *key = v->keys[i];
    size_t kl = v->klens[i];
    jpath kp = jp_key(&cp, key, kl);
    char *elem = arr + cnt * esz;
    cnt++;
    char *kcopy = NULL;
    if (check_map_key(c, &cp, key, kl) < 0 || jv_object(c, v->vals[pick[i]], &kp) < 0) {
      rc = -1;
      break;
    }
    kcopy = memdup0(key, kl);
    if (kcopy == NULL) {
      rc = pnomem(c);
      break;
    }
    memcpy(elem + key_off, &kcopy, sizeof kcopy);
    if (fn(c, v->vals[pick[i]], &kp, elem) < 0) {
      rc = -1;
      break;
    }
  }
  free(pick);
  if (rc < 0) {
    for (size_t j = 0; j < cnt; j++)
      clr(arr + j * esz);
    free(arr);
    return -1;
  }
  *out = arr;
  *n = cnt;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Whole documents */

void *parse_doc(const char *json, size_t len, bool validate_utf8, char **err, size_t size,
                jelem_fn fn, jclear_fn clr)
{
  if (err != NULL)
    *err = NULL;
  jnode *root = jdoc_parse(json, len, validate_utf8, err);
  if (root == NULL)
    return NULL;
  void *obj = calloc(1, size);
  pctx c = {NULL, !validate_utf8};
  jpath rp = jp_root();
  if (obj == NULL) {
    pnomem(&c);
  } else if (fn(&c, root, &rp, obj) < 0) {
    clr(obj);
    free(obj);
    obj = NULL;
  }
  if (obj == NULL)
    pctx_finish(&c, err);
  jtree_free(root);
  return obj;
}

void *parse_doc_file(const char *path, bool validate_utf8, char **err, size_t size, jelem_fn fn,
                     jclear_fn clr)
{
  size_t len = 0;
  if (err != NULL)
    *err = NULL;
  char *data = read_file_all(path, &len, err);
  if (data == NULL)
    return NULL;
  void *obj = parse_doc(data, len, validate_utf8, err, size, fn, clr);
  free(data);
  return obj;
}

/* veil ns: a container's namespaces beside the host's (PID 1's), as lsns shows them; the
 * /proc/PID/ns path of each is what nsenter takes. */
#include "config.h"
#include "cli.h"
#include "nsview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_pids(oci_json_writer *w, const nsview_ns *n)
{
  oci_json_array_open(w);
  for (size_t i = 0; i < n->n_pids; i++)
    oci_json_int(w, n->pids[i]);
  oci_json_array_close(w);
}

static void json_idmap(oci_json_writer *w, const char *key, const nsview_idmap *m, size_t n)
{
  oci_json_key(w, key);
  oci_json_array_open(w);
  for (size_t i = 0; i < n; i++) {
    oci_json_map_open(w);
    oci_json_key(w, "containerID");
    oci_json_uint(w, m[i].inside);
    oci_json_key(w, "hostID");
    oci_json_uint(w, m[i].outside);
    oci_json_key(w, "size");
    oci_json_uint(w, m[i].length);
    oci_json_map_close(w);
  }
  oci_json_array_close(w);
}

static void json_offset(oci_json_writer *w, const char *key, const int64_t v[2])
{
  oci_json_key(w, key);
  oci_json_map_open(w);
  oci_json_key(w, "secs");
  oci_json_int(w, v[0]);
  oci_json_key(w, "nanosecs");
  oci_json_int(w, v[1]);
  oci_json_map_close(w);
}

static void json_inode(oci_json_writer *w, const char *key, uint64_t ino)
{
  oci_json_key(w, key);
  if (ino)
    oci_json_uint(w, ino);
  else
    oci_json_null(w);
}

static void json_ns(oci_json_writer *w, const nsview *v, const nsview_ns *n)
{
  oci_json_map_open(w);
  oci_json_key(w, "type");
  oci_json_string(w, n->type);
  json_inode(w, "inode", n->inode);
  oci_json_key(w, "origin");
  oci_json_string(w, nsview_origin_name(n->origin));
  oci_json_key(w, "joinedPath");
  oci_json_string(w, n->joined_path);
  json_inode(w, "hostInode", n->host_inode);
  oci_json_key(w, "host");
  oci_json_bool(w, n->inode && n->inode == n->host_inode);
  json_inode(w, "ownerUserns", n->owner_inode);
  oci_json_key(w, "path");
  oci_json_string(w, n->proc_path);
  oci_json_key(w, "pids");
  json_pids(w, n);
  if (!strcmp(n->type, "user") && v->uid_map) {
    json_idmap(w, "uidMappings", v->uid_map, v->n_uid_map);
    json_idmap(w, "gidMappings", v->gid_map, v->n_gid_map);
  }
  if (!strcmp(n->type, "time") && v->has_time_offsets) {
    oci_json_key(w, "timeOffsets");
    oci_json_map_open(w);
    json_offset(w, "monotonic", v->monotonic);
    json_offset(w, "boottime", v->boottime);
    oci_json_map_close(w);
  }
  oci_json_map_close(w);
}

static int print_json(const nsview *v)
{
  oci_json_writer *w = oci_json_writer_new(true);
  if (!w)
    return cli_failf("ns: out of memory");
  oci_json_map_open(w);
  oci_json_key(w, "id");
  oci_json_string(w, v->id);
  oci_json_key(w, "pid");
  oci_json_int(w, v->pid);
  oci_json_key(w, "status");
  oci_json_string(w, v->status);
  oci_json_key(w, "hostReference");
  oci_json_string(w, v->host_ref);
  oci_json_key(w, "namespaces");
  oci_json_array_open(w);
  for (size_t i = 0; i < NSVIEW_TYPES; i++)
    if (v->ns[i].inode)
      json_ns(w, v, &v->ns[i]);
  oci_json_array_close(w);
  oci_json_map_close(w);
  char *out = oci_json_writer_finish(w, NULL);
  if (!out)
    return cli_failf("ns: cannot write the JSON document");
  puts(out);
  free(out);
  return 0;
}

static void print_inode(uint64_t ino)
{
  if (ino)
    printf(" %-11" PRIu64, ino);
  else
    printf(" %-11s", "-");
}

static void print_table(const nsview *v)
{
  printf("container %s, init pid %d, %s; the host is %s\n", v->id, (int)v->pid, v->status,
         v->host_ref);
  printf("%-6s %-11s %-6s %-11s %-11s %-22s %s\n", "TYPE", "INODE", "ORIGIN", "HOST-INODE",
         "OWNER-USER", "NSENTER-PATH", "PIDS");
  for (size_t i = 0; i < NSVIEW_TYPES; i++) {
    const nsview_ns *n = &v->ns[i];
    if (!n->inode)
      continue;
    printf("%-6s", n->type);
    print_inode(n->inode);
    printf(" %-6s", nsview_origin_name(n->origin));
    print_inode(n->host_inode);
    print_inode(n->owner_inode);
    printf(" %-22s ", n->proc_path);
    for (size_t j = 0; j < n->n_pids; j++)
      printf("%s%d", j ? "," : "", (int)n->pids[j]);
    if (n->joined_path)
      printf("  (joined from %s)", n->joined_path);
    putchar('\n');
  }
  for (size_t i = 0; i < v->n_uid_map; i++)
    printf("uid_map: %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", v->uid_map[i].inside,
           v->uid_map[i].outside, v->uid_map[i].length);
  for (size_t i = 0; i < v->n_gid_map; i++)
    printf("gid_map: %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", v->gid_map[i].inside,
           v->gid_map[i].outside, v->gid_map[i].length);
  if (v->has_time_offsets)
    printf("time offsets: monotonic %" PRId64 "s %" PRId64 "ns, boottime %" PRId64 "s %" PRId64
           "ns\n",
           v->monotonic[0], v->monotonic[1], v->boottime[0], v->boottime[1]);
}

int cmd_ns(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  const char *format = "table";
  nsview v;
  int c, rc;

  while ((c = cli_getopt("ns", argc, argv, "f:h", longopts)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'h':
      printf("Usage: veil ns [-f table|json] CONTAINER-ID\n\n"
             "Show the container's namespaces beside the host's (PID 1's): for each type its\n"
             "inode, whether it is new, joined from a path or shared with the runtime, the\n"
             "owning user namespace, the /proc path for nsenter and the container's processes\n"
             "in it; the uid/gid maps and time offsets where they apply.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (strcmp(format, "table") && strcmp(format, "json"))
    return cli_failf("ns: --format: \"%s\" is not table or json", format);
  if (cli_expect_args("ns", argc, argv, 1, 1, "CONTAINER-ID"))
    return 1;
  if (veil_container_ns(g->root, argv[optind], &v, &err) < 0)
    return cli_fail(&err);
  if (!strcmp(format, "json")) {
    rc = print_json(&v);
  } else {
    print_table(&v);
    rc = 0;
  }
  nsview_free(&v);
  return rc;
}

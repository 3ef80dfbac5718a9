#include "config.h"
#include "cli.h"
#include "log.h"
#include "oci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_id(const void *a, const void *b)
{
  return strcmp(((const veil_container_info *)a)->id, ((const veil_container_info *)b)->id);
}

static int print_json(const veil_container_info *l, size_t n)
{
  oci_json_writer *w = oci_json_writer_new(false);
  char *out;

  if (!w)
    return cli_failf("list: out of memory");
  oci_json_array_open(w);
  for (size_t i = 0; i < n; i++) {
    oci_json_map_open(w);
    oci_json_string(w, "ociVersion");
    oci_json_string(w, OCI_SPEC_VERSION);
    oci_json_string(w, "id");
    oci_json_string(w, l[i].id);
    oci_json_string(w, "pid");
    oci_json_int(w, l[i].pid);
    oci_json_string(w, "status");
    oci_json_string(w, l[i].status);
    oci_json_string(w, "bundle");
    oci_json_string(w, l[i].bundle);
    oci_json_string(w, "rootfs");
    oci_json_string(w, "");
    oci_json_string(w, "created");
    oci_json_string(w, l[i].created);
    oci_json_string(w, "owner");
    oci_json_string(w, l[i].owner);
    oci_json_map_close(w);
  }
  oci_json_array_close(w);
  out = oci_json_writer_finish(w, NULL);
  if (!out)
    return cli_failf("list: out of memory");
  printf("%s\n", out);
  free(out);
  return 0;
}

static void print_table(const veil_container_info *l, size_t n)
{
  int w_id = 2, w_pid = 3, w_status = 6, w_bundle = 6, w_created = 7;

  for (size_t i = 0; i < n; i++) {
    char pid[16];
    int len = snprintf(pid, sizeof(pid), "%d", l[i].pid);
    if ((int)strlen(l[i].id) > w_id)
      w_id = (int)strlen(l[i].id);
    if (len > w_pid)
      w_pid = len;
    if ((int)strlen(l[i].status) > w_status)
      w_status = (int)strlen(l[i].status);
    if (l[i].bundle && (int)strlen(l[i].bundle) > w_bundle)
      w_bundle = (int)strlen(l[i].bundle);
    if (l[i].created && (int)strlen(l[i].created) > w_created)
      w_created = (int)strlen(l[i].created);
  }
  printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", w_id, "ID", w_pid, "PID", w_status, "STATUS",
         w_bundle, "BUNDLE", w_created, "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    printf("%-*s   %-*d   %-*s   %-*s   %-*s   %s\n", w_id, l[i].id, w_pid, l[i].pid, w_status,
           l[i].status, w_bundle, l[i].bundle ? l[i].bundle : "", w_created,
           l[i].created ? l[i].created : "", l[i].owner ? l[i].owner : "");
}

int cmd_list(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  veil_container_info *l = NULL;
  size_t n = 0;
  const char *format = "table";
  bool quiet = false;
  int c, rc = 0;

  while ((c = cli_getopt("list", argc, argv, "f:qh", longopts)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'q':
      quiet = true;
      break;
    case 'h':
      printf("Usage: veil list [-f|--format table|json] [-q|--quiet]\n\nList containers.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (strcmp(format, "table") && strcmp(format, "json"))
    return cli_failf("list: --format: \"%s\" is not table or json", format);
  if (cli_expect_args("list", argc, argv, 0, 0, "[flags]"))
    return 1;
  if (veil_container_list(g->root, &l, &n, &err) < 0)
    return cli_fail(&err);
  /* runc lists by id (byte order), whatever order the state root's directory gives */
  if (n > 1)
    qsort(l, n, sizeof(*l), by_id);
  /* runc's words for an entry it cannot load; the entry itself is listed as "unknown" */
  for (size_t i = 0; i < n; i++)
    if (l[i].error)
      veil_warn("load container %s: %s", l[i].id, l[i].error);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf("%s\n", l[i].id);
  else if (!strcmp(format, "json"))
    rc = print_json(l, n);
  else
    print_table(l, n);
  veil_container_info_free(l, n);
  return rc;
}

/* veil ps: the processes in a container's cgroup.  json (what Docker and containerd parse) is an
 * array of host pids; table runs ps(1) with the given options (default -ef) and keeps the header
 * and the rows whose PID column is one of them, as runc does. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Index of the whitespace-separated field named PID in ps's header, -1 if none. */
static int pid_column(const char *header)
{
  int col = 0;

  for (const char *p = header + strspn(header, " \t"); *p; col++) {
    size_t l = strcspn(p, " \t\n");
    if (l == 3 && !strncmp(p, "PID", 3))
      return col;
    p += l;
    p += strspn(p, " \t\n");
  }
  return -1;
}

static bool row_pid(const char *row, int col, long *pid)
{
  const char *p = row + strspn(row, " \t");
  char *end;

  for (int i = 0; i < col && *p; i++) {
    p += strcspn(p, " \t\n");
    p += strspn(p, " \t");
  }
  *pid = strtol(p, &end, 10);
  return end != p;
}

static int run_table(char **ps_args, int nargs, const pid_t *pids, size_t n)
{
  char *argv[nargs + 3];
  int pfd[2], status, col = -1, rc = 0;
  char *line = NULL;
  size_t cap = 0;
  bool header = true;
  FILE *f;
  pid_t child;

  argv[0] = (char *)"ps";
  if (nargs == 0)
    argv[1] = (char *)"-ef";
  for (int i = 0; i < nargs; i++)
    argv[1 + i] = ps_args[i];
  argv[nargs ? nargs + 1 : 2] = NULL;
  if (pipe(pfd) < 0)
    return cli_failf("ps: pipe: %s", strerror(errno));
  fflush(stdout);
  child = fork();
  if (child < 0)
    return cli_failf("ps: fork: %s", strerror(errno));
  if (child == 0) {
    dup2(pfd[1], STDOUT_FILENO);
    close(pfd[0]);
    close(pfd[1]);
    execvp("ps", argv);
    fprintf(stderr, "veil: ps: exec ps: %s\n", strerror(errno));
    _exit(127);
  }
  close(pfd[1]);
  f = fdopen(pfd[0], "r");
  while (f && getline(&line, &cap, f) > 0) {
    long pid;
    if (header) {
      header = false;
      col = pid_column(line);
      if (col < 0)
        rc = cli_failf("ps: no PID column in the output of ps");
      else
        fputs(line, stdout);
      continue;
    }
    if (col >= 0 && row_pid(line, col, &pid) && has_pid(pids, n, pid))
      fputs(line, stdout);
  }
  free(line);
  if (f)
    fclose(f);
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    rc = cli_failf("ps: ps exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return rc;
}

int cmd_ps(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  const char *format = "table";
  pid_t *pids = NULL;
  size_t n = 0;
  int c, rc = 0;

  /* "+": options end at the id; what follows it is for ps(1) */
  while ((c = cli_getopt("ps", argc, argv, "+f:h", longopts)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'h':
      printf("Usage: veil ps [-f table|json] CONTAINER-ID [-- PS-OPTIONS...]\n\n"
             "List the processes of the container: json is an array of host pids; table runs\n"
             "ps (default options -ef) and keeps the rows of the container's processes.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (strcmp(format, "table") && strcmp(format, "json"))
    return cli_failf("ps: --format: \"%s\" is not table or json", format);
  if (optind >= argc)
    return cli_failf("ps: missing CONTAINER-ID (usage: veil ps [-f table|json] CONTAINER-ID)");
  const char *id = argv[optind++];
  if (optind < argc && !strcmp(argv[optind], "--"))
    optind++;
  if (!strcmp(format, "json") && optind < argc)
    return cli_failf("ps: ps options are only used with --format table");
  if (veil_container_pids(g->root, id, &pids, &n, &err) < 0)
    return cli_fail(&err);
  if (!strcmp(format, "json") && n == 0) {
    puts("null"); /* runc's output for no processes (a stopped container): clients take it */
  } else if (!strcmp(format, "json")) {
    putchar('[');
    for (size_t i = 0; i < n; i++)
      printf("%s%d", i ? "," : "", (int)pids[i]);
    puts("]");
  } else {
    rc = run_table(argv + optind, argc - optind, pids, n);
  }
  free(pids);
  return rc;
}

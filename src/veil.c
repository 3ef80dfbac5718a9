/* veil — the command line: global options, the command table, error and log reporting. */
#include "config.h"
#include "binary-guard.h"
#include "cli.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_help(const veil_globals *g, int argc, char **argv);

static const veil_command commands[] = {
    {"create", "create a container", cmd_create, true},
    {"start", "start a created container", cmd_start, false},
    {"run", "create and start a container, and wait for it", cmd_run, true},
    {"state", "print the OCI state of a container", cmd_state, false},
    {"kill", "send a signal to a container's init", cmd_kill, false},
    {"delete", "delete a container", cmd_delete, false},
    {"list", "list containers", cmd_list, false},
    {"spec", "write a default config.json", cmd_spec, false},
    {"exec", "run a process in a running container", cmd_exec, true},
    {"pause", "freeze all processes of a container", cmd_pause, false},
    {"resume", "thaw a paused container", cmd_resume, false},
    {"update", "change a container's resource limits", cmd_update, false},
    {"ps", "list a container's processes", cmd_ps, false},
    {"events", "print a container's resource usage and OOM events", cmd_events, false},
    {"features", "print what this veil supports (the OCI features document)", cmd_features, false},
    {"ns", "show a container's namespaces beside the host's", cmd_ns, false},
    {"check", "validate a bundle and print every problem", cmd_check, false},
    {"checkpoint", "checkpoint a container (not implemented yet)", cmd_unimplemented, false},
    {"restore", "restore a container (not implemented yet)", cmd_unimplemented, false},
    {"help", "show the commands, or one command's help", cmd_help, false},
};

static void usage(FILE *out)
{
  fprintf(out, "Usage: veil [global flags] COMMAND [flags] [ARGS]\n\n"
               "veil runs OCI containers; its command line follows runc's.\n\nCommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
    fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\nGlobal flags:\n"
          "  --root DIR               state directory (default /run/veil; as another user\n"
          "                           than root $XDG_RUNTIME_DIR/veil)\n"
          "  --log FILE               also write messages to FILE\n"
          "  --log-format text|json   format of --log (default text)\n"
          "  --debug                  log debug messages\n"
          "  --systemd-cgroup         cgroupsPath is slice:prefix:name\n"
          "  --rootless true|false|auto  skip the cgroups the caller may not make (default auto:\n"
          "                           true when not root or in a user namespace)\n"
          "  -v, --version            print the version\n"
          "  -h, --help               print this help\n");
}

static const veil_command *find_command(const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
    if (!strcmp(commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* veil help [COMMAND]: runc's form of --help */
static int cmd_help(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;

  while ((c = cli_getopt("help", argc, argv, "h", longopts)) != -1) {
    if (c != 'h')
      return 1;
    printf("Usage: veil help [COMMAND]\n\nShow the commands, or the help of COMMAND (the same "
           "as veil COMMAND --help).\n");
    return 0;
  }
  if (cli_expect_args("help", argc, argv, 0, 1, "[COMMAND]"))
    return 1;
  if (optind == argc) {
    usage(stdout);
    return 0;
  }
  const veil_command *cmd = find_command(argv[optind]);
  if (!cmd)
    return cli_failf("help: unknown command \"%s\" (see veil --help)", argv[optind]);
  char *sub_argv[] = {(char *)cmd->name, (char *)"--help", NULL};
  optind = 0;
  return cmd->run(g, 2, sub_argv);
}

/* --debug: what was asked, first in the log, as runc's debug log starts with its own steps */
static void debug_command_line(int argc, char **argv)
{
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += strlen(argv[i]) + 1;
  cleanup_free char *line = calloc(1, len);
  if (!line)
    return;
  for (int i = 0; i < argc; i++) {
    if (i)
      strcat(line, " ");
    strcat(line, argv[i]);
  }
  veil_debug("command line: %s (veil %s, commit %s, spec %s)", line, PACKAGE_VERSION, VEIL_COMMIT,
             OCI_SPEC_VERSION);
}

/* As runc: the state of a user's containers is its own, under $XDG_RUNTIME_DIR; root's (also the
 * root of a user namespace run as root) under /run/veil. */
static const char *default_root(veil_globals *g)
{
  static char buf[4096];
  const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
  bool has_xdg = xdg && *xdg;

  if (geteuid() != 0 && !has_xdg) {
    g->root_error = "XDG_RUNTIME_DIR is not set: veil run by a user other than root keeps its "
                    "state in $XDG_RUNTIME_DIR/veil (set it, or pass --root DIR)";
    return NULL;
  }
  if (!has_xdg ||
      (geteuid() == 0 && (!veil_in_user_namespace() || (user && !strcmp(user, "root")))))
    return "/run/veil";
  snprintf(buf, sizeof(buf), "%s/veil", xdg);
  return buf;
}

/* --rootless VALUE: 1 or 0, -1 when VALUE is none of true, false, auto */
static int rootless_mode(const char *value)
{
  if (!value || !strcmp(value, "auto"))
    return geteuid() != 0 || veil_in_user_namespace();
  if (!strcmp(value, "true"))
    return 1;
  if (!strcmp(value, "false"))
    return 0;
  return -1;
}

/* The commands that never touch the state root. */
static bool needs_state_root(const veil_command *cmd)
{
  static const char *const stateless[] = {"spec", "features", "help", "check"};

  for (size_t i = 0; i < ARRAY_SIZE(stateless); i++)
    if (!strcmp(cmd->name, stateless[i]))
      return false;
  return true;
}

int main(int argc, char **argv)
{
  enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };
  static const struct option longopts[] = {
      {"root", required_argument, NULL, OPT_ROOT},
      {"log", required_argument, NULL, OPT_LOG},
      {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
      {"debug", no_argument, NULL, OPT_DEBUG},
      {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
      {"rootless", required_argument, NULL, OPT_ROOTLESS},
      {"criu", required_argument, NULL, OPT_CRIU},
      {"version", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  veil_globals g = {.log_format = "text"};
  const char *rootless = NULL;
  bool root_given = false;
  int c;

  while ((c = cli_getopt(NULL, argc, argv, "+vh", longopts)) != -1) {
    switch (c) {
    case OPT_ROOT:
      g.root = optarg;
      root_given = true;
      break;
    case OPT_LOG:
      g.log = optarg;
      break;
    case OPT_LOG_FORMAT:
      g.log_format = optarg;
      break;
    case OPT_DEBUG:
      g.debug = true;
      break;
    case OPT_SYSTEMD:
      g.systemd_cgroup = true;
      break;
    case OPT_ROOTLESS:
      rootless = optarg;
      break;
    case OPT_CRIU:
      break; /* runc compatibility: there is no CRIU support to point at */
    case 'v':
      printf("veil version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, VEIL_COMMIT,
             OCI_SPEC_VERSION);
      return 0;
    case 'h':
      usage(stdout);
      return 0;
    default:
      return 1;
    }
  }
  if (strcmp(g.log_format, "text") && strcmp(g.log_format, "json"))
    return cli_failf("--log-format: \"%s\" is not text or json", g.log_format);
  if (veil_log_init(g.log, !strcmp(g.log_format, "json") ? VEIL_LOG_JSON : VEIL_LOG_TEXT, g.debug) <
      0)
    return cli_failf("--log: cannot open %s", g.log);
  int mode = rootless_mode(rootless);
  if (mode < 0)
    return cli_failf("--rootless: \"%s\" is not true, false or auto", rootless);
  g.rootless = mode;
  if (!root_given)
    g.root = default_root(&g);
  if (optind >= argc) {
    usage(stderr);
    return cli_failf("no command given");
  }
  if (g.debug)
    debug_command_line(argc, argv);
  const veil_command *cmd = find_command(argv[optind]);
  if (!cmd)
    return cli_failf("unknown command \"%s\" (see veil --help)", argv[optind]);
  if (!g.root && needs_state_root(cmd))
    return cli_failf("%s", g.root_error);
  veil_error err = VEIL_ERROR_INIT;
  if (cmd->enters_container && veil_binary_protect(argv, &err) < 0)
    return cli_fail(&err);
  /* each command parses its own flags from argv[0] = its name */
  int sub_argc = argc - optind;
  char **sub_argv = argv + optind;
  optind = 0;
  return cmd->run(&g, sub_argc, sub_argv);
}

#include "config.h"
#include "cli-parse.h"
#include "cli.h"
#include "exec.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows a NULL-terminated vector of borrowed strings (argv's). */
static int push_str(char ***v, size_t *n, char *s)
{
  char **nv = realloc(*v, (*n + 2) * sizeof(char *));

  if (!nv)
    return -1;
  nv[(*n)++] = s;
  nv[*n] = NULL;
  *v = nv;
  return 0;
}

static void usage(void)
{
  printf("Usage: veil exec [flags] CONTAINER-ID [COMMAND [ARGS...]]\n\n"
         "Run a process in a running container; exit with its status.\n\n"
         "Flags:\n"
         "  -p, --process FILE        the process as OCI JSON (the flags below are then ignored)\n"
         "  -t, --tty                 allocate a pty (relayed, or sent to --console-socket)\n"
         "      --console-socket S    send the pty master to the unix socket S\n"
         "      --pidfd-socket S      send a pidfd of the process to the unix socket S\n"
         "      --cwd DIR             working directory in the container\n"
         "  -e, --env KEY=VALUE       set a variable (repeatable)\n"
         "  -u, --user UID[:GID]      run as UID (and GID)\n"
         "  -g, --additional-gids N   add a supplementary group (repeatable)\n"
         "  -c, --cap CAP             add a capability (repeatable; never inheritable)\n"
         "      --no-new-privs        set no_new_privs\n"
         "  -d, --detach              return once the process runs\n"
         "      --pid-file FILE       write the process's pid to FILE\n"
         "      --preserve-fds N      pass N extra fds (from 3) to the process\n"
         "      --ignore-paused       exec even into a paused container\n"
         "      --process-label L     SELinux label (not supported)\n"
         "      --apparmor P          AppArmor profile (not supported)\n"
         "      --cgroup [CTRL[,CTRL]:]SUB  run in the container's existing sub-cgroup SUB\n"
         "                            (of every hierarchy, or of the controllers named)\n");
}

int cmd_exec(const veil_globals *g, int argc, char **argv)
{
  enum {
    OPT_CONSOLE = 256,
    OPT_PIDFD_SOCKET,
    OPT_CWD,
    OPT_PID_FILE,
    OPT_LABEL,
    OPT_APPARMOR,
    OPT_NNP,
    OPT_PRESERVE,
    OPT_CGROUP,
    OPT_IGNORE_PAUSED,
  };
  static const struct option longopts[] = {
      {"process", required_argument, NULL, 'p'},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET},
      {"tty", no_argument, NULL, 't'},
      {"cwd", required_argument, NULL, OPT_CWD},
      {"env", required_argument, NULL, 'e'},
      {"user", required_argument, NULL, 'u'},
      {"additional-gids", required_argument, NULL, 'g'},
      {"cap", required_argument, NULL, 'c'},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"process-label", required_argument, NULL, OPT_LABEL},
      {"apparmor", required_argument, NULL, OPT_APPARMOR},
      {"no-new-privs", no_argument, NULL, OPT_NNP},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"cgroup", required_argument, NULL, OPT_CGROUP},
      {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  veil_exec_opts o;
  veil_error err = VEIL_ERROR_INIT;
  cleanup_free char **env = NULL, **caps = NULL, **cgroups = NULL;
  cleanup_free uint32_t *gids = NULL;
  int c, status = 0;

  memset(&o, 0, sizeof(o));
  /* '+': as runc, nothing after the id is a flag of exec's: it is the process's command line */
  while ((c = cli_getopt("exec", argc, argv, "+p:te:u:g:c:dh", longopts)) != -1) {
    switch (c) {
    case 'p':
      o.process_file = optarg;
      break;
    case OPT_CONSOLE:
      o.console_socket = optarg;
      break;
    case OPT_PIDFD_SOCKET:
      o.pidfd_socket = optarg;
      break;
    case 't':
      o.tty = true;
      break;
    case OPT_CWD:
      o.cwd = optarg;
      break;
    case 'e':
      if (!strchr(optarg, '=') || optarg[0] == '=')
        return cli_failf("exec: --env: \"%s\" is not KEY=VALUE", optarg);
      if (push_str(&env, &o.env_len, optarg) < 0)
        return cli_failf("exec: out of memory");
      o.env = env;
      break;
    case 'u':
      if (cli_parse_user(optarg, &o.uid, &o.gid, &o.has_gid) < 0)
        return cli_failf("exec: --user: \"%s\" is not UID[:GID] (numbers, 0 to 4294967294)",
                         optarg);
      o.has_uid = true;
      break;
    case 'g': {
      uint32_t gid;
      if (cli_parse_id(optarg, &gid) < 0)
        return cli_failf("exec: --additional-gids: \"%s\" is not a gid (0 to 4294967294)", optarg);
      uint32_t *ng = realloc(gids, (o.additional_gids_len + 1) * sizeof(uint32_t));
      if (!ng)
        return cli_failf("exec: out of memory");
      gids = ng;
      gids[o.additional_gids_len++] = gid;
      o.additional_gids = gids;
      break;
    }
    case 'c':
      if (push_str(&caps, &o.caps_len, optarg) < 0)
        return cli_failf("exec: out of memory");
      o.caps = caps;
      break;
    case 'd':
      o.detach = true;
      break;
    case OPT_PID_FILE:
      o.pid_file = optarg;
      break;
    case OPT_LABEL:
      o.process_label = optarg;
      break;
    case OPT_APPARMOR:
      o.apparmor = optarg;
      break;
    case OPT_NNP:
      o.no_new_privs = true;
      break;
    case OPT_PRESERVE:
      if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg) ||
          (o.preserve_fds = atoi(optarg)) < 0)
        return cli_failf("exec: --preserve-fds: \"%s\" is not a number", optarg);
      break;
    case OPT_CGROUP:
      /* repeatable, as in runc: one sub-cgroup for all hierarchies or per controller list */
      if (push_str(&cgroups, &o.cgroups_len, optarg) < 0)
        return cli_failf("exec: out of memory");
      o.cgroups = cgroups;
      break;
    case OPT_IGNORE_PAUSED:
      o.ignore_paused = true;
      break;
    case 'h':
      usage();
      exit(0);
    default:
      return 1;
    }
  }
  if (cli_expect_args("exec", argc, argv, 1, -1, "[flags] CONTAINER-ID [COMMAND [ARGS...]]"))
    return 1;
  const char *id = argv[optind];
  o.args = argv + optind + 1;
  o.args_len = (size_t)(argc - optind - 1);
  if (!o.process_file && o.args_len == 0)
    return cli_failf("exec: no command given (usage: veil exec [flags] CONTAINER-ID COMMAND "
                     "[ARGS...], or --process FILE)");
  if (veil_container_exec(g->root, id, &o, &status, &err) < 0)
    return cli_fail(&err);
  return status;
}

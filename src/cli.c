#include "config.h"
#include "cli.h"
#include "log.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(veil_error *err)
{
  veil_log(VEIL_LOG_ERROR, "%s", err && err->msg ? err->msg : "unknown error");
  veil_error_clear(err);
  return 1;
}

int cli_failf(const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  veil_log(VEIL_LOG_ERROR, "%s", msg ? msg : "out of memory");
  free(msg);
  return 1;
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
  char spec[64];
  bool in_order = shortopts[0] == '+';
  int c;

  /* As runc: a command's flags may come before or after its operands (getopt permutes argv),
   * unless the caller asks with '+' that they end at the first operand (the global flags; exec
   * and ps, whose words after the id are the process's).  ':': a missing value is told apart
   * from an unknown flag.  Both are reported here as one line. */
  snprintf(spec, sizeof(spec), "%s:%s", in_order ? "+" : "", in_order ? shortopts + 1 : shortopts);
  opterr = 0;
  c = getopt_long(argc, argv, spec, longopts, NULL);
  if (c == '?' || c == ':') {
    const char *arg = argv[optind - 1];
    char name[64];
    if (optopt && optopt < 256 && !(arg && !strncmp(arg, "--", 2)))
      snprintf(name, sizeof(name), "-%c", optopt);
    else
      snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg ? arg : "?", "="), arg ? arg : "?");
    /* the global flags have no command name to put first: the log adds "veil: " itself */
    const char *pre = cmd ? cmd : "", *sep = cmd ? ": " : "";
    if (c == ':')
      cli_failf("%s%sflag %s needs a value", pre, sep, name);
    else
      cli_failf("%s%sunknown flag %s", pre, sep, name);
    return -2;
  }
  return c;
}

int cli_expect_args(const char *cmd, int argc, char **argv, int min, int max, const char *usage)
{
  int n = argc - optind;

  (void)argv;
  if (n < min || (max >= 0 && n > max))
    return cli_failf("%s: %s (usage: veil %s %s)", cmd,
                     n < min ? "missing argument" : "too many arguments", cmd, usage);
  return 0;
}

int cli_parse_create(const char *cmd, bool is_run, int argc, char **argv, create_flags *f,
                     const char **id)
{
  enum {
    OPT_PID_FILE = 256,
    OPT_CONSOLE,
    OPT_PIDFD_SOCKET,
    OPT_NO_PIVOT,
    OPT_NO_KEYRING,
    OPT_PRESERVE,
    OPT_KEEP,
    OPT_NO_SUBREAPER
  };
  static const struct option longopts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET},
      {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"detach", no_argument, NULL, 'd'},
      {"keep", no_argument, NULL, OPT_KEEP},
      {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  int c;

  memset(f, 0, sizeof(*f));
  f->opts.bundle = ".";
  while ((c = cli_getopt(cmd, argc, argv, is_run ? "b:dh" : "b:h", longopts)) != -1) {
    switch (c) {
    case 'b':
      f->opts.bundle = optarg;
      break;
    case OPT_PID_FILE:
      f->opts.pid_file = optarg;
      break;
    case OPT_CONSOLE:
      f->opts.console_socket = optarg;
      break;
    case OPT_PIDFD_SOCKET:
      f->opts.pidfd_socket = optarg;
      break;
    case OPT_NO_PIVOT:
      f->opts.no_pivot = true;
      break;
    case OPT_NO_KEYRING:
      f->opts.no_new_keyring = true;
      break;
    case OPT_NO_SUBREAPER:
      break; /* accepted for runc compatibility: veil keeps no subreaper */
    case OPT_PRESERVE:
      f->opts.preserve_fds = atoi(optarg);
      if (f->opts.preserve_fds < 0 || strspn(optarg, "0123456789") != strlen(optarg)) {
        cli_failf("%s: --preserve-fds: \"%s\" is not a number", cmd, optarg);
        return -1;
      }
      break;
    case 'd':
    case OPT_KEEP:
      if (!is_run) {
        cli_failf("%s: unknown flag %s", cmd, argv[optind - 1]);
        return -1;
      }
      if (c == 'd')
        f->detach = true;
      else
        f->keep = true;
      break;
    case 'h':
      printf("Usage: veil %s [flags] CONTAINER-ID\n\n"
             "%s\n\n"
             "Flags:\n"
             "  -b, --bundle DIR         bundle directory holding config.json (default \".\")\n"
             "      --pid-file FILE      write the init's pid to FILE\n"
             "      --console-socket S   send the pty master to the unix socket S\n"
             "      --pidfd-socket S     send a pidfd of the init to the unix socket S\n"
             "      --no-pivot           enter the rootfs with MS_MOVE + chroot\n"
             "      --no-new-keyring     keep the caller's session keyring\n"
             "      --preserve-fds N     pass N extra fds (from 3) to the process\n%s",
             cmd,
             is_run ? "Create and start a container, wait for it, exit with its status."
                    : "Create a container: set it up and wait for `veil start`.",
             is_run ? "  -d, --detach             return once the container runs\n"
                      "      --keep               keep the state after the container exits\n"
                    : "");
      exit(0);
    default:
      return -1;
    }
  }
  if (cli_expect_args(cmd, argc, argv, 1, 1, "[flags] CONTAINER-ID"))
    return -1;
  /* systemd socket activation, as runc: the fds are ours only when LISTEN_PID names us */
  const char *lpid = getenv("LISTEN_PID"), *lfds = getenv("LISTEN_FDS");
  int n;
  if (lpid && lfds && veil_parse_int(lpid, &n) == 0 && n == (int)getpid() &&
      veil_parse_int(lfds, &n) == 0 && n > 0)
    f->opts.listen_fds = n;
  *id = argv[optind];
  return optind;
}

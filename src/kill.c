#include "config.h"
#include "cli.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int sig;
} signal_table[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3"; "0" asks only whether the container is alive
 * (kill(2)'s signal 0), as runc takes it */
static int parse_signal(const char *s)
{
  int n;
  char *end;

  if (isdigit((unsigned char)s[0])) {
    long v = strtol(s, &end, 10);
    return (*end || v < 0 || v > SIGRTMAX) ? -1 : (int)v;
  }
  if (!strncasecmp(s, "SIG", 3))
    s += 3;
  for (size_t i = 0; i < sizeof(signal_table) / sizeof(signal_table[0]); i++)
    if (!strcasecmp(signal_table[i].name, s))
      return signal_table[i].sig;
  if (!strncasecmp(s, "RTMIN", 5)) {
    n = s[5] ? (int)strtol(s + 5, &end, 10) : 0;
    if ((s[5] && *end) || SIGRTMIN + n > SIGRTMAX || n < 0)
      return -1;
    return SIGRTMIN + n;
  }
  if (!strncasecmp(s, "RTMAX", 5)) {
    n = s[5] ? (int)strtol(s + 5, &end, 10) : 0;
    if ((s[5] && *end) || SIGRTMAX + n < SIGRTMIN || n > 0)
      return -1;
    return SIGRTMAX + n;
  }
  return -1;
}

int cmd_kill(const veil_globals *g, int argc, char **argv)
{
  static const struct option longopts[] = {
      {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  veil_error err = VEIL_ERROR_INIT;
  bool all = false;
  int c, sig = SIGTERM;

  while ((c = cli_getopt("kill", argc, argv, "ah", longopts)) != -1) {
    switch (c) {
    case 'a':
      all = true;
      break;
    case 'h':
      printf("Usage: veil kill [-a|--all] CONTAINER-ID [SIGNAL]\n\n"
             "Send SIGNAL (a name such as TERM or SIGKILL, or a number; default TERM) to the\n"
             "container's init; --all sends it to every process of the container. Signal 0\n"
             "sends nothing: the exit status tells whether the container runs.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("kill", argc, argv, 1, 2, "[--all] CONTAINER-ID [SIGNAL]"))
    return 1;
  if (argc - optind == 2 && (sig = parse_signal(argv[optind + 1])) < 0)
    return cli_failf("kill: unknown signal \"%s\"", argv[optind + 1]);
  if (veil_container_kill(g->root, argv[optind], sig, all, &err) < 0)
    return cli_fail(&err);
  return 0;
}

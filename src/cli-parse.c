#include "config.h"
#include "cli-parse.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
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

int cli_parse_signal(const char *s)
{
  long n;
  char *end;

  if (isdigit((unsigned char)s[0])) {
    long v = strtol(s, &end, 10);
    /* 0 asks only whether the container is alive (kill(2)'s signal 0), as runc takes it */
    return (*end || v < 0 || v > SIGRTMAX) ? -1 : (int)v;
  }
  if (!strncasecmp(s, "SIG", 3))
    s += 3;
  for (size_t i = 0; i < sizeof(signal_table) / sizeof(signal_table[0]); i++)
    if (!strcasecmp(signal_table[i].name, s))
      return signal_table[i].sig;
  /* the offset is checked as a long, before the sum: one past int's range must not wrap round
   * to a valid signal */
  if (!strncasecmp(s, "RTMIN", 5)) {
    n = s[5] ? strtol(s + 5, &end, 10) : 0;
    if ((s[5] && *end) || n < 0 || n > SIGRTMAX - SIGRTMIN)
      return -1;
    return SIGRTMIN + (int)n;
  }
  if (!strncasecmp(s, "RTMAX", 5)) {
    n = s[5] ? strtol(s + 5, &end, 10) : 0;
    if ((s[5] && *end) || n > 0 || n < SIGRTMIN - SIGRTMAX)
      return -1;
    return SIGRTMAX + (int)n;
  }
  return -1;
}

int cli_parse_id(const char *s, uint32_t *out)
{
  uint64_t v;

  /* 4294967295 is (uid_t)-1, which setresuid takes as "keep the current id": root would stay */
  if (!*s || strspn(s, "0123456789") != strlen(s) || veil_parse_u64(s, &v) < 0 ||
      v > UINT32_MAX - 1)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

int cli_parse_user(char *s, uint32_t *uid, uint32_t *gid, bool *has_gid)
{
  char *colon = strchr(s, ':');
  int rc;

  if (colon)
    *colon = '\0';
  rc = cli_parse_id(s, uid) < 0 || (colon && cli_parse_id(colon + 1, gid) < 0) ? -1 : 0;
  if (colon)
    *colon = ':';
  *has_gid = colon != NULL;
  return rc;
}

int cli_parse_bytes(const char *s, int64_t *out)
{
  char *end;
  double v;
  static const char units[] = "bkmgtp";

  if (!strcmp(s, "-1")) {
    *out = -1;
    return 0;
  }
  if (!isdigit((unsigned char)s[0]))
    return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s)
    return -1;
  const char *u = end;
  int shift = 0;
  if (*u) {
    const char *p = strchr(units, tolower((unsigned char)*u));
    if (!p)
      return -1;
    shift = (int)(p - units) * 10;
    u++;
    if (shift && (!strcasecmp(u, "b") || !strcasecmp(u, "ib")))
      u += strlen(u);
    if (*u)
      return -1;
  }
  v *= (double)(1ull << shift);
  /* (double)INT64_MAX rounds up to 2^63, which does not fit: converting it is undefined (and
   * gives INT64_MIN, a negative limit, on x86) */
  if (v >= (double)INT64_MAX)
    return -1;
  *out = (int64_t)v;
  return 0;
}

int cli_parse_i64(const char *s, int64_t *out)
{
  char *end;

  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
  return s[0] == '-' ? -1 : veil_parse_u64(s, out);
}

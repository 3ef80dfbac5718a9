/* veil events: a container's resource usage and OOM kills as JSON lines (runc's format). */
#include "config.h"
#include "cli.h"
#include "container-resources.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Go-style durations as runc takes them: "5s", "100ms", "1m30s", "1.5s", "250us"; plain
 * numbers are seconds.  Result in milliseconds (at least 1). */
static int parse_duration(const char *s, uint64_t *ms)
{
  static const struct {
    const char *unit;
    double ms;
  } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3},  {"ms", 1},
               {"s", 1000},  {"m", 60000}, {"h", 3600000}};
  double total = 0;
  const char *p = s;

  if (!*p)
    return -1;
  if (strspn(s, "0123456789.") == strlen(s)) {
    total = strtod(s, NULL) * 1000;
    p = "";
  }
  while (*p) {
    char *end;
    if (!isdigit((unsigned char)*p) && *p != '.')
      return -1;
    double v = strtod(p, &end);
    if (end == p)
      return -1;
    p = end;
    size_t best = 0;
    double mul = 0;
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
      size_t l = strlen(units[i].unit);
      /* longest match: "ms" before "m" */
      if (!strncmp(p, units[i].unit, l) && l > best) {
        best = l;
        mul = units[i].ms;
      }
    }
    if (!best)
      return -1;
    total += v * mul;
    p += best;
  }
  if (total < 0 || total > 1e12)
    return -1;
  *ms = total < 1 ? 1 : (uint64_t)total;
  return 0;
}

static int print_event(const char *json, void *data)
{
  (void)data;
  if (puts(json) == EOF || fflush(stdout) == EOF)
    return -1;
  return 0;
}

int cmd_events(const veil_globals *g, int argc, char **argv)
{
  enum { OPT_INTERVAL = 256, OPT_STATS };
  static const struct option longopts[] = {
      {"interval", required_argument, NULL, OPT_INTERVAL},
      {"stats", no_argument, NULL, OPT_STATS},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  veil_error err = VEIL_ERROR_INIT;
  uint64_t interval = 5000;
  bool stats = false;
  int c;

  while ((c = cli_getopt("events", argc, argv, "h", longopts)) != -1) {
    switch (c) {
    case OPT_INTERVAL:
      if (parse_duration(optarg, &interval) < 0)
        return cli_failf("events: --interval: \"%s\" is not a duration (e.g. 5s, 100ms)", optarg);
      break;
    case OPT_STATS:
      stats = true;
      break;
    case 'h':
      printf("Usage: veil events [--stats] [--interval D] CONTAINER-ID\n\n"
             "Print the container's resource usage as JSON lines: with --stats once, otherwise\n"
             "every D (default 5s) together with {\"type\":\"oom\"} events, until it stops.\n");
      return 0;
    default:
      return 1;
    }
  }
  if (cli_expect_args("events", argc, argv, 1, 1, "[--stats] [--interval D] CONTAINER-ID"))
    return 1;
  if (veil_container_events(g->root, argv[optind], interval, stats, print_event, NULL, &err) < 0)
    return cli_fail(&err);
  return 0;
}

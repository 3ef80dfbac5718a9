/* Unit tests of the command-line value parsers (src/cli-parse.c): signal names, uids and
 * gids, exec --user, update's sizes and numbers.  Prints "ok N - name" lines and
 * "N passed, M failed". */
#include "config.h"
#include "check.h"
#include "cli-parse.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void test_signals(void)
{
  CHECK("signal: TERM", cli_parse_signal("TERM") == SIGTERM);
  CHECK("signal: sigkill", cli_parse_signal("sigkill") == SIGKILL);
  CHECK("signal: 9", cli_parse_signal("9") == 9);
  CHECK("signal: SIGRTMAX as a number", cli_parse_signal("64") == SIGRTMAX);
  CHECK("signal: 65 refused", cli_parse_signal("65") == -1);
  CHECK("signal: 0 is signal 0 (is it alive?), as runc", cli_parse_signal("0") == 0);
  CHECK("signal: RTMIN", cli_parse_signal("RTMIN") == SIGRTMIN);
  CHECK("signal: RTMIN+3", cli_parse_signal("RTMIN+3") == SIGRTMIN + 3);
  CHECK("signal: SIGRTMAX-2", cli_parse_signal("SIGRTMAX-2") == SIGRTMAX - 2);
  CHECK("signal: RTMIN+<last>", cli_parse_signal("RTMIN+30") == SIGRTMAX);
  CHECK("signal: RTMIN past RTMAX refused", cli_parse_signal("RTMIN+31") == -1);
  CHECK("signal: RTMAX below RTMIN refused", cli_parse_signal("RTMAX-31") == -1);
  /* offsets that do not fit an int must not wrap round to a valid signal */
  CHECK("signal: RTMIN+2^32+1 refused", cli_parse_signal("RTMIN+4294967297") == -1);
  CHECK("signal: RTMAX-(2^32+1) refused", cli_parse_signal("RTMAX-4294967297") == -1);
  CHECK("signal: RTMIN+INT_MAX refused", cli_parse_signal("RTMIN+2147483647") == -1);
  CHECK("signal: RTMAX+INT_MAX refused", cli_parse_signal("RTMAX+2147483647") == -1);
  CHECK("signal: empty refused", cli_parse_signal("") == -1);
  CHECK("signal: SIG refused", cli_parse_signal("SIG") == -1);
}

static void test_user(void)
{
  char both[] = "1000:100", uid_only[] = "0", empty_gid[] = "1:", empty_uid[] = ":1",
       big[] = "4294967296", max[] = "4294967294:4294967294", minus1[] = "4294967295",
       sign[] = "+1";
  uint32_t uid = 7, gid = 7;
  bool has_gid = false;

  CHECK("user: UID:GID", cli_parse_user(both, &uid, &gid, &has_gid) == 0 && uid == 1000 &&
                             gid == 100 && has_gid && !strcmp(both, "1000:100"));
  CHECK("user: UID", cli_parse_user(uid_only, &uid, &gid, &has_gid) == 0 && uid == 0 && !has_gid);
  CHECK("user: 1: refused",
        cli_parse_user(empty_gid, &uid, &gid, &has_gid) == -1 && !strcmp(empty_gid, "1:"));
  CHECK("user: :1 refused", cli_parse_user(empty_uid, &uid, &gid, &has_gid) == -1);
  CHECK("user: 2^32 refused", cli_parse_user(big, &uid, &gid, &has_gid) == -1);
  CHECK("user: 2^32-2, the highest id", cli_parse_user(max, &uid, &gid, &has_gid) == 0 &&
                                            uid == UINT32_MAX - 1 && gid == UINT32_MAX - 1);
  CHECK("user: 2^32-1 ((uid_t)-1) refused", cli_parse_user(minus1, &uid, &gid, &has_gid) == -1);
  CHECK("user: +1 refused", cli_parse_user(sign, &uid, &gid, &has_gid) == -1);
}

static void test_sizes(void)
{
  int64_t v = 0;
  uint64_t u = 0;

  CHECK("bytes: 1048576", cli_parse_bytes("1048576", &v) == 0 && v == 1048576);
  CHECK("bytes: 512k", cli_parse_bytes("512k", &v) == 0 && v == 512 * 1024);
  CHECK("bytes: 1.5g", cli_parse_bytes("1.5g", &v) == 0 && v == 3 * (1ll << 29));
  CHECK("bytes: 100MiB", cli_parse_bytes("100MiB", &v) == 0 && v == 100 * (1ll << 20));
  CHECK("bytes: -1", cli_parse_bytes("-1", &v) == 0 && v == -1);
  CHECK("bytes: -2 refused", cli_parse_bytes("-2", &v) == -1);
  CHECK("bytes: 1x refused", cli_parse_bytes("1x", &v) == -1);
  CHECK("bytes: largest whole terabytes",
        cli_parse_bytes("8388607t", &v) == 0 && v == INT64_MAX - (1ll << 40) + 1);
  /* 2^63 is one past INT64_MAX: it must be refused, not turned into a negative limit */
  v = 0;
  CHECK("bytes: 2^63 refused", cli_parse_bytes("9223372036854775808", &v) == -1 && v == 0);
  CHECK("bytes: 8388608t refused", cli_parse_bytes("8388608t", &v) == -1 && v == 0);
  CHECK("bytes: 8192p refused", cli_parse_bytes("8192p", &v) == -1 && v == 0);
  CHECK("i64: -5", cli_parse_i64("-5", &v) == 0 && v == -5);
  CHECK("i64: 5x refused", cli_parse_i64("5x", &v) == -1);
  CHECK("i64: 2^63 refused", cli_parse_i64("9223372036854775808", &v) == -1);
  CHECK("u64: 2^64-1", cli_parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX);
  CHECK("u64: -1 refused", cli_parse_u64("-1", &u) == -1);
}

int main(void)
{
  test_signals();
  test_user();
  test_sizes();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail ? 1 : 0;
}

/* The unit tests' TAP check: "ok N - name" or "not ok N - name (where: condition)".  Each test
 * program prints "N passed, M failed" from the counters at the end. */
#ifndef VEIL_TESTS_UNIT_CHECK_H
#define VEIL_TESTS_UNIT_CHECK_H

#include <stdio.h>

static int n_pass, n_fail, n_run;

#define CHECK(name, cond)                                                                          \
  do {                                                                                             \
    n_run++;                                                                                       \
    if (cond) {                                                                                    \
      n_pass++;                                                                                    \
      printf("ok %d - %s\n", n_run, name);                                                         \
    } else {                                                                                       \
      n_fail++;                                                                                    \
      printf("not ok %d - %s (%s:%d: %s)\n", n_run, name, __FILE__, __LINE__, #cond);              \
    }                                                                                              \
  } while (0)

#endif

/* veil CLI — the values of command-line arguments, parsed.  Kept apart from the commands so
 * that the unit tests and the fuzz targets (tests/fuzz/) reach them without a command line. */
#ifndef VEIL_CLI_PARSE_H
#define VEIL_CLI_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3": the signal's number, -1 when unknown. */
int cli_parse_signal(const char *s);

/* A decimal uid or gid that fits 32 bits: "1000". 0, or -1 when it is not one. */
int cli_parse_id(const char *s, uint32_t *out);

/* exec --user "UID[:GID]"; s is restored before returning.  0, or -1 when it is not one. */
int cli_parse_user(char *s, uint32_t *uid, uint32_t *gid, bool *has_gid);

/* Bytes: "1048576", "512k", "100M", "1.5g", "100MiB", "2GB" (binary units, as docker/go-units'
 * RAMInBytes); "-1" = unlimited.  0, or -1 when it is not a size that fits an int64. */
int cli_parse_bytes(const char *s, int64_t *out);

/* Whole decimal numbers, the whole string: 0, or -1. */
int cli_parse_i64(const char *s, int64_t *out);
int cli_parse_u64(const char *s, uint64_t *out);

#endif

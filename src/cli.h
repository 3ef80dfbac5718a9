/* veil CLI — shared between the per-command files. */
#ifndef VEIL_CLI_H
#define VEIL_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "error.h"

typedef struct veil_globals {
  const char *root;
  const char *log;
  const char *log_format;
  bool debug;
  bool systemd_cgroup;
  /* --rootless, resolved: auto is true when not root or inside a user namespace */
  bool rootless;
  /* why there is no state root (NULL root): a non-root caller without XDG_RUNTIME_DIR */
  const char *root_error;
} veil_globals;

typedef struct veil_command {
  const char *name;
  const char *summary;
  int (*run)(const veil_globals *g, int argc, char **argv);
  /* puts veil code into a container's namespaces: runs from a protected image (binary-guard.h) */
  bool enters_container;
} veil_command;

/* Reports err (stderr and --log), clears it and returns the exit status 1. */
int cli_fail(veil_error *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* getopt_long over a command's flags (cmd: its name in messages; NULL for the global flags).
 * Flags may follow the operands, as in runc, unless shortopts starts with '+': then they end
 * at the first operand.  Returns the option's val, -1 at the end; an unknown flag or a missing
 * value is reported and turned into -2 (exit 1). --help is handled by the caller through the
 * 'h' val.  Start a new argv with optind = 0 (glibc then forgets the previous ordering). */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts);

/* Exactly N positional arguments after the flags. */
int cli_expect_args(const char *cmd, int argc, char **argv, int min, int max, const char *usage);

int cmd_create(const veil_globals *g, int argc, char **argv);
int cmd_start(const veil_globals *g, int argc, char **argv);
int cmd_run(const veil_globals *g, int argc, char **argv);
int cmd_state(const veil_globals *g, int argc, char **argv);
int cmd_kill(const veil_globals *g, int argc, char **argv);
int cmd_delete(const veil_globals *g, int argc, char **argv);
int cmd_list(const veil_globals *g, int argc, char **argv);
int cmd_spec(const veil_globals *g, int argc, char **argv);
int cmd_exec(const veil_globals *g, int argc, char **argv);
int cmd_pause(const veil_globals *g, int argc, char **argv);
int cmd_resume(const veil_globals *g, int argc, char **argv);
int cmd_ps(const veil_globals *g, int argc, char **argv);
int cmd_update(const veil_globals *g, int argc, char **argv);
int cmd_events(const veil_globals *g, int argc, char **argv);
int cmd_features(const veil_globals *g, int argc, char **argv);
int cmd_ns(const veil_globals *g, int argc, char **argv);
int cmd_check(const veil_globals *g, int argc, char **argv);
int cmd_unimplemented(const veil_globals *g, int argc, char **argv);

/* create and run share their flags */
#include "container.h"
typedef struct create_flags {
  veil_create_opts opts;
  bool detach;
  bool keep;
} create_flags;
/* Parses the create/run flags and the ID; returns optind of the ID or -1 after reporting. */
int cli_parse_create(const char *cmd, bool is_run, int argc, char **argv, create_flags *f,
                     const char **id);

#endif

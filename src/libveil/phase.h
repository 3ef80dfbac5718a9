/* veil — `--debug` phase timing: where a create, run or exec spent its time.
 * Off (one branch per mark) unless --debug is on.  The parent logs each phase as it ends; the
 * container's init, which must not write to the host's log, records its phases and sends them
 * to the parent with its READY message. */
#ifndef VEIL_PHASE_H
#define VEIL_PHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHASES_MAX 24

typedef struct veil_phases {
  bool on;
  bool record;     /* true in the init: keep them for phases_format(), do not log */
  const char *who; /* the prefix of each logged line: "create", "init", "exec" ... */
  uint64_t last_ns;
  size_t n;
  struct {
    const char *name;
    uint32_t usec;
  } e[PHASES_MAX];
} veil_phases;

/* Starts the clock now; on only when debug messages are logged. */
void phases_begin(veil_phases *p, const char *who, bool record);
/* Ends the phase NAME (a string literal) here and starts the next one. */
void phases_mark(veil_phases *p, const char *name);
/* The recorded phases as "name=usec name=usec ..." into BUF (empty when off). */
void phases_format(const veil_phases *p, char *buf, size_t size);
/* Logs what phases_format() wrote, as lines of WHO. */
void phases_log_text(const char *who, const char *text);

#endif

/* veil — the state directory ROOT/ID: lock, atomic write, read, list, liveness (DESIGN §4). */
#ifndef VEIL_STATE_H
#define VEIL_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci.h"

typedef enum {
  VEIL_STATUS_CREATING,
  VEIL_STATUS_CREATED,
  VEIL_STATUS_RUNNING,
  VEIL_STATUS_PAUSED,
  VEIL_STATUS_STOPPED,
} veil_status;

const char *veil_status_name(veil_status s);

/* Letters, digits and "_+-.", not starting with '.', 1..1024 bytes. */
int veil_validate_id(const char *id, veil_error *err);

/* Opens (creating with mode 0700 when asked) the state root. */
int state_root_open(const char *root, bool create, veil_error *err);

/* Creates ROOT/ID and takes its lock; EEXIST becomes "already exists". Returns the dir fd. */
int state_dir_create(int rootfd, const char *id, veil_error *err);
/* Opens ROOT/ID and takes its lock (shared or exclusive). Returns the dir fd. */
int state_dir_open(int rootfd, const char *id, bool exclusive, veil_error *err);
int state_dir_remove(int rootfd, const char *id, veil_error *err);

int state_write(int dirfd, const veil_state_file *s, veil_error *err);
int state_read(int dirfd, veil_state_file **out, veil_error *err);

/* The intent record ROOT/ID/intent.json: a state document that create writes once, before it
 * makes any cgroup, with the directories it is about to make (and how many trailing components
 * of each are new).  state.json may be missing (veil was killed before it wrote it) or spoilt
 * later; this record is what `delete --force` then goes by, so that nothing create made is ever
 * out of its reach.  Processes need no record: the init and its children are in the cgroup, or
 * die with their parent (PR_SET_PDEATHSIG) until the init has joined it. */
int state_write_intent(int dirfd, const veil_state_file *s, veil_error *err);
int state_read_intent(int dirfd, veil_state_file **out, veil_error *err);

/* Appends a malloc'd marker to s->flags (taking it; NULL is ENOMEM).  0, or -1. */
int state_flag_add(veil_state_file *s, char *flag);

/* Start time of PID (field 22 of /proc/PID/stat), and whether it is a zombie; -1 if gone. */
int proc_pid_start_time(pid_t pid, uint64_t *start_time, bool *zombie);
/* True when the init recorded in the state is the same live process. */
bool state_init_alive(const veil_state_file *s);
veil_status state_status(int dirfd, const veil_state_file *s);

#define STATE_FILE  "state.json"
#define EXEC_FIFO   "exec.fifo"
#define INTENT_FILE "intent.json"

#endif

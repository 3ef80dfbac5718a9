/* veil — opening files of a procfs that is verified to be one (DESIGN §6). */
#ifndef VEIL_PROCFS_H
#define VEIL_PROCFS_H

#include "error.h"

/* Opens DIR (normally "/proc" or "/proc/sys") as an O_PATH directory and checks that it is the
 * root or a directory of a procfs, not a tmpfs or bind mount planted in its place. */
int procfs_open_dir(const char *dir, veil_error *err);
/* Opens PATH below the verified procfs directory DIRFD with FLAGS: no symlinks, no crossing
 * into another mount, and the opened file is checked to be on procfs too. */
int procfs_open_at(int dirfd, const char *path, int flags, veil_error *err);

#endif

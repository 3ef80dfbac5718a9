/* veil — tmpcopyup: a new tmpfs starts with a copy of what it covers. */
#ifndef VEIL_COPYUP_H
#define VEIL_COPYUP_H

#include "error.h"

/* Copies the content of directory FROM into directory TO (both open O_RDONLY|O_DIRECTORY):
 * files, directories, symlinks and special files, with their owner, mode and times, and gives
 * TO the owner and mode of FROM.  Nothing is followed: a symlink is copied as a symlink. */
int copyup_tree(int from, int to, veil_error *err);

#endif

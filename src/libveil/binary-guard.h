/* veil — the runtime's own binary is never writable from a container (CVE-2019-5736 class). */
#ifndef VEIL_BINARY_GUARD_H
#define VEIL_BINARY_GUARD_H

#include "error.h"

/* Makes this process non-dumpable and makes sure it runs from an image no container can write:
 * a read-only mount or a sealed memfd.  When it does not yet, re-executes veil with argv from a
 * detached read-only clone of its mount (or a sealed memfd copy) and does not return; returns 0
 * when the image is already protected, -1 with err filled when it cannot be. */
int veil_binary_protect(char *const argv[], veil_error *err);

#endif

#include "config.h"
#include "log.h"
#include "phase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void log_phase(const char *who, const char *name, uint64_t usec)
{
  veil_debug("phase %s %s: %llu.%03llu ms", who, name, (unsigned long long)(usec / 1000),
             (unsigned long long)(usec % 1000));
}

void phases_begin(veil_phases *p, const char *who, bool record)
{
  memset(p, 0, sizeof(*p));
  p->on = veil_debug_enabled();
  p->record = record;
  p->who = who;
  if (p->on)
    p->last_ns = now_ns();
}

void phases_mark(veil_phases *p, const char *name)
{
  if (!p->on)
    return;
  uint64_t t = now_ns(), usec = (t - p->last_ns) / 1000;

  p->last_ns = t;
  if (!p->record) {
    log_phase(p->who, name, usec);
    return;
  }
  if (p->n < PHASES_MAX) {
    p->e[p->n].name = name;
    p->e[p->n].usec = usec > UINT32_MAX ? UINT32_MAX : (uint32_t)usec;
    p->n++;
  }
}

void phases_format(const veil_phases *p, char *buf, size_t size)
{
  size_t o = 0;

  if (size)
    buf[0] = '\0';
  for (size_t i = 0; i < p->n && o < size; i++) {
    int w = snprintf(buf + o, size - o, "%s%s=%u", i ? " " : "", p->e[i].name, p->e[i].usec);
    if (w < 0 || (size_t)w >= size - o) {
      buf[o] = '\0';
      return;
    }
    o += (size_t)w;
  }
}

void phases_log_text(const char *who, const char *text)
{
  char name[64];
  unsigned long usec;
  int used;

  /* the init's own words, parsed defensively: a malformed entry ends the list */
  while (*text == ' ')
    text++;
  while (*text && sscanf(text, "%63[^= ]=%lu%n", name, &usec, &used) == 2) {
    log_phase(who, name, usec);
    text += used;
    while (*text == ' ')
      text++;
  }
}

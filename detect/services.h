/*
 * services.h -- the shipped list of services everyone runs (detect/data/
 * services.txt): OS and application updates, time, connectivity checks,
 * push notifications, telemetry, antivirus, IoT clouds.  Rhythm, long
 * sessions and fan-out toward them are what they do by design, so they are
 * never behaviour evidence (docs/detections.md; the file says why each
 * entry is there).
 *
 * One zone per line ("push.apple.com" covers it and every name below it);
 * '#' starts a comment.  Lookups walk the name's suffixes through a keyed
 * hash set: O(labels), no allocation.
 */
#ifndef SH_SERVICES_H
#define SH_SERVICES_H

#include <stddef.h>

struct services;

/* Load path.  A malformed line is reported as "path:line: ..." on stderr,
 * skipped and counted in *bad (may be NULL).  NULL with err when the file
 * cannot be read. */
struct services *services_load(const char *path, int *bad, char *err, size_t errlen);
void services_free(struct services *s);          /* NULL is a no-op */

/* 1 when name[0..len) (any case, one trailing dot allowed) is a listed
 * zone or below one. */
int services_match(const struct services *s, const char *name, size_t len);

size_t services_count(const struct services *s);

#endif /* SH_SERVICES_H */

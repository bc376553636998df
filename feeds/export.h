/*
 * export.h -- the indicators the engine learnt (detect/intel.h, struct
 * learned_ioc) written to a file for other sensors (--export-iocs).
 *
 * TEMPORARY: a plain-list writer so the CLI plumbing builds on the spread
 * branch; the feeds module's writer (STIX 2.1 bundle and plain lists)
 * replaces this file at merge.
 */
#ifndef SH_EXPORT_H
#define SH_EXPORT_H

#include <stddef.h>

#include "../detect/intel.h"

/* Write items[0..n) to path (replaced atomically).  0 ok; -1 with a
 * message in err. */
int ioc_export(const char *path, const struct learned_ioc *items, int n, char *err,
               size_t errlen);

#endif /* SH_EXPORT_H */

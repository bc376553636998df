/*
 * export.h -- write learnt indicators (detect/intel.h, struct learned_ioc)
 * as a STIX 2.1 bundle and as plain lists, for other sensors and tools.
 *
 * ioc_export(path, ...) writes
 *   path                  a STIX 2.1 bundle: one identity (spanhound) and
 *                         one indicator per item (pattern_type stix;
 *                         valid_from / valid_until = learnt / expires;
 *                         name and description from the evidence kind,
 *                         explanation and first host);
 *   path.ip.txt, path.domain.txt, path.url.txt, path.ja3.txt, path.ja4.txt,
 *   path.ja3s.txt, path.ja4s.txt, path.cert_sha1.txt, path.cert_sha256.txt
 *                         one value per line (every list is written, empty
 *                         or not, so no stale list survives an export).
 * Each file is written to a temporary name beside it, flushed to disk and
 * renamed: a reader sees the old file or the new one, never half of one.
 *
 * Identifiers: indicators get a name-based UUIDv5 (RFC 4122, SHA-1) of
 * "<type>:<value>" in spanhound's namespace, so the same indicator keeps
 * its id across exports and sensors; the bundle gets a random UUIDv4
 * (libsodium randombytes).  JA3/JA4/JA3S/JA4S have no STIX object: they
 * are written as [x-tls-fingerprint:ja3 = '...'] (a custom object that
 * spanhound's STIX reader understands; other readers skip it).
 */
#ifndef SH_EXPORT_H
#define SH_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../detect/intel.h"

/* 0 ok; -1 with a message in err (nothing is replaced then). */
int ioc_export(const char *path, const struct learned_ioc *items, int n, char *err,
               size_t errlen);

/* RFC 4122 name-based UUID (version 5) of name in namespace ns, as text
 * (37 bytes with the NUL). */
void ioc_uuid5(const uint8_t ns[16], const char *name, size_t len, char out[37]);

#endif /* SH_EXPORT_H */

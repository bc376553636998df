/*
 * views.h -- the NAC feed publisher's per-host views on disk
 * (JOURNAL.hosts beside the journal; feeds/redisfeed.c).
 *
 * The publisher rewrites this sensor's host hashes and infected-set
 * members from its views on every (re)connect and drops what is not in
 * them.  The views live in memory and in the journal's records; once the
 * journal is delivered and emptied they are only in memory, so without
 * this file a restart would remove every quarantine this sensor holds.
 *
 * Format: "SHV1", u32 record count, then per record a u32 length and the
 * record (the stream entry's fields as "name\0value\0" pairs, id first,
 * ending with a NUL), then the SipHash-2-4 (libsodium crypto_shorthash,
 * fixed key) of everything before it.  Integers little-endian.
 */
#ifndef SH_VIEWS_H
#define SH_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#define VIEWS_REC_MAX 32768

/* n records rec[i] of len[i] bytes into a malloc'd buffer (*out, *outlen).
 * 0 ok, -1 out of memory or a record out of range. */
int views_encode(const char *const *rec, const uint32_t *len, int n, uint8_t **out,
                 size_t *outlen);

/* Parse hostile bytes: checks everything first (checksum, lengths, each
 * record NUL-terminated pairs), then calls fn once per record, in order.
 * Returns the record count, or -1 with a reason in err (fn never called). */
typedef void (*views_fn)(void *ctx, const char *rec, size_t len);
int views_parse(const uint8_t *p, size_t len, views_fn fn, void *ctx, char *err, size_t errlen);

/* Atomic replace: path.XXXXXX in the same directory, fsync, rename, fsync
 * the directory.  0 ok, -1 with errno set. */
int views_write_file(const char *path, const uint8_t *p, size_t n);

#endif /* SH_VIEWS_H */

/*
 * ioc.h -- threat-intelligence feeds: parsers, the indicator store and the
 * lookup the detection engine calls (detect/intel.h, intel_lookup_fn).
 *
 * A feed is a file named in the configuration (`feeds` list) in one of the
 * formats below.  Each feed is parsed into its own store:
 *   - one hash set (open addressing, SipHash keyed per run: capture/hash.h)
 *     for every string type (domains, URLs, JA3/JA4/JA3S/JA4S, certificate
 *     SHA-1/SHA-256), values kept in one arena, reasons interned;
 *   - two path-compressed binary tries (IPv4, IPv6) for addresses and
 *     networks, matched by longest prefix (a /32 costs one node, not 32).
 * A set of loaded feeds (struct ioc_db) is immutable: ioc_lookup() reads
 * it on the detection thread without locks; a reload builds a new set
 * beside it (re-using the stores of unchanged or unreadable feeds) and the
 * caller swaps it in between two events (ioc_manager_swap).
 *
 * Matching (docs/feeds.md):
 *   - domains: the name and every parent, most specific first
 *     ("a.b.evil.example" matches an entry "evil.example");
 *   - IP: the longest listed prefix containing the address;
 *   - everything else: the exact canonical value;
 *   - at most one hit per feed (its most specific entry).
 */
#ifndef SH_IOC_H
#define SH_IOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/event.h"
#include "../capture/hash.h"
#include "../detect/evidence.h"
#include "../detect/intel.h"

enum ioc_format {
    IOC_FMT_PLAIN = 0,      /* one value per line, the feed's `type`         */
    IOC_FMT_ABUSECH_JA3,    /* SSLBL JA3: ja3_md5,Firstseen,Lastseen,reason  */
    IOC_FMT_ABUSECH_SSLBL,  /* SSLBL certificates: Listingdate,SHA1,reason   */
    IOC_FMT_FEODO,          /* Feodo Tracker IP blocklist CSV                */
    IOC_FMT_URLHAUS,        /* URLhaus CSV                                   */
    IOC_FMT_STIX,           /* STIX 2.1 bundle (JSON)                        */
    IOC_FMT_MAX
};

/* "plain", "abusech_ja3", ... and back (-1 when unknown). */
const char *ioc_format_name(int fmt);
int ioc_format_from_name(const char *name);

/* ---- canonical values ------------------------------------------------ */

/* Canonical form of `in` (len bytes) as an indicator of `*type` into out
 * (NUL-terminated); returns its length, or -1 when it is not one.  *type
 * may change: a certificate hash takes the type its length says (40 hex:
 * SHA-1, 64: SHA-256), a domain that is an address literal becomes IOC_IP.
 *   ip:      "192.0.2.1", "192.0.2.0/24", "2001:db8::/32" (host bits set is
 *            an error; "::ffff:192.0.2.1" is IPv4)
 *   domain:  lower case, no trailing dot, a leading "*." dropped
 *   url:     scheme and host lower case, no default port, no fragment,
 *            "/" when the path is empty
 *   ja3, ja3s: 32 hex digits, lower case; ja4, ja4s: [A-Za-z0-9_] text
 *   cert_*:  hex with or without ':' separators, lower case */
int ioc_canon(int *type, const char *in, size_t len, char *out, size_t outlen);

/* ---- parsers ------------------------------------------------------- */

/* Receives each indicator a parser finds, as listed (not canonical);
 * returns < 0 when the value is not a valid indicator of that type. */
typedef int (*ioc_sink_fn)(void *ctx, int type, const char *value, size_t len,
                           const char *reason, size_t rlen);

struct ioc_lineparser {
    int format;                 /* enum ioc_format (not STIX)             */
    int type;                   /* IOC_FMT_PLAIN: the feed's type          */
    int col_value, col_reason, col_reason2, ncols;  /* CSV columns (header) */
    char err[160];              /* why the last line was malformed         */
};

void ioc_lineparser_init(struct ioc_lineparser *p, int format, int type);

/* One line (without its end-of-line; a trailing '\r' is ignored).
 * Returns 1 when an indicator was handed to fn, 0 for a comment, blank or
 * header line, -1 when the line is malformed (p->err says why). */
int ioc_parse_line(struct ioc_lineparser *p, const char *line, size_t len,
                   ioc_sink_fn fn, void *ctx);

struct ioc_stix_counts {
    uint64_t indicators;        /* indicator objects seen                  */
    uint64_t added;             /* comparisons handed to the sink          */
    uint64_t expired;           /* valid_until in the past                 */
    uint64_t revoked;
    uint64_t unsupported;       /* patterns with nothing we can match      */
    uint64_t malformed;         /* bad objects, patterns or values         */
};

/* A STIX 2.1 bundle (or a bare array of objects, or one object) in
 * buf[0..len).  Indicators whose pattern (pattern_type "stix") is one
 * comparison or an OR of comparisons `<path> = '<string>'` on
 * domain-name:value, ipv4-addr:value, ipv6-addr:value, url:value,
 * x509-certificate:hashes.'SHA-1' / 'SHA-256' (or SHA1 / SHA256), or
 * spanhound's x-tls-fingerprint:ja3 / ja4 / ja3s / ja4s.  now_s: Unix time
 * for valid_until.  Warnings are written to `log` (may be NULL) prefixed
 * by `file`.  Returns 0, or -1 when the JSON itself cannot be parsed
 * (err gets "file:line: message"). */
int ioc_parse_stix(const char *buf, size_t len, int64_t now_s, ioc_sink_fn fn, void *ctx,
                   struct ioc_stix_counts *counts, const char *file, FILE *log,
                   char *err, size_t errlen);

/* ---- feeds and the lookup ------------------------------------------ */

struct ioc_feed_def {
    char name[INTEL_FEED_NAME_MAX];
    char path[256];
    int format;                 /* enum ioc_format                         */
    int type;                   /* enum ioc_type, IOC_FMT_PLAIN only       */
    double weight, confidence;
};

struct ioc_feed_stats {
    uint64_t entries;           /* distinct indicators stored              */
    uint64_t by_type[IOC_TYPE_MAX];
    uint64_t lines;             /* lines read (line formats)               */
    uint64_t skipped;           /* malformed lines / objects               */
    uint64_t duplicates;
    uint64_t expired, revoked, unsupported;   /* STIX                     */
    uint64_t bytes;             /* memory of the store                     */
    double load_s;              /* time the last load took                 */
};

struct ioc_db;                  /* a set of loaded feeds (immutable)       */

/* intel_lookup_fn (detect/intel.h); ctx is a struct ioc_db. */
int ioc_lookup(void *db, int type, const char *value, size_t len,
               const struct sh_addr *ip, struct intel_hit *out, int max);

/* One feed parsed from memory (tests, fuzzing, tools): a set of its own;
 * NULL when the content is not the format at all (STIX: not JSON) or out
 * of memory.  st (may be NULL) receives its numbers. */
struct ioc_db *ioc_db_from_buffer(const struct ioc_feed_def *def, const char *buf, size_t len,
                                  int64_t now_s, FILE *log, struct ioc_feed_stats *st);
void ioc_db_free(struct ioc_db *db);                     /* NULL: no-op */

/* Owns the configured feeds, their loaded versions and reloads. */
struct ioc_manager;

/* defs are copied; log receives one line per feed loaded or kept and the
 * warnings (file:line). */
struct ioc_manager *ioc_manager_create(const struct ioc_feed_def *defs, int n, FILE *log);
void ioc_manager_destroy(struct ioc_manager *m);         /* NULL: no-op */

/* Unix time used for STIX valid_until (0 = the clock, the default). */
void ioc_manager_set_now(struct ioc_manager *m, int64_t now_s);

/* Loads every feed now (synchronously); the set is then current.
 * Returns how many feeds could not be read (they stay empty). */
int ioc_manager_load(struct ioc_manager *m);

/* The current set (the ctx for ioc_lookup). */
struct ioc_db *ioc_manager_db(struct ioc_manager *m);

/* Rebuild in a background thread: force = every feed (SIGHUP), else only
 * feeds whose file changed (inode, size or mtime).  Returns 1 when a
 * rebuild was started, 0 when one is running already or nothing changed. */
int ioc_manager_reload_start(struct ioc_manager *m, int force);
/* The same, synchronously (tests); returns 1 when a new set is ready. */
int ioc_manager_reload(struct ioc_manager *m, int force);

/* If a rebuilt set is ready: install(ctx, db) is called with it (hand it
 * to the engine there), then the previous set is freed.  Call from the
 * thread that uses the lookup.  Returns 1 when a set was installed. */
typedef void (*ioc_install_fn)(void *ctx, struct ioc_db *db);
int ioc_manager_swap(struct ioc_manager *m, ioc_install_fn install, void *ctx);

/* New feed definitions (SIGHUP changed the configuration).  Call from the
 * thread that uses the lookup.  A feed with the same name and definition
 * keeps its loaded version; a new or changed one is empty until the next
 * reload reads it (start one: ioc_manager_reload_start(m, 1)); a removed
 * one is gone.  The new set is handed to install(ctx, db) at once and the
 * previous one freed.  A rebuild still running under the old definitions
 * is waited for and dropped.  0 ok, -1 out of memory (nothing changed). */
int ioc_manager_set_defs(struct ioc_manager *m, const struct ioc_feed_def *defs, int n,
                         ioc_install_fn install, void *ctx);

/* Per-feed numbers of the current set (i < number of feeds); -1 if none. */
int ioc_manager_feed_stats(struct ioc_manager *m, int i, struct ioc_feed_stats *st);

void ioc_manager_print_stats(struct ioc_manager *m, FILE *fp);

#endif /* SH_IOC_H */

/*
 * util.h -- spanhoundctl's helpers that touch no Redis: target parsing,
 * feed times, terminal-safe text, JSON from untrusted strings.
 */
#ifndef SH_CTL_UTIL_H
#define SH_CTL_UTIL_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

enum ctl_target_kind { CTL_TARGET_IP = 1, CTL_TARGET_MAC = 2 };

/* "10.0.0.5", "2001:DB8::5", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" ...
 * -> the feed's canonical text (inet_ntop, lowercase aa:bb:cc:dd:ee:ff).
 * Returns CTL_TARGET_IP / CTL_TARGET_MAC, or 0 when s is neither. */
int ctl_parse_target(const char *s, char *out, size_t outlen);

/* "2024-02-28T09:58:22.728490+0000" (also "Z", "+00:00", no fraction)
 * -> seconds since the epoch.  0 ok, -1 malformed. */
int ctl_parse_time(const char *s, time_t *t);

/* Now as the feed writes times. */
void ctl_now_iso(char *out, size_t outlen);

/* "45s", "3m", "2h05m", "3d04h"; "-" for a negative age. */
void ctl_fmt_age(long long secs, char *out, size_t outlen);

/* A malloc'd copy of s[0..n) that is safe on a terminal: control
 * characters and invalid UTF-8 become '?', at most maxcols characters
 * (0 = no limit; a cut ends in "..."). *cols (may be NULL) receives the
 * characters written.  Never NULL (aborts on out of memory). */
char *ctl_clean(const char *s, size_t n, size_t maxcols, size_t *cols);

/* A malloc'd copy of s[0..n) that is valid UTF-8 (Suricata's convention
 * for a stray byte 0xe9: U+00E9; NUL becomes U+FFFD). */
char *ctl_utf8(const char *s, size_t n);

/* A JSON string from arbitrary bytes (never NULL). */
json_t *ctl_jstr(const char *s, size_t n);

/* Parse s[0..n) as a JSON array (want_array) or object; NULL when it is
 * not one. */
json_t *ctl_jparse(const char *s, size_t n, int want_array);

/* A JSON value as one display string (malloc'd): strings as they are,
 * reals with 3 decimals, "-" for NULL (a missing member), anything else
 * compact JSON. */
char *ctl_jtext(const json_t *v);

/* case-insensitive equality of two NUL-terminated strings */
int ctl_ieq(const char *a, const char *b);

void *ctl_xmalloc(size_t n);
char *ctl_xstrdup(const char *s);

#endif /* SH_CTL_UTIL_H */

/*
 * json.h -- a small streaming JSON writer into a caller's fixed buffer.
 *
 * Strings from the wire are arbitrary bytes; json_str() makes any byte
 * sequence valid JSON: valid UTF-8 is kept, control characters and the
 * bytes of invalid UTF-8 sequences are written as \u00XX (Suricata's
 * convention: a raw byte 0xe9 becomes "\u00e9").  The writer never
 * overflows: once the buffer is full it stops and sets `overflow`, and the
 * caller drops the record (counted) instead of writing broken JSON.
 */
#ifndef SH_JSON_H
#define SH_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json {
    char *buf;
    size_t cap, len;
    int overflow;
    int depth;
    uint8_t first[JSON_MAX_DEPTH];   /* no member written yet at depth */
};

void json_init(struct json *j, char *buf, size_t cap);
/* key == NULL inside arrays / for the top-level value. */
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *s, size_t n);
void json_cstr(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_dbl(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, int v);
/* Append raw (already valid JSON) text as a value. */
void json_raw(struct json *j, const char *key, const char *raw);
/* NUL-terminates; returns the text or NULL on overflow. */
const char *json_finish(struct json *j);

/* Escape s (n bytes) as JSON string content (no quotes) into out; returns
 * bytes written or -1 when out is too small. */
long json_escape(const uint8_t *s, size_t n, char *out, size_t cap);

/* Length of the valid UTF-8 sequence starting at s (RFC 3629: no overlong
 * forms, surrogates or code points past U+10FFFF), 0 when invalid.  n > 0. */
size_t json_utf8_len(const uint8_t *s, size_t n);

#endif /* SH_JSON_H */

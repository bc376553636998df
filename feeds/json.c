/*
 * json.c -- streaming JSON writer.  See json.h.
 */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json *j, char *buf, size_t cap)
{
    j->buf = buf;
    j->cap = cap;
    j->len = 0;
    j->overflow = cap == 0;
    j->depth = 0;
    j->first[0] = 1;
}

static void put(struct json *j, const char *s, size_t n)
{
    if (j->overflow)
        return;
    if (j->cap - j->len <= n) {          /* keep one byte for the NUL */
        j->overflow = 1;
        return;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

static void putc_(struct json *j, char c)
{
    put(j, &c, 1);
}

/* Length of a valid UTF-8 sequence starting at s (RFC 3629), 0 if invalid. */
size_t json_utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;   /* overlong, out of range or a surrogate */
    return len;
}

long json_escape(const uint8_t *s, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        char e[8];
        size_t el = 0;
        size_t ul;
        if (c == '"' || c == '\\') {
            e[0] = '\\'; e[1] = (char)c; el = 2;
        } else if (c == '\n') { e[0] = '\\'; e[1] = 'n'; el = 2; }
        else if (c == '\r') { e[0] = '\\'; e[1] = 'r'; el = 2; }
        else if (c == '\t') { e[0] = '\\'; e[1] = 't'; el = 2; }
        else if (c >= 0x20 && c < 0x7f) { e[0] = (char)c; el = 1; }
        else if (c >= 0x80 && (ul = json_utf8_len(s + i, n - i)) > 1) {
            if (cap - o <= ul)
                return -1;
            memcpy(out + o, s + i, ul);
            o += ul;
            i += ul;
            continue;
        } else {
            e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
            e[4] = hex[c >> 4]; e[5] = hex[c & 15]; el = 6;
        }
        if (cap - o <= el)
            return -1;
        memcpy(out + o, e, el);
        o += el;
        i++;
    }
    return (long)o;
}

static void sep_key(struct json *j, const char *key)
{
    if (!j->first[j->depth])
        putc_(j, ',');
    j->first[j->depth] = 0;
    if (key) {
        putc_(j, '"');
        put(j, key, strlen(key));   /* keys are our own literals */
        put(j, "\":", 2);
    }
}

static void open_(struct json *j, const char *key, char c)
{
    sep_key(j, key);
    putc_(j, c);
    if (j->depth + 1 < JSON_MAX_DEPTH) {
        j->depth++;
        j->first[j->depth] = 1;
    } else {
        j->overflow = 1;
    }
}

static void close_(struct json *j, char c)
{
    if (j->depth > 0)
        j->depth--;
    putc_(j, c);
}

void json_obj_open(struct json *j, const char *key) { open_(j, key, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j, const char *key) { open_(j, key, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

void json_str(struct json *j, const char *key, const char *s, size_t n)
{
    sep_key(j, key);
    putc_(j, '"');
    if (!j->overflow) {
        long w = json_escape((const uint8_t *)s, n, j->buf + j->len,
                             j->cap - j->len);
        if (w < 0)
            j->overflow = 1;
        else
            j->len += (size_t)w;
    }
    putc_(j, '"');
}

void json_cstr(struct json *j, const char *key, const char *s)
{
    json_str(j, key, s, strlen(s));
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof(b), "%" PRIu64, v);
    sep_key(j, key);
    put(j, b, (size_t)n);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof(b), "%" PRId64, v);
    sep_key(j, key);
    put(j, b, (size_t)n);
}

void json_dbl(struct json *j, const char *key, double v, int decimals)
{
    char b[48];
    if (v != v || v > 1e300 || v < -1e300)
        v = 0;   /* JSON has no NaN/Inf */
    int n = snprintf(b, sizeof(b), "%.*f", decimals, v);
    sep_key(j, key);
    put(j, b, (size_t)n);
}

void json_bool(struct json *j, const char *key, int v)
{
    sep_key(j, key);
    if (v)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void json_raw(struct json *j, const char *key, const char *raw)
{
    sep_key(j, key);
    put(j, raw, strlen(raw));
}

const char *json_finish(struct json *j)
{
    if (j->overflow || j->cap == 0)
        return NULL;
    j->buf[j->len] = '\0';
    return j->buf;
}

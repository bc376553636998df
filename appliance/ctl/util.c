/*
 * util.c -- spanhoundctl's helpers.  See util.h.
 */
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "../../feeds/json.h"

void *ctl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("spanhoundctl: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

char *ctl_xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = ctl_xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

int ctl_ieq(const char *a, const char *b)
{
    return a && b && !strcasecmp(a, b);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff, aabbccddeeff */
static int parse_mac(const char *s, uint8_t mac[6])
{
    size_t n = strlen(s);
    char digits[12];
    size_t nd = 0;
    if (n == 17 && (s[2] == ':' || s[2] == '-')) {
        for (size_t i = 0; i < 17; i++) {
            if (i % 3 == 2) {
                if (s[i] != s[2]) return -1;
            } else {
                digits[nd++] = s[i];
            }
        }
    } else if (n == 14 && s[4] == '.' && s[9] == '.') {
        for (size_t i = 0; i < 14; i++)
            if (i != 4 && i != 9) digits[nd++] = s[i];
    } else if (n == 12) {
        memcpy(digits, s, 12);
        nd = 12;
    } else {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        int h = hexval((unsigned char)digits[2 * i]), l = hexval((unsigned char)digits[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        mac[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

int ctl_parse_target(const char *s, char *out, size_t outlen)
{
    unsigned char a[16];
    uint8_t mac[6];
    if (!s || !*s || strlen(s) > 64)
        return 0;
    if (inet_pton(AF_INET, s, a) == 1)
        return inet_ntop(AF_INET, a, out, (socklen_t)outlen) ? CTL_TARGET_IP : 0;
    if (inet_pton(AF_INET6, s, a) == 1)
        return inet_ntop(AF_INET6, a, out, (socklen_t)outlen) ? CTL_TARGET_IP : 0;
    if (parse_mac(s, mac) == 0 && outlen >= 18) {
        snprintf(out, outlen, "%02x:%02x:%02x:%02x:%02x:%02x",
                 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        return CTL_TARGET_MAC;
    }
    return 0;
}

static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

int ctl_parse_time(const char *s, time_t *t)
{
    int Y, M, D, h, m, sec;
    if (!s || strlen(s) < 19 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) ||
        s[7] != '-' || digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return -1;
        while (*p >= '0' && *p <= '9') p++;
    }
    long off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (digits(p, 2, &oh)) return -1;
        p += 2;
        if (*p == ':') p++;
        if (digits(p, 2, &om)) return -1;
        p += 2;
        if (oh > 23 || om > 59) return -1;
        off = sign * (oh * 3600L + om * 60L);
    }
    if (*p)
        return -1;
    struct tm tm = { 0 };
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    time_t v = timegm(&tm);
    if (v == (time_t)-1)
        return -1;
    *t = v - off;
    return 0;
}

void ctl_now_iso(char *out, size_t outlen)
{
    struct timeval tv;
    struct tm tm;
    char base[32];
    gettimeofday(&tv, NULL);
    time_t s = tv.tv_sec;
    gmtime_r(&s, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, outlen, "%s.%06ld+0000", base, (long)tv.tv_usec);
}

void ctl_fmt_age(long long secs, char *out, size_t outlen)
{
    if (secs < 0)
        snprintf(out, outlen, "-");
    else if (secs < 60)
        snprintf(out, outlen, "%llds", secs);
    else if (secs < 3600)
        snprintf(out, outlen, "%lldm", secs / 60);
    else if (secs < 86400)
        snprintf(out, outlen, "%lldh%02lldm", secs / 3600, secs % 3600 / 60);
    else
        snprintf(out, outlen, "%lldd%02lldh", secs / 86400, secs % 86400 / 3600);
}

char *ctl_clean(const char *s, size_t n, size_t maxcols, size_t *cols)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = ctl_xmalloc(n + 4);
    size_t o = 0, c = 0, i = 0;
    while (i < n) {
        if (maxcols && c >= maxcols) {
            /* cut: take back 3 characters (at least the last one) for "..." */
            size_t back = maxcols >= 4 ? 3 : 1;
            while (back-- && o > 0) {
                do o--; while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80);
                c--;
            }
            size_t dots = maxcols >= 4 ? 3 : 1;
            memset(out + o, '.', dots);
            o += dots;
            c += dots;
            break;
        }
        size_t l = json_utf8_len(u + i, n - i);
        if (l == 0 || (l == 1 && (u[i] < 0x20 || u[i] == 0x7f)) ||
            (l == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)) {   /* C1 controls */
            out[o++] = '?';
            i += l ? l : 1;
        } else {
            memcpy(out + o, s + i, l);
            o += l;
            i += l;
        }
        c++;
    }
    out[o] = 0;
    if (cols)
        *cols = c;
    return out;
}

char *ctl_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = ctl_xmalloc(3 * n + 1);
    size_t o = 0, i = 0;
    while (i < n) {
        size_t l = json_utf8_len(u + i, n - i);
        if (l == 1 && u[i] == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else if (l) {
            memcpy(out + o, s + i, l);
            o += l;
            i += l;
        } else {
            out[o++] = (char)(0xc0 | u[i] >> 6);
            out[o++] = (char)(0x80 | (u[i] & 0x3f));
            i++;
        }
    }
    out[o] = 0;
    return out;
}

json_t *ctl_jstr(const char *s, size_t n)
{
    char *v = ctl_utf8(s, n);
    json_t *j = json_string(v);
    free(v);
    if (!j) {
        fputs("spanhoundctl: out of memory\n", stderr);
        exit(1);
    }
    return j;
}

json_t *ctl_jparse(const char *s, size_t n, int want_array)
{
    if (!s)
        return NULL;
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_ALLOW_NUL, &e);
    if (j && !(want_array ? json_is_array(j) : json_is_object(j))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

char *ctl_jtext(const json_t *v)
{
    char buf[64];
    if (!v)
        return ctl_xstrdup("-");
    if (json_is_string(v))
        return ctl_xstrdup(json_string_value(v));
    if (json_is_real(v)) {
        snprintf(buf, sizeof(buf), "%.3f", json_real_value(v));
        return ctl_xstrdup(buf);
    }
    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return ctl_xstrdup(buf);
    }
    char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!d)
        return ctl_xstrdup("null");
    char *r = ctl_xstrdup(d);
    free(d);
    return r;
}

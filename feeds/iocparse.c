/*
 * iocparse.c -- feed formats: canonical indicator values, the line formats
 * (plain lists, abuse.ch CSVs) and STIX 2.1 bundles (jansson).
 *
 * Feed files are untrusted input like packets: every parser takes
 * (pointer, length), never reads past it, and reports a bad line instead
 * of giving up on the file.
 */
#include "ioc.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const fmt_names[IOC_FMT_MAX] = {
    [IOC_FMT_PLAIN] = "plain", [IOC_FMT_ABUSECH_JA3] = "abusech_ja3",
    [IOC_FMT_ABUSECH_SSLBL] = "abusech_sslbl", [IOC_FMT_FEODO] = "feodo",
    [IOC_FMT_URLHAUS] = "urlhaus", [IOC_FMT_STIX] = "stix",
};

const char *ioc_format_name(int fmt)
{
    return fmt >= 0 && fmt < IOC_FMT_MAX ? fmt_names[fmt] : "";
}

int ioc_format_from_name(const char *name)
{
    for (int i = 0; i < IOC_FMT_MAX; i++)
        if (strcmp(name, fmt_names[i]) == 0)
            return i;
    return -1;
}

/* ---- canonical values ------------------------------------------------ */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s))
        (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* "a.b.c.d", "a.b.c.d/n", IPv6 likewise; mapped IPv4 folded to IPv4. */
static int canon_ip(const char *in, size_t len, char *out, size_t outlen)
{
    char tmp[64];
    const char *slash = memchr(in, '/', len);
    size_t alen = slash ? (size_t)(slash - in) : len;
    struct sh_addr a;
    int plen;

    if (alen == 0 || alen >= sizeof(tmp))
        return -1;
    memcpy(tmp, in, alen);
    tmp[alen] = 0;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, tmp, a.a) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, tmp, a.a) == 1)
        a.family = 6;
    else
        return -1;
    int max = a.family == 4 ? 32 : 128;
    plen = max;
    if (slash) {
        size_t k = alen + 1;
        if (k >= len || len - k > 3)
            return -1;
        plen = 0;
        for (; k < len; k++) {
            if (in[k] < '0' || in[k] > '9')
                return -1;
            plen = plen * 10 + (in[k] - '0');
        }
        if (plen > max)
            return -1;
    }
    if (a.family == 6) {
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (memcmp(a.a, mapped, 12) == 0 && plen >= 96) {
            memmove(a.a, a.a + 12, 4);
            memset(a.a + 4, 0, 12);
            a.family = 4;
            plen -= 96;
            max = 32;
        }
    }
    uint8_t net[16];
    memcpy(net, a.a, 16);
    sh_addr_mask(net, (unsigned)plen);
    if (memcmp(net, a.a, 16) != 0)
        return -1;                       /* host bits set: a typo, not a network */
    char txt[INET6_ADDRSTRLEN];
    inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.a, txt, sizeof(txt));
    int n = plen == max ? snprintf(out, outlen, "%s", txt)
                        : snprintf(out, outlen, "%s/%d", txt, plen);
    return n < 0 || (size_t)n >= outlen ? -1 : n;
}

static int canon_domain(const char *in, size_t len, char *out, size_t outlen)
{
    if (len >= 2 && in[0] == '*' && in[1] == '.')
        in += 2, len -= 2;
    while (len && in[len - 1] == '.')
        len--;
    if (len == 0 || len > 253 || len >= outlen)
        return -1;
    size_t lab = 0;
    for (size_t i = 0; i < len; i++) {
        char c = lower(in[i]);
        if (c == '.') {
            if (lab == 0)
                return -1;
            lab = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            if (++lab > 63)
                return -1;
        } else {
            return -1;
        }
        out[i] = c;
    }
    out[len] = 0;
    return (int)len;
}

/* scheme://[userinfo@]host[:port][/path][?query][#fragment] */
static int canon_url(const char *in, size_t len, char *out, size_t outlen)
{
    size_t i = 0, o = 0;
    while (i < len && in[i] != ':') {
        char c = lower(in[i]);
        if (!((c >= 'a' && c <= 'z') || (i && ((c >= '0' && c <= '9') || c == '+' ||
                                                c == '-' || c == '.'))))
            return -1;
        i++;
    }
    if (i == 0 || i + 3 > len || in[i + 1] != '/' || in[i + 2] != '/' || i + 3 >= outlen)
        return -1;
    for (size_t k = 0; k < i; k++)
        out[o++] = lower(in[k]);
    int http = i == 4 && memcmp(out, "http", 4) == 0;
    int https = i == 5 && memcmp(out, "https", 5) == 0;
    memcpy(out + o, "://", 3);
    o += 3;
    i += 3;
    size_t as = i;                              /* authority */
    while (i < len && in[i] != '/' && in[i] != '?' && in[i] != '#')
        i++;
    size_t ae = i;
    const char *at = NULL;
    for (size_t k = as; k < ae; k++)
        if (in[k] == '@')
            at = in + k;
    size_t hs = at ? (size_t)(at - in) + 1 : as;
    if (hs == ae)
        return -1;
    size_t he = ae, ps = ae;                    /* host end, port start */
    if (in[hs] == '[') {
        const char *rb = memchr(in + hs, ']', ae - hs);
        if (!rb)
            return -1;
        he = (size_t)(rb - in) + 1;
        ps = he;
    } else {
        for (size_t k = hs; k < ae; k++)
            if (in[k] == ':') {
                he = k;
                break;
            }
        ps = he;
    }
    if (he == hs)
        return -1;
    if (o + (ae - as) + 2 >= outlen)
        return -1;
    /* userinfo dropped: an HTTP request never carries it (RFC 9110 4.2.4),
     * so the URL the engine rebuilds from a request has none */
    char v6[64];
    struct in6_addr a6;
    if (in[hs] == '[' && he - hs - 2 < sizeof(v6)) {
        /* an IPv6 literal in inet_ntop's text, as the engine writes it */
        memcpy(v6, in + hs + 1, he - hs - 2);
        v6[he - hs - 2] = 0;
        if (inet_pton(AF_INET6, v6, &a6) != 1)
            return -1;
        inet_ntop(AF_INET6, &a6, v6, sizeof(v6));
        size_t vl = strlen(v6);
        if (o + vl + 2 + (ae - he) + 2 >= outlen)
            return -1;
        out[o++] = '[';
        memcpy(out + o, v6, vl);
        o += vl;
        out[o++] = ']';
    } else {
        for (size_t k = hs; k < he; k++) {
            char c = in[k];
            if ((unsigned char)c <= ' ' || c == 0x7f)
                return -1;
            out[o++] = lower(c);
        }
    }
    while (o > 0 && out[o - 1] == '.' && he > hs + 1)
        o--;                                    /* trailing dot of a FQDN */
    if (ps < ae) {                              /* ":port" */
        size_t k = ps + 1;
        unsigned port = 0;
        if (k == ae)
            goto noport;
        for (; k < ae; k++) {
            if (in[k] < '0' || in[k] > '9' || port > 65535)
                return -1;
            port = port * 10 + (unsigned)(in[k] - '0');
        }
        if (port > 65535)
            return -1;
        if (!((http && port == 80) || (https && port == 443)))
            o += (size_t)snprintf(out + o, outlen - o, ":%u", port);
    }
noport:
    if (i >= len || in[i] != '/') {
        if (o + 1 >= outlen)
            return -1;
        out[o++] = '/';
    }
    for (; i < len && in[i] != '#'; i++) {
        if ((unsigned char)in[i] <= ' ' || in[i] == 0x7f)
            return -1;
        if (o + 1 >= outlen)
            return -1;
        out[o++] = in[i];
    }
    out[o] = 0;
    return (int)o;
}

static int canon_hex(const char *in, size_t len, char *out, size_t outlen, int allow_sep)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (allow_sep && (c == ':' || c == ' ' || c == '-'))
            continue;
        if (hexval(c) < 0 || o + 1 >= outlen)
            return -1;
        out[o++] = lower(c);
    }
    out[o] = 0;
    return (int)o;
}

int ioc_canon(int *type, const char *in, size_t len, char *out, size_t outlen)
{
    int n;
    if (!outlen)
        return -1;
    out[0] = 0;
    trim(&in, &len);
    if (len == 0)
        return -1;
    switch (*type) {
    case IOC_IP:
        return canon_ip(in, len, out, outlen);
    case IOC_DOMAIN:
        if ((n = canon_ip(in, len, out, outlen)) > 0) {
            *type = IOC_IP;
            return n;
        }
        return canon_domain(in, len, out, outlen);
    case IOC_URL:
        return canon_url(in, len, out, outlen);
    case IOC_JA3:
    case IOC_JA3S:
        n = canon_hex(in, len, out, outlen, 0);
        return n == 32 ? n : -1;
    case IOC_JA4:
    case IOC_JA4S:
        if (len > 64 || len >= outlen)
            return -1;
        for (size_t i = 0; i < len; i++) {
            char c = in[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_'))
                return -1;
            out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;  /* as the engine's */
        }
        out[len] = 0;
        return memchr(in, '_', len) ? (int)len : -1;
    case IOC_CERT_SHA1:
    case IOC_CERT_SHA256:
        n = canon_hex(in, len, out, outlen, 1);
        if (n == 40)
            *type = IOC_CERT_SHA1;
        else if (n == 64)
            *type = IOC_CERT_SHA256;
        else
            return -1;
        return n;
    default:
        return -1;
    }
}

/* ---- CSV ------------------------------------------------------------- */

#define CSV_MAX_FIELDS 24

struct field {
    const char *p;
    size_t n;
    int quoted;      /* had quotes (may then hold "" pairs: unescaped copies) */
};

/* Splits one CSV line; quoted fields may hold commas and "" pairs.
 * Returns the number of fields, or -1 on an unterminated quote or too
 * many fields.  Quoted fields point between their quotes; a field with
 * "" inside is returned with them (values never contain quotes). */
static int csv_split(const char *s, size_t len, struct field *f, int max)
{
    int n = 0;
    size_t i = 0;
    for (;;) {
        if (n >= max)
            return -1;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < len && s[i] == '"') {
            size_t st = ++i;
            for (;;) {
                if (i >= len)
                    return -1;
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i++;
            }
            f[n].p = s + st;
            f[n].n = i - st;
            f[n].quoted = 1;
            i++;
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
            n++;
            if (i >= len)
                return n;
            if (s[i] != ',')
                return -1;
            i++;
            continue;
        }
        size_t st = i;
        while (i < len && s[i] != ',')
            i++;
        f[n].p = s + st;
        f[n].n = i - st;
        f[n].quoted = 0;
        trim(&f[n].p, &f[n].n);
        n++;
        if (i >= len)
            return n;
        i++;
    }
}

static int field_is(const struct field *f, const char *name)
{
    size_t n = strlen(name);
    if (f->n != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(f->p[i]) != lower(name[i]))
            return 0;
    return 1;
}

/* column names per format: value column, reason columns */
struct colnames {
    const char *value[3];
    const char *reason[3];
    const char *reason2[2];
};

static const struct colnames colnames[IOC_FMT_MAX] = {
    [IOC_FMT_ABUSECH_JA3] = { { "ja3_md5", "ja3" }, { "listingreason", "reason" }, { NULL } },
    [IOC_FMT_ABUSECH_SSLBL] = { { "sha1", "sha1_fingerprint" }, { "listingreason", "reason" },
                                { NULL } },
    [IOC_FMT_FEODO] = { { "dst_ip", "dstip", "ip_address" }, { "malware" }, { NULL } },
    [IOC_FMT_URLHAUS] = { { "url" }, { "threat" }, { "tags" } },
};

void ioc_lineparser_init(struct ioc_lineparser *p, int format, int type)
{
    memset(p, 0, sizeof(*p));
    p->format = format;
    p->type = type;
    p->col_reason2 = -1;
    switch (format) {
    case IOC_FMT_ABUSECH_JA3:
        p->col_value = 0, p->col_reason = 3;
        break;
    case IOC_FMT_ABUSECH_SSLBL:
        p->col_value = 1, p->col_reason = 2;
        break;
    case IOC_FMT_FEODO:
        p->col_value = 1, p->col_reason = -2;      /* -2: the last column */
        break;
    case IOC_FMT_URLHAUS:
        p->col_value = 2, p->col_reason = -3;      /* -3: by column count */
        break;
    default:
        break;
    }
}

/* A header (commented or not) naming the format's columns: remember them.
 * Returns 1 when f[] is such a header. */
static int csv_header(struct ioc_lineparser *p, const struct field *f, int n)
{
    const struct colnames *cn = &colnames[p->format];
    int v = -1, r = -1, r2 = -1;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3 && cn->value[k]; k++)
            if (v < 0 && field_is(&f[i], cn->value[k]))
                v = i;
        for (int k = 0; k < 3 && cn->reason[k]; k++)
            if (r < 0 && field_is(&f[i], cn->reason[k]))
                r = i;
        for (int k = 0; k < 2 && cn->reason2[k]; k++)
            if (r2 < 0 && field_is(&f[i], cn->reason2[k]))
                r2 = i;
    }
    if (v < 0)
        return 0;
    p->col_value = v;
    p->col_reason = r;
    p->col_reason2 = r2;
    p->ncols = n;
    return 1;
}

static int emit(struct ioc_lineparser *p, ioc_sink_fn fn, void *ctx, int type,
                const char *v, size_t vn, const char *r, size_t rn)
{
    trim(&v, &vn);
    trim(&r, &rn);
    if (vn == 0) {
        snprintf(p->err, sizeof(p->err), "empty %s value", ioc_type_name(type));
        return -1;
    }
    if (fn(ctx, type, v, vn, r, rn) < 0) {
        snprintf(p->err, sizeof(p->err), "not a valid %s: '%.*s'", ioc_type_name(type),
                 (int)(vn > 80 ? 80 : vn), v);
        return -1;
    }
    return 1;
}

static int parse_plain(struct ioc_lineparser *p, const char *s, size_t len,
                       ioc_sink_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < len && !is_space(s[i]))
        i++;
    const char *v = s;
    size_t vn = i;
    const char *rest = s + i;
    size_t rn = len - i;
    trim(&rest, &rn);
    /* hosts-file lines ("0.0.0.0 evil.example") in a domain list */
    if (p->type == IOC_DOMAIN && rn && rest[0] != '#' &&
        ((vn == 7 && memcmp(v, "0.0.0.0", 7) == 0) ||
         (vn == 9 && memcmp(v, "127.0.0.1", 9) == 0))) {
        size_t k = 0;
        while (k < rn && !is_space(rest[k]))
            k++;
        v = rest;
        vn = k;
        rest += k;
        rn -= k;
        trim(&rest, &rn);
    }
    const char *r = "";
    size_t rl = 0;
    if (rn) {
        if (rest[0] != '#') {
            snprintf(p->err, sizeof(p->err), "unexpected text after the value: '%.*s'",
                     (int)(rn > 40 ? 40 : rn), rest);
            return -1;
        }
        r = rest + 1;
        rl = rn - 1;
    }
    return emit(p, fn, ctx, p->type, v, vn, r, rl);
}

int ioc_parse_line(struct ioc_lineparser *p, const char *line, size_t len,
                   ioc_sink_fn fn, void *ctx)
{
    struct field f[CSV_MAX_FIELDS];
    int n;

    p->err[0] = 0;
    if (len >= 3 && (unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb &&
        (unsigned char)line[2] == 0xbf)
        line += 3, len -= 3;                    /* UTF-8 byte order mark */
    trim(&line, &len);
    if (len == 0)
        return 0;
    if (p->format == IOC_FMT_PLAIN)
        return line[0] == '#' ? 0 : parse_plain(p, line, len, fn, ctx);
    if (p->format < 0 || p->format >= IOC_FMT_MAX || p->format == IOC_FMT_STIX) {
        snprintf(p->err, sizeof(p->err), "not a line format");
        return -1;
    }
    if (line[0] == '#') {
        /* "# ja3_md5,Firstseen,..." names the columns; other comments pass */
        const char *c = line + 1;
        size_t cn = len - 1;
        trim(&c, &cn);
        n = csv_split(c, cn, f, CSV_MAX_FIELDS);
        if (n > 1)
            csv_header(p, f, n);
        return 0;
    }
    n = csv_split(line, len, f, CSV_MAX_FIELDS);
    if (n < 0) {
        snprintf(p->err, sizeof(p->err), "malformed CSV (unterminated quote or over %d fields)",
                 CSV_MAX_FIELDS);
        return -1;
    }
    if (csv_header(p, f, n))
        return 0;                               /* an uncommented header row */
    int cv = p->col_value, cr = p->col_reason, cr2 = p->col_reason2;
    if (cr == -2)
        cr = n - 1;
    else if (cr == -3) {                        /* URLhaus without a header */
        cr = n >= 9 ? 5 : 4;
        cr2 = cr + 1;
    }
    if (cv >= n || n < 2) {
        snprintf(p->err, sizeof(p->err), "%d field%s, the value is in column %d", n,
                 n == 1 ? "" : "s", cv + 1);
        return -1;
    }
    int type = p->format == IOC_FMT_ABUSECH_JA3 ? IOC_JA3 :
               p->format == IOC_FMT_ABUSECH_SSLBL ? IOC_CERT_SHA1 :
               p->format == IOC_FMT_FEODO ? IOC_IP : IOC_URL;
    char reason[INTEL_REASON_MAX];
    size_t rl = 0;
    reason[0] = 0;
    if (cr >= 0 && cr < n && cr != cv) {
        rl = f[cr].n < sizeof(reason) - 1 ? f[cr].n : sizeof(reason) - 1;
        memcpy(reason, f[cr].p, rl);
        reason[rl] = 0;
    }
    if (cr2 >= 0 && cr2 < n && cr2 != cv && f[cr2].n) {
        int k = snprintf(reason + rl, sizeof(reason) - rl, "%s(%.*s)", rl ? " " : "",
                         (int)f[cr2].n, f[cr2].p);
        rl = k < 0 ? rl : rl + (size_t)k >= sizeof(reason) ? sizeof(reason) - 1 : rl + (size_t)k;
    }
    /* a quoted value never needs its "" pairs: no indicator holds a quote */
    if (f[cv].quoted && memchr(f[cv].p, '"', f[cv].n)) {
        snprintf(p->err, sizeof(p->err), "quote inside the value");
        return -1;
    }
    return emit(p, fn, ctx, type, f[cv].p, f[cv].n, reason, rl);
}

/* ---- STIX 2.1 -------------------------------------------------------- */

struct stix_comp {
    int type;            /* 0: a path we do not match */
    char value[EVIDENCE_IOC_MAX * 2];
    size_t len;
};

struct pat {
    const char *s;
    size_t n, i;
    const char *err;     /* syntax error */
    int unsupported;     /* valid STIX we do not evaluate (AND, LIKE, ...) */
};

static void pws(struct pat *p)
{
    while (p->i < p->n && is_space(p->s[p->i]))
        p->i++;
}

static int pword(struct pat *p, const char *w)
{
    size_t n = strlen(w);
    if (p->n - p->i < n || memcmp(p->s + p->i, w, n) != 0)
        return 0;
    if (p->i + n < p->n) {
        char c = p->s[p->i + n];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
            return 0;
    }
    p->i += n;
    return 1;
}

static int path_type(const char *path, size_t n)
{
    static const struct { const char *p; int t; } direct[] = {
        { "domain-name:value", IOC_DOMAIN }, { "ipv4-addr:value", IOC_IP },
        { "ipv6-addr:value", IOC_IP }, { "url:value", IOC_URL },
        { "x-tls-fingerprint:ja3", IOC_JA3 }, { "x-tls-fingerprint:ja4", IOC_JA4 },
        { "x-tls-fingerprint:ja3s", IOC_JA3S }, { "x-tls-fingerprint:ja4s", IOC_JA4S },
    };
    for (size_t k = 0; k < sizeof(direct) / sizeof(direct[0]); k++)
        if (strlen(direct[k].p) == n && memcmp(direct[k].p, path, n) == 0)
            return direct[k].t;
    static const char pre[] = "x509-certificate:hashes.";
    if (n > sizeof(pre) - 1 && memcmp(path, pre, sizeof(pre) - 1) == 0) {
        char h[16];
        size_t o = 0;
        for (size_t k = sizeof(pre) - 1; k < n; k++) {
            char c = path[k];
            if (c == '\'' || c == '-')
                continue;
            if (o + 1 >= sizeof(h))
                return 0;
            h[o++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        h[o] = 0;
        if (strcmp(h, "SHA1") == 0)
            return IOC_CERT_SHA1;
        if (strcmp(h, "SHA256") == 0)
            return IOC_CERT_SHA256;
    }
    return 0;
}

/* 'string' with \' and \\ escapes */
static int pstring(struct pat *p, struct stix_comp *c)
{
    if (p->i >= p->n || p->s[p->i] != '\'') {
        char ch = p->i < p->n ? p->s[p->i] : 0;
        if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '(' ||
            ((ch == 'b' || ch == 'h' || ch == 't') && p->i + 1 < p->n &&
             p->s[p->i + 1] == '\'') || pword(p, "true") || pword(p, "false"))
            p->unsupported = 1;                /* a number, b'..', h'..', t'..', a set */
        else
            p->err = "expected a string";
        return -1;
    }
    p->i++;
    c->len = 0;
    for (;;) {
        if (p->i >= p->n) {
            p->err = "unterminated string";
            return -1;
        }
        char ch = p->s[p->i++];
        if (ch == '\'')
            break;
        if (ch == '\\') {
            if (p->i >= p->n || (p->s[p->i] != '\'' && p->s[p->i] != '\\')) {
                p->err = "bad escape in a string (only \\' and \\\\)";
                return -1;
            }
            ch = p->s[p->i++];
        }
        if (c->len + 1 >= sizeof(c->value)) {
            p->err = "string too long";
            return -1;
        }
        c->value[c->len++] = ch;
    }
    c->value[c->len] = 0;
    return 0;
}

/* object-type:property.path['quoted'...]  up to the operator */
static int ppath(struct pat *p, size_t *st, size_t *en)
{
    *st = p->i;
    int colon = 0;
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == '\'') {
            const char *q = memchr(p->s + p->i + 1, '\'', p->n - p->i - 1);
            if (!q) {
                p->err = "unterminated quoted property";
                return -1;
            }
            p->i = (size_t)(q - p->s) + 1;
            continue;
        }
        if (c == ':')
            colon = 1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == ':' || c == '.' || c == '[' || c == ']' || c == '*') {
            if (c == ']' && (p->i == *st || !memchr(p->s + *st, '[', p->i - *st)))
                break;                          /* the end of the observation */
            p->i++;
            continue;
        }
        break;
    }
    *en = p->i;
    if (*en == *st || !colon) {
        p->err = "expected an object path";
        return -1;
    }
    return 0;
}

typedef void (*stix_comp_fn)(void *ctx, const struct stix_comp *c);

/* Parses pattern; returns how many comparisons it has, -1 on a syntax
 * error (p->err) or an unsupported construct (p->unsupported).  Each
 * comparison goes to cb (when not NULL) as it is read: a caller validates
 * the whole pattern with cb NULL first, then reads it again with cb. */
static int parse_pattern(struct pat *p, stix_comp_fn cb, void *cbctx)
{
    int nc = 0, nobs = 0;
    for (;;) {
        pws(p);
        int paren = 0;
        while (p->i < p->n && p->s[p->i] == '(') {     /* grouping observations */
            paren++;
            p->i++;
            pws(p);
        }
        if (p->i >= p->n || p->s[p->i] != '[') {
            p->err = "expected '['";
            return -1;
        }
        p->i++;
        nobs++;
        int depth = 0;
        for (;;) {                                     /* comparison expression */
            pws(p);
            while (p->i < p->n && p->s[p->i] == '(') {
                depth++;
                p->i++;
                pws(p);
            }
            if (pword(p, "NOT")) {
                p->unsupported = 1;
                return -1;
            }
            size_t ps, pe;
            if (ppath(p, &ps, &pe) < 0)
                return -1;
            pws(p);
            int ptype = path_type(p->s + ps, pe - ps);
            if (p->i < p->n && p->s[p->i] == '=') {
                p->i++;
            } else if (ptype == IOC_IP && pword(p, "ISSUBSET")) {
                /* an address in a CIDR range (STIX 2.1 patterning 9.6):
                 * the range is the indicator, as '=' with a CIDR */
            } else {
                if (p->i < p->n && (p->s[p->i] == '!' || p->s[p->i] == '<' ||
                                    p->s[p->i] == '>' || (p->s[p->i] >= 'A' && p->s[p->i] <= 'Z')))
                    p->unsupported = 1;                /* !=, <, LIKE, MATCHES, IN ... */
                else
                    p->err = "expected a comparison operator";
                return -1;
            }
            pws(p);
            struct stix_comp c;
            if (pstring(p, &c) < 0)
                return -1;
            c.type = ptype;
            if (nc == INT_MAX) {
                p->err = "too many comparisons";
                return -1;
            }
            nc++;
            if (cb)
                cb(cbctx, &c);
            pws(p);
            while (p->i < p->n && p->s[p->i] == ')') {
                if (--depth < 0) {
                    p->err = "unbalanced ')'";
                    return -1;
                }
                p->i++;
                pws(p);
            }
            if (pword(p, "OR"))
                continue;
            if (pword(p, "AND")) {
                p->unsupported = 1;
                return -1;
            }
            if (p->i < p->n && p->s[p->i] == ']') {
                if (depth) {
                    p->err = "unbalanced '('";
                    return -1;
                }
                p->i++;
                break;
            }
            p->err = "expected OR, AND or ']'";
            return -1;
        }
        pws(p);
        while (paren && p->i < p->n && p->s[p->i] == ')') {
            paren--;
            p->i++;
            pws(p);
        }
        if (paren) {
            p->err = "unbalanced '('";
            return -1;
        }
        if (p->i >= p->n)
            return nc;
        if (pword(p, "OR"))
            continue;
        /* AND, FOLLOWEDBY, WITHIN, START/STOP, REPEATS: not one value */
        if (pword(p, "AND") || pword(p, "FOLLOWEDBY") || pword(p, "WITHIN") ||
            pword(p, "START") || pword(p, "REPEATS")) {
            p->unsupported = 1;
            return -1;
        }
        p->err = "unexpected text after ']'";
        return -1;
    }
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac]Z" -> Unix seconds; -1 if not. */
static int parse_ts(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    char t, z;
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &se, &n) != 7 ||
        (t != 'T' && t != 't'))
        return -1;
    const char *r = s + n;
    if (*r == '.') {
        r++;
        if (*r < '0' || *r > '9')
            return -1;
        while (*r >= '0' && *r <= '9')
            r++;
    }
    z = *r;
    if ((z != 'Z' && z != 'z') || r[1])
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = (int64_t)timegm(&tm);
    return 0;
}

static void swarn(FILE *log, const char *file, const char *id, const char *fmt, const char *a)
{
    if (!log)
        return;
    fprintf(log, "spanhound: %s: indicator %s: warning: ", file ? file : "stix",
            id ? id : "(no id)");
    fprintf(log, fmt, a);
    fputc('\n', log);
}

static void reason_of(json_t *o, char *buf, size_t len)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    buf[0] = 0;
    if (name && *name) {
        snprintf(buf, len, "%s", name);
        return;
    }
    json_t *labels = json_object_get(o, "labels");
    if (!json_is_array(labels) || json_array_size(labels) == 0)
        labels = json_object_get(o, "indicator_types");
    if (json_is_array(labels)) {
        size_t i, o2 = 0;
        json_t *v;
        json_array_foreach(labels, i, v) {
            const char *s = json_string_value(v);
            if (!s)
                continue;
            int k = snprintf(buf + o2, len - o2, "%s%s", o2 ? "," : "", s);
            if (k < 0 || (size_t)k >= len - o2)
                break;
            o2 += (size_t)k;
        }
        if (o2)
            return;
    }
    const char *desc = json_string_value(json_object_get(o, "description"));
    if (desc)
        snprintf(buf, len, "%s", desc);
}

struct comp_out {
    ioc_sink_fn fn;
    void *ctx;
    struct ioc_stix_counts *c;
    const char *file, *id;
    FILE *log;
    int used;
    char reason[INTEL_REASON_MAX];
};

/* one comparison of a valid pattern to the sink */
static void comp_out(void *vo, const struct stix_comp *comp)
{
    struct comp_out *o = vo;
    if (!comp->type)
        return;
    o->used++;
    if (o->fn(o->ctx, comp->type, comp->value, comp->len, o->reason, strlen(o->reason)) < 0) {
        o->c->malformed++;
        swarn(o->log, o->file, o->id, "not a valid %s in the pattern", ioc_type_name(comp->type));
        return;
    }
    o->c->added++;
}

static void stix_indicator(json_t *o, int64_t now_s, ioc_sink_fn fn, void *ctx,
                           struct ioc_stix_counts *c, const char *file, FILE *log)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    c->indicators++;
    if (json_is_true(json_object_get(o, "revoked"))) {
        c->revoked++;
        return;
    }
    json_t *pt = json_object_get(o, "pattern_type");
    if (pt && (!json_is_string(pt) || strcmp(json_string_value(pt), "stix") != 0)) {
        c->unsupported++;
        return;
    }
    json_t *vu = json_object_get(o, "valid_until");
    if (vu) {
        int64_t t;
        if (!json_is_string(vu) || parse_ts(json_string_value(vu), &t) < 0) {
            c->malformed++;
            swarn(log, file, id, "valid_until is not a timestamp%s", "");
            return;
        }
        if (t <= now_s) {
            c->expired++;
            return;
        }
    }
    json_t *pj = json_object_get(o, "pattern");
    if (!json_is_string(pj)) {
        c->malformed++;
        swarn(log, file, id, "no pattern%s", "");
        return;
    }
    struct pat p = { json_string_value(pj), json_string_length(pj), 0, NULL, 0 };
    if (parse_pattern(&p, NULL, NULL) < 0) {
        if (p.unsupported) {
            c->unsupported++;
        } else {
            c->malformed++;
            swarn(log, file, id, "pattern: %s", p.err ? p.err : "syntax error");
        }
        return;
    }
    struct comp_out out = { fn, ctx, c, file, id, log, 0, "" };
    reason_of(o, out.reason, sizeof(out.reason));
    struct pat again = { p.s, p.n, 0, NULL, 0 };
    parse_pattern(&again, comp_out, &out);      /* valid: read it for its values */
    if (!out.used)
        c->unsupported++;
}

int ioc_parse_stix(const char *buf, size_t len, int64_t now_s, ioc_sink_fn fn, void *ctx,
                   struct ioc_stix_counts *counts, const char *file, FILE *log,
                   char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", file ? file : "stix", je.line, je.text);
        return -1;
    }
    json_t *objs = root;
    if (json_is_object(root)) {
        const char *t = json_string_value(json_object_get(root, "type"));
        if (t && strcmp(t, "bundle") == 0)
            objs = json_object_get(root, "objects");
    }
    if (json_is_object(objs)) {
        const char *t = json_string_value(json_object_get(objs, "type"));
        if (t && strcmp(t, "indicator") == 0)
            stix_indicator(objs, now_s, fn, ctx, counts, file, log);
    } else if (json_is_array(objs)) {
        size_t i;
        json_t *o;
        json_array_foreach(objs, i, o) {
            if (!json_is_object(o)) {
                counts->malformed++;
                continue;
            }
            const char *t = json_string_value(json_object_get(o, "type"));
            if (t && strcmp(t, "indicator") == 0)
                stix_indicator(o, now_s, fn, ctx, counts, file, log);
        }
    } else if (objs) {
        json_decref(root);
        snprintf(err, errlen, "%s:1: not a STIX bundle (no objects array)", file ? file : "stix");
        return -1;
    }
    json_decref(root);
    return 0;
}

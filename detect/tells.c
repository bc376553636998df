/*
 * tells.c -- protocol tells of TLS, HTTP and names.  See tells.h.
 */
#include "tells.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"
#include "../config/cidr.h"
#include "destprev.h"
#include "lru.h"
#include "services.h"

#define FP_HOSTS 4                /* hosts remembered per client fingerprint  */
#define FP_DESTS 2                /* destinations remembered per fingerprint  */
#define HOST_FPS 4                /* browser fingerprints remembered per host */
#define NAME_HOSTS 4              /* hosts remembered per registrable domain  */
#define TELL_TEXT 240

struct fpprev {                   /* who uses a client fingerprint, toward what */
    uint32_t host[FP_HOSTS];
    uint64_t dest[FP_DESTS];
    uint8_t  nhost, ndest;        /* ndest FP_DESTS + 1: more than kept      */
    uint8_t  more_hosts;
};

struct hoststate {                /* what a host showed of itself           */
    uint64_t browser_fp[HOST_FPS];/* keyed hashes of its browsers' JA4/JA3   */
    uint8_t  nfp;
    uint8_t  browser_ua;          /* a browser User-Agent was seen           */
};

struct tellstate {                /* tells seen per (host, destination, kind) */
    uint32_t mask;
    float    conf[TELL_MAX];
    char     text[TELL_TEXT];     /* "; "-separated phrases, one per tell    */
};

struct nameprev {                 /* a registrable domain's first resolution */
    uint32_t first_s;
    uint32_t host[NAME_HOSTS];
    uint8_t  n;
};

struct tells {
    struct detect_params p;
    struct hkey key;
    struct lru_map *dest, *fp, *hosts, *state, *names;
    struct services *dyndns, *ipcheck;
    uint64_t first_us;            /* the first event judged                 */
    uint64_t fp_hosts_seen;       /* distinct hosts with a ClientHello (approx.) */
    struct tells_stats s;
};

static const char *const tell_names[TELL_MAX] = {
    "cert_self_signed", "cert_expired", "cert_mismatch", "cert_default", "no_sni",
    "rare_fingerprint", "ip_host", "odd_port_ip", "random_post", "exe_download", "tool_ua",
    "no_host", "dyndns", "ipcheck", "new_domain",
};

const char *tell_name(int id)
{
    return id >= 0 && id < TELL_MAX ? tell_names[id] : "?";
}

/* ---- pure helpers ----------------------------------------------------------- */

int tells_ip_literal(const char *s, size_t n)
{
    char b[64];
    if (!s || !n || n >= sizeof(b))
        return 0;
    memcpy(b, s, n);
    b[n] = '\0';
    char *p = b;
    if (*p == '[') {
        char *e = strchr(p, ']');
        if (!e)
            return 0;
        *e = '\0';
        p++;
    } else if (strchr(p, '.') && strchr(p, ':') && strchr(p, ':') == strrchr(p, ':')) {
        *strchr(p, ':') = '\0';                /* "1.2.3.4:8080" */
    }
    struct sh_addr a;
    if (addr_parse(p, &a) != 0)
        return 0;
    return a.family;
}

static int vowel(char c)
{
    c = (char)tolower((unsigned char)c);
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int cclass(char c)
{
    return isdigit((unsigned char)c) ? 0 : isupper((unsigned char)c) ? 1 : 2;
}

double tells_token_randomness(const char *s, size_t n)
{
    if (n < 8 || n > 256)
        return 0;
    int has[3] = { 0, 0, 0 }, changes = 0, letters = 0, vowels = 0, run = 0, maxrun = 0;
    int count[128] = { 0 };
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c))
            return 0;
        int k = cclass((char)c);
        has[k] = 1;
        if (i && cclass(s[i - 1]) != k)
            changes++;
        count[c]++;
        if (k) {
            letters++;
            if (vowel((char)c)) {
                vowels++;
                run = 0;
            } else if (++run > maxrun) {
                maxrun = run;
            }
        } else {
            run = 0;
        }
    }
    if (!letters)
        return 0;                          /* a number: an id, a date */
    /* Shannon entropy against the most a token of this length can have */
    double h = 0;
    for (int c = 0; c < 128; c++)
        if (count[c]) {
            double q = (double)count[c] / (double)n;
            h -= q * log2(q);
        }
    double hmax = log2((double)(n < 62 ? n : 62));
    double variety = hmax > 0 ? h / hmax : 0;
    /* class changes per character pair: words and camelCase change
     * rarely (getUserProfile: 4 in 13), random mixed-case/digit text
     * often (OK21pqJAtyyGBEo00sk: 8 in 18, hex 9 in 9) */
    double mix = (double)changes / (double)(n - 1);
    int classes = has[0] + has[1] + has[2];
    double s_mix = classes >= 2 ? fmin(1.0, fmax(0.0, (mix - 0.15) / 0.3)) : 0;
    /* letters that are not words: few vowels, long consonant runs */
    double vr = (double)vowels / letters;
    double s_vow = fmin(1.0, fmax(0.0, (0.3 - vr) / 0.2));
    double s_run = maxrun >= 5 ? 1.0 : maxrun >= 4 ? 0.5 : 0;
    double shape = fmax(s_mix, fmax(s_vow, s_run));
    return shape * fmin(1.0, fmax(0.0, (variety - 0.6) / 0.3));
}

/* the token ends at a separator; file extensions are not part of it */
static int tok_sep(char c)
{
    return c == '/' || c == '?' || c == '&' || c == '=' || c == '.' || c == '-' || c == '_' ||
           c == '#' || c == ';' || c == '+' || c == '%' || c == ',' || c == '~';
}

double tells_uri_randomness(const char *uri, size_t n, char *tok, size_t toklen)
{
    double best = 0;
    if (tok && toklen)
        tok[0] = '\0';
    size_t q = 0;
    while (q < n && uri[q] != '?' && uri[q] != '#')
        q++;
    size_t i = 0;
    while (i < n) {
        while (i < n && tok_sep(uri[i]))
            i++;
        size_t j = i;
        while (j < n && !tok_sep(uri[j]))
            j++;
        if (j == i)
            break;
        /* in the query part only keys count (values are ids by design) */
        int is_value = i > q && i > 0 && uri[i - 1] == '=';
        if (!is_value) {
            double r = tells_token_randomness(uri + i, j - i);
            if (r > best) {
                best = r;
                if (tok && toklen) {
                    size_t m = j - i < toklen - 1 ? j - i : toklen - 1;
                    memcpy(tok, uri + i, m);
                    tok[m] = '\0';
                }
            }
        }
        i = j;
    }
    return best;
}

int tells_exe_uri(const char *uri, size_t n, char *ext, size_t extlen)
{
    static const char *const exe[] = { "exe", "dll", "scr", "msi", "com", "pif", "cpl", "sys",
                                       "jar", "msix", "appx" };
    static const char *const script[] = { "ps1", "psm1", "hta", "vbs", "vbe", "js", "jse",
                                          "wsf", "wsh", "bat", "cmd", "lnk", "sct" };
    size_t e = 0;
    while (e < n && uri[e] != '?' && uri[e] != '#')
        e++;
    size_t dot = e;
    while (dot > 0 && uri[dot - 1] != '.' && uri[dot - 1] != '/')
        dot--;
    if (dot == 0 || uri[dot - 1] != '.' || e - dot == 0 || e - dot > 5)
        return 0;
    char x[8];
    size_t m = e - dot;
    for (size_t i = 0; i < m; i++)
        x[i] = (char)tolower((unsigned char)uri[dot + i]);
    x[m] = '\0';
    int kind = 0;
    for (size_t i = 0; i < sizeof(exe) / sizeof(exe[0]) && !kind; i++)
        if (!strcmp(x, exe[i]))
            kind = 2;
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]) && !kind; i++)
        if (!strcmp(x, script[i]))
            kind = 1;
    if (kind && ext && extlen)
        snprintf(ext, extlen, ".%s", x);
    return kind;
}

static int has_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!strncasecmp(s + i, needle, k))
            return 1;
    return 0;
}

int tells_exe_ctype(const char *ct, size_t n)
{
    static const char *const v[] = {
        "application/x-msdownload", "application/x-dosexec", "application/x-msdos-program",
        "application/x-ms-installer", "application/x-msi", "application/x-ms-dos-executable",
        "application/vnd.microsoft.portable-executable", "application/x-executable",
        "application/hta",
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        if (has_ci(ct, n, v[i]))
            return 1;
    return 0;
}

int tells_ua_kind(const char *ua, size_t n, char *tool, size_t toollen)
{
    /* libraries and command-line tools: scripts, loaders and LOLBins use
     * them; people browse with browsers */
    static const char *const tools[] = {
        "curl/", "Wget/", "python-requests/", "Python-urllib/", "python-httpx/", "aiohttp/",
        "WindowsPowerShell/", "PowerShell/", "WinHTTP", "Go-http-client/", "libwww-perl/",
        "Java/", "Apache-HttpClient/", "node-fetch", "axios/", "Ruby", "PycURL/",
        "CertUtil URL Agent", "Microsoft BITS/", "Nim httpclient", "Indy Library",
        "AutoIt", "WinInet",
    };
    if (tool && toollen)
        tool[0] = '\0';
    size_t i = 0;
    while (i < n && isspace((unsigned char)ua[i]))
        i++;
    if (i == n)
        return UA_EMPTY;
    for (size_t k = 0; k < sizeof(tools) / sizeof(tools[0]); k++) {
        if (has_ci(ua, n, tools[k])) {
            if (tool && toollen) {
                size_t m = strcspn(tools[k], "/");
                snprintf(tool, toollen, "%.*s", (int)m, tools[k]);
            }
            /* BITS is Windows Update's own transfer service too: a tool,
             * but one every Windows host runs */
            return strncmp(tools[k], "Microsoft BITS", 14) ? UA_TOOL : UA_OTHER;
        }
    }
    if (n - i >= 8 && !strncmp(ua + i, "Mozilla/", 8) &&
        (has_ci(ua, n, "Firefox/") || has_ci(ua, n, "Chrome/") || has_ci(ua, n, "Safari/") ||
         has_ci(ua, n, "Edg/") || has_ci(ua, n, "OPR/")))
        return UA_BROWSER;
    return UA_OTHER;
}

/* sni matches pattern p[0..n): equal, or "*." + one label */
static int name_matches(const char *sni, const char *p, size_t n)
{
    while (n && p[0] == ' ') {
        p++;
        n--;
    }
    size_t sl = strlen(sni);
    if (sl && sni[sl - 1] == '.')
        sl--;
    if (n == sl && !strncasecmp(sni, p, n))
        return 1;
    if (n > 2 && p[0] == '*' && p[1] == '.') {
        const char *dot = memchr(sni, '.', sl);
        if (dot && dot > sni && (size_t)(sni + sl - dot) == n - 1 &&
            !strncasecmp(dot, p + 1, n - 1))
            return 1;
    }
    return 0;
}

int tells_cert_covers(const char *sni, const char *subject, const char *san)
{
    const char *p = san;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        if (name_matches(sni, p, n))
            return 1;
        p += n;
        if (*p)
            p++;
    }
    for (p = subject; p && (p = strstr(p, "CN=")) != NULL;) {
        if (p == subject || p[-1] == ' ' || p[-1] == ',') {
            p += 3;
            size_t n = strcspn(p, ",");
            if (name_matches(sni, p, n))
                return 1;
        } else {
            p += 3;
        }
    }
    return 0;
}

/* The value of attribute key ("CN") in an RFC 4514-like "C=US, CN=x"
 * string: its first occurrence, into out.  0 when absent. */
static int rdn_value(const char *dn, const char *key, char *out, size_t outlen)
{
    size_t k = strlen(key);
    for (const char *p = dn; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncmp(p, key, k) && p[k] == '=') {
            p += k + 1;
            size_t n = strcspn(p, ",");
            snprintf(out, outlen, "%.*s", (int)n, p);
            return 1;
        }
        p += strcspn(p, ",");
    }
    return 0;
}

static int dns_name_like(const char *s)
{
    size_t n = strlen(s);
    if (!n || !strchr(s, '.'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_' || c == '*'))
            return 0;
    }
    return 1;
}

static void add_why(char *why, size_t len, const char *s)
{
    if (!why || !len)
        return;
    size_t u = strlen(why);
    snprintf(why + u, len - u, "%s%s", u ? ", " : "", s);
}

/* "self-issued: " before the first self-issued trait (once) */
static const char *self_tag(unsigned m)
{
    return m & (CERTD_CN_NOT_DNS | CERTD_LONG_VALIDITY | CERTD_FRESH) ? "" : "self-issued: ";
}

unsigned tells_cert_defaults(const char *subject, const char *issuer, int64_t notbefore,
                             int64_t notafter, int64_t now_s, double long_years,
                             double fresh_s, char *why, size_t whylen)
{
    /* placeholder values of OpenSSL's and distributions' openssl.cnf and
     * of common generators, left in when nobody fills the prompts */
    static const char *const placeholders[] = {
        "O=Internet Widgits Pty Ltd", "ST=Some-State", "L=Default City",
        "O=Default Company Ltd", "O=My Company", "O=Company", "ST=Denial", "L=Springfield",
        "O=Dis", "CN=localhost", "CN=localhost.localdomain", "O=SomeOrganization",
        "OU=SomeOrganizationalUnit", "C=XX",
    };
    unsigned m = 0;
    char cn[128], c[64], b[96];
    if (why && whylen)
        why[0] = '\0';
    const char *sub = subject ? subject : "";
    for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
        const char *hit = strstr(sub, placeholders[i]);
        size_t k = strlen(placeholders[i]);
        if (hit && (hit == sub || hit[-1] == ' ' || hit[-1] == ',') &&
            (hit[k] == '\0' || hit[k] == ',')) {
            if (!(m & CERTD_OPENSSL_DEFAULT)) {
                snprintf(b, sizeof(b), "placeholder '%s'", placeholders[i]);
                add_why(why, whylen, b);
            }
            m |= CERTD_OPENSSL_DEFAULT;
        }
    }
    int has_cn = rdn_value(sub, "CN", cn, sizeof(cn));
    if (!sub[0] || !has_cn) {
        m |= CERTD_EMPTY_SUBJECT;
        add_why(why, whylen, sub[0] ? "no CN" : "empty subject");
    }
    if (rdn_value(sub, "C", c, sizeof(c)) &&
        !(strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]))) {
        m |= CERTD_BAD_COUNTRY;
        snprintf(b, sizeof(b), "country '%.40s' is no ISO code", c);
        add_why(why, whylen, b);
    }
    int self = sub[0] && issuer && !strcmp(sub, issuer);
    if (self && has_cn && !dns_name_like(cn) && !tells_ip_literal(cn, strlen(cn))) {
        snprintf(b, sizeof(b), "%sCN '%.48s' is no DNS name", self_tag(m), cn);
        m |= CERTD_CN_NOT_DNS;
        add_why(why, whylen, b);
    }
    if (self && notafter > notbefore && notbefore &&
        (double)(notafter - notbefore) >= long_years * 365.25 * 86400) {
        snprintf(b, sizeof(b), "%svalid %.0f years", self_tag(m),
                 (double)(notafter - notbefore) / (365.25 * 86400));
        m |= CERTD_LONG_VALIDITY;
        add_why(why, whylen, b);
    }
    if (self && fresh_s > 0 && notbefore && notbefore <= now_s + 300 &&
        (double)(now_s - notbefore) < fresh_s) {
        snprintf(b, sizeof(b), "%smade %.0f min before use", self_tag(m),
                 (double)(now_s - notbefore) / 60.0);
        m |= CERTD_FRESH;
        add_why(why, whylen, b);
    }
    return m;
}

/* ---- tables ----------------------------------------------------------------- */

static double fp_weight(const void *item)
{
    const struct fpprev *f = item;
    return f->nhost >= 2 ? 1.0 : 0.0;     /* shared fingerprints survive floods */
}

static double name_weight(const void *item)
{
    const struct nameprev *p = item;
    return p->n >= 2 ? 1.0 : 0.0;
}

struct tells *tells_create(size_t capacity, const struct detect_params *p,
                           const char *data_dir, char *err, size_t errlen)
{
    struct tells *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->p = *p;
    hk_init(&t->key);
    if (capacity < 1024)
        capacity = 1024;
    t->dest = lru_create(capacity, sizeof(struct destprev), err, errlen);
    t->fp = t->dest ? lru_create(capacity / 4 + 64, sizeof(struct fpprev), err, errlen) : NULL;
    t->hosts = t->fp ? lru_create(capacity / 2 + 64, sizeof(struct hoststate), err, errlen)
                     : NULL;
    t->state = t->hosts ? lru_create(capacity / 2 + 64, sizeof(struct tellstate), err, errlen)
                        : NULL;
    t->names = t->state ? lru_create(capacity * 4, sizeof(struct nameprev), err, errlen) : NULL;
    if (!t->names)
        goto fail;
    lru_set_weight(t->fp, fp_weight);
    lru_set_weight(t->names, name_weight);
    char path[1200];
    snprintf(path, sizeof(path), "%s/dyndns.txt", data_dir ? data_dir : ".");
    t->dyndns = services_load(path, NULL, err, errlen);
    if (!t->dyndns)
        goto fail;
    snprintf(path, sizeof(path), "%s/ipcheck.txt", data_dir ? data_dir : ".");
    t->ipcheck = services_load(path, NULL, err, errlen);
    if (!t->ipcheck)
        goto fail;
    return t;
fail:
    tells_destroy(t);
    return NULL;
}

void tells_set_params(struct tells *t, const struct detect_params *p)
{
    t->p = *p;
}

void tells_destroy(struct tells *t)
{
    if (!t)
        return;
    lru_destroy(t->dest);
    lru_destroy(t->fp);
    lru_destroy(t->hosts);
    lru_destroy(t->state);
    lru_destroy(t->names);
    services_free(t->dyndns);
    services_free(t->ipcheck);
    free(t);
}

void tells_get_stats(const struct tells *t, struct tells_stats *s)
{
    *s = t->s;
    s->dest_evicted = lru_evictions(t->dest);
    s->fp_evicted = lru_evictions(t->fp);
    s->state_evicted = lru_evictions(t->state) + lru_evictions(t->hosts);
    s->names_evicted = lru_evictions(t->names);
}

void tells_print_stats(const struct tells *t, FILE *fp)
{
    struct tells_stats s;
    tells_get_stats(t, &s);
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("detect.tells_tls_judged", s.tls);
    P("detect.tells_http_judged", s.http);
    P("detect.tells_flows_judged", s.flows);
    P("detect.tells_names_judged", s.names);
    P("detect.tells_prevalent_skipped", s.prevalent_skips);
    P("detect.tells_benign_skipped", s.benign_skips);
    P("detect.tells_destinations_evicted", s.dest_evicted);
    P("detect.tells_fingerprints_evicted", s.fp_evicted);
    P("detect.tells_state_evicted", s.state_evicted);
    P("detect.tells_names_evicted", s.names_evicted);
    for (int i = 0; i < TELL_MAX; i++) {
        char nm[64];
        snprintf(nm, sizeof(nm), "detect.tell.%s", tell_name(i));
        P(nm, s.tells[i]);
    }
    for (int k = EVK_TLS_TELL; k <= EVK_NAME_TELL; k++) {
        char nm[64];
        snprintf(nm, sizeof(nm), "detect.raised.%s", evidence_kind_name(k));
        P(nm, s.raised[k]);
    }
#undef P
}

static uint32_t host_tag(const struct tells *t, const struct host *h)
{
    return (uint32_t)hk_bytes(&t->key, &h->ip, sizeof(h->ip)) | 1;
}

static uint64_t text_key(const struct tells *t, const char *s)
{
    return hk_name(&t->key, s, strnlen(s, BEACON_DEST_MAX));
}

/* Internal hosts that talk to destination text now (h included). */
static int dest_hosts(struct tells *t, struct host_table *ht, struct host *h, const char *text,
                      uint64_t now)
{
    struct destprev *p = lru_get(t->dest, text_key(t, text), 1, NULL);
    return destprev_note(p, host_tag(t, h), (uint32_t)(now / 1000000),
                         host_stable(ht, h, NULL, now));
}

static struct hoststate *host_state(struct tells *t, const struct host *h, int create)
{
    struct { uint32_t tag, gen; } k = { host_tag(t, h), h->gen };
    return lru_get(t->hosts, hk_bytes(&t->key, &k, sizeof(k)), create, NULL);
}

/* A destination's rarity factor: 1 alone, tell_shared_factor with a few
 * others, 0 when prevalent. */
static double rarity(struct tells *t, int hosts)
{
    if (hosts >= t->p.v[P_BEACON_PREVALENCE_HOSTS]) {
        t->s.prevalent_skips++;
        return 0;
    }
    return hosts <= 1 ? 1.0 : t->p.v[P_TELL_SHARED_FACTOR];
}

static void prevalence_phrase(int hosts, char *b, size_t n)
{
    if (hosts <= 1)
        snprintf(b, n, "no other internal host talks to it");
    else
        snprintf(b, n, "%d internal hosts talk to it", hosts);
}

/* Note tell `id` (confidence c) about destination (ind, ioc) of h under
 * `kind`, and raise the combined evidence. */
static void tell(struct tells *t, struct host_table *ht, struct host *h, int kind, int id,
                 double c, const char *ind, int ioc_type, const char *ioc, double factor,
                 int hosts, const char *phrase, uint64_t t_us, struct host_touched *touched)
{
    if (c <= 0 || factor <= 0 || !ind[0])
        return;
    t->s.tells[id]++;
    struct { uint32_t tag, gen; int kind; uint64_t dest; } k;
    memset(&k, 0, sizeof(k));
    k.tag = host_tag(t, h);
    k.gen = h->gen;
    k.kind = kind;
    k.dest = text_key(t, ind);
    int created;
    struct tellstate *s = lru_get(t->state, hk_bytes(&t->key, &k, sizeof(k)), 1, &created);
    if (created)
        memset(s, 0, sizeof(*s));
    if (!(s->mask & (1u << id))) {
        size_t u = strlen(s->text);
        snprintf(s->text + u, sizeof(s->text) - u, "%s%s", u ? "; " : "", phrase);
    }
    s->mask |= 1u << id;
    if (c > s->conf[id])
        s->conf[id] = (float)c;
    double miss = 1;
    int n = 0;
    for (int i = 0; i < TELL_MAX; i++)
        if (s->mask & (1u << i)) {
            miss *= 1 - s->conf[i];
            n++;
        }
    double conf = (1 - miss) * factor;
    double w = kind == EVK_TLS_TELL ? t->p.v[P_TELL_TLS_WEIGHT] :
               kind == EVK_HTTP_TELL ? t->p.v[P_TELL_HTTP_WEIGHT] : t->p.v[P_TELL_NAME_WEIGHT];
    struct evidence *e = host_evidence_keyed(ht, h, kind, ind, w * conf);
    if (!e)
        return;
    if (e->active && conf < e->confidence - 0.05 && e->count)
        conf = e->confidence;               /* what it held stays */
    if (!e->active) {
        e->first_us = t_us;
        t->s.raised[kind]++;
    }
    e->active = 1;
    e->weight = w;
    e->confidence = conf;
    if (t_us > e->last_us)
        e->last_us = t_us;
    e->count++;
    char prev[72] = "";
    if (hosts > 0) {
        prev[0] = ' ';
        prev[1] = '(';
        prevalence_phrase(hosts, prev + 2, sizeof(prev) - 3);
        strcat(prev, ")");
    }
    snprintf(e->explanation, sizeof(e->explanation), "%d tell%s about %s%s: %s", n,
             n == 1 ? "" : "s", ind, prev, s->text);
    e->ioc_type = (uint8_t)ioc_type;
    snprintf(e->ioc, sizeof(e->ioc), "%s", ioc);
    host_touched_add(touched, ht, h);
}

/* The destination tells are about: the name when the client gave one
 * (and it is no IP literal), else the address. */
static const struct beacon_dest *tell_dest(const struct tells_dest *d)
{
    if (d->name && d->name->text[0] &&
        !tells_ip_literal(d->name->text, strlen(d->name->text)))
        return d->name;
    return d->addr;
}

/* Gates every destination tell passes: external, not allowlisted, not a
 * listed/popular name a DNS answer bound to this address, not prevalent.
 * Returns the rarity factor (0: no tell) and the host count. */
static double dest_gate(struct tells *t, struct host_table *ht, struct host *h,
                        const struct tells_dest *d, const struct beacon_dest *td, uint64_t now,
                        int *hosts)
{
    *hosts = 0;
    if (d->allowlisted || !d->addr->external)
        return 0;
    if (td->benign || d->addr->benign) {
        t->s.benign_skips++;
        return 0;
    }
    *hosts = dest_hosts(t, ht, h, td->text, now);
    return rarity(t, *hosts);
}

static int ioc_of(const struct beacon_dest *td)
{
    return td->named ? IOC_DOMAIN : IOC_IP;
}

/* the address without the ":port/proto" of an address destination */
static void addr_text(const struct sh_event *ev, char *b, size_t n)
{
    addr_format(&ev->dst, b, n);
}

/* ---- the IP-check service, judged at the client's own request --------------- */

static void ipcheck(struct tells *t, struct host_table *ht, struct host *h, const char *name,
                    int browser, const char *how, uint64_t t_us, struct host_touched *touched)
{
    if (!name || !name[0] || !services_match(t->ipcheck, name, strlen(name)) || browser)
        return;
    struct hoststate *hs = host_state(t, h, 0);
    int seen_browsing = hs && (hs->browser_ua || hs->nfp);
    double c = t->p.v[P_TELL_IPCHECK] * (seen_browsing ? 1.0 : 0.7);
    char phrase[200], low[BEACON_DEST_MAX];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof(low); i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[i] = '\0';
    snprintf(phrase, sizeof(phrase),
             "'what is my IP' service %s asked by %s%s (malware learns its public address "
             "before it reports home)", low, how,
             seen_browsing ? ", unlike the host's browsers" : "");
    tell(t, ht, h, EVK_NAME_TELL, TELL_IPCHECK, c, low, IOC_DOMAIN, low, 1.0, 0, phrase, t_us,
         touched);
}

/* ---- TLS -------------------------------------------------------------------- */

static int alpn_has(const struct sh_event *ev, const char *proto)
{
    const char *a = ev_s(ev, ev->u.tls.alpn);
    size_t k = strlen(proto);
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, ",");
        if (n == k && !strncmp(p, proto, k))
            return 1;
        p += n;
        if (*p)
            p++;
    }
    return 0;
}

void tells_tls(struct tells *t, struct host_table *ht, struct host *h,
               const struct sh_event *ev, const struct tells_dest *d, uint64_t now,
               struct host_touched *touched)
{
    const struct ev_tls *x = &ev->u.tls;
    const double *v = t->p.v;
    if (!t->first_us)
        t->first_us = now;
    t->s.tls++;
    const char *fp = x->ja4[0] ? x->ja4 : x->ja3_hash;
    uint64_t fpk = fp[0] ? hk_name(&t->key, fp, strlen(fp)) | 1 : 0;
    const char *sni = ev_s(ev, x->sni);
    /* a browser's ClientHello offers HTTP/2 and HTTP/1.1 (ALPN); the
     * host's browsers are remembered by fingerprint */
    int browser_like = x->has_client_hello && alpn_has(ev, "h2") && alpn_has(ev, "http/1.1");
    struct hoststate *hs = NULL;
    if (x->has_client_hello) {
        hs = host_state(t, h, 1);
        if (hs && browser_like && fpk && !x->quic) {
            int known = 0;
            for (int i = 0; i < hs->nfp; i++)
                known |= hs->browser_fp[i] == fpk;
            if (!known) {
                if (hs->nfp < HOST_FPS)
                    hs->browser_fp[hs->nfp++] = fpk;
                else
                    hs->browser_fp[fpk % HOST_FPS] = fpk;
            }
        }
    }
    if (d->allowlisted || !d->addr->external)
        return;

    /* a "what is my IP" service: by a browser, or not? */
    if (x->has_client_hello && x->sni.len) {
        int browser = 0;
        const char *how = "a TLS client that offers no ALPN (browsers always do)";
        if (x->alpn.len) {
            how = "a TLS client offering no HTTP/2 (ALPN)";
            if (alpn_has(ev, "h2")) {
                int known = 0, any = 0;
                hs = host_state(t, h, 0);
                for (int i = 0; hs && i < hs->nfp; i++) {
                    any = 1;
                    known |= hs->browser_fp[i] == fpk;
                }
                browser = known || !any;    /* no browser known: cannot tell */
                how = "a TLS client whose fingerprint none of the host's browsers has";
            }
        }
        ipcheck(t, ht, h, sni, browser, how, ev->ts_us, touched);
    }

    const struct beacon_dest *td = tell_dest(d);
    int hosts;
    double f = dest_gate(t, ht, h, d, td, now, &hosts);

    /* who else uses this client fingerprint, toward what */
    if (fpk && x->has_client_hello) {
        struct fpprev *p = lru_get(t->fp, fpk, 1, NULL);
        uint32_t tag = host_tag(t, h);
        int seen = 0;
        for (int i = 0; i < p->nhost; i++)
            seen |= p->host[i] == tag;
        if (!seen && host_stable(ht, h, NULL, now)) {
            if (p->nhost < FP_HOSTS)
                p->host[p->nhost++] = tag;
            else
                p->more_hosts = 1;
        }
        uint64_t dk = text_key(t, td->text) | 1;
        int dseen = 0;
        for (int i = 0; i < p->ndest && i < FP_DESTS; i++)
            dseen |= p->dest[i] == dk;
        if (!dseen) {
            if (p->ndest < FP_DESTS)
                p->dest[p->ndest] = dk;
            if (p->ndest <= FP_DESTS)
                p->ndest++;
        }
        /* rare: one host, one destination, on a sensor that has seen the
         * ClientHellos of enough hosts for rarity to mean anything */
        if (f > 0 && lru_count(t->hosts) >= v[P_TELL_FP_MIN_HOSTS] && p->nhost <= 1 &&
            !p->more_hosts && p->ndest == 1 && !browser_like) {
            char phrase[160];
            snprintf(phrase, sizeof(phrase),
                     "client fingerprint %s%s used by no other host and toward nothing else",
                     x->ja4[0] ? "JA4 " : "JA3 ", fp);
            tell(t, ht, h, EVK_TLS_TELL, TELL_RARE_FP, v[P_TELL_RARE_FP], td->text,
                 ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
        }
    }
    if (f <= 0)
        return;

    char ip[64], phrase[220];
    addr_text(ev, ip, sizeof(ip));
    if (x->has_client_hello && !x->sni.len && d->addr->odd_port && !x->quic) {
        snprintf(phrase, sizeof(phrase),
                 "TLS without SNI to bare address %s on non-standard port %u", ip, ev->dport);
        tell(t, ht, h, EVK_TLS_TELL, TELL_NO_SNI, v[P_TELL_NO_SNI], td->text, ioc_of(td),
             td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if (!x->has_cert)
        return;
    const char *subject = ev_s(ev, x->subject), *issuer = ev_s(ev, x->issuer);
    int64_t now_s = (int64_t)(ev->ts_us / 1000000);
    if (x->self_signed) {
        snprintf(phrase, sizeof(phrase), "self-signed certificate '%.80s'", subject);
        tell(t, ht, h, EVK_TLS_TELL, TELL_CERT_SELF_SIGNED, v[P_TELL_CERT_SELF_SIGNED],
             td->text, ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if ((x->notafter && now_s > x->notafter) || (x->notbefore && now_s + 300 < x->notbefore)) {
        int expired = x->notafter && now_s > x->notafter;
        snprintf(phrase, sizeof(phrase), "certificate %s %.0f days %s",
                 expired ? "expired" : "not valid for another",
                 fabs((double)(expired ? now_s - x->notafter : x->notbefore - now_s)) / 86400,
                 expired ? "before use" : "at use");
        tell(t, ht, h, EVK_TLS_TELL, TELL_CERT_EXPIRED, v[P_TELL_CERT_EXPIRED], td->text,
             ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if (x->sni.len && !tells_ip_literal(sni, x->sni.len) &&
        !tells_cert_covers(sni, subject, ev_s(ev, x->san))) {
        snprintf(phrase, sizeof(phrase), "certificate '%.60s' does not name SNI %.60s",
                 subject, sni);
        tell(t, ht, h, EVK_TLS_TELL, TELL_CERT_MISMATCH, v[P_TELL_CERT_MISMATCH], td->text,
             ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    char why[160];
    if (tells_cert_defaults(subject, issuer, x->notbefore, x->notafter, now_s,
                            v[P_TELL_CERT_LONG_YEARS], v[P_TELL_CERT_FRESH], why, sizeof(why))) {
        snprintf(phrase, sizeof(phrase), "certificate as tools make it by default (%s)", why);
        tell(t, ht, h, EVK_TLS_TELL, TELL_CERT_DEFAULT, v[P_TELL_CERT_DEFAULT], td->text,
             ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
}

/* ---- flow risks (nDPI's, as inputs) ------------------------------------------- */

/* nDPI 4.2 ndpi_risk_enum values (ndpi_typedefs.h) */
#define RISK_SELF_SIGNED 6      /* NDPI_TLS_SELFSIGNED_CERTIFICATE */
#define RISK_EXPIRED 9          /* NDPI_TLS_CERTIFICATE_EXPIRED    */
#define RISK_MISMATCH 10        /* NDPI_TLS_CERTIFICATE_MISMATCH   */
#define RISK_NUMERIC_HOST 12    /* NDPI_HTTP_NUMERIC_IP_HOST       */
#define RISK_MISSING_SNI 24     /* NDPI_TLS_MISSING_SNI            */

void tells_flow(struct tells *t, struct host_table *ht, struct host *h,
                const struct sh_event *ev, const struct tells_dest *d, uint64_t now,
                struct host_touched *touched)
{
    const struct ev_flow *fl = &ev->u.flow;
    const double *v = t->p.v;
    uint64_t r = fl->risk;
    if (!r || fl->update)
        return;
    t->s.flows++;
    const struct beacon_dest *td = tell_dest(d);
    int hosts;
    struct { int risk, id, param; const char *text; } map[] = {
        { RISK_SELF_SIGNED, TELL_CERT_SELF_SIGNED, P_TELL_CERT_SELF_SIGNED,
          "self-signed certificate (nDPI)" },
        { RISK_EXPIRED, TELL_CERT_EXPIRED, P_TELL_CERT_EXPIRED, "expired certificate (nDPI)" },
        { RISK_MISMATCH, TELL_CERT_MISMATCH, P_TELL_CERT_MISMATCH,
          "certificate does not name the server asked for (nDPI)" },
        { RISK_MISSING_SNI, TELL_NO_SNI, P_TELL_NO_SNI, "TLS without SNI (nDPI)" },
        { RISK_NUMERIC_HOST, TELL_IP_HOST, P_TELL_IP_HOST, "IP-literal HTTP Host (nDPI)" },
    };
    int any = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        any |= (r >> map[i].risk) & 1;
    if (!any)
        return;
    double f = dest_gate(t, ht, h, d, td, now, &hosts);
    if (f <= 0)
        return;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (!((r >> map[i].risk) & 1))
            continue;
        /* missing SNI counts, as from the handshake, on odd ports only */
        if (map[i].id == TELL_NO_SNI && !d->addr->odd_port)
            continue;
        int kind = map[i].id == TELL_IP_HOST ? EVK_HTTP_TELL : EVK_TLS_TELL;
        /* an input: it joins what the handshake showed, never starts alone
         * a destination the handshake showed nothing about */
        struct { uint32_t tag, gen; int kind; uint64_t dest; } k;
        memset(&k, 0, sizeof(k));
        k.tag = host_tag(t, h);
        k.gen = h->gen;
        k.kind = kind;
        k.dest = text_key(t, td->text);
        struct tellstate *s = lru_peek(t->state, hk_bytes(&t->key, &k, sizeof(k)));
        if (!s || (s->mask & (1u << map[i].id)))
            continue;
        tell(t, ht, h, kind, map[i].id, v[map[i].param], td->text, ioc_of(td), td->ioc, f,
             hosts, map[i].text, fl->end_us ? fl->end_us : ev->ts_us, touched);
    }
}

/* ---- HTTP -------------------------------------------------------------------- */

void tells_http(struct tells *t, struct host_table *ht, struct host *h,
                const struct sh_event *ev, const struct tells_dest *d, uint64_t now,
                struct host_touched *touched)
{
    const struct ev_http *x = &ev->u.http;
    const double *v = t->p.v;
    if (!t->first_us)
        t->first_us = now;
    t->s.http++;
    const char *ua = ev_s(ev, x->user_agent), *host = ev_s(ev, x->host);
    char tool[40];
    int uak = tells_ua_kind(ua, x->user_agent.len, tool, sizeof(tool));
    struct hoststate *hs = host_state(t, h, 1);
    if (hs && uak == UA_BROWSER)
        hs->browser_ua = 1;
    if (d->allowlisted || !d->addr->external)
        return;
    if (x->host.len && !tells_ip_literal(host, x->host.len)) {
        const char *how = uak == UA_EMPTY ? "an HTTP client without User-Agent" :
                          uak == UA_TOOL ? "a tool's HTTP client" : "an HTTP client that is no browser";
        char b[96];
        if (uak == UA_TOOL) {
            snprintf(b, sizeof(b), "%s (%s)", how, tool);
            how = b;
        }
        ipcheck(t, ht, h, host, uak == UA_BROWSER, how, ev->ts_us, touched);
    }
    const struct beacon_dest *td = tell_dest(d);
    int hosts;
    double f = dest_gate(t, ht, h, d, td, now, &hosts);
    if (f <= 0)
        return;
    char ip[64], phrase[220];
    addr_text(ev, ip, sizeof(ip));
    const char *method = ev_s(ev, x->method), *uri = ev_s(ev, x->uri);
    int iplit = x->host.len && tells_ip_literal(host, x->host.len);
    int http11 = !strcmp(ev_s(ev, x->protocol), "HTTP/1.1");
    if (iplit) {
        snprintf(phrase, sizeof(phrase), "HTTP Host is the address %.64s, no name", host);
        tell(t, ht, h, EVK_HTTP_TELL, TELL_IP_HOST, v[P_TELL_IP_HOST], td->text, ioc_of(td),
             td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if (!x->host.len && http11) {
        snprintf(phrase, sizeof(phrase), "HTTP/1.1 %.10s without Host to %s", method, ip);
        tell(t, ht, h, EVK_HTTP_TELL, TELL_NO_HOST, v[P_TELL_NO_HOST], td->text, ioc_of(td),
             td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if ((iplit || !x->host.len) && d->addr->odd_port) {
        snprintf(phrase, sizeof(phrase), "HTTP to bare address %s on non-standard port %u", ip,
                 ev->dport);
        tell(t, ht, h, EVK_HTTP_TELL, TELL_ODD_PORT_IP, v[P_TELL_ODD_PORT_IP], td->text,
             ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    if (!strcmp(method, "POST")) {
        char tok[48];
        double r = tells_uri_randomness(uri, x->uri.len, tok, sizeof(tok));
        if (r >= v[P_TELL_RANDOM_MIN]) {
            snprintf(phrase, sizeof(phrase), "POST to random-looking '%s' (randomness %.2f)",
                     tok, r);
            tell(t, ht, h, EVK_HTTP_TELL, TELL_RANDOM_POST, v[P_TELL_RANDOM_POST], td->text,
                 ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
        }
    }
    char ext[12] = "";
    int exe = tells_exe_uri(uri, x->uri.len, ext, sizeof(ext));
    int exe_ct = tells_exe_ctype(ev_s(ev, x->resp_content_type), x->resp_content_type.len);
    /* a script a page loads comes with a Referer; one a loader fetches does not */
    if (exe == 1 && x->referer.len)
        exe = 0;
    if ((exe || exe_ct) && x->status >= 200 && x->status < 300) {
        snprintf(phrase, sizeof(phrase), "%s download %.60s (%.40s, %llu B)",
                 exe == 1 ? "script" : "executable", uri,
                 x->resp_content_type.len ? ev_s(ev, x->resp_content_type) : ext,
                 (unsigned long long)x->response_body_len);
        tell(t, ht, h, EVK_HTTP_TELL, TELL_EXE_DOWNLOAD, v[P_TELL_EXE_DOWNLOAD], td->text,
             ioc_of(td), td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
    /* a tool from a workstation (a host seen browsing): scripts, loaders */
    hs = host_state(t, h, 0);
    if ((uak == UA_TOOL || uak == UA_EMPTY) && hs && (hs->browser_ua || hs->nfp)) {
        if (uak == UA_TOOL)
            snprintf(phrase, sizeof(phrase), "%s user agent '%.60s' from a host seen browsing",
                     tool, ua);
        else
            snprintf(phrase, sizeof(phrase), "no user agent, from a host seen browsing");
        tell(t, ht, h, EVK_HTTP_TELL, TELL_TOOL_UA, v[P_TELL_TOOL_UA], td->text, ioc_of(td),
             td->ioc, f, hosts, phrase, ev->ts_us, touched);
    }
}

/* ---- names ---------------------------------------------------------------------- */

void tells_name(struct tells *t, struct host_table *ht, struct host *h, const char *name,
                const struct domain_parts *parts, int popular, int benign, uint64_t now,
                struct host_touched *touched)
{
    const double *v = t->p.v;
    (void)name;                      /* parts->norm is its normal form */
    if (!t->first_us)
        t->first_us = now;
    t->s.names++;
    if (benign)
        return;
    char phrase[220];
    const char *norm = parts->norm;
    /* a dynamic-DNS provider's zone: anyone gets a name under it for free
     * and points it anywhere, minute by minute */
    if (services_match(t->dyndns, norm, strlen(norm))) {
        /* the customer's name: the PSL's private section makes it the
         * registrable domain; else the whole name */
        const char *ind = parts->private_suffix ? parts->regdomain : norm;
        snprintf(phrase, sizeof(phrase),
                 "%s is a dynamic-DNS name (under %s%s): free, anonymous, repointed at will",
                 norm, parts->suffix ? parts->suffix : "",
                 parts->private_suffix ? ", a private suffix of the PSL" : "");
        tell(t, ht, h, EVK_NAME_TELL, TELL_DYNDNS, v[P_TELL_DYNDNS], ind, IOC_DOMAIN, ind, 1.0,
             0, phrase, now, touched);
    }
    if (popular || parts->private_suffix)
        return;
    /* a registrable domain nobody here resolved before */
    int created;
    struct nameprev *p = lru_get(t->names, hk_name(&t->key, parts->regdomain,
                                                   strlen(parts->regdomain)), 1, &created);
    uint32_t tag = host_tag(t, h), s = (uint32_t)(now / 1000000);
    if (created) {
        memset(p, 0, sizeof(*p));
        p->first_s = s;
    }
    int seen = 0;
    for (int i = 0; i < p->n; i++)
        seen |= p->host[i] == tag;
    if (!seen && p->n < NAME_HOSTS && host_stable(ht, h, NULL, now))
        p->host[p->n++] = tag;
    double warm = v[P_TELL_NEW_DOMAIN_WARMUP];
    if (created && now >= t->first_us + (uint64_t)(warm * 1e6)) {
        char span[32];
        evidence_duration_text((double)(now - t->first_us) / 1e6, span, sizeof(span));
        snprintf(phrase, sizeof(phrase),
                 "%s: a domain no host here resolved in %s of watching; this host is the first",
                 parts->regdomain, span);
        tell(t, ht, h, EVK_NAME_TELL, TELL_NEW_DOMAIN, v[P_TELL_NEW_DOMAIN], parts->regdomain,
             IOC_DOMAIN, parts->regdomain, 1.0, 0, phrase, now, touched);
    }
}

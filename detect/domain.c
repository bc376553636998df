/*
 * domain.c - DNS name normalisation and registrable-domain split (libpsl).
 *
 * A name is checked and lowercased in one bounded pass over name[0..len)
 * (nothing past len is read, no NUL terminator is needed), then handed to
 * libpsl, which finds the longest matching public suffix using the Public
 * Suffix List loaded from a file (ICANN and PRIVATE sections).  The contract
 * and the list of names we refuse are in domain.h.
 *
 * Invariant kept by domain_split on success:
 *   regdomain == label "." suffix, label_len >= 1, suffix non-empty,
 *   norm ends with regdomain, 2 <= nlabels <= 127.
 */
#include "detect/domain.h"

#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct domain_ctx {
    psl_ctx_t *psl;
};

/*
 * Dynamic-DNS zones that are missing from Debian's publicsuffix 20230209
 * snapshot.  Each is a zone where anyone can register a free host name, so
 * the name a customer chose (the label under the zone) is what we must score,
 * exactly like the PSL's PRIVATE entries duckdns.org or ddns.net.  They are
 * appended to a text list as an extra PRIVATE section; a .dafsa list is used
 * as it is.  Sources: the providers' public "domains you can use" pages
 * (FreeDNS/afraid.org shared zones, ChangeIP, No-IP-like services, Oray).
 */
static const char extra_private_rules[] =
    "\n// ===BEGIN PRIVATE DOMAINS===\n"
    "// spanhound: dynamic-DNS zones absent from Debian's 2023 snapshot\n"
    "ydns.eu\ncon-ip.com\nmooo.com\nchickenkiller.com\nmyddns.me\n"
    "changeip.com\npublicvm.com\nlinkpc.net\ndns.army\nnow-dns.com\n"
    "strangled.net\nignorelist.com\ntwilightparadox.com\ncrabdance.com\n"
    "3322.org\nf3322.net\nvicp.net\noicp.net\nduia.eu\n"
    "// ===END PRIVATE DOMAINS===\n";

/* Load a text PSL with extra_private_rules appended, via an in-memory FILE.
 * Returns NULL if the file cannot be read or parsed. */
static psl_ctx_t *load_text_psl(FILE *fp)
{
    char *buf = NULL;
    size_t cap = 0, len = 0, got;
    psl_ctx_t *psl = NULL;
    FILE *mem;

    for (;;) {
        if (cap - len < 65536) {
            size_t ncap = cap ? cap * 2 : 1 << 19;
            char *nbuf = realloc(buf, ncap);

            if (!nbuf)
                goto out;
            buf = nbuf;
            cap = ncap;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp))
        goto out;
    if (cap - len < sizeof(extra_private_rules)) {
        char *nbuf = realloc(buf, len + sizeof(extra_private_rules));

        if (!nbuf)
            goto out;
        buf = nbuf;
    }
    memcpy(buf + len, extra_private_rules, sizeof(extra_private_rules) - 1);
    len += sizeof(extra_private_rules) - 1;
    mem = fmemopen(buf, len, "r");
    if (!mem)
        goto out;
    psl = psl_load_fp(mem);
    fclose(mem);
out:
    free(buf);
    return psl;
}

struct domain_ctx *domain_create(const char *psl_file, char *err, size_t errlen)
{
    static const char dafsa_magic[] = ".DAFSA@PSL_";
    const char *path = psl_file ? psl_file : DOMAIN_DEFAULT_PSL;
    struct domain_ctx *d = calloc(1, sizeof(*d));
    char head[sizeof(dafsa_magic) - 1];
    FILE *fp;

    if (!d) {
        snprintf(err, errlen, "domain_create: out of memory");
        return NULL;
    }
    fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "domain_create: cannot open public suffix list '%s'", path);
        free(d);
        return NULL;
    }
    if (fread(head, 1, sizeof(head), fp) == sizeof(head) &&
        memcmp(head, dafsa_magic, sizeof(head)) == 0) {
        fclose(fp);
        d->psl = psl_load_file(path);       /* binary form: no extras */
    } else {
        rewind(fp);
        d->psl = load_text_psl(fp);
        fclose(fp);
    }
    if (!d->psl) {
        snprintf(err, errlen, "domain_create: cannot load public suffix list '%s'", path);
        free(d);
        return NULL;
    }
    /* A list with no rule at all would make every TLD "unknown": refuse it.
     * (Our extras alone are 19 rules; a real list has thousands.) */
    if (psl_suffix_count(d->psl) < 1000) {
        snprintf(err, errlen, "domain_create: '%s' is not a public suffix list (%d rules)",
                 path, psl_suffix_count(d->psl));
        psl_free(d->psl);
        free(d);
        return NULL;
    }
    return d;
}

void domain_destroy(struct domain_ctx *d)
{
    if (!d)
        return;
    psl_free(d->psl);
    free(d);
}

/* Pseudo-TLDs that never reach the public DNS (see domain.h for the RFCs). */
static const char *const special_tlds[] = {
    "local", "localhost", "localdomain", "arpa", "invalid", "test", "example",
    "onion", "internal", "lan", "home", "corp", "intranet",
};

static int is_special_tld(const char *tld, size_t n)
{
    for (size_t i = 0; i < sizeof(special_tlds) / sizeof(special_tlds[0]); i++) {
        if (strlen(special_tlds[i]) == n && memcmp(special_tlds[i], tld, n) == 0)
            return 1;
    }
    return 0;
}

void domain_parts_fixup(struct domain_parts *p)
{
    p->label = p->regdomain;
    p->suffix = p->regdomain + p->label_len + 1;
}

int domain_split(const struct domain_ctx *d, const char *name, size_t len,
                 struct domain_parts *out)
{
    size_t n, i, lab = 0, last_dot = 0;
    int nlabels = 1, tld_numeric = 1;

    memset(out, 0, sizeof(*out));
    if (!d || !name || len == 0)
        return -1;
    n = len;
    if (name[n - 1] == '.')                 /* one trailing dot: root label */
        n--;
    if (n == 0 || n > DOMAIN_NAME_MAX)      /* RFC 1035 2.3.4 */
        return -1;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '.') {
            if (lab == 0)                   /* empty label: ".a", "a..b" */
                goto reject;
            nlabels++;
            lab = 0;
            last_dot = i + 1;
            tld_numeric = 1;
            out->norm[i] = '.';
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            goto reject;                    /* not a host-name byte */
        if (!(c >= '0' && c <= '9'))
            tld_numeric = 0;
        if (++lab > DOMAIN_LABEL_MAX)       /* RFC 1035 2.3.4 */
            goto reject;
        out->norm[i] = (char)c;
    }
    out->norm[n] = '\0';
    if (lab == 0 || nlabels < 2)            /* "a." stripped to "a": single label */
        goto reject;
    if (tld_numeric)                        /* IPv4 literal or numeric TLD */
        goto reject;
    if (is_special_tld(out->norm + last_dot, n - last_dot))
        goto reject;

    {
        const char *reg = psl_registrable_domain(d->psl, out->norm);
        const char *dot;
        size_t rlen;

        if (!reg) {
            /* The name is itself a public suffix ("duckdns.org", "co.uk"):
             * split at its first label (domain.h). */
            reg = out->norm;
        }
        rlen = n - (size_t)(reg - out->norm);
        dot = memchr(reg, '.', rlen);
        if (!dot)                           /* cannot happen with nlabels >= 2 */
            goto reject;
        memcpy(out->regdomain, reg, rlen);
        out->regdomain[rlen] = '\0';
        out->label_len = (size_t)(dot - reg);
        domain_parts_fixup(out);
        out->nlabels = nlabels;
        /* Only the implicit "*" rule yields an unknown suffix, and it
         * yields exactly one label: a multi-label suffix is a PSL rule. */
        out->known_suffix = strchr(out->suffix, '.') != NULL ||
                            psl_is_public_suffix2(d->psl, out->suffix,
                                                  PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
        /* the PRIVATE section: names a provider hands out under its own
         * suffix (CDNs, hosting, dynamic DNS), often random by design */
        out->private_suffix = !psl_is_public_suffix2(d->psl, out->suffix,
                                                     PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) &&
                              psl_is_public_suffix2(d->psl, out->suffix,
                                                    PSL_TYPE_PRIVATE | PSL_TYPE_NO_STAR_RULE);
    }
    return 0;

reject:
    memset(out, 0, sizeof(*out));
    return -1;
}

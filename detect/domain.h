/*
 * domain.h - DNS name normalisation and registrable-domain (eTLD+1) split.
 *
 * What it does: takes a hostile, possibly non-NUL-terminated name as seen in
 * a DNS query/answer, TLS SNI or HTTP Host header, checks that it is a
 * scorable host name, lowercases it and splits it into the registrable domain
 * (eTLD+1) and its public suffix using libpsl and the Public Suffix List,
 * PRIVATE section included (so kinggru.duckdns.org is its own registrable
 * domain: dynamic-DNS zones, blogspot.com, ... count as suffixes).
 *
 * Limits:
 *  - ASCII only: letters, digits, '-' and '_' (RFC 2181 section 11 allows '_'
 *    in DNS labels).  Any other byte (including NUL, ':', spaces, UTF-8) makes
 *    the name not scorable.  IDNs must arrive as punycode (xn--...), which is
 *    how they travel in DNS.
 *  - A TLD that is not in the PSL (e.g. Emercoin's ".bazar") is treated as a
 *    one-label public suffix, as the PSL's implicit "*" rule says; the caller
 *    learns it through known_suffix == 0.
 *  - Not scorable (domain_split returns -1): empty names, names longer than
 *    253 characters without the trailing dot or with a label longer than 63
 *    (RFC 1035 section 2.3.4), empty labels ("a..b", ".a"), single labels,
 *    all-numeric TLDs (this catches IPv4 literals; IPv6 literals fail the
 *    character check on ':'), and special-use / LAN pseudo-TLDs: .local
 *    (RFC 6762), .arpa, .localhost .invalid .test .example (RFC 6761),
 *    .onion (RFC 7686), .internal .lan .home .corp .localdomain .intranet.
 *  - A name that is itself a public suffix with two or more labels
 *    ("duckdns.org", "co.uk") is split at its first label: regdomain is the
 *    whole name, label its first label, suffix the rest.  That keeps the
 *    provider's own site scorable (and the popularity list covers it).
 *
 * Thread safety: a domain_ctx is immutable after domain_create(); any number
 * of threads may call domain_split() on it concurrently.  domain_split()
 * does not allocate (libpsl's lookup on ASCII input does not either).
 */
#ifndef SPANHOUND_DETECT_DOMAIN_H
#define SPANHOUND_DETECT_DOMAIN_H

#include <stddef.h>

/* RFC 1035 section 2.3.4: 255 octets on the wire = 253 text characters
 * without the trailing dot; a label is 1..63 octets. */
#define DOMAIN_NAME_MAX  253
#define DOMAIN_LABEL_MAX 63

/* Debian's publicsuffix package; the .dat text form has both sections. */
#define DOMAIN_DEFAULT_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

struct domain_ctx;                      /* libpsl handle + options (opaque) */

/* Load the Public Suffix List from psl_file (NULL = DOMAIN_DEFAULT_PSL; the
 * text .dat or libpsl's .dafsa format).  Returns a new context owned by the
 * caller (free with domain_destroy), or NULL with a message in err. */
struct domain_ctx *domain_create(const char *psl_file, char *err, size_t errlen);

/* Free a context.  NULL is a no-op. */
void domain_destroy(struct domain_ctx *d);

/*
 * The parts of one name.  WARNING: suffix and label point INTO this
 * struct's own regdomain[] array.  Copying the struct by value (assignment,
 * memcpy, return by value) leaves the copy's pointers aimed at the
 * original; call domain_parts_fixup() on the copy to re-aim them.
 */
struct domain_parts {
    char norm[256];       /* normalised full name, NUL-terminated          */
    char regdomain[256];  /* eTLD+1, e.g. "kinggru.duckdns.org"            */
    const char *suffix;   /* points into regdomain: "duckdns.org"          */
    const char *label;    /* points into regdomain: "kinggru" (NOT NUL-    */
                          /* terminated: it ends at the '.' before suffix) */
    size_t label_len;     /* bytes of label                                */
    int nlabels;          /* labels in norm                                */
    int known_suffix;     /* suffix is an explicit PSL rule (not "*")      */
    int private_suffix;   /* suffix is in the PSL's PRIVATE section only   */
                          /* (cloudfront.net, duckdns.org, ...)            */
};

/*
 * Normalise name[0..len) (lowercase ASCII, strip one trailing dot) into
 * out->norm and find the registrable domain and the public suffix.
 * Returns 0 on success, -1 if the name is not a scorable DNS name (see the
 * file comment for the list); on -1, *out is zeroed.  Never reads past
 * name[len-1]; name need not be NUL-terminated; name may be NULL iff len
 * is 0.  Borrows d and name; writes only *out.  No allocation.
 */
int domain_split(const struct domain_ctx *d, const char *name, size_t len,
                 struct domain_parts *out);

/* Re-aim suffix and label of a struct domain_parts that was copied by value
 * (see the warning above).  The copy must come from a successful split. */
void domain_parts_fixup(struct domain_parts *p);

#endif /* SPANHOUND_DETECT_DOMAIN_H */

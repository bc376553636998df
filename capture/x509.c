/*
 * x509.c -- the leaf-certificate parser (RFC 5280 4.1, DER per X.690).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 *                              signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
 *       signature, issuer, validity, subject, subjectPublicKeyInfo,
 *       [1] issuerUniqueID OPTIONAL, [2] subjectUniqueID OPTIONAL,
 *       [3] extensions OPTIONAL }
 *
 * Every byte is hostile.  All reads go through the rd.h cursor: each TLV
 * is read with der_next(), whose value is borrowed only when it fits in
 * the enclosing TLV (a sub-cursor), so no length can reach past its
 * parent.  The walk follows the fixed shape above with no recursion; the
 * deepest point is a dNSName inside subjectAltName, eight TLVs down
 * (Certificate, TBS, [3], Extensions, Extension, extnValue,
 * GeneralNames, GeneralName), so nesting depth is bounded by construction
 * and deeper input is never descended into.  Nothing is allocated: text
 * is built in bounded stack buffers and copied into the event arena.
 *
 * Limits
 *  - DER definite lengths of at most 4 length octets; indefinite length
 *    (X.690 8.1.3.6) and high tag numbers (X.690 8.1.2.4) are rejected.
 *    Non-minimal length encodings are accepted (lenient BER reading).
 *  - Times must be the RFC 5280 4.1.2.5 forms: UTCTime "YYMMDDHHMMSSZ",
 *    GeneralizedTime "YYYYMMDDHHMMSSZ"; anything else is malformed.
 *  - Only dNSName SANs are kept; the signature is not checked; the
 *    fields after subject are read only to reach the extensions.
 */
#include "x509.h"

#include <stdio.h>
#include <string.h>

#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include "rd.h"

/* Universal tags (X.690 8.1.2, X.680 8.4) */
#define T_BOOLEAN       0x01
#define T_INTEGER       0x02
#define T_BITSTRING     0x03
#define T_OCTETSTRING   0x04
#define T_OID           0x06
#define T_UTF8STRING    0x0c
#define T_SEQUENCE      0x30
#define T_SET           0x31
#define T_NUMERICSTRING 0x12
#define T_PRINTABLE     0x13
#define T_T61STRING     0x14
#define T_IA5STRING     0x16
#define T_UTCTIME       0x17
#define T_GENTIME       0x18
#define T_VISIBLESTRING 0x1a
#define T_UNIVERSALSTR  0x1c
#define T_BMPSTRING     0x1e

/* One TLV: its value is borrowed from the input. */
struct der {
    uint8_t tag;
    const uint8_t *v;   /* value bytes */
    size_t len;         /* value length */
    const uint8_t *raw; /* the whole TLV (tag + length + value) */
    size_t raw_len;
};

/* Read the next TLV of r into t.  X.690 8.1.2 (identifier octets), 8.1.3
 * (length octets: short form, or long form with 1..4 length octets here;
 * 0x80 = indefinite form, forbidden in DER by X.690 10.1).  The value
 * must fit in what remains of r, i.e. in the enclosing TLV.
 * Returns 0, or -1 (r->err set) on any fault. */
static int der_next(struct rd *r, struct der *t)
{
    size_t start = r->off;
    uint8_t tag = rd_u8(r);
    uint8_t l0 = rd_u8(r);
    size_t len;

    if (r->err)
        return -1;
    if ((tag & 0x1f) == 0x1f) {  /* high-tag-number form: unused here */
        r->err = 1;
        return -1;
    }
    if (l0 < 0x80) {
        len = l0;
    } else {
        unsigned n = l0 & 0x7fu;
        if (n == 0 || n > 4) {   /* indefinite, or length-of-length > 4 */
            r->err = 1;
            return -1;
        }
        len = 0;
        for (unsigned i = 0; i < n; i++)
            len = (len << 8) | rd_u8(r);
        if (r->err)
            return -1;
    }
    t->tag = tag;
    t->len = len;
    t->v = rd_bytes(r, len);   /* the cursor checks len - off >= len */
    if (r->err)
        return -1;
    t->raw = r->p + start;
    t->raw_len = r->off - start;
    return 0;
}

/* Read the next TLV and require its tag. */
static int der_expect(struct rd *r, struct der *t, uint8_t tag)
{
    if (der_next(r, t) < 0)
        return -1;
    if (t->tag != tag) {
        r->err = 1;
        return -1;
    }
    return 0;
}

/* Tag of the next TLV without consuming it; -1 at the end. */
static int der_peek(const struct rd *r)
{
    if (!rd_has(r, 1))
        return -1;
    return r->p[r->off];
}

/* ---- bounded text buffer -------------------------------------------- */

struct tbuf {
    char *s;
    size_t cap;   /* bytes available for text (the NUL is not stored) */
    size_t n;
    int cut;      /* something did not fit */
};

static void tb_add(struct tbuf *b, const void *p, size_t n)
{
    size_t room = b->cap - b->n;
    if (n > room) {
        n = room;
        b->cut = 1;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
}

static void tb_str(struct tbuf *b, const char *s)
{
    tb_add(b, s, strlen(s));
}

static void tb_hex(struct tbuf *b, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n && !b->cut; i++) {
        char t[2] = { hx[p[i] >> 4], hx[p[i] & 15] };
        tb_add(b, t, 2);
    }
}

/* Append code point cp as UTF-8 (RFC 3629); surrogates and values past
 * U+10FFFF become U+FFFD. */
static void tb_utf8(struct tbuf *b, uint32_t cp)
{
    char t[4];
    size_t n;

    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        cp = 0xfffd;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xc0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xe0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        t[0] = (char)(0xf0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    tb_add(b, t, n);
}

/* ---- OIDs ------------------------------------------------------------ */

/* Attribute types named in DNs: encoded OID value -> short name
 * (RFC 4519, RFC 2985 emailAddress, RFC 4519 DC/UID, CA/B EV
 * jurisdiction attributes). */
static const struct {
    uint8_t len;
    uint8_t oid[11];
    const char *name;
} dn_names[] = {
    { 3, { 0x55, 0x04, 0x03 }, "CN" },
    { 3, { 0x55, 0x04, 0x04 }, "SN" },
    { 3, { 0x55, 0x04, 0x05 }, "serialNumber" },
    { 3, { 0x55, 0x04, 0x06 }, "C" },
    { 3, { 0x55, 0x04, 0x07 }, "L" },
    { 3, { 0x55, 0x04, 0x08 }, "ST" },
    { 3, { 0x55, 0x04, 0x09 }, "street" },
    { 3, { 0x55, 0x04, 0x0a }, "O" },
    { 3, { 0x55, 0x04, 0x0b }, "OU" },
    { 3, { 0x55, 0x04, 0x0c }, "title" },
    { 3, { 0x55, 0x04, 0x0d }, "description" },
    { 3, { 0x55, 0x04, 0x0f }, "businessCategory" },
    { 3, { 0x55, 0x04, 0x11 }, "postalCode" },
    { 3, { 0x55, 0x04, 0x2a }, "GN" },
    { 3, { 0x55, 0x04, 0x2b }, "initials" },
    { 3, { 0x55, 0x04, 0x2c }, "generationQualifier" },
    { 3, { 0x55, 0x04, 0x2e }, "dnQualifier" },
    { 3, { 0x55, 0x04, 0x41 }, "pseudonym" },
    { 3, { 0x55, 0x04, 0x61 }, "organizationIdentifier" },
    { 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 },
      "emailAddress" },
    { 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19 },
      "DC" },
    { 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01 },
      "UID" },
    { 11, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x01 },
      "jurisdictionL" },
    { 11, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x02 },
      "jurisdictionST" },
    { 11, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03 },
      "jurisdictionC" },
};

/* Extension ids (RFC 5280 4.2.1): id-ce 2.5.29.x */
static const uint8_t OID_SKI[] = { 0x55, 0x1d, 0x0e };
static const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const uint8_t OID_AKI[] = { 0x55, 0x1d, 0x23 };

static int oid_is(const struct der *t, const uint8_t *oid, size_t n)
{
    return t->len == n && memcmp(t->v, oid, n) == 0;
}

/* Dotted-decimal text of an OID value (X.690 8.19): base-128 arcs, the
 * first octet group holding 40 * arc1 + arc2.  Returns -1 for an empty
 * value, a truncated arc, or an arc wider than 64 bits. */
static int oid_text(struct tbuf *b, const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    unsigned groups = 0;
    int first = 1;
    char t[24];

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (groups == 0 && p[i] == 0x80)   /* X.690 8.19.2: no 0x80 lead */
            return -1;
        if (v >> 57)                       /* the arc would pass 64 bits */
            return -1;
        groups++;
        v = (v << 7) | (p[i] & 0x7fu);
        if (p[i] & 0x80)
            continue;
        if (first) {
            uint64_t a = v < 80 ? v / 40 : 2;
            snprintf(t, sizeof t, "%llu.%llu", (unsigned long long)a,
                     (unsigned long long)(v - a * 40));
            first = 0;
        } else {
            snprintf(t, sizeof t, ".%llu", (unsigned long long)v);
        }
        tb_str(b, t);
        v = 0;
        groups = 0;
    }
    return groups == 0 ? 0 : -1;   /* the last arc must be complete */
}

/* ---- Names (RFC 5280 4.1.2.4) ----------------------------------------- */

/* Append an attribute value.  The character string types are copied
 * raw (the event stores raw bytes; writers escape); BMPString (UCS-2BE)
 * and UniversalString (UCS-4BE) are converted to UTF-8; anything else is
 * shown as '#' followed by the hex of its content. */
static void dn_value(struct tbuf *b, const struct der *v)
{
    switch (v->tag) {
    case T_UTF8STRING: case T_PRINTABLE: case T_IA5STRING:
    case T_T61STRING: case T_VISIBLESTRING: case T_NUMERICSTRING:
        tb_add(b, v->v, v->len);
        return;
    case T_BMPSTRING:
        if (v->len % 2 == 0) {
            for (size_t i = 0; i < v->len && !b->cut; i += 2)
                tb_utf8(b, be16_at(v->v + i));
            return;
        }
        break;
    case T_UNIVERSALSTR:
        if (v->len % 4 == 0) {
            for (size_t i = 0; i < v->len && !b->cut; i += 4)
                tb_utf8(b, be32_at(v->v + i));
            return;
        }
        break;
    default:
        break;
    }
    tb_add(b, "#", 1);
    tb_hex(b, v->v, v->len);
}

/* Format a Name (the value of its SEQUENCE) into b.
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RDN  ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   ATV  ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 * Returns 0, or -1 when the structure is malformed (b keeps the prefix). */
static int dn_format(struct tbuf *b, const uint8_t *p, size_t n)
{
    struct rd r = rd_init(p, n);
    int first_rdn = 1;

    while (rd_left(&r) > 0) {
        struct der set;
        if (der_expect(&r, &set, T_SET) < 0)
            return -1;
        struct rd rs = rd_init(set.v, set.len);
        if (rd_left(&rs) == 0)           /* SIZE (1..MAX) */
            return -1;
        if (!first_rdn)
            tb_str(b, ", ");
        first_rdn = 0;
        int first_atv = 1;
        while (rd_left(&rs) > 0) {
            struct der atv, oid, val;
            if (der_expect(&rs, &atv, T_SEQUENCE) < 0)
                return -1;
            struct rd ra = rd_init(atv.v, atv.len);
            if (der_expect(&ra, &oid, T_OID) < 0 || der_next(&ra, &val) < 0)
                return -1;
            if (rd_left(&ra) != 0)       /* nothing after the value */
                return -1;
            if (!first_atv)
                tb_str(b, " + ");
            first_atv = 0;
            const char *name = NULL;
            for (size_t i = 0; i < sizeof dn_names / sizeof dn_names[0]; i++) {
                if (oid_is(&oid, dn_names[i].oid, dn_names[i].len)) {
                    name = dn_names[i].name;
                    break;
                }
            }
            if (name)
                tb_str(b, name);
            else if (oid_text(b, oid.v, oid.len) < 0)
                return -1;
            tb_add(b, "=", 1);
            dn_value(b, &val);
        }
    }
    return 0;
}

/* ---- Time (RFC 5280 4.1.2.5) ------------------------------------------ */

int64_t x509_civil_to_unix(int64_t year, unsigned mon, unsigned day,
                           unsigned hour, unsigned min, unsigned sec)
{
    /* days from 1970-01-01 in the proleptic Gregorian calendar, counting
     * years from March so that the leap day is the last of the year */
    int64_t y = year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                          /* [0, 399]   */
    int64_t doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096]*/
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
}

static int digits(const uint8_t *p, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    *out = v;
    return 0;
}

/* UTCTime "YYMMDDHHMMSSZ" (RFC 5280 4.1.2.5.1: seconds and 'Z' required;
 * YY >= 50 is 19YY, else 20YY) or GeneralizedTime "YYYYMMDDHHMMSSZ"
 * (4.1.2.5.2: no fractional seconds).  Fields are range-checked (the
 * day against the month's length, leap years included; second <= 59). */
static int parse_time(const struct der *t, int64_t *out)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                      30, 31};
    unsigned y, mo, d, h, mi, s;
    const uint8_t *p = t->v;
    size_t ylen;

    if (t->tag == T_UTCTIME && t->len == 13)
        ylen = 2;
    else if (t->tag == T_GENTIME && t->len == 15)
        ylen = 4;
    else
        return -1;
    if (p[t->len - 1] != 'Z')
        return -1;
    if (digits(p, ylen, &y) < 0 || digits(p + ylen, 2, &mo) < 0 ||
        digits(p + ylen + 2, 2, &d) < 0 || digits(p + ylen + 4, 2, &h) < 0 ||
        digits(p + ylen + 6, 2, &mi) < 0 || digits(p + ylen + 8, 2, &s) < 0)
        return -1;
    if (ylen == 2)
        y += y >= 50 ? 1900 : 2000;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59)
        return -1;
    unsigned dim = mdays[mo - 1];
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        dim = 29;
    if (d > dim)
        return -1;
    *out = x509_civil_to_unix(y, mo, d, h, mi, s);
    return 0;
}

/* ---- Extensions (RFC 5280 4.2) ---------------------------------------- */

struct exts {
    const uint8_t *san; size_t san_len;   /* GeneralNames value          */
    const uint8_t *ski; size_t ski_len;   /* KeyIdentifier octets        */
    const uint8_t *aki; size_t aki_len;   /* AKI keyIdentifier octets    */
    int has_ski, has_aki;
};

/* Walk Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension,
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                            extnValue OCTET STRING }
 * and pick subjectAltName (4.2.1.6), subjectKeyIdentifier (4.2.1.2) and
 * authorityKeyIdentifier (4.2.1.1).  Others are skipped unread. */
static int walk_exts(const uint8_t *p, size_t n, struct exts *x)
{
    struct rd r = rd_init(p, n);
    struct der seq;

    if (der_expect(&r, &seq, T_SEQUENCE) < 0 || rd_left(&r) != 0)
        return -1;
    struct rd rs = rd_init(seq.v, seq.len);
    while (rd_left(&rs) > 0) {
        struct der ext, oid, val;
        if (der_expect(&rs, &ext, T_SEQUENCE) < 0)
            return -1;
        struct rd re = rd_init(ext.v, ext.len);
        if (der_expect(&re, &oid, T_OID) < 0)
            return -1;
        if (der_peek(&re) == T_BOOLEAN && der_next(&re, &val) < 0)
            return -1;
        if (der_expect(&re, &val, T_OCTETSTRING) < 0 || rd_left(&re) != 0)
            return -1;
        struct rd rv = rd_init(val.v, val.len);
        struct der in;
        if (oid_is(&oid, OID_SAN, sizeof OID_SAN)) {
            /* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
            if (der_expect(&rv, &in, T_SEQUENCE) < 0)
                return -1;
            x->san = in.v;
            x->san_len = in.len;
        } else if (oid_is(&oid, OID_SKI, sizeof OID_SKI)) {
            /* SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING) */
            if (der_expect(&rv, &in, T_OCTETSTRING) < 0)
                return -1;
            x->ski = in.v;
            x->ski_len = in.len;
            x->has_ski = 1;
        } else if (oid_is(&oid, OID_AKI, sizeof OID_AKI)) {
            /* AuthorityKeyIdentifier ::= SEQUENCE {
             *   keyIdentifier [0] IMPLICIT KeyIdentifier OPTIONAL, ... } */
            if (der_expect(&rv, &in, T_SEQUENCE) < 0)
                return -1;
            struct rd ra = rd_init(in.v, in.len);
            struct der kid;
            if (der_peek(&ra) == 0x80) {
                if (der_next(&ra, &kid) < 0)
                    return -1;
                x->aki = kid.v;
                x->aki_len = kid.len;
                x->has_aki = 1;
            }
        }
    }
    return 0;
}

/* dNSName entries ([2] IMPLICIT IA5String, RFC 5280 4.2.1.6) of a
 * GeneralNames value, joined with ','.  Other GeneralName forms are
 * skipped by their length. */
static int san_format(struct tbuf *b, const uint8_t *p, size_t n)
{
    struct rd r = rd_init(p, n);
    int first = 1;

    while (rd_left(&r) > 0) {
        struct der gn;
        if (der_next(&r, &gn) < 0)
            return -1;
        if (gn.tag != 0x82)
            continue;
        if (!first)
            tb_add(b, ",", 1);
        first = 0;
        /* ',' separates the names: one inside a name (never a valid DNS
         * name) must not make two */
        for (size_t i = 0; i < gn.len; i++)
            tb_add(b, gn.v[i] == ',' ? "?" : (const char *)gn.v + i, 1);
    }
    return 0;
}

/* ---- JA4X (FoxIO-LLC/ja4 technical_details/JA4X.md) -------------------- */

/* One JA4X part: the OIDs' content octets, each as lowercase hex, joined
 * by ',', hashed with SHA-256; the first 12 hex digits go to out (not
 * terminated), "000000000000" when there is no OID. */
struct ja4x_part {
    struct sha256_ctx c;
    size_t n;
};

static void ja4x_begin(struct ja4x_part *h)
{
    sha256_init(&h->c);
    h->n = 0;
}

static void ja4x_oid(struct ja4x_part *h, const struct der *oid)
{
    static const char hx[] = "0123456789abcdef";
    char t[64];
    size_t k = 0;

    if (h->n++)
        sha256_update(&h->c, 1, (const uint8_t *)",");
    for (size_t i = 0; i < oid->len; i++) {
        t[k++] = hx[oid->v[i] >> 4];
        t[k++] = hx[oid->v[i] & 15];
        if (k == sizeof t) {
            sha256_update(&h->c, k, (const uint8_t *)t);
            k = 0;
        }
    }
    sha256_update(&h->c, k, (const uint8_t *)t);
}

static void ja4x_end(struct ja4x_part *h, char out[12])
{
    static const char hx[] = "0123456789abcdef";
    uint8_t dg[SHA256_DIGEST_SIZE];

    if (h->n == 0) {
        memset(out, '0', 12);
        return;
    }
    sha256_digest(&h->c, sizeof dg, dg);
    for (size_t i = 0; i < 6; i++) {
        out[2 * i] = hx[dg[i] >> 4];
        out[2 * i + 1] = hx[dg[i] & 15];
    }
}

/* The attribute types of a Name's value (RDNSequence, as dn_format walks
 * it): every AttributeTypeAndValue's OID, RDN after RDN, in certificate
 * order (the attributes of a multi-valued RDN in their encoded order).
 * Returns 0, or -1 when the structure is malformed. */
static int ja4x_name(const uint8_t *p, size_t n, char out[12])
{
    struct rd r = rd_init(p, n);
    struct ja4x_part h;

    ja4x_begin(&h);
    while (rd_left(&r) > 0) {
        struct der set;
        if (der_expect(&r, &set, T_SET) < 0)
            return -1;
        struct rd rs = rd_init(set.v, set.len);
        while (rd_left(&rs) > 0) {
            struct der atv, oid;
            if (der_expect(&rs, &atv, T_SEQUENCE) < 0)
                return -1;
            struct rd ra = rd_init(atv.v, atv.len);
            if (der_expect(&ra, &oid, T_OID) < 0)
                return -1;
            ja4x_oid(&h, &oid);
        }
    }
    ja4x_end(&h, out);
    return 0;
}

/* The extnIDs of an [3] value (Extensions ::= SEQUENCE OF Extension, as
 * walk_exts checked it) in certificate order; no [3]: none. */
static int ja4x_exts(const uint8_t *p, size_t n, char out[12])
{
    struct rd r = rd_init(p, n);
    struct ja4x_part h;
    struct der seq;

    ja4x_begin(&h);
    if (p) {
        if (der_expect(&r, &seq, T_SEQUENCE) < 0)
            return -1;
        struct rd rs = rd_init(seq.v, seq.len);
        while (rd_left(&rs) > 0) {
            struct der ext, oid;
            if (der_expect(&rs, &ext, T_SEQUENCE) < 0)
                return -1;
            struct rd re = rd_init(ext.v, ext.len);
            if (der_expect(&re, &oid, T_OID) < 0)
                return -1;
            ja4x_oid(&h, &oid);
        }
    }
    ja4x_end(&h, out);
    return 0;
}

/* ---- the certificate ---------------------------------------------------- */

/* What the walk found; each span borrows the input. */
struct found {
    struct der serial, issuer, subject;
    const uint8_t *exts; size_t exts_len; /* [3]'s value (Extensions) */
    int has_serial, has_issuer, has_subject, has_times;
    int64_t nb, na;
    struct exts x;
};

/* Walk Certificate/TBSCertificate, filling f as far as the walk reaches.
 * Returns 0, or -1 at the first structural fault. */
static int walk_cert(const uint8_t *der, size_t len, struct found *f)
{
    struct rd r = rd_init(der, len);
    struct der cert, tbs, t;

    if (der_expect(&r, &cert, T_SEQUENCE) < 0)
        return -1;
    struct rd rc = rd_init(cert.v, cert.len);
    if (der_expect(&rc, &tbs, T_SEQUENCE) < 0)
        return -1;
    struct rd rt = rd_init(tbs.v, tbs.len);

    /* version [0] EXPLICIT Version DEFAULT v1 (4.1.2.1) */
    if (der_peek(&rt) == 0xa0 && der_next(&rt, &t) < 0)
        return -1;
    /* serialNumber CertificateSerialNumber ::= INTEGER (4.1.2.2);
     * X.690 8.3.1: at least one content octet */
    if (der_expect(&rt, &f->serial, T_INTEGER) < 0 || f->serial.len == 0)
        return -1;
    f->has_serial = 1;
    /* signature AlgorithmIdentifier (4.1.2.3) */
    if (der_expect(&rt, &t, T_SEQUENCE) < 0)
        return -1;
    /* issuer Name (4.1.2.4) */
    if (der_expect(&rt, &f->issuer, T_SEQUENCE) < 0)
        return -1;
    f->has_issuer = 1;
    /* validity Validity ::= SEQUENCE { notBefore Time, notAfter Time } */
    if (der_expect(&rt, &t, T_SEQUENCE) < 0)
        return -1;
    {
        struct rd rv = rd_init(t.v, t.len);
        struct der tb, ta;
        if (der_next(&rv, &tb) < 0 || der_next(&rv, &ta) < 0 ||
            rd_left(&rv) != 0)
            return -1;
        if (parse_time(&tb, &f->nb) < 0 || parse_time(&ta, &f->na) < 0)
            return -1;
        f->has_times = 1;
    }
    /* subject Name (4.1.2.6) */
    if (der_expect(&rt, &f->subject, T_SEQUENCE) < 0)
        return -1;
    f->has_subject = 1;
    /* subjectPublicKeyInfo (4.1.2.7) */
    if (der_expect(&rt, &t, T_SEQUENCE) < 0)
        return -1;
    /* issuerUniqueID [1], subjectUniqueID [2] (4.1.2.8), primitive or
     * (BER) constructed; then extensions [3] EXPLICIT (4.1.2.9) */
    while (rd_left(&rt) > 0) {
        int tag = der_peek(&rt);
        if (der_next(&rt, &t) < 0)
            return -1;
        if (tag == 0x81 || tag == 0x82 || tag == 0xa1 || tag == 0xa2)
            continue;
        if (tag != 0xa3)
            return -1;
        if (walk_exts(t.v, t.len, &f->x) < 0)
            return -1;
        f->exts = t.v;
        f->exts_len = t.len;
        if (rd_left(&rt) != 0)           /* [3] is the last field */
            return -1;
    }
    /* signatureAlgorithm, signatureValue: present, not read */
    if (der_expect(&rc, &t, T_SEQUENCE) < 0 ||
        der_expect(&rc, &t, T_BITSTRING) < 0 || rd_left(&rc) != 0)
        return -1;
    if (rd_left(&r) != 0)                /* trailing bytes after the cert */
        return -1;
    return 0;
}

int x509_parse(const uint8_t *der, size_t len, struct sh_event *ev)
{
    struct ev_tls *tls = &ev->u.tls;
    struct found f;
    char buf[X509_SAN_MAX > X509_DN_MAX ? X509_SAN_MAX : X509_DN_MAX];
    struct tbuf b;
    int bad = 0;

    if (!der)
        len = 0;
    memset(&f, 0, sizeof f);
    tls->has_cert = 1;

    /* fingerprint: SHA-1 of the certificate bytes as sent */
    {
        static const char hx[] = "0123456789abcdef";
        struct sha1_ctx c;
        uint8_t dg[SHA1_DIGEST_SIZE];
        char fp[SHA1_DIGEST_SIZE * 3];
        sha1_init(&c);
        if (len)
            sha1_update(&c, len, der);
        sha1_digest(&c, sizeof dg, dg);
        for (size_t i = 0; i < sizeof dg; i++) {
            fp[3 * i] = hx[dg[i] >> 4];
            fp[3 * i + 1] = hx[dg[i] & 15];
            fp[3 * i + 2] = ':';
        }
        tls->fingerprint = ev_put(ev, fp, sizeof fp - 1, 0);

        struct sha256_ctx c2;
        uint8_t d2[SHA256_DIGEST_SIZE];
        char f2[SHA256_DIGEST_SIZE * 2];
        sha256_init(&c2);
        if (len)
            sha256_update(&c2, len, der);
        sha256_digest(&c2, sizeof d2, d2);
        for (size_t i = 0; i < sizeof d2; i++) {
            f2[2 * i] = hx[d2[i] >> 4];
            f2[2 * i + 1] = hx[d2[i] & 15];
        }
        tls->fingerprint_sha256 = ev_put(ev, f2, sizeof f2, 0);
    }
    tls->ja4x[0] = '\0';

    if (walk_cert(der, len, &f) < 0)
        bad = 1;

    if (f.has_serial) {
        /* "0A:1B:..." of the INTEGER content octets, leading 00 kept */
        b = (struct tbuf){ buf, sizeof buf, 0, 0 };
        size_t n = f.serial.len;
        if (n > X509_SERIAL_MAX) {
            n = X509_SERIAL_MAX;
            ev->flags |= EVF_TRUNCATED;
        }
        for (size_t i = 0; i < n; i++) {
            if (i)
                tb_add(&b, ":", 1);
            tb_hex(&b, f.serial.v + i, 1);
        }
        tls->serial = ev_put(ev, b.s, b.n, 0);
    }
    if (f.has_subject) {
        b = (struct tbuf){ buf, X509_DN_MAX, 0, 0 };
        if (dn_format(&b, f.subject.v, f.subject.len) < 0)
            bad = 1;
        if (b.cut)
            ev->flags |= EVF_TRUNCATED;
        tls->subject = ev_put(ev, b.s, b.n, 0);
    }
    if (f.has_issuer) {
        b = (struct tbuf){ buf, X509_DN_MAX, 0, 0 };
        if (dn_format(&b, f.issuer.v, f.issuer.len) < 0)
            bad = 1;
        if (b.cut)
            ev->flags |= EVF_TRUNCATED;
        tls->issuer = ev_put(ev, b.s, b.n, 0);
    }
    if (f.has_times) {
        tls->notbefore = f.nb;
        tls->notafter = f.na;
    }
    if (f.x.san) {
        b = (struct tbuf){ buf, X509_SAN_MAX, 0, 0 };
        if (san_format(&b, f.x.san, f.x.san_len) < 0)
            bad = 1;
        if (b.cut)
            ev->flags |= EVF_TRUNCATED;
        tls->san = ev_put(ev, b.s, b.n, 0);
    }
    /* self-signed: same DN bytes, and matching key ids when both exist */
    tls->self_signed = 0;
    if (f.has_subject && f.has_issuer &&
        f.subject.raw_len == f.issuer.raw_len &&
        memcmp(f.subject.raw, f.issuer.raw, f.subject.raw_len) == 0) {
        tls->self_signed = 1;
        if (f.x.has_aki && f.x.has_ski &&
            (f.x.aki_len != f.x.ski_len ||
             (f.x.aki_len && memcmp(f.x.aki, f.x.ski, f.x.aki_len) != 0)))
            tls->self_signed = 0;
    }
    /* JA4X: only of a certificate read whole, whose parts are known */
    if (!bad) {
        char a[12], b2[12], c3[12];
        if (ja4x_name(f.issuer.v, f.issuer.len, a) == 0 &&
            ja4x_name(f.subject.v, f.subject.len, b2) == 0 &&
            ja4x_exts(f.exts, f.exts_len, c3) == 0) {
            char *o = tls->ja4x;
            memcpy(o, a, 12);
            o[12] = '_';
            memcpy(o + 13, b2, 12);
            o[25] = '_';
            memcpy(o + 26, c3, 12);
            o[38] = '\0';
        }
    }
    if (bad) {
        ev->flags |= EVF_MALFORMED;
        return -1;
    }
    return 0;
}

/*
 * tls.c -- TLS handshake parser: record and handshake reassembly per
 * direction, ClientHello/ServerHello parsing with JA3/JA3S, and the leaf
 * certificate handed to x509.c.  One EV_TLS event per connection.
 *
 * Layers, per direction, as a pure state machine over (p, len) in any
 * split (no byte is ever looked at twice except in the bounded buffers):
 *
 *   record    5-byte header (RFC 5246 6.2.1, RFC 8446 5.1): content type
 *             20..24, version 3.0..3.4, length <= 2^14 + 2048 (RFC 5246
 *             6.2.3), no empty handshake/alert/CCS fragment.  A bad header
 *             stops the direction (framing cannot be recovered).  This
 *             also rejects the SSLv2-compatible ClientHello (RFC 5246
 *             E.2: first byte has its top bit set), counted as malformed.
 *   handshake 4-byte header (type, 24-bit length) then the body, across
 *             any number of records (RFC 5246 6.2.1 fragmentation).  The
 *             body goes to one of:
 *               M_CH    the first ClientHello, kept up to TLS_CH_MAX
 *               M_SH    the ServerHello, kept up to TLS_CERT_MAX
 *               M_CERT  Certificate: the certificate_list header is read,
 *                       only the first (leaf) certificate is kept (up to
 *                       TLS_CERT_MAX) and parsed, then the event is out
 *               M_SKIP  anything else: counted past, never buffered
 *
 * After a ChangeCipherSpec the direction's handshake is encrypted and is
 * not parsed (except the server's after a HelloRetryRequest, RFC 8446
 * D.4, where the real ServerHello follows in clear).  The client
 * direction stops after its first ClientHello: nothing later is needed.
 *
 * Emission (one event per connection, rules in tls.h): the state holds
 * the pending event; the hello parsers and x509_parse() write straight
 * into it; emit() hands it to the sink once and sets `done`, after which
 * every call returns at once.  A direction that stops (fault, gap, CCS)
 * triggers the event when it is the server's and a hello was seen.
 *
 * Memory: the state embeds the pending event and the two message buffers
 * (about 28 KiB, see tls_state_size()); nothing is allocated, no pointer
 * is stored.  MD5, SHA-1 and SHA-256 contexts live on the stack during a
 * parse, and so does the JA4 sort array (TLS_CH_MAX / 2 values, 16 KiB).
 *
 * Limits
 *  - A ClientHello longer than TLS_CH_MAX or a ServerHello longer than
 *    TLS_CERT_MAX is parsed from its kept prefix and so reported
 *    malformed (EVF_TRUNCATED too); real ones are < 2 KiB.
 *  - A leaf certificate longer than TLS_CERT_MAX is skipped
 *    (tls_cert_malformed, EVF_TRUNCATED), the event has no cert fields.
 *  - TLS 1.3 certificates are encrypted: never seen.  DTLS and SSLv2
 *    are not parsed; QUIC's hellos come here from quic.c (Initial
 *    packets decrypted there, the hello parsers called directly).
 *  - Framing faults are not resynchronised: the direction stops.
 *  - The SNI is the first host_name entry (RFC 6066 3); tshark's
 *    extensions_server_name lists entries of every name type.
 */
#include "tls.h"

#include <stdio.h>
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha2.h>

#include "rd.h"
#include "x509.h"

/* ContentType (RFC 5246 6.2.1, RFC 8446 5.1, RFC 6520 heartbeat) */
enum {
    CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23,
    CT_HEARTBEAT = 24
};

/* HandshakeType (RFC 5246 7.4, RFC 8446 4) */
enum {
    HT_HELLO_REQUEST = 0, HT_CLIENT_HELLO = 1, HT_SERVER_HELLO = 2,
    HT_NEW_SESSION_TICKET = 4, HT_CERTIFICATE = 11
};

/* ExtensionType (IANA TLS registry) */
enum {
    EXT_SERVER_NAME = 0, EXT_SUPPORTED_GROUPS = 10, EXT_EC_POINT_FORMATS = 11,
    EXT_SIGNATURE_ALGORITHMS = 13, EXT_ALPN = 16, EXT_SUPPORTED_VERSIONS = 43
};

enum body_mode { M_SKIP = 0, M_CH, M_SH, M_CERT };
enum cert_phase { C_LIST = 0, C_LEN, C_DER };

struct tls_dir {
    uint8_t  stopped;     /* no more parsing: done, faulty, lost, encrypted */
    uint8_t  rec_hdr[5];
    uint8_t  rec_hdr_n;   /* bytes of rec_hdr filled, < 5               */
    uint8_t  rec_type;
    uint16_t rec_left;    /* payload bytes left in the current record;
                             0 = reading a record header                */
    uint8_t  hs_hdr[4];
    uint8_t  hs_hdr_n;    /* bytes of hs_hdr filled, < 4                */
    uint8_t  in_body;     /* between a handshake header and its end     */
    uint8_t  mode;        /* enum body_mode of the current message      */
    uint8_t  trunc;       /* the kept body was cut at its bound         */
    uint32_t hs_left;     /* body bytes of the current message to come  */
    uint32_t buf_len;     /* bytes kept (M_CH: ch_buf; M_SH: srv_buf)   */
};

struct tls_state {
    struct tls_dir d[2];
    uint8_t  done;        /* event emitted, or nothing left to learn    */
    uint8_t  seen_ch;     /* a ClientHello was parsed into ev           */
    uint8_t  seen_sh;     /* a ServerHello (not HRR) was parsed into ev */
    uint8_t  hrr;         /* a HelloRetryRequest was parsed into ev     */
    uint8_t  gaps_pending;/* tls_gap() calls not yet counted            */
    /* Certificate message (M_CERT) */
    uint8_t  cphase;      /* enum cert_phase                            */
    uint8_t  chdr[3];
    uint8_t  chdr_n;
    uint32_t c_left;      /* message body bytes not yet consumed        */
    uint32_t cert_len;    /* leaf DER length                            */
    uint32_t der_len;     /* leaf DER bytes kept in srv_buf             */
    struct sh_event ev;   /* the pending event                          */
    uint8_t  ch_buf[TLS_CH_MAX];
    uint8_t  srv_buf[TLS_CERT_MAX];
};

/* RFC 8446 4.1.3: HelloRetryRequest's Random = SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
    0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
    0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* RFC 8701 2: GREASE values are 0x?A?A with both bytes equal. */
static int is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ---- JA3 text builder: hashes everything, keeps TLS_JA3_MAX bytes --- */

struct ja3 {
    struct md5_ctx md5;
    char s[TLS_JA3_MAX];
    size_t n;
    int cut;
};

static void ja3_init(struct ja3 *j)
{
    md5_init(&j->md5);
    j->n = 0;
    j->cut = 0;
}

static void ja3_add(struct ja3 *j, const char *t, size_t n)
{
    md5_update(&j->md5, n, (const uint8_t *)t);
    size_t room = sizeof j->s - j->n;
    if (n > room) {
        n = room;
        j->cut = 1;
    }
    memcpy(j->s + j->n, t, n);
    j->n += n;
}

/* Append v in decimal, preceded by '-' unless *first. */
/* "-v" (or "v" first) in decimal; by hand, since snprintf per number was
 * the largest cost of a ClientHello */
static void ja3_num(struct ja3 *j, unsigned v, int *first)
{
    char t[16];
    size_t k = sizeof t;
    do {
        t[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k > 1);
    if (!*first)
        t[--k] = '-';
    *first = 0;
    ja3_add(j, t + k, sizeof t - k);
}

/* Store the text and its MD5 (lowercase hex) into the event. */
static void ja3_finish(struct ja3 *j, struct sh_event *ev, char hash[33],
                       struct ev_str *str)
{
    static const char hx[] = "0123456789abcdef";
    uint8_t dg[MD5_DIGEST_SIZE];

    md5_digest(&j->md5, sizeof dg, dg);
    for (size_t i = 0; i < sizeof dg; i++) {
        hash[2 * i] = hx[dg[i] >> 4];
        hash[2 * i + 1] = hx[dg[i] & 15];
    }
    hash[32] = '\0';
    if (j->cut)
        ev->flags |= EVF_TRUNCATED;
    *str = ev_put(ev, j->s, j->n, 0);
}

/* ---- JA4 (FoxIO-LLC/ja4 technical_details/JA4.md) -------------------- */

static const char hexd[] = "0123456789abcdef";

/* Sift a[i] down the max-heap a[0..n). */
static void sift_u16(uint16_t *a, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[i] >= a[c])
            return;
        uint16_t t = a[i];
        a[i] = a[c];
        a[c] = t;
        i = c;
    }
}

/* In-place heapsort, ascending: no allocation (glibc's qsort may
 * malloc) and O(n log n) on a hostile list of thousands of values. */
static void sort_u16(uint16_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_u16(a, i, n);
    for (size_t end = n; end > 1; end--) {
        uint16_t t = a[0];
        a[0] = a[end - 1];
        a[end - 1] = t;
        sift_u16(a, 0, end - 1);
    }
}

/* v as 4 lowercase hex digits, preceded by ',' unless *first. */
static void sha_hex4(struct sha256_ctx *c, uint16_t v, int *first)
{
    char t[5];
    size_t k = 0;
    if (!*first)
        t[k++] = ',';
    *first = 0;
    t[k++] = hexd[v >> 12];
    t[k++] = hexd[(v >> 8) & 15];
    t[k++] = hexd[(v >> 4) & 15];
    t[k++] = hexd[v & 15];
    sha256_update(c, k, (const uint8_t *)t);
}

/* The first 12 hex digits of the digest into out (not terminated). */
static void sha_12(struct sha256_ctx *c, char *out)
{
    uint8_t dg[SHA256_DIGEST_SIZE];
    sha256_digest(c, sizeof dg, dg);
    for (size_t i = 0; i < 6; i++) {
        out[2 * i] = hexd[dg[i] >> 4];
        out[2 * i + 1] = hexd[dg[i] & 15];
    }
}

/* JA4.md "TLS and DTLS Version" */
static const char *ja4_version(uint16_t v)
{
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default:     return "00";
    }
}

static int is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z');
}

/* JA4.md "ALPN Extension Value": the first and last characters of the
 * first protocol name, "00" when there is none or it is empty; when the
 * first or last byte is not ASCII alphanumeric, the first and last hex
 * digits of the name instead (0x30 0xAB -> "3b").  GREASE names (RFC
 * 8701 2: {0x?A,0x?A}) are ignored like GREASE anywhere.  b is the
 * extension_data; reads stop at its end. */
static void ja4_alpn(struct rd b, char out[2])
{
    uint16_t list_len = rd_be16(&b);
    struct rd l = rd_sub(&b, list_len);

    out[0] = out[1] = '0';
    while (rd_left(&l) > 0) {
        uint8_t k = rd_u8(&l);
        const uint8_t *name = rd_bytes(&l, k);
        if (!name)
            return;
        if (k == 2 && is_grease((uint16_t)((name[0] << 8) | name[1])))
            continue;
        if (k == 0)
            return;
        uint8_t a = name[0], z = name[k - 1];
        if (is_alnum(a) && is_alnum(z)) {
            out[0] = (char)a;
            out[1] = (char)z;
        } else {
            out[0] = hexd[a >> 4];
            out[1] = hexd[z & 15];
        }
        return;
    }
}

/* JA4 of a ClientHello whose cipher_suites (cs) and extensions (ex)
 * blocks were framed whole, over TCP ("t"), into out (TLS_JA4_LEN + 1).
 * The values to sort are kept in a fixed array: 2-byte ciphers and
 * 4-byte-or-more extensions out of a body of at most TLS_CH_MAX bytes
 * fit in TLS_CH_MAX / 2 entries; a longer body (a direct caller) that
 * overflows it leaves out empty. */
static void ja4_client(struct rd cs, struct rd ex, uint16_t legacy_version,
                       char out[TLS_JA4_LEN + 1])
{
    uint16_t v[TLS_CH_MAX / 2];
    size_t nc = 0, ne = 0, n_ext = 0;
    int sni = 0, seen_sv = 0, seen_alpn = 0, seen_sig = 0, have_sv = 0, first;
    uint16_t version = legacy_version, best = 0;
    char alpn[2] = { '0', '0' };
    struct rd e, sig = rd_init(NULL, 0);
    struct sha256_ctx c;
    char b[12], h[12];

    out[0] = '\0';
    while (rd_left(&cs) > 0) {
        uint16_t x = rd_be16(&cs);
        if (is_grease(x))
            continue;
        if (nc == sizeof v / sizeof v[0])
            return;
        v[nc++] = x;
    }
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        uint16_t elen = rd_be16(&e);
        struct rd body = rd_sub(&e, elen);
        if (e.err || is_grease(type))
            continue;
        n_ext++;
        if (type == EXT_SERVER_NAME) {
            sni = 1;
            continue;               /* counted, not hashed */
        }
        if (type == EXT_ALPN) {
            if (!seen_alpn++)
                ja4_alpn(body, alpn);
            continue;               /* counted, not hashed */
        }
        if (type == EXT_SUPPORTED_VERSIONS && !seen_sv++) {
            /* RFC 8446 4.2.1: ProtocolVersion versions<2..254> */
            uint8_t vl = rd_u8(&body);
            struct rd l = rd_sub(&body, vl);
            while (rd_has(&l, 2)) {
                uint16_t x = rd_be16(&l);
                if (is_grease(x))
                    continue;
                if (!have_sv || x > best)
                    best = x;
                have_sv = 1;
            }
        } else if (type == EXT_SIGNATURE_ALGORITHMS && !seen_sig++) {
            /* RFC 8446 4.2.3: SignatureScheme
             * supported_signature_algorithms<2..2^16-2> */
            uint16_t sl = rd_be16(&body);
            sig = rd_sub(&body, sl);
            if (body.err)
                sig = rd_init(NULL, 0);
        }
        if (nc + ne == sizeof v / sizeof v[0])
            return;
        v[nc + ne++] = type;
    }
    /* supported_versions holds only GREASE (or nothing readable): the
     * spec has no highest value, use the legacy version as without it */
    if (have_sv)
        version = best;

    sort_u16(v, nc);
    sort_u16(v + nc, ne);
    if (nc == 0) {
        memset(b, '0', sizeof b);
    } else {
        sha256_init(&c);
        first = 1;
        for (size_t i = 0; i < nc; i++)
            sha_hex4(&c, v[i], &first);
        sha_12(&c, b);
    }
    if (ne == 0) {
        /* no extensions but SNI and ALPN, hence no signature algorithms */
        memset(h, '0', sizeof h);
    } else {
        sha256_init(&c);
        first = 1;
        for (size_t i = 0; i < ne; i++)
            sha_hex4(&c, v[nc + i], &first);
        first = 1;
        while (rd_has(&sig, 2)) {
            uint16_t x = rd_be16(&sig);
            if (is_grease(x))
                continue;
            if (first)      /* "_" only before a non-empty list */
                sha256_update(&c, 1, (const uint8_t *)"_");
            sha_hex4(&c, x, &first);
        }
        sha_12(&c, h);
    }
    if (nc > 99)
        nc = 99;
    if (n_ext > 99)
        n_ext = 99;
    const char *ver = ja4_version(version);
    char *o = out;
    *o++ = 't';
    *o++ = ver[0];
    *o++ = ver[1];
    *o++ = sni ? 'd' : 'i';
    *o++ = (char)('0' + nc / 10);
    *o++ = (char)('0' + nc % 10);
    *o++ = (char)('0' + n_ext / 10);
    *o++ = (char)('0' + n_ext % 10);
    *o++ = alpn[0];
    *o++ = alpn[1];
    *o++ = '_';
    memcpy(o, b, sizeof b);
    o += sizeof b;
    *o++ = '_';
    memcpy(o, h, sizeof h);
    o += sizeof h;
    *o = '\0';
}

/* JA4S (FoxIO-LLC/ja4 technical_details/JA4S.md) of a ServerHello whose
 * extensions block (ex, possibly empty) was framed whole, into out
 * (TLS_JA4S_LEN + 1), always with protocol 't' (a QUIC caller overwrites
 * out[0]):
 *   t, version (the supported_versions selection, else legacy_version;
 *   JA4's two characters), number of extensions (2 digits, capped at 99),
 *   ALPN chosen (JA4's rule, "00" without one), '_', the cipher suite in
 *   4 hex digits, '_', the first 12 hex digits of SHA-256 of the
 *   extension types as 4 hex digits joined by ',' in the order sent, or
 *   "000000000000" when there is none.
 * Unlike JA4, nothing is sorted and GREASE is not removed: a server does
 * not shuffle, and FoxIO's reference outputs count and hash every type
 * (python/ja4.py to_ja4s: "include grease values"). */
static void ja4_server(struct rd ex, uint16_t version, uint16_t cipher,
                       char out[TLS_JA4S_LEN + 1])
{
    size_t n_ext = 0;
    int first = 1, seen_alpn = 0;
    char alpn[2] = { '0', '0' }, h[12];
    struct sha256_ctx c;

    sha256_init(&c);
    while (rd_left(&ex) > 0) {
        uint16_t type = rd_be16(&ex);
        uint16_t elen = rd_be16(&ex);
        struct rd body = rd_sub(&ex, elen);
        if (ex.err) {
            out[0] = '\0';
            return;
        }
        n_ext++;
        sha_hex4(&c, type, &first);
        if (type == EXT_ALPN && !seen_alpn++)
            ja4_alpn(body, alpn);
    }
    if (n_ext == 0)
        memset(h, '0', sizeof h);
    else
        sha_12(&c, h);
    if (n_ext > 99)
        n_ext = 99;
    const char *ver = ja4_version(version);
    char *o = out;
    *o++ = 't';
    *o++ = ver[0];
    *o++ = ver[1];
    *o++ = (char)('0' + n_ext / 10);
    *o++ = (char)('0' + n_ext % 10);
    *o++ = alpn[0];
    *o++ = alpn[1];
    *o++ = '_';
    *o++ = hexd[cipher >> 12];
    *o++ = hexd[(cipher >> 8) & 15];
    *o++ = hexd[(cipher >> 4) & 15];
    *o++ = hexd[cipher & 15];
    *o++ = '_';
    memcpy(o, h, sizeof h);
    o += sizeof h;
    *o = '\0';
}

/* ---- extensions ---------------------------------------------------- */

/* server_name (RFC 6066 3):
 *   ServerNameList server_name_list<1..2^16-1>;
 *   ServerName { NameType name_type; HostName opaque<1..2^16-1> }
 * Keeps the first host_name (type 0) entry; entries of other types are
 * skipped by their 16-bit length.  A HostName is a DNS name: at most 255
 * octets (RFC 1035 2.3.4); a longer one is kept cut at TLS_SNI_MAX.
 * Returns 0, or -1 on a fault (the name, if read, is kept). */
static int parse_sni(struct rd *b, struct sh_event *ev)
{
    uint16_t list_len = rd_be16(b);
    struct rd l = rd_sub(b, list_len);
    int bad = 0, got = 0;

    if (b->err || rd_left(b) != 0 || list_len == 0)
        return -1;
    while (rd_left(&l) > 0) {
        uint8_t type = rd_u8(&l);
        uint16_t n = rd_be16(&l);
        const uint8_t *name = rd_bytes(&l, n);
        if (l.err)
            return -1;
        if (type != 0)
            continue;
        if (got) {          /* RFC 6066 3: one name per name_type */
            bad = 1;
            continue;
        }
        got = 1;
        if (n == 0) {       /* HostName <1..2^16-1> */
            bad = 1;
            continue;
        }
        if (n > TLS_SNI_MAX)
            bad = 1;
        ev->u.tls.sni = ev_put(ev, name, n, TLS_SNI_MAX);
    }
    return bad ? -1 : 0;
}

/* application_layer_protocol_negotiation (RFC 7301 3.1):
 *   ProtocolName opaque<1..2^8-1>;
 *   ProtocolNameList protocol_name_list<2..2^16-1>;
 * The names, joined with ',', go to *out (cut at TLS_ALPN_MAX).  In a
 * ServerHello (server = 1) the list holds exactly one name.
 * Returns 0, or -1 on a fault (what was read is kept). */
static int parse_alpn(struct rd *b, struct sh_event *ev, struct ev_str *out,
                      int server)
{
    char buf[TLS_ALPN_MAX];
    size_t n = 0;
    int bad = 0, count = 0, cut = 0;
    uint16_t list_len = rd_be16(b);
    struct rd l = rd_sub(b, list_len);

    if (b->err || rd_left(b) != 0 || list_len < 2)
        bad = 1;
    while (rd_left(&l) > 0) {
        uint8_t k = rd_u8(&l);
        const uint8_t *name = rd_bytes(&l, k);
        if (l.err) {
            bad = 1;
            break;
        }
        if (k == 0)
            bad = 1;
        if (count++ && n < sizeof buf)
            buf[n++] = ',';
        size_t room = sizeof buf - n;
        if (k > room) {
            k = (uint8_t)room;
            cut = 1;
        }
        memcpy(buf + n, name, k);
        /* ',' separates the names: one inside a name must not make two */
        for (size_t i = n; i < n + k; i++)
            if (buf[i] == ',')
                buf[i] = '?';
        n += k;
    }
    if (server && count != 1)
        bad = 1;
    if (cut)
        ev->flags |= EVF_TRUNCATED;
    *out = ev_put(ev, buf, n, 0);
    return bad ? -1 : 0;
}

/* ---- ClientHello --------------------------------------------------- */

/* RFC 5246 7.4.1.2 / RFC 8446 4.1.2:
 *   ProtocolVersion legacy_version; Random random (32);
 *   opaque legacy_session_id<0..32>;
 *   CipherSuite cipher_suites<2..2^16-2>;
 *   opaque legacy_compression_methods<1..2^8-1>;
 *   Extension extensions<0..2^16-1>   (absent before TLS 1.2 allowed)
 * Structural faults (a length running past its container) stop the
 * parse; semantic ones (bounds of the <a..b> vectors, SNI and ALPN
 * contents, bytes after the extensions) are flagged and parsing goes on,
 * so the JA3 is still computed. */
int tls_parse_client_hello(const uint8_t *p, size_t len, struct sh_event *ev)
{
    struct ev_tls *t = &ev->u.tls;
    struct rd r = rd_init(p, len);
    struct rd cs, cs_all, ex = rd_init(NULL, 0), e;
    struct ja3 j;
    int bad = 0, first, seen_sni = 0, seen_alpn = 0, n_groups = 0, n_pf = 0;
    char num[16];
    int k;

    t->has_client_hello = 1;
    uint16_t ver = rd_be16(&r);
    rd_skip(&r, 32);                        /* random */
    uint8_t sid_len = rd_u8(&r);
    if (r.err)
        goto fail;
    t->client_version = ver;
    if (sid_len > 32)                       /* legacy_session_id<0..32> */
        bad = 1;
    rd_skip(&r, sid_len);
    uint16_t cs_len = rd_be16(&r);
    cs = rd_sub(&r, cs_len);
    uint8_t cm_len = rd_u8(&r);
    rd_skip(&r, cm_len);
    if (r.err || cs_len % 2 != 0)           /* CipherSuite is 2 bytes */
        goto fail;
    cs_all = cs;
    if (cs_len == 0)                        /* cipher_suites<2..2^16-2> */
        bad = 1;
    if (cm_len == 0)                        /* compression_methods<1..> */
        bad = 1;
    if (rd_left(&r) > 0) {
        uint16_t ex_len = rd_be16(&r);
        ex = rd_sub(&r, ex_len);
        if (r.err)
            goto fail;
        if (rd_left(&r) != 0)               /* nothing follows extensions */
            bad = 1;
    }

    /* pass 1: extension framing (RFC 8446 4.2: each extension_data
     * within the block), SNI, ALPN */
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        uint16_t elen = rd_be16(&e);
        struct rd body = rd_sub(&e, elen);
        if (e.err)
            goto fail;
        if (type == EXT_SERVER_NAME) {
            if (seen_sni++)                 /* RFC 8446 4.2: no duplicates */
                bad = 1;
            else if (parse_sni(&body, ev) < 0)
                bad = 1;
        } else if (type == EXT_ALPN) {
            if (seen_alpn++)
                bad = 1;
            else if (parse_alpn(&body, ev, &t->alpn, 0) < 0)
                bad = 1;
        }
    }

    /* pass 2: JA3 = "SSLVersion,Ciphers,Extensions,EllipticCurves,
     * EllipticCurvePointFormats", as tshark 4.0 builds it: GREASE removed
     * from ciphers, extension types and groups (not from point formats);
     * each supported_groups / ec_point_formats extension appends ','
     * then its values, and a missing one appends a lone ','. */
    ja3_init(&j);
    k = snprintf(num, sizeof num, "%u,", ver);
    ja3_add(&j, num, (size_t)k);
    first = 1;
    while (rd_left(&cs) > 0) {
        uint16_t c = rd_be16(&cs);
        if (!is_grease(c))
            ja3_num(&j, c, &first);
    }
    ja3_add(&j, ",", 1);
    first = 1;
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        rd_skip(&e, rd_be16(&e));
        if (!is_grease(type))
            ja3_num(&j, type, &first);
    }
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        uint16_t elen = rd_be16(&e);
        struct rd body = rd_sub(&e, elen);
        if (type != EXT_SUPPORTED_GROUPS)
            continue;
        /* RFC 8446 4.2.7: NamedGroup named_group_list<2..2^16-1> */
        n_groups++;
        ja3_add(&j, ",", 1);
        uint16_t gl = rd_be16(&body);
        struct rd g = rd_sub(&body, gl);
        if (body.err || rd_left(&body) != 0 || gl < 2 || gl % 2 != 0)
            bad = 1;
        first = 1;
        while (rd_has(&g, 2)) {
            uint16_t v = rd_be16(&g);
            if (!is_grease(v))
                ja3_num(&j, v, &first);
        }
    }
    if (n_groups == 0)
        ja3_add(&j, ",", 1);
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        uint16_t elen = rd_be16(&e);
        struct rd body = rd_sub(&e, elen);
        if (type != EXT_EC_POINT_FORMATS)
            continue;
        /* RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1> */
        n_pf++;
        ja3_add(&j, ",", 1);
        uint8_t fl = rd_u8(&body);
        struct rd f = rd_sub(&body, fl);
        if (body.err || rd_left(&body) != 0 || fl == 0)
            bad = 1;
        first = 1;
        while (rd_left(&f) > 0)
            ja3_num(&j, rd_u8(&f), &first);
    }
    if (n_pf == 0)
        ja3_add(&j, ",", 1);
    ja3_finish(&j, ev, t->ja3_hash, &t->ja3);

    /* pass 3: JA4 */
    ja4_client(cs_all, ex, ver, t->ja4);

    if (bad) {
        ev->flags |= EVF_MALFORMED;
        return -1;
    }
    return 0;
fail:
    ev->flags |= EVF_MALFORMED;
    return -1;
}

/* ---- ServerHello --------------------------------------------------- */

int tls_is_hello_retry(const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    rd_skip(&r, 2);                         /* legacy_version */
    const uint8_t *rnd = rd_bytes(&r, sizeof hrr_random);
    return rnd && memcmp(rnd, hrr_random, sizeof hrr_random) == 0;
}

/* RFC 5246 7.4.1.3 / RFC 8446 4.1.3:
 *   ProtocolVersion legacy_version; Random random (32);
 *   opaque legacy_session_id_echo<0..32>; CipherSuite cipher_suite;
 *   uint8 legacy_compression_method; Extension extensions<6..2^16-1>
 *   (absent allowed before TLS 1.3).
 * supported_versions (RFC 8446 4.2.1) holds the selected version: it
 * overrides legacy_version (0x0303 in TLS 1.3).
 * JA3S = "SSLVersion,Cipher,Extensions" with the legacy_version, GREASE
 * extension types removed (tshark 4.0); JA4S see ja4_server(). */
int tls_parse_server_hello(const uint8_t *p, size_t len, struct sh_event *ev)
{
    struct ev_tls *t = &ev->u.tls;
    struct rd r = rd_init(p, len);
    struct rd ex = rd_init(NULL, 0), e;
    struct ja3 j;
    int bad = 0, first, seen_sv = 0, seen_alpn = 0;
    char num[32];
    int k;

    t->has_server_hello = 1;
    uint16_t ver = rd_be16(&r);
    rd_skip(&r, 32);                        /* random */
    uint8_t sid_len = rd_u8(&r);
    if (sid_len > 32)                       /* session_id<0..32> */
        bad = 1;
    rd_skip(&r, sid_len);
    uint16_t cipher = rd_be16(&r);
    rd_u8(&r);                              /* compression method */
    if (r.err)
        goto fail;
    t->version = ver;
    t->cipher = cipher;
    if (rd_left(&r) > 0) {
        uint16_t ex_len = rd_be16(&r);
        ex = rd_sub(&r, ex_len);
        if (r.err)
            goto fail;
        if (rd_left(&r) != 0)
            bad = 1;
    }
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        uint16_t elen = rd_be16(&e);
        struct rd body = rd_sub(&e, elen);
        if (e.err)
            goto fail;
        if (type == EXT_SUPPORTED_VERSIONS) {
            /* RFC 8446 4.2.1: ServerHello carries one selected_version */
            uint16_t v = rd_be16(&body);
            if (body.err || rd_left(&body) != 0 || seen_sv++)
                bad = 1;
            else
                t->version = v;
        } else if (type == EXT_ALPN) {
            if (seen_alpn++)
                bad = 1;
            else if (parse_alpn(&body, ev, &t->alpn_server, 1) < 0)
                bad = 1;
        }
    }

    ja3_init(&j);
    k = snprintf(num, sizeof num, "%u,%u,", ver, cipher);
    ja3_add(&j, num, (size_t)k);
    first = 1;
    e = ex;
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        rd_skip(&e, rd_be16(&e));
        if (!is_grease(type))
            ja3_num(&j, type, &first);
    }
    ja3_finish(&j, ev, t->ja3s_hash, &t->ja3s);
    ja4_server(ex, t->version, cipher, t->ja4s);

    if (bad) {
        ev->flags |= EVF_MALFORMED;
        return -1;
    }
    return 0;
fail:
    ev->flags |= EVF_MALFORMED;
    return -1;
}

/* ---- probe ----------------------------------------------------------- */

int tls_probe(const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    uint8_t type = rd_u8(&r);
    uint8_t major = rd_u8(&r);
    uint8_t minor = rd_u8(&r);
    uint16_t rlen = rd_be16(&r);

    if (r.err)
        return 0;
    /* RFC 5246 6.2.1: handshake record, SSL 3.0 .. TLS 1.3 versions,
     * non-empty, within the TLSCiphertext bound (6.2.3) */
    if (type != CT_HANDSHAKE || major != 3 || minor > 4 || rlen == 0 ||
        rlen > TLS_RECORD_MAX)
        return 0;
    if (!rd_has(&r, 1))
        return 1;
    uint8_t ht = rd_u8(&r);
    if (ht != HT_CLIENT_HELLO && ht != HT_SERVER_HELLO)
        return 0;
    if (!rd_has(&r, 3))
        return 1;
    /* the smallest ServerHello body: 2 + 32 + 1 + 2 + 1 (RFC 5246 7.4.1.3)
     * and a ClientHello is larger still */
    return rd_be24(&r) >= 38;
}

/* ---- stream state ---------------------------------------------------- */

size_t tls_state_size(void)
{
    return sizeof(struct tls_state);
}

void tls_init(struct tls_state *s)
{
    memset(s, 0, sizeof *s);
    ev_reset(&s->ev, EV_TLS);
}

#define STAT_INC(sink, field) \
    do { if ((sink) && (sink)->stats) (sink)->stats->field++; } while (0)

static void emit(struct tls_state *s, int dir, uint64_t ts,
                 const struct app_sink *sink)
{
    if (s->done)
        return;
    s->done = 1;
    s->ev.type = EV_TLS;
    s->ev.ts_us = ts;
    STAT_INC(sink, tls_handshakes);
    if (sink && sink->emit)
        sink->emit(sink->ctx, dir, &s->ev);
}

/* Emit once nothing more can be learnt from the server and a hello was
 * seen; settle silently when both directions stopped with nothing. */
static void check_finish(struct tls_state *s, int dir, uint64_t ts,
                         const struct app_sink *sink)
{
    if (s->done)
        return;
    if (s->d[DIR_TOCLIENT].stopped && (s->seen_ch || s->seen_sh || s->hrr))
        emit(s, dir, ts, sink);
    else if (s->d[DIR_TOSERVER].stopped && s->d[DIR_TOCLIENT].stopped)
        s->done = 1;
}

/* A framing fault in dir: stop it, flag and count. */
static void fault(struct tls_state *s, int dir, uint64_t ts,
                  const struct app_sink *sink)
{
    s->d[dir].stopped = 1;
    s->ev.flags |= EVF_MALFORMED;
    STAT_INC(sink, tls_malformed);
    check_finish(s, dir, ts, sink);
}

/* Count the gaps recorded by tls_gap() and act on them. */
static void flush_gaps(struct tls_state *s, int dir, uint64_t ts,
                       const struct app_sink *sink)
{
    if (!s->gaps_pending)
        return;
    if (sink && sink->stats)
        sink->stats->tls_gaps += s->gaps_pending;
    s->gaps_pending = 0;
    check_finish(s, dir, ts, sink);
}

/* The Certificate message's framing is bad (RFC 5246 7.4.2): flag,
 * count, and report the handshake without a certificate. */
static void cert_fault(struct tls_state *s, uint64_t ts,
                       const struct app_sink *sink)
{
    s->ev.flags |= EVF_MALFORMED;
    STAT_INC(sink, tls_cert_malformed);
    emit(s, DIR_TOCLIENT, ts, sink);
}

/* Body bytes of a Certificate message (RFC 5246 7.4.2):
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 * The list header must fill the message; the first certificate (the
 * sender's own, i.e. the leaf) must fit in the list. */
static void cert_bytes(struct tls_state *s, struct rd *r, uint64_t ts,
                       const struct app_sink *sink)
{
    while (rd_left(r) > 0 && !s->done) {
        if (s->cphase == C_LIST || s->cphase == C_LEN) {
            size_t k = 3u - s->chdr_n;
            if (k > rd_left(r))
                k = rd_left(r);
            memcpy(s->chdr + s->chdr_n, rd_bytes(r, k), k);
            s->chdr_n = (uint8_t)(s->chdr_n + k);
            s->c_left -= (uint32_t)k;
            if (s->chdr_n < 3)
                return;
            s->chdr_n = 0;
            uint32_t v = ((uint32_t)s->chdr[0] << 16) |
                         ((uint32_t)s->chdr[1] << 8) | s->chdr[2];
            if (s->cphase == C_LIST) {
                if (v != s->c_left) {       /* list must fill the body */
                    cert_fault(s, ts, sink);
                    return;
                }
                if (v == 0) {               /* no certificate sent */
                    emit(s, DIR_TOCLIENT, ts, sink);
                    return;
                }
                s->cphase = C_LEN;
            } else {
                if (v == 0 || v > s->c_left) { /* ASN.1Cert<1..>, in list */
                    cert_fault(s, ts, sink);
                    return;
                }
                if (v > TLS_CERT_MAX) {     /* too large to keep */
                    s->ev.flags |= EVF_TRUNCATED;
                    STAT_INC(sink, tls_cert_malformed);
                    emit(s, DIR_TOCLIENT, ts, sink);
                    return;
                }
                s->cert_len = v;
                s->der_len = 0;
                s->cphase = C_DER;
            }
            continue;
        }
        /* C_DER */
        size_t k = s->cert_len - s->der_len;
        if (k > rd_left(r))
            k = rd_left(r);
        memcpy(s->srv_buf + s->der_len, rd_bytes(r, k), k);
        s->der_len += (uint32_t)k;
        s->c_left -= (uint32_t)k;
        if (s->der_len < s->cert_len)
            return;
        if (x509_parse(s->srv_buf, s->cert_len, &s->ev) == 0)
            STAT_INC(sink, tls_certs);
        else
            STAT_INC(sink, tls_cert_malformed);
        emit(s, DIR_TOCLIENT, ts, sink);
    }
}

/* A handshake header is complete: choose what to do with the body. */
static void msg_begin(struct tls_state *s, int dir, uint8_t type,
                      uint64_t ts, const struct app_sink *sink)
{
    struct tls_dir *d = &s->d[dir];

    d->mode = M_SKIP;
    d->buf_len = 0;
    d->trunc = 0;
    if (dir == DIR_TOSERVER) {
        if (type == HT_CLIENT_HELLO && !s->seen_ch)
            d->mode = M_CH;
        return;
    }
    if (type == HT_SERVER_HELLO && !s->seen_sh) {
        d->mode = M_SH;
        return;
    }
    if (!s->seen_sh)
        return;             /* before the ServerHello: nothing to learn */
    switch (type) {
    case HT_CERTIFICATE:
        d->mode = M_CERT;
        s->cphase = C_LIST;
        s->chdr_n = 0;
        s->c_left = d->hs_left;
        break;
    case HT_NEW_SESSION_TICKET:
        /* RFC 5077 3.1: in an abbreviated handshake the ticket follows
         * the ServerHello directly */
        s->ev.u.tls.resumed = 1;
        emit(s, dir, ts, sink);
        break;
    case HT_HELLO_REQUEST:
        break;
    default:
        /* ServerKeyExchange, CertificateRequest, ServerHelloDone...
         * without a Certificate before them */
        emit(s, dir, ts, sink);
        break;
    }
}

/* A handshake body is complete. */
static void msg_end(struct tls_state *s, int dir, uint64_t ts,
                    const struct app_sink *sink)
{
    struct tls_dir *d = &s->d[dir];
    uint8_t mode = d->mode;

    d->mode = M_SKIP;
    if (mode == M_CH) {
        s->seen_ch = 1;
        if (d->trunc)
            s->ev.flags |= EVF_TRUNCATED;
        if (tls_parse_client_hello(s->ch_buf, d->buf_len, &s->ev) < 0)
            STAT_INC(sink, tls_malformed);
        d->stopped = 1;     /* nothing later from the client is needed */
        check_finish(s, dir, ts, sink);
    } else if (mode == M_SH) {
        struct ev_tls *t = &s->ev.u.tls;
        int hrr = tls_is_hello_retry(s->srv_buf, d->buf_len);
        if (s->hrr) {
            /* the ServerHello after a HelloRetryRequest replaces it (the
             * HRR's JA3S text stays in the arena, unreferenced) */
            t->has_server_hello = 0;
            t->version = 0;
            t->cipher = 0;
            t->ja3s_hash[0] = '\0';
            t->ja4s[0] = '\0';
            memset(&t->ja3s, 0, sizeof t->ja3s);
            memset(&t->alpn_server, 0, sizeof t->alpn_server);
        }
        if (d->trunc)
            s->ev.flags |= EVF_TRUNCATED;
        if (hrr)
            s->hrr = 1;     /* reported if no ServerHello follows */
        else
            s->seen_sh = 1;
        if (tls_parse_server_hello(s->srv_buf, d->buf_len, &s->ev) < 0) {
            STAT_INC(sink, tls_malformed);
            emit(s, dir, ts, sink);         /* the rest cannot be trusted */
        } else if (!hrr && t->version > 0x0303) {
            emit(s, dir, ts, sink);         /* TLS 1.3: the rest is encrypted */
        }
    } else if (mode == M_CERT) {
        if (!s->done)                       /* body shorter than its header */
            cert_fault(s, ts, sink);
    }
}

/* Bytes of handshake records (r holds exactly this record's share). */
static void hs_bytes(struct tls_state *s, int dir, struct rd *r,
                     uint64_t ts, const struct app_sink *sink)
{
    struct tls_dir *d = &s->d[dir];

    while (rd_left(r) > 0 && !s->done && !d->stopped) {
        if (!d->in_body) {
            size_t k = 4u - d->hs_hdr_n;
            if (k > rd_left(r))
                k = rd_left(r);
            memcpy(d->hs_hdr + d->hs_hdr_n, rd_bytes(r, k), k);
            d->hs_hdr_n = (uint8_t)(d->hs_hdr_n + k);
            if (d->hs_hdr_n < 4)
                return;
            d->hs_hdr_n = 0;
            d->hs_left = ((uint32_t)d->hs_hdr[1] << 16) |
                         ((uint32_t)d->hs_hdr[2] << 8) | d->hs_hdr[3];
            d->in_body = 1;
            msg_begin(s, dir, d->hs_hdr[0], ts, sink);
            if (d->hs_left == 0) {
                d->in_body = 0;
                msg_end(s, dir, ts, sink);
            }
            continue;
        }
        size_t k = d->hs_left;
        if (k > rd_left(r))
            k = rd_left(r);
        struct rd chunk = rd_sub(r, k);
        if (d->mode == M_CH || d->mode == M_SH) {
            uint8_t *buf = d->mode == M_CH ? s->ch_buf : s->srv_buf;
            size_t cap = d->mode == M_CH ? sizeof s->ch_buf : sizeof s->srv_buf;
            size_t keep = cap - d->buf_len;
            if (keep > k) {
                keep = k;
            } else if (keep < k) {
                d->trunc = 1;
            }
            memcpy(buf + d->buf_len, rd_bytes(&chunk, keep), keep);
            d->buf_len += (uint32_t)keep;
        } else if (d->mode == M_CERT) {
            cert_bytes(s, &chunk, ts, sink);
        }
        d->hs_left -= (uint32_t)k;
        if (d->hs_left == 0) {
            d->in_body = 0;
            msg_end(s, dir, ts, sink);
        }
    }
}

/* A ChangeCipherSpec record header in dir (RFC 5246 7.1). */
static void on_ccs(struct tls_state *s, int dir, uint64_t ts,
                   const struct app_sink *sink)
{
    if (dir == DIR_TOCLIENT) {
        if (s->hrr && !s->seen_sh)
            return;         /* RFC 8446 D.4: compatibility CCS after HRR */
        if (s->seen_sh) {   /* ServerHello then CCS, no Certificate */
            s->ev.u.tls.resumed = 1;
            emit(s, dir, ts, sink);
            return;
        }
    }
    s->d[dir].stopped = 1;  /* what follows is encrypted */
    check_finish(s, dir, ts, sink);
}

/* A complete record header in dir. */
static void rec_header(struct tls_state *s, int dir, uint64_t ts,
                       const struct app_sink *sink)
{
    struct tls_dir *d = &s->d[dir];
    const uint8_t *h = d->rec_hdr;
    uint8_t type = h[0];
    uint16_t len = be16_at(h + 3);

    /* RFC 5246 6.2.1 / RFC 6520: known content types only.  An
     * SSLv2-compatible ClientHello (RFC 5246 E.2, first byte >= 0x80)
     * fails here too. */
    if (type < CT_CCS || type > CT_HEARTBEAT ||
        h[1] != 3 || h[2] > 4 ||            /* RFC 8446 5.1: 3.0 .. 3.4 */
        len > TLS_RECORD_MAX ||             /* RFC 5246 6.2.3 */
        (len == 0 && type != CT_APPDATA) || /* RFC 5246 6.2.1: no empty
                                               handshake/alert/CCS */
        (type != CT_HANDSHAKE && (d->in_body || d->hs_hdr_n))) {
                                            /* RFC 8446 5.1: handshake
                                               messages not interleaved */
        fault(s, dir, ts, sink);
        return;
    }
    d->rec_type = type;
    d->rec_left = len;
    if (type == CT_CCS) {
        on_ccs(s, dir, ts, sink);
    } else if (type == CT_APPDATA && (s->seen_ch || s->seen_sh)) {
        /* application data after the hellos: what follows is encrypted
         * (TLS 1.3 without the compatibility CCS, RFC 8446 D.4), so the
         * handshake is reported now, not when the connection ends */
        d->stopped = 1;
        check_finish(s, dir, ts, sink);
    }
}

void tls_feed(struct tls_state *s, int dir, const uint8_t *p, size_t len,
              uint64_t ts_us, const struct app_sink *sink)
{
    struct rd r = rd_init(p, len);

    if (!s || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    flush_gaps(s, dir, ts_us, sink);
    struct tls_dir *d = &s->d[dir];
    while (rd_left(&r) > 0 && !s->done && !d->stopped) {
        if (d->rec_left == 0) {
            size_t k = 5u - d->rec_hdr_n;
            if (k > rd_left(&r))
                k = rd_left(&r);
            memcpy(d->rec_hdr + d->rec_hdr_n, rd_bytes(&r, k), k);
            d->rec_hdr_n = (uint8_t)(d->rec_hdr_n + k);
            if (d->rec_hdr_n < 5)
                return;
            d->rec_hdr_n = 0;
            rec_header(s, dir, ts_us, sink);
            continue;
        }
        size_t k = d->rec_left;
        if (k > rd_left(&r))
            k = rd_left(&r);
        struct rd rec = rd_sub(&r, k);
        if (d->rec_type == CT_HANDSHAKE)
            hs_bytes(s, dir, &rec, ts_us, sink);
        d->rec_left = (uint16_t)(d->rec_left - k);
    }
}

void tls_gap(struct tls_state *s, int dir)
{
    if (!s || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    if (s->done || s->d[dir].stopped)
        return;             /* the lost bytes did not matter */
    s->d[dir].stopped = 1;
    s->ev.flags |= EVF_GAP;
    if (s->gaps_pending < UINT8_MAX)
        s->gaps_pending++;
}

int tls_done(const struct tls_state *s)
{
    return s ? s->done : 1;
}

void tls_close(struct tls_state *s, uint64_t ts_us,
               const struct app_sink *sink)
{
    if (!s)
        return;
    flush_gaps(s, DIR_TOSERVER, ts_us, sink);
    if (!s->done && (s->seen_ch || s->seen_sh || s->hrr))
        emit(s, DIR_TOSERVER, ts_us, sink);
    s->done = 1;
}

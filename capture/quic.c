/*
 * quic.c -- QUIC Initial decryption and the TLS hellos inside.  See
 * quic.h for the contract.
 *
 * Per datagram: walk the coalesced long-header packets (RFC 9000 12.2);
 * for each Initial, remove header protection (RFC 9001 5.4.1, 5.4.3:
 * AES-128-ECB of the 16-byte sample 4 bytes after the start of the packet
 * number field) and open the payload with AEAD_AES_128_GCM (RFC 9001
 * 5.3: nonce = IV xor packet number, AAD = the unprotected header), then
 * walk the frames (RFC 9000 19) and file CRYPTO data by offset into the
 * direction's buffer.  A direction's handshake message is complete when
 * the bytes from offset 0 cover its 4-byte header and body; it is parsed
 * by tls.c as a TLS ClientHello/ServerHello would be.
 *
 * Keys: both sides' Initial keys come from the client's first
 * Destination Connection ID (RFC 9001 5.2).  The state remembers that
 * CID: after a Retry (RFC 9000 17.2.5) the client's next Initial carries
 * the CID the server chose and the keys are derived again from it; a
 * client Initial that does not open under the current keys is tried
 * under keys from its own DCID (the first Initial was not captured).  A
 * server Initial of another version than the client's (compatible
 * version negotiation, RFC 9368) is opened with keys of its version.
 *
 * Reassembly: CRYPTO bytes land at their offset in a fixed buffer with a
 * bitmap of the bytes received; duplicates overwrite (equal by RFC 9000
 * 19.6), bytes past the buffer are counted as an overflow and the
 * direction stops.  Memory per connection is quic_state_size() (about
 * 36 KiB, mostly the two buffers and the pending event); the plaintext
 * of one packet lives on the stack (QUIC_PKT_MAX).
 */
#include "quic.h"

#include <stdio.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/gcm.h>
#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "tls.h"

/* ---- versions ------------------------------------------------------ */

/* RFC 9001 5.2 */
static const uint8_t salt_v1[20] = {
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a
};
/* RFC 9369 3.3.1 */
static const uint8_t salt_v2[20] = {
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9
};
/* draft-ietf-quic-tls-29 5.2 (unchanged through draft-32) */
static const uint8_t salt_d29[20] = {
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
    0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99
};

int quic_version_known(uint32_t v)
{
    return v == QUIC_V1 || v == QUIC_V2 || (v >= 0xff00001du && v <= 0xff000020u);
}

static const uint8_t *version_salt(uint32_t v)
{
    if (v == QUIC_V1)
        return salt_v1;
    if (v == QUIC_V2)
        return salt_v2;
    if (v >= 0xff00001du && v <= 0xff000020u)
        return salt_d29;
    return NULL;
}

/* the long-header type field to QPT_* (RFC 9000 17.2, RFC 9369 3.2) */
static int version_type(uint32_t v, unsigned bits)
{
    if (v == QUIC_V2) {
        static const int map[4] = { QPT_RETRY, QPT_INITIAL, QPT_0RTT, QPT_HANDSHAKE };
        return map[bits & 3];
    }
    return (int)(bits & 3);
}

const char *quic_version_str(uint32_t version, char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%x", (unsigned)version);
    return buf;
}

/* ---- variable-length integers (RFC 9000 16) ------------------------ */

/* Read a varint at p[*i]; -1 when it does not fit in len. */
static int varint(const uint8_t *p, size_t len, size_t *i, uint64_t *v)
{
    if (*i >= len)
        return -1;
    size_t n = (size_t)1 << (p[*i] >> 6);
    if (len - *i < n)
        return -1;
    uint64_t x = p[*i] & 0x3f;
    for (size_t k = 1; k < n; k++)
        x = (x << 8) | p[*i + k];
    *i += n;
    *v = x;
    return 0;
}

/* ---- long header ---------------------------------------------------- */

int quic_parse_long(const uint8_t *p, size_t len, struct quic_long *h)
{
    size_t i = 0;
    uint64_t v;

    memset(h, 0, sizeof(*h));
    if (len < 7 || !(p[0] & 0x80))
        return -1;
    h->version = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 8 | p[4];
    if (h->version == 0)
        return -1;                          /* Version Negotiation */
    i = 5;
    h->dcid_len = p[i++];
    if (h->dcid_len > QUIC_CID_MAX || len - i < (size_t)h->dcid_len + 1) {
        if (!quic_version_known(h->version) && len - i >= (size_t)h->dcid_len + 1)
            goto unknown;                   /* other versions allow longer CIDs */
        return -1;
    }
    memcpy(h->dcid, p + i, h->dcid_len);
    i += h->dcid_len;
    h->scid_len = p[i++];
    if (h->scid_len > QUIC_CID_MAX || len - i < h->scid_len) {
        if (!quic_version_known(h->version))
            goto unknown;
        return -1;
    }
    memcpy(h->scid, p + i, h->scid_len);
    i += h->scid_len;
    if (!quic_version_known(h->version))
        goto unknown;
    h->type = version_type(h->version, (p[0] >> 4) & 3);
    if (h->type == QPT_RETRY) {
        h->pkt_len = len;                   /* a Retry fills the datagram */
        return 0;
    }
    if (h->type == QPT_INITIAL) {
        if (varint(p, len, &i, &v) < 0 || v > len - i)
            return -1;
        h->token_off = i;
        h->token_len = (size_t)v;
        i += (size_t)v;
    }
    if (varint(p, len, &i, &v) < 0 || v > len - i)
        return -1;
    h->pn_off = i;
    h->pkt_len = i + (size_t)v;
    return 0;
unknown:
    /* CIDs of other versions may be longer: not kept (lengths 0), so that
     * dcid_len/scid_len never exceed their arrays */
    if (h->dcid_len > QUIC_CID_MAX)
        h->dcid_len = 0;
    if (h->scid_len > QUIC_CID_MAX)
        h->scid_len = 0;
    h->type = -1;
    h->pkt_len = len;
    return 0;
}

/* ---- keys (RFC 9001 5.1, 5.2; RFC 9369 3.3) ------------------------- */

/* HKDF-Expand-Label(secret, label, "", n) (RFC 8446 7.1) */
static void expand_label(const uint8_t secret[32], const char *label,
                         uint8_t *out, size_t n)
{
    struct hmac_sha256_ctx ctx;
    uint8_t info[2 + 1 + 6 + 32 + 1];
    size_t ll = strlen(label), k = 0;

    info[k++] = (uint8_t)(n >> 8);
    info[k++] = (uint8_t)n;
    info[k++] = (uint8_t)(6 + ll);
    memcpy(info + k, "tls13 ", 6);
    k += 6;
    memcpy(info + k, label, ll);
    k += ll;
    info[k++] = 0;                           /* empty context */
    hmac_sha256_set_key(&ctx, 32, secret);
    hkdf_expand(&ctx, (nettle_hash_update_func *)hmac_sha256_update,
                (nettle_hash_digest_func *)hmac_sha256_digest,
                SHA256_DIGEST_SIZE, k, info, n, out);
}

int quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
                      int server, struct quic_keys *k)
{
    const uint8_t *salt = version_salt(version);
    struct hmac_sha256_ctx ctx;
    uint8_t initial[32], secret[32];
    int v2 = version == QUIC_V2;

    if (!salt || dcid_len > QUIC_CID_MAX)
        return -1;
    hmac_sha256_set_key(&ctx, 20, salt);
    hkdf_extract(&ctx, (nettle_hash_update_func *)hmac_sha256_update,
                 (nettle_hash_digest_func *)hmac_sha256_digest,
                 SHA256_DIGEST_SIZE, dcid_len, dcid, initial);
    expand_label(initial, server ? "server in" : "client in", secret, 32);
    expand_label(secret, v2 ? "quicv2 key" : "quic key", k->key, 16);
    expand_label(secret, v2 ? "quicv2 iv" : "quic iv", k->iv, 12);
    expand_label(secret, v2 ? "quicv2 hp" : "quic hp", k->hp, 16);
    return 0;
}

/* ---- packet protection (RFC 9001 5.3, 5.4) -------------------------- */

/* RFC 9000 A.3 */
uint64_t quic_decode_pn(int64_t largest, uint64_t truncated, unsigned nbits)
{
    uint64_t expected = (uint64_t)(largest + 1);
    uint64_t win = (uint64_t)1 << nbits, hwin = win / 2, mask = win - 1;
    uint64_t cand = (expected & ~mask) | truncated;

    if (cand + hwin <= expected && cand < ((uint64_t)1 << 62) - win)
        return cand + win;
    if (cand > expected + hwin && cand >= win)
        return cand - win;
    return cand;
}

#define HDR_MAX 2048   /* header bytes (with a token) kept for the AAD */

long quic_decrypt(const uint8_t *p, const struct quic_long *h,
                  const struct quic_keys *k, int64_t largest_pn,
                  uint8_t *out, size_t outcap, uint64_t *pn)
{
    struct aes128_ctx hp;
    struct gcm_aes128_ctx gcm;
    uint8_t mask[16], hdr[HDR_MAX], nonce[12], tag[16];
    size_t pn_off = h->pn_off, pn_len, hlen, clen;
    uint64_t trunc = 0;

    /* the sample needs 4 + 16 bytes after the packet number's start */
    if (h->type < 0 || h->pkt_len < pn_off + 4 + 16 || pn_off + 4 > HDR_MAX)
        return -1;
    aes128_set_encrypt_key(&hp, k->hp);
    aes128_encrypt(&hp, 16, mask, p + pn_off + 4);
    memcpy(hdr, p, pn_off + 4);
    hdr[0] ^= mask[0] & 0x0f;                /* long header: 4 bits */
    pn_len = (size_t)(hdr[0] & 3) + 1;
    for (size_t i = 0; i < pn_len; i++) {
        hdr[pn_off + i] ^= mask[1 + i];
        trunc = (trunc << 8) | hdr[pn_off + i];
    }
    hlen = pn_off + pn_len;
    if (h->pkt_len < hlen + 16)
        return -1;
    clen = h->pkt_len - hlen - 16;
    if (clen > outcap)
        return -1;
    *pn = quic_decode_pn(largest_pn, trunc, (unsigned)(pn_len * 8));
    memcpy(nonce, k->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(*pn >> (8 * i));
    gcm_aes128_set_key(&gcm, k->key);
    gcm_aes128_set_iv(&gcm, 12, nonce);
    gcm_aes128_update(&gcm, hlen, hdr);
    gcm_aes128_decrypt(&gcm, clen, out, p + hlen);
    gcm_aes128_digest(&gcm, 16, tag);
    if (!memeql_sec(tag, p + hlen + clen, 16))
        return -1;
    return (long)clen;
}

/* ---- frames (RFC 9000 19; 12.4 table 3: frames allowed in Initial) -- */

int quic_frames(const uint8_t *p, size_t len, quic_crypto_fn fn, void *ctx)
{
    size_t i = 0;
    uint64_t t, a, b, n;

    while (i < len) {
        if (varint(p, len, &i, &t) < 0)
            return -1;
        switch (t) {
        case 0x00:                          /* PADDING */
        case 0x01:                          /* PING */
            break;
        case 0x02:                          /* ACK */
        case 0x03:                          /* ACK with ECN counts */
            if (varint(p, len, &i, &a) < 0 || varint(p, len, &i, &a) < 0 ||
                varint(p, len, &i, &n) < 0 || varint(p, len, &i, &a) < 0)
                return -1;
            /* each range is two varints of at least one byte each */
            if (n > (len - i) / 2)
                return -1;
            for (uint64_t r = 0; r < n; r++)
                if (varint(p, len, &i, &a) < 0 || varint(p, len, &i, &b) < 0)
                    return -1;
            if (t == 0x03)
                for (int e = 0; e < 3; e++)
                    if (varint(p, len, &i, &a) < 0)
                        return -1;
            break;
        case 0x06:                          /* CRYPTO */
            if (varint(p, len, &i, &a) < 0 || varint(p, len, &i, &n) < 0 ||
                n > len - i)
                return -1;
            if (fn)
                fn(ctx, a, p + i, (size_t)n);
            i += (size_t)n;
            break;
        default:                            /* CONNECTION_CLOSE or not allowed */
            return 1;
        }
    }
    return 0;
}

/* ---- prober ---------------------------------------------------------- */

int quic_probe(const uint8_t *p, size_t len)
{
    struct quic_long h;

    if (len < 1200 || !(p[0] & 0x80))
        return 0;
    if (quic_parse_long(p, len, &h) < 0)
        return 0;
    if (h.type < 0)
        return (p[0] & 0x40) ? 2 : 0;       /* fixed bit: looks like QUIC */
    return h.type == QPT_INITIAL ? 1 : 0;
}

/* ---- connection state ------------------------------------------------ */

struct quic_dir {
    uint32_t have;          /* bytes present from offset 0              */
    uint32_t need;          /* 4 + message length, once known (0: not)  */
    int64_t  largest_pn;    /* -1: no packet decrypted yet              */
    uint8_t  complete;      /* the message is whole (parsed)            */
    uint8_t  stopped;       /* overflow or fault: no more reassembly    */
    uint8_t  any;           /* some CRYPTO byte arrived                 */
};

struct quic_state {
    uint8_t  done;          /* event emitted                            */
    uint8_t  have_keys;
    uint8_t  retry;         /* a Retry came: re-key on the next client Initial */
    uint8_t  short_seen;    /* client sent a 1-RTT packet               */
    uint8_t  has_fallback;
    uint8_t  opened;        /* some Initial (either side) opened        */
    uint8_t  dcid_len;
    uint8_t  dcid[QUIC_CID_MAX];      /* the client DCID the keys come from */
    uint32_t version;                 /* the client's Initial version      */
    uint32_t server_version;          /* the version server_keys belong to */
    uint32_t server_dgrams;           /* server datagrams after the CH     */
    uint32_t client_dgrams;           /* client datagrams after the CH     */
    uint32_t fails;                   /* client Initials that did not open */
    struct quic_keys ck, sk;
    struct quic_dir d[2];
    char     fallback[TLS_SNI_MAX + 1];
    struct sh_event ev;               /* the pending event                 */
    uint8_t  map_c[QUIC_CH_MAX / 8], map_s[QUIC_SH_MAX / 8];
    uint8_t  buf_c[QUIC_CH_MAX], buf_s[QUIC_SH_MAX];
};

size_t quic_state_size(void)
{
    return sizeof(struct quic_state);
}

void quic_init(struct quic_state *s)
{
    memset(s, 0, offsetof(struct quic_state, map_c));
    memset(s->map_c, 0, sizeof(s->map_c));
    memset(s->map_s, 0, sizeof(s->map_s));
    s->d[0].largest_pn = s->d[1].largest_pn = -1;
    ev_reset(&s->ev, EV_TLS);
}

int quic_done(const struct quic_state *s)
{
    return s->done;
}

void quic_set_fallback_sni(struct quic_state *s, const char *sni)
{
    size_t n = strnlen(sni, TLS_SNI_MAX);
    memcpy(s->fallback, sni, n);
    s->fallback[n] = '\0';
    s->has_fallback = n > 0;
}

static void emit(struct quic_state *s, int dir, uint64_t ts,
                 const struct app_sink *sink)
{
    if (s->done)
        return;
    s->done = 1;
    s->ev.ts_us = ts;
    s->ev.u.tls.quic = 1;
    s->ev.u.tls.quic_version = s->version;
    sink->stats->quic_events++;
    sink->emit(sink->ctx, dir, &s->ev);
}

struct crypto_ctx {
    struct quic_state *s;
    int dir;
    int overflow;
};

/* file CRYPTO bytes [off, off+n) of a direction */
static void crypto_in(void *vc, uint64_t off, const uint8_t *p, size_t n)
{
    struct crypto_ctx *c = vc;
    struct quic_dir *d = &c->s->d[c->dir];
    uint8_t *buf = c->dir == DIR_TOSERVER ? c->s->buf_c : c->s->buf_s;
    uint8_t *map = c->dir == DIR_TOSERVER ? c->s->map_c : c->s->map_s;
    size_t cap = c->dir == DIR_TOSERVER ? QUIC_CH_MAX : QUIC_SH_MAX;

    if (d->stopped || d->complete || n == 0)
        return;
    if (off >= cap || n > cap - off) {
        c->overflow = 1;
        if (off >= cap)
            return;
        n = cap - (size_t)off;              /* keep what fits */
    }
    d->any = 1;
    memcpy(buf + off, p, n);
    for (size_t i = (size_t)off; i < (size_t)off + n; i++)
        map[i >> 3] |= (uint8_t)(1u << (i & 7));
    while (d->have < cap && (map[d->have >> 3] & (1u << (d->have & 7))))
        d->have++;
}

/* the direction's message is whole: parse it into the pending event */
static void hello_done(struct quic_state *s, int dir, const struct app_sink *sink)
{
    struct quic_dir *d = &s->d[dir];
    const uint8_t *buf = dir == DIR_TOSERVER ? s->buf_c : s->buf_s;
    struct ev_tls *t = &s->ev.u.tls;
    int rc;

    d->complete = 1;
    if (dir == DIR_TOSERVER) {
        rc = tls_parse_client_hello(buf + 4, d->need - 4, &s->ev);
        sink->stats->quic_clienthellos++;
        if (t->ja4[0])
            t->ja4[0] = 'q';                /* FoxIO JA4.md: QUIC is "q" */
    } else {
        rc = tls_parse_server_hello(buf + 4, d->need - 4, &s->ev);
        sink->stats->quic_serverhellos++;
        if (t->ja4s[0])
            t->ja4s[0] = 'q';
    }
    if (rc < 0)
        sink->stats->quic_malformed++;
}

/* check a direction after new CRYPTO bytes */
static void progress(struct quic_state *s, int dir, const struct app_sink *sink)
{
    struct quic_dir *d = &s->d[dir];
    const uint8_t *buf = dir == DIR_TOSERVER ? s->buf_c : s->buf_s;
    size_t cap = dir == DIR_TOSERVER ? QUIC_CH_MAX : QUIC_SH_MAX;

    if (d->complete || d->stopped || d->have < 4)
        return;
    if (!d->need) {
        uint32_t mlen = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
        if (buf[0] != (dir == DIR_TOSERVER ? 1 : 2)) {
            d->stopped = 1;                  /* not a ClientHello/ServerHello */
            sink->stats->quic_malformed++;
            return;
        }
        if (mlen > cap - 4) {
            d->stopped = 1;
            sink->stats->quic_reassembly_overflow++;
            return;
        }
        d->need = 4 + mlen;
    }
    if (d->have >= d->need)
        hello_done(s, dir, sink);
}

/* One Initial packet of dir.  Returns 1 when it was decrypted. */
static int initial(struct quic_state *s, int dir, const uint8_t *p,
                   const struct quic_long *h, const struct app_sink *sink)
{
    uint8_t plain[QUIC_PKT_MAX];
    struct quic_keys k2;
    uint64_t pn;
    long n = -1;
    struct quic_dir *d = &s->d[dir];

    if (dir == DIR_TOSERVER) {
        if (!s->have_keys || (s->retry && (h->dcid_len != s->dcid_len ||
                                           memcmp(h->dcid, s->dcid, s->dcid_len)))) {
            /* first Initial, or the first after a Retry: keys from its DCID */
            s->retry = 0;
            if (quic_initial_keys(h->version, h->dcid, h->dcid_len, 0, &s->ck) < 0 ||
                quic_initial_keys(h->version, h->dcid, h->dcid_len, 1, &s->sk) < 0)
                return 0;
            s->have_keys = 1;
            s->version = s->server_version = h->version;
            s->dcid_len = h->dcid_len;
            memcpy(s->dcid, h->dcid, h->dcid_len);
        }
        n = quic_decrypt(p, h, &s->ck, d->largest_pn, plain, sizeof(plain), &pn);
        if (n < 0 && (h->dcid_len != s->dcid_len || memcmp(h->dcid, s->dcid, s->dcid_len)) &&
            quic_initial_keys(h->version, h->dcid, h->dcid_len, 0, &k2) == 0) {
            /* the connection's first Initial was not seen: its own DCID */
            n = quic_decrypt(p, h, &k2, d->largest_pn, plain, sizeof(plain), &pn);
            if (n >= 0) {
                s->ck = k2;
                quic_initial_keys(h->version, h->dcid, h->dcid_len, 1, &s->sk);
                s->version = s->server_version = h->version;
                s->dcid_len = h->dcid_len;
                memcpy(s->dcid, h->dcid, h->dcid_len);
            }
        }
    } else {
        if (!s->have_keys)
            return 0;
        if (h->version != s->server_version) {
            if (quic_initial_keys(h->version, s->dcid, s->dcid_len, 1, &s->sk) < 0)
                return 0;
            s->server_version = h->version;
        }
        n = quic_decrypt(p, h, &s->sk, d->largest_pn, plain, sizeof(plain), &pn);
    }
    if (n < 0) {
        sink->stats->quic_decrypt_failed++;
        if (dir == DIR_TOSERVER)
            s->fails++;
        return 0;
    }
    sink->stats->quic_initials++;
    s->opened = 1;
    if ((int64_t)pn > d->largest_pn)
        d->largest_pn = (int64_t)pn;

    struct crypto_ctx c = { s, dir, 0 };
    int rc = quic_frames(plain, (size_t)n, crypto_in, &c);
    if (rc < 0)
        sink->stats->quic_malformed++;
    if (c.overflow && !d->stopped) {
        sink->stats->quic_reassembly_overflow++;
        d->stopped = 1;
    }
    progress(s, dir, sink);
    return 1;
}

/* Nothing decoded: nDPI's name when it gave one, else silence; the state
 * goes back either way. */
static void give_up(struct quic_state *s, uint64_t ts_us, const struct app_sink *sink)
{
    if (s->has_fallback) {
        ev_reset(&s->ev, EV_TLS);
        s->ev.u.tls.sni = ev_puts(&s->ev, s->fallback, TLS_SNI_MAX);
        sink->stats->quic_ndpi_sni++;
        emit(s, DIR_TOSERVER, ts_us, sink);
        return;
    }
    s->done = 1;
}

void quic_feed(struct quic_state *s, int dir, const uint8_t *p, size_t len,
               uint64_t ts_us, const struct app_sink *sink)
{
    struct quic_long h;
    size_t off = 0;
    int opened = 0;

    if (s->done || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    while (off < len) {
        if (!(p[off] & 0x80)) {             /* short header: the rest is 1-RTT */
            if (dir == DIR_TOSERVER && off == 0 && s->have_keys)
                s->short_seen = 1;
            break;
        }
        if (quic_parse_long(p + off, len - off, &h) < 0) {
            sink->stats->quic_malformed++;
            break;
        }
        if (h.type < 0)
            break;                          /* another version: not ours */
        if (h.type == QPT_INITIAL)
            opened |= initial(s, dir, p + off, &h, sink);
        else if (h.type == QPT_RETRY && dir == DIR_TOCLIENT)
            s->retry = 1;
        off += h.pkt_len;
    }

    /* the server's datagrams without an Initial we could open count
     * towards giving up on its ServerHello (ACK-only Initials do not: a
     * server may acknowledge several times before its ServerHello) */
    struct quic_dir *c = &s->d[DIR_TOSERVER], *sv = &s->d[DIR_TOCLIENT];
    if (c->complete && dir == DIR_TOCLIENT && !sv->complete && !opened)
        s->server_dgrams++;
    if (c->complete && dir == DIR_TOSERVER && !sv->complete)
        s->client_dgrams++;
    if (c->complete && sv->complete)
        emit(s, dir, ts_us, sink);
    else if (c->complete &&
             (s->server_dgrams >= QUIC_SERVER_WAIT || s->short_seen || sv->stopped ||
              s->client_dgrams > QUIC_CLIENT_WAIT))
        emit(s, dir, ts_us, sink);
    else if (!c->any && !sv->any &&
             (s->fails >= QUIC_GIVE_UP || (s->fails && !s->opened)))
        give_up(s, ts_us, sink);
}

void quic_close(struct quic_state *s, uint64_t ts_us, const struct app_sink *sink)
{
    if (s->done)
        return;
    if (s->d[0].complete || s->d[1].complete) {
        emit(s, DIR_TOSERVER, ts_us, sink);
        return;
    }
    /* nothing decoded (or an incomplete ClientHello): nDPI's name */
    give_up(s, ts_us, sink);
}

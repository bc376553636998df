/*
 * fuzz_quic.c -- libFuzzer harness for capture/quic.c.
 *
 * Input: one mode byte, then
 *   mode % 3 == 0  one datagram: quic_probe(), quic_parse_long() and, when
 *                  it parses, quic_decrypt() under both sides' keys of its
 *                  own DCID; quic_frames() on whatever opens
 *   mode % 3 == 1  decrypted Initial frames for quic_frames()
 *   mode % 3 == 2  a connection: chunks of [ctl][len_hi][len_lo][len bytes]
 *                  (a short last chunk takes what is left) fed to
 *                  quic_feed(), then quic_close().  ctl bit 0: direction;
 *                  bit 1: the chunk is the plaintext frames of an Initial
 *                  the harness protects (RFC 9001 5.3, 5.4) under the keys
 *                  of a fixed client DCID, so that the fuzzer reaches
 *                  CRYPTO reassembly and the hello parsers; bit 2 with
 *                  bit 1: version 2 instead of 1; bits 3-4: coalesce the
 *                  chunk after a copy of the previous datagram.
 * Invariants (__builtin_trap on violation): a frame's CRYPTO data lies in
 * the input; every string of the event lies inside the arena,
 * NUL-terminated, without NUL; the JA4 is empty or 36 characters starting
 * with 'q'; the hashes are empty or 32 hex digits; a connection emits at
 * most one event, EV_TLS with quic = 1, and quic_events agrees; the state
 * is malloc'ed per input so that ASan sees its bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/gcm.h>

#include "capture/quic.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const uint8_t *g_lo, *g_hi;

static void on_crypto(void *ctx, uint64_t off, const uint8_t *p, size_t len)
{
    (void)ctx;
    (void)off;
    if (p < g_lo || p + len > g_hi || p + len < p)
        __builtin_trap();
}

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if (s.len == 0)
        return;
    if (s.off == 0 || (size_t)s.off + s.len >= ev->arena_len)
        __builtin_trap();
    if (ev->arena[s.off + s.len] != '\0' || memchr(ev->arena + s.off, '\0', s.len))
        __builtin_trap();
}

static void check_hash(const char *h)
{
    size_t n = strnlen(h, 33);
    if (n != 0 && n != 32)
        __builtin_trap();
}

static int emitted;

static void on_emit(void *ctx, int dir, struct sh_event *ev)
{
    (void)ctx;
    const struct ev_tls *t = &ev->u.tls;
    if (++emitted > 1 || ev->type != EV_TLS || !t->quic || (dir != 0 && dir != 1))
        __builtin_trap();
    if (ev->arena_len > EV_ARENA_SIZE)
        __builtin_trap();
    check_str(ev, t->sni);
    check_str(ev, t->alpn);
    check_str(ev, t->alpn_server);
    check_str(ev, t->ja3);
    check_str(ev, t->ja3s);
    check_hash(t->ja3_hash);
    check_hash(t->ja3s_hash);
    size_t j = strnlen(t->ja4, sizeof t->ja4);
    if (j != 0 && (j != 36 || t->ja4[0] != 'q'))
        __builtin_trap();
    if (t->sni.len > 255)
        __builtin_trap();
}

static const uint8_t dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

/* an Initial of version v from side `server` around frames f (fl bytes) */
static size_t protect(uint32_t v, int server, uint64_t pn, const uint8_t *f,
                      size_t fl, uint8_t *out, size_t cap)
{
    struct quic_keys k;
    struct gcm_aes128_ctx g;
    struct aes128_ctx a;
    uint8_t nonce[12], mask[16], pt[1400];
    size_t h = 0;

    if (fl > sizeof pt)
        return 0;
    memset(pt, 0, sizeof pt);        /* PADDING after the fuzzer's frames */
    memcpy(pt, f, fl);
    if (fl < 16)
        fl = 16;                     /* room for the header protection sample */
    if (cap < fl + 64)
        return 0;
    out[h++] = (uint8_t)((v == QUIC_V2 ? 0xd0 : 0xc0) | 3);
    out[h++] = (uint8_t)(v >> 24);
    out[h++] = (uint8_t)(v >> 16);
    out[h++] = (uint8_t)(v >> 8);
    out[h++] = (uint8_t)v;
    out[h++] = server ? 0 : 8;
    if (!server) {
        memcpy(out + h, dcid, 8);
        h += 8;
    }
    out[h++] = server ? 8 : 0;
    if (server) {
        memcpy(out + h, dcid, 8);
        h += 8;
    }
    if (!server)
        out[h++] = 0;                /* token length */
    size_t len = 4 + fl + 16;
    out[h++] = (uint8_t)(0x40 | len >> 8);
    out[h++] = (uint8_t)len;
    size_t pn_off = h;
    for (int i = 3; i >= 0; i--)
        out[h++] = (uint8_t)(pn >> (8 * i));
    quic_initial_keys(v, dcid, 8, server, &k);
    memcpy(nonce, k.iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    gcm_aes128_set_key(&g, k.key);
    gcm_aes128_set_iv(&g, 12, nonce);
    gcm_aes128_update(&g, h, out);
    gcm_aes128_encrypt(&g, fl, out + h, pt);
    gcm_aes128_digest(&g, 16, out + h + fl);
    aes128_set_encrypt_key(&a, k.hp);
    aes128_encrypt(&a, 16, mask, out + pn_off + 4);
    out[0] ^= mask[0] & 0x0f;
    for (int i = 0; i < 4; i++)
        out[pn_off + i] ^= mask[1 + i];
    return h + fl + 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    int mode = d[0] % 3;
    d++;
    n--;
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return 0;
    memcpy(p, d, n);
    g_lo = p;
    g_hi = p + n;

    if (mode == 0) {
        struct quic_long h;
        struct quic_keys k;
        static uint8_t out[QUIC_PKT_MAX];
        uint64_t pn;
        (void)quic_probe(p, n);
        if (quic_parse_long(p, n, &h) == 0) {
            if (h.pkt_len > n || h.dcid_len > QUIC_CID_MAX || h.scid_len > QUIC_CID_MAX)
                __builtin_trap();
            for (int side = 0; side < 2; side++)
                if (h.type == QPT_INITIAL &&
                    quic_initial_keys(h.version, h.dcid, h.dcid_len, side, &k) == 0) {
                    long m = quic_decrypt(p, &h, &k, -1, out, sizeof out, &pn);
                    if (m > (long)n)
                        __builtin_trap();
                    if (m > 0) {
                        g_lo = out;
                        g_hi = out + m;
                        (void)quic_frames(out, (size_t)m, on_crypto, NULL);
                    }
                }
        }
    } else if (mode == 1) {
        (void)quic_frames(p, n, on_crypto, NULL);
    } else {
        struct app_stats st;
        memset(&st, 0, sizeof st);
        struct app_sink sink = { on_emit, NULL, &st };
        struct quic_state *s = malloc(quic_state_size());
        static uint8_t dg[4096], prev[4096];
        size_t prev_n = 0;
        uint64_t pns[2] = { 0, 0 };
        emitted = 0;
        quic_init(s);
        size_t i = 0;
        uint64_t ts = 1;
        while (i < n) {
            uint8_t ctl = p[i++];
            size_t len = n - i;
            if (len >= 2) {
                size_t want = (size_t)p[i] << 8 | p[i + 1];
                i += 2;
                len = want < n - i ? want : n - i;
            } else {
                i = n;
                len = 0;
            }
            const uint8_t *c = p + i;
            i += len;
            int dir = ctl & 1;
            size_t dn;
            if (ctl & 2) {
                uint32_t v = (ctl & 4) ? QUIC_V2 : QUIC_V1;
                size_t off = 0;
                if ((ctl & 0x18) && prev_n && prev_n < sizeof dg / 2) {
                    memcpy(dg, prev, prev_n);
                    off = prev_n;
                }
                dn = protect(v, dir, pns[dir]++, c, len, dg + off, sizeof dg - off);
                if (!dn)
                    continue;
                dn += off;
                quic_feed(s, dir, dg, dn, ts++, &sink);
                memcpy(prev, dg, dn);
                prev_n = dn;
            } else {
                uint8_t *raw = malloc(len ? len : 1);   /* exact bounds */
                memcpy(raw, c, len);
                quic_feed(s, dir, raw, len, ts++, &sink);
                free(raw);
            }
        }
        quic_close(s, ts, &sink);
        if (st.quic_events != (uint64_t)emitted || !quic_done(s))
            __builtin_trap();
        free(s);
    }
    free(p);
    return 0;
}

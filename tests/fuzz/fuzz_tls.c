/*
 * fuzz_tls.c -- libFuzzer harness for capture/tls.c.
 *
 * Input: one mode byte, then
 *   mode % 3 == 0  a ClientHello body for tls_parse_client_hello()
 *   mode % 3 == 1  a ServerHello body for tls_parse_server_hello()
 *   mode % 3 == 2  a stream: chunks of [ctl][len_hi][len_lo][len bytes]
 *                  (ctl bit 0: direction, bit 1: tls_gap() on that
 *                  direction before the chunk; a short last chunk takes
 *                  what is left), fed to tls_feed() and ended with
 *                  tls_close(); tls_probe() is run on every chunk.
 * Invariants (__builtin_trap on violation): every string of the event
 * lies inside the arena, is NUL-terminated and holds no NUL; hashes are
 * empty or 32 lowercase hex digits; a JA3 text implies its hash; the
 * JA4 is empty or 36 characters of its shape (t, version, d/i, two
 * 2-digit counts, two alphanumeric ALPN characters, _, 12 hex, _,
 * 12 hex) and
 * implies a JA3 hash; the JA4S is empty or 25 characters of its shape
 * and implies a JA3S hash; the JA4X is empty or 38 characters (3 x 12
 * hex joined by '_') and implies has_cert; the
 * fingerprint is absent or 59 characters, the SHA-256 one absent or 64; the SNI is at most 255 bytes;
 * a connection emits at most one event, of type EV_TLS, for direction 0
 * or 1, and the counters agree with what was emitted.
 * The stream state is malloc'ed per input so that ASan sees its bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if (s.len == 0)
        return;
    if (s.off == 0 || (size_t)s.off + s.len >= ev->arena_len)
        __builtin_trap();
    if (ev->arena[s.off + s.len] != '\0')
        __builtin_trap();
    if (memchr(ev->arena + s.off, '\0', s.len) != NULL)
        __builtin_trap();
}

static void check_hash(const char *h)
{
    size_t n = strnlen(h, 33);
    if (n != 0 && n != 32)
        __builtin_trap();
    for (size_t i = 0; i < n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            __builtin_trap();
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_ja4(const struct ev_tls *t)
{
    const char *j = t->ja4;
    size_t n = strnlen(j, sizeof t->ja4);

    if (n == 0)
        return;
    if (n != TLS_JA4_LEN || !t->ja3_hash[0])
        __builtin_trap();
    if (j[0] != 't' || (j[3] != 'd' && j[3] != 'i') || j[10] != '_' ||
        j[23] != '_')
        __builtin_trap();
    for (int i = 4; i < 8; i++)
        if (j[i] < '0' || j[i] > '9')
            __builtin_trap();
    for (int i = 8; i < 10; i++)    /* ALPN: characters or hex digits */
        if (!is_hex(j[i]) && !(j[i] >= 'A' && j[i] <= 'Z') &&
            !(j[i] >= 'g' && j[i] <= 'z'))
            __builtin_trap();
    for (int i = 11; i < 36; i++)
        if (i != 23 && !is_hex(j[i]))
            __builtin_trap();
}

/* JA4S: empty, or "tVVNNAA_CCCC_hhhhhhhhhhhh" (TLS_JA4S_LEN) with a JA3S:
 * both come from the same whole extensions block */
static void check_ja4s(const struct ev_tls *t)
{
    const char *j = t->ja4s;
    size_t n = strnlen(j, sizeof t->ja4s);

    if (n == 0)
        return;
    if (n != TLS_JA4S_LEN || !t->ja3s_hash[0] || !t->has_server_hello)
        __builtin_trap();
    if (j[0] != 't' || j[7] != '_' || j[12] != '_')
        __builtin_trap();
    for (int i = 3; i < 5; i++)
        if (j[i] < '0' || j[i] > '9')
            __builtin_trap();
    for (int i = 5; i < 7; i++)     /* ALPN: characters or hex digits */
        if (!is_hex(j[i]) && !(j[i] >= 'A' && j[i] <= 'Z') &&
            !(j[i] >= 'g' && j[i] <= 'z'))
            __builtin_trap();
    for (int i = 8; i < TLS_JA4S_LEN; i++)
        if (i != 12 && !is_hex(j[i]))
            __builtin_trap();
}

/* JA4X: empty, or three 12-hex parts joined by '_', only with a cert */
static void check_ja4x(const struct ev_tls *t)
{
    const char *j = t->ja4x;
    size_t n = strnlen(j, sizeof t->ja4x);

    if (n == 0)
        return;
    if (n != 38 || !t->has_cert)
        __builtin_trap();
    for (size_t i = 0; i < 38; i++)
        if (i == 12 || i == 25 ? j[i] != '_' : !is_hex(j[i]))
            __builtin_trap();
}

static void check_event(const struct sh_event *ev)
{
    const struct ev_tls *t = &ev->u.tls;

    if (ev->arena_len < 1 || ev->arena_len > EV_ARENA_SIZE || ev->arena[0])
        __builtin_trap();
    check_str(ev, t->sni);
    check_str(ev, t->alpn);
    check_str(ev, t->alpn_server);
    check_str(ev, t->ja3);
    check_str(ev, t->ja3s);
    check_str(ev, t->subject);
    check_str(ev, t->issuer);
    check_str(ev, t->serial);
    check_str(ev, t->fingerprint);
    check_str(ev, t->san);
    check_hash(t->ja3_hash);
    check_hash(t->ja3s_hash);
    check_ja4(t);
    check_ja4s(t);
    check_ja4x(t);
    check_str(ev, t->fingerprint_sha256);
    if (t->fingerprint_sha256.len != 0 && t->fingerprint_sha256.len != 64)
        __builtin_trap();
    if (t->ja3.len && strlen(t->ja3_hash) != 32)
        __builtin_trap();
    if (t->ja3s.len && strlen(t->ja3s_hash) != 32)
        __builtin_trap();
    if (t->fingerprint.len != 0 && t->fingerprint.len != 59)
        __builtin_trap();
    if (t->sni.len > TLS_SNI_MAX || t->ja3.len > TLS_JA3_MAX ||
        t->alpn.len > TLS_ALPN_MAX)
        __builtin_trap();
    if (t->fingerprint.len && !t->has_cert)
        __builtin_trap();
}

static int g_emitted;

static void on_emit(void *ctx, int dir, struct sh_event *ev)
{
    (void)ctx;
    if (dir != DIR_TOSERVER && dir != DIR_TOCLIENT)
        __builtin_trap();
    if (ev->type != EV_TLS)
        __builtin_trap();
    check_event(ev);
    g_emitted++;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct sh_event ev;
    struct app_stats stats;
    struct app_sink sink = { on_emit, NULL, &stats };

    if (n < 1)
        return 0;
    uint8_t mode = d[0];
    d++;
    n--;

    if (mode % 3 == 0) {
        ev_reset(&ev, EV_TLS);
        int r = tls_parse_client_hello(d, n, &ev);
        if (r < 0 && !(ev.flags & EVF_MALFORMED))
            __builtin_trap();
        if (!ev.u.tls.has_client_hello)
            __builtin_trap();
        check_event(&ev);
        return 0;
    }
    if (mode % 3 == 1) {
        ev_reset(&ev, EV_TLS);
        int r = tls_parse_server_hello(d, n, &ev);
        if (r < 0 && !(ev.flags & EVF_MALFORMED))
            __builtin_trap();
        check_event(&ev);
        (void)tls_is_hello_retry(d, n);
        return 0;
    }

    struct tls_state *s = malloc(tls_state_size());
    if (!s)
        return 0;
    memset(&stats, 0, sizeof stats);
    tls_init(s);
    g_emitted = 0;
    while (n > 0) {
        uint8_t ctl = d[0];
        size_t len = 0;
        if (n >= 3)
            len = ((size_t)d[1] << 8) | d[2];
        size_t hdr = n >= 3 ? 3 : n;
        d += hdr;
        n -= hdr;
        if (len > n)
            len = n;
        int dir = ctl & 1;
        if (ctl & 2)
            tls_gap(s, dir);
        (void)tls_probe(d, len);
        tls_feed(s, dir, d, len, 1000 + n, &sink);
        d += len;
        n -= len;
        if (g_emitted > 1)
            __builtin_trap();
    }
    tls_close(s, 1, &sink);
    tls_close(s, 2, &sink);
    if (g_emitted > 1 || stats.tls_handshakes != (uint64_t)g_emitted)
        __builtin_trap();
    if (stats.tls_gaps > 2)
        __builtin_trap();
    free(s);
    return 0;
}

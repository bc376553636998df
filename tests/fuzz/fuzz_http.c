/*
 * fuzz_http.c -- libFuzzer harness for capture/http.c.
 *
 * Input: a byte stream cut into chunks by the control byte 0xFF.  The
 * byte after each 0xFF is an op: bit 0 = direction of the next chunk
 * (0 client, 1 server), bit 1 = call http_gap(dir) before feeding it.
 * The first chunk (before any 0xFF) goes to the client; if the input
 * starts with 0xFE, that byte is dropped and the state starts with
 * http_init_midstream().  The time of chunk i is i.  After the last
 * chunk: http_close().
 *
 * The conversation is run twice on fresh states: whole chunks, then each
 * chunk cut into small pieces of varying size.  Invariants (trap on
 * violation):
 *  - every event: EV_HTTP, arena_len within bounds, arena[0] == NUL, each
 *    string inside the arena, NUL-terminated, without inner NUL; no
 *    response fields without a response; status 0 or 100..599;
 *  - tx_id consecutive from 0, ts_us non-decreasing (request order);
 *  - stats.http_tx == events emitted;
 *  - both runs give the same events (bytewise), dirs and counters:
 *    the parser does not depend on how the stream is split.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/http.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct run {
    uint64_t hash;
    uint64_t nev;
    uint64_t last_ts;
    uint8_t  next_tx;
    struct app_stats st;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if (s.len == 0) {
        CHECK(s.off == 0);
        return;
    }
    CHECK(s.off >= 1);
    CHECK((size_t)s.off + s.len < ev->arena_len);
    CHECK(ev->arena[s.off + s.len] == '\0');
    CHECK(strlen(ev->arena + s.off) == s.len);
}

static void on_event(void *ctx, int dir, struct sh_event *ev)
{
    struct run *r = ctx;
    const struct ev_http *h = &ev->u.http;

    CHECK(dir == DIR_TOSERVER || dir == DIR_TOCLIENT);
    CHECK(ev->type == EV_HTTP);
    CHECK(ev->arena_len >= 1 && ev->arena_len <= EV_ARENA_SIZE);
    CHECK(ev->arena[0] == '\0');
    CHECK((ev->flags & ~(EVF_TRUNCATED | EVF_MALFORMED | EVF_GAP)) == 0);
    check_str(ev, h->method);
    check_str(ev, h->uri);
    check_str(ev, h->protocol);
    check_str(ev, h->host);
    check_str(ev, h->user_agent);
    check_str(ev, h->referer);
    check_str(ev, h->content_type);
    check_str(ev, h->resp_content_type);
    check_str(ev, h->location);
    check_str(ev, h->server);
    CHECK(h->method.len > 0 && h->method.len <= HTTP_METHOD_MAX);
    CHECK(h->uri.len > 0 || (ev->flags & EVF_TRUNCATED));
    CHECK(h->protocol.len == 8);
    CHECK(h->user_agent.len <= HTTP_UA_MAX);
    CHECK(h->uri.len <= HTTP_URI_MAX);
    if (h->has_response) {
        CHECK(h->status >= 100 && h->status <= 599);
    } else {
        CHECK(h->status == 0 && h->response_body_len == 0);
        CHECK(h->resp_content_type.len == 0 && h->location.len == 0 &&
              h->server.len == 0);
    }
    CHECK(h->tx_id == r->next_tx);
    r->next_tx++;
    CHECK(ev->ts_us >= r->last_ts);
    r->last_ts = ev->ts_us;
    r->hash = fnv(r->hash, &dir, sizeof(dir));
    /* the event up to the used part of the arena (the rest is zero) */
    r->hash = fnv(r->hash, ev, offsetof(struct sh_event, arena) +
                                   ev->arena_len);
    r->nev++;
}

/* Fixed-size, suitably aligned storage for the state (no malloc). */
static union {
    uint64_t align;
    unsigned char b[32 * 1024];
} g_mem;

static void run(const uint8_t *d, size_t n, int pieces, struct run *r)
{
    struct http_state *s = (struct http_state *)(void *)g_mem.b;
    struct app_sink sink = { on_event, r, &r->st };
    size_t i = 0;
    int dir = DIR_TOSERVER, gap = 0;
    uint64_t ts = 0;
    unsigned rot = 0;

    memset(r, 0, sizeof(*r));
    r->hash = 1469598103934665603ull;
    CHECK(http_state_size() <= sizeof(g_mem.b));
    if (n && d[0] == 0xFE) {
        http_init_midstream(s);
        i = 1;
    } else {
        http_init(s);
    }
    for (;;) {
        size_t e = i;
        while (e < n && d[e] != 0xFF)
            e++;
        if (gap)
            http_gap(s, dir);
        if (!pieces) {
            http_feed(s, dir, d + i, e - i, ts, &sink);
        } else {
            size_t k = i;
            do {
                static const size_t step[] = { 1, 2, 3, 7, 1, 13, 64, 5 };
                size_t m = step[rot++ % 8];
                if (m > e - k)
                    m = e - k;
                http_feed(s, dir, d + k, m, ts, &sink);
                k += m;
            } while (k < e);
        }
        ts++;
        if (e >= n)
            break;
        /* e is a 0xFF; the op byte follows (absent: end) */
        if (n - e < 2)
            break;
        dir = d[e + 1] & 1;
        gap = (d[e + 1] >> 1) & 1;
        i = e + 2;
    }
    http_close(s, ts, &sink);
    CHECK(r->st.http_tx == r->nev);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct run a, b;

    run(d, n, 0, &a);
    run(d, n, 1, &b);
    CHECK(a.nev == b.nev);
    CHECK(a.hash == b.hash);
    CHECK(a.st.http_malformed == b.st.http_malformed);
    CHECK(a.st.http_gaps == b.st.http_gaps);
    (void)http_probe(d, n);
    return 0;
}

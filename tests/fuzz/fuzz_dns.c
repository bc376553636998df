/*
 * fuzz_dns.c -- libFuzzer harness for capture/dns.c.
 *
 * The input is used three ways:
 *  1. dns_parse() on the whole input as one UDP payload: the event must be
 *     sane (check_event) and the header / pairing fields untouched; on -1
 *     the event must be untouched entirely.
 *  2. The input as one direction of a DNS-over-TCP stream, fed once in one
 *     call and once in chunks whose sizes come from the input's first
 *     octets: both must give the same events (split invariance).
 *  3. The same chunks spread over both directions with gaps, for the
 *     state machine's corners.
 * Any violated invariant is a __builtin_trap().
 *
 * Build: clang -std=c11 -D_DEFAULT_SOURCE -g -O1
 *        -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_dns.c
 *        capture/dns.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void check_str(const struct sh_event *ev, struct ev_str s, size_t cap)
{
    if (s.off == 0 && s.len == 0)
        return;
    CHECK(s.off >= 1);
    CHECK(s.off < ev->arena_len);
    CHECK(s.len < ev->arena_len - s.off);
    CHECK(s.len <= cap);
    CHECK(ev->arena[s.off + s.len] == '\0');
    CHECK(memchr(ev->arena + s.off, '\0', s.len) == NULL);
}

static void check_event(const struct sh_event *ev)
{
    const struct ev_dns *q = &ev->u.dns;

    CHECK(ev->type == EV_DNS);
    CHECK(ev->arena_len >= 1 && ev->arena_len <= EV_ARENA_SIZE);
    CHECK(ev->arena[0] == '\0');
    CHECK(q->nq <= EV_DNS_MAX_Q && q->nq <= q->qdcount);
    CHECK(q->nan <= EV_DNS_MAX_AN && q->nan <= q->ancount);
    CHECK(q->qr == (q->flags >> 15));
    CHECK(q->rcode == (q->flags & 0xF));
    for (unsigned i = 0; i < q->nq; i++)
        check_str(ev, q->q[i].name, DNS_NAME_MAX);
    for (unsigned i = 0; i < q->nan; i++) {
        check_str(ev, q->an[i].name, DNS_NAME_MAX);
        check_str(ev, q->an[i].data,
                  q->an[i].type == 16 || q->an[i].type == 99 ? DNS_TXT_MAX
                                                              : DNS_NAME_MAX);
        if (q->an[i].type == 16 || q->an[i].type == 99)
            CHECK(q->an[i].data.len < q->an[i].rdlen ||
                  q->an[i].data.len == 0);
        if (q->an[i].type != 15)
            CHECK(q->an[i].mx_pref == 0);
        const char *tn = dns_type_name(q->an[i].type);
        CHECK(tn == NULL || tn[0] != '\0');
    }
    const char *rn = dns_rcode_name(q->rcode);
    CHECK(rn != NULL || q->rcode >= 12);
    int bad = (q->anomalies & ~(DNSA_COUNTS_CAPPED | DNSA_TC)) != 0;
    CHECK(!!(ev->flags & EVF_MALFORMED) == bad);
    CHECK(!!(q->anomalies & DNSA_TC) == !!(q->flags & DNS_FLAG_TC));
}

/* A digest of what an event says (not its time), to compare runs. */
static uint64_t digest(const struct sh_event *ev)
{
    uint64_t h = 1469598103934665603ull;
    const uint8_t *b = (const uint8_t *)&ev->u.dns;

    for (size_t i = 0; i < sizeof ev->u.dns; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    for (size_t i = 0; i < ev->arena_len; i++)
        h = (h ^ (uint8_t)ev->arena[i]) * 1099511628211ull;
    return (h ^ ev->flags) * 1099511628211ull;
}

struct run {
    uint64_t ts;       /* ts_us of the current feed                 */
    uint64_t h;        /* digests of the events, in order           */
    size_t   n;        /* events                                    */
};

static void emit(void *ctx, int dir, struct sh_event *ev)
{
    struct run *r = ctx;

    CHECK(dir == DIR_TOSERVER || dir == DIR_TOCLIENT);
    check_event(ev);
    CHECK(ev->u.dns.tcp == 1);
    CHECK(ev->proto == 6);
    CHECK(ev->ts_us == r->ts);
    CHECK(ev->u.dns.msg_len >= DNS_HDR_LEN &&
          ev->u.dns.msg_len <= DNS_TCP_MAX_MSG);
    r->h = (r->h * 31) ^ digest(ev);
    r->n++;
}

static struct sh_event EV, SNAP;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct dns_tcp_state *s;
    struct app_stats st1, st2, st3;
    struct run r1 = {0, 0, 0}, r2 = {0, 0, 0}, r3 = {0, 0, 0};
    struct app_sink k1 = { emit, &r1, &st1 };
    struct app_sink k2 = { emit, &r2, &st2 };
    struct app_sink k3 = { emit, &r3, &st3 };

    if (s == NULL) {
        s = malloc(dns_tcp_state_size());
        if (s == NULL)
            return 0;
    }

    /* 1. UDP */
    ev_reset(&EV, EV_NONE);
    EV.ts_us = 0x1122334455667788ull;
    EV.flow_id = 99;
    EV.sport = 53;
    EV.u.dns.paired = 1;
    EV.u.dns.rtt_us = 1234;
    EV.arena_len = 7;               /* stale, must be reset on success */
    SNAP = EV;
    if (dns_parse(d, n, 0, &EV) == 0) {
        check_event(&EV);
        CHECK(EV.ts_us == 0x1122334455667788ull && EV.flow_id == 99);
        CHECK(EV.sport == 53);
        CHECK(EV.u.dns.paired == 1 && EV.u.dns.rtt_us == 1234);
        CHECK(EV.u.dns.tcp == 0);
        CHECK(EV.u.dns.msg_len == n);
        CHECK(n >= DNS_HDR_LEN);
    } else {
        CHECK(memcmp(&EV, &SNAP, sizeof EV) == 0);
    }

    /* 2. TCP, one direction: one feed vs chunks of sizes from the input */
    size_t nsz = n ? (d[0] & 15u) : 0;
    if (nsz + 1 > n)
        nsz = 0;
    const uint8_t *sz = d + (n ? 1 : 0);
    const uint8_t *stream = n ? d + 1 + nsz : d;
    size_t slen = n ? n - 1 - nsz : 0;

    memset(&st1, 0, sizeof st1);
    memset(&st2, 0, sizeof st2);
    memset(&st3, 0, sizeof st3);
    dns_tcp_init(s);
    r1.ts = 1;
    dns_tcp_feed(s, DIR_TOSERVER, stream, slen, r1.ts, &k1);

    int allzero = 1;
    for (size_t i = 0; i < nsz; i++)
        allzero &= sz[i] == 0;
    dns_tcp_init(s);
    r2.ts = 1;
    for (size_t off = 0, i = 0; off < slen; i++) {
        size_t c = nsz == 0 ? 7 : allzero ? 1 : sz[i % nsz]; /* 0: empty feed */
        if (c > slen - off)
            c = slen - off;
        dns_tcp_feed(s, DIR_TOSERVER, stream + off, c, r2.ts, &k2);
        off += c;
    }
    CHECK(r1.n == r2.n && r1.h == r2.h);
    CHECK(memcmp(&st1, &st2, sizeof st1) == 0);

    /* 3. both directions, gaps on size octets >= 0xF0 */
    dns_tcp_init(s);
    for (size_t off = 0, i = 0; off < slen && i < 4 * slen + 16; i++) {
        uint8_t c8 = nsz ? sz[i % nsz] : 5;
        int dir = c8 & 1;
        size_t c = c8 >> 1;
        if (c8 >= 0xF0)
            dns_tcp_gap(s, dir);
        if (c > slen - off)
            c = slen - off;
        r3.ts = i;
        dns_tcp_feed(s, dir, stream + off, c, r3.ts, &k3);
        off += c;
    }
    CHECK(st3.dns_parsed >= r3.n);
    return 0;
}

/*
 * test_flowrec.c -- the pipeline's flow records: application bursts per
 * direction (times and sizes chosen here, so the expected bursts are known
 * by construction), update records of live flows (interval and full
 * rings), and the outcome of connection attempts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "framebuf.h"

#include "../../capture/pipeline.h"
#include "../../config/config.h"

#define S 1000000ULL
#define MAXREC 64


#define CLIENT 0x0a000005u   /* 10.0.0.5     */
#define SERVER 0xcb007109u   /* 203.0.113.9  */

static const uint8_t *g_forged_src;     /* when set: the frame's source MAC */

/* One frame from the client (toserver) or the server, proto 17 or 6. */
static void frame(struct fb *f, int toserver, uint8_t proto, uint8_t tcp_flags, size_t payload)
{
    static const uint8_t cm[6] = { 2, 0, 0, 0, 0, 5 }, sm[6] = { 2, 0, 0, 0, 0, 1 };
    size_t l4 = proto == 17 ? 8 : 20;
    memset(f, 0, sizeof(*f));
    put(f, toserver ? sm : cm, 6);
    put(f, g_forged_src ? g_forged_src : toserver ? cm : sm, 6);
    put16(f, 0x0800);
    put8(f, 0x45); put8(f, 0); put16(f, (uint16_t)(20 + l4 + payload));
    put16(f, 1); put16(f, 0); put8(f, 64); put8(f, proto); put16(f, 0);
    put32(f, toserver ? CLIENT : SERVER);
    put32(f, toserver ? SERVER : CLIENT);
    uint16_t sp = toserver ? 40000 : 7011, dp = toserver ? 7011 : 40000;
    if (proto == 17) {
        put16(f, sp); put16(f, dp); put16(f, (uint16_t)(8 + payload)); put16(f, 0);
    } else {
        put16(f, sp); put16(f, dp); put32(f, 1000); put32(f, 2000);
        put8(f, 0x50); put8(f, tcp_flags); put16(f, 65535); put16(f, 0); put16(f, 0);
    }
    for (size_t i = 0; i < payload; i++)
        put8(f, (uint8_t)(0x41 + i % 26));
}

struct sink {
    int n;
    struct sh_event rec[MAXREC];
};

static void out(void *ctx, const struct sh_event *ev)
{
    struct sink *s = ctx;
    if (ev->type == EV_FLOW && s->n < MAXREC)
        s->rec[s->n++] = *ev;
}

static struct pipeline *mk(struct sink *s, uint32_t update_s)
{
    struct sh_config c;
    char err[256];
    config_defaults(&c);
    c.pipe.dpi_enabled = 0;
    c.pipe.flow_update_s = update_s;
    c.pipe.burst_gap_ms = 500;
    memset(s, 0, sizeof(*s));
    struct pipeline *pl = pipeline_create(&c.pipe, out, s, err, sizeof(err));
    assert_non_null(pl);
    return pl;
}

static void pkt_at(struct pipeline *pl, double t, int toserver, uint8_t proto, uint8_t fl,
                 size_t payload)
{
    struct fb f;
    frame(&f, toserver, proto, fl, payload);
    pipeline_packet(pl, DLT_EN10MB, 1000 * S + (uint64_t)(t * 1e6), f.b, (uint32_t)f.n,
                    (uint32_t)f.n);
}

static void bursts_per_direction_in_start_order(void **state)
{
    (void)state;
    struct sink s;
    struct pipeline *pl = mk(&s, 60);
    pkt_at(pl, 0.0, 1, 17, 0, 100);   /* client burst 1: 100 + 50 B, 0.0 .. 0.2 */
    pkt_at(pl, 0.2, 1, 17, 0, 50);
    pkt_at(pl, 0.3, 0, 17, 0, 40);    /* server burst 1 */
    pkt_at(pl, 5.0, 1, 17, 0, 100);   /* client burst 2 (4.8 s idle) */
    pkt_at(pl, 5.1, 0, 17, 0, 40);    /* server burst 2 */
    pkt_at(pl, 10.0, 1, 17, 0, 100);  /* client burst 3 */
    pipeline_finish(pl);
    assert_int_equal(s.n, 1);
    const struct ev_flow *fl = &s.rec[0].u.flow;
    assert_int_equal(fl->update, 0);
    assert_int_equal(fl->outcome, FLOWO_ANSWERED);
    assert_int_equal(fl->bursts[0], 3);
    assert_int_equal(fl->bursts[1], 2);
    assert_int_equal(fl->nburst, 5);
    static const struct { double t; uint32_t bytes, dur_ms; uint8_t dir; } want[] = {
        { 0.0, 150, 200, 0 }, { 0.3, 40, 0, 1 }, { 5.0, 100, 0, 0 }, { 5.1, 40, 0, 1 },
        { 10.0, 100, 0, 0 },
    };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(fl->burst[i].start_us, 1000 * S + (uint64_t)(want[i].t * 1e6));
        assert_int_equal(fl->burst[i].bytes, want[i].bytes);
        assert_int_equal(fl->burst[i].dur_ms, want[i].dur_ms);
        assert_int_equal(fl->burst[i].dir, want[i].dir);
    }
    pipeline_destroy(pl);
}

static void a_full_ring_and_the_interval_send_updates(void **state)
{
    (void)state;
    struct sink s;
    struct pipeline *pl = mk(&s, 60);
    /* a client message every 2 s for 130 s: 66 bursts, each exactly once
     * over the records, in order */
    for (int i = 0; i <= 65; i++)
        pkt_at(pl, 2.0 * i, 1, 17, 0, 60);
    pipeline_finish(pl);
    int seen = 0, updates = 0;
    for (int r = 0; r < s.n; r++) {
        const struct ev_flow *fl = &s.rec[r].u.flow;
        assert_true(fl->nburst <= EV_FLOW_BURSTS);
        updates += fl->update;
        assert_int_equal(fl->update, r < s.n - 1);    /* the end record last */
        for (int i = 0; i < fl->nburst; i++, seen++) {
            assert_int_equal(fl->burst[i].start_us, 1000 * S + (uint64_t)seen * 2 * S);
            assert_int_equal(fl->burst[i].bytes, 60);
        }
    }
    assert_int_equal(seen, 66);
    /* a ring of 8 fills every 8 bursts: at least 66 / 8 - 1 updates */
    assert_true(updates >= 7);
    assert_int_equal(s.rec[s.n - 1].u.flow.bursts[0], 66);
    pipeline_destroy(pl);

    /* one continuous burst (every 0.1 s) for 130 s: updates at 60 and 120 s */
    pl = mk(&s, 60);
    for (int i = 0; i <= 1300; i++)
        pkt_at(pl, 0.1 * i, 1, 17, 0, 20);
    pipeline_finish(pl);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.rec[0].u.flow.update, 1);
    assert_int_equal(s.rec[0].u.flow.nburst, 0);
    assert_int_equal(s.rec[0].u.flow.end_us, 1000 * S + 60 * S);
    assert_int_equal(s.rec[0].u.flow.pkts_toserver, 601);
    assert_int_equal(s.rec[1].u.flow.end_us, 1000 * S + 120 * S);
    assert_int_equal(s.rec[2].u.flow.update, 0);
    assert_int_equal(s.rec[2].u.flow.nburst, 1);
    assert_int_equal(s.rec[2].u.flow.burst[0].bytes, 1301 * 20);
    assert_int_equal(s.rec[2].u.flow.burst[0].dur_ms, 130000);
    pipeline_destroy(pl);

    /* updates off: only the end record */
    pl = mk(&s, 0);
    for (int i = 0; i <= 1300; i++)
        pkt_at(pl, 0.1 * i, 1, 17, 0, 20);
    pipeline_finish(pl);
    assert_int_equal(s.n, 1);
    pipeline_destroy(pl);
}

static void attempts_without_answer_or_with_reset(void **state)
{
    (void)state;
    struct sink s;
    struct pipeline *pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 6, 0x02, 0);              /* SYN, nothing back */
    pkt_at(pl, 1, 1, 6, 0x02, 0);              /* retransmitted */
    pipeline_finish(pl);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.rec[0].u.flow.outcome, FLOWO_UNANSWERED);
    assert_int_equal(s.rec[0].u.flow.tcp_state, TCPS_SYN_SENT);
    pipeline_destroy(pl);

    pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 6, 0x02, 0);              /* SYN */
    pkt_at(pl, 0.01, 0, 6, 0x14, 0);           /* RST+ACK */
    pipeline_finish(pl);
    assert_int_equal(s.rec[0].u.flow.outcome, FLOWO_REJECTED);
    pipeline_destroy(pl);

    pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 17, 0, 48);               /* a datagram nobody answers */
    pipeline_finish(pl);
    assert_int_equal(s.rec[0].u.flow.outcome, FLOWO_UNANSWERED);
    pipeline_destroy(pl);
}

static void a_frame_from_another_mac_neither_answers_nor_re_attributes(void **state)
{
    (void)state;
    static const uint8_t forger[6] = { 2, 0, 0, 0, 0, 0x66 };
    struct sink s;
    struct pipeline *pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 17, 0, 48);             /* the client, to its next hop */
    g_forged_src = forger;
    pkt_at(pl, 0.1, 0, 17, 0, 48);           /* an "answer" from another MAC */
    pkt_at(pl, 0.2, 1, 17, 0, 48);           /* the client's address, another MAC */
    g_forged_src = NULL;
    pipeline_finish(pl);
    assert_int_equal(s.n, 1);
    const struct sh_event *ev = &s.rec[0];
    assert_int_equal(ev->u.flow.outcome, FLOWO_UNANSWERED);
    assert_int_equal(ev->u.flow.l2_foreign[0], 1);
    assert_int_equal(ev->u.flow.l2_foreign[1], 1);
    assert_int_equal(ev->src_mac[5], 5);      /* the first frame's MACs */
    assert_int_equal(ev->dst_mac[5], 1);
    pipeline_destroy(pl);

    /* TCP answered through the other router of a pair: answered, and the
     * answer's MAC is reported */
    static const uint8_t other_router[6] = { 2, 0, 0x5e, 0, 0, 0x99 };
    pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 6, 0x02, 0);
    g_forged_src = other_router;
    pkt_at(pl, 0.01, 0, 6, 0x12, 0);
    g_forged_src = NULL;
    pipeline_finish(pl);
    assert_int_equal(s.rec[0].u.flow.outcome, FLOWO_ANSWERED);
    assert_int_equal(s.rec[0].u.flow.has_reply_mac, 1);
    assert_memory_equal(s.rec[0].u.flow.reply_mac, other_router, 6);
    pipeline_destroy(pl);

    /* the real next hop answering: answered */
    pl = mk(&s, 60);
    pkt_at(pl, 0, 1, 17, 0, 48);
    pkt_at(pl, 0.1, 0, 17, 0, 48);
    pipeline_finish(pl);
    assert_int_equal(s.rec[0].u.flow.outcome, FLOWO_ANSWERED);
    assert_int_equal(s.rec[0].u.flow.l2_foreign[1], 0);
    pipeline_destroy(pl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bursts_per_direction_in_start_order),
        cmocka_unit_test(a_full_ring_and_the_interval_send_updates),
        cmocka_unit_test(attempts_without_answer_or_with_reset),
        cmocka_unit_test(a_frame_from_another_mac_neither_answers_nor_re_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * pipeline.c -- one capture worker.  See pipeline.h.
 *
 * Per packet, in order:
 *   1. decode (errors counted by kind, frame skipped)
 *   2. ARP / NDP -> binding cache -> EV_ARP when a binding is new or moved;
 *      a Router Advertisement also -> EV_RA (on-link prefixes)
 *   3. flow lookup/creation, direction, counters, TCP state machine
 *   4. nDPI on payload packets until its verdict is final
 *   5. UDP: DNS (configured ports), DHCP (67/68) and DHCPv6 (546/547) per
 *      datagram
 *      TCP: in-order reassembly per direction, then the attached stream
 *      parser (DNS over TCP, TLS, HTTP), attached by probing the first
 *      client segments (any port: TLS after STARTTLS is found too)
 *   6. idle expiry of flows and DNS queries, once per second of packet time
 *
 * TCP reassembly is deliberately simple: each direction remembers the next
 * expected sequence number; retransmitted bytes are trimmed, and a hole
 * (lost or reordered segment) is reported to the parser as a gap, after
 * which it resynchronises or gives up on that direction.  Nothing is
 * buffered out of order, so a flow costs no memory beyond its record until
 * a parser is attached, and parser states come from fixed pools.
 *
 * Parser states are released as soon as they are no longer needed: TLS
 * once its handshake event is out, HTTP between transactions (the next
 * request re-attaches), so pools are sized by concurrent handshakes and
 * transactions rather than by open connections.
 */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "dhcp.h"
#include "dhcp6.h"
#include "dns.h"
#include "dnspair.h"
#include "dpi.h"
#include "http.h"
#include "pool.h"
#include "quic.h"
#include "ra.h"
#include "tls.h"

enum app_kind {
    APP_NONE = 0,     /* nothing attached yet: probe client segments  */
    APP_DNS_TCP,
    APP_TLS,
    APP_HTTP,
    APP_QUIC,         /* UDP: QUIC Initial decryption (quic.h)        */
    APP_DONE,         /* finished or not inspectable: do not probe    */
};

#define MAX_PROBES 8          /* client segments probed for a protocol */

/* Out-of-order segments held per direction until the hole before them
 * fills (SPAN ports reorder; tshark reassembles, so must we).  Each
 * direction has OOO_BYTES of storage for up to OOO_SEGS segments (one
 * segment may be as large as the whole store, e.g. a GRO-coalesced one);
 * what does not fit makes the hole a gap. */
#define OOO_SEGS 16
#define OOO_BYTES 16384

struct ooo_seg {
    uint32_t seq;
    uint16_t len, off;        /* bytes at store[off .. off+len)           */
    uint64_t ts;
};

struct ooo_dir {
    uint8_t n;
    uint16_t used;            /* store bytes handed out since it emptied  */
    uint64_t since;           /* packet time the oldest hole appeared     */
    struct ooo_seg seg[OOO_SEGS];
    uint8_t store[OOO_BYTES];
};

struct ooo_slot {
    struct ooo_dir d[2];
};

#define OOO_MAX_AGE_US 1000000ULL  /* a hole unfilled for 1 s is a loss  */

struct pipeline {
    struct pipeline_cfg cfg;
    struct flow_table *ft;
    struct dpi *dpi;
    struct pool *http_pool, *tls_pool, *dns_pool, *ooo_pool, *quic_pool;
    struct arp_table *arp;
    struct dnspair *dnsp;
    pipeline_out_fn out;
    void *out_ctx;

    struct sh_event ev;           /* scratch for events built here      */
    struct app_stats app;
    struct app_sink sink;
    struct pipeline_stats st;

    uint64_t now_us;              /* highest packet time seen           */
    uint64_t last_expire_us;
    struct flow *cur;             /* flow whose parser is running       */
    int finishing;
};

/* ---- event output ------------------------------------------------- */

static void dpi_done(struct pipeline *pl, struct flow *f, const struct dpi_result *r);
static void ooo_release(struct pipeline *pl, struct flow *f);

static void emit(struct pipeline *pl, struct sh_event *ev)
{
    if (ev->type < EV_TYPE_MAX)
        pl->st.events[ev->type]++;
    pl->out(pl->out_ctx, ev);
}

static void addr_from_key(struct sh_addr *a, const struct flow_key *k, int which_a)
{
    a->family = k->ver;
    memset(a->a, 0, sizeof(a->a));
    memcpy(a->a, which_a ? k->a : k->b, k->ver == 4 ? 4 : 16);
}

/* Header in the flow's direction: client -> server. */
static void header_from_flow(struct sh_event *ev, const struct flow *f)
{
    const struct flow_key *k = &f->key;
    addr_from_key(&ev->src, k, f->client_is_a);
    addr_from_key(&ev->dst, k, !f->client_is_a);
    ev->sport = f->client_is_a ? k->pa : k->pb;
    ev->dport = f->client_is_a ? k->pb : k->pa;
    ev->proto = k->proto;
    ev->vlan = k->vlan;
    ev->flow_id = f->flow_id;
    ev->has_mac = f->has_mac;
    memcpy(ev->src_mac, f->cmac, 6);
    memcpy(ev->dst_mac, f->smac, 6);
}

/* Header in the packet's direction. */
static void header_from_pkt(struct sh_event *ev, const struct pkt *pk,
                            const struct flow *f)
{
    ev->src = pk->src;
    ev->dst = pk->dst;
    ev->sport = pk->sport;
    ev->dport = pk->dport;
    ev->proto = pk->l4proto;
    ev->vlan = pk->vlan;
    ev->flow_id = f ? f->flow_id : 0;
    ev->has_mac = pk->has_mac;
    memcpy(ev->src_mac, pk->smac, 6);
    memcpy(ev->dst_mac, pk->dmac, 6);
}

static void dns_event_out(struct pipeline *pl, struct sh_event *ev)
{
    if (ev->u.dns.qr == 0)
        dnspair_query(pl->dnsp, ev);
    else
        dnspair_answer(pl->dnsp, ev);
    emit(pl, ev);
}

/* app_sink callback: a stream parser finished an event on pl->cur. */
static void app_emit(void *ctx, int dir, struct sh_event *ev)
{
    struct pipeline *pl = ctx;
    struct flow *f = pl->cur;

    if (!f)
        return;
    header_from_flow(ev, f);
    if (ev->type == EV_DNS) {
        if (dir == DIR_TOCLIENT) {   /* packet direction for DNS */
            struct sh_addr t = ev->src;
            ev->src = ev->dst;
            ev->dst = t;
            uint16_t p = ev->sport;
            ev->sport = ev->dport;
            ev->dport = p;
            uint8_t m[6];
            memcpy(m, ev->src_mac, 6);
            memcpy(ev->src_mac, ev->dst_mac, 6);
            memcpy(ev->dst_mac, m, 6);
        }
        dns_event_out(pl, ev);
        return;
    }
    if (ev->type == EV_TLS && ev->u.tls.quic)
        f->quic_emitted = 1;
    if (ev->type == EV_TLS && f->dpi_state == 4 && pl->dpi) {
        struct dpi_result r;
        struct sh_addr srv;
        addr_from_key(&srv, &f->key, !f->client_is_a);
        dpi_classify_tls(pl->dpi, ev, &srv, f->client_is_a ? f->key.pb : f->key.pa, &r);
        dpi_done(pl, f, &r);
    }
    emit(pl, ev);
}

/* ---- parser attachment -------------------------------------------- */

static struct pool *kind_pool(struct pipeline *pl, int kind)
{
    switch (kind) {
    case APP_DNS_TCP: return pl->dns_pool;
    case APP_TLS: return pl->tls_pool;
    case APP_HTTP: return pl->http_pool;
    case APP_QUIC: return pl->quic_pool;
    default: return NULL;
    }
}

static int attach(struct pipeline *pl, struct flow *f, int kind)
{
    struct pool *p = kind_pool(pl, kind);
    uint32_t slot = pool_acquire(p);
    if (slot == POOL_NONE) {
        pl->st.parser_pool_exhausted++;
        return -1;
    }
    void *s = pool_at(p, slot);
    switch (kind) {
    case APP_DNS_TCP: dns_tcp_init(s); break;
    case APP_TLS: tls_init(s); break;
    case APP_HTTP: http_init(s); break;
    case APP_QUIC: quic_init(s); break;
    }
    f->app_kind = (uint8_t)kind;
    f->app_slot = slot;
    if (kind == APP_TLS)
        f->tls_parsed = 1;
    return 0;
}

/* Flush (close) the parser and give its state back. */
static void detach(struct pipeline *pl, struct flow *f, int next_kind)
{
    if (f->app_slot != FLOW_NONE) {
        struct pool *p = kind_pool(pl, f->app_kind);
        void *s = pool_at(p, f->app_slot);
        struct flow *saved = pl->cur;
        pl->cur = f;
        switch (f->app_kind) {
        case APP_TLS: tls_close(s, pl->now_us, &pl->sink); break;
        case APP_HTTP: http_close(s, pl->now_us, &pl->sink); break;
        case APP_QUIC: quic_close(s, pl->now_us, &pl->sink); break;
        default: break;
        }
        pl->cur = saved;
        pool_release(p, f->app_slot);
        f->app_slot = FLOW_NONE;
    }
    f->app_kind = (uint8_t)next_kind;
    if (next_kind == APP_DONE)
        ooo_release(pl, f);
}

static int is_dns_port(const struct pipeline *pl, uint16_t port)
{
    for (int i = 0; i < pl->cfg.n_dns_ports; i++)
        if (pl->cfg.dns_ports[i] == port)
            return 1;
    return 0;
}

/* Try to attach a parser from the first bytes of a segment. */
static void probe(struct pipeline *pl, struct flow *f, int dir,
                  const uint8_t *p, size_t n)
{
    int kind = APP_NONE;
    uint16_t sport = f->client_is_a ? f->key.pb : f->key.pa; /* server port */

    if (f->app_probes >= MAX_PROBES) {
        f->app_kind = APP_DONE;
        return;
    }
    f->app_probes++;
    if (is_dns_port(pl, sport))
        kind = dir == DIR_TOSERVER || f->app_probes > 1 ? APP_DNS_TCP : APP_NONE;
    else if (tls_probe(p, n))
        kind = APP_TLS;
    else if (dir == DIR_TOSERVER && http_probe(p, n))
        kind = APP_HTTP;
    if (kind == APP_NONE)
        return;
    if (attach(pl, f, kind) < 0)
        return;              /* pool empty (counted): later segments retry */
    f->app_probes = 0;       /* an idle HTTP connection re-attaches per request */
}

/* Hand in-order stream bytes to the attached parser. */
static void deliver(struct pipeline *pl, struct flow *f, int dir,
                    const uint8_t *p, size_t n, uint64_t ts)
{
    if (f->app_kind == APP_NONE)
        probe(pl, f, dir, p, n);
    if (f->app_slot == FLOW_NONE)
        return;

    void *s = pool_at(kind_pool(pl, f->app_kind), f->app_slot);
    pl->cur = f;
    switch (f->app_kind) {
    case APP_DNS_TCP:
        dns_tcp_feed(s, dir, p, n, ts, &pl->sink);
        break;
    case APP_TLS:
        tls_feed(s, dir, p, n, ts, &pl->sink);
        if (tls_done(s))
            detach(pl, f, APP_DONE);   /* handshake reported */
        break;
    case APP_HTTP:
        http_feed(s, dir, p, n, ts, &pl->sink);
        if (http_done(s))
            detach(pl, f, APP_DONE);   /* tunnel (CONNECT / 101) */
        else if (http_idle(s))
            detach(pl, f, APP_NONE);   /* between transactions */
        break;
    }
    pl->cur = NULL;
}

static void gap(struct pipeline *pl, struct flow *f, int dir)
{
    pl->st.tcp_gaps++;
    if (f->app_slot == FLOW_NONE)
        return;
    void *s = pool_at(kind_pool(pl, f->app_kind), f->app_slot);
    pl->cur = f;
    switch (f->app_kind) {
    case APP_DNS_TCP: dns_tcp_gap(s, dir); break;
    case APP_TLS: tls_gap(s, dir); break;
    case APP_HTTP: http_gap(s, dir); break;
    }
    pl->cur = NULL;
}

static struct ooo_slot *ooo_of(struct pipeline *pl, const struct flow *f)
{
    return f->ooo_slot == FLOW_NONE ? NULL : pool_at(pl->ooo_pool, f->ooo_slot);
}

static void ooo_release(struct pipeline *pl, struct flow *f)
{
    if (f->ooo_slot != FLOW_NONE) {
        pool_release(pl->ooo_pool, f->ooo_slot);
        f->ooo_slot = FLOW_NONE;
    }
}

/* Deliver the held segments of dir that the stream has reached, in order;
 * with `force`, jump the holes (reported as gaps) too, but only for held
 * segments that start before `limit` (UINT64_MAX: all of them). */
static void ooo_drain(struct pipeline *pl, struct flow *f, int dir, int force,
                      uint64_t limit)
{
    struct ooo_slot *o = ooo_of(pl, f);
    if (!o)
        return;
    for (;;) {
        struct ooo_dir *od = &o->d[dir];
        int best = -1;
        for (int i = 0; i < od->n; i++) {
            struct ooo_seg *g = &od->seg[i];
            int32_t d = (int32_t)(g->seq - f->next_seq[dir]);
            if (best < 0 || d < (int32_t)(od->seg[best].seq - f->next_seq[dir]))
                best = i;
        }
        if (best < 0)
            break;
        struct ooo_seg *g = &od->seg[best];
        int32_t d = (int32_t)(g->seq - f->next_seq[dir]);
        if (d > 0 && (!force ||
                      (limit != UINT64_MAX && (int32_t)(g->seq - (uint32_t)limit) >= 0)))
            break;                              /* still a hole before it */
        if (d > 0)
            gap(pl, f, dir);
        uint32_t skip = d < 0 ? (uint32_t)(-(int64_t)d) : 0;
        if (skip < g->len) {
            uint32_t start = d > 0 ? 0 : skip;
            f->next_seq[dir] = g->seq + g->len;
            pl->st.tcp_reordered++;
            deliver(pl, f, dir, od->store + g->off + start, g->len - start, g->ts);
            if (f->app_kind == APP_DONE) {      /* parser finished: drop all */
                ooo_release(pl, f);
                return;
            }
            o = ooo_of(pl, f);
            if (!o)
                return;
            od = &o->d[dir];
        }
        /* remove it (order does not matter: the smallest is searched) */
        od->seg[best] = od->seg[od->n - 1];
        od->n--;
        if (od->n) {                        /* the hole now waited for */
            uint64_t oldest = UINT64_MAX;
            for (int i = 0; i < od->n; i++)
                if (od->seg[i].ts < oldest)
                    oldest = od->seg[i].ts;
            od->since = oldest;
        } else {
            od->used = 0;                   /* the store is free again */
        }
    }
    if (!o->d[0].n && !o->d[1].n)
        ooo_release(pl, f);
}

/* Hold a segment that arrived before the bytes preceding it.  0 held. */
static int ooo_hold(struct pipeline *pl, struct flow *f, int dir, uint32_t seq,
                    const uint8_t *p, size_t n, uint64_t ts)
{
    if (n > OOO_BYTES)
        return -1;
    if (f->ooo_slot == FLOW_NONE) {
        f->ooo_slot = pool_acquire(pl->ooo_pool);
        if (f->ooo_slot == POOL_NONE) {
            f->ooo_slot = FLOW_NONE;
            return -1;
        }
        struct ooo_slot *o = ooo_of(pl, f);
        o->d[0].n = o->d[1].n = 0;
        o->d[0].used = o->d[1].used = 0;
    }
    struct ooo_dir *od = &ooo_of(pl, f)->d[dir];
    for (int i = 0; i < od->n; i++)
        if (od->seg[i].seq == seq && od->seg[i].len >= n)
            return 0;                           /* a retransmission of one held */
    if (od->n >= OOO_SEGS || (size_t)(OOO_BYTES - od->used) < n)
        return -1;
    if (od->n == 0)
        od->since = ts;
    struct ooo_seg *g = &od->seg[od->n++];
    g->seq = seq;
    g->len = (uint16_t)n;
    g->off = od->used;
    g->ts = ts;
    memcpy(od->store + g->off, p, n);
    od->used = (uint16_t)(od->used + n);
    return 0;
}

/* In-order delivery of one TCP segment's payload (see file comment). */
static void tcp_stream(struct pipeline *pl, struct flow *f, int dir,
                       const struct pkt *pk, uint64_t ts)
{
    uint32_t seq = pk->seq;
    const uint8_t *p = pk->payload;
    size_t n = pk->payload_len;
    size_t wire = pk->payload_wire_len;

    if (pk->tcp_flags & TH_SYN) {
        seq++;                              /* SYN takes one number */
        if (!f->seq_valid[dir] || wire == 0) {
            f->next_seq[dir] = seq;
            f->seq_valid[dir] = 1;
        }
    }
    if (wire == 0)
        return;
    if (!f->seq_valid[dir]) {
        f->next_seq[dir] = seq;
        f->seq_valid[dir] = 1;
    }
    if (f->app_kind == APP_DONE) {
        f->next_seq[dir] = seq + (uint32_t)wire;
        ooo_release(pl, f);
        return;
    }

    int32_t d = (int32_t)(seq - f->next_seq[dir]);
    if (d > 0) {
        /* early: hold it until the hole fills */
        if (n == wire && ooo_hold(pl, f, dir, seq, p, n, ts) == 0)
            return;
        /* it cannot be held: what is held before it goes first (across the
         * hole, a gap), then it */
        ooo_drain(pl, f, dir, 1, seq);
        if (f->app_kind == APP_DONE) {
            f->next_seq[dir] = seq + (uint32_t)wire;
            return;
        }
        d = (int32_t)(seq - f->next_seq[dir]);
        if (d > 0)
            gap(pl, f, dir);
    }
    if (d < 0) {
        size_t over = (size_t)(-(int64_t)d);
        if (over >= wire) {
            pl->st.tcp_retransmits++;
            return;
        }
        if (over >= n) {       /* new bytes exist but were not captured */
            f->next_seq[dir] = seq + (uint32_t)wire;
            gap(pl, f, dir);
            return;
        }
        p += over;
        n -= over;
        wire -= over;
        seq += (uint32_t)over;
    }
    f->next_seq[dir] = seq + (uint32_t)wire;
    if (n)
        deliver(pl, f, dir, p, n, ts);
    if (wire > n) {             /* the snaplen cut this segment */
        pl->st.snap_truncated++;
        gap(pl, f, dir);
    }
    if (f->ooo_slot != FLOW_NONE && f->app_kind != APP_DONE)
        ooo_drain(pl, f, dir, 0, UINT64_MAX);
}

/* Held segments wait for bytes that may never come: the capture lost them.
 * A direction's hole is given up (delivered across a gap) when the peer
 * acknowledges bytes past it -- the receiver has them, they will not be
 * retransmitted -- or when it is older than OOO_MAX_AGE_US. */
static void ooo_expire(struct pipeline *pl, struct flow *f, int pkt_dir,
                       const struct pkt *pk, uint64_t ts)
{
    struct ooo_slot *o = ooo_of(pl, f);
    if (!o)
        return;
    int odir = !pkt_dir;
    if (o->d[odir].n && (pk->tcp_flags & TH_ACK) && f->seq_valid[odir] &&
        (int32_t)(pk->ack - f->next_seq[odir]) > 0)
        ooo_drain(pl, f, odir, 1, UINT64_MAX);
    for (int dd = 0; dd < 2 && f->ooo_slot != FLOW_NONE; dd++) {
        o = ooo_of(pl, f);
        if (o && o->d[dd].n && ts > o->d[dd].since + OOO_MAX_AGE_US)
            ooo_drain(pl, f, dd, 1, UINT64_MAX);
    }
}

/* ---- flows -------------------------------------------------------- */

static int tcp_class(int state)
{
    switch (state) {
    case TCPS_SYN_SENT:
    case TCPS_SYN_RECV:
        return FC_TCP_NEW;
    case TCPS_CLOSED:
    case TCPS_RESET:
    case TCPS_REJECTED:
        return FC_TCP_CLOSED;
    default:
        return FC_TCP_EST;
    }
}

static void tcp_track(struct flow *f, int dir, uint8_t fl)
{
    f->tcp_flags[dir] |= fl;
    if (fl & TH_SYN) {
        if (fl & TH_ACK) {
            if (f->tcp_state == TCPS_NONE || f->tcp_state == TCPS_SYN_SENT)
                f->tcp_state = TCPS_SYN_RECV;
        } else {
            if (f->tcp_state == TCPS_NONE)
                f->tcp_state = TCPS_SYN_SENT;
        }
    } else if (f->tcp_state == TCPS_NONE) {
        f->tcp_state = TCPS_MIDSTREAM;
    }
    if (fl & TH_RST) {
        if ((f->tcp_state == TCPS_SYN_SENT || f->tcp_state == TCPS_REJECTED) &&
            dir == DIR_TOCLIENT)
            f->tcp_state = TCPS_REJECTED;
        else if (f->tcp_state != TCPS_REJECTED)
            f->tcp_state = TCPS_RESET;
        return;
    }
    if (f->tcp_state == TCPS_SYN_RECV && dir == DIR_TOSERVER &&
        (fl & TH_ACK) && !(fl & TH_SYN))
        f->tcp_state = TCPS_ESTABLISHED;
    if (fl & TH_FIN) {
        f->fin_seen[dir] = 1;
        if (f->fin_seen[0] && f->fin_seen[1])
            f->tcp_state = TCPS_CLOSED;
        else if (f->tcp_state == TCPS_ESTABLISHED ||
                 f->tcp_state == TCPS_MIDSTREAM ||
                 f->tcp_state == TCPS_SYN_RECV)
            f->tcp_state = TCPS_CLOSING;
    }
}

static void dpi_done(struct pipeline *pl, struct flow *f,
                     const struct dpi_result *r)
{
    f->dpi_state = 2;
    f->dpi_slot = FLOW_NONE;
    f->app_master = r->master;
    f->app_proto = r->app;
    f->category = r->category;
    f->risk = r->risk;
    f->dpi_guessed = r->guessed;
    if (r->quic && r->host[0] && !f->quic_emitted && f->app_kind == APP_QUIC &&
        f->app_slot != FLOW_NONE) {
        /* our QUIC parser has the connection: nDPI's name is its fallback */
        quic_set_fallback_sni(pool_at(pl->quic_pool, f->app_slot), r->host);
    } else if (r->quic && r->host[0] && !f->quic_emitted) {
        /* a QUIC flow our parser could not take (gQUIC, another version):
         * the SNI nDPI read */
        struct sh_event *ev = &pl->ev;
        ev_reset(ev, EV_TLS);
        header_from_flow(ev, f);
        ev->ts_us = f->last_us;
        ev->u.tls.quic = 1;
        ev->u.tls.sni = ev_puts(ev, r->host, 255);
        pl->app.quic_ndpi_sni++;
        emit(pl, ev);
    }
}

/* ---- flow records: updates, ends, bursts ---------------------------- */

/* The two ends' MACs are fixed by the flow's first frame (its source, and
 * its destination: the client's next hop, through which every answer must
 * come); a later frame from another MAC is counted as foreign, never
 * adopted: one forged frame neither re-attributes a flow nor answers it. */
static void flow_macs(struct flow *f, int dir, const uint8_t src[6], const uint8_t dst[6])
{
    uint8_t *own = dir == DIR_TOSERVER ? f->cmac : f->smac;
    uint8_t *peer = dir == DIR_TOSERVER ? f->smac : f->cmac;
    if (dir == DIR_TOCLIENT && !f->has_rmac) {
        f->has_rmac = 1;             /* the first answer's sender */
        memcpy(f->rmac, src, 6);
    }
    if (!f->has_mac) {
        f->has_mac = 1;
        memcpy(own, src, 6);
        memcpy(peer, dst, 6);
        return;
    }
    if (memcmp(own, src, 6) != 0 && f->l2_foreign[dir] < UINT32_MAX)
        f->l2_foreign[dir]++;
}


static int flow_outcome(const struct flow *f, int proto)
{
    if (proto == 6 && (f->tcp_state == TCPS_REJECTED ||
                       (f->tcp_state == TCPS_RESET && !f->payload[DIR_TOCLIENT])))
        return FLOWO_REJECTED;
    /* TCP: anything back (a forged answer needs the sequence numbers; a
     * router pair answers from another MAC).  UDP: something back from
     * the MAC the client sent to -- other senders are in reply_mac */
    if (proto == 6)
        return f->pkts[DIR_TOCLIENT] ? FLOWO_ANSWERED : FLOWO_UNANSWERED;
    return f->pkts[DIR_TOCLIENT] > f->l2_foreign[DIR_TOCLIENT] ? FLOWO_ANSWERED
                                                              : FLOWO_UNANSWERED;
}

/* The ended bursts of both directions into fl->burst[], in start order;
 * the rings are empty afterwards. */
static void bursts_out(struct flow *f, struct ev_flow *fl)
{
    struct flow_bursts *b[2] = { &f->burst[DIR_TOSERVER], &f->burst[DIR_TOCLIENT] };
    int i[2] = { 0, 0 };

    _Static_assert(EV_FLOW_BURSTS >= 2 * FLOW_BURSTS, "an event holds both rings");
    while (i[0] < b[0]->n || i[1] < b[1]->n) {
        int dir = i[1] >= b[1]->n ? 0 : i[0] >= b[0]->n ? 1 :
                  b[1]->ring[i[1]].start_ms < b[0]->ring[i[0]].start_ms;
        struct ev_burst *o = &fl->burst[fl->nburst++];
        o->start_us = f->first_us + (uint64_t)b[dir]->ring[i[dir]].start_ms * 1000;
        o->dur_ms = b[dir]->ring[i[dir]].dur_ms;
        o->bytes = b[dir]->ring[i[dir]].bytes;
        o->dir = (uint8_t)dir;
        i[dir]++;
    }
    b[0]->n = b[1]->n = 0;
}

/* The flow's record: its end (update 0, reason enum ev_flow_reason), or
 * an update of a flow that lives on (counters so far). */
static void flow_record(struct pipeline *pl, struct flow *f, int reason, int update)
{
    char buf[512];
    struct sh_event *ev = &pl->ev;
    struct ev_flow *fl = &ev->u.flow;

    ev_reset(ev, EV_FLOW);
    header_from_flow(ev, f);
    ev->ts_us = f->first_us;
    fl->pkts_toserver = f->pkts[DIR_TOSERVER];
    fl->pkts_toclient = f->pkts[DIR_TOCLIENT];
    fl->bytes_toserver = f->bytes[DIR_TOSERVER];
    fl->bytes_toclient = f->bytes[DIR_TOCLIENT];
    fl->payload_toserver = f->payload[DIR_TOSERVER];
    fl->payload_toclient = f->payload[DIR_TOCLIENT];
    fl->start_us = f->first_us;
    fl->end_us = f->last_us;
    fl->reason = (uint8_t)reason;
    fl->update = (uint8_t)update;
    fl->outcome = (uint8_t)flow_outcome(f, f->key.proto);
    fl->bursts[DIR_TOSERVER] = f->burst[DIR_TOSERVER].total;
    fl->bursts[DIR_TOCLIENT] = f->burst[DIR_TOCLIENT].total;
    fl->l2_foreign[DIR_TOSERVER] = f->l2_foreign[DIR_TOSERVER];
    fl->l2_foreign[DIR_TOCLIENT] = f->l2_foreign[DIR_TOCLIENT];
    fl->has_reply_mac = f->has_rmac;
    memcpy(fl->reply_mac, f->rmac, 6);
    bursts_out(f, fl);
    fl->tcp_state = f->tcp_state;
    fl->tcp_flags_ts = f->tcp_flags[DIR_TOSERVER];
    fl->tcp_flags_tc = f->tcp_flags[DIR_TOCLIENT];
    fl->icmp_type = f->icmp_type;
    fl->icmp_code = f->icmp_code;
    fl->dpi_done = f->dpi_state == 2;
    fl->dpi_guessed = f->dpi_guessed;
    fl->app_master = f->app_master;
    fl->app_proto = f->app_proto;
    fl->risk = f->risk;
    if (pl->dpi && f->dpi_state == 2) {
        fl->app_name = ev_puts(ev, dpi_proto_name(pl->dpi, f->app_master,
                                                  f->app_proto, buf, sizeof(buf)), 64);
        fl->category = ev_puts(ev, dpi_category_name(pl->dpi, f->category), 64);
        dpi_risk_names(f->risk, buf, sizeof(buf));
        fl->risks = ev_puts(ev, buf, 0);
    }
    if (update) {
        f->report_us = f->last_us;
        pl->st.flow_updates++;
    }
    emit(pl, ev);
}

static uint32_t ms_since_start(const struct flow *f, uint64_t ts)
{
    uint64_t d = ts > f->first_us ? (ts - f->first_us) / 1000 : 0;
    return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void burst_close(struct flow_bursts *b)
{
    if (!b->open)
        return;
    b->ring[b->n].start_ms = b->open_ms;
    b->ring[b->n].dur_ms = b->last_ms - b->open_ms;
    b->ring[b->n].bytes = b->open_bytes;
    b->n++;
    b->open = 0;
}

/* len payload bytes in direction dir at ts: extend the open burst, or end
 * it (reporting first when the ring is full) and open another. */
static void burst_note(struct pipeline *pl, struct flow *f, int dir, uint64_t ts,
                       uint32_t len)
{
    struct flow_bursts *b = &f->burst[dir];
    uint32_t t = ms_since_start(f, ts);

    if (b->open && (t <= b->last_ms || t - b->last_ms < pl->cfg.burst_gap_ms)) {
        if (t > b->last_ms)
            b->last_ms = t;
        b->open_bytes = len > UINT32_MAX - b->open_bytes ? UINT32_MAX : b->open_bytes + len;
        return;
    }
    if (b->open) {
        if (b->n == FLOW_BURSTS && pl->cfg.flow_events)
            flow_record(pl, f, FLOW_END_TIMEOUT, 1);
        if (b->n == FLOW_BURSTS) {     /* records are off: the oldest goes */
            memmove(b->ring, b->ring + 1, sizeof(b->ring) - sizeof(b->ring[0]));
            b->n--;
        }
        burst_close(b);
    }
    b->open = 1;
    b->open_ms = b->last_ms = t;
    b->open_bytes = len;
    b->total++;
}

/* flow table callback: f is leaving the table. */
static void on_flow_end(void *ctx, struct flow *f, int reason)
{
    struct pipeline *pl = ctx;
    struct dpi_result r;

    if (f->ooo_slot != FLOW_NONE) {   /* what is held is all there is */
        ooo_drain(pl, f, DIR_TOSERVER, 1, UINT64_MAX);
        ooo_drain(pl, f, DIR_TOCLIENT, 1, UINT64_MAX);
        ooo_release(pl, f);
    }
    detach(pl, f, APP_DONE);          /* may emit the TLS event first */
    if (f->dpi_slot != FLOW_NONE) {
        dpi_finish(pl->dpi, f->dpi_slot, &r);
        dpi_done(pl, f, &r);
    } else if (f->dpi_state == 4 && pl->dpi) {
        /* our TLS parser never saw a whole handshake */
        struct sh_addr srv;
        addr_from_key(&srv, &f->key, !f->client_is_a);
        dpi_classify_tls(pl->dpi, NULL, &srv, f->client_is_a ? f->key.pb : f->key.pa, &r);
        dpi_done(pl, f, &r);
    }

    if (!pl->cfg.flow_events)
        return;
    /* a burst still open ends with the flow; a full ring goes out first */
    for (int dir = 0; dir < 2; dir++)
        if (f->burst[dir].open && f->burst[dir].n == FLOW_BURSTS)
            flow_record(pl, f, reason, 1);
    burst_close(&f->burst[DIR_TOSERVER]);
    burst_close(&f->burst[DIR_TOCLIENT]);
    flow_record(pl, f, reason, 0);
}

/* ---- packets ------------------------------------------------------ */

static void arp_obs_out(struct pipeline *pl, struct arp_obs *o, int n,
                        const struct pkt *pk, uint64_t ts)
{
    for (int i = 0; i < n; i++) {
        struct sh_event *ev = &pl->ev;
        o[i].vlan = pk->vlan;   /* one IP may live on several VLANs */
        if (arp_table_observe(pl->arp, &o[i], ts, ev) != 1)
            continue;
        header_from_pkt(ev, pk, NULL);
        if (o[i].ndp == 0) {
            ev->src.family = ev->dst.family = 0;
            ev->proto = 0;
            ev->sport = ev->dport = 0;
        }
        ev->ts_us = ts;
        emit(pl, ev);
    }
}

/* QUIC on any UDP port: a client Initial of a known version attaches the
 * parser (the first MAX_PROBES client datagrams are probed); every
 * datagram of the flow then goes to it until its event is out. */
static void udp_quic(struct pipeline *pl, struct flow *f, int dir,
                     const struct pkt *pk, uint64_t ts)
{
    if (f->app_kind == APP_NONE) {
        if (dir != DIR_TOSERVER)
            return;
        int pr = quic_probe(pk->payload, pk->payload_len);
        if (pr == 2) {
            pl->app.quic_unknown_version++;
            f->app_kind = APP_DONE;
            return;
        }
        if (pr != 1) {
            if (++f->app_probes >= MAX_PROBES)
                f->app_kind = APP_DONE;
            return;
        }
        if (attach(pl, f, APP_QUIC) < 0)
            return;              /* pool empty (counted): later datagrams retry */
    }
    if (f->app_kind != APP_QUIC || f->app_slot == FLOW_NONE)
        return;
    void *s = pool_at(pl->quic_pool, f->app_slot);
    pl->cur = f;
    quic_feed(s, dir, pk->payload, pk->payload_len, ts, &pl->sink);
    if (quic_done(s))
        detach(pl, f, APP_DONE);
    pl->cur = NULL;
}

static void udp_app(struct pipeline *pl, struct flow *f, int dir,
                    const struct pkt *pk, uint64_t ts)
{
    struct sh_event *ev = &pl->ev;
    if (!pk->payload_len)
        return;
    if (is_dns_port(pl, pk->sport) || is_dns_port(pl, pk->dport)) {
        ev_reset(ev, EV_DNS);
        if (dns_parse(pk->payload, pk->payload_len, 0, ev) == 0) {
            pl->app.dns_parsed++;
            if (ev->flags & EVF_MALFORMED)
                pl->app.dns_malformed++;
            header_from_pkt(ev, pk, f);
            ev->ts_us = ts;
            dns_event_out(pl, ev);
        } else {
            pl->app.dns_malformed++;
        }
        return;
    }
    if ((pk->sport == 67 || pk->sport == 68) &&
        (pk->dport == 67 || pk->dport == 68)) {
        ev_reset(ev, EV_DHCP);
        if (dhcp_parse(pk->payload, pk->payload_len, ev) == 0) {
            pl->app.dhcp_parsed++;
            header_from_pkt(ev, pk, f);
            ev->ts_us = ts;
            emit(pl, ev);
        } else {
            pl->app.dhcp_malformed++;
        }
        return;
    }
    /* RFC 8415 7.2: clients on 546, servers and relays on 547 (a relay
     * may send from another port, RFC 8357); DHCPv6 runs over IPv6 only */
    if (pk->ipver == 6 &&
        (pk->sport == DHCP6_CLIENT_PORT || pk->sport == DHCP6_SERVER_PORT ||
         pk->dport == DHCP6_CLIENT_PORT || pk->dport == DHCP6_SERVER_PORT)) {
        ev_reset(ev, EV_DHCP6);
        if (dhcp6_parse(pk->payload, pk->payload_len, ev) == 0) {
            pl->app.dhcp6_parsed++;
            if (ev->flags & EVF_MALFORMED)
                pl->app.dhcp6_malformed++;
            header_from_pkt(ev, pk, f);
            ev->ts_us = ts;
            emit(pl, ev);
        } else {
            pl->app.dhcp6_malformed++;
        }
        return;
    }
    if (pk->payload_len == pk->payload_wire_len)   /* not cut by the snaplen */
        udp_quic(pl, f, dir, pk, ts);
}

/* A Router Advertisement (the caller checked type 134, hop limit 255):
 * one EV_RA in the packet's direction, src = the router's link-local. */
static void ra_out(struct pipeline *pl, struct flow *f, const struct pkt *pk,
                   uint64_t ts)
{
    struct sh_event *ev = &pl->ev;
    int rc;

    ev_reset(ev, EV_RA);
    rc = ra_parse(pk->payload, pk->payload_len, &pk->src, ev);
    if (rc < 0) {
        pl->app.ra_malformed++;
        return;
    }
    pl->app.ra_parsed++;
    if (ev->flags & EVF_MALFORMED)
        pl->app.ra_malformed++;
    if (rc > ev->u.ra.nprefix)
        pl->app.ra_prefixes_dropped += (uint64_t)(rc - ev->u.ra.nprefix);
    header_from_pkt(ev, pk, f);
    ev->ts_us = ts;
    emit(pl, ev);
}

static void expire(struct pipeline *pl, int flush)
{
    struct sh_event *ev = &pl->ev;
    uint64_t to = (uint64_t)pl->cfg.dns_timeout_ms * 1000;
    if (flush)
        flow_flush(pl->ft, FLOW_END_SHUTDOWN);
    else
        flow_expire(pl->ft, pl->now_us);
    while (dnspair_expire(pl->dnsp, pl->now_us, to, flush, ev)) {
        pl->st.dns_unanswered++;
        emit(pl, ev);
    }
}

void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts,
                     const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
    struct pkt pk;
    struct flow_key key;
    struct flow *f;
    int src_is_a, created, dir, rc;

    pl->st.packets++;
    pl->st.bytes += wirelen;
    if (ts > pl->now_us)
        pl->now_us = ts;
    else if (ts + 1000000 < pl->now_us)
        pl->st.time_backwards++;

    pk.ts_us = ts;
    pk.caplen = caplen;
    pk.wirelen = wirelen;
    rc = decode_packet(dlt, frame, caplen, (uint16_t)pl->cfg.vxlan_port, &pk);
    if (rc != DEC_OK) {
        pl->st.decode_err[rc]++;
        goto tick;
    }
    if (pk.tunnel)
        pl->st.tunnelled++;

    if (pk.arp) {
        struct arp_obs o[2];
        pl->st.arp++;
        int n = arp_parse(pk.arp, pk.arp_len, o, 2);
        if (n < 0) {
            pl->app.arp_malformed++;
        } else {
            pl->app.arp_parsed++;
            arp_obs_out(pl, o, n, &pk, ts);
        }
        goto tick;
    }

    if (pk.ipver == 4)
        pl->st.ipv4++;
    else
        pl->st.ipv6++;

    flow_key_from_pkt(&pk, &key, &src_is_a);
    f = flow_lookup(pl->ft, &key, pl->now_us, &created);

    if (!created && key.proto == 6 &&
        (pk.tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN &&
        (f->tcp_state == TCPS_CLOSED || f->tcp_state == TCPS_RESET)) {
        /* a new connection on a finished 5-tuple (port reuse) */
        pl->st.tcp_port_reuse++;
        flow_end(pl->ft, f, FLOW_END_CLOSED);
        f = flow_lookup(pl->ft, &key, pl->now_us, &created);
    }

    if (created) {
        f->client_is_a = (uint8_t)src_is_a;
        if (key.proto == 6 && (pk.tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
            f->client_is_a = (uint8_t)!src_is_a;
        else if (!(key.proto == 6 && (pk.tcp_flags & TH_SYN)) &&
                 pk.sport < 1024 && pk.dport >= 1024)
            f->client_is_a = (uint8_t)!src_is_a;
        if (!pl->cfg.dpi_enabled)
            f->dpi_state = 3;
    }
    dir = src_is_a == f->client_is_a ? DIR_TOSERVER : DIR_TOCLIENT;

    f->pkts[dir]++;
    f->bytes[dir] += wirelen;
    f->payload[dir] += pk.payload_wire_len;
    if (pk.payload_wire_len)
        burst_note(pl, f, dir, ts,
                   pk.payload_wire_len > UINT32_MAX ? UINT32_MAX : (uint32_t)pk.payload_wire_len);
    if (pk.has_mac)
        flow_macs(f, dir, pk.smac, pk.dmac);

    int klass;
    switch (key.proto) {
    case 6:
        pl->st.tcp++;
        tcp_track(f, dir, pk.tcp_flags);
        klass = tcp_class(f->tcp_state);
        break;
    case 17:
        pl->st.udp++;
        klass = FC_UDP;
        break;
    case 1:
    case 58:
        pl->st.icmp++;
        if (f->pkts[0] + f->pkts[1] == 1) {
            f->icmp_type = pk.icmp_type;
            f->icmp_code = pk.icmp_code;
        }
        klass = FC_ICMP;
        break;
    default:
        pl->st.other_l4++;
        klass = FC_OTHER;
        break;
    }
    flow_touch(pl->ft, f, klass, pl->now_us);
    /* a long flow reports while it lives (every update interval of activity) */
    if (pl->cfg.flow_update_s && pl->cfg.flow_events &&
        f->last_us >= (f->report_us ? f->report_us : f->first_us) +
                      (uint64_t)pl->cfg.flow_update_s * 1000000)
        flow_record(pl, f, FLOW_END_TIMEOUT, 1);

    switch (key.proto) {
    case 6:
        if (f->ooo_slot != FLOW_NONE)
            ooo_expire(pl, f, dir, &pk, ts);
        tcp_stream(pl, f, dir, &pk, ts);
        break;
    case 17:
        if (!pk.first_frag)
            udp_app(pl, f, dir, &pk, ts);
        break;
    case 58:
        /* NDP is only valid with hop limit 255 (RFC 4861 7.1.1): anything
         * else was routed and may be forged from afar */
        if ((pk.icmp_type >= 133 && pk.icmp_type <= 136) && pk.ttl == 255) {
            struct arp_obs o[2];
            int n = arp_parse_ndp(pk.payload, pk.payload_len, &pk.src, o, 2);
            if (n < 0) {
                pl->app.ndp_malformed++;
            } else {
                pl->app.ndp_parsed++;
                arp_obs_out(pl, o, n, &pk, ts);
            }
            /* RFC 6980 5: fragmented neighbour discovery is ignored */
            if (pk.icmp_type == RA_ICMP6_TYPE && !pk.first_frag)
                ra_out(pl, f, &pk, ts);
        }
        break;
    }

    /* nDPI: payload packets only, until it has a final verdict */
    /* a TLS connection our parser took is named from its SNI instead */
    if (f->tls_parsed && f->dpi_state == 0 && pl->cfg.dpi_tls_parser && pl->dpi)
        f->dpi_state = 4;
    if (pk.payload_len && f->dpi_state < 2 && (key.proto == 6 || key.proto == 17)) {
        if (f->dpi_state == 0) {
            f->dpi_slot = dpi_acquire(pl->dpi);
            f->dpi_state = f->dpi_slot == DPI_NONE ? 3 : 1;
            if (f->dpi_slot == DPI_NONE)
                f->dpi_slot = FLOW_NONE;
        }
        if (f->dpi_state == 1) {
            struct dpi_result r;
            if (dpi_feed(pl->dpi, f->dpi_slot, pk.l3, pk.l3_len, ts, &r))
                dpi_done(pl, f, &r);
        }
    }


tick:
    if (pl->now_us >= pl->last_expire_us + 1000000) {
        pl->last_expire_us = pl->now_us;
        expire(pl, 0);
    }
}

void pipeline_tick(struct pipeline *pl, uint64_t now_us)
{
    if (now_us > pl->now_us)
        pl->now_us = now_us;
    if (pl->now_us >= pl->last_expire_us + 1000000) {
        pl->last_expire_us = pl->now_us;
        expire(pl, 0);
    }
}

void pipeline_finish(struct pipeline *pl)
{
    pl->finishing = 1;
    expire(pl, 1);
}

struct pipeline *pipeline_create(const struct pipeline_cfg *cfg,
                                 pipeline_out_fn out, void *ctx,
                                 char *err, size_t errlen)
{
    struct pipeline *pl = calloc(1, sizeof(*pl));
    if (!pl) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pl->cfg = *cfg;
    pl->out = out;
    pl->out_ctx = ctx;
    pl->sink.emit = app_emit;
    pl->sink.ctx = pl;
    pl->sink.stats = &pl->app;

    pl->ft = flow_table_create(cfg->flow_capacity, &cfg->timeouts,
                               on_flow_end, pl, err, errlen);
    if (!pl->ft)
        goto fail;
    if (cfg->dpi_enabled) {
        pl->dpi = dpi_create(cfg->dpi_pool, cfg->dpi_max_packets, cfg->dpi_extra,
                             err, errlen);
        if (!pl->dpi)
            goto fail;
    }
    pl->http_pool = pool_create(cfg->http_states, http_state_size(), err, errlen);
    if (!pl->http_pool)
        goto fail;
    pl->tls_pool = pool_create(cfg->tls_states, tls_state_size(), err, errlen);
    if (!pl->tls_pool)
        goto fail;
    pl->dns_pool = pool_create(cfg->dns_tcp_states, dns_tcp_state_size(), err, errlen);
    if (!pl->dns_pool)
        goto fail;
    pl->ooo_pool = pool_create(cfg->reorder_flows, sizeof(struct ooo_slot), err, errlen);
    if (!pl->ooo_pool)
        goto fail;
    pl->quic_pool = pool_create(cfg->quic_states, quic_state_size(), err, errlen);
    if (!pl->quic_pool)
        goto fail;
    pl->dnsp = dnspair_create(cfg->dns_pending, err, errlen);
    if (!pl->dnsp)
        goto fail;
    pl->arp = arp_table_create(cfg->arp_capacity,
                               (uint64_t)cfg->arp_refresh_s * 1000000ULL,
                               err, errlen);
    if (!pl->arp)
        goto fail;
    return pl;
fail:
    pipeline_destroy(pl);
    return NULL;
}

void pipeline_destroy(struct pipeline *pl)
{
    if (!pl)
        return;
    flow_table_destroy(pl->ft);
    dpi_destroy(pl->dpi);
    pool_destroy(pl->http_pool);
    pool_destroy(pl->tls_pool);
    pool_destroy(pl->dns_pool);
    pool_destroy(pl->ooo_pool);
    pool_destroy(pl->quic_pool);
    dnspair_destroy(pl->dnsp);
    arp_table_destroy(pl->arp);
    free(pl);
}

void pipeline_get_stats(const struct pipeline *pl, struct pipeline_stats *s)
{
    *s = pl->st;
}

void pipeline_flow_stats(const struct pipeline *pl, struct flow_table_stats *s)
{
    flow_table_stats(pl->ft, s);
}

static void pr(FILE *fp, const char *name, uint64_t v)
{
    fprintf(fp, "%-36s %llu\n", name, (unsigned long long)v);
}

static void pr_pool(FILE *fp, const char *prefix, const struct pool *p)
{
    struct pool_stats ps;
    char name[96];
    pool_get_stats(p, &ps);
    snprintf(name, sizeof(name), "%s_peak", prefix);
    pr(fp, name, ps.peak);
    snprintf(name, sizeof(name), "%s_exhausted", prefix);
    pr(fp, name, ps.exhausted);
}

void pipeline_print_stats(const struct pipeline *pl, FILE *fp)
{
    const struct pipeline_stats *s = &pl->st;
    struct flow_table_stats fs;
    struct dnspair_stats ds;
    char name[96];

    pr(fp, "capture.packets", s->packets);
    pr(fp, "capture.bytes", s->bytes);
    pr(fp, "decode.ipv4", s->ipv4);
    pr(fp, "decode.ipv6", s->ipv6);
    pr(fp, "decode.tcp", s->tcp);
    pr(fp, "decode.udp", s->udp);
    pr(fp, "decode.icmp", s->icmp);
    pr(fp, "decode.other_l4", s->other_l4);
    pr(fp, "decode.arp", s->arp);
    pr(fp, "decode.tunnelled", s->tunnelled);
    for (int i = 1; i < DEC_ERR_MAX; i++) {
        snprintf(name, sizeof(name), "decode.%s", decode_err_name(i));
        pr(fp, name, s->decode_err[i]);
    }
    pr(fp, "decode.time_backwards", s->time_backwards);
    pr(fp, "flow.updates", s->flow_updates);

    flow_table_stats(pl->ft, &fs);
    pr(fp, "flow.created", fs.created);
    pr(fp, "flow.ended", fs.ended);
    pr(fp, "flow.timed_out", fs.timed_out);
    pr(fp, "flow.closed", fs.closed);
    pr(fp, "flow.evicted", fs.evicted);
    pr(fp, "flow.flushed", fs.flushed);
    pr(fp, "flow.active", fs.active);
    pr(fp, "flow.peak_active", fs.peak_active);
    pr(fp, "tcp.gaps", s->tcp_gaps);
    pr(fp, "tcp.retransmits", s->tcp_retransmits);
    pr(fp, "tcp.reordered", s->tcp_reordered);
    pr(fp, "tcp.port_reuse", s->tcp_port_reuse);
    pr(fp, "tcp.snap_truncated", s->snap_truncated);

    if (pl->dpi) {
        struct dpi_stats d;
        dpi_get_stats(pl->dpi, &d);
        pr(fp, "dpi.flows_inspected", d.flows_inspected);
        pr(fp, "dpi.flows_classified", d.flows_classified);
        pr(fp, "dpi.flows_guessed", d.flows_guessed);
        pr(fp, "dpi.flows_unknown", d.flows_unknown);
        pr(fp, "dpi.packets", d.packets);
        pr(fp, "dpi.pool_exhausted", d.pool_exhausted);
        pr(fp, "dpi.pool_peak", d.pool_peak);
    }

    pr(fp, "dns.parsed", pl->app.dns_parsed);
    pr(fp, "dns.malformed", pl->app.dns_malformed);
    pr(fp, "dns.tcp_oversize", pl->app.dns_tcp_oversize);
    dnspair_get_stats(pl->dnsp, &ds);
    pr(fp, "dns.queries", ds.queries);
    pr(fp, "dns.paired", ds.paired);
    pr(fp, "dns.unanswered", ds.unanswered);
    pr(fp, "dns.pending_overflow", ds.overflow);
    pr(fp, "dns.answers_mismatched", ds.mismatched);
    pr(fp, "dns.pending_compactions", ds.compactions);
    pr(fp, "http.transactions", pl->app.http_tx);
    pr(fp, "http.malformed", pl->app.http_malformed);
    pr(fp, "http.gaps", pl->app.http_gaps);
    pr(fp, "tls.handshakes", pl->app.tls_handshakes);
    pr(fp, "tls.malformed", pl->app.tls_malformed);
    pr(fp, "tls.gaps", pl->app.tls_gaps);
    pr(fp, "tls.certificates", pl->app.tls_certs);
    pr(fp, "tls.certificates_malformed", pl->app.tls_cert_malformed);
    pr(fp, "quic.initials", pl->app.quic_initials);
    pr(fp, "quic.decrypt_failed", pl->app.quic_decrypt_failed);
    pr(fp, "quic.clienthellos", pl->app.quic_clienthellos);
    pr(fp, "quic.serverhellos", pl->app.quic_serverhellos);
    pr(fp, "quic.reassembly_overflow", pl->app.quic_reassembly_overflow);
    pr(fp, "quic.malformed", pl->app.quic_malformed);
    pr(fp, "quic.unknown_version", pl->app.quic_unknown_version);
    pr(fp, "quic.events", pl->app.quic_events);
    pr(fp, "quic.ndpi_sni_only", pl->app.quic_ndpi_sni);
    pr(fp, "dhcp.parsed", pl->app.dhcp_parsed);
    pr(fp, "dhcp.malformed", pl->app.dhcp_malformed);
    pr(fp, "arp.parsed", pl->app.arp_parsed);
    pr(fp, "arp.malformed", pl->app.arp_malformed);
    pr(fp, "ndp.parsed", pl->app.ndp_parsed);
    pr(fp, "ndp.malformed", pl->app.ndp_malformed);
    pr(fp, "ra.parsed", pl->app.ra_parsed);
    pr(fp, "ra.malformed", pl->app.ra_malformed);
    pr(fp, "ra.prefixes_dropped", pl->app.ra_prefixes_dropped);
    pr(fp, "dhcp6.parsed", pl->app.dhcp6_parsed);
    pr(fp, "dhcp6.malformed", pl->app.dhcp6_malformed);
    {
        struct arp_table_stats as;
        arp_table_stats(pl->arp, &as);
        pr(fp, "arp.bindings_added", as.added);
        pr(fp, "arp.bindings_changed", as.changed);
        pr(fp, "arp.bindings_evicted", as.evicted);
    }
    pr_pool(fp, "parser.http_states", pl->http_pool);
    pr_pool(fp, "parser.tls_states", pl->tls_pool);
    pr_pool(fp, "parser.dns_tcp_states", pl->dns_pool);
    pr_pool(fp, "tcp.reorder_flows", pl->ooo_pool);
    pr_pool(fp, "parser.quic_states", pl->quic_pool);

    static const char *const evn[EV_TYPE_MAX] = {
        "none", "dns", "http", "tls", "dhcp", "arp", "flow", "ra", "dhcp6"
    };
    for (int i = 1; i < EV_TYPE_MAX; i++) {
        snprintf(name, sizeof(name), "events.%s", evn[i]);
        pr(fp, name, s->events[i]);
    }
}

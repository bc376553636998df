/*
 * engine_events.h -- the detection engine's test events, shared by the unit
 * tests that drive a whole engine (test_detect, test_snapshot): verdicts
 * collected, addresses, algorithmic-looking names, DNS queries and answers,
 * DHCP acks from 10.0.0.1, ARP claims, idle ticks, NXDOMAIN bursts.
 * Include after defining S (one second in microseconds) and MAXV.
 */
#ifndef SH_TEST_ENGINE_EVENTS_H
#define SH_TEST_ENGINE_EVENTS_H

#include <stdint.h>
#include <string.h>

#include "../../capture/event.h"
#include "../../detect/detect.h"

struct seen {
    int n;
    struct verdict v[MAXV];
};

static inline void on_verdict(void *ctx, const struct verdict *v)
{
    struct seen *s = ctx;
    if (s->n < MAXV)
        s->v[s->n] = *v;
    s->n++;
}

static inline struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

static uint32_t rng = 12345;
static inline uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* a random algorithmic-looking registrable domain */
static inline void random_name(char *buf, size_t len)
{
    static const char *tlds[] = { "com", "net", "info", "biz" };
    int n = 11 + (int)(next() % 5);
    size_t k = 0;
    for (int i = 0; i < n && k + 1 < len; i++)
        buf[k++] = (char)('a' + next() % 26);
    snprintf(buf + k, len - k, ".%s", tlds[next() % 4]);
}

static inline struct sh_event dns_answer(const char *client, const char *server, const char *name,
                                         int rcode, const char *addr, uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_DNS);
    ev.ts_us = ts;
    ev.proto = 17;
    ev.src = ip(server);
    ev.dst = ip(client);
    ev.sport = 53;
    ev.dport = 50000;
    ev.u.dns.qr = 1;
    ev.u.dns.paired = 1;                 /* an answer to a query we saw */
    ev.u.dns.rcode = (uint8_t)rcode;
    ev.u.dns.nq = 1;
    ev.u.dns.q[0].type = 1;
    ev.u.dns.q[0].name = ev_puts(&ev, name, 0);
    if (addr) {
        ev.u.dns.nan = 1;
        ev.u.dns.an[0].type = 1;
        ev.u.dns.an[0].name = ev.u.dns.q[0].name;
        ev.u.dns.an[0].data = ev_puts(&ev, addr, 0);
    }
    return ev;
}

static inline struct sh_event dns_query(const char *client, const char *server, const char *name,
                                        uint16_t qtype, uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_DNS);
    ev.ts_us = ts;
    ev.proto = 17;
    ev.src = ip(client);
    ev.dst = ip(server);
    ev.sport = 50000;
    ev.dport = 53;
    ev.u.dns.nq = 1;
    ev.u.dns.q[0].type = qtype;
    ev.u.dns.q[0].name = ev_puts(&ev, name, 0);
    return ev;
}

static inline struct sh_event dhcp_ack(const char *client, const uint8_t mac[6],
                                       const char *hostname, uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_DHCP);
    ev.ts_us = ts;
    ev.proto = 17;
    ev.src = ip("10.0.0.1");
    ev.dst = ip(client);
    ev.u.dhcp.op = 2;
    ev.u.dhcp.msg_type = 5;
    memcpy(ev.u.dhcp.client_mac, mac, 6);
    ev.u.dhcp.assigned_ip = ip(client);
    ev.u.dhcp.hostname = ev_puts(&ev, hostname, 0);
    return ev;
}

static inline struct sh_event tick(uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_ARP);
    ev.ts_us = ts;
    ev.u.arp.ip = ip("198.51.100.1");   /* external: touches no host */
    return ev;
}

/* n NXDOMAINs for fresh random names, one every 3 s from t */
static inline uint64_t nx_burst(struct detect *d, const char *client, int n, uint64_t t)
{
    char name[64];
    for (int i = 0; i < n; i++) {
        random_name(name, sizeof(name));
        struct sh_event ev = dns_answer(client, "10.0.0.53", name, 3, NULL, t);
        detect_event(d, &ev);
        t += 3 * S;
    }
    return t;
}

static inline struct sh_event arp_claim(const char *addr, const uint8_t mac[6],
                                        const uint8_t eth[6], uint64_t ts)
{
    struct sh_event ev;
    ev_reset(&ev, EV_ARP);
    ev.ts_us = ts;
    ev.has_mac = 1;
    memcpy(ev.src_mac, eth, 6);
    memcpy(ev.u.arp.mac, mac, 6);
    ev.u.arp.ip = ip(addr);
    return ev;
}

#endif /* SH_TEST_ENGINE_EVENTS_H */

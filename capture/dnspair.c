/*
 * dnspair.c -- DNS query/response pairing.  See dnspair.h.
 *
 * Entries live in a circular array in arrival order, so expiry is a pop
 * from the head; answered entries are unlinked from their hash chain and
 * marked dead, and the head skips them.  Chains are singly linked through
 * entry indices.
 */
#include "dnspair.h"
#include "hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct entry {
    uint64_t flow_id;
    uint64_t ts_us;
    uint32_t hnext;
    uint16_t id, qtype, qclass, vlan;
    uint16_t sport, dport;
    uint8_t  proto, live, has_mac, tcp;
    uint8_t  smac[6], dmac[6];
    struct sh_addr src, dst;
    uint16_t qlen;
    char     qname[256];
};

struct dnspair {
    struct entry *e;
    uint32_t *bkt;
    uint32_t cap, mask;
    uint32_t head, count;
    uint32_t dead;            /* answered entries still inside the ring  */
    struct dnspair_stats st;
    struct hkey key;
};

/* flow ids are predictable (fixed key), so the bucket hash is keyed */
static uint32_t key_hash(const struct dnspair *t, uint64_t flow_id, uint16_t id)
{
    uint64_t k[2] = { flow_id, id };
    return (uint32_t)hk_bytes(&t->key, k, sizeof(k));
}

struct dnspair *dnspair_create(uint32_t capacity, char *err, size_t errlen)
{
    struct dnspair *t = calloc(1, sizeof(*t));
    uint32_t nb = 1;

    if (!t || capacity == 0 || capacity > (1u << 28))
        goto fail;
    while (nb < capacity)
        nb <<= 1;
    t->cap = capacity;
    t->mask = nb - 1;
    hk_init(&t->key);
    t->e = calloc(capacity, sizeof(*t->e));
    t->bkt = malloc((size_t)nb * sizeof(*t->bkt));
    if (!t->e || !t->bkt)
        goto fail;
    memset(t->bkt, 0xff, (size_t)nb * sizeof(*t->bkt));
    return t;
fail:
    snprintf(err, errlen, "cannot allocate a DNS pairing table of %u queries",
             capacity);
    dnspair_destroy(t);
    return NULL;
}

void dnspair_destroy(struct dnspair *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->bkt);
    free(t);
}

static void unlink_entry(struct dnspair *t, uint32_t i)
{
    struct entry *x = &t->e[i];
    if (!x->live)
        return;
    uint32_t *pp = &t->bkt[key_hash(t, x->flow_id, x->id) & t->mask];
    while (*pp != NONE) {
        if (*pp == i) {
            *pp = x->hnext;
            break;
        }
        pp = &t->e[*pp].hnext;
    }
    x->live = 0;
}

static uint32_t find(const struct dnspair *t, uint64_t flow_id, uint16_t id)
{
    uint32_t i = t->bkt[key_hash(t, flow_id, id) & t->mask];
    while (i != NONE) {
        const struct entry *x = &t->e[i];
        if (x->flow_id == flow_id && x->id == id)
            return i;
        i = x->hnext;
    }
    return NONE;
}

/* Drop dead entries at the head. */
static void trim(struct dnspair *t)
{
    while (t->count && !t->e[t->head].live) {
        t->head = (t->head + 1) % t->cap;
        t->count--;
        t->dead--;
    }
}

/* Answered entries behind a waiting one still hold their slots; when the
 * ring is full, squeeze them out (moving live entries down, in order, and
 * rebuilding the hash chains) before forgetting a query that is still
 * pending.  O(capacity), and only when answered entries exist. */
static void compact(struct dnspair *t)
{
    uint32_t w = 0;
    for (uint32_t k = 0; k < t->count; k++) {
        uint32_t from = (t->head + k) % t->cap;
        if (!t->e[from].live)
            continue;
        uint32_t to = (t->head + w) % t->cap;
        if (to != from)
            t->e[to] = t->e[from];
        w++;
    }
    for (uint32_t k = w; k < t->count; k++)
        t->e[(t->head + k) % t->cap].live = 0;
    t->count = w;
    t->dead = 0;
    memset(t->bkt, 0xff, ((size_t)t->mask + 1) * sizeof(*t->bkt));
    for (uint32_t k = 0; k < w; k++) {
        uint32_t i = (t->head + k) % t->cap;
        uint32_t b = key_hash(t, t->e[i].flow_id, t->e[i].id) & t->mask;
        t->e[i].hnext = t->bkt[b];
        t->bkt[b] = i;
    }
}

void dnspair_query(struct dnspair *t, const struct sh_event *q)
{
    const struct ev_dns *d = &q->u.dns;
    uint32_t i;

    if (find(t, q->flow_id, d->id) != NONE) {
        t->st.duplicates++;
        return;
    }
    trim(t);
    /* compacting costs O(capacity): only when it frees a quarter */
    if (t->count == t->cap && t->dead >= t->cap / 4 && t->dead) {
        compact(t);
        t->st.compactions++;
    }
    if (t->count == t->cap) {
        /* full of pending queries: the oldest is forgotten, unreported */
        unlink_entry(t, t->head);
        t->head = (t->head + 1) % t->cap;
        t->count--;
        t->st.overflow++;
        trim(t);
    }
    i = (t->head + t->count) % t->cap;
    t->count++;

    struct entry *x = &t->e[i];
    x->flow_id = q->flow_id;
    x->ts_us = q->ts_us;
    x->id = d->id;
    x->qtype = d->nq ? d->q[0].type : 0;
    x->qclass = d->nq ? d->q[0].klass : 0;
    x->vlan = q->vlan;
    x->sport = q->sport;
    x->dport = q->dport;
    x->proto = q->proto;
    x->tcp = d->tcp;
    x->has_mac = q->has_mac;
    memcpy(x->smac, q->src_mac, 6);
    memcpy(x->dmac, q->dst_mac, 6);
    x->src = q->src;
    x->dst = q->dst;
    x->qlen = 0;
    if (d->nq) {
        size_t n = d->q[0].name.len;
        if (n > sizeof(x->qname) - 1)
            n = sizeof(x->qname) - 1;
        memcpy(x->qname, ev_s(q, d->q[0].name), n);
        x->qlen = (uint16_t)n;
    }
    x->qname[x->qlen] = '\0';
    x->live = 1;
    uint32_t b = key_hash(t, x->flow_id, x->id) & t->mask;
    x->hnext = t->bkt[b];
    t->bkt[b] = i;
    t->st.queries++;
}

static int same_name(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

int dnspair_answer(struct dnspair *t, struct sh_event *r)
{
    uint32_t i = find(t, r->flow_id, r->u.dns.id);
    if (i == NONE)
        return 0;
    struct entry *x = &t->e[i];
    const struct ev_dns *d = &r->u.dns;
    /* RFC 1035 7.3 / RFC 5452 9.1: the answer must repeat the question */
    if (!d->nq || d->q[0].type != x->qtype || d->q[0].klass != x->qclass ||
        !same_name(ev_s(r, d->q[0].name), d->q[0].name.len, x->qname, x->qlen)) {
        t->st.mismatched++;
        return 0;
    }
    uint64_t rtt = r->ts_us > x->ts_us ? r->ts_us - x->ts_us : 0;
    r->u.dns.paired = 1;
    r->u.dns.rtt_us = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
    r->u.dns.query_has_mac = x->has_mac;
    memcpy(r->u.dns.query_mac, x->smac, 6);
    unlink_entry(t, i);
    t->dead++;
    trim(t);
    t->st.paired++;
    return 1;
}

int dnspair_expire(struct dnspair *t, uint64_t now_us, uint64_t timeout_us,
                   int flush, struct sh_event *ev)
{
    trim(t);
    if (!t->count)
        return 0;
    struct entry *x = &t->e[t->head];
    if (!flush && x->ts_us + timeout_us > now_us)
        return 0;

    ev_reset(ev, EV_DNS);
    ev->ts_us = x->ts_us;
    ev->flow_id = x->flow_id;
    ev->proto = x->proto;
    ev->vlan = x->vlan;
    ev->src = x->src;
    ev->dst = x->dst;
    ev->sport = x->sport;
    ev->dport = x->dport;
    ev->has_mac = x->has_mac;
    memcpy(ev->src_mac, x->smac, 6);
    memcpy(ev->dst_mac, x->dmac, 6);
    struct ev_dns *d = &ev->u.dns;
    d->qr = 0;
    d->id = x->id;
    d->tcp = x->tcp;
    d->unanswered = 1;
    d->qdcount = 1;
    d->nq = 1;
    d->q[0].type = x->qtype;
    d->q[0].klass = x->qclass;
    d->q[0].name = ev_put(ev, x->qname, x->qlen, 0);

    unlink_entry(t, t->head);
    t->head = (t->head + 1) % t->cap;
    t->count--;
    t->st.unanswered++;
    return 1;
}

void dnspair_get_stats(const struct dnspair *t, struct dnspair_stats *s)
{
    *s = t->st;
}

/*
 * arp.c -- IP-to-MAC bindings from ARP (RFC 826) and IPv6 Neighbor
 * Discovery (RFC 4861), and the bounded binding cache.  See arp.h for the
 * contracts.
 *
 * Parsers: every read goes through the rd.h cursor; a binding is only
 * produced from the claim a host makes about itself (ARP sender, NS/RS/RA
 * source, NA target), never from echoed fields.
 *
 * Table: a fixed array of `capacity` entries, a power-of-two bucket array
 * of chain heads (indices, not pointers) and a doubly linked LRU list
 * threaded through the entries by index.  Invariants:
 *  - entries [0, count) are live; count only grows, up to capacity, after
 *    which a new key reuses the LRU tail's slot (evicted++);
 *  - every live entry is on exactly one bucket chain (the one its key
 *    hashes to) and on the LRU list, most recently observed at the head;
 *  - observed = added + changed + refreshed + (observations that gave no
 *    event).
 * Bucket choice uses the keyed SipHash-2-4 of hash.h with a
 * per-table random key, so peers choosing IPv6 addresses cannot make the
 * chains long.  Which bucket holds a key never changes what is emitted.
 */
#include "arp.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "hash.h"
#include "rd.h"

/* ---- ARP (RFC 826) ------------------------------------------------ */

#define ARP_HTYPE_ETHER 1       /* RFC 826, IANA hardware type 1 */
#define ARP_PTYPE_IPV4  0x0800  /* RFC 826: the protocol's ethertype */
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2

/* RFC 1812 3.3.2: a link address that is broadcast or multicast (I/G bit)
 * is never a host's binding; all-zero is no address at all. */
static int mac_is_bindable(const uint8_t *m)
{
    if (m[0] & 1)
        return 0;
    return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) != 0;
}

/* RFC 1122 3.2.1.3: 0/8 ("this network", 0.0.0.0 is the RFC 5227 probe),
 * 127/8 (loopback), 224/4 (multicast, RFC 1112) and 255.255.255.255
 * (limited broadcast) never name a host on the wire as a source. */
static int ipv4_is_bindable(const uint8_t *a)
{
    if (a[0] == 0 || a[0] == 127)
        return 0;
    if (a[0] >= 224 && a[0] <= 239)
        return 0;
    return !(a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

int arp_parse(const uint8_t *p, size_t len, struct arp_obs *out, int max)
{
    struct rd r = rd_init(p, len);
    uint16_t htype, ptype, op;
    uint8_t hlen, plen;
    const uint8_t *sha, *spa;

    /* RFC 826 "Packet format": hrd(2) pro(2) hln(1) pln(1) op(2), then
     * sha(hln) spa(pln) tha(hln) tpa(pln). */
    htype = rd_be16(&r);
    ptype = rd_be16(&r);
    hlen = rd_u8(&r);
    plen = rd_u8(&r);
    op = rd_be16(&r);
    if (r.err)
        return -1;
    if (htype == ARP_HTYPE_ETHER && hlen != 6)   /* Ethernet: 6 octets */
        return -1;
    if (ptype == ARP_PTYPE_IPV4 && plen != 4)    /* IPv4: 4 octets */
        return -1;
    sha = rd_bytes(&r, hlen);
    spa = rd_bytes(&r, plen);
    (void)rd_bytes(&r, hlen);                    /* tha: echoes, unused */
    (void)rd_bytes(&r, plen);                    /* tpa: spa == tpa is a
                                                    gratuitous ARP, still a
                                                    sender binding */
    if (r.err)
        return -1;                               /* shorter than announced */
    if (htype != ARP_HTYPE_ETHER || ptype != ARP_PTYPE_IPV4)
        return 0;                                /* not ours to learn */
    if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
        return 0;                                /* RARP/InARP/unknown */
    if (!ipv4_is_bindable(spa) || !mac_is_bindable(sha))
        return 0;                                /* RFC 5227 probe etc. */
    if (max <= 0 || out == NULL)
        return 0;
    memset(out, 0, sizeof(*out));
    out->ip.family = 4;
    memcpy(out->ip.a, spa, 4);
    memcpy(out->mac, sha, 6);
    out->ndp = 0;
    out->op = (uint8_t)op;
    return 1;
}

/* ---- IPv6 Neighbor Discovery (RFC 4861) --------------------------- */

#define ND_OPT_SLLA 1           /* RFC 4861 4.6.1 Source Link-Layer Address */
#define ND_OPT_TLLA 2           /* RFC 4861 4.6.1 Target Link-Layer Address */

static int ipv6_is_unspecified(const uint8_t *a)
{
    uint8_t acc = 0;

    for (int i = 0; i < 16; i++)
        acc |= a[i];
    return acc == 0;
}

static int ipv6_is_multicast(const uint8_t *a)
{
    return a[0] == 0xff;        /* RFC 4291 2.7: ff00::/8 */
}

static int ipv6_is_link_local(const uint8_t *a)
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;   /* RFC 4291 2.5.6 */
}

int arp_parse_ndp(const uint8_t *p, size_t len, const struct sh_addr *src,
                  struct arp_obs *out, int max)
{
    struct rd r = rd_init(p, len);
    uint8_t type, code, want_opt;
    size_t fixed;                 /* octets after type/code/checksum */
    const uint8_t *target = NULL, *bind_ip, *mac = NULL;
    int src_unspec;

    if (src == NULL || src->family != 6)
        return -1;
    type = rd_u8(&r);
    code = rd_u8(&r);
    (void)rd_be16(&r);            /* checksum: the caller's (RFC 4443 2.3) */
    if (r.err)
        return -1;
    switch (type) {
    case ARP_ICMP6_RS: fixed = 4;  want_opt = ND_OPT_SLLA; break; /* 4.1 */
    case ARP_ICMP6_RA: fixed = 12; want_opt = ND_OPT_SLLA; break; /* 4.2 */
    case ARP_ICMP6_NS: fixed = 20; want_opt = ND_OPT_SLLA; break; /* 4.3 */
    case ARP_ICMP6_NA: fixed = 20; want_opt = ND_OPT_TLLA; break; /* 4.4 */
    default:
        return 0;                 /* not a message that carries bindings */
    }
    if (code != 0)                /* 6.1.1, 6.1.2, 7.1.1, 7.1.2: code 0 */
        return -1;
    /* 6.1.x/7.1.x: ICMP length >= 8 (RS), 16 (RA), 24 (NS, NA). */
    if (type == ARP_ICMP6_NS || type == ARP_ICMP6_NA) {
        (void)rd_bytes(&r, 4);    /* reserved, or NA's R/S/O flags */
        target = rd_bytes(&r, 16);
    } else {
        (void)rd_bytes(&r, fixed);
    }
    if (r.err)
        return -1;
    /* 7.1.1/7.1.2: the target address is not a multicast address. */
    if (target && ipv6_is_multicast(target))
        return -1;
    src_unspec = ipv6_is_unspecified(src->a);
    /* 6.1.2: an RA's IP source is link-local. */
    if (type == ARP_ICMP6_RA && !ipv6_is_link_local(src->a))
        return -1;

    /* 4.6: options are type(1) length(1, units of 8 octets including
     * these two) value; length 0 is invalid (the message is dropped).
     * Unknown options are skipped (4.6). */
    while (rd_left(&r) > 0) {
        uint8_t otype = rd_u8(&r);
        uint8_t olen = rd_u8(&r);
        const uint8_t *body;

        if (r.err || olen == 0)
            return -1;
        body = rd_bytes(&r, (size_t)olen * 8 - 2);
        if (body == NULL)
            return -1;            /* option runs past the message */
        /* 6.1.1/7.1.1: from ::, no Source Link-Layer Address option. */
        if (otype == ND_OPT_SLLA && src_unspec)
            return -1;
        /* RFC 2464 6: on Ethernet the option is 8 octets, 6 of address.
         * Another length is another link type: not a MAC, skipped. */
        if (otype == want_opt && olen == 1 && mac == NULL)
            mac = body;
    }

    bind_ip = type == ARP_ICMP6_NA ? target : src->a;
    if (mac == NULL)
        return 0;
    if (ipv6_is_unspecified(bind_ip) || ipv6_is_multicast(bind_ip))
        return 0;                 /* DAD or a bogus source: no host */
    if (!mac_is_bindable(mac))
        return 0;
    if (max <= 0 || out == NULL)
        return 0;
    memset(out, 0, sizeof(*out));
    out->ip.family = 6;
    memcpy(out->ip.a, bind_ip, 16);
    memcpy(out->mac, mac, 6);
    out->ndp = 1;
    out->op = type;
    return 1;
}

/* ---- binding table ------------------------------------------------ */

#define NIL UINT32_MAX

struct arp_entry {
    uint8_t  a[16];             /* address; IPv4 in a[0..3], rest zero  */
    uint8_t  family;
    uint8_t  mac[6];
    uint16_t vlan;
    uint32_t hnext;             /* next on the bucket chain, or NIL      */
    uint32_t prev, next;        /* LRU neighbours (prev = more recent)   */
    uint64_t last_emit_us;      /* packet time of the last event         */
};

struct arp_table {
    struct arp_entry *e;        /* capacity entries (same allocation)    */
    uint32_t *bucket;           /* nbucket chain heads (same allocation) */
    size_t   capacity, count;
    uint32_t mask;              /* nbucket - 1, nbucket a power of two   */
    uint32_t head, tail;        /* LRU: head most recent, tail evicted   */
    uint64_t refresh_us;
    struct hkey key;            /* SipHash key (hash.h)                  */
    struct arp_table_stats st;
};

/* The lookup key, normalised: IPv4 uses a[0..3], the rest is zero. */
struct key {
    uint8_t  a[16];
    uint8_t  family;
    uint16_t vlan;
};

static uint32_t key_bucket(const struct arp_table *t, const struct key *k)
{
    uint8_t m[19];

    memcpy(m, k->a, 16);
    m[16] = k->family;
    m[17] = (uint8_t)(k->vlan >> 8);
    m[18] = (uint8_t)k->vlan;
    return (uint32_t)hk_bytes(&t->key, m, sizeof(m)) & t->mask;
}

static int key_eq(const struct arp_entry *e, const struct key *k)
{
    return e->family == k->family && e->vlan == k->vlan &&
           memcmp(e->a, k->a, 16) == 0;
}

static struct key entry_key(const struct arp_entry *e)
{
    struct key k;

    memcpy(k.a, e->a, 16);
    k.family = e->family;
    k.vlan = e->vlan;
    return k;
}

static void lru_unlink(struct arp_table *t, uint32_t i)
{
    struct arp_entry *e = &t->e[i];

    if (e->prev != NIL)
        t->e[e->prev].next = e->next;
    else
        t->head = e->next;
    if (e->next != NIL)
        t->e[e->next].prev = e->prev;
    else
        t->tail = e->prev;
    e->prev = e->next = NIL;
}

static void lru_push_head(struct arp_table *t, uint32_t i)
{
    struct arp_entry *e = &t->e[i];

    e->prev = NIL;
    e->next = t->head;
    if (t->head != NIL)
        t->e[t->head].prev = i;
    t->head = i;
    if (t->tail == NIL)
        t->tail = i;
}

/* Remove entry i from its bucket chain (it is on it: invariant). */
static void hash_unlink(struct arp_table *t, uint32_t i)
{
    struct key k = entry_key(&t->e[i]);
    uint32_t *pp = &t->bucket[key_bucket(t, &k)];
    while (*pp != NIL && *pp != i)
        pp = &t->e[*pp].hnext;
    if (*pp == i)
        *pp = t->e[i].hnext;
    t->e[i].hnext = NIL;
}

struct arp_table *arp_table_create(size_t capacity, uint64_t refresh_us,
                                   char *err, size_t errlen)
{
    struct arp_table *t;
    size_t nbucket = 1, off_e, off_b, total;

    if (capacity == 0 || capacity > ARP_TABLE_MAX_CAPACITY) {
        if (err && errlen)
            snprintf(err, errlen, "arp table capacity %zu out of 1..%u",
                     capacity, (unsigned)ARP_TABLE_MAX_CAPACITY);
        return NULL;
    }
    while (nbucket < capacity)          /* load factor <= 1 */
        nbucket <<= 1;
    /* One block: the table, the entries, the bucket heads.  capacity is
     * at most 2^24, so none of these products can overflow. */
    off_e = (sizeof(struct arp_table) + 15) & ~(size_t)15;
    off_b = off_e + capacity * sizeof(struct arp_entry);
    total = off_b + nbucket * sizeof(uint32_t);
    t = malloc(total);
    if (t == NULL) {
        if (err && errlen)
            snprintf(err, errlen, "arp table: out of memory (%zu bytes)",
                     total);
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    t->e = (struct arp_entry *)(void *)((char *)t + off_e);
    t->bucket = (uint32_t *)(void *)((char *)t + off_b);
    t->capacity = capacity;
    t->count = 0;
    t->mask = (uint32_t)(nbucket - 1);
    t->head = t->tail = NIL;
    t->refresh_us = refresh_us;
    for (size_t i = 0; i < nbucket; i++)
        t->bucket[i] = NIL;
    hk_init(&t->key);
    return t;
}

void arp_table_destroy(struct arp_table *t)
{
    free(t);
}

static void fill_event(const struct arp_entry *e, const struct arp_obs *o,
                       const uint8_t *old_mac, uint64_t ts_us,
                       struct sh_event *ev)
{
    struct ev_arp *a;

    ev_clear_body(ev, EV_ARP);
    ev->ts_us = ts_us;
    a = &ev->u.arp;
    a->ndp = o->ndp;
    a->op = o->op;
    memcpy(a->mac, e->mac, 6);
    if (old_mac) {
        a->changed = 1;
        memcpy(a->old_mac, old_mac, 6);
    }
    a->ip.family = e->family;
    memcpy(a->ip.a, e->a, 16);
}

int arp_table_observe(struct arp_table *t, const struct arp_obs *o,
                      uint64_t ts_us, struct sh_event *ev)
{
    struct key k;
    struct arp_entry *e;
    uint32_t b, i;

    if (t == NULL || o == NULL || ev == NULL)
        return 0;
    t->st.observed++;
    if (o->ip.family != 4 && o->ip.family != 6)
        return 0;
    memset(&k, 0, sizeof(k));
    k.family = o->ip.family;
    k.vlan = o->vlan;
    memcpy(k.a, o->ip.a, o->ip.family == 4 ? 4 : 16);

    b = key_bucket(t, &k);
    for (i = t->bucket[b]; i != NIL; i = t->e[i].hnext)
        if (key_eq(&t->e[i], &k))
            break;

    if (i != NIL) {
        uint8_t old[6];

        e = &t->e[i];
        lru_unlink(t, i);
        lru_push_head(t, i);
        if (memcmp(e->mac, o->mac, 6) != 0) {
            memcpy(old, e->mac, 6);
            memcpy(e->mac, o->mac, 6);
            e->last_emit_us = ts_us;
            t->st.changed++;
            fill_event(e, o, old, ts_us, ev);
            return 1;
        }
        if (t->refresh_us != 0 && ts_us >= e->last_emit_us &&
            ts_us - e->last_emit_us >= t->refresh_us) {
            e->last_emit_us = ts_us;
            t->st.refreshed++;
            fill_event(e, o, NULL, ts_us, ev);
            return 1;
        }
        return 0;
    }

    if (t->count < t->capacity) {
        i = (uint32_t)t->count++;
    } else {
        i = t->tail;                    /* capacity >= 1: never NIL here */
        hash_unlink(t, i);
        lru_unlink(t, i);
        t->st.evicted++;
    }
    e = &t->e[i];
    memcpy(e->a, k.a, 16);
    e->family = k.family;
    e->vlan = k.vlan;
    memcpy(e->mac, o->mac, 6);
    e->last_emit_us = ts_us;
    e->hnext = t->bucket[b];
    t->bucket[b] = i;
    lru_push_head(t, i);
    t->st.added++;
    fill_event(e, o, NULL, ts_us, ev);
    return 1;
}

void arp_table_stats(const struct arp_table *t, struct arp_table_stats *out)
{
    if (out == NULL)
        return;
    if (t == NULL) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = t->st;
}

size_t arp_table_count(const struct arp_table *t)
{
    return t ? t->count : 0;
}

int arp_table_check(const struct arp_table *t)
{
    size_t n = 0, chained = 0;
    uint32_t i, prev = NIL;

    if (t == NULL || t->count > t->capacity)
        return -1;
    /* LRU: exactly count entries from head to tail, links symmetric. */
    for (i = t->head; i != NIL; prev = i, i = t->e[i].next) {
        if (i >= t->count || n++ >= t->count || t->e[i].prev != prev)
            return -1;
    }
    if (n != t->count || t->tail != prev)
        return -1;
    /* Chains: each entry hashes to the chain it is on, no cycles, and
     * as many chained entries as live ones. */
    for (size_t b = 0; b <= t->mask; b++) {
        for (i = t->bucket[b]; i != NIL; i = t->e[i].hnext) {
            struct key k = entry_key(&t->e[i]);

            if (i >= t->count || chained++ >= t->count ||
                key_bucket(t, &k) != b)
                return -1;
        }
    }
    if (chained != t->count)
        return -1;
    /* Every entry is found by its own key (so on its chain, once, and
     * keys are unique). */
    for (size_t j = 0; j < t->count; j++) {
        struct key k = entry_key(&t->e[j]);
        size_t steps = 0;

        for (i = t->bucket[key_bucket(t, &k)]; i != NIL; i = t->e[i].hnext) {
            if (steps++ > t->count)
                return -1;
            if (key_eq(&t->e[i], &k))
                break;
        }
        if (i != j)
            return -1;
    }
    return 0;
}

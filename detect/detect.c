/*
 * detect.c -- the detection engine.  See detect.h for the trust rules.
 *
 * Event routing:
 *   any    -> Ethernet: the sender's binding (host.c), the L2 next hop of
 *             traffic to/from external addresses (router recognition)
 *   DHCP   -> a server's ACK binds yiaddr to chaddr (a lease when the
 *             server is trusted, a hint otherwise); clients' hostnames
 *             wait for the ACK of their transaction
 *   ARP/NDP-> claims
 *   RA/DHCPv6 -> on-link prefixes (internal networks), IPv6 bindings
 *   DNS    -> query: relay matching, then the tunnel detector
 *             answer (paired only): relayed upstream answers go to the
 *             client that asked; NXDOMAIN -> dgahost_failed, NOERROR with
 *             addresses -> dgahost_resolved and local prevalence
 * Lookups of a declared resolver that relays for nobody visible go to a
 * shadow host (the resolver's address with family | 0x80) whose evidence
 * becomes resolver notices, never verdicts.
 *
 * After a detector touches a host the host is re-scored; verdict changes
 * go to the callback.  Every 10 s of packet time flagged hosts are
 * re-scored for decay and idle hosts expire; every health_interval the
 * sensor's health is judged.
 */
#include "detect.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../capture/hash.h"
#include "allow.h"
#include "beacon.h"
#include "dgahost.h"
#include "domain.h"
#include "geo.h"
#include "exfil.h"
#include "host.h"
#include "lru.h"
#include "services.h"
#include "tells.h"
#include "ti.h"
#include "tunnel.h"
#include "restore.h"

#define MAINT_US 10000000ULL        /* maintenance every 10 s of packet time */
#define SHADOW 0xc0u                /* sh_addr.family bits of a shadow host: */
#define SHADOW_BLIND 0x80u          /*   lookups a blind resolver relayed     */
#define SHADOW_SPOOF 0x40u          /*   lookups nobody can be held to        */
#define DHCP_SERVERS 16
#define SERVER_CLIENTS 8
#define LEARNED_MAX 16
#define RELAY_CLIENTS 4
#define PREV_HOSTS 32
#define SPREAD_QUEUE 256          /* hosts awaiting a rescore after spread */
#define LEASE_CONFIRM_US 600000000ULL  /* a lease is confirmed within 10 min */

struct dhcp_server {
    struct sh_addr ip;
    uint8_t  mac[6];
    uint8_t  has_mac;
    uint8_t  configured, trusted;
    uint8_t  nconf;
    uint32_t confirmed[SERVER_CLIENTS];   /* keyed hashes of client MACs */
    uint64_t last_us;
};

struct pending_name {             /* a client's hostname awaiting its ACK */
    uint8_t chaddr[6];
    char    hostname[64];
};

struct relay {                    /* (resolver, name) asked by clients   */
    uint64_t ts;                  /* latest client query                 */
    uint8_t  n, relayed;          /* clients to credit; the server relayed */
    uint8_t  nanon;               /* addresses of queries nobody is held to */
    uint8_t  stable;              /* a client with a stable binding asked */
    uint32_t idx[RELAY_CLIENTS], gen[RELAY_CLIENTS];
    uint8_t  credited[RELAY_CLIENTS];
    struct sh_addr anon[2];
    uint8_t  anon_credited[2];
};

struct bucket {                   /* host-creation tokens of one prefix  */
    double   tokens;
    uint64_t last_us;
};

struct learned {
    struct cidr net;
    uint64_t expires_us;
    char source[16];
};

#define ANSWER_NAMES 4
struct answer_names {             /* names a paired DNS answer bound to an address */
    uint64_t name[ANSWER_NAMES];  /* keyed hashes, most recent first      */
    uint8_t  benign, other;       /* it was given listed/popular names, others */
};

#define UDP_SPANS 8
struct udp_pair {                 /* datagrams from one address to another */
    uint64_t first_us;            /* the first ever                       */
    struct {                      /* the last flows: first and last datagram, */
        uint64_t start_us, end_us;/* and the MAC they came from           */
        uint8_t  mac[6];
    } span[UDP_SPANS];
    uint8_t  next;
};

struct flowinfo {                 /* what a live flow told us before its records */
    char     name[BEACON_DEST_MAX]; /* SNI or HTTP Host, lowercase        */
    uint8_t  counted;               /* its connection was counted         */
    uint64_t ts_seen, tc_seen;      /* payload each way its records gave so far */
};

struct prevalence {
    uint32_t hosts[PREV_HOSTS];   /* keyed hashes of the hosts' addresses */
    uint32_t first_s[PREV_HOSTS], last_s[PREV_HOSTS]; /* each host's first and
                                     latest resolution, Unix seconds     */
    uint8_t  n;
    uint8_t  suspect;             /* an indicator of evidence: never benign */
};

struct health {
    uint64_t q, a, paired, unpaired;          /* this interval            */
    uint64_t packets, kdrops, rdrops;         /* totals, from capture     */
    uint64_t packets0, kdrops0, rdrops0;      /* at the interval's start  */
    struct host_table_stats hs0;
    uint64_t rate_limited0, windows_algo0;
    uint32_t mask;                            /* reasons last reported    */
    uint64_t since_us;
};

struct detect {
    struct sh_config cfg;           /* copy: the lists live here          */
    struct detect_params p;
    struct allow allow;
    struct domain_ctx *dom;
    struct dga_model *dga;
    double dga_threshold;
    struct host_table *hosts;
    struct dgahost *dgah;
    struct tunnel *tun;
    struct lru_map *relay, *pending, *buckets, *prev;
    struct beacon *beh;             /* C2 by behaviour (beacon.h)         */
    struct exfil *exf;              /* mail, FTP and large uploads (exfil.h) */
    struct tells *tells;            /* protocol tells (tells.h)           */
    struct lru_map *flows;          /* flow id -> name, counted (struct flowinfo) */
    struct lru_map *udp_heard;      /* (server, client) -> last datagram back */
    struct lru_map *answers;        /* address -> names paired answers gave it */
    struct services *services;
    struct geo *geo;                /* GeoIP/ASN context (geo.h), or off   */
    char geo_note[2 * CFG_STR_MAX + 512]; /* its one log line             */
    struct ti *ti;                  /* threat intel: feeds, spread (ti.h) */
    uint32_t sq_idx[SPREAD_QUEUE], sq_gen[SPREAD_QUEUE]; /* hosts given spread evidence */
    int sq_head, sq_n, sq_draining;
    uint64_t spread_queue_full, spread_withdrawn;
    struct dhcp_server servers[DHCP_SERVERS];
    int nservers;
    struct learned learned[LEARNED_MAX];
    int nlearned;
    struct hkey key;
    detect_verdict_fn fn;
    void *ctx;
    detect_notice_fn nfn;
    void *nctx;
    uint64_t now_us, last_maint_us, last_health_us;
    struct health health;
    /* counters */
    uint64_t events, dns_scored, not_scorable, allowlisted, mac_mismatch;
    uint64_t answers_unpaired, relayed, relay_credited, blind_lookups, spoofed_lookups;
    uint64_t arp_claims_mismatched, relayed_unattributed, created_known_mac;
    uint64_t rate_limited, hostnames_ignored, servers_learned, prefixes_learned;
    uint64_t flows_judged, flows_unattributed, flows_replies, answers_untrusted;
    uint64_t notices[NOTICE_KIND_MAX];
    uint64_t verdicts[VERDICT_CHANGE_MAX];
    uint64_t operator_releases, operator_allowed;
    uint64_t reconfigures, config_releases;   /* SIGHUP */
    /* the operator's allowlist (NAC feed), replaced as a whole */
    struct sh_addr *op_ips;
    uint8_t (*op_macs)[6];
    int op_nips, op_nmacs;
    struct verdict vbuf;
    struct detect_notice nbuf;
    /* a restored snapshot, moved in time at the first event */
    int restore_live, shift_pending, shift_hosts, shift_flagged;
    uint64_t restored_last_us;
    int64_t restore_shift_us;       /* what was applied (0: none)         */
    FILE *restore_log;
};

int detect_params_from_config(const struct sh_config *cfg, struct detect_params *p,
                              char *err, size_t errlen)
{
    char msg[256];
    params_defaults(p);
    for (int i = 0; i < cfg->n_params; i++) {
        if (params_set(p, cfg->params[i].name, cfg->params[i].value, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "%s:%d: %s", cfg->source[0] ? cfg->source : "config",
                     cfg->params[i].line, msg);
            return -1;
        }
    }
    if (p->v[P_SCORE_CLEAR] >= p->v[P_SCORE_THRESHOLD]) {
        snprintf(err, errlen, "%s: detect.score_clear (%g) must be below detect.score_threshold (%g)",
                 cfg->source[0] ? cfg->source : "config", p->v[P_SCORE_CLEAR],
                 p->v[P_SCORE_THRESHOLD]);
        return -1;
    }
    if (p->v[P_FANOUT_FULL_EXTERNAL] <= p->v[P_FANOUT_MIN_EXTERNAL])
        p->v[P_FANOUT_FULL_EXTERNAL] = p->v[P_FANOUT_MIN_EXTERNAL] + 1;
    if (p->v[P_FANOUT_FULL_INTERNAL] <= p->v[P_FANOUT_MIN_INTERNAL])
        p->v[P_FANOUT_FULL_INTERNAL] = p->v[P_FANOUT_MIN_INTERNAL] + 1;
    if (p->v[P_NX_FULL_NAMES] < p->v[P_NX_MIN_NAMES])
        p->v[P_NX_FULL_NAMES] = p->v[P_NX_MIN_NAMES];
    if (p->v[P_NX_LONG_FULL_NAMES] < p->v[P_NX_LONG_MIN_NAMES])
        p->v[P_NX_LONG_FULL_NAMES] = p->v[P_NX_LONG_MIN_NAMES];
    if (p->v[P_TUNNEL_FULL_UNIQUE] < p->v[P_TUNNEL_MIN_UNIQUE])
        p->v[P_TUNNEL_FULL_UNIQUE] = p->v[P_TUNNEL_MIN_UNIQUE];
    if (p->v[P_TUNNEL_LONG_FULL_UNIQUE] < p->v[P_TUNNEL_LONG_MIN_UNIQUE])
        p->v[P_TUNNEL_LONG_FULL_UNIQUE] = p->v[P_TUNNEL_LONG_MIN_UNIQUE];
    return 0;
}

/* The keyed hash of an address (family included). */
static uint64_t addr_key(const struct detect *d, const struct sh_addr *a)
{
    uint8_t k[17];
    memcpy(k, a->a, 16);
    k[16] = a->family;
    return hk_bytes(&d->key, k, sizeof(k));
}

static uint64_t mac_key(const struct detect *d, const uint8_t mac[6])
{
    return hk_bytes(&d->key, mac, 6);
}

static uint64_t secs(const struct detect *d, int param)
{
    return (uint64_t)(d->p.v[param] * 1e6);
}

static int prevalent_zone(void *ctx, const char *zone);
static int ti_classify(void *ctx, const struct ti_attr *a);
static void ti_touch(void *ctx, struct host *h);
static void on_host_removed(void *ctx, struct host *h, int reason);
static void on_host_moved(void *ctx, struct host *h, const uint8_t new_mac[6]);

/* What detect_create and detect_reconfigure derive from d->p and d->cfg:
 * the DGA name threshold and the host table's parameters. */
static void derive(struct detect *d, struct host_params *hp)
{
    d->dga_threshold = d->p.v[P_DGA_NAME_THRESHOLD] > 0 ? d->p.v[P_DGA_NAME_THRESHOLD]
                                                         : dga_default_threshold(d->dga);
    *hp = (struct host_params){
        .idle_us = (uint64_t)d->cfg.host_idle_s * 1000000ULL,
        .active_us = secs(d, P_MAC_ACTIVE),
        .stale_us = secs(d, P_MAC_STALE),
        .stable_us = secs(d, P_MAC_STABLE),
        .router_window_us = secs(d, P_ROUTER_WINDOW),
        .router_min_external = (int)d->p.v[P_ROUTER_MIN_EXTERNAL],
        .router_min_senders = (int)d->p.v[P_ROUTER_MIN_SENDERS],
        .router_ips = (int)d->p.v[P_MAC_ROUTER_IPS],
    };
}

struct detect *detect_create(const struct sh_config *cfg, detect_verdict_fn fn,
                             void *ctx, char *err, size_t errlen)
{
    struct detect *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->cfg = *cfg;
    d->fn = fn;
    d->ctx = ctx;
    hk_init(&d->key);
    if (detect_params_from_config(cfg, &d->p, err, errlen) < 0)
        goto fail;
    d->allow.nets = &d->cfg.allow_nets;
    d->allow.names = &d->cfg.allow_names;

    d->dom = domain_create(NULL, err, errlen);
    if (!d->dom)
        goto fail;
    d->dga = dga_model_load_paths(cfg->data_dir, cfg->popularity_list, d->dom, err, errlen);
    if (!d->dga)
        goto fail;
    struct host_params hp;
    derive(d, &hp);
    d->hosts = host_table_create(cfg->host_capacity, &hp, err, errlen);
    if (!d->hosts)
        goto fail;
    host_table_on_removed(d->hosts, on_host_removed, d);
    host_table_on_moved(d->hosts, on_host_moved, d);
    size_t wins = cfg->host_capacity / 4 < 1024 ? 1024 : cfg->host_capacity / 4;
    d->dgah = dgahost_create(wins, 65536, err, errlen);
    if (!d->dgah)
        goto fail;
    size_t tz = cfg->host_capacity / 16 < 1024 ? 1024 : cfg->host_capacity / 16;
    d->tun = tunnel_create(tz, d->dga, d->dom, prevalent_zone, d, err, errlen);
    if (!d->tun)
        goto fail;
    d->relay = lru_create(16384, sizeof(struct relay), err, errlen);
    d->pending = d->relay ? lru_create(4096, sizeof(struct pending_name), err, errlen) : NULL;
    d->buckets = d->pending ? lru_create(8192, sizeof(struct bucket), err, errlen) : NULL;
    d->prev = d->buckets ? lru_create(16384, sizeof(struct prevalence), err, errlen) : NULL;
    if (!d->prev)
        goto fail;
    size_t dests = cfg->host_capacity / 2 < 4096 ? 4096 : cfg->host_capacity / 2;
    d->beh = beacon_create(dests, &d->p, err, errlen);
    size_t nflows = cfg->host_capacity < 4096 ? 4096 : cfg->host_capacity;
    d->flows = d->beh ? lru_create(nflows, sizeof(struct flowinfo), err, errlen) : NULL;
    d->udp_heard = d->flows ? lru_create(dests, sizeof(struct udp_pair), err, errlen) : NULL;
    d->answers = d->udp_heard ? lru_create(dests, sizeof(struct answer_names), err, errlen)
                              : NULL;
    d->exf = d->answers ? exfil_create(dests, &d->p, &d->cfg.mail_servers, &d->cfg.mail_clients,
                                       err, errlen) : NULL;
    if (!d->exf)
        goto fail;
    char path[CFG_STR_MAX + 32];
    snprintf(path, sizeof(path), "%s/services.txt", cfg->data_dir);
    d->services = services_load(path, NULL, err, errlen);
    if (!d->services)
        goto fail;
    d->geo = geo_open(&cfg->geoip, d->geo_note, sizeof(d->geo_note));
    if (!d->geo) {
        snprintf(err, errlen, "%s", d->geo_note);
        goto fail;
    }
    d->tells = tells_create(dests, &d->p, cfg->data_dir, err, errlen);
    if (!d->tells)
        goto fail;
    d->ti = ti_create(&d->p, ti_classify, ti_touch, d, err, errlen);
    if (!d->ti)
        goto fail;
    return d;
fail:
    detect_destroy(d);
    return NULL;
}

void detect_destroy(struct detect *d)
{
    if (!d)
        return;
    lru_destroy(d->relay);
    lru_destroy(d->pending);
    lru_destroy(d->buckets);
    lru_destroy(d->prev);
    lru_destroy(d->flows);
    lru_destroy(d->udp_heard);
    lru_destroy(d->answers);
    beacon_destroy(d->beh);
    exfil_destroy(d->exf);
    tells_destroy(d->tells);
    services_free(d->services);
    geo_close(d->geo);
    ti_destroy(d->ti);
    tunnel_destroy(d->tun);
    dgahost_destroy(d->dgah);
    host_table_destroy(d->hosts);
    dga_model_free(d->dga);
    domain_destroy(d->dom);
    free(d->op_ips);
    free(d->op_macs);
    free(d);
}

void detect_on_notice(struct detect *d, detect_notice_fn fn, void *ctx)
{
    d->nfn = fn;
    d->nctx = ctx;
}

const struct detect_params *detect_get_params(const struct detect *d) { return &d->p; }
const struct dga_model *detect_dga(const struct detect *d) { return d->dga; }
double detect_dga_threshold(const struct detect *d) { return d->dga_threshold; }

static void notice(struct detect *d, struct detect_notice *n)
{
    if (n->kind < NOTICE_KIND_MAX)
        d->notices[n->kind]++;
    if (d->nfn)
        d->nfn(d->nctx, n);
}

/* ---- networks and hosts ------------------------------------------------- */

static int learned_match(struct detect *d, const struct sh_addr *a)
{
    for (int i = 0; i < d->nlearned; i++)
        if (d->learned[i].expires_us > d->now_us && cidr_match(&d->learned[i].net, a))
            return 1;
    return 0;
}

static int internal(struct detect *d, const struct sh_addr *a)
{
    if (a->family != 4 && a->family != 6)
        return 0;
    return cidr_set_match(&d->cfg.home_net, a) || (a->family == 6 && learned_match(d, a));
}

static int is_shadow(const struct host *h)
{
    return (h->ip.family & SHADOW) != 0;
}

/* The shadow of address ip: evidence that must be heard but convicts
 * nobody (kind SHADOW_BLIND or SHADOW_SPOOF). */
static struct host *shadow_at(struct detect *d, const struct sh_addr *ip, unsigned kind,
                              uint64_t now)
{
    struct sh_addr a = *ip;
    a.family = (uint8_t)((a.family & ~SHADOW) | kind);
    struct host *s = host_get(d->hosts, &a, now, 1);
    host_watch(d->hosts, s, now + secs(d, P_NX_LONG_WINDOW));
    return s;
}

/* May one more host be created in a's /24 (IPv4) or /64 (IPv6)?  A token
 * bucket per prefix: a flood of new sources costs table churn inside its
 * own prefix, counted, before it costs anything else. */
static int creation_allowed(struct detect *d, const struct sh_addr *a, uint64_t now)
{
    uint8_t k[9] = { a->family };
    memcpy(k + 1, a->a, a->family == 4 ? 3 : 8);
    int created;
    struct bucket *b = lru_get(d->buckets, hk_bytes(&d->key, k, sizeof(k)), 1, &created);
    double burst = d->p.v[P_HOST_PREFIX_BURST];
    if (created) {
        b->tokens = burst;
    } else if (now > b->last_us) {
        b->tokens += (double)(now - b->last_us) / 1e6 * d->p.v[P_HOST_PREFIX_RATE];
        if (b->tokens > burst)
            b->tokens = burst;
    }
    b->last_us = now;
    if (b->tokens < 1) {
        d->rate_limited++;
        return 0;
    }
    b->tokens -= 1;
    return 1;
}

/* The host of internal address a, created when new (subject to the
 * per-prefix rate limit, unless the packet comes from a MAC some host has
 * used for a while: the same machine with one more address, such as an
 * IPv6 temporary address, is never refused). */
static struct host *host_for_mac(struct detect *d, const struct sh_addr *a, const uint8_t *mac,
                                 uint64_t now)
{
    if (!internal(d, a))
        return NULL;
    struct host *h = host_get(d->hosts, a, now, 0);
    if (h)
        return h;
    if (mac && host_mac_known(d->hosts, mac, now))
        d->created_known_mac++;            /* counted: exempt from the limit */
    else if (!creation_allowed(d, a, now))
        return NULL;
    h = host_get(d->hosts, a, now, 1);
    if (cidr_set_match(&d->cfg.dns_resolvers, a))
        h->infra |= INFRA_RESOLVER;
    if (cidr_set_match(&d->cfg.dhcp_servers, a))
        h->infra |= INFRA_DHCP;
    if (cidr_set_match(&d->cfg.sensor_addrs, a))
        h->infra |= INFRA_SENSOR;
    return h;
}

static struct host *host_for(struct detect *d, const struct sh_addr *a, uint64_t now)
{
    return host_for_mac(d, a, NULL, now);
}

/* Never a suspect: the sensor itself, allowlisted addresses. */
static int exempt(struct detect *d, const struct host *h)
{
    if (h->infra & INFRA_SENSOR)
        return 1;
    if (allow_addr(&d->allow, &h->ip)) {
        d->allowlisted++;
        return 1;
    }
    return 0;
}

/* The host an event from internal ip with Ethernet source mac speaks for:
 * ip's host when mac is its established MAC, else nobody (the event goes
 * to the address's spoof shadow). */
static struct host *attributable(struct detect *d, const struct sh_addr *ip, int has_mac,
                                 const uint8_t *mac, uint64_t now)
{
    struct host *h = host_for(d, ip, now);
    if (!h)
        return NULL;
    if (!has_mac || host_mac_consistent(d->hosts, h, mac, now))
        return h;
    /* the address says one host, the MAC another (or nobody): a forger
     * chose at least one of them, so neither is held to it */
    d->mac_mismatch++;
    return NULL;
}

/* Lookups that could be attributed to nobody (a forger using ip with a MAC
 * that is nobody's, or ip forging its own MAC): they go to ip's spoof
 * shadow, heard as a notice, never a verdict. */
static struct host *spoof_shadow(struct detect *d, const struct sh_addr *ip, int has_mac,
                                 uint64_t now)
{
    if (!has_mac || !internal(d, ip))
        return NULL;
    d->spoofed_lookups++;
    return shadow_at(d, ip, SHADOW_SPOOF, now);
}

/* ---- verdicts -------------------------------------------------------- */

_Static_assert(VERDICT_EV_MAX == HOST_EV_MAX, "a verdict carries all a host holds");

static void fill_verdict(struct detect *d, struct host *h, uint64_t now, int change,
                         struct verdict *v)
{
    struct mac_view mv;
    memset(v, 0, sizeof(*v));
    v->ts_us = now;
    v->ip = h->ip;
    host_mac_view(d->hosts, h, now, &mv);
    v->mac_status = mv.status;
    v->mac_source = mv.source;
    memcpy(v->mac, mv.mac, 6);
    memcpy(v->mac_other, mv.other, 6);
    v->mac_since_us = mv.since_us;
    /* a hostname is shown only with the MAC it was given for */
    if (mv.status == MACST_TRUSTED && h->hostname[0] && memcmp(h->hostname_mac, mv.mac, 6) == 0)
        memcpy(v->hostname, h->hostname, sizeof(v->hostname));
    v->flagged = h->flagged;
    v->change = (uint8_t)change;
    v->score = h->score;
    v->first_flagged_us = h->flagged_us;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(d->hosts, h, k);
        if (!e || !e->active)
            continue;
        double val = evidence_value(e, now, d->p.v[P_HALF_LIFE]);
        int i = v->nev++;
        /* insertion sort, strongest first */
        while (i > 0 && v->ev_value[i - 1] < val) {
            v->ev[i] = v->ev[i - 1];
            v->ev_value[i] = v->ev_value[i - 1];
            i--;
        }
        v->ev[i] = *e;
        v->ev_value[i] = val;
    }
}

static void blind_notice(struct detect *d, struct host *shadow, uint64_t now)
{
    struct detect_notice *n = &d->nbuf;
    const struct evidence *best = NULL;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(d->hosts, shadow, k);
        if (e && e->active &&
            (!best || e->confidence * evidence_weight(e) > best->confidence * evidence_weight(best)))
            best = e;
    }
    if (!best)
        return;
    char ip[64];
    memset(n, 0, sizeof(*n));
    int spoof = (shadow->ip.family & SHADOW) == SHADOW_SPOOF;
    n->kind = spoof ? NOTICE_SPOOFED_SOURCE : NOTICE_RESOLVER_BLIND;
    n->ts_us = now;
    n->ip = shadow->ip;
    n->ip.family &= (uint8_t)~SHADOW;
    addr_format(&n->ip, ip, sizeof(ip));
    n->evidence_kind = best->kind;
    n->confidence = best->confidence;
    snprintf(n->indicator, sizeof(n->indicator), "%s", best->indicator);
    int dns = evidence_kind_source(best->kind) <= SRC_PEER_HOSTS;
    if (spoof)
        snprintf(n->explanation, sizeof(n->explanation),
                 "%s %s from address %s sent with a MAC that is not its established one "
                 "(a forger using the address or a MAC, or the host forging its MAC): nobody is "
                 "flagged for them: %s",
                 !dns ? evidence_kind_name(best->kind) :
                 best->kind == EVK_DNS_TUNNEL ? "DNS-tunnel" : "DGA",
                 dns ? "lookups" : "traffic", ip, best->explanation);
    else
        snprintf(n->explanation, sizeof(n->explanation),
                 "%s lookups relayed by resolver %s for clients this sensor cannot see: %s",
                 best->kind == EVK_DNS_TUNNEL ? "DNS-tunnel" :
                 best->kind <= EVK_DGA_SHARED ? "DGA" : evidence_kind_name(best->kind), ip,
                 best->explanation);
    notice(d, n);
}

/* ---- operator control ---------------------------------------------- */

static int operator_allowed(struct detect *d, struct host *h, uint64_t now)
{
    for (int i = 0; i < d->op_nips; i++)
        if (d->op_ips[i].family == h->ip.family && !memcmp(d->op_ips[i].a, h->ip.a, 16))
            return 1;
    if (!d->op_nmacs)
        return 0;
    /* a MAC covers a host only through a trusted binding: a forger that
     * claims an allowlisted MAC (ARP, NDP) gets a conflict, not an exemption */
    struct mac_view mv;
    host_mac_view(d->hosts, h, now, &mv);
    if (mv.status != MACST_TRUSTED)
        return 0;
    for (int i = 0; i < d->op_nmacs; i++)
        if (!memcmp(mv.mac, d->op_macs[i], 6))
            return 1;
    return 0;
}

/* h loses its evidence and verdict state; a flagged h is reported. */
static void release_host(struct detect *d, struct host *h, const char *by)
{
    int was = h->flagged;
    if (was && d->fn) {
        fill_verdict(d, h, d->now_us, VERDICT_RELEASED, &d->vbuf);
        /* the record shows what was released; the state after is clean */
        d->vbuf.flagged = 0;
        snprintf(d->vbuf.by, sizeof(d->vbuf.by), "%s", by);
    }
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(d->hosts, h, k);
        if (e)
            host_evidence_release_at(d->hosts, h, k);
    }
    h->flagged = 0;
    h->score = 0;
    h->flagged_us = 0;
    h->reported_kinds = 0;
    h->reported_us = 0;
    d->operator_releases++;
    if (was) {
        d->verdicts[VERDICT_RELEASED]++;
        if (d->fn)
            d->fn(d->ctx, &d->vbuf);
    }
}

struct release_walk {
    struct detect *d;
    const uint8_t *mac;          /* NULL: the allowlist */
    const char *by;
    int found;
};

static void release_one(void *ctx, struct host *h)
{
    struct release_walk *w = ctx;
    if (is_shadow(h))
        return;
    if (w->mac) {
        /* the hosts this MAC is trustworthily bound to (never a claimant) */
        struct mac_view mv;
        host_mac_view(w->d->hosts, h, w->d->now_us, &mv);
        if (mv.status != MACST_TRUSTED || memcmp(mv.mac, w->mac, 6))
            return;
    } else if (!h->flagged || !operator_allowed(w->d, h, w->d->now_us)) {
        return;
    }
    w->found++;
    release_host(w->d, h, w->by);
}

int detect_release(struct detect *d, const char *target, const char *by)
{
    struct sh_addr a;
    uint8_t mac[6];
    if (addr_parse(target, &a) == 0) {
        struct host *h = host_get(d->hosts, &a, d->now_us, 0);
        if (!h || is_shadow(h))
            return 0;
        release_host(d, h, by);
        return 1;
    }
    if (mac_parse(target, mac) < 0)
        return -1;
    static const uint8_t zero[6];
    if (!memcmp(mac, zero, 6))
        return 0;
    struct release_walk w = { d, mac, by, 0 };
    host_foreach(d->hosts, release_one, &w);
    return w.found;
}

int detect_operator_allow(struct detect *d, const char *const *targets, int n)
{
    if (!d->op_ips) {
        d->op_ips = calloc(DETECT_OPERATOR_ALLOW_MAX, sizeof(*d->op_ips));
        d->op_macs = calloc(DETECT_OPERATOR_ALLOW_MAX, sizeof(*d->op_macs));
        if (!d->op_ips || !d->op_macs)
            return 0;
    }
    d->op_nips = d->op_nmacs = 0;
    int taken = 0;
    for (int i = 0; i < n; i++) {
        struct sh_addr a;
        if (addr_parse(targets[i], &a) == 0) {
            if (d->op_nips < DETECT_OPERATOR_ALLOW_MAX) {
                d->op_ips[d->op_nips++] = a;
                taken++;
            }
        } else if (mac_parse(targets[i], d->op_macs[d->op_nmacs]) == 0) {
            if (d->op_nmacs < DETECT_OPERATOR_ALLOW_MAX - 1) {
                d->op_nmacs++;
                taken++;
            }
        }
    }
    d->operator_allowed = (uint64_t)(d->op_nips + d->op_nmacs);
    struct release_walk w = { d, NULL, "allowlist", 0 };
    host_foreach(d->hosts, release_one, &w);
    return taken;
}

/* ---- GeoIP/ASN context (geo.h) ---------------------------------------- */

/* Looks up the address an evidence is about (ioc_type IOC_IP) and keeps
 * its AS and country and the configured weight multiplier in the
 * evidence; evidence about anything else loses them.  Called when a
 * detector has (re)raised evidence of the host: the address may be new. */
static void geo_refresh(struct detect *d, struct evidence *e)
{
    struct geo_info gi;
    if (e->ioc_type != IOC_IP || !e->ioc[0] || geo_lookup_text(d->geo, e->ioc, &gi) < 0) {
        e->geo_asn = 0;
        e->geo_cc[0] = '\0';
        e->geo_org[0] = '\0';
        e->geo_factor = 0;
        return;
    }
    e->geo_asn = gi.asn;
    memcpy(e->geo_cc, gi.cc, sizeof(e->geo_cc));
    snprintf(e->geo_org, sizeof(e->geo_org), "%s", gi.as_org);
    e->geo_factor = geo_factor(d->geo, &gi);   /* assigned, never compounded */
}

/* The explanation ends with " [AS64500 Example Transit, NL]" exactly once:
 * a detector that raises again rewrites the explanation (the suffix goes
 * with it and is added again); rescoring an unchanged one adds nothing.
 * The suffix is shortened (organisation cut, then dropped) rather than
 * cutting the detector's own words. */
static void geo_explain(struct evidence *e)
{
    struct geo_info gi;
    char sfx[EVIDENCE_EXPLANATION_MAX];
    size_t len = strnlen(e->explanation, sizeof(e->explanation) - 1);
    if (!e->geo_asn && !e->geo_cc[0]) {
        e->geo_len = 0;
        return;
    }
    memset(&gi, 0, sizeof(gi));
    gi.asn = e->geo_asn;
    memcpy(gi.cc, e->geo_cc, sizeof(gi.cc));
    snprintf(gi.as_org, sizeof(gi.as_org), "%s", e->geo_org);
    if (e->geo_len && e->geo_len <= len) {
        size_t base = len - e->geo_len;
        size_t n = geo_suffix(&gi, sfx, sizeof(sfx), sizeof(e->explanation) - 1 - base);
        if (n == e->geo_len && memcmp(e->explanation + base, sfx, n) == 0)
            return;                       /* already there                */
    }
    size_t n = geo_suffix(&gi, sfx, sizeof(sfx), sizeof(e->explanation) - 1 - len);
    memcpy(e->explanation + len, sfx, n + 1);
    e->geo_len = (uint16_t)n;
}

/* Every active evidence of h about an address: context looked up when
 * `fresh` (a detector just raised evidence of h) or never done, and the
 * explanation's suffix in place. */
static void geo_annotate(struct detect *d, struct host *h, int fresh)
{
    if (!geo_enabled(d->geo))
        return;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        struct evidence *e = host_evidence_slot(d->hosts, h, k);
        if (!e || !e->active)
            continue;
        if (fresh || (e->ioc_type == IOC_IP && e->geo_factor == 0))
            geo_refresh(d, e);
        geo_explain(e);
    }
}

const char *detect_geo_note(const struct detect *d)
{
    return d->geo_note;
}

const char *detect_geo_reload(struct detect *d)
{
    geo_reload(d->geo, &d->cfg.geoip, d->geo_note, sizeof(d->geo_note));
    return d->geo_note;
}

/* Recompute h's score at now and report a verdict change. */
static void rescore_verdict(struct detect *d, struct host *h, uint64_t now, int new_evidence)
{
    double hl = d->p.v[P_HALF_LIFE];
    double cut = d->p.v[P_SOURCE_MIN_FRACTION] * d->p.v[P_SCORE_THRESHOLD];
    double score = 0, maxconf = 0;
    unsigned kind_mask = 0, src_mask = 0;

    geo_annotate(d, h, new_evidence);
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(d->hosts, h, k);
        if (!e || !e->active)
            continue;
        double val = evidence_value(e, now, hl);
        score += val;
        if (val >= cut) {
            kind_mask |= 1u << e->kind;
            src_mask |= 1u << evidence_kind_source(e->kind);
            if (e->confidence > maxconf)
                maxconf = e->confidence;
        }
    }
    int sources = __builtin_popcount(src_mask);
    h->score = score;
    h->score_us = now;
    int was = h->flagged;
    if (!is_shadow(h) && operator_allowed(d, h, now)) {
        if (was)
            release_host(d, h, "allowlist");
        return;
    }
    /* flagged yet in allowlist.networks: only a restored snapshot does
     * that (the list changed while the sensor was down); released as a
     * SIGHUP would (reconfigure_one) at its first maintenance */
    if (was && !is_shadow(h) && allow_addr(&d->allow, &h->ip)) {
        release_host(d, h, "allowlist.networks");
        d->operator_releases--;                  /* not the operator's */
        d->config_releases++;
        return;
    }
    int now_flag = (h->infra & INFRA_SENSOR) ? 0 :
                   evidence_verdict(was, score, maxconf, sources, d->p.v[P_SCORE_THRESHOLD],
                                    d->p.v[P_SCORE_CLEAR], d->p.v[P_STANDALONE_CONFIDENCE]);
    int change = -1;
    if (now_flag && !was) {
        change = VERDICT_INFECTED;
        h->flagged_us = now;
        h->ever_flagged = 1;
    } else if (!now_flag && was) {
        change = VERDICT_CLEARED;
    } else if (now_flag && new_evidence) {
        /* a new kind at once; otherwise at most once per update_interval */
        if ((kind_mask & ~h->reported_kinds) || now >= h->reported_us + secs(d, P_UPDATE_INTERVAL))
            change = VERDICT_UPDATED;
    }
    h->flagged = (uint8_t)now_flag;
    host_refile(d->hosts, h, now);
    if (change < 0)
        return;
    h->reported_kinds = kind_mask;
    h->reported_us = now;
    if (is_shadow(h)) {
        if (change != VERDICT_CLEARED)
            blind_notice(d, h, now);
        return;
    }
    d->verdicts[change]++;
    if (d->fn) {
        fill_verdict(d, h, now, change, &d->vbuf);
        d->fn(d->ctx, &d->vbuf);
    }
}

/* Rescore, then, for a flagged host with new evidence, learn the
 * indicators behind its verdict (ti.h: never from a host that needs its
 * spread evidence to be flagged); hosts that get spread evidence from it
 * are queued and rescored here, one at a time (never recursively). */
static void rescore(struct detect *d, struct host *h, uint64_t now, int new_evidence)
{
    rescore_verdict(d, h, now, new_evidence);
    if (!h->flagged || !new_evidence || is_shadow(h))
        return;
    ti_learn_from(d->ti, d->hosts, h, now);
    if (d->sq_draining)
        return;
    d->sq_draining = 1;
    while (d->sq_n) {
        uint32_t idx = d->sq_idx[d->sq_head], gen = d->sq_gen[d->sq_head];
        d->sq_head = (d->sq_head + 1) % SPREAD_QUEUE;
        d->sq_n--;
        struct host *x = host_at(d->hosts, idx, gen);
        if (x)
            rescore(d, x, now, 1);
    }
    d->sq_draining = 0;
}

static void ti_touch(void *ctx, struct host *h)
{
    struct detect *d = ctx;
    if (d->sq_n >= SPREAD_QUEUE) {
        d->spread_queue_full++;          /* rescored at its next event */
        return;
    }
    int i = (d->sq_head + d->sq_n++) % SPREAD_QUEUE;
    d->sq_idx[i] = host_index(d->hosts, h);
    d->sq_gen[i] = h->gen;
}

static void prevalence_suspect(struct detect *d, const char *regdomain);

static void rescore_touched(struct detect *d, const struct host_touched *t, uint64_t now)
{
    for (int i = 0; i < t->n; i++) {
        struct host *x = host_at(d->hosts, t->idx[i], t->gen[i]);
        if (!x)
            continue;
        /* a tunnel's zone is never a benign prior afterwards */
        const struct evidence *e = host_evidence_const(d->hosts, x, EVK_DNS_TUNNEL);
        if (e && e->active && e->indicator[0] && e->indicator[0] != '@')
            prevalence_suspect(d, e->indicator);
        rescore(d, x, now, 1);
    }
}

/* A flagged host's verdict ends without its evidence decaying: it left
 * the table, or its address moved to another MAC. */
static void report_expired(struct detect *d, struct host *h)
{
    h->flagged = 0;
    d->verdicts[VERDICT_EXPIRED]++;
    if (d->fn) {
        fill_verdict(d, h, d->now_us, VERDICT_EXPIRED, &d->vbuf);
        d->fn(d->ctx, &d->vbuf);
    }
}

static void on_host_removed(void *ctx, struct host *h, int reason)
{
    struct detect *d = ctx;
    (void)reason;
    if (h->flagged && !is_shadow(h))
        report_expired(d, h);
}

/* h's address is moving to another MAC: what was said about it was said
 * about the old MAC.  A flagged host's verdict ends as expired (with the
 * MAC it was flagged with); its evidence and detector state go. */
static void on_host_moved(void *ctx, struct host *h, const uint8_t new_mac[6])
{
    struct detect *d = ctx;
    (void)new_mac;
    if (is_shadow(h) || (!h->flagged && !host_has_evidence(d->hosts, h)))
        return;
    if (h->flagged)
        report_expired(d, h);
    host_reset_identity(d->hosts, h);
}

/* ---- Ethernet: bindings and next hops ------------------------------------ */

static struct dhcp_server *server_slot(struct detect *d, const struct sh_addr *ip);

/* A lease is confirmed when its client keeps using it with its own MAC:
 * a frame within LEASE_CONFIRM_US of the ACK, and another mac_stable
 * later (one forged frame per phantom client is not enough). */
static void confirm_lease(struct detect *d, struct host *h, const uint8_t mac[6], uint64_t now)
{
    if (!h->lease_server || memcmp(h->lease_mac, mac, 6) != 0)
        return;
    uint32_t slot = h->lease_server - 1;
    if (slot >= (uint32_t)d->nservers || now > h->lease_us + LEASE_CONFIRM_US + secs(d, P_MAC_STABLE)) {
        h->lease_server = 0;
        return;
    }
    if (!h->lease_seen_us) {
        if (now > h->lease_us + LEASE_CONFIRM_US) {
            h->lease_server = 0;
            return;
        }
        h->lease_seen_us = now;
    }
    if (now < h->lease_seen_us + secs(d, P_MAC_STABLE))
        return;
    h->lease_server = 0;
    h->lease_seen_us = 0;
    /* a lease the client then uses with its own MAC: as good as a claim */
    if (memcmp(h->bind[0].mac, mac, 6) == 0)
        h->bind[0].claimed = 1;
    struct dhcp_server *s = &d->servers[slot];
    uint32_t v = (uint32_t)mac_key(d, mac) | 1;
    for (int i = 0; i < s->nconf; i++)
        if (s->confirmed[i] == v)
            return;
    if (s->nconf < SERVER_CLIENTS)
        s->confirmed[s->nconf++] = v;
    if (!s->trusted && s->nconf >= (int)d->p.v[P_DHCP_SERVER_MIN_CLIENTS]) {
        s->trusted = 1;
        d->servers_learned++;
    }
}

/* h (internal address ip) was the Ethernet end `mac` of a frame seen at
 * `seen`; a MAC no claim ties to the address counts toward its routed
 * addresses. */
static void see_mac(struct detect *d, struct host *h, const uint8_t mac[6],
                    const struct sh_addr *ip, uint64_t seen, uint64_t now)
{
    host_observe_mac(d->hosts, h, mac, MAC_ETHERNET, seen);
    if (!h->bind[0].claimed || memcmp(h->bind[0].mac, mac, 6) != 0)
        host_note_mac_ip(d->hosts, mac, ip, now);
}

static void learn_l2(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    if (!ev->has_mac)
        return;
    /* bindings are observed at the frame's own time (a flow record's last
     * packet; a flow record and the DNS event of its one packet are one
     * sighting, not two) */
    uint64_t seen = ev->type == EV_FLOW && ev->u.flow.end_us ? ev->u.flow.end_us : ev->ts_us;
    if (!seen || seen > now)
        seen = now;
    int si = internal(d, &ev->src), di = internal(d, &ev->dst);
    if (si) {
        struct host *h = host_for_mac(d, &ev->src, ev->src_mac, now);
        if (h) {
            see_mac(d, h, ev->src_mac, &ev->src, seen, now);
            confirm_lease(d, h, ev->src_mac, now);
        }
        if (!di && (ev->dst.family == 4 || ev->dst.family == 6))
            host_note_next_hop(d->hosts, ev->dst_mac, ev->src_mac, &ev->dst, now);
    } else if (di && (ev->src.family == 4 || ev->src.family == 6)) {
        host_note_next_hop(d->hosts, ev->src_mac, ev->dst_mac, &ev->src, now);
    }
    if (ev->type == EV_FLOW && di && ev->u.flow.pkts_toclient) {
        struct host *h = host_for(d, &ev->dst, now);
        if (h)
            see_mac(d, h, ev->dst_mac, &ev->dst, seen, now);
    }
}

/* ---- DHCP ------------------------------------------------------------------ */

static struct dhcp_server *server_slot(struct detect *d, const struct sh_addr *ip)
{
    int lru = -1;
    for (int i = 0; i < d->nservers; i++) {
        struct dhcp_server *s = &d->servers[i];
        if (s->ip.family == ip->family && memcmp(s->ip.a, ip->a, 16) == 0)
            return s;
        if (!s->configured && !s->trusted && (lru < 0 || s->last_us < d->servers[lru].last_us))
            lru = i;
    }
    struct dhcp_server *s;
    if (d->nservers < DHCP_SERVERS)
        s = &d->servers[d->nservers++];
    else if (lru >= 0)
        s = &d->servers[lru];
    else
        return NULL;
    memset(s, 0, sizeof(*s));
    s->ip = *ip;
    s->configured = (uint8_t)cidr_set_match(&d->cfg.dhcp_servers, ip);
    s->trusted = s->configured;
    return s;
}

/* Is this ACK from a server whose leases we believe?  Configured servers
 * by address; learned ones by address and the MAC they were learned with. */
static struct dhcp_server *ack_server(struct detect *d, const struct sh_event *ev, int *trusted)
{
    *trusted = 0;
    if (ev->src.family != 4)
        return NULL;
    /* the ACK must come from the server address's own established MAC: a
     * forger using the server's address with its own MAC speaks for
     * nobody, configured server or not */
    struct host *sh = host_for(d, &ev->src, d->now_us);
    /* judged against the binding other frames established for mac_stable
     * (this very frame may just have created or moved it) */
    int consistent = !ev->has_mac ||
                     (sh && host_mac_consistent(d->hosts, sh, ev->src_mac, d->now_us) &&
                      memcmp(sh->bind[0].mac, ev->src_mac, 6) == 0 &&
                      sh->bind[0].first_us + secs(d, P_MAC_STABLE) <= d->now_us);
    struct dhcp_server *s = server_slot(d, &ev->src);
    if (!s)
        return NULL;
    s->last_us = d->now_us;
    if (!consistent)
        return s;
    if (ev->has_mac && !s->has_mac && !s->trusted) {
        memcpy(s->mac, ev->src_mac, 6);
        s->has_mac = 1;
    }
    if (s->configured)
        *trusted = 1;
    else if (s->trusted)
        *trusted = !ev->has_mac || !s->has_mac || memcmp(s->mac, ev->src_mac, 6) == 0;
    return s;
}

static uint64_t pending_key(struct detect *d, uint32_t xid, const uint8_t chaddr[6])
{
    uint8_t k[10];
    memcpy(k, &xid, 4);
    memcpy(k + 4, chaddr, 6);
    return hk_bytes(&d->key, k, sizeof(k));
}

static void set_hostname(struct detect *d, struct host *h, const char *name, size_t n,
                         const uint8_t mac[6], uint64_t now)
{
    if (!n)
        return;
    if (h->bind[0].source != MAC_NONE && memcmp(h->bind[0].mac, mac, 6) != 0) {
        d->hostnames_ignored++;       /* given for another MAC than the host's */
        return;
    }
    snprintf(h->hostname, sizeof(h->hostname), "%.*s", (int)n, name);
    memcpy(h->hostname_mac, mac, 6);
    h->hostname_us = now;
}

static void on_dhcp(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dhcp *x = &ev->u.dhcp;
    static const uint8_t zero[6];
    if (memcmp(x->client_mac, zero, 6) == 0)
        return;
    if (x->op == 1) {
        /* DISCOVER, REQUEST, INFORM: the client names itself; believed
         * only once a server's ACK of the same transaction binds it */
        if (x->hostname.len && (x->msg_type == 1 || x->msg_type == 3 || x->msg_type == 8)) {
            struct pending_name *pn = lru_get(d->pending, pending_key(d, x->xid, x->client_mac),
                                              1, NULL);
            memcpy(pn->chaddr, x->client_mac, 6);
            snprintf(pn->hostname, sizeof(pn->hostname), "%s", ev_s(ev, x->hostname));
        }
        if (x->msg_type == 8 && x->client_ip.family && internal(d, &x->client_ip) &&
            ev->has_mac && memcmp(ev->src_mac, x->client_mac, 6) == 0) {
            struct host *h = host_for(d, &x->client_ip, now);
            if (h) {
                host_observe_mac(d->hosts, h, x->client_mac, MAC_HINT, now);
                set_hostname(d, h, ev_s(ev, x->hostname), x->hostname.len, x->client_mac, now);
            }
        }
        return;
    }
    if (x->op != 2 || x->msg_type != 5)          /* only an ACK binds */
        return;
    const struct sh_addr *ip = x->assigned_ip.family ? &x->assigned_ip :
                               x->client_ip.family ? &x->client_ip : NULL;
    if (!ip || !internal(d, ip))
        return;
    int trusted;
    struct dhcp_server *s = ack_server(d, ev, &trusted);
    struct host *h = host_for(d, ip, now);
    if (!h)
        return;
    host_observe_mac(d->hosts, h, x->client_mac, trusted ? MAC_DHCP : MAC_HINT, now);
    if (!trusted && s) {
        h->lease_server = (uint32_t)(s - d->servers) + 1;
        memcpy(h->lease_mac, x->client_mac, 6);
        h->lease_us = now;
    }
    struct pending_name *pn = lru_peek(d->pending, pending_key(d, x->xid, x->client_mac));
    if (x->hostname.len)
        set_hostname(d, h, ev_s(ev, x->hostname), x->hostname.len, x->client_mac, now);
    else if (pn && memcmp(pn->chaddr, x->client_mac, 6) == 0)
        set_hostname(d, h, pn->hostname, strlen(pn->hostname), x->client_mac, now);
}

static void on_arp(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_arp *a = &ev->u.arp;
    /* a claim counts only from the claimed MAC's own frame (an ARP reply
     * whose sender hardware address is someone else's is a forgery) */
    if (ev->has_mac && memcmp(ev->src_mac, a->mac, 6) != 0) {
        d->arp_claims_mismatched++;
        return;
    }
    struct host *h = host_for(d, &a->ip, now);
    if (h)
        host_observe_mac(d->hosts, h, a->mac, a->ndp ? MAC_NDP : MAC_ARP, now);
}

/* ---- IPv6 prefixes --------------------------------------------------------- */

static void learn_prefix(struct detect *d, const struct sh_addr *router, const struct ev_prefix *p,
                         const char *source, uint64_t now)
{
    /* RFC 4862 5.5.3 / RFC 4861 6.3.4: global unicast or ULA, /48../64
     * (a forged RA may add a network, never the whole address space) */
    if (p->prefix.family != 6 || p->len < 48 || p->len > 64)
        return;
    uint8_t top = p->prefix.a[0];
    if (!((top & 0xe0) == 0x20 || (top & 0xfe) == 0xfc))
        return;
    struct cidr c;
    memset(&c, 0, sizeof(c));
    c.family = 6;
    c.bits = p->len;
    memcpy(c.a, p->prefix.a, 16);
    sh_addr_mask(c.a, p->len);                   /* host bits zeroed */
    struct sh_addr net = { 6, { 0 } };
    memcpy(net.a, c.a, 16);
    uint64_t life = p->valid_s == 0xffffffffu || p->valid_s > 86400 ? 86400 : p->valid_s;
    int slot = -1;
    for (int i = 0; i < d->nlearned; i++) {
        if (d->learned[i].net.bits == c.bits && memcmp(d->learned[i].net.a, c.a, 16) == 0) {
            slot = i;
            break;
        }
    }
    if (life == 0) {                     /* the router withdrew it */
        if (slot >= 0)
            d->learned[slot].expires_us = now;
        return;
    }
    int fresh = slot < 0 || d->learned[slot].expires_us <= now;
    if (slot < 0) {
        if (d->nlearned < LEARNED_MAX) {
            slot = d->nlearned++;
        } else {                         /* replace the one expiring first */
            slot = 0;
            for (int i = 1; i < LEARNED_MAX; i++)
                if (d->learned[i].expires_us < d->learned[slot].expires_us)
                    slot = i;
        }
    }
    d->learned[slot].net = c;
    d->learned[slot].expires_us = now + life * 1000000ULL;
    snprintf(d->learned[slot].source, sizeof(d->learned[slot].source), "%s", source);
    if (!fresh || cidr_set_match(&d->cfg.home_net, &net))
        return;
    d->prefixes_learned++;
    struct detect_notice *n = &d->nbuf;
    memset(n, 0, sizeof(*n));
    n->kind = NOTICE_PREFIX;
    n->ts_us = now;
    n->ip = *router;
    n->prefix = net;
    n->prefix_len = c.bits;
    n->valid_s = (uint32_t)life;
    snprintf(n->source, sizeof(n->source), "%s", source);
    notice(d, n);
}

static void on_ra(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_ra *ra = &ev->u.ra;
    if (!d->cfg.learn_prefixes)
        return;
    for (int i = 0; i < ra->nprefix && i < EV_PREFIX_MAX; i++)
        if (ra->prefix[i].flags & (EVP_ONLINK | EVP_AUTONOMOUS))
            learn_prefix(d, &ev->src, &ra->prefix[i], "ra", now);
}

static void on_dhcp6(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dhcp6 *x = &ev->u.dhcp6;
    if (x->msg_type != 7)                          /* REPLY (RFC 8415 7.3) */
        return;
    if (d->cfg.learn_prefixes) {
        for (int i = 0; i < x->naddr && i < EV_PREFIX_MAX; i++) {
            struct ev_prefix p;
            memset(&p, 0, sizeof(p));
            p.prefix = x->addr[i];
            memset(p.prefix.a + 8, 0, 8);              /* the address's /64 */
            p.len = 64;
            p.valid_s = x->addr_valid_s[i];
            learn_prefix(d, &ev->src, &p, "dhcpv6", now);
        }
        for (int i = 0; i < x->nprefix && i < EV_PREFIX_MAX; i++)
            learn_prefix(d, &ev->src, &x->prefix[i], "dhcpv6", now);
    }
    /* the client's addresses: a hint (DHCPv6 servers are not vetted) */
    if (x->has_client_mac)
        for (int i = 0; i < x->naddr && i < EV_PREFIX_MAX; i++) {
            struct host *h = host_for(d, &x->addr[i], now);
            if (h)
                host_observe_mac(d->hosts, h, x->client_mac, MAC_HINT, now);
        }
}

/* ---- names bound to addresses by real answers ------------------------------------- */

static uint64_t lname_key(struct detect *d, const char *s, size_t n)
{
    char b[256];
    if (n && s[n - 1] == '.')
        n--;
    if (n >= sizeof(b))
        n = sizeof(b) - 1;
    for (size_t i = 0; i < n; i++)
        b[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    return hk_name(&d->key, b, n) | 1;
}

static void answer_bind(struct detect *d, const struct sh_addr *ip, uint64_t nk, int benign)
{
    struct answer_names *a = lru_get(d->answers, addr_key(d, ip), 1, NULL);
    if (benign)
        a->benign = 1;
    else
        a->other = 1;
    int i = 0;
    while (i < ANSWER_NAMES - 1 && a->name[i] && a->name[i] != nk)
        i++;
    memmove(a->name + 1, a->name, (size_t)i * sizeof(a->name[0]));
    a->name[0] = nk;
}

static int benign_name(struct detect *d, const char *name);

/* A paired answer binds its addresses to the question and to every owner
 * name of its chain (CNAMEs): a client naming a listed service (SNI, Host)
 * is believed only toward an address such an answer gave that name.  Only
 * answers that come from where answers come from count: an internal
 * resolver's established MAC, or a router for an external resolver (a host
 * answering itself with a forged answer binds nothing). */
static void answers_note(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dns *x = &ev->u.dns;
    if (!ev->has_mac ||
        (internal(d, &ev->src) ? !attributable(d, &ev->src, 1, ev->src_mac, now)
                               : !host_mac_is_router(d->hosts, ev->src_mac, now))) {
        d->answers_untrusted++;
        return;
    }
    const char *qn = ev_s(ev, x->q[0].name);
    uint64_t q = lname_key(d, qn, x->q[0].name.len);
    int benign = benign_name(d, qn);
    for (int i = 0; i < x->nan && i < EV_DNS_MAX_AN; i++) {
        const struct ev_dns_rr *rr = &x->an[i];
        struct sh_addr ip;
        if ((rr->type != 1 && rr->type != 28) || addr_parse(ev_s(ev, rr->data), &ip) != 0)
            continue;
        answer_bind(d, &ip, q, benign);
        uint64_t own = lname_key(d, ev_s(ev, rr->name), rr->name.len);
        if (own != q)
            answer_bind(d, &ip, own, benign);
        for (int k = 0; k < x->nan && k < EV_DNS_MAX_AN; k++)
            if (x->an[k].type == 5)          /* the chain's aliases */
                answer_bind(d, &ip, lname_key(d, ev_s(ev, x->an[k].name), x->an[k].name.len),
                            benign);
    }
}

/* Did trusted answers give this address only listed or popular names? */
static int answer_benign(struct detect *d, const struct sh_addr *ip)
{
    struct answer_names *a = lru_peek(d->answers, addr_key(d, ip));
    return a && a->benign && !a->other;
}

static int answer_bound(struct detect *d, const struct sh_addr *ip, const char *name)
{
    struct answer_names *a = lru_peek(d->answers, addr_key(d, ip));
    uint64_t nk = lname_key(d, name, strlen(name));
    for (int i = 0; a && i < ANSWER_NAMES; i++)
        if (a->name[i] == nk)
            return 1;
    return 0;
}

/* ---- local prevalence -------------------------------------------------------- */

static uint64_t name_key(struct detect *d, const char *s)
{
    return hk_name(&d->key, s, strlen(s));
}

/* h resolved regdomain.  Only hosts whose binding has held for a span
 * themselves count (a phantom claimed a moment ago does not). */
static void prevalence_note(struct detect *d, const char *regdomain, struct host *h, uint64_t now)
{
    if (!host_stable(d->hosts, h, NULL, now) ||
        h->bind[0].first_us + secs(d, P_PREVALENCE_MIN_SPAN) > now)
        return;
    struct prevalence *p = lru_get(d->prev, name_key(d, regdomain), 1, NULL);
    uint32_t v = (uint32_t)addr_key(d, &h->ip) | 1, t = (uint32_t)(now / 1000000);
    for (int i = 0; i < p->n; i++)
        if (p->hosts[i] == v) {
            p->last_s[i] = t;
            return;
        }
    if (p->n < PREV_HOSTS) {
        p->hosts[p->n] = v;
        p->first_s[p->n] = p->last_s[p->n] = t;
        p->n++;
    }
}

/* Locally prevalent: enough long-established hosts each resolved it over
 * at least prevalence_min_span (days of use, not two moments), at least
 * prevalence_min_hosts and prevalence_min_share of the hosts tracked (up
 * to the PREV_HOSTS the set holds), and it never was evidence. */
static int prevalent(struct detect *d, const char *regdomain)
{
    struct prevalence *p = lru_peek(d->prev, name_key(d, regdomain));
    if (!p || p->suspect)
        return 0;
    uint32_t span = (uint32_t)d->p.v[P_PREVALENCE_MIN_SPAN];
    int n = 0;
    for (int i = 0; i < p->n; i++)
        n += p->last_s[i] >= p->first_s[i] + span;
    struct host_table_stats hs;
    host_table_get_stats(d->hosts, &hs);
    double need = d->p.v[P_PREVALENCE_MIN_SHARE] * (double)hs.active;
    if (need > PREV_HOSTS)
        need = PREV_HOSTS;
    return n >= d->p.v[P_PREVALENCE_MIN_HOSTS] && n >= need;
}

static int prevalent_zone(void *ctx, const char *zone)
{
    return prevalent(ctx, zone);
}

/* An indicator of evidence is never a benign prior afterwards. */
static void prevalence_suspect(struct detect *d, const char *regdomain)
{
    struct prevalence *p = lru_get(d->prev, name_key(d, regdomain), 1, NULL);
    p->suspect = 1;
}

/* ---- resolvers: relaying and blindness --------------------------------------- */

/* Relay records are kept under the server's address and, on Ethernet,
 * under its MAC too: a dual-stack or multi-address resolver forwards from
 * another address than the one its clients asked, never from another NIC. */
static uint64_t relay_key(struct detect *d, uint64_t server, const char *name, size_t len)
{
    struct { uint64_t s, n; } k;
    k.s = server;
    k.n = hk_name(&d->key, name, len);
    return hk_bytes(&d->key, &k, sizeof(k));
}

static uint64_t relay_key_ip(struct detect *d, const struct sh_addr *ip, const char *name,
                             size_t len)
{
    return relay_key(d, addr_key(d, ip), name, len);
}

static uint64_t relay_key_mac(struct detect *d, const uint8_t mac[6], const char *name,
                              size_t len)
{
    return relay_key(d, mac_key(d, mac), name, len);
}

static void relay_add(struct detect *d, uint64_t key, struct host *c, const struct sh_addr *from,
                      int stable, uint64_t now)
{
    struct relay *r = lru_get(d->relay, key, 1, NULL);
    if (r->ts + secs(d, P_RELAY_WINDOW) < now)
        memset(r, 0, sizeof(*r));
    r->ts = now;
    if (!c) {
        for (int i = 0; i < r->nanon; i++)
            if (memcmp(&r->anon[i], from, sizeof(*from)) == 0) {
                r->anon_credited[i] = 0;
                return;
            }
        if (r->nanon < 2) {
            r->anon[r->nanon] = *from;
            r->anon_credited[r->nanon++] = 0;
        }
        return;
    }
    r->stable |= (uint8_t)stable;
    uint32_t idx = host_index(d->hosts, c);
    for (int i = 0; i < r->n; i++)
        if (r->idx[i] == idx && r->gen[i] == c->gen) {
            r->credited[i] = 0;
            return;
        }
    int slot = r->n < RELAY_CLIENTS ? r->n++ : RELAY_CLIENTS - 1;
    r->idx[slot] = idx;
    r->gen[slot] = c->gen;
    r->credited[slot] = 0;
}

/* An internal client asked internal server ev->dst for name: what the
 * server asks upstream for it moments later is that client's lookup.  c is
 * the host to credit (NULL when the query could be attributed to nobody);
 * a host is never its own client. */
static void relay_note(struct detect *d, const struct sh_event *ev, struct host *c,
                       const char *name, size_t len, uint64_t now)
{
    /* a query addressed to its own sender (by address or by MAC) asks
     * nobody: whoever the sender claims to be */
    if (ev->src.family == ev->dst.family && memcmp(ev->src.a, ev->dst.a, 16) == 0)
        return;
    if (ev->has_mac && memcmp(ev->src_mac, ev->dst_mac, 6) == 0)
        return;
    if (c && ev->has_mac && memcmp(c->bind[0].mac, ev->dst_mac, 6) == 0)
        return;
    int stable = c && host_stable(d->hosts, c, ev->has_mac ? ev->dst_mac : NULL, now);
    relay_add(d, relay_key_ip(d, &ev->dst, name, len), c, &ev->src, stable, now);
    /* by MAC too, unless it is a router's (every routed host shares it) */
    if (ev->has_mac && host_mac_valid(ev->dst_mac) && !host_mac_is_router(d->hosts, ev->dst_mac, now))
        relay_add(d, relay_key_mac(d, ev->dst_mac, name, len), c, &ev->src, stable, now);
}

/* A host that relayed lookups for clients with stable bindings (held for
 * mac_stable by their own traffic) within the last resolver_blind_window,
 * or one the operator declared. */
static int recognised_resolver(struct detect *d, const struct host *h, uint64_t now)
{
    return (h->infra & INFRA_RESOLVER) ||
           (h->relay_us && h->relay_us + secs(d, P_RESOLVER_BLIND_WINDOW) >= now);
}

/* Is h's lookup of name (now) the relay of a client's query moments ago?
 * A query nobody can be held to makes it a relay only for a recognised
 * resolver: anyone else could forge such a query to itself. */
static struct relay *relay_of(struct detect *d, struct host *h, const char *name, size_t len,
                              uint64_t now, uint64_t window)
{
    struct relay *r = lru_peek(d->relay, relay_key_ip(d, &h->ip, name, len));
    if ((!r || r->ts + window < now) && h->bind[0].source > MAC_HINT &&
        !host_mac_is_router(d->hosts, h->bind[0].mac, now))
        r = lru_peek(d->relay, relay_key_mac(d, h->bind[0].mac, name, len));
    if (!r || r->ts + window < now)
        return NULL;
    if (r->n)
        return r;
    return r->nanon && recognised_resolver(d, h, now) ? r : NULL;
}

/* A declared resolver relaying for no visible client.  (Only the operator
 * can declare one: anything on the wire that would make a host "a
 * resolver whose clients are unseen" -- a DHCP announcement, a relay --
 * can be forged, and would exempt a bot.) */
static int blind(struct detect *d, const struct host *h, uint64_t now)
{
    return (h->infra & INFRA_RESOLVER) &&
           (!h->relay_us || h->relay_us + secs(d, P_RESOLVER_BLIND_WINDOW) < now);
}

static struct host *shadow_of(struct detect *d, const struct host *h, uint64_t now)
{
    d->blind_lookups++;
    return shadow_at(d, &h->ip, SHADOW_BLIND, now);
}

/* ---- threat intelligence (ti.h) ---------------------------------------------- */

static int group_addr(const struct sh_addr *a);

/* Special-purpose addresses (RFC 6890) no C2 lives on: private, shared,
 * loopback, link-local, unique-local, unspecified. */
static int special_addr(const struct sh_addr *a)
{
    const uint8_t *x = a->a;
    if (a->family == 4)
        return x[0] == 10 || x[0] == 127 || x[0] == 0 || (x[0] == 172 && (x[1] & 0xf0) == 16) ||
               (x[0] == 192 && x[1] == 168) || (x[0] == 169 && x[1] == 254) ||
               (x[0] == 100 && (x[1] & 0xc0) == 64);
    static const uint8_t zero[15];
    return (x[0] & 0xfe) == 0xfc || (x[0] == 0xfe && (x[1] & 0xc0) == 0x80) ||
           !memcmp(x, zero, 15);                         /* ::, ::1 */
}

/* Where an address stands: skipped (allowlisted, a group address),
 * infrastructure (internal, special-purpose, the configured resolvers, DHCP
 * servers and the sensor: remembered, never learnt), benign (a trusted
 * answer gave it a listed or popular name, whatever else), or plain. */
static int ti_class_addr(struct detect *d, const struct sh_addr *ip)
{
    if (allow_addr(&d->allow, ip) || group_addr(ip))
        return TI_SKIP;
    if (internal(d, ip) || special_addr(ip) || cidr_set_match(&d->cfg.dns_resolvers, ip) ||
        cidr_set_match(&d->cfg.dhcp_servers, ip) || cidr_set_match(&d->cfg.sensor_addrs, ip))
        return TI_INFRA;
    /* a listed or popular service's address, whatever rarer names also
     * point at it: anyone can publish a name of their own for any address
     * (a bot that "beacons" to a Dropbox address under its own name must
     * not make every Dropbox user a C2 contact) */
    const struct answer_names *an = lru_peek(d->answers, addr_key(d, ip));
    return an && an->benign ? TI_BENIGN : TI_PLAIN;
}

/* Names: allowlisted ones are skipped; a public suffix (or no registrable
 * domain at all: single labels, local zones) is infrastructure; listed,
 * popular and locally prevalent ones are benign. */
static int ti_class_name(struct detect *d, const char *name, size_t len)
{
    static const char *const local[] = { "local", "localhost", "lan", "home", "internal",
                                         "intranet", "corp", "localdomain", "home.arpa", "arpa" };
    if (allow_name(&d->allow, name, len))
        return TI_SKIP;
    /* name is canonical (ti.h): lower case, no trailing dot */
    if (!memchr(name, '.', len))
        return TI_INFRA;                         /* a single label */
    for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
        size_t k = strlen(local[i]);
        if (len > k && name[len - k - 1] == '.' && strncmp(name + len - k, local[i], k) == 0)
            return TI_INFRA;
    }
    struct domain_parts parts;
    if (domain_split(d->dom, name, len, &parts) < 0)
        return TI_PLAIN;          /* not scorable (.test, .example, '_'...): its own domain */
    if (parts.nlabels < 2 || !parts.suffix || strcmp(parts.norm, parts.suffix) == 0)
        return TI_INFRA;                         /* a public suffix */
    return benign_name(d, parts.norm) ? TI_BENIGN : TI_PLAIN;
}

static int ti_classify(void *ctx, const struct ti_attr *a)
{
    struct detect *d = ctx;
    switch (a->type) {
    case IOC_IP:
        return ti_class_addr(d, &a->ip);
    case IOC_DOMAIN:
        return ti_class_name(d, a->v, a->len);
    case IOC_URL: {
        /* the URL's host decides ("http://" host [":" port] "/" ...) */
        const char *h = a->v + 7, *end = h;
        if (a->len < 8 || strncmp(a->v, "http://", 7) != 0)
            return TI_PLAIN;
        if (*h == '[') {
            const char *rb = strchr(h, ']');
            end = rb ? rb + 1 : h + strlen(h);
        } else {
            end = h + strcspn(h, ":/");
        }
        struct ti_attr x;
        int ty = ti_canon_host(h, (size_t)(end - h), &x);
        return ty == IOC_IP ? ti_class_addr(d, &x.ip) :
               ty == IOC_DOMAIN ? ti_class_name(d, x.v, x.len) : TI_PLAIN;
    }
    default:
        return TI_PLAIN;
    }
}

struct withdraw {
    struct detect *d;
    char value[EVIDENCE_IOC_MAX];
    int hosts;
};

static void withdraw_one(void *ctx, struct host *h)
{
    struct withdraw *w = ctx;
    int n = 0;
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(w->d->hosts, h, k);
        if (e && e->kind == EVK_SHARED_C2 && !strncmp(e->indicator, w->value,
                                                       sizeof(e->indicator) - 1)) {
            host_evidence_release_at(w->d->hosts, h, k);
            n++;
        }
    }
    if (n) {
        w->hosts++;
        rescore(w->d, h, w->d->now_us, 0);
    }
}

/* addr turned out to be a DNS server (infrastructure) after it was learnt
 * from a convicted host: forget it, and withdraw the shared_c2 evidence it
 * gave (an attacker's bot convicted early must not pin the resolver's
 * address on the LAN). */
static void spread_withdraw(struct detect *d, const struct sh_addr *addr, uint64_t now)
{
    struct withdraw w = { d, "", 0 };
    if (!ti_forget_ip(d->ti, addr, now, w.value, sizeof(w.value)))
        return;
    host_foreach(d->hosts, withdraw_one, &w);
    d->spread_withdrawn += (uint64_t)w.hosts;
}

/* h (or a shadow) asked for name itself (not relayed for a client). */
static void intel_query(struct detect *d, struct host *h, const char *name, size_t len,
                        uint64_t now, struct host_touched *t)
{
    struct ti_attr a;
    if (ti_from_query_name(name, len, &a))
        ti_used(d->ti, d->hosts, h, is_shadow(h), &a, 1, now, t);
}

void detect_set_intel(struct detect *d, intel_lookup_fn fn, void *ctx)
{
    ti_set_lookup(d->ti, fn, ctx);
}

int detect_learned_iocs(struct detect *d, intel_learned_fn fn, void *ctx)
{
    return ti_learned(d->ti, d->now_us, fn, ctx);
}

/* ---- DNS --------------------------------------------------------------------- */

static void dns_outcome(struct detect *d, struct host *h, const struct sh_event *ev,
                        uint64_t now, struct host_touched *t)
{
    const struct ev_dns *x = &ev->u.dns;
    const char *name = ev_s(ev, x->q[0].name);
    size_t len = x->q[0].name.len;
    struct dga_verdict v;
    {
        /* the addresses and aliases this answer gave h (its own query's) */
        struct ti_attr a[TI_ATTR_MAX];
        int n = ti_from_answer(ev, a);
        if (n)
            ti_used(d->ti, d->hosts, h, is_shadow(h), a, n, now, t);
    }
    if (x->rcode == 3) {                                /* NXDOMAIN */
        if (dga_score(d->dga, name, len, &v) < 0) {
            d->not_scorable++;
            return;
        }
        d->dns_scored++;
        if (!v.popular && prevalent(d, v.parts.regdomain))
            v.popular = 1;
        dgahost_failed(d->dgah, d->hosts, h, &v, now, &d->p, t);
        return;
    }
    if (x->rcode != 0 || !x->nan)
        return;
    char addrs[128];
    size_t off = 0;
    int n_addr = 0;
    addrs[0] = '\0';
    for (int i = 0; i < x->nan; i++) {
        const struct ev_dns_rr *rr = &x->an[i];
        const char *data = ev_s(ev, rr->data);
        if (rr->type == 5 && allow_name(&d->allow, data, rr->data.len)) {
            d->allowlisted++;
            return;                           /* CNAME into an allowed zone */
        }
        if ((rr->type == 1 || rr->type == 28) && rr->data.len) {
            struct sh_addr a;
            if (addr_parse(data, &a) == 0 && allow_addr(&d->allow, &a)) {
                d->allowlisted++;
                return;
            }
            if (n_addr < 3 && off < sizeof(addrs)) {
                int k = snprintf(addrs + off, sizeof(addrs) - off, "%s%s",
                                 n_addr ? ", " : "", data);
                if (k > 0)
                    off += (size_t)k;
            }
            n_addr++;
        }
    }
    if (!n_addr)
        return;
    if (dga_score(d->dga, name, len, &v) < 0) {
        d->not_scorable++;
        return;
    }
    d->dns_scored++;
    if (!is_shadow(h))
        prevalence_note(d, v.parts.regdomain, h, now);
    if (!v.popular && prevalent(d, v.parts.regdomain))
        v.popular = 1;
    tells_name(d->tells, d->hosts, h, name, &v.parts, v.popular,
               services_match(d->services, name, len), now, t);
    int before = t->n;
    dgahost_resolved(d->dgah, d->hosts, h, &v, addrs, now, &d->p, t);
    if (t->n != before)
        prevalence_suspect(d, v.parts.regdomain);
}

/* h received the answer to its query for name.  When h only relayed that
 * lookup for clients, the outcome is theirs (through chained resolvers,
 * up to 3 deep): credit each once and return 1.  A relay asked only by
 * queries nobody can be held to (a recognised resolver's) is credited to
 * nobody, counted. */
static int credit_relayed(struct detect *d, struct host *h, const struct sh_event *ev,
                          const char *name, size_t len, uint64_t now, struct host_touched *t,
                          int depth)
{
    uint64_t window = secs(d, P_RELAY_WINDOW) + (uint64_t)d->cfg.pipe.dns_timeout_ms * 1000;
    struct relay *r = relay_of(d, h, name, len, now, window);
    if (!r || !r->relayed)
        return 0;
    /* asked by queries nobody is held to: their addresses' spoof shadows
     * hear the outcome (loud, never a verdict, never the resolver's) */
    for (int i = 0; i < r->nanon; i++) {
        if (r->anon_credited[i])
            continue;
        r->anon_credited[i] = 1;
        d->relayed_unattributed++;
        struct host *sp = spoof_shadow(d, &r->anon[i], 1, now);
        if (sp)
            dns_outcome(d, sp, ev, now, t);
    }
    for (int i = 0; i < r->n; i++) {
        struct host *c = host_at(d->hosts, r->idx[i], r->gen[i]);
        if (!c || r->credited[i])
            continue;
        r->credited[i] = 1;
        if (exempt(d, c))
            continue;
        d->relay_credited++;
        if (depth < 3 && credit_relayed(d, c, ev, name, len, now, t, depth + 1))
            continue;
        dns_outcome(d, c, ev, now, t);
    }
    return 1;
}

static void on_dns_query(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dns *x = &ev->u.dns;
    if (!internal(d, &ev->src))
        return;
    d->health.q++;
    struct host *h = attributable(d, &ev->src, ev->has_mac, ev->src_mac, now);
    int server_internal = internal(d, &ev->dst);
    if (server_internal)                  /* whoever asked, the server did not */
        for (int i = 0; i < x->nq; i++)
            relay_note(d, ev, h && !exempt(d, h) ? h : NULL, ev_s(ev, x->q[i].name),
                       x->q[i].name.len, now);
    if (!h) {
        /* nobody to hold to it: heard through the address's spoof shadow */
        struct host *sp = spoof_shadow(d, &ev->src, ev->has_mac, now);
        if (!sp)
            return;
        struct host_touched t = { 0 };
        for (int i = 0; i < x->nq; i++) {
            intel_query(d, sp, ev_s(ev, x->q[i].name), x->q[i].name.len, now, &t);
            tunnel_query(d->tun, d->hosts, sp, ev_s(ev, x->q[i].name), x->q[i].name.len,
                         x->q[i].type, &ev->dst, now, &d->p, &t);
        }
        rescore_touched(d, &t, now);
        return;
    }
    if (exempt(d, h))
        return;
    struct host_touched t = { 0 };
    /* a blind resolver's lookups go to its shadow; creating the shadow may
     * evict hosts, so h is pinned and re-found by index and generation */
    struct host *shadow = NULL;
    uint32_t hidx = host_index(d->hosts, h), hgen = h->gen;
    if (blind(d, h, now)) {
        host_watch(d->hosts, h, now + secs(d, P_RESOLVER_BLIND_WINDOW));
        shadow = shadow_of(d, h, now);
        h = host_at(d->hosts, hidx, hgen);
        if (!h)
            return;
    }
    for (int i = 0; i < x->nq; i++) {
        const char *name = ev_s(ev, x->q[i].name);
        size_t len = x->q[i].name.len;
        if (allow_name(&d->allow, name, len)) {
            d->allowlisted++;
            continue;
        }
        /* h relaying a client's lookup: the client's, counted there */
        struct relay *r = relay_of(d, h, name, len, now, secs(d, P_RELAY_WINDOW));
        if (r) {
            r->relayed = 1;
            if (r->stable)
                h->relay_us = now;         /* relaying for visible clients */
            h->relayed++;
            d->relayed++;
            continue;
        }
        intel_query(d, shadow ? shadow : h, name, len, now, &t);
        tunnel_query(d->tun, d->hosts, shadow ? shadow : h, name, len, x->q[i].type, &ev->dst,
                     now, &d->p, &t);
    }
    rescore_touched(d, &t, now);
}

static void on_dns_answer(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dns *x = &ev->u.dns;
    if (!internal(d, &ev->dst))
        return;
    d->health.a++;
    if (!x->paired) {
        d->answers_unpaired++;      /* unsolicited: counted, never evidence */
        d->health.unpaired++;
        return;
    }
    d->health.paired++;
    if (!x->nq)
        return;
    const char *name = ev_s(ev, x->q[0].name);
    size_t len = x->q[0].name.len;
    answers_note(d, ev, now);
    if (allow_name(&d->allow, name, len)) {
        d->allowlisted++;
        return;
    }
    struct host_touched t = { 0 };
    struct host *h = attributable(d, &ev->dst, x->query_has_mac, x->query_mac, now);
    if (!h) {
        struct host *sp = spoof_shadow(d, &ev->dst, x->query_has_mac, now);
        if (sp) {
            dns_outcome(d, sp, ev, now, &t);
            rescore_touched(d, &t, now);
        }
        return;
    }
    if (exempt(d, h))
        return;
    /* an external DNS server that answered a resolver, or several hosts:
     * infrastructure, never a learnt C2 (one host's answers do not make
     * one: a bot's C2 could answer its DNS) */
    if (!internal(d, &ev->src) && (ev->src.family == 4 || ev->src.family == 6) &&
        ti_note_dns_answer(d->ti, &ev->src, (uint32_t)addr_key(d, &h->ip) | 1,
                           recognised_resolver(d, h, now)))
        spread_withdraw(d, &ev->src, now);
    /* the upstream answer to a lookup h relayed: the clients' outcome */
    if (credit_relayed(d, h, ev, name, len, now, &t, 0)) {
        rescore_touched(d, &t, now);
        return;
    }
    /* the resolver's answer to h for a lookup already credited to h */
    if (internal(d, &ev->src)) {
        struct relay *rr = lru_peek(d->relay, relay_key_ip(d, &ev->src, name, len));
        if (rr) {
            uint32_t idx = host_index(d->hosts, h);
            for (int i = 0; i < rr->n; i++)
                if (rr->idx[i] == idx && rr->gen[i] == h->gen && rr->credited[i])
                    return;
        }
    }
    struct host *target = blind(d, h, now) ? shadow_of(d, h, now) : h;
    dns_outcome(d, target, ev, now, &t);
    rescore_touched(d, &t, now);
}

/* ---- health -------------------------------------------------------------------- */

enum health_check {
    HC_DNS_ANSWERS = 0, HC_DNS_QUERIES, HC_KERNEL_DROPS, HC_RING_DROPS, HC_HOST_PRESSURE,
    HC_EVIDENCE_POOL, HC_STATE_PRESSURE, HC_MAX
};

static const char *const hc_names[HC_MAX] = {
    "dns_answers_unseen", "dns_queries_unseen", "capture_drops", "ring_drops",
    "host_table_pressure", "evidence_pool_full", "detector_state_pressure",
};

void detect_capture_counters(struct detect *d, uint64_t packets, uint64_t kernel_drops,
                             uint64_t ring_drops)
{
    d->health.packets = packets;
    d->health.kdrops = kernel_drops;
    d->health.rdrops = ring_drops;
}

static void health_check(struct detect *d, uint64_t now)
{
    struct health *H = &d->health;
    struct host_table_stats hs;
    host_table_get_stats(d->hosts, &hs);
    double span = H->since_us && now > H->since_us ? (double)(now - H->since_us) / 1e6 : 0;
    char detail[HC_MAX][200];
    uint32_t mask = 0;

    if (H->q >= (uint64_t)d->p.v[P_HEALTH_MIN_QUERIES] &&
        (double)H->paired < d->p.v[P_HEALTH_MIN_ANSWERED] * (double)H->q) {
        mask |= 1u << HC_DNS_ANSWERS;
        snprintf(detail[HC_DNS_ANSWERS], sizeof(detail[0]),
                 "of %llu DNS queries from internal hosts in %.0f s only %llu got an answer the "
                 "sensor saw: answers are not mirrored (one-way SPAN?); DNS-based detection is blind",
                 (unsigned long long)H->q, span, (unsigned long long)H->paired);
    }
    if (H->a >= (uint64_t)d->p.v[P_HEALTH_MIN_QUERIES] &&
        (double)H->unpaired > (1 - d->p.v[P_HEALTH_MIN_ANSWERED]) * (double)H->a) {
        mask |= 1u << HC_DNS_QUERIES;
        snprintf(detail[HC_DNS_QUERIES], sizeof(detail[0]),
                 "%llu of %llu DNS answers to internal hosts in %.0f s had no query the sensor "
                 "saw: queries are not mirrored, or answers are forged; they count for nothing",
                 (unsigned long long)H->unpaired, (unsigned long long)H->a, span);
    }
    uint64_t pk = H->packets - H->packets0, kd = H->kdrops - H->kdrops0,
             rd = H->rdrops - H->rdrops0;
    if (kd) {
        mask |= 1u << HC_KERNEL_DROPS;
        snprintf(detail[HC_KERNEL_DROPS], sizeof(detail[0]),
                 "the kernel dropped %llu packets (%llu captured) in %.0f s",
                 (unsigned long long)kd, (unsigned long long)pk, span);
    }
    if (rd) {
        mask |= 1u << HC_RING_DROPS;
        snprintf(detail[HC_RING_DROPS], sizeof(detail[0]),
                 "%llu events dropped between capture and detection in %.0f s (detection too slow)",
                 (unsigned long long)rd, span);
    }
    uint64_t ep = hs.evicted_protected - H->hs0.evicted_protected,
             rl = d->rate_limited - H->rate_limited0;
    if (ep || rl) {
        mask |= 1u << HC_HOST_PRESSURE;
        snprintf(detail[HC_HOST_PRESSURE], sizeof(detail[0]),
                 "%llu hosts holding evidence or detector state evicted, %llu new hosts refused "
                 "by the per-prefix rate limit in %.0f s (a flood of new sources?)",
                 (unsigned long long)ep, (unsigned long long)rl, span);
    }
    if (hs.evidence_exhausted > H->hs0.evidence_exhausted ||
        hs.evidence_reclaimed > H->hs0.evidence_reclaimed) {
        mask |= 1u << HC_EVIDENCE_POOL;
        snprintf(detail[HC_EVIDENCE_POOL], sizeof(detail[0]),
                 "the evidence pool is full: %llu hosts' evidence reclaimed for stronger, "
                 "%llu evidences lost in %.0f s",
                 (unsigned long long)(hs.evidence_reclaimed - H->hs0.evidence_reclaimed),
                 (unsigned long long)(hs.evidence_exhausted - H->hs0.evidence_exhausted), span);
    }
    struct dgahost_stats gs;
    dgahost_get_stats(d->dgah, &gs);
    uint64_t wa = gs.windows_evicted_algo - H->windows_algo0,
             mv = hs.macs_evicted_valued - H->hs0.macs_evicted_valued;
    if (wa || mv) {
        mask |= 1u << HC_STATE_PRESSURE;
        snprintf(detail[HC_STATE_PRESSURE], sizeof(detail[0]),
                 "%llu hosts' DGA state with algorithmic names and %llu MACs of routers or "
                 "known hosts dropped in %.0f s: too many new hosts or MACs (a flood?)",
                 (unsigned long long)wa, (unsigned long long)mv, span);
    }
    if (mask != H->mask) {
        struct detect_notice *n = &d->nbuf;
        memset(n, 0, sizeof(*n));
        n->kind = NOTICE_HEALTH;
        n->ts_us = now;
        n->degraded = mask != 0;
        for (int c = 0; c < HC_MAX && n->nreasons < NOTICE_REASONS_MAX; c++) {
            if (!(mask & (1u << c)))
                continue;
            snprintf(n->reasons[n->nreasons].check, sizeof(n->reasons[0].check), "%s", hc_names[c]);
            snprintf(n->reasons[n->nreasons].detail, sizeof(n->reasons[0].detail), "%s", detail[c]);
            n->nreasons++;
        }
        H->mask = mask;
        notice(d, n);
    }
    H->q = H->a = H->paired = H->unpaired = 0;
    H->packets0 = H->packets;
    H->kdrops0 = H->kdrops;
    H->rdrops0 = H->rdrops;
    H->hs0 = hs;
    H->rate_limited0 = d->rate_limited;
    H->windows_algo0 = gs.windows_evicted_algo;
    H->since_us = now;
}

/* ---- C2 by behaviour: flows, TLS names, HTTP requests ------------------------------ */

/* Ports whose protocols everyone speaks: a session on any other port is on
 * an "unusual port" (beacon.h). */
static int well_known_port(uint16_t port, uint8_t proto)
{
    static const uint16_t tcp[] = {
        20, 21, 22, 23, 25, 53, 80, 88, 110, 111, 119, 135, 139, 143, 389, 443, 445, 465,
        587, 631, 636, 853, 873, 993, 995, 1433, 1521, 1723, 3128, 3268, 3306, 3389, 5060,
        5061, 5222, 5223, 5228, 5432, 5900, 5985, 5986, 8000, 8008, 8080, 8443, 9100,
    };
    static const uint16_t udp[] = {
        53, 67, 68, 69, 88, 123, 137, 138, 161, 162, 389, 443, 500, 514, 546, 547, 1194,
        1701, 1812, 1813, 1900, 3478, 3479, 3480, 3481, 3702, 4500, 5060, 5353, 5355, 19302,
        41641, 51820,
    };
    const uint16_t *v = proto == 17 ? udp : tcp;
    size_t n = proto == 17 ? sizeof(udp) / sizeof(udp[0]) : sizeof(tcp) / sizeof(tcp[0]);
    for (size_t i = 0; i < n; i++)
        if (v[i] == port)
            return 1;
    return 0;
}

/* Protocols that keep time or search by design, recognised by their
 * content (nDPI), not by their port: an implant on port 53 or 123 that
 * does not speak DNS or NTP is judged like any other. */
static int keeps_time_by_design(const char *app)
{
    static const char *const v[] = {
        "DNS", "NTP", "DHCP", "DHCPV6", "MDNS", "SSDP", "NetBIOS", "LLMNR", "WSD",
        "WireGuard", "OpenVPN", "IPsec", "STUN", "SNMP", "Syslog",
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = strlen(v[i]);
        if (strncmp(app, v[i], n) == 0 && (app[n] == '\0' || app[n] == '.'))
            return 1;
    }
    return 0;
}

/* Multicast, broadcast, unspecified: nobody's destination. */
static int group_addr(const struct sh_addr *a)
{
    if (a->family == 4)
        return a->a[0] >= 224 || a->a[0] == 0 ||
               (a->a[0] == 169 && a->a[1] == 254 && a->a[3] == 255);
    return a->a[0] == 0xff || (a->a[0] == 0 && a->a[15] <= 1 && !memcmp(a->a, "\0\0\0\0\0\0\0\0", 8));
}

/* Does this flow look like what its protocol does by design?  nDPI names
 * some protocols from their port and a loose check (any 48 bytes to port
 * 123 are "NTP", anything from 5353 "MDNS"), so the shape must fit too:
 * discovery stays on the link, NTP messages are small. */
static int by_design(struct detect *d, const struct sh_event *ev, const char *app)
{
    const struct ev_flow *fl = &ev->u.flow;
    if (!keeps_time_by_design(app))
        return 0;
    if (!strncmp(app, "MDNS", 4) || !strncmp(app, "SSDP", 4) || !strncmp(app, "NetBIOS", 7) ||
        !strncmp(app, "LLMNR", 5) || !strncmp(app, "WSD", 3) || !strncmp(app, "DHCP", 4))
        return internal(d, &ev->dst) || group_addr(&ev->dst);
    if (!strncmp(app, "NTP", 3))
        return ev->dport == 123 && fl->pkts_toserver &&
               fl->payload_toserver / fl->pkts_toserver <= 120;
    if (!strncmp(app, "DNS", 3))
        return ev->dport == 53 || ev->dport == 5353 || ev->dport == 5355;
    return 1;
}

/* Peer-to-peer protocols reach many peers by design (not a spray). */
static int reaches_many_by_design(const char *app)
{
    return strncmp(app, "BitTorrent", 10) == 0 || strncmp(app, "eDonkey", 7) == 0 ||
           strncmp(app, "Gnutella", 8) == 0;
}

/* Internal management and discovery ports: a monitoring or print server
 * reaching every device on them is not lateral movement. */
static int management_port(uint16_t port, uint8_t proto)
{
    if (proto == 17)
        return port == 161 || port == 162 || port == 514 || port == 123 || port == 53;
    return port == 9100 || port == 631 || port == 515;
}

static uint64_t flow_key(struct detect *d, uint64_t flow_id)
{
    return hk_u64(&d->key, flow_id);
}

/* A live flow's name (SNI, HTTP Host) for its later records, kept only
 * for flows of attributable internal clients. */
static void flow_name(struct detect *d, uint64_t flow_id, const char *name, size_t len)
{
    if (!flow_id || !len)
        return;
    struct flowinfo *fi = lru_get(d->flows, flow_key(d, flow_id), 1, NULL);
    size_t n = len < sizeof(fi->name) - 1 ? len : sizeof(fi->name) - 1;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        fi->name[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    fi->name[n] = '\0';
}

/* Is rhythm toward this name what the name's service does anyway?  A
 * popular domain counts only outside the PSL's private section (hosting
 * platforms where anyone rents a name: blob.core.windows.net, ...). */
static int benign_name(struct detect *d, const char *name)
{
    size_t n = strlen(name);
    if (allow_name(&d->allow, name, n) || services_match(d->services, name, n))
        return 1;
    struct domain_parts parts;
    if (domain_split(d->dom, name, n, &parts) < 0 || parts.private_suffix)
        return 0;
    return dga_popular(d->dga, parts.regdomain) || prevalent(d, parts.regdomain);
}

/* The destinations of an event from client to server (the header's dst):
 * its name when it has one, and always its address, port and transport --
 * so neither a lying name nor rotating addresses hide a rhythm. */
static void describe_dest(struct detect *d, const struct sh_event *ev, const char *name,
                          const char *app, int plain, struct beacon_dest *o, int by_name)
{
    char ip[64];
    memset(o, 0, sizeof(*o));
    o->external = !internal(d, &ev->dst);
    o->proto = ev->proto;
    o->port = ev->dport;
    o->odd_port = !well_known_port(ev->dport, ev->proto);
    o->plain = (uint8_t)plain;
    o->app = app;
    o->benign = allow_addr(&d->allow, &ev->dst);
    if (by_name) {
        o->named = 1;
        snprintf(o->text, sizeof(o->text), "%s", name);
        if (o->external) {
            size_t i = 0;
            for (; name[i] && i + 1 < sizeof(o->ioc); i++)
                o->ioc[i] = (char)tolower((unsigned char)name[i]);
            o->ioc[i] = '\0';
            if (i && o->ioc[i - 1] == '.')
                o->ioc[i - 1] = '\0';
            struct sh_addr lit;
            o->ioc_ip = addr_parse(o->ioc, &lit) == 0;
        }
        /* a name is what the client says (SNI, Host): a listed or popular
         * one counts only toward an address a trusted answer gave it */
        if (!o->benign && benign_name(d, name)) {
            if (answer_bound(d, &ev->dst, name))
                o->benign = 1;
            else
                o->claimed_benign = 1;
        }
    } else {
        addr_format(&ev->dst, ip, sizeof(ip));
        snprintf(o->text, sizeof(o->text), ev->dst.family == 6 ? "[%s]:%u/%s" : "%s:%u/%s", ip,
                 ev->dport, ev->proto == 17 ? "udp" : "tcp");
        if (o->external) {
            snprintf(o->ioc, sizeof(o->ioc), "%s", ip);
            o->ioc_ip = 1;
        }
        /* an address trusted answers gave only benign names */
        o->benign |= answer_benign(d, &ev->dst);
    }
}

/* The internal client of a flow or HTTP event that may speak for itself
 * (its established MAC, not exempt).  One whose MAC says otherwise speaks
 * for nobody: its evidence goes to the address's spoof shadow, heard as a
 * spoofed_source record, never a verdict. */
static struct host *behaviour_client(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    if ((ev->proto != 6 && ev->proto != 17) || !internal(d, &ev->src) || group_addr(&ev->dst))
        return NULL;
    struct host *h = attributable(d, &ev->src, ev->has_mac, ev->src_mac, now);
    if (!h) {
        d->flows_unattributed++;
        return spoof_shadow(d, &ev->src, ev->has_mac, now);
    }
    if (exempt(d, h))
        return NULL;
    return h;
}

/* The destinations of one event: [0] by address, [1] by name (when it
 * has one); returns how many.  Described once per record, not per burst. */
static int destinations(struct detect *d, const struct sh_event *ev, const char *name,
                        const char *app, int plain, struct beacon_dest dst[2])
{
    describe_dest(d, ev, name, app, plain, &dst[0], 0);
    if (!name || !name[0])
        return 1;
    describe_dest(d, ev, name, app, plain, &dst[1], 1);
    return 2;
}

static void observe(struct detect *d, struct host *h, const struct beacon_dest *dst, int ndst,
                    int series, uint64_t t_us, uint64_t bytes, uint64_t now,
                    struct host_touched *touched)
{
    uint32_t b = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
    for (int i = ndst - 1; i >= 0; i--)
        beacon_event(d->beh, d->hosts, h, &dst[i], series, t_us, b, now, touched);
}

/* Is the event's destination (its address, or the name the client gave)
 * on the operator's allowlist? */
static int dest_allowlisted(struct detect *d, const struct sh_event *ev, const char *name)
{
    return allow_addr(&d->allow, &ev->dst) ||
           (name && name[0] && allow_name(&d->allow, name, strlen(name)));
}

static void on_tls(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_tls *t = &ev->u.tls;
    struct host_touched touched = { 0 };
    struct host *h = behaviour_client(d, ev, now);
    if (!h)
        return;
    if (t->sni.len)
        flow_name(d, ev->flow_id, ev_s(ev, t->sni), t->sni.len);
    /* the SNI as flow_name keeps it (lower case, cut to a destination) */
    struct flowinfo *fi = t->sni.len && ev->flow_id ?
                          lru_get(d->flows, flow_key(d, ev->flow_id), 0, NULL) : NULL;
    const char *name = fi && fi->name[0] ? fi->name : NULL;
    struct beacon_dest dst[2];
    int ndst = destinations(d, ev, name, "TLS", 0, dst);
    struct tells_dest td = { &dst[0], ndst > 1 ? &dst[1] : NULL,
                             (uint8_t)dest_allowlisted(d, ev, name) };
    tells_tls(d->tells, d->hosts, h, ev, &td, now, &touched);
    struct ti_attr a[TI_ATTR_MAX];
    int n = ti_from_tls(ev, a);
    if (!internal(d, &ev->dst))
        n += ti_from_dest(&ev->dst, &a[n]);
    ti_used(d->ti, d->hosts, h, is_shadow(h), a, n, now, &touched);
    rescore_touched(d, &touched, now);
}

static void on_http(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_http *x = &ev->u.http;
    struct host_touched touched = { 0 };

    struct host *h = behaviour_client(d, ev, now);
    if (!h)
        return;
    flow_name(d, ev->flow_id, ev_s(ev, x->host), x->host.len);
    struct flowinfo *fi = ev->flow_id ? lru_get(d->flows, flow_key(d, ev->flow_id), 0, NULL)
                                      : NULL;
    struct ti_attr a[TI_ATTR_MAX];
    int na = ti_from_http(ev, a);
    if (!internal(d, &ev->dst))
        na += ti_from_dest(&ev->dst, &a[na]);
    ti_used(d->ti, d->hosts, h, is_shadow(h), a, na, now, &touched);
    struct beacon_dest dst[2];
    int ndst = destinations(d, ev, fi ? fi->name : NULL, "HTTP", 0, dst);
    observe(d, h, dst, ndst, BS_HTTP, ev->ts_us,
            x->request_body_len + x->response_body_len + x->uri.len, now, &touched);
    struct tells_dest td = { &dst[0], ndst > 1 ? &dst[1] : NULL,
                             (uint8_t)dest_allowlisted(d, ev, fi ? fi->name : NULL) };
    tells_http(d->tells, d->hosts, h, ev, &td, now, &touched);
    rescore_touched(d, &touched, now);
}

/* UDP servers often answer from or to another port (a reply port the
 * implant listens on): a datagram flow with no answer on its own 5-tuple
 * counts as answered when its server sent the client a datagram around
 * the same time, from the MAC the client sent to -- the server's own
 * established MAC, or the next hop for an external server.  Between two
 * internal hosts, the one that spoke first is the initiator: the other's
 * datagrams are replies, not its own rhythm (a lab C2 server answering
 * its agent). */
#define UDP_HEARD_US 300000000ULL

static uint64_t pair_key(struct detect *d, const struct sh_addr *from, const struct sh_addr *to)
{
    struct { struct sh_addr a, b; } k;
    memset(&k, 0, sizeof(k));
    k.a = *from;
    k.b = *to;
    return hk_bytes(&d->key, &k, sizeof(k));
}

static int udp_answered(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_flow *fl = &ev->u.flow;
    if (fl->outcome == FLOWO_ANSWERED)
        return 1;
    if (ev->proto != 17 || fl->outcome != FLOWO_UNANSWERED)
        return 0;
    /* answered from another MAC than the next hop: a router pair */
    if (fl->pkts_toclient && fl->has_reply_mac &&
        host_mac_is_router(d->hosts, fl->reply_mac, now))
        return 1;
    struct udp_pair *p = lru_peek(d->udp_heard, pair_key(d, &ev->dst, &ev->src));
    if (!p)
        return 0;
    /* records come when flows end, so the reply to this very datagram may
     * not be in yet: one to this client in the last UDP_HEARD_US will do,
     * from the MAC the client sends to or from a router */
    for (int i = 0; i < UDP_SPANS; i++)
        if (p->span[i].end_us && p->span[i].end_us + UDP_HEARD_US >= fl->start_us &&
            p->span[i].start_us <= fl->end_us + 10000000 &&
            ((ev->has_mac && memcmp(p->span[i].mac, ev->dst_mac, 6) == 0) ||
             host_mac_is_router(d->hosts, p->span[i].mac, now)))
            return 1;
    return 0;
}

/* Is this UDP flow between internal hosts a reply to a peer that spoke first? */
static int udp_reply(struct detect *d, const struct sh_event *ev)
{
    if (ev->proto != 17 || !internal(d, &ev->dst))
        return 0;
    struct udp_pair *back = lru_peek(d->udp_heard, pair_key(d, &ev->dst, &ev->src));
    struct udp_pair *fwd = lru_peek(d->udp_heard, pair_key(d, &ev->src, &ev->dst));
    uint64_t mine = fwd ? fwd->first_us : ev->u.flow.start_us;
    return back && back->first_us < mine;
}

/* Datagrams from ev's source to its destination, remembered only when the
 * sender speaks for itself: an internal sender from its established MAC
 * (a forger cannot answer for a server, or make a host a responder),
 * an external one with the MAC it came through. */
static void udp_heard_note(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_flow *fl = &ev->u.flow;
    if (ev->proto != 17 || !fl->pkts_toserver || fl->l2_foreign[0] || !ev->has_mac)
        return;
    if (internal(d, &ev->src) && !attributable(d, &ev->src, 1, ev->src_mac, now))
        return;
    int created;
    struct udp_pair *p = lru_get(d->udp_heard, pair_key(d, &ev->src, &ev->dst), 1, &created);
    if (created || fl->start_us < p->first_us)
        p->first_us = fl->start_us;
    int i = p->next++ % UDP_SPANS;
    p->span[i].start_us = fl->start_us;
    p->span[i].end_us = fl->end_us;
    memcpy(p->span[i].mac, ev->src_mac, 6);
}

/* Exfiltration (exfil.h): the payload new in this record of a flow between
 * internal host h and an external server (a live flow's records carry
 * totals), what the flow is, and how benign and rare its server is.
 * host_opened: h is the record's client (0: the server connected to h). */
static void exfil_note(struct detect *d, const struct sh_event *ev, struct host *h,
                       int host_opened, const struct flowinfo *known,
                       const struct beacon_dest *dsts, int ndst, int answered, int first,
                       const char *app, uint64_t now, struct host_touched *touched)
{
    const struct ev_flow *fl = &ev->u.flow;
    const struct sh_addr *server = host_opened ? &ev->dst : &ev->src;
    if (ev->proto != 6 && ev->proto != 17)
        return;
    uint64_t ts = fl->payload_toserver > known->ts_seen ? fl->payload_toserver - known->ts_seen : 0;
    uint64_t tc = fl->payload_toclient > known->tc_seen ? fl->payload_toclient - known->tc_seen : 0;
    if (fl->update && ev->flow_id) {
        struct flowinfo *fi = lru_get(d->flows, flow_key(d, ev->flow_id), 1, NULL);
        fi->ts_seen = fl->payload_toserver;
        fi->tc_seen = fl->payload_toclient;
    }
    struct exfil_flow f;
    memset(&f, 0, sizeof(f));
    f.server = *server;
    f.server_port = host_opened ? ev->dport : ev->sport;
    f.proto = ev->proto;
    f.cls = (uint8_t)exfil_classify(fl->app_master, fl->app_proto,
                                    fl->dpi_done && !fl->dpi_guessed, ev->proto, f.server_port,
                                    host_opened ? ev->sport : ev->dport, host_opened);
    f.host_opened = (uint8_t)host_opened;
    f.answered = (uint8_t)answered;
    f.first = (uint8_t)first;
    f.up = host_opened ? ts : tc;
    f.down = host_opened ? tc : ts;
    f.t_us = fl->end_us ? fl->end_us : ev->ts_us;
    f.start_us = fl->start_us;
    f.app = app;
    f.name = "";
    f.hosts = 1;
    if (ndst > 0) {
        f.benign = dsts[0].benign;
        f.hosts = beacon_dest_hosts(d->beh, h, &dsts[0], now);
    } else {
        f.benign = (uint8_t)(allow_addr(&d->allow, server) || answer_benign(d, server));
    }
    if (ndst > 1) {
        f.benign |= dsts[1].benign;
        f.claimed_benign = dsts[1].claimed_benign;
        f.name = dsts[1].ioc;
        int n = beacon_dest_hosts(d->beh, h, &dsts[1], now);
        if (n > f.hosts)
            f.hosts = n;
    }
    exfil_flow(d->exf, d->hosts, h, &f, now, touched);
}

/* A record whose client is external and server internal: an FTP server
 * connecting to the host for an active-mode data transfer is the host's
 * upload.  The host speaks for itself only from its established MAC, in
 * every frame it sent. */
static void exfil_inbound(struct detect *d, const struct sh_event *ev,
                          const struct flowinfo *known, uint64_t now)
{
    const struct ev_flow *fl = &ev->u.flow;
    if (ev->proto != 6 || group_addr(&ev->src) ||
        exfil_classify(fl->app_master, fl->app_proto, fl->dpi_done && !fl->dpi_guessed,
                       ev->proto, ev->sport, ev->dport, 0) != EXC_FTP_DATA)
        return;
    struct host *h = fl->l2_foreign[1] ? NULL
                                       : attributable(d, &ev->dst, ev->has_mac, ev->dst_mac, now);
    if (!h) {
        d->flows_unattributed++;
        h = spoof_shadow(d, &ev->dst, ev->has_mac, now);
        if (!h)
            return;
    } else if (exempt(d, h)) {
        return;
    }
    struct host_touched touched = { 0 };
    const char *app = fl->dpi_done && !fl->dpi_guessed ? ev_s(ev, fl->app_name) : "";
    exfil_note(d, ev, h, 0, known, NULL, 0, fl->pkts_toclient > 0, !known->counted, app, now,
               &touched);
    if (fl->update && ev->flow_id) {
        struct flowinfo *fi = lru_get(d->flows, flow_key(d, ev->flow_id), 1, NULL);
        fi->counted = 1;
    }
    rescore_touched(d, &touched, now);
}

/* A flow's update or end record: its connection (once), its client
 * bursts, its duration and port, and whom it reached. */
static void on_flow(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_flow *fl = &ev->u.flow;
    struct host_touched touched = { 0 };

    udp_heard_note(d, ev, now);
    /* what the engine knew of the flow (its name, whether its connection
     * was counted); an ended flow's entry goes, on every path */
    struct flowinfo *fi = lru_get(d->flows, flow_key(d, ev->flow_id), 0, NULL);
    struct flowinfo known = { .counted = 0 };
    if (fi)
        known = *fi;
    if (fi && !fl->update) {
        lru_remove(d->flows, fi);
        fi = NULL;
    }

    /* a DHCP server answering a client's lease is not its own initiative
     * (other answers -- SSDP, WS-Discovery, mDNS -- nDPI names below) */
    if ((ev->dport == 68 || ev->dport == 546) && internal(d, &ev->dst))
        return;
    const char *app = fl->dpi_done && !fl->dpi_guessed ? ev_s(ev, fl->app_name) : "";
    if (by_design(d, ev, app) ||
        (!d->cfg.pipe.dpi_enabled && (ev->dport == 53 || ev->dport == 123 || ev->dport == 67)))
        return;
    if (!internal(d, &ev->src) && internal(d, &ev->dst)) {
        exfil_inbound(d, ev, &known, now);      /* a server connecting in */
        return;
    }
    struct host *h = behaviour_client(d, ev, now);
    if (!h)
        return;
    if (udp_reply(d, ev)) {
        d->flows_replies++;
        return;
    }
    d->flows_judged++;
    int first = !known.counted;
    if (fl->update && first) {
        if (!fi)
            fi = lru_get(d->flows, flow_key(d, ev->flow_id), 1, NULL);
        fi->counted = 1;
    }
    int plain = !app[0] || (!fl->app_proto && !fl->app_master);
    const char *name = known.name[0] ? known.name : NULL;
    int answered = udp_answered(d, ev, now);
    int dst_internal = internal(d, &ev->dst);
    if (!dst_internal) {
        struct ti_attr a;
        if (ti_from_dest(&ev->dst, &a))
            ti_used(d->ti, d->hosts, h, is_shadow(h), &a, 1, now, &touched);
    }
    if (first && !reaches_many_by_design(app) &&
        !(dst_internal && management_port(ev->dport, ev->proto)))
        beacon_contact(d->beh, d->hosts, h, &ev->dst, dst_internal, ev->dport, ev->proto,
                       !answered, now, &touched);
    struct beacon_dest dsts[2];
    int ndst = destinations(d, ev, name, plain ? "" : app, plain, dsts);
    if (first && answered)
        observe(d, h, dsts, ndst, BS_CONN, fl->start_us, fl->payload_toserver, now, &touched);
    for (int i = 0; answered && i < fl->nburst && i < EV_FLOW_BURSTS; i++)
        if (fl->burst[i].dir == 0)
            observe(d, h, dsts, ndst, BS_BURST, fl->burst[i].start_us, fl->burst[i].bytes, now,
                    &touched);
    struct beacon_flow bf = {
        .start_us = fl->start_us, .end_us = fl->end_us,
        .outcome = answered ? FLOWO_ANSWERED : fl->outcome,
        .first = (uint8_t)first,
        .payload_toserver = fl->payload_toserver,
        .bursts_toserver = fl->bursts[0],
    };
    for (int i = ndst - 1; i >= 0; i--)
        beacon_flow(d->beh, d->hosts, h, &dsts[i], &bf, now, &touched);
    if (!dst_internal)
        exfil_note(d, ev, h, 1, &known, dsts, ndst, answered, first, app, now, &touched);
    struct tells_dest td = { &dsts[0], ndst > 1 ? &dsts[1] : NULL,
                             (uint8_t)dest_allowlisted(d, ev, name) };
    tells_flow(d->tells, d->hosts, h, ev, &td, now, &touched);
    rescore_touched(d, &touched, now);
}

/* ---- SIGHUP: a new configuration ------------------------------------------------ */

int detect_setting_live(const char *path)
{
    static const char *const restart[] = {
        "detect.data_dir", "detect.popularity_list",          /* the DGA model, lists */
        "detect.spread_history_size", "detect.spread_max_learnt", /* size tables */
    };
    for (size_t i = 0; i < sizeof(restart) / sizeof(restart[0]); i++)
        if (strcmp(path, restart[i]) == 0)
            return 0;
    return strncmp(path, "detect.", 7) == 0 || strncmp(path, "allowlist.", 10) == 0 ||
           strncmp(path, "infrastructure.", 15) == 0 || strncmp(path, "geoip.", 6) == 0 ||
           strcmp(path, "home_net") == 0 || strcmp(path, "learn_prefixes") == 0 ||
           strcmp(path, "hosts.idle_timeout") == 0;
}

uint64_t detect_time_us(const struct detect *d)
{
    return d->now_us;
}

static int geoip_same(const struct cfg_geoip *a, const struct cfg_geoip *b)
{
    if (strcmp(a->country_db, b->country_db) || strcmp(a->asn_db, b->asn_db))
        return 0;
    const struct cfg_geo_weights *w[2][2] = { { &a->asn_weights, &b->asn_weights },
                                              { &a->country_weights, &b->country_weights } };
    for (int k = 0; k < 2; k++) {
        if (w[k][0]->n != w[k][1]->n)
            return 0;
        for (int i = 0; i < w[k][0]->n; i++)
            if (w[k][0]->v[i].asn != w[k][1]->v[i].asn || strcmp(w[k][0]->v[i].cc, w[k][1]->v[i].cc) ||
                w[k][0]->v[i].w != w[k][1]->v[i].w)
                return 0;
    }
    return 1;
}

/* Every host once the new configuration is in: infrastructure marks
 * again, allowlisted hosts lose their evidence (a flagged one is released,
 * by "allowlist.networks"), the others are judged against the new
 * thresholds now (VERDICT_INFECTED or CLEARED as the new values say). */
static void reconfigure_one(void *ctx, struct host *h)
{
    struct detect *d = ctx;
    if (!is_shadow(h)) {
        h->infra &= (uint8_t)~(INFRA_RESOLVER | INFRA_DHCP | INFRA_SENSOR);
        if (cidr_set_match(&d->cfg.dns_resolvers, &h->ip))
            h->infra |= INFRA_RESOLVER;
        if (cidr_set_match(&d->cfg.dhcp_servers, &h->ip))
            h->infra |= INFRA_DHCP;
        if (cidr_set_match(&d->cfg.sensor_addrs, &h->ip))
            h->infra |= INFRA_SENSOR;
        if (allow_addr(&d->allow, &h->ip)) {
            int any = h->flagged;
            for (int k = 0; k < HOST_EV_MAX && !any; k++)
                any = host_evidence_at(d->hosts, h, k) != NULL;
            if (any) {
                release_host(d, h, "allowlist.networks");
                d->operator_releases--;          /* not the operator's */
                d->config_releases++;
            }
            return;
        }
    }
    if (d->now_us)
        rescore(d, h, d->now_us, 0);
}

int detect_reconfigure(struct detect *d, const struct sh_config *cfg, char *err, size_t errlen)
{
    struct detect_params np;
    struct host_params hp;
    if (detect_params_from_config(cfg, &np, err, errlen) < 0)
        return -1;                              /* nothing changed */
    /* tables sized at creation keep their size */
    np.v[P_SPREAD_HISTORY_SIZE] = d->p.v[P_SPREAD_HISTORY_SIZE];
    np.v[P_SPREAD_MAX_LEARNT] = d->p.v[P_SPREAD_MAX_LEARNT];
    if (!geoip_same(&d->cfg.geoip, &cfg->geoip)) {
        char note[sizeof(d->geo_note)];
        struct geo *g = geo_open(&cfg->geoip, note, sizeof(note));
        if (!g) {
            snprintf(err, errlen, "%s", note);
            return -1;
        }
        geo_close(d->geo);
        d->geo = g;
        memcpy(d->geo_note, note, sizeof(note));
        d->cfg.geoip = cfg->geoip;
    }
    /* the settings applied live (detect_setting_live); the lists stay in
     * d->cfg, where allow, exfil and the matching read them */
    d->cfg.home_net = cfg->home_net;
    d->cfg.learn_prefixes = cfg->learn_prefixes;
    if (!d->cfg.learn_prefixes)
        d->nlearned = 0;         /* home_net the only list from now on */
    d->cfg.allow_nets = cfg->allow_nets;
    d->cfg.allow_names = cfg->allow_names;
    d->cfg.dns_resolvers = cfg->dns_resolvers;
    d->cfg.dhcp_servers = cfg->dhcp_servers;
    d->cfg.sensor_addrs = cfg->sensor_addrs;
    d->cfg.mail_servers = cfg->mail_servers;
    d->cfg.mail_clients = cfg->mail_clients;
    d->cfg.host_idle_s = cfg->host_idle_s;
    d->cfg.n_params = cfg->n_params;
    memcpy(d->cfg.params, cfg->params, sizeof(d->cfg.params));
    memcpy(d->cfg.source, cfg->source, sizeof(d->cfg.source));
    d->p = np;
    derive(d, &hp);
    host_table_set_params(d->hosts, &hp);
    beacon_set_params(d->beh, &d->p);
    exfil_set_params(d->exf, &d->p);
    tells_set_params(d->tells, &d->p);
    ti_set_params(d->ti, &d->p);
    d->reconfigures++;
    host_foreach(d->hosts, reconfigure_one, d);
    return 0;
}

/* ---- maintenance ------------------------------------------------------------------ */

static void maint_one(void *ctx, struct host *h)
{
    struct detect *d = ctx;
    if (h->flagged) {
        rescore(d, h, d->now_us, 0);
        return;
    }
    /* evidence of an unflagged host that decayed to nothing goes back to
     * the pool (it can no longer tip any verdict) */
    double floor = 0.01 * d->p.v[P_SCORE_THRESHOLD];
    for (int k = 0; k < HOST_EV_MAX; k++) {
        const struct evidence *e = host_evidence_at(d->hosts, h, k);
        if (e && (!e->active || evidence_value(e, d->now_us, d->p.v[P_HALF_LIFE]) < floor))
            host_evidence_release_at(d->hosts, h, k);
    }
}

static void maintain(struct detect *d)
{
    host_foreach(d->hosts, maint_one, d);
    host_expire(d->hosts, d->now_us);
    if (d->now_us >= d->last_health_us + secs(d, P_HEALTH_INTERVAL)) {
        d->last_health_us = d->now_us;
        health_check(d, d->now_us);
    }
}

/* The first event after a restore: the restored state moves to its time
 * (the time the sensor did not watch does not count). */
static void restore_shift(struct detect *d, uint64_t first_us)
{
    d->shift_pending = 0;
    uint64_t last = d->restored_last_us;
    if (!first_us || first_us == last || (!d->restore_live && first_us > last))
        return;
    int64_t delta = first_us > last ? (int64_t)(first_us - last) : -(int64_t)(last - first_us);
    host_shift_time(d->hosts, delta);
    ti_shift_learned(d->ti, delta);
    for (int i = 0; i < d->nlearned; i++)
        d->learned[i].expires_us = host_time_shift(d->learned[i].expires_us, delta);
    d->now_us = host_time_shift(d->now_us, delta);
    d->restore_shift_us = delta;
    if (!d->restore_log)
        return;
    char when[32];
    time_t t = (time_t)(last / 1000000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(when, sizeof(when), "-");
    uint64_t mag = delta > 0 ? (uint64_t)delta : last - first_us;
    unsigned long long mins = (unsigned long long)(mag / 60000000ULL);
    if (delta > 0)
        fprintf(d->restore_log, "spanhound: host state restored from %s: %d hosts (%d flagged); "
                "the %llu h %llu min the sensor was down do not count\n", when, d->shift_hosts,
                d->shift_flagged, mins / 60, mins % 60);
    else
        fprintf(d->restore_log, "spanhound: host state restored from %s: %d hosts (%d flagged); "
                "the first packet is %llu h %llu min older than the snapshot (clock stepped "
                "back, or an older capture): the state moves back with it\n", when,
                d->shift_hosts, d->shift_flagged, mins / 60, mins % 60);
    fflush(d->restore_log);
}

void detect_restore_mode(struct detect *d, int live, FILE *log)
{
    d->restore_live = live != 0;
    d->restore_log = log;
}

void detect_restore_pending(struct detect *d, uint64_t last_us, int hosts, int flagged)
{
    if (d->events || !last_us)
        return;                    /* the engine runs already: its own time */
    d->shift_pending = 1;
    d->restored_last_us = last_us;
    d->shift_hosts = hosts;
    d->shift_flagged = flagged;
}

void detect_event(struct detect *d, const struct sh_event *ev)
{
    if (d->shift_pending)
        restore_shift(d, ev->ts_us);
    uint64_t now = ev->ts_us > d->now_us ? ev->ts_us : d->now_us;
    if (!d->events) {              /* (a restored snapshot sets now_us) */
        d->last_health_us = now;
        d->health.since_us = now;
    }
    d->now_us = now;
    d->events++;

    learn_l2(d, ev, now);
    switch (ev->type) {
    case EV_DHCP:
        on_dhcp(d, ev, now);
        break;
    case EV_ARP:
        on_arp(d, ev, now);
        break;
    case EV_RA:
        on_ra(d, ev, now);
        break;
    case EV_DHCP6:
        on_dhcp6(d, ev, now);
        break;
    case EV_TLS:
        on_tls(d, ev, now);
        break;
    case EV_HTTP:
        on_http(d, ev, now);
        break;
    case EV_FLOW:
        on_flow(d, ev, now);
        break;
    case EV_DNS:
        if (ev->u.dns.unanswered)
            break;
        if (ev->u.dns.qr)
            on_dns_answer(d, ev, now);
        else
            on_dns_query(d, ev, now);
        break;
    default:
        break;
    }
    if (now >= d->last_maint_us + MAINT_US) {
        d->last_maint_us = now;
        maintain(d);
    }
}

void detect_finish(struct detect *d)
{
    /* the last, partial interval: a short capture is judged too */
    if (d->health.q || d->health.a || d->health.packets != d->health.packets0)
        health_check(d, d->now_us);
}

/* ---- reporting ------------------------------------------------------------------------ */

struct collect {
    struct detect *d;
    struct verdict *out;
    int n, max;
};

static void collect_one(void *ctx, struct host *h)
{
    struct collect *c = ctx;
    if (is_shadow(h) || !host_has_evidence(c->d->hosts, h) || c->n >= c->max)
        return;
    /* score as of now (decay), without changing the verdict */
    struct verdict *v = &c->out[c->n++];
    fill_verdict(c->d, h, c->d->now_us, VERDICT_CURRENT, v);
    double s = 0;
    for (int i = 0; i < v->nev; i++)
        s += v->ev_value[i];
    v->score = s;
}

static int by_verdict(const void *a, const void *b)
{
    const struct verdict *x = a, *y = b;
    if (x->flagged != y->flagged)
        return y->flagged - x->flagged;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->ip.family != y->ip.family)
        return x->ip.family - y->ip.family;
    return memcmp(x->ip.a, y->ip.a, 16);
}

struct flagged_walk {
    struct detect *d;
    struct verdict *v;
    detect_host_fn fn;
    void *ctx;
    int n;
};

static void flagged_one(void *ctx, struct host *h)
{
    struct flagged_walk *w = ctx;
    if (!h->flagged || is_shadow(h))
        return;
    fill_verdict(w->d, h, w->d->now_us, VERDICT_CURRENT, w->v);
    w->fn(w->ctx, w->v);
    w->n++;
}

int detect_flagged_hosts(struct detect *d, detect_host_fn fn, void *ctx)
{
    struct flagged_walk w = { d, malloc(sizeof(struct verdict)), fn, ctx, 0 };
    if (!w.v)
        return -1;
    host_foreach(d->hosts, flagged_one, &w);
    free(w.v);
    return w.n;
}

int detect_hosts(struct detect *d, struct verdict *out, int max)
{
    struct collect c = { d, out, 0, max };
    host_foreach(d->hosts, collect_one, &c);
    qsort(out, (size_t)c.n, sizeof(*out), by_verdict);
    return c.n;
}

void detect_host_pressure(const struct detect *d, struct detect_host_pressure *p)
{
    struct host_table_stats hs;
    host_table_get_stats(d->hosts, &hs);
    p->active = hs.active;
    p->peak = hs.peak;
    p->evicted = hs.evicted;
    p->evicted_protected = hs.evicted_protected;
    p->rate_limited = d->rate_limited;
}

void detect_print_stats(const struct detect *d, FILE *fp)
{
    struct host_table_stats hs;
    struct dgahost_stats gs;
    struct tunnel_stats ts;
    host_table_get_stats(d->hosts, &hs);
    dgahost_get_stats(d->dgah, &gs);
    tunnel_get_stats(d->tun, &ts);
    int trusted = 0;
    for (int i = 0; i < d->nservers; i++)
        trusted += d->servers[i].trusted;
    int learned = 0;
    for (int i = 0; i < d->nlearned; i++)
        learned += d->learned[i].expires_us > d->now_us;
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("detect.events", d->events);
    P("detect.hosts_active", hs.active);
    P("detect.hosts_peak", hs.peak);
    P("detect.hosts_protected", hs.protected_now);
    P("detect.hosts_created", hs.created);
    P("detect.hosts_expired", hs.expired);
    P("detect.hosts_evicted", hs.evicted);
    P("detect.hosts_evicted_protected", hs.evicted_protected);
    P("detect.hosts_evicted_flagged", hs.evicted_flagged);
    P("detect.hosts_rate_limited", d->rate_limited);
    P("detect.hosts_created_known_mac", d->created_known_mac);
    P("detect.evidence_pool_exhausted", hs.evidence_exhausted);
    P("detect.bindings_moved", hs.bindings_moved);
    P("detect.binding_conflicts", hs.conflicts);
    P("detect.binding_hints_ignored", hs.hints_ignored);
    P("detect.binding_router_frames_ignored", hs.router_frames_ignored);
    P("detect.hostnames_ignored", d->hostnames_ignored);
    P("detect.macs_evicted", hs.macs_evicted);
    P("detect.events_mac_mismatch", d->mac_mismatch);
    P("detect.dhcp_servers_trusted", trusted);
    P("detect.dhcp_servers_learned", d->servers_learned);
    P("detect.prefixes_learned", d->prefixes_learned);
    P("detect.prefixes_active", learned);
    P("detect.dns_answers_unpaired", d->answers_unpaired);
    P("detect.dns_names_scored", d->dns_scored);
    P("detect.dns_names_not_scorable", d->not_scorable);
    P("detect.dns_lookups_relayed", d->relayed);
    P("detect.dns_relayed_credited", d->relay_credited);
    P("detect.dns_lookups_blind_resolver", d->blind_lookups);
    P("detect.allowlisted", d->allowlisted);
    P("detect.dga_failures_counted", gs.failures_counted);
    P("detect.dga_windows_evicted", gs.windows_evicted);
    P("detect.dga_names_evicted", gs.names_evicted);
    P("detect.tunnel_queries", ts.queries);
    P("detect.tunnel_queries_tracked", ts.tracked);
    P("detect.tunnel_zones_evicted", ts.zones_evicted);
    P("detect.verdicts_infected", d->verdicts[VERDICT_INFECTED]);
    P("detect.verdicts_updated", d->verdicts[VERDICT_UPDATED]);
    P("detect.verdicts_cleared", d->verdicts[VERDICT_CLEARED]);
    P("detect.verdicts_expired", d->verdicts[VERDICT_EXPIRED]);
    P("detect.verdicts_released", d->verdicts[VERDICT_RELEASED]);
    P("detect.operator_releases", d->operator_releases);
    P("detect.reconfigures", d->reconfigures);
    P("detect.config_releases", d->config_releases);
    P("detect.operator_allowlist", d->operator_allowed);
    P("detect.notices_resolver_blind", d->notices[NOTICE_RESOLVER_BLIND]);
    P("detect.notices_health", d->notices[NOTICE_HEALTH]);
    P("detect.notices_prefix", d->notices[NOTICE_PREFIX]);
    P("detect.notices_spoofed_source", d->notices[NOTICE_SPOOFED_SOURCE]);
    P("detect.dns_lookups_spoofed_source", d->spoofed_lookups);
    P("detect.dns_relayed_unattributed", d->relayed_unattributed);
    P("detect.arp_claims_mismatched", d->arp_claims_mismatched);
    P("detect.evidence_reclaimed", hs.evidence_reclaimed);
    P("detect.evidence_displaced", hs.evidence_displaced);
    struct beacon_stats_counters bc;
    beacon_get_counters(d->beh, &bc);
    P("detect.flows_judged", d->flows_judged);
    P("detect.flows_unattributed", d->flows_unattributed);
    P("detect.flows_udp_replies", d->flows_replies);
    P("detect.dns_answers_untrusted", d->answers_untrusted);
    P("detect.behaviour_events", bc.events);
    P("detect.behaviour_failed_connections", bc.failures);
    P("detect.behaviour_benign_skipped", bc.benign_skips);
    P("detect.behaviour_prevalent_skipped", bc.prevalent_skips);
    P("detect.behaviour_beacons_lowered", bc.lowered);
    P("detect.behaviour_series_evicted", bc.dest_evicted);
    P("detect.behaviour_fanout_evicted", bc.fan_evicted);
    for (int k = EVK_BEACON; k <= EVK_FANOUT_INTERNAL; k++) {
        char nm[64];
        snprintf(nm, sizeof(nm), "detect.raised.%s", evidence_kind_name(k));
        P(nm, bc.raised[k]);
    }
    struct geo_stats geo;
    geo_get_stats(d->geo, &geo);
    P("detect.geoip_enabled", geo_enabled(d->geo));
    P("detect.geoip_lookups", geo.lookups);
    P("detect.geoip_found", geo.found);
    P("detect.geoip_misses", geo.misses);
    P("detect.geoip_errors", geo.errors);
    P("detect.geoip_reloads", geo.reloads);
    struct exfil_counters xc;
    exfil_get_counters(d->exf, &xc);
    P("detect.exfil_flows", xc.flows);
    P("detect.exfil_mail_flows", xc.mail_flows);
    P("detect.exfil_mail_exempt", xc.mail_exempt);
    P("detect.exfil_ftp_control_flows", xc.ftp_control_flows);
    P("detect.exfil_ftp_data_flows", xc.ftp_data_flows);
    P("detect.exfil_benign_skipped", xc.benign_skipped);
    P("detect.exfil_prevalent_skipped", xc.prevalent_skipped);
    P("detect.exfil_destinations_evicted", xc.evicted);
    P("detect.raised.exfil_mail", xc.raised_mail);
    P("detect.raised.exfil_ftp", xc.raised_ftp);
    P("detect.raised.exfil_upload", xc.raised_upload);
    tells_print_stats(d->tells, fp);
    struct ti_stats is;
    ti_get_stats(d->ti, &is);
    P("detect.intel_attributes", is.attrs);
    P("detect.intel_attributes_cached", is.cached);
    P("detect.intel_lookups", is.lookups);
    P("detect.intel_lookup_hits", is.hits);
    P("detect.raised.ioc_match", is.ioc_matches);
    P("detect.raised.ioc_fingerprint", is.fingerprints);
    P("detect.spread_contacts_recorded", is.recorded);
    P("detect.spread_history_evicted", is.history_evicted);
    P("detect.spread_history_quota_refused", is.history_quota_refused);
    P("detect.spread_learnt", is.learnt);
    P("detect.spread_learnt_active", ti_learned(d->ti, d->now_us, NULL, NULL));
    P("detect.spread_learnt_evicted", is.learnt_evicted);
    P("detect.spread_learnt_forgotten", is.learnt_forgotten);
    P("detect.spread_refused_benign", is.learn_refused_benign);
    P("detect.spread_refused_infrastructure", is.learn_refused_infra);
    P("detect.spread_refused_prevalent", is.learn_refused_prevalent);
    P("detect.spread_refused_spread_only", is.learn_refused_spread_only);
    P("detect.raised.shared_c2_retroactive", is.shared_retro);
    P("detect.raised.shared_c2", is.shared_forward);
    P("detect.spread_queue_full", d->spread_queue_full);
    P("detect.spread_withdrawn_hosts", d->spread_withdrawn);
    P("detect.evidence_host_full", hs.evidence_host_full);
    P("detect.identities_reset", hs.identities_reset);
    P("detect.macs_evicted_valued", hs.macs_evicted_valued);
#undef P
}

/* ---- for detect/snapshot.c (restore.h) ------------------------------------------- */

struct host_table *detect_restore_table(struct detect *d) { return d->hosts; }
struct ti *detect_restore_ti(struct detect *d) { return d->ti; }
const struct sh_config *detect_restore_config(const struct detect *d) { return &d->cfg; }
uint64_t detect_restore_now(const struct detect *d) { return d->now_us; }

void detect_restore_set_now(struct detect *d, uint64_t now_us)
{
    if (now_us > d->now_us)
        d->now_us = now_us;
}

int detect_restore_is_shadow(const struct host *h)
{
    return is_shadow(h);
}

int detect_restore_internal(struct detect *d, const struct sh_addr *ip, uint8_t *infra)
{
    if (!internal(d, ip))
        return 0;
    *infra = 0;
    if (cidr_set_match(&d->cfg.dns_resolvers, ip))
        *infra |= INFRA_RESOLVER;
    if (cidr_set_match(&d->cfg.dhcp_servers, ip))
        *infra |= INFRA_DHCP;
    if (cidr_set_match(&d->cfg.sensor_addrs, ip))
        *infra |= INFRA_SENSOR;
    return 1;
}

int detect_restore_prefixes(struct detect *d, struct detect_prefix *out, int max)
{
    int n = 0;
    for (int i = 0; i < d->nlearned && n < max; i++) {
        if (d->learned[i].expires_us <= d->now_us)
            continue;
        out[n].net = d->learned[i].net;
        out[n].expires_us = d->learned[i].expires_us;
        snprintf(out[n].source, sizeof(out[n].source), "%s", d->learned[i].source);
        n++;
    }
    return n;
}

int detect_restore_prefix(struct detect *d, const struct detect_prefix *p)
{
    if (p->net.family != 6 || p->net.bits < 48 || p->net.bits > 64 ||
        p->expires_us <= d->now_us)
        return 0;
    for (int i = 0; i < d->nlearned; i++)
        if (d->learned[i].net.bits == p->net.bits && memcmp(d->learned[i].net.a, p->net.a, 16) == 0)
            return 0;
    if (d->nlearned >= LEARNED_MAX)
        return 0;
    struct learned *l = &d->learned[d->nlearned++];
    l->net = p->net;
    sh_addr_mask(l->net.a, l->net.bits);
    l->expires_us = p->expires_us;
    snprintf(l->source, sizeof(l->source), "%.15s", p->source);
    return 1;
}


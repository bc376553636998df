/*
 * detect.c -- the detection engine.  See detect.h.
 *
 * Event routing:
 *   DHCP   -> host MAC (chaddr) and hostname
 *   ARP/NDP-> host MAC
 *   any    -> Ethernet source MAC of an internal sender (weakest binding,
 *             and the "one MAC, many IPs = router" count)
 *   DNS    -> query: tunnel detector (per host x zone)
 *             answer: an internal host answering internal clients is a
 *             resolver (infrastructure); NXDOMAIN -> dgahost_failed,
 *             NOERROR with addresses -> dgahost_resolved
 * Infrastructure hosts (configured resolvers, DHCP servers and the
 * sensor, plus resolvers recognised from paired answers to several
 * internal clients) never get DNS-based evidence: a resolver relays
 * everyone's lookups.
 *
 * After a detector touches a host the host is re-scored; verdict changes
 * go to the callback.  Every 10 s of packet time flagged hosts are
 * re-scored for decay (so they can clear) and idle hosts expire.
 */
#include "detect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "dgahost.h"
#include "domain.h"
#include "host.h"
#include "tunnel.h"

#define MAINT_US 10000000ULL        /* maintenance every 10 s of packet time */
#define UPDATE_MIN_US 60000000ULL   /* at most one "updated" a minute       */

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
    detect_verdict_fn fn;
    void *ctx;
    uint64_t now_us, last_maint_us;
    /* per-host verdict bookkeeping lives in the host; counters here */
    uint64_t events, dns_scored, not_scorable, allowlisted;
    uint64_t verdicts[4];
    struct verdict vbuf;
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
    if (p->v[P_NX_FULL_NAMES] < p->v[P_NX_MIN_NAMES])
        p->v[P_NX_FULL_NAMES] = p->v[P_NX_MIN_NAMES];
    if (p->v[P_TUNNEL_FULL_UNIQUE] < p->v[P_TUNNEL_MIN_UNIQUE])
        p->v[P_TUNNEL_FULL_UNIQUE] = p->v[P_TUNNEL_MIN_UNIQUE];
    return 0;
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
    if (detect_params_from_config(cfg, &d->p, err, errlen) < 0)
        goto fail;
    d->allow.nets = &d->cfg.allow_nets;
    d->allow.names = &d->cfg.allow_names;

    d->dom = domain_create(NULL, err, errlen);
    if (!d->dom)
        goto fail;
    d->dga = dga_model_load(cfg->data_dir, d->dom, err, errlen);
    if (!d->dga)
        goto fail;
    d->dga_threshold = d->p.v[P_DGA_NAME_THRESHOLD] > 0 ? d->p.v[P_DGA_NAME_THRESHOLD]
                                                         : dga_default_threshold(d->dga);
    d->hosts = host_table_create(cfg->host_capacity, (uint64_t)cfg->host_idle_s * 1000000ULL,
                                 86400ULL * 1000000ULL, err, errlen);
    if (!d->hosts)
        goto fail;
    size_t wins = cfg->host_capacity / 4 < 1024 ? 1024 : cfg->host_capacity / 4;
    d->dgah = dgahost_create(wins, 65536, err, errlen);
    if (!d->dgah)
        goto fail;
    d->tun = tunnel_create(wins * 4, d->dga, d->dom, err, errlen);
    if (!d->tun)
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
    tunnel_destroy(d->tun);
    dgahost_destroy(d->dgah);
    host_table_destroy(d->hosts);
    dga_model_free(d->dga);
    domain_destroy(d->dom);
    free(d);
}

const struct detect_params *detect_get_params(const struct detect *d) { return &d->p; }
const struct dga_model *detect_dga(const struct detect *d) { return d->dga; }
double detect_dga_threshold(const struct detect *d) { return d->dga_threshold; }

/* ---- hosts ------------------------------------------------------------ */

static int internal(const struct detect *d, const struct sh_addr *a)
{
    return a->family && cidr_set_match(&d->cfg.home_net, a);
}

static struct host *host_for(struct detect *d, const struct sh_addr *a, uint64_t now)
{
    if (!internal(d, a))
        return NULL;
    struct host *h = host_get(d->hosts, a, now, 1);
    if (h->first_us == now && !h->infra &&
        (cidr_set_match(&d->cfg.dns_resolvers, a) || cidr_set_match(&d->cfg.dhcp_servers, a) ||
         cidr_set_match(&d->cfg.sensor_addrs, a)))
        h->infra = 1;
    return h;
}

static void fill_verdict(struct detect *d, struct host *h, uint64_t now, int change,
                         struct verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->ts_us = now;
    v->ip = h->ip;
    v->mac_known = h->mac_source != MAC_NONE;
    v->mac_source = h->mac_source;
    v->mac_ips = host_mac_ips(d->hosts, h);
    v->mac_trusted = v->mac_known && v->mac_ips <= (int)d->p.v[P_MAC_ROUTER_IPS];
    memcpy(v->mac, h->mac, 6);
    memcpy(v->hostname, h->hostname, sizeof(v->hostname));
    v->flagged = h->flagged;
    v->change = (uint8_t)change;
    v->score = h->score;
    v->first_flagged_us = h->flagged_us;
    for (int k = 0; k < EVK_MAX; k++) {
        const struct evidence *e = host_evidence_const(d->hosts, h, k);
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

/* Recompute h's score at now and report a verdict change. */
static void rescore(struct detect *d, struct host *h, uint64_t now, int new_evidence)
{
    double hl = d->p.v[P_HALF_LIFE];
    double score = 0, maxconf = 0;
    int kinds = 0;
    unsigned kind_mask = 0;

    for (int k = 0; k < EVK_MAX; k++) {
        const struct evidence *e = host_evidence_const(d->hosts, h, k);
        if (!e || !e->active)
            continue;
        double val = evidence_value(e, now, hl);
        score += val;
        if (val >= 0.05 * d->p.v[P_SCORE_THRESHOLD]) {
            kinds++;
            kind_mask |= 1u << k;
            if (e->confidence > maxconf)
                maxconf = e->confidence;
        }
    }
    h->score = score;
    h->score_us = now;
    int was = h->flagged;
    int now_flag = h->infra ? 0 : evidence_verdict(was, score, maxconf, kinds,
                                                   d->p.v[P_SCORE_THRESHOLD],
                                                   d->p.v[P_SCORE_CLEAR],
                                                   d->p.v[P_STANDALONE_CONFIDENCE]);
    int change = -1;
    if (now_flag && !was) {
        change = VERDICT_INFECTED;
        h->flagged_us = now;
        h->ever_flagged = 1;
    } else if (!now_flag && was) {
        change = VERDICT_CLEARED;
    } else if (now_flag && new_evidence) {
        /* a new kind at once; otherwise at most once a minute */
        if ((kind_mask & ~h->reported_kinds) || now >= h->reported_us + UPDATE_MIN_US)
            change = VERDICT_UPDATED;
    }
    h->flagged = (uint8_t)now_flag;
    if (change < 0)
        return;
    h->reported_kinds = kind_mask;
    h->reported_us = now;
    d->verdicts[change]++;
    if (d->fn) {
        fill_verdict(d, h, now, change, &d->vbuf);
        d->fn(d->ctx, &d->vbuf);
    }
}

static void rescore_touched(struct detect *d, const struct dgahost_touched *t, uint64_t now)
{
    for (int i = 0; i < t->n; i++) {
        struct host *x = host_at(d->hosts, t->idx[i], t->gen[i]);
        if (x)
            rescore(d, x, now, 1);
    }
}

/* ---- bindings ---------------------------------------------------------- */

static void learn_ether(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    if (!ev->has_mac)
        return;
    if (internal(d, &ev->src)) {
        host_note_mac_ip(d->hosts, ev->src_mac, &ev->src, now);
        struct host *h = host_for(d, &ev->src, now);
        if (h)
            host_bind_mac(d->hosts, h, ev->src_mac, MAC_ETHERNET, now);
    }
    if (ev->type == EV_FLOW && internal(d, &ev->dst) && ev->u.flow.pkts_toclient) {
        host_note_mac_ip(d->hosts, ev->dst_mac, &ev->dst, now);
        struct host *h = host_for(d, &ev->dst, now);
        if (h)
            host_bind_mac(d->hosts, h, ev->dst_mac, MAC_ETHERNET, now);
    }
}

static void on_dhcp(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dhcp *x = &ev->u.dhcp;
    /* DHCP servers are infrastructure only when configured: a host that
     * merely sends a BOOTREPLY must not exempt itself from detection */
    const struct sh_addr *ip = x->assigned_ip.family ? &x->assigned_ip :
                               x->client_ip.family ? &x->client_ip : NULL;
    if (!ip || !internal(d, ip))
        return;
    /* ACK (5) confirms a lease; a REQUEST (3) or INFORM (8) names the
     * address the client uses and usually carries the hostname */
    if (x->msg_type != 5 && x->msg_type != 3 && x->msg_type != 8)
        return;
    struct host *h = host_for(d, ip, now);
    if (!h)
        return;
    host_note_mac_ip(d->hosts, x->client_mac, ip, now);
    host_bind_mac(d->hosts, h, x->client_mac, MAC_DHCP, now);
    if (x->hostname.len) {
        snprintf(h->hostname, sizeof(h->hostname), "%s", ev_s(ev, x->hostname));
        h->hostname_us = now;
    }
}

static void on_arp(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_arp *a = &ev->u.arp;
    if (!internal(d, &a->ip))
        return;
    struct host *h = host_for(d, &a->ip, now);
    if (!h)
        return;
    host_note_mac_ip(d->hosts, a->mac, &a->ip, now);
    host_bind_mac(d->hosts, h, a->mac, a->ndp ? MAC_NDP : MAC_ARP, now);
}

/* ---- DNS --------------------------------------------------------------- */

static uint32_t addr_hash32(const struct sh_addr *a)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) {
        h ^= a->a[i];
        h *= 16777619u;
    }
    return h | 1;
}

/* An internal host answering DNS for internal clients is a resolver.  Only
 * answers that pair with a query seen from the client, sent from port 53,
 * count: an infected host cannot exempt itself with a few unsolicited
 * "answers" (it would have to forge its clients' queries too). */
static void note_resolver(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    if (!ev->u.dns.paired || ev->sport != 53 ||
        !internal(d, &ev->src) || !internal(d, &ev->dst))
        return;
    struct host *s = host_for(d, &ev->src, now);
    if (!s || s->infra == 1)
        return;
    uint32_t c = addr_hash32(&ev->dst);
    for (int i = 0; i < s->resolver_clients && i < 8; i++)
        if (s->client_hash[i] == c)
            return;
    if (s->resolver_clients >= 8)
        return;                     /* resolver_min_clients is at most 8 */
    s->client_hash[s->resolver_clients++] = c;
    if (!s->infra && s->resolver_clients >= (int)d->p.v[P_RESOLVER_MIN_CLIENTS]) {
        s->infra = 2;
        /* whatever DNS evidence it accumulated was its clients' lookups */
        for (int k = 0; k < EVK_MAX; k++) {
            struct evidence *e = host_evidence(d->hosts, s, k, 0);
            if (e && evidence_kind_dns(k))
                e->active = 0;
        }
        rescore(d, s, now, 0);
    }
}

static int dns_suspect(struct detect *d, const struct sh_addr *a, uint64_t now,
                       struct host **out)
{
    struct host *h = host_for(d, a, now);
    if (!h || h->infra)
        return 0;
    if (allow_addr(&d->allow, a)) {
        d->allowlisted++;
        return 0;
    }
    *out = h;
    return 1;
}

static void on_dns_query(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dns *x = &ev->u.dns;
    struct host *h;
    if (!dns_suspect(d, &ev->src, now, &h))
        return;
    for (int i = 0; i < x->nq; i++) {
        const char *name = ev_s(ev, x->q[i].name);
        size_t len = x->q[i].name.len;
        if (allow_name(&d->allow, name, len)) {
            d->allowlisted++;
            continue;
        }
        if (tunnel_query(d->tun, d->hosts, h, name, len, x->q[i].type, &ev->dst, now, &d->p))
            rescore(d, h, now, 1);
    }
}

static void on_dns_answer(struct detect *d, const struct sh_event *ev, uint64_t now)
{
    const struct ev_dns *x = &ev->u.dns;
    struct host *h;
    note_resolver(d, ev, now);
    if (!x->nq || !dns_suspect(d, &ev->dst, now, &h))
        return;
    const char *name = ev_s(ev, x->q[0].name);
    size_t len = x->q[0].name.len;
    if (allow_name(&d->allow, name, len)) {
        d->allowlisted++;
        return;
    }
    struct dga_verdict v;
    struct dgahost_touched t = { 0 };
    if (x->rcode == 3) {                                /* NXDOMAIN */
        if (dga_score(d->dga, name, len, &v) < 0) {
            d->not_scorable++;
            return;
        }
        d->dns_scored++;
        dgahost_failed(d->dgah, d->hosts, h, &v, now, &d->p, &t);
    } else if (x->rcode == 0 && x->nan) {
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
        dgahost_resolved(d->dgah, d->hosts, h, &v, addrs, now, &d->p, &t);
    }
    rescore_touched(d, &t, now);
}

/* ---- maintenance -------------------------------------------------------- */

static void maint_one(void *ctx, struct host *h)
{
    struct detect *d = ctx;
    if (h->flagged)
        rescore(d, h, d->now_us, 0);
}

static void maintain(struct detect *d)
{
    host_foreach(d->hosts, maint_one, d);
    host_expire(d->hosts, d->now_us);
}

void detect_event(struct detect *d, const struct sh_event *ev)
{
    uint64_t now = ev->ts_us > d->now_us ? ev->ts_us : d->now_us;
    d->now_us = now;
    d->events++;

    learn_ether(d, ev, now);
    switch (ev->type) {
    case EV_DHCP:
        on_dhcp(d, ev, now);
        break;
    case EV_ARP:
        on_arp(d, ev, now);
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

/* ---- reporting ------------------------------------------------------------ */

struct collect {
    struct detect *d;
    struct verdict *out;
    int n, max;
};

static void collect_one(void *ctx, struct host *h)
{
    struct collect *c = ctx;
    int any = 0;
    for (int k = 0; k < EVK_MAX; k++) {
        const struct evidence *e = host_evidence_const(c->d->hosts, h, k);
        if (e && e->active)
            any = 1;
    }
    if (!any || c->n >= c->max)
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
    return memcmp(x->ip.a, y->ip.a, 16);
}

int detect_hosts(struct detect *d, struct verdict *out, int max)
{
    struct collect c = { d, out, 0, max };
    host_foreach(d->hosts, collect_one, &c);
    qsort(out, (size_t)c.n, sizeof(*out), by_verdict);
    return c.n;
}

void detect_print_stats(const struct detect *d, FILE *fp)
{
    struct host_table_stats hs;
    struct dgahost_stats gs;
    struct tunnel_stats ts;
    host_table_get_stats(d->hosts, &hs);
    dgahost_get_stats(d->dgah, &gs);
    tunnel_get_stats(d->tun, &ts);
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("detect.events", d->events);
    P("detect.hosts_active", hs.active);
    P("detect.hosts_peak", hs.peak);
    P("detect.hosts_created", hs.created);
    P("detect.hosts_expired", hs.expired);
    P("detect.hosts_evicted", hs.evicted);
    P("detect.hosts_evicted_flagged", hs.evicted_flagged);
    P("detect.evidence_pool_exhausted", hs.evidence_exhausted);
    P("detect.dns_names_scored", d->dns_scored);
    P("detect.dns_names_not_scorable", d->not_scorable);
    P("detect.allowlisted", d->allowlisted);
    P("detect.dga_failures_counted", gs.failures_counted);
    P("detect.dga_windows_evicted", gs.windows_evicted);
    P("detect.dga_names_evicted", gs.names_evicted);
    P("detect.tunnel_queries", ts.queries);
    P("detect.tunnel_zones_evicted", ts.zones_evicted);
    P("detect.verdicts_infected", d->verdicts[VERDICT_INFECTED]);
    P("detect.verdicts_updated", d->verdicts[VERDICT_UPDATED]);
    P("detect.verdicts_cleared", d->verdicts[VERDICT_CLEARED]);
#undef P
}

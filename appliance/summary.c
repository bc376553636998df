/*
 * summary.c -- end-of-replay summary.  See summary.h.
 *
 * Name counters are fixed open-addressing tables keyed by the string; a
 * full table stops adding new names (counted in `other`), which is the
 * right trade for a human summary of a bounded replay.
 */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"


#define SUMMARY_MAX_NAMES 4096
#define SUMMARY_MAX_HOSTS 1024
#define TOP_N 10

struct name_count {
    char name[128];
    uint64_t n;
};

struct name_table {
    struct name_count e[SUMMARY_MAX_NAMES];
    int used;
    uint64_t other;
};

struct host {
    struct sh_addr ip;
    uint8_t mac[6];
    uint8_t has_mac;
    uint64_t dns, http, tls, flows, bytes_out;
};

struct summary {
    struct hkey key;              /* name table buckets (names are from the wire) */
    struct cidr_set home;
    uint64_t by_type[EV_TYPE_MAX];
    uint64_t dns_queries, dns_answers, dns_nx, dns_servfail, dns_unanswered;
    uint64_t flows_tcp_rejected, flows_tcp_unanswered;
    struct name_table qnames, nxnames, sni, http_hosts, risks, apps;
    struct host hosts[SUMMARY_MAX_HOSTS];
    int nhosts;
    uint64_t hosts_other;
};

struct summary *summary_create(const struct cidr_set *home_net)
{
    struct summary *s = calloc(1, sizeof(*s));
    if (s) {
        s->home = *home_net;
        hk_init(&s->key);
    }
    return s;
}

void summary_destroy(struct summary *s)
{
    free(s);
}


static void count(const struct hkey *key, struct name_table *t, const char *p, size_t n)
{
    if (n == 0)
        return;
    if (n >= sizeof(t->e[0].name))
        n = sizeof(t->e[0].name) - 1;
    uint32_t i = (uint32_t)(hk_bytes(key, p, n) % SUMMARY_MAX_NAMES);
    for (int probe = 0; probe < SUMMARY_MAX_NAMES; probe++) {
        struct name_count *e = &t->e[i];
        if (e->n == 0) {
            if (t->used >= SUMMARY_MAX_NAMES * 3 / 4) {
                t->other++;
                return;
            }
            memcpy(e->name, p, n);
            e->name[n] = '\0';
            e->n = 1;
            t->used++;
            return;
        }
        if (strncmp(e->name, p, n) == 0 && e->name[n] == '\0') {
            e->n++;
            return;
        }
        i = (i + 1) % SUMMARY_MAX_NAMES;
    }
    t->other++;
}

static struct host *host_of(struct summary *s, const struct sh_addr *a)
{
    if (!a->family || !cidr_set_match(&s->home, a))
        return NULL;
    for (int i = 0; i < s->nhosts; i++)
        if (memcmp(&s->hosts[i].ip, a, sizeof(*a)) == 0)
            return &s->hosts[i];
    if (s->nhosts >= SUMMARY_MAX_HOSTS) {
        s->hosts_other++;
        return NULL;
    }
    struct host *h = &s->hosts[s->nhosts++];
    memset(h, 0, sizeof(*h));
    h->ip = *a;
    return h;
}

void summary_event(struct summary *s, const struct sh_event *ev)
{
    struct host *h;
    if (ev->type >= EV_TYPE_MAX || (ev->type == EV_FLOW && ev->u.flow.update))
        return;                 /* a live flow is counted once, when it ends */
    s->by_type[ev->type]++;

    switch (ev->type) {
    case EV_DNS: {
        const struct ev_dns *d = &ev->u.dns;
        if (d->unanswered) {
            s->dns_unanswered++;
            break;
        }
        if (!d->qr) {
            s->dns_queries++;
            if ((h = host_of(s, &ev->src)) != NULL) {
                h->dns++;
                if (ev->has_mac && !h->has_mac) {
                    memcpy(h->mac, ev->src_mac, 6);
                    h->has_mac = 1;
                }
            }
            for (int i = 0; i < d->nq; i++)
                count(&s->key, &s->qnames, ev_s(ev, d->q[i].name), d->q[i].name.len);
        } else {
            s->dns_answers++;
            if (d->rcode == 3) {
                s->dns_nx++;
                if (d->nq)
                    count(&s->key, &s->nxnames, ev_s(ev, d->q[0].name), d->q[0].name.len);
            } else if (d->rcode == 2) {
                s->dns_servfail++;
            }
        }
        break;
    }
    case EV_HTTP:
        if ((h = host_of(s, &ev->src)) != NULL)
            h->http++;
        count(&s->key, &s->http_hosts, ev_s(ev, ev->u.http.host), ev->u.http.host.len);
        break;
    case EV_TLS:
        if ((h = host_of(s, &ev->src)) != NULL)
            h->tls++;
        count(&s->key, &s->sni, ev_s(ev, ev->u.tls.sni), ev->u.tls.sni.len);
        break;
    case EV_FLOW: {
        const struct ev_flow *f = &ev->u.flow;
        if ((h = host_of(s, &ev->src)) != NULL) {
            h->flows++;
            h->bytes_out += f->bytes_toserver;
            if (ev->has_mac && !h->has_mac) {
                memcpy(h->mac, ev->src_mac, 6);
                h->has_mac = 1;
            }
        }
        if (f->tcp_state == TCPS_REJECTED)
            s->flows_tcp_rejected++;
        else if (f->tcp_state == TCPS_SYN_SENT)
            s->flows_tcp_unanswered++;
        if (f->app_name.len)
            count(&s->key, &s->apps, ev_s(ev, f->app_name), f->app_name.len);
        if (f->risks.len) {
            const char *p = ev_s(ev, f->risks), *end = p + f->risks.len;
            while (p < end) {
                const char *c = memchr(p, ',', (size_t)(end - p));
                size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
                count(&s->key, &s->risks, p, n);
                p += n + 1;
            }
        }
        break;
    }
    default:
        break;
    }
}

static int by_count(const void *a, const void *b)
{
    const struct name_count *x = *(const struct name_count *const *)a;
    const struct name_count *y = *(const struct name_count *const *)b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void print_top(FILE *fp, const char *title, const struct name_table *t)
{
    const struct name_count *v[SUMMARY_MAX_NAMES];
    int n = 0;
    for (int i = 0; i < SUMMARY_MAX_NAMES; i++)
        if (t->e[i].n)
            v[n++] = &t->e[i];
    if (!n)
        return;
    qsort(v, (size_t)n, sizeof(v[0]), by_count);
    fprintf(fp, "  %s (%d distinct):\n", title, n);
    for (int i = 0; i < n && i < TOP_N; i++) {
        char esc[160];
        size_t k = 0;
        for (const char *p = v[i]->name; *p && k < sizeof(esc) - 5; p++) {
            unsigned char c = (unsigned char)*p;
            if (c >= 0x20 && c < 0x7f)
                esc[k++] = (char)c;
            else
                k += (size_t)snprintf(esc + k, sizeof(esc) - k, "\\x%02x", c);
        }
        esc[k] = '\0';
        fprintf(fp, "    %6llu  %s\n", (unsigned long long)v[i]->n, esc);
    }
}

void summary_print(const struct summary *s, FILE *fp)
{
    fprintf(fp, "\n== spanhound summary ==\n");
    fprintf(fp, "events: %llu dns, %llu http, %llu tls/quic, %llu dhcp, %llu dhcpv6, "
            "%llu arp/ndp, %llu router advertisements, %llu flows\n",
            (unsigned long long)s->by_type[EV_DNS], (unsigned long long)s->by_type[EV_HTTP],
            (unsigned long long)s->by_type[EV_TLS], (unsigned long long)s->by_type[EV_DHCP],
            (unsigned long long)s->by_type[EV_DHCP6], (unsigned long long)s->by_type[EV_ARP],
            (unsigned long long)s->by_type[EV_RA], (unsigned long long)s->by_type[EV_FLOW]);
    fprintf(fp, "dns: %llu queries, %llu answers (%llu NXDOMAIN, %llu SERVFAIL), %llu unanswered\n",
            (unsigned long long)s->dns_queries, (unsigned long long)s->dns_answers,
            (unsigned long long)s->dns_nx, (unsigned long long)s->dns_servfail,
            (unsigned long long)s->dns_unanswered);
    fprintf(fp, "tcp: %llu connections rejected (RST), %llu never answered\n",
            (unsigned long long)s->flows_tcp_rejected,
            (unsigned long long)s->flows_tcp_unanswered);

    fprintf(fp, "internal hosts seen: %d%s\n", s->nhosts,
            s->hosts_other ? " (table full, more not listed)" : "");
    for (int i = 0; i < s->nhosts && i < 20; i++) {
        const struct host *h = &s->hosts[i];
        char ip[64], mac[24] = "-";
        addr_format(&h->ip, ip, sizeof(ip));
        if (h->has_mac)
            snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                     h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4], h->mac[5]);
        fprintf(fp, "  %-39s %-17s flows %-6llu dns %-5llu http %-5llu tls %-5llu\n",
                ip, mac, (unsigned long long)h->flows, (unsigned long long)h->dns,
                (unsigned long long)h->http, (unsigned long long)h->tls);
    }
    print_top(fp, "top DNS query names", &s->qnames);
    print_top(fp, "top NXDOMAIN names", &s->nxnames);
    print_top(fp, "top TLS SNI", &s->sni);
    print_top(fp, "top HTTP hosts", &s->http_hosts);
    print_top(fp, "applications (nDPI)", &s->apps);
    print_top(fp, "flows flagged by nDPI (risk)", &s->risks);
}

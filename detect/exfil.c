/*
 * exfil.c -- mail, FTP uploads and large uploads to external servers as
 * evidence.  See exfil.h.
 */
#include "exfil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/hash.h"
#include "lru.h"

#define NAME_MAX_LEN 96

struct exdest {                  /* one host's traffic to one external server */
    uint32_t host_idx, host_gen;
    uint64_t start_us;           /* the window began (packet time)         */
    uint64_t first_us;           /* its first flow's first packet          */
    uint64_t mail_up, mail_down; /* mail sessions                          */
    uint32_t mail_sessions;
    uint16_t mail_port;
    uint16_t port;               /* the latest other port                  */
    uint64_t ftp_ctrl_us;        /* latest FTP control record (0: none)    */
    uint64_t data_up, data_down; /* FTP data connections (nDPI, port 20)   */
    uint64_t high_up, high_down; /* unrecognised TCP to a high server port:
                                    passive FTP data once control is known */
    uint32_t data_flows, high_flows;
    uint64_t up, down;           /* everything else                        */
    uint32_t flows;
    char     name[NAME_MAX_LEN]; /* the first name the flows carried       */
};

struct exfil {
    struct detect_params p;
    const struct cidr_set *mail_servers, *mail_clients;
    struct lru_map *dest;
    struct hkey key;
    struct exfil_counters c;
};

int exfil_classify(uint16_t app_master, uint16_t app_proto, int dpi_known, uint8_t proto,
                   uint16_t server_port, uint16_t host_port, int host_opened)
{
    if (proto != 6)
        return EXC_OTHER;
    if (dpi_known) {
        uint16_t id[2] = { app_master, app_proto };
        for (int i = 0; i < 2; i++) {
            if (id[i] == EXFIL_NDPI_MAIL_SMTP || id[i] == EXFIL_NDPI_MAIL_SMTPS)
                return EXC_MAIL;
            if (id[i] == EXFIL_NDPI_FTP_CONTROL)
                return EXC_FTP_CONTROL;
            if (id[i] == EXFIL_NDPI_FTP_DATA)
                return EXC_FTP_DATA;
        }
        /* RFC 8314 submission over implicit TLS: nDPI 4.2 names a TLS
         * session to 465 plain TLS (no SMTPS sub-protocol), so the port
         * speaks for what TLS hides */
        int tls_only = (app_master == EXFIL_NDPI_TLS || !app_master) &&
                       (app_proto == EXFIL_NDPI_TLS || !app_proto);
        if (tls_only && host_opened && server_port == 465)
            return EXC_MAIL;
        /* nDPI recognised another protocol: the port says nothing */
        if (app_master || app_proto)
            return EXC_OTHER;
    }
    if (host_opened) {
        if (server_port == 25 || server_port == 465 || server_port == 587)
            return EXC_MAIL;
        if (server_port == 21)
            return EXC_FTP_CONTROL;
        return EXC_OTHER;
    }
    /* the server connected to the host: FTP's active mode, from port 20
     * (RFC 959 3.2: L-1 of the control port) to a port the host chose */
    if (server_port == 20 && host_port >= 1024)
        return EXC_FTP_DATA;
    return EXC_OTHER;
}

static double dest_weight(const void *item)
{
    const struct exdest *e = item;
    return e->mail_up || e->data_up || e->high_up || e->up >= 65536 ? 1.0 : 0.0;
}

struct exfil *exfil_create(size_t capacity, const struct detect_params *p,
                           const struct cidr_set *mail_servers,
                           const struct cidr_set *mail_clients, char *err, size_t errlen)
{
    struct exfil *x = calloc(1, sizeof(*x));
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->p = *p;
    x->mail_servers = mail_servers;
    x->mail_clients = mail_clients;
    hk_init(&x->key);
    x->dest = lru_create(capacity, sizeof(struct exdest), err, errlen);
    if (!x->dest) {
        free(x);
        return NULL;
    }
    lru_set_weight(x->dest, dest_weight);
    return x;
}

void exfil_set_params(struct exfil *x, const struct detect_params *p)
{
    x->p = *p;
}

void exfil_destroy(struct exfil *x)
{
    if (!x)
        return;
    lru_destroy(x->dest);
    free(x);
}

void exfil_get_counters(const struct exfil *x, struct exfil_counters *c)
{
    *c = x->c;
    c->evicted = lru_evictions(x->dest);
}

/* "1.2 MB", "640 B" */
static const char *bytes_text(uint64_t n, char *buf, size_t len)
{
    if (n >= 1000000)
        snprintf(buf, len, "%.1f MB", (double)n / 1e6);
    else if (n >= 10000)
        snprintf(buf, len, "%.1f kB", (double)n / 1e3);
    else
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    return buf;
}

static int in_set(const struct cidr_set *s, const struct sh_addr *a)
{
    return s && cidr_set_match(s, a);
}

/* Raise or refresh h's exfil evidence about e's server (counted in
 * *raised when it becomes active); 1 when it changed. */
static int raise(struct exfil *x, struct host_table *ht, struct host *h, const struct exdest *e,
                 const struct exfil_flow *f, double conf, const char *expl, uint64_t *raised,
                 struct host_touched *touched)
{
    char addr[64], ind[EVIDENCE_INDICATOR_MAX];
    addr_format(&f->server, addr, sizeof(addr));
    snprintf(ind, sizeof(ind), "%s", e->name[0] ? e->name : addr);
    double w = x->p.v[P_EXFIL_WEIGHT];
    struct evidence *ev = host_evidence_keyed(ht, h, EVK_EXFIL, ind, w * conf);
    if (!ev)
        return 0;
    if (ev->active && conf < ev->confidence - 0.05)
        return 0;                         /* a weaker view of what it holds */
    if (!ev->active) {
        ev->first_us = f->t_us;
        if (raised)
            (*raised)++;
    }
    ev->active = 1;
    ev->weight = w;
    ev->confidence = conf;
    if (f->t_us > ev->last_us)
        ev->last_us = f->t_us;
    ev->count++;
    snprintf(ev->explanation, sizeof(ev->explanation), "%s", expl);
    ev->ioc_type = e->name[0] ? IOC_DOMAIN : IOC_IP;
    snprintf(ev->ioc, sizeof(ev->ioc), "%s", e->name[0] ? e->name : addr);
    host_touched_add(touched, ht, h);
    return 1;
}

static void judge_mail(struct exfil *x, struct host_table *ht, struct host *h,
                       const struct exdest *e, const struct exfil_flow *f,
                       struct host_touched *touched)
{
    const double *v = x->p.v;
    char addr[64], up[32], down[32], span[32], expl[EVIDENCE_EXPLANATION_MAX];
    if (!e->mail_up)
        return;                           /* the server spoke, the host did not */
    int sent = (double)e->mail_up >= v[P_EXFIL_SMTP_MIN_PAYLOAD];
    double conf = sent ? v[P_EXFIL_SMTP_CONFIDENCE] : v[P_EXFIL_SMTP_SESSION_CONFIDENCE];
    /* a listed or popular mail service (bound to the address by a trusted
     * answer): people's own mail accounts, but stealers mail through free
     * providers too -- weaker, never nothing */
    if (f->benign)
        conf *= 0.6;
    if (conf <= 0)
        return;
    addr_format(&f->server, addr, sizeof(addr));
    bytes_text(e->mail_up, up, sizeof(up));
    bytes_text(e->mail_down, down, sizeof(down));
    evidence_duration_text((double)(f->t_us > e->first_us ? f->t_us - e->first_us : 0) / 1e6,
                           span, sizeof(span));
    const char *proto = e->mail_port == 465 ? "SMTPS" : e->mail_port == 587 ? "mail submission"
                                                                          : "SMTP";
    if (sent)
        snprintf(expl, sizeof(expl),
                 "workstation submitting mail to an external server: %s sent to %s%s%s port %u "
                 "(%s%s%s) in %u session%s over %s, %s back; neither end is configured mail "
                 "infrastructure (infrastructure.mail_servers, mail_clients)%s -- infostealers "
                 "mail what they take",
                 up, e->name[0] ? e->name : addr, e->name[0] ? " " : "", e->name[0] ? addr : "",
                 e->mail_port, proto, f->app && f->app[0] ? ", nDPI " : "",
                 f->app && f->app[0] ? f->app : "", e->mail_sessions,
                 e->mail_sessions == 1 ? "" : "s", span, down,
                 f->benign ? "; the server is a popular mail service" : "");
    else
        snprintf(expl, sizeof(expl),
                 "workstation opened %u mail session%s to external server %s%s%s port %u (%s) "
                 "but sent only %s (no message yet); not configured mail infrastructure",
                 e->mail_sessions, e->mail_sessions == 1 ? "" : "s",
                 e->name[0] ? e->name : addr, e->name[0] ? " " : "", e->name[0] ? addr : "",
                 e->mail_port, proto, up);
    raise(x, ht, h, e, f, conf, expl, sent ? &x->c.raised_mail : NULL, touched);
}

static void judge_ftp(struct exfil *x, struct host_table *ht, struct host *h,
                      const struct exdest *e, const struct exfil_flow *f,
                      struct host_touched *touched)
{
    const double *v = x->p.v;
    char addr[64], up[32], down[32], span[32], expl[EVIDENCE_EXPLANATION_MAX];
    /* data connections count as FTP's by nDPI or port 20 alone; a plain
     * connection to a high port only next to a control session */
    uint64_t u = e->data_up, dn = e->data_down;
    uint32_t n = e->data_flows;
    if (e->ftp_ctrl_us) {
        u += e->high_up;
        dn += e->high_down;
        n += e->high_flows;
    }
    if ((double)u < v[P_EXFIL_FTP_MIN_BYTES] || u <= dn)
        return;
    double conf = v[P_EXFIL_FTP_CONFIDENCE];
    if (conf <= 0)
        return;
    addr_format(&f->server, addr, sizeof(addr));
    bytes_text(u, up, sizeof(up));
    bytes_text(dn, down, sizeof(down));
    evidence_duration_text((double)(f->t_us > e->first_us ? f->t_us - e->first_us : 0) / 1e6,
                           span, sizeof(span));
    snprintf(expl, sizeof(expl),
             "FTP upload to an external server: %s sent to %s%s%s on %u data connection%s over "
             "%s (%s back)%s -- stealers drop what they take on FTP servers",
             up, e->name[0] ? e->name : addr, e->name[0] ? " " : "", e->name[0] ? addr : "",
             n, n == 1 ? "" : "s", span, down,
             e->ftp_ctrl_us ? ", next to an FTP control session" : "");
    raise(x, ht, h, e, f, conf, expl, &x->c.raised_ftp, touched);
}

/* Confidence factor for a destination n internal hosts use (h included). */
static double rarity(int hosts)
{
    return hosts <= 1 ? 1.0 : 0.6;
}

static void judge_upload(struct exfil *x, struct host_table *ht, struct host *h,
                         const struct exdest *e, const struct exfil_flow *f,
                         struct host_touched *touched)
{
    const double *v = x->p.v;
    char addr[64], up[32], down[32], span[32], expl[EVIDENCE_EXPLANATION_MAX];
    double min = v[P_EXFIL_UPLOAD_MIN_BYTES];
    if ((double)e->up < min || (double)e->up < v[P_EXFIL_UPLOAD_MIN_RATIO] * (double)e->down)
        return;
    if (f->benign) {
        x->c.benign_skipped++;
        return;
    }
    if (f->hosts >= v[P_BEACON_PREVALENCE_HOSTS]) {
        x->c.prevalent_skipped++;
        return;
    }
    double ramp = 0.7 + 0.3 * clamp01(log2((double)e->up / min) / 4);   /* 16x: full */
    double conf = v[P_EXFIL_UPLOAD_CONFIDENCE] * rarity(f->hosts) * ramp *
                  (f->claimed_benign ? 0.5 : 1);
    if (conf <= 0)
        return;
    addr_format(&f->server, addr, sizeof(addr));
    bytes_text(e->up, up, sizeof(up));
    bytes_text(e->down, down, sizeof(down));
    evidence_duration_text((double)(f->t_us > e->first_us ? f->t_us - e->first_us : 0) / 1e6,
                           span, sizeof(span));
    snprintf(expl, sizeof(expl),
             "large upload to a rare external destination: %s sent to %s%s%s port %u%s%s in %u "
             "flow%s over %s, %s back; %s%s",
             up, e->name[0] ? e->name : addr, e->name[0] ? " " : "", e->name[0] ? addr : "",
             e->port, f->app && f->app[0] ? " " : "", f->app && f->app[0] ? f->app : "",
             e->flows, e->flows == 1 ? "" : "s", span, down,
             f->hosts <= 1 ? "no other internal host talks to it" : "one other internal host "
                                                                    "talks to it",
             f->claimed_benign ? "; the name is a popular service, but no DNS answer seen tied "
                                 "it to this address" : "");
    raise(x, ht, h, e, f, conf, expl, &x->c.raised_upload, touched);
}

void exfil_flow(struct exfil *x, struct host_table *ht, struct host *h,
                const struct exfil_flow *f, uint64_t now, struct host_touched *touched)
{
    if (f->cls >= EXC_MAX || (f->server.family != 4 && f->server.family != 6))
        return;
    x->c.flows++;
    if (f->cls == EXC_MAIL) {
        x->c.mail_flows++;
        /* configured mail infrastructure, either end (config only: no
         * packet can put an address on these lists) */
        if (in_set(x->mail_servers, &h->ip) || in_set(x->mail_clients, &h->ip) ||
            in_set(x->mail_servers, &f->server)) {
            x->c.mail_exempt++;
            return;
        }
    } else if (f->cls == EXC_FTP_CONTROL) {
        x->c.ftp_control_flows++;
    } else if (f->cls == EXC_FTP_DATA) {
        x->c.ftp_data_flows++;
    }
    if (!f->answered)
        return;                           /* nobody took what was sent */

    struct { uint32_t idx, gen; struct sh_addr a; } k;
    memset(&k, 0, sizeof(k));
    k.idx = host_index(ht, h);
    k.gen = h->gen;
    k.a = f->server;
    int created;
    struct exdest *e = lru_get(x->dest, hk_bytes(&x->key, &k, sizeof(k)), 1, &created);
    uint64_t win = (uint64_t)(x->p.v[P_EXFIL_WINDOW] * 1e6);
    if (created || e->host_idx != k.idx || e->host_gen != k.gen || now > e->start_us + win) {
        memset(e, 0, sizeof(*e));
        e->host_idx = k.idx;
        e->host_gen = k.gen;
        e->start_us = now;
        e->first_us = f->start_us ? f->start_us : f->t_us;
    }
    /* the window runs from the first record (a long flow that began
     * before it keeps adding up); the explanation's span from the flow */
    if (f->start_us && f->start_us < e->first_us)
        e->first_us = f->start_us;
    if (!e->name[0] && f->name && f->name[0])
        snprintf(e->name, sizeof(e->name), "%s", f->name);

    switch (f->cls) {
    case EXC_MAIL:
        e->mail_up += f->up;
        e->mail_down += f->down;
        e->mail_sessions += f->first;
        e->mail_port = f->server_port;
        judge_mail(x, ht, h, e, f, touched);
        return;
    case EXC_FTP_CONTROL:
        e->ftp_ctrl_us = f->t_us ? f->t_us : now;
        judge_ftp(x, ht, h, e, f, touched);
        return;
    case EXC_FTP_DATA:
        e->data_up += f->up;
        e->data_down += f->down;
        e->data_flows += f->first;
        judge_ftp(x, ht, h, e, f, touched);
        return;
    default:
        break;
    }
    /* a plain TCP connection to a high port may be passive FTP data */
    if (f->proto == 6 && f->host_opened && f->server_port >= 1024 && !(f->app && f->app[0])) {
        e->high_up += f->up;
        e->high_down += f->down;
        e->high_flows += f->first;
        if (e->ftp_ctrl_us) {
            judge_ftp(x, ht, h, e, f, touched);
            return;
        }
    }
    e->up += f->up;
    e->down += f->down;
    e->flows += f->first;
    e->port = f->server_port;
    judge_upload(x, ht, h, e, f, touched);
}

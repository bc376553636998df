/*
 * dpi.c -- nDPI 4.2 wrapper: one detection module, a fixed pool of flow
 * states.  See dpi.h.
 *
 * nDPI 4.2 API notes (Debian's libndpi-dev, older than upstream docs):
 * ndpi_detection_process_packet takes 5 arguments and a 16-bit length;
 * ndpi_free_flow_data() releases what nDPI allocated inside a flow struct
 * we own (TLS names, ALPN strings ...), after which the struct can be
 * zeroed and reused.
 */
#include "dpi.h"

#include <ndpi/ndpi_api.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dpi {
    struct ndpi_detection_module_struct *nd;
    uint8_t *mem;            /* pool_size * flow_size bytes            */
    size_t flow_size;
    uint32_t pool_size;
    uint32_t hwm;            /* slots [0, hwm) used at least once      */
    uint32_t *free_stack;
    uint32_t nfree;
    uint8_t *pkts;           /* packets fed, per slot                  */
    uint8_t *live;           /* slot holds a flow                      */
    uint8_t *scratch;        /* one flow struct for name checks        */
    uint32_t max_packets;
    int extra;               /* keep feeding for nDPI's extra dissection */
    struct dpi_stats st;
};

static struct ndpi_flow_struct *slot_flow(struct dpi *d, uint32_t slot)
{
    return (struct ndpi_flow_struct *)(void *)(d->mem + (size_t)slot * d->flow_size);
}

struct dpi *dpi_create(uint32_t pool_size, uint32_t max_packets, int extra,
                       char *err, size_t errlen)
{
    struct dpi *d = calloc(1, sizeof(*d));
    NDPI_PROTOCOL_BITMASK all;

    if (!d)
        goto nomem;
    if (pool_size < 1)
        pool_size = 1;
    if (max_packets < 1)
        max_packets = 1;
    if (max_packets > 255)
        max_packets = 255;
    d->pool_size = pool_size;
    d->max_packets = max_packets;
    d->extra = extra;
    /* keep flow structs 16-byte aligned */
    d->flow_size = (ndpi_detection_get_sizeof_ndpi_flow_struct() + 15) & ~(size_t)15;
    d->mem = calloc(pool_size, d->flow_size);
    d->free_stack = malloc((size_t)pool_size * sizeof(uint32_t));
    d->pkts = calloc(pool_size, 1);
    d->live = calloc(pool_size, 1);
    d->scratch = calloc(1, d->flow_size);
    if (!d->mem || !d->free_stack || !d->pkts || !d->live || !d->scratch)
        goto nomem;

    d->nd = ndpi_init_detection_module(ndpi_no_prefs);
    if (!d->nd) {
        snprintf(err, errlen, "nDPI initialisation failed");
        dpi_destroy(d);
        return NULL;
    }
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(d->nd, &all);
    ndpi_finalize_initialization(d->nd);
    return d;

nomem:
    snprintf(err, errlen, "cannot allocate %u nDPI flow states", pool_size);
    dpi_destroy(d);
    return NULL;
}

void dpi_destroy(struct dpi *d)
{
    if (!d)
        return;
    if (d->mem && d->live) {
        /* release what nDPI allocated inside live states */
        for (uint32_t i = 0; i < d->hwm; i++)
            if (d->live[i])
                ndpi_free_flow_data(slot_flow(d, i));
    }
    if (d->nd)
        ndpi_exit_detection_module(d->nd);
    free(d->mem);
    free(d->free_stack);
    free(d->pkts);
    free(d->live);
    free(d->scratch);
    free(d);
}

uint32_t dpi_acquire(struct dpi *d)
{
    uint32_t s;
    if (d->nfree)
        s = d->free_stack[--d->nfree];
    else if (d->hwm < d->pool_size)
        s = d->hwm++;
    else {
        d->st.pool_exhausted++;
        return DPI_NONE;
    }
    memset(slot_flow(d, s), 0, d->flow_size);
    d->pkts[s] = 0;
    d->live[s] = 1;
    d->st.flows_inspected++;
    if (++d->st.pool_in_use > d->st.pool_peak)
        d->st.pool_peak = d->st.pool_in_use;
    return s;
}

static void release(struct dpi *d, uint32_t slot)
{
    ndpi_free_flow_data(slot_flow(d, slot));
    d->live[slot] = 0;
    d->free_stack[d->nfree++] = slot;
    d->st.pool_in_use--;
}

static void fill_result(struct dpi *d, struct ndpi_flow_struct *f,
                        ndpi_protocol p, uint8_t guessed,
                        struct dpi_result *res)
{
    memset(res, 0, sizeof(*res));
    res->master = p.master_protocol;
    res->app = p.app_protocol;
    res->category = (uint16_t)p.category;
    res->guessed = guessed;
    res->risk = f->risk;
    res->quic = p.master_protocol == NDPI_PROTOCOL_QUIC ||
                p.app_protocol == NDPI_PROTOCOL_QUIC;
    /* host_server_name is a fixed char array; copy it bounded */
    size_t n = strnlen(f->host_server_name, sizeof(f->host_server_name));
    if (n >= sizeof(res->host))
        n = sizeof(res->host) - 1;
    memcpy(res->host, f->host_server_name, n);
    res->host[n] = '\0';
    if (p.master_protocol == NDPI_PROTOCOL_UNKNOWN &&
        p.app_protocol == NDPI_PROTOCOL_UNKNOWN)
        d->st.flows_unknown++;
    else if (guessed)
        d->st.flows_guessed++;
    else
        d->st.flows_classified++;
}

int dpi_feed(struct dpi *d, uint32_t slot, const uint8_t *l3, size_t l3_len,
             uint64_t ts_us, struct dpi_result *res)
{
    struct ndpi_flow_struct *f = slot_flow(d, slot);
    ndpi_protocol p;

    if (l3_len > 65535)
        l3_len = 65535;
    d->st.packets++;
    p = ndpi_detection_process_packet(d->nd, f, l3, (unsigned short)l3_len,
                                      ts_us / 1000);
    d->pkts[slot]++;
    if ((p.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
         p.master_protocol != NDPI_PROTOCOL_UNKNOWN) &&
        (!d->extra || !ndpi_extra_dissection_possible(d->nd, f))) {
        fill_result(d, f, p, 0, res);
        release(d, slot);
        return 1;
    }
    if (d->pkts[slot] >= d->max_packets) {
        dpi_finish(d, slot, res);
        return 1;
    }
    return 0;
}

void dpi_finish(struct dpi *d, uint32_t slot, struct dpi_result *res)
{
    struct ndpi_flow_struct *f = slot_flow(d, slot);
    uint8_t guessed = 0;
    /* returns the detected protocol when there is one, else a guess from
     * ports and addresses (guessed = 1) */
    ndpi_protocol p = ndpi_detection_giveup(d->nd, f, 1, &guessed);
    fill_result(d, f, p, guessed, res);
    release(d, slot);
}

static int sni_matches(const char *sni, const char *pat, size_t plen)
{
    /* a certificate name: exact, or "*.zone" for one label (RFC 6125 6.4.3) */
    size_t sl = strlen(sni);
    if (plen >= 2 && pat[0] == '*' && pat[1] == '.') {
        const char *dot = strchr(sni, '.');
        return dot && (size_t)(sni + sl - dot) == plen - 1 &&
               strncasecmp(dot, pat + 1, plen - 1) == 0;
    }
    return sl == plen && strncasecmp(sni, pat, plen) == 0;
}

/* Does the certificate name the server the client asked for? */
static int cert_covers(const struct sh_event *ev, const char *sni)
{
    const struct ev_tls *t = &ev->u.tls;
    const char *p = ev_s(ev, t->san), *end = p + t->san.len;
    while (p < end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
        if (sni_matches(sni, p, n))
            return 1;
        p += n + 1;
    }
    /* no SAN: the subject CN (RFC 6125 allows it as a fallback) */
    const char *cn = strstr(ev_s(ev, t->subject), "CN=");
    if (!t->san.len && cn) {
        cn += 3;
        size_t n = strcspn(cn, ",");
        return sni_matches(sni, cn, n);
    }
    return 0;
}

/* IANA ports of protocols that run over TLS from the first byte */
static int tls_port(uint16_t p)
{
    static const uint16_t ports[] = { 443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995,
                                      5061, 5223, 8443, 8883 };
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (ports[i] == p)
            return 1;
    return 0;
}

void dpi_classify_tls(struct dpi *d, const struct sh_event *ev,
                      const struct sh_addr *server, uint16_t server_port,
                      struct dpi_result *res)
{
    memset(res, 0, sizeof(*res));
    res->master = NDPI_PROTOCOL_TLS;
    res->app = NDPI_PROTOCOL_UNKNOWN;
    ndpi_protocol p = { NDPI_PROTOCOL_TLS, NDPI_PROTOCOL_UNKNOWN, NDPI_PROTOCOL_CATEGORY_UNSPECIFIED };
    res->category = (uint16_t)ndpi_get_proto_category(d->nd, p);
    d->st.flows_inspected++;
    d->st.flows_classified++;
    if (!tls_port(server_port))
        res->risk |= 1ULL << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT;
    if (server && server->family == 4) {
        struct in_addr in;
        memcpy(&in.s_addr, server->a, 4);
        uint16_t id = ndpi_network_ptree_match(d->nd, &in);
        if (id != NDPI_PROTOCOL_UNKNOWN) {
            ndpi_protocol pp = { NDPI_PROTOCOL_TLS, id, NDPI_PROTOCOL_CATEGORY_UNSPECIFIED };
            res->app = id;
            res->category = (uint16_t)ndpi_get_proto_category(d->nd, pp);
        }
    }
    if (!ev)
        return;
    const struct ev_tls *t = &ev->u.tls;
    char sni[256];
    size_t n = t->sni.len < sizeof(sni) - 1 ? t->sni.len : sizeof(sni) - 1;
    memcpy(sni, ev_s(ev, t->sni), n);
    sni[n] = '\0';

    if (n) {
        ndpi_protocol_match_result m;
        memset(&m, 0, sizeof(m));
        int id = ndpi_match_string_subprotocol(d->nd, sni, (u_int)n, &m);
        if (id > 0 && id != NDPI_PROTOCOL_UNKNOWN) {
            res->app = (uint16_t)id;
            res->category = (uint16_t)m.protocol_category;
        }
        snprintf(res->host, sizeof(res->host), "%s", sni);
        /* nDPI's own DGA check on the server name, as it does for TLS */
        struct ndpi_flow_struct *scratch = (struct ndpi_flow_struct *)(void *)d->scratch;
        memset(scratch, 0, d->flow_size);
        if (ndpi_check_dga_name(d->nd, scratch, sni, 1))
            res->risk |= 1ULL << NDPI_SUSPICIOUS_DGA_DOMAIN;
        ndpi_free_flow_data(scratch);
    } else if (t->has_client_hello) {
        res->risk |= 1ULL << NDPI_TLS_MISSING_SNI;
    }
    /* nDPI's "TLS (probably) not carrying HTTPS": no HTTP protocol among
     * the ALPN the client offers */
    if (t->has_client_hello) {
        const char *a = ev_s(ev, t->alpn);
        if (!t->alpn.len || (!strstr(a, "http/1") && !strstr(a, "h2") && !strstr(a, "h3") &&
                             !strstr(a, "spdy")))
            res->risk |= 1ULL << NDPI_TLS_NOT_CARRYING_HTTPS;
    }
    uint16_t v = t->has_server_hello ? t->version : t->client_version;
    if (v && v < 0x0303)
        res->risk |= 1ULL << NDPI_TLS_OBSOLETE_VERSION;
    if (t->has_cert) {
        int64_t now = (int64_t)(ev->ts_us / 1000000);
        if (t->self_signed)
            res->risk |= 1ULL << NDPI_TLS_SELFSIGNED_CERTIFICATE;
        if (t->notafter && now > t->notafter)
            res->risk |= 1ULL << NDPI_TLS_CERTIFICATE_EXPIRED;
        else if (t->notafter && t->notafter - now < 15 * 86400)
            res->risk |= 1ULL << NDPI_TLS_CERTIFICATE_ABOUT_TO_EXPIRE;
        /* CA/Browser Forum: at most 398 days for a server certificate */
        if (t->notafter - t->notbefore > 398LL * 86400)
            res->risk |= 1ULL << NDPI_TLS_CERT_VALIDITY_TOO_LONG;
        if (n && !cert_covers(ev, sni))
            res->risk |= 1ULL << NDPI_TLS_CERTIFICATE_MISMATCH;
    }
}

const char *dpi_proto_name(struct dpi *d, uint16_t master, uint16_t app,
                           char *buf, size_t buflen)
{
    ndpi_protocol p;
    memset(&p, 0, sizeof(p));
    p.master_protocol = master;
    p.app_protocol = app;
    if (buflen == 0)
        return buf;
    if (!ndpi_protocol2name(d->nd, p, buf, (u_int)buflen))
        snprintf(buf, buflen, "Unknown");
    return buf;
}

const char *dpi_category_name(struct dpi *d, uint16_t category)
{
    const char *s = ndpi_category_get_name(d->nd, (ndpi_protocol_category_t)category);
    return s ? s : "Unspecified";
}

void dpi_risk_names(uint64_t risk, char *buf, size_t buflen)
{
    size_t off = 0;
    if (buflen == 0)
        return;
    buf[0] = '\0';
    for (int i = 1; i < NDPI_MAX_RISK && i < 64; i++) {
        if (!(risk & (1ULL << i)))
            continue;
        const char *s = ndpi_risk2str((ndpi_risk_enum)i);
        int n = snprintf(buf + off, buflen - off, "%s%s", off ? "," : "",
                         s ? s : "?");
        if (n < 0 || (size_t)n >= buflen - off) {
            buf[off] = '\0';
            return;
        }
        off += (size_t)n;
    }
}

void dpi_get_stats(const struct dpi *d, struct dpi_stats *s)
{
    *s = d->st;
}

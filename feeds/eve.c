/*
 * eve.c -- EVE JSON writer.  See eve.h and docs/eve.md.
 *
 * Records of Suricata's event types (dns, http, tls, quic, dhcp, flow) are
 * written as Suricata 8 writes them (dns version 3) and validate against
 * Suricata's own schema (tests/eve/schema.json); with eve.extended the
 * fields Suricata does not have are added inside its objects (which then
 * no longer validate: its objects are closed).  Everything else is a
 * project-only event type, "spanhound_<x>", whose payload sits under the
 * key "spanhound_<x>" after a valid common header.
 */
#include "eve.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../capture/dhcp.h"
#include "../capture/dhcp6.h"
#include "../capture/dns.h"
#include "../capture/quic.h"
#include "../config/cidr.h"
#include "community_id.h"

#define EVE_BUF 65536

struct eve {
    FILE *fp;
    int own;
    int flow, arp;
    int extended;                /* eve.extended: spanhound's extra fields */
    struct eve_stats st;
    char buf[EVE_BUF];
};

struct eve *eve_open(const char *path, int flow, int arp, char *err, size_t errlen)
{
    struct eve *e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        e->fp = stdout;
    } else {
        e->fp = fopen(path, "a");
        if (!e->fp) {
            snprintf(err, errlen, "%s: cannot open for writing", path);
            free(e);
            return NULL;
        }
        e->own = 1;
    }
    e->flow = flow;
    e->arp = arp;
    return e;
}

void eve_set_extended(struct eve *e, int on)
{
    if (e)
        e->extended = on != 0;
}

void eve_set_records(struct eve *e, int flow, int arp)
{
    if (e) {
        e->flow = flow;
        e->arp = arp;
    }
}

void eve_close(struct eve *e)
{
    if (!e)
        return;
    fflush(e->fp);
    if (e->own)
        fclose(e->fp);
    free(e);
}

void eve_flush(struct eve *e)
{
    if (e)
        fflush(e->fp);
}

void eve_get_stats(const struct eve *e, struct eve_stats *s)
{
    *s = e->st;
}

void eve_format_time(uint64_t ts_us, char *buf, size_t buflen)
{
    /* a four-digit year, as EVE's pattern wants: a forged pcapng time past
     * 9999-12-31 is written as that day's last second */
    const uint64_t max_s = 253402300799ULL;
    time_t t = (time_t)(ts_us / 1000000 > max_s ? max_s : ts_us / 1000000);
    struct tm tm;
    char d[32];
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof(tm));
    strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, buflen, "%s.%06u+0000", d, (unsigned)(ts_us % 1000000));
}

/* IANA protocol keywords as Suricata writes them (src/util-proto-name.c);
 * other numbers as decimal text, as Suricata does for unknown ones. */
static const char *proto_name(uint8_t p, char *buf, size_t n)
{
    switch (p) {
    case 0: return "HOPOPT";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IP-in-IP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 43: return "IPv6-Route";
    case 44: return "IPv6-Frag";
    case 46: return "RSVP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "IPv6-ICMP";
    case 59: return "IPv6-NoNxt";
    case 60: return "IPv6-Opts";
    case 88: return "EIGRP";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 115: return "L2TP";
    case 132: return "SCTP";
    case 136: return "UDPLite";
    case 137: return "MPLS-in-IP";
    default:
        snprintf(buf, n, "%u", p);
        return buf;
    }
}

static void put_s(struct json *j, const char *key, const struct sh_event *ev,
                  struct ev_str s)
{
    if (s.len)
        json_str(j, key, ev_s(ev, s), s.len);
}

/* header options */
#define HDR_PKT 0x1   /* from a packet: "pkt_src" */
#define HDR_CID 0x2   /* tied to a flow: "community_id" */

static void community_id_field(struct json *j, const struct sh_event *ev)
{
    char id[COMMUNITY_ID_LEN];
    int rc;

    if (!ev->src.family || ev->src.family != ev->dst.family)
        return;
    if (ev->proto == 132)
        return;            /* SCTP ports are not decoded: no id rather than a wrong one */
    if (ev->proto == 6 || ev->proto == 17)
        rc = community_id_v1(&ev->src, &ev->dst, ev->proto, 1, ev->sport, ev->dport, 0,
                             id, sizeof id);
    else if ((ev->proto == 1 || ev->proto == 58) && ev->type == EV_FLOW)
        rc = community_id_icmp(&ev->src, &ev->dst, ev->proto, ev->u.flow.icmp_type,
                               ev->u.flow.icmp_code, 0, id, sizeof id);
    else if (ev->proto == 58 && ev->type == EV_RA)
        rc = community_id_icmp(&ev->src, &ev->dst, 58, 134, 0, 0, id, sizeof id);
    else if (ev->proto == 1 || ev->proto == 58)
        return;               /* type and code unknown here */
    else
        rc = community_id_v1(&ev->src, &ev->dst, ev->proto, 0, 0, 0, 0, id, sizeof id);
    if (rc == 0)
        json_cstr(j, "community_id", id);
}

static void header(struct json *j, char *buf, size_t cap, const char *event_type,
                   const struct sh_event *ev, unsigned opts)
{
    char tmp[64];
    json_init(j, buf, cap);
    json_obj_open(j, NULL);
    eve_format_time(ev->ts_us, tmp, sizeof(tmp));
    json_cstr(j, "timestamp", tmp);
    if (ev->flow_id)
        json_u64(j, "flow_id", ev->flow_id);
    json_cstr(j, "event_type", event_type);
    if (ev->vlan) {
        json_arr_open(j, "vlan");
        json_u64(j, NULL, ev->vlan);
        json_arr_close(j);
    }
    if (ev->src.family) {
        addr_format(&ev->src, tmp, sizeof(tmp));
        json_cstr(j, "src_ip", tmp);
        if (ev->proto == 6 || ev->proto == 17)
            json_u64(j, "src_port", ev->sport);
    }
    if (ev->dst.family) {
        addr_format(&ev->dst, tmp, sizeof(tmp));
        json_cstr(j, "dest_ip", tmp);
        if (ev->proto == 6 || ev->proto == 17)
            json_u64(j, "dest_port", ev->dport);
    }
    if (ev->src.family == 4 || ev->src.family == 6)
        json_u64(j, "ip_v", ev->src.family);
    if (ev->proto)
        json_cstr(j, "proto", proto_name(ev->proto, tmp, sizeof(tmp)));
    if (opts & HDR_PKT)
        json_cstr(j, "pkt_src", "wire/pcap");
    if (opts & HDR_CID)
        community_id_field(j, ev);
    if (ev->has_mac) {
        json_obj_open(j, "ether");
        mac_format(ev->src_mac, tmp, sizeof(tmp));
        json_cstr(j, "src_mac", tmp);
        mac_format(ev->dst_mac, tmp, sizeof(tmp));
        json_cstr(j, "dest_mac", tmp);
        json_obj_close(j);
    }
}

void eve_begin_record(struct json *j, char *buf, size_t cap,
                      const char *event_type, const struct sh_event *ev)
{
    header(j, buf, cap, event_type, ev, 0);
}

int eve_end_record(struct eve *e, struct json *j)
{
    json_obj_close(j);
    const char *s = json_finish(j);
    if (!s) {
        e->st.dropped_overflow++;
        return -1;
    }
    if (fwrite(s, 1, j->len, e->fp) != j->len || fputc('\n', e->fp) == EOF) {
        e->st.write_errors++;
        return -1;
    }
    e->st.written++;
    return 0;
}

static void type_field(struct json *j, const char *key, uint16_t t)
{
    const char *n = dns_type_name(t);
    char b[16];
    if (!n) {
        snprintf(b, sizeof(b), "%u", t);   /* Suricata: the number */
        n = b;
    }
    json_cstr(j, key, n);
}

static void dns_anomalies(struct json *j, const struct ev_dns *d)
{
    static const char *const an[] = {
        "truncated", "bad_pointer", "label_too_long", "name_too_long",
        "counts_capped", "bad_label_type", "too_many_labels", "bad_rdata", "tc",
    };
    if (!d->anomalies)
        return;
    json_arr_open(j, "anomalies");
    for (unsigned i = 0; i < sizeof(an) / sizeof(an[0]); i++)
        if (d->anomalies & (1u << i))
            json_cstr(j, NULL, an[i]);
    json_arr_close(j);
}

static void dns_queries(struct json *j, const struct sh_event *ev)
{
    const struct ev_dns *d = &ev->u.dns;
    if (!d->nq)
        return;
    json_arr_open(j, "queries");
    for (int i = 0; i < d->nq; i++) {
        json_obj_open(j, NULL);
        json_str(j, "rrname", ev_s(ev, d->q[i].name), d->q[i].name.len);
        type_field(j, "rrtype", d->q[i].type);
        json_obj_close(j);
    }
    json_arr_close(j);
}

/* Suricata 8's "dns" object, version 3 (rust/src/dns/log.rs log_json):
 * one record per message, type request | response. */
static void dns_obj(struct json *j, const struct sh_event *ev, int extended)
{
    const struct ev_dns *d = &ev->u.dns;
    char b[16];

    json_obj_open(j, "dns");
    json_u64(j, "version", 3);
    json_cstr(j, "type", d->qr ? "response" : "request");
    json_u64(j, "id", d->id);
    snprintf(b, sizeof(b), "%x", d->flags);
    json_cstr(j, "flags", b);
    if (d->flags & 0x8000) json_bool(j, "qr", 1);
    if (d->flags & 0x0400) json_bool(j, "aa", 1);
    if (d->flags & 0x0200) json_bool(j, "tc", 1);
    if (d->flags & 0x0100) json_bool(j, "rd", 1);
    if (d->flags & 0x0080) json_bool(j, "ra", 1);
    if (d->flags & 0x0040) json_bool(j, "z", 1);
    json_u64(j, "opcode", d->opcode);
    {
        const char *rc = dns_rcode_name(d->rcode);
        if (!rc) {
            snprintf(b, sizeof(b), "%u", d->rcode);
            rc = b;
        }
        json_cstr(j, "rcode", rc);
    }
    dns_queries(j, ev);
    if (d->nan) {
        json_arr_open(j, "answers");
        for (int i = 0; i < d->nan; i++) {
            const struct ev_dns_rr *rr = &d->an[i];
            json_obj_open(j, NULL);
            json_str(j, "rrname", ev_s(ev, rr->name), rr->name.len);
            type_field(j, "rrtype", rr->type);
            json_u64(j, "ttl", rr->ttl);
            if (rr->data.len)
                json_str(j, "rdata", ev_s(ev, rr->data), rr->data.len);
            if (extended && rr->type == 15)
                json_u64(j, "preference", rr->mx_pref);
            if (extended && (rr->type == 16 || rr->type == 10))
                json_u64(j, "rdlength", rr->rdlen);
            json_obj_close(j);
        }
        json_arr_close(j);
    }
    if (d->soa.present) {
        const struct ev_dns_soa *s = &d->soa;
        json_arr_open(j, "authorities");
        json_obj_open(j, NULL);
        json_str(j, "rrname", ev_s(ev, s->name), s->name.len);
        json_cstr(j, "rrtype", "SOA");
        json_u64(j, "ttl", s->ttl);
        json_obj_open(j, "soa");
        json_str(j, "mname", ev_s(ev, s->mname), s->mname.len);
        json_str(j, "rname", ev_s(ev, s->rname), s->rname.len);
        json_u64(j, "serial", s->serial);
        json_u64(j, "refresh", s->refresh);
        json_u64(j, "retry", s->retry);
        json_u64(j, "expire", s->expire);
        json_u64(j, "minimum", s->minimum);
        json_obj_close(j);
        json_obj_close(j);
        json_arr_close(j);
    }
    if (extended) {
        if (d->tcp)
            json_bool(j, "tcp", 1);
        if (d->paired)
            json_u64(j, "rtt_us", d->rtt_us);
        json_u64(j, "length", d->msg_len);
        dns_anomalies(j, d);
    }
    json_obj_close(j);
}

/* project-only: a query that got no answer in time */
static void dns_unanswered_obj(struct json *j, const struct sh_event *ev)
{
    const struct ev_dns *d = &ev->u.dns;
    json_obj_open(j, "spanhound_dns_unanswered");
    json_u64(j, "id", d->id);
    json_u64(j, "opcode", d->opcode);
    dns_queries(j, ev);
    if (d->tcp)
        json_bool(j, "tcp", 1);
    dns_anomalies(j, d);
    if (ev->flags & EVF_TRUNCATED)
        json_bool(j, "truncated", 1);
    json_obj_close(j);
}

static void http_obj(struct json *j, const struct sh_event *ev, int extended)
{
    const struct ev_http *h = &ev->u.http;
    json_u64(j, "tx_id", h->tx_id);            /* Suricata: top level */
    json_obj_open(j, "http");
    put_s(j, "hostname", ev, h->host);
    if (h->host_port)
        json_u64(j, "http_port", h->host_port);
    put_s(j, "url", ev, h->uri);
    put_s(j, "http_user_agent", ev, h->user_agent);
    put_s(j, "http_content_type", ev, h->resp_content_type);
    put_s(j, "http_refer", ev, h->referer);
    put_s(j, "http_method", ev, h->method);
    put_s(j, "protocol", ev, h->protocol);
    if (h->has_response)
        json_u64(j, "status", h->status);
    put_s(j, "redirect", ev, h->location);
    json_u64(j, "length", h->response_body_len);
    if (extended) {
        put_s(j, "server", ev, h->server);
        put_s(j, "request_content_type", ev, h->content_type);
        json_u64(j, "request_body_len", h->request_body_len);
    }
    json_obj_close(j);
}

static const char *tls_version_name(uint16_t v, char *b, size_t n)
{
    switch (v) {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    case 0: return "UNDETERMINED";
    default:
        snprintf(b, n, "0x%04x", v);
        return b;
    }
}

/* Suricata's schema (tls_date) admits years 1000-2999 only; a date
 * outside (9999-12-31, a "never expires" certificate) is written with
 * eve.extended only. */
static void time_field(struct json *j, const char *key, int64_t t, int extended)
{
    char b[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return;
    if (!extended && (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 2999))
        return;
    strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
    json_cstr(j, key, b);
}

/* "a,b,c" (an ev_str list) as a JSON array */
static void list_field(struct json *j, const char *key, const struct sh_event *ev,
                       struct ev_str s)
{
    if (!s.len)
        return;
    const char *p = ev_s(ev, s), *end = p + s.len;
    json_arr_open(j, key);
    while (p < end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
        json_str(j, NULL, p, n);
        p += n + 1;
    }
    json_arr_close(j);
}

static void tls_obj(struct json *j, const struct sh_event *ev, int extended)
{
    const struct ev_tls *t = &ev->u.tls;
    char b[16];

    if (t->quic) {
        /* Suricata 8's quic object (capture/quic.c decrypts the Initial
         * packets; an event with the SNI only is nDPI's) */
        json_obj_open(j, "quic");
        if (t->quic_version)
            json_cstr(j, "version", quic_version_str(t->quic_version, b, sizeof(b)));
        put_s(j, "sni", ev, t->sni);
        if (t->ja3_hash[0]) {
            json_obj_open(j, "ja3");
            json_cstr(j, "hash", t->ja3_hash);
            put_s(j, "string", ev, t->ja3);
            json_obj_close(j);
        }
        if (t->ja3s_hash[0]) {
            json_obj_open(j, "ja3s");
            json_cstr(j, "hash", t->ja3s_hash);
            put_s(j, "string", ev, t->ja3s);
            json_obj_close(j);
        }
        if (t->ja4[0])
            json_cstr(j, "ja4", t->ja4);
        if (extended) {
            /* not in Suricata's quic record */
            if (t->ja4s[0])
                json_cstr(j, "ja4s", t->ja4s);
            list_field(j, "client_alpns", ev, t->alpn);
            if (t->alpn_server.len) {
                json_arr_open(j, "server_alpns");
                json_str(j, NULL, ev_s(ev, t->alpn_server), t->alpn_server.len);
                json_arr_close(j);
            }
            if (t->has_server_hello) {
                snprintf(b, sizeof(b), "0x%04x", t->cipher);
                json_cstr(j, "cipher", b);
            }
        }
        json_obj_close(j);
        return;
    }
    json_obj_open(j, "tls");
    put_s(j, "subject", ev, t->subject);
    put_s(j, "issuerdn", ev, t->issuer);
    put_s(j, "serial", ev, t->serial);
    put_s(j, "fingerprint", ev, t->fingerprint);
    put_s(j, "sni", ev, t->sni);
    json_cstr(j, "version", tls_version_name(t->version ? t->version : t->client_version,
                                             b, sizeof(b)));
    if (t->has_cert) {
        time_field(j, "notbefore", t->notbefore, extended);
        time_field(j, "notafter", t->notafter, extended);
    }
    list_field(j, "subjectaltname", ev, t->san);
    if (t->ja3_hash[0]) {
        json_obj_open(j, "ja3");
        json_cstr(j, "hash", t->ja3_hash);
        put_s(j, "string", ev, t->ja3);
        json_obj_close(j);
    }
    if (t->ja3s_hash[0]) {
        json_obj_open(j, "ja3s");
        json_cstr(j, "hash", t->ja3s_hash);
        put_s(j, "string", ev, t->ja3s);
        json_obj_close(j);
    }
    if (t->ja4[0])
        json_cstr(j, "ja4", t->ja4);
    list_field(j, "client_alpns", ev, t->alpn);
    if (t->alpn_server.len) {
        json_arr_open(j, "server_alpns");
        json_str(j, NULL, ev_s(ev, t->alpn_server), t->alpn_server.len);
        json_arr_close(j);
    }
    if (t->resumed)
        json_bool(j, "session_resumed", 1);
    if (extended) {
        if (t->has_cert)
            json_bool(j, "self_signed", t->self_signed);
        list_field(j, "san", ev, t->san);
        if (t->has_server_hello) {
            snprintf(b, sizeof(b), "0x%04x", t->cipher);
            json_cstr(j, "cipher", b);
        }
        /* not in Suricata 8.0.6's tls object: FoxIO's JA4S and JA4X,
         * and the leaf's SHA-256 (Suricata's "fingerprint" is SHA-1) */
        if (t->ja4s[0])
            json_cstr(j, "ja4s", t->ja4s);
        if (t->ja4x[0])
            json_cstr(j, "ja4x", t->ja4x);
        put_s(j, "fingerprint_sha256", ev, t->fingerprint_sha256);
    }
    json_obj_close(j);
}

/* Suricata's names for option 55 codes (rust/src/dhcp/logger.rs); it
 * leaves the other codes out */
static const char *dhcp_param_name(unsigned code)
{
    switch (code) {
    case 1: return "subnet_mask";
    case 3: return "router";
    case 6: return "dns_server";
    case 15: return "domain";
    case 35: return "arp_timeout";
    case 42: return "ntp_server";
    case 66: return "tftp_server_name";
    case 150: return "tftp_server_ip";
    default: return NULL;
    }
}

/* option 55 (an ev_str "1,3,6,...") as Suricata's "params" names, and with
 * extended every code as "param_codes" */
static void dhcp_params(struct json *j, const struct sh_event *ev, struct ev_str s,
                        int extended)
{
    const char *p = ev_s(ev, s), *end = p + s.len;
    int named = 0;

    if (!s.len)
        return;
    for (const char *q = p; q < end;) {
        char *e;
        unsigned long c = strtoul(q, &e, 10);
        if (e == q)
            break;
        if (dhcp_param_name((unsigned)c)) {
            if (!named++)
                json_arr_open(j, "params");
            json_cstr(j, NULL, dhcp_param_name((unsigned)c));
        }
        q = e < end && *e == ',' ? e + 1 : end;
    }
    if (named)
        json_arr_close(j);
    if (!extended)
        return;
    json_arr_open(j, "param_codes");
    for (const char *q = p; q < end;) {
        char *e;
        unsigned long c = strtoul(q, &e, 10);
        if (e == q)
            break;
        json_u64(j, NULL, c);
        q = e < end && *e == ',' ? e + 1 : end;
    }
    json_arr_close(j);
}

static void dhcp_obj(struct json *j, const struct sh_event *ev, int extended)
{
    const struct ev_dhcp *d = &ev->u.dhcp;
    char b[64];

    json_obj_open(j, "dhcp");
    json_cstr(j, "type", d->op == 2 ? "reply" : "request");
    json_u64(j, "id", d->xid);
    mac_format(d->client_mac, b, sizeof(b));
    json_cstr(j, "client_mac", b);
    if (d->assigned_ip.family) {
        addr_format(&d->assigned_ip, b, sizeof(b));
        json_cstr(j, "assigned_ip", b);
    }
    if (d->client_ip.family) {
        addr_format(&d->client_ip, b, sizeof(b));
        json_cstr(j, "client_ip", b);
    }
    const char *tn = dhcp_type_name(d->msg_type);
    if (tn)
        json_cstr(j, "dhcp_type", tn);
    put_s(j, "hostname", ev, d->hostname);
    put_s(j, "vendor_class_identifier", ev, d->vendor_class);
    put_s(j, "client_id", ev, d->client_id);
    if (d->lease_time)
        json_u64(j, "lease_time", d->lease_time);
    if (d->router.family) {
        json_arr_open(j, "routers");
        addr_format(&d->router, b, sizeof(b));
        json_cstr(j, NULL, b);
        json_arr_close(j);
    }
    if (d->dns_server.family) {
        json_arr_open(j, "dns_servers");
        addr_format(&d->dns_server, b, sizeof(b));
        json_cstr(j, NULL, b);
        json_arr_close(j);
    }
    dhcp_params(j, ev, d->params, extended);
    if (extended && d->server_id.family) {
        addr_format(&d->server_id, b, sizeof(b));
        json_cstr(j, "server_id", b);
    }
    json_obj_close(j);
}

static void arp_obj(struct json *j, const struct sh_event *ev)
{
    const struct ev_arp *a = &ev->u.arp;
    char b[64];
    json_obj_open(j, "spanhound_binding");
    json_cstr(j, "source", a->ndp ? "ndp" : "arp");
    if (a->ndp)
        json_cstr(j, "opcode", a->op == 135 ? "neighbor_solicitation" :
                               a->op == 136 ? "neighbor_advertisement" : "other");
    else
        json_cstr(j, "opcode", a->op == 1 ? "request" : a->op == 2 ? "reply" : "other");
    addr_format(&a->ip, b, sizeof(b));
    json_cstr(j, "ip", b);
    mac_format(a->mac, b, sizeof(b));
    json_cstr(j, "mac", b);
    json_bool(j, "changed", a->changed);
    if (a->changed) {
        mac_format(a->old_mac, b, sizeof(b));
        json_cstr(j, "previous_mac", b);
    }
    if (ev->flags & EVF_TRUNCATED)
        json_bool(j, "truncated", 1);
    json_obj_close(j);
}

/* "2001:db8:1::/64" */
static void prefix_str(const struct sh_addr *a, uint8_t len, char *buf, size_t n)
{
    struct cidr c;

    c.family = a->family;
    c.bits = len;
    memcpy(c.a, a->a, 16);
    cidr_format(&c, buf, n);
}

static void addr_list(struct json *j, const char *key,
                      const struct sh_addr *a, int n)
{
    char b[64];

    if (n <= 0)
        return;
    json_arr_open(j, key);
    for (int i = 0; i < n; i++) {
        addr_format(&a[i], b, sizeof(b));
        json_cstr(j, NULL, b);
    }
    json_arr_close(j);
}

/* "prefixes": [{"prefix", ("on_link", "autonomous", "flags"),
 * "valid_lifetime", "preferred_lifetime"}, ...] (RA flags only with_flags) */
static void prefix_list(struct json *j, const struct ev_prefix *pr, int n, int with_flags)
{
    char b[64];
    if (!n)
        return;
    json_arr_open(j, "prefixes");
    for (int i = 0; i < n && i < EV_PREFIX_MAX; i++) {
        const struct ev_prefix *p = &pr[i];
        json_obj_open(j, NULL);
        prefix_str(&p->prefix, p->len, b, sizeof(b));
        json_cstr(j, "prefix", b);
        if (with_flags) {
            json_bool(j, "on_link", (p->flags & EVP_ONLINK) != 0);
            json_bool(j, "autonomous", (p->flags & EVP_AUTONOMOUS) != 0);
            snprintf(b, sizeof(b), "%02x", p->flags);
            json_cstr(j, "flags", b);
        }
        json_u64(j, "valid_lifetime", p->valid_s);
        json_u64(j, "preferred_lifetime", p->preferred_s);
        json_obj_close(j);
    }
    json_arr_close(j);
}

static void ra_obj(struct json *j, const struct sh_event *ev)
{
    const struct ev_ra *r = &ev->u.ra;
    char b[64];

    json_obj_open(j, "spanhound_ra");
    json_u64(j, "cur_hop_limit", r->cur_hop_limit);
    snprintf(b, sizeof(b), "%02x", r->flags);
    json_cstr(j, "flags", b);
    json_bool(j, "managed", (r->flags & 0x80) != 0);
    json_bool(j, "other", (r->flags & 0x40) != 0);
    json_u64(j, "router_lifetime", r->router_lifetime_s);
    if (r->has_router_mac) {
        mac_format(r->router_mac, b, sizeof(b));
        json_cstr(j, "router_mac", b);
    }
    if (r->mtu)
        json_u64(j, "mtu", r->mtu);
    prefix_list(j, r->prefix, r->nprefix, 1);
    addr_list(j, "dns_servers", r->rdnss, r->nrdnss < 2 ? r->nrdnss : 2);
    if (ev->flags & EVF_MALFORMED)
        json_bool(j, "malformed", 1);
    if (ev->flags & EVF_TRUNCATED)
        json_bool(j, "truncated", 1);
    json_obj_close(j);
}

static void dhcp6_obj(struct json *j, const struct sh_event *ev)
{
    const struct ev_dhcp6 *d = &ev->u.dhcp6;
    const char *tn = dhcp6_type_name(d->msg_type);
    char b[64];

    json_obj_open(j, "spanhound_dhcpv6");
    json_u64(j, "msg_type", d->msg_type);
    if (tn)
        json_cstr(j, "type", tn);
    json_u64(j, "id", d->xid);
    put_s(j, "client_duid", ev, d->client_duid);
    put_s(j, "server_duid", ev, d->server_duid);
    if (d->has_client_mac) {
        mac_format(d->client_mac, b, sizeof(b));
        json_cstr(j, "client_mac", b);
    }
    if (d->naddr) {
        json_arr_open(j, "addresses");
        for (int i = 0; i < d->naddr && i < EV_PREFIX_MAX; i++) {
            json_obj_open(j, NULL);
            addr_format(&d->addr[i], b, sizeof(b));
            json_cstr(j, "ip", b);
            json_u64(j, "valid_lifetime", d->addr_valid_s[i]);
            json_obj_close(j);
        }
        json_arr_close(j);
    }
    prefix_list(j, d->prefix, d->nprefix, 0);
    addr_list(j, "dns_servers", d->dns, d->ndns < 2 ? d->ndns : 2);
    put_s(j, "fqdn", ev, d->fqdn);
    if (ev->flags & EVF_MALFORMED)
        json_bool(j, "malformed", 1);
    if (ev->flags & EVF_TRUNCATED)
        json_bool(j, "truncated", 1);
    json_obj_close(j);
}

static void flags_hex(struct json *j, const char *key, uint8_t f)
{
    char b[8];
    snprintf(b, sizeof(b), "%02x", f);
    json_cstr(j, key, b);
}

static const char *app_proto_short(const struct sh_event *ev)
{
    /* Suricata-style app_proto from nDPI's master protocol name */
    const struct ev_flow *f = &ev->u.flow;
    const char *n = ev_s(ev, f->app_name);
    if (!f->app_name.len)
        return NULL;
    if (strncmp(n, "TLS", 3) == 0) return "tls";
    if (strncmp(n, "HTTP", 4) == 0) return "http";
    if (strncmp(n, "DNS", 3) == 0) return "dns";
    if (strncmp(n, "QUIC", 4) == 0) return "quic";
    if (strncmp(n, "DHCP", 4) == 0) return "dhcp";
    if (strncmp(n, "SMTP", 4) == 0) return "smtp";
    if (strncmp(n, "SSH", 3) == 0) return "ssh";
    return NULL;
}

static void flow_obj(struct json *j, const struct sh_event *ev, int extended)
{
    const struct ev_flow *f = &ev->u.flow;
    /* Suricata's flow.reason: a closed flow leaves on its (closed-state)
     * timeout; an eviction from a full table is "forced" */
    static const char *const reasons[] = { "timeout", "timeout", "forced", "shutdown" };
    static const char *const reasons_x[] = { "timeout", "closed", "evicted", "shutdown" };
    /* Suricata's tcp.state names (StreamTcpStateAsString): a reset or
     * rejected connection is closed, one picked up midstream established */
    static const char *const tstates[] = {
        "none", "syn_sent", "syn_recv", "established", "closing", "closed",
        "closed", "closed", "established",
    };
    static const char *const tstates_x[] = {
        "none", "syn_sent", "syn_recv", "established", "closing", "closed",
        "reset", "rejected", "midstream",
    };
    char b[64];

    const char *ap = app_proto_short(ev);
    if (ap)
        json_cstr(j, "app_proto", ap);
    json_obj_open(j, "flow");
    json_u64(j, "pkts_toserver", f->pkts_toserver);
    json_u64(j, "pkts_toclient", f->pkts_toclient);
    json_u64(j, "bytes_toserver", f->bytes_toserver);
    json_u64(j, "bytes_toclient", f->bytes_toclient);
    eve_format_time(f->start_us, b, sizeof(b));
    json_cstr(j, "start", b);
    eve_format_time(f->end_us, b, sizeof(b));
    json_cstr(j, "end", b);
    json_u64(j, "age", (f->end_us - f->start_us) / 1000000);
    const char *st;
    if (f->tcp_state == TCPS_CLOSED || f->tcp_state == TCPS_RESET ||
        f->tcp_state == TCPS_REJECTED)
        st = "closed";
    else if (f->pkts_toclient == 0 || f->pkts_toserver == 0)
        st = "new";
    else
        st = "established";
    json_cstr(j, "state", st);
    json_cstr(j, "reason", f->reason < 4 ? reasons[f->reason] : "unknown");
    json_bool(j, "alerted", 0);
    if (extended) {
        json_u64(j, "payload_toserver", f->payload_toserver);
        json_u64(j, "payload_toclient", f->payload_toclient);
        json_cstr(j, "end_reason", f->reason < 4 ? reasons_x[f->reason] : "unknown");
    }
    json_obj_close(j);

    if (ev->proto == 6) {
        json_obj_open(j, "tcp");
        flags_hex(j, "tcp_flags", (uint8_t)(f->tcp_flags_ts | f->tcp_flags_tc));
        flags_hex(j, "tcp_flags_ts", f->tcp_flags_ts);
        flags_hex(j, "tcp_flags_tc", f->tcp_flags_tc);
        uint8_t all = (uint8_t)(f->tcp_flags_ts | f->tcp_flags_tc);
        if (all & 0x02) json_bool(j, "syn", 1);
        if (all & 0x01) json_bool(j, "fin", 1);
        if (all & 0x04) json_bool(j, "rst", 1);
        if (all & 0x08) json_bool(j, "psh", 1);
        if (all & 0x10) json_bool(j, "ack", 1);
        if (all & 0x20) json_bool(j, "urg", 1);
        if (all & 0x40) json_bool(j, "ecn", 1);
        if (all & 0x80) json_bool(j, "cwr", 1);
        json_cstr(j, "state", f->tcp_state < 9 ? tstates[f->tcp_state] : "none");
        if (extended)
            json_cstr(j, "spanhound_state", f->tcp_state < 9 ? tstates_x[f->tcp_state] : "none");
        json_obj_close(j);
    } else if (ev->proto == 1 || ev->proto == 58) {
        json_u64(j, "icmp_type", f->icmp_type);
        json_u64(j, "icmp_code", f->icmp_code);
    }
    if (f->dpi_done) {
        /* "ndpi" is in Suricata's schema: an open object (its nDPI plugin) */
        json_obj_open(j, "ndpi");
        put_s(j, "protocol", ev, f->app_name);
        put_s(j, "category", ev, f->category);
        if (f->dpi_guessed)
            json_bool(j, "guessed", 1);
        list_field(j, "risks", ev, f->risks);
        json_obj_close(j);
    }
}

int eve_write_event(struct eve *e, const struct sh_event *ev)
{
    struct json j;
    const char *type;
    unsigned opts = HDR_PKT | HDR_CID;

    switch (ev->type) {
    case EV_DNS:
        type = ev->u.dns.unanswered ? "spanhound_dns_unanswered" : "dns";
        break;
    case EV_HTTP: type = "http"; break;
    case EV_TLS: type = ev->u.tls.quic ? "quic" : "tls"; break;
    case EV_DHCP: type = "dhcp"; break;
    case EV_ARP:
        if (!e->arp)
            return 0;
        type = "spanhound_binding";
        opts = HDR_PKT;
        break;
    case EV_FLOW:
        /* Suricata logs a flow once, when it ends; updates of live flows
         * are for detection only */
        if (!e->flow || ev->u.flow.update)
            return 0;
        type = "flow";
        opts = HDR_CID;               /* Suricata: no pkt_src on flow records */
        break;
    case EV_RA: type = "spanhound_ra"; break;
    case EV_DHCP6: type = "spanhound_dhcpv6"; break;
    default:
        return 0;
    }
    header(&j, e->buf, sizeof(e->buf), type, ev, opts);
    switch (ev->type) {
    case EV_DNS:
        if (ev->u.dns.unanswered)
            dns_unanswered_obj(&j, ev);
        else
            dns_obj(&j, ev, e->extended);
        break;
    case EV_HTTP: http_obj(&j, ev, e->extended); break;
    case EV_TLS: tls_obj(&j, ev, e->extended); break;
    case EV_DHCP: dhcp_obj(&j, ev, e->extended); break;
    case EV_ARP: arp_obj(&j, ev); break;
    case EV_FLOW: flow_obj(&j, ev, e->extended); break;
    case EV_RA: ra_obj(&j, ev); break;
    case EV_DHCP6: dhcp6_obj(&j, ev); break;
    }
    /* Suricata's top level is closed: "truncated" only with eve.extended
     * (the project-only objects carry it inside) */
    if (e->extended && (ev->flags & EVF_TRUNCATED) && strncmp(type, "spanhound_", 10) != 0)
        json_bool(&j, "truncated", 1);
    return eve_end_record(e, &j);
}

/* ---- host verdicts ------------------------------------------------------ */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const change_names[VERDICT_CHANGE_MAX] = {
    "infected", "updated", "cleared", "expired", "released", "current"
};
static const char *const mac_sources[] = { "none", "dhcp_hint", "ethernet", "arp", "ndp", "dhcp" };
static const char *const mac_statuses[] = { "unknown", "trusted", "routed", "conflict" };

const char *eve_change_name(int change)
{
    return change >= 0 && change < VERDICT_CHANGE_MAX ? change_names[change] : "current";
}

const char *eve_mac_source_name(int source)
{
    return source >= 0 && (size_t)source < NELEM(mac_sources) ? mac_sources[source] : "none";
}

const char *eve_mac_status_name(int status)
{
    return status >= 0 && (size_t)status < NELEM(mac_statuses) ? mac_statuses[status] : "unknown";
}

/* with eve.extended, a shared_c2 evidence also names its first host */
static void evidence_array(struct json *j, const char *key, const struct verdict *v,
                           int extended)
{
    char b[64];
    json_arr_open(j, key);
    for (int i = 0; i < v->nev; i++) {
        const struct evidence *x = &v->ev[i];
        json_obj_open(j, NULL);
        json_cstr(j, "kind", evidence_kind_name(x->kind));
        json_cstr(j, "source", evidence_source_name(evidence_kind_source(x->kind)));
        json_dbl(j, "confidence", x->confidence, 3);
        json_dbl(j, "weight", evidence_weight(x), 3);
        json_dbl(j, "score", v->ev_value[i], 3);
        json_cstr(j, "explanation", x->explanation);
        if (x->indicator[0])
            json_cstr(j, "indicator", x->indicator);
        if (x->ioc_type != IOC_NONE && x->ioc[0]) {
            json_cstr(j, "ioc_type", ioc_type_name(x->ioc_type));
            json_cstr(j, "ioc", x->ioc);
        }
        /* GeoIP/ASN context of an address (docs/geoip.md) */
        if (x->geo_cc[0])
            json_cstr(j, "country", x->geo_cc);
        if (x->geo_asn) {
            json_u64(j, "asn", x->geo_asn);
            if (x->geo_org[0])
                json_cstr(j, "as_org", x->geo_org);
        }
        if (x->geo_factor > 0 && x->geo_factor != 1)
            json_dbl(j, "geo_weight_factor", x->geo_factor, 3);
        if (extended && (x->peer.family == 4 || x->peer.family == 6)) {
            addr_format(&x->peer, b, sizeof(b));
            json_cstr(j, "first_host", b);
        }
        eve_format_time(x->first_us, b, sizeof(b));
        json_cstr(j, "first_seen", b);
        eve_format_time(x->last_us, b, sizeof(b));
        json_cstr(j, "last_seen", b);
        json_obj_close(j);
    }
    json_arr_close(j);
}

void eve_json_evidence(struct json *j, const char *key, const struct verdict *v)
{
    evidence_array(j, key, v, 0);
}

void eve_verdict_mac(const struct verdict *v, char *buf, size_t buflen)
{
    if (v->mac_status != MACST_TRUSTED) {
        if (buflen)
            buf[0] = '\0';
        return;
    }
    mac_format(v->mac, buf, buflen);
}

int eve_write_verdict(struct eve *e, const struct verdict *v)
{
    struct json j;
    struct sh_event hdr;
    char b[64];

    memset(&hdr, 0, offsetof(struct sh_event, arena));
    hdr.ts_us = v->ts_us;
    hdr.src = v->ip;
    eve_begin_record(&j, e->buf, sizeof(e->buf), "spanhound_verdict", &hdr);
    json_obj_open(&j, "spanhound_verdict");
    addr_format(&v->ip, b, sizeof(b));
    json_cstr(&j, "ip", b);
    eve_verdict_mac(v, b, sizeof(b));
    if (b[0])
        json_cstr(&j, "mac", b);
    else
        json_raw(&j, "mac", "null");
    json_cstr(&j, "mac_source", eve_mac_source_name(v->mac_source));
    json_cstr(&j, "mac_status", eve_mac_status_name(v->mac_status));
    if (v->mac_status == MACST_CONFLICT) {
        /* two MACs claim the IP: a NAC must act on the IP, or ask */
        json_obj_open(&j, "mac_conflict");
        json_arr_open(&j, "macs");
        mac_format(v->mac, b, sizeof(b));
        json_cstr(&j, NULL, b);
        mac_format(v->mac_other, b, sizeof(b));
        json_cstr(&j, NULL, b);
        json_arr_close(&j);
        eve_format_time(v->mac_since_us, b, sizeof(b));
        json_cstr(&j, "since", b);
        json_obj_close(&j);
    } else if (v->mac_status == MACST_ROUTED) {
        /* a router's MAC: act on the IP, never on this MAC */
        mac_format(v->mac, b, sizeof(b));
        json_cstr(&j, "router_mac", b);
    }
    if (v->hostname[0])
        json_cstr(&j, "hostname", v->hostname);
    else
        json_raw(&j, "hostname", "null");
    json_cstr(&j, "verdict", v->flagged ? "infected" : "clean");
    json_cstr(&j, "change", eve_change_name(v->change));
    if (v->change == VERDICT_RELEASED)
        json_cstr(&j, "released_by", v->by);
    json_dbl(&j, "score", v->score, 3);
    if (v->first_flagged_us) {
        eve_format_time(v->first_flagged_us, b, sizeof(b));
        json_cstr(&j, "flagged_since", b);
    }
    evidence_array(&j, "evidence", v, e->extended);
    json_obj_close(&j);
    return eve_end_record(e, &j);
}

/* ---- notices: resolvers relaying for unseen clients, sensor health,
 * learned prefixes (project-only event types) ----------------------------- */

/* The evidence a notice carries instead of a verdict. */
static void notice_evidence(struct json *j, const struct detect_notice *n)
{
    json_cstr(j, "kind", evidence_kind_name(n->evidence_kind));
    json_dbl(j, "confidence", n->confidence, 3);
    json_cstr(j, "explanation", n->explanation);
    if (n->indicator[0])
        json_cstr(j, "indicator", n->indicator);
}

int eve_write_notice(struct eve *e, const struct detect_notice *n)
{
    struct json j;
    struct sh_event hdr;
    char b[96];

    memset(&hdr, 0, offsetof(struct sh_event, arena));
    hdr.ts_us = n->ts_us;
    switch (n->kind) {
    case NOTICE_SPOOFED_SOURCE:
        hdr.src = n->ip;
        eve_begin_record(&j, e->buf, sizeof(e->buf), "spanhound_spoofed_source", &hdr);
        json_obj_open(&j, "spanhound_spoofed_source");
        addr_format(&n->ip, b, sizeof(b));
        json_cstr(&j, "ip", b);
        notice_evidence(&j, n);
        json_obj_close(&j);
        break;
    case NOTICE_RESOLVER_BLIND:
        hdr.src = n->ip;
        eve_begin_record(&j, e->buf, sizeof(e->buf), "spanhound_resolver", &hdr);
        json_obj_open(&j, "spanhound_resolver");
        addr_format(&n->ip, b, sizeof(b));
        json_cstr(&j, "ip", b);
        json_cstr(&j, "status", "relaying_for_unseen_clients");
        notice_evidence(&j, n);
        json_obj_close(&j);
        break;
    case NOTICE_HEALTH:
        eve_begin_record(&j, e->buf, sizeof(e->buf), "spanhound_health", &hdr);
        json_obj_open(&j, "spanhound_health");
        json_cstr(&j, "status", n->degraded ? "degraded" : "ok");
        json_arr_open(&j, "reasons");
        for (int i = 0; i < n->nreasons; i++) {
            json_obj_open(&j, NULL);
            json_cstr(&j, "check", n->reasons[i].check);
            json_cstr(&j, "detail", n->reasons[i].detail);
            json_obj_close(&j);
        }
        json_arr_close(&j);
        json_obj_close(&j);
        break;
    case NOTICE_PREFIX:
        hdr.src = n->ip;
        eve_begin_record(&j, e->buf, sizeof(e->buf), "spanhound_learned_prefix", &hdr);
        json_obj_open(&j, "spanhound_learned_prefix");
        prefix_str(&n->prefix, n->prefix_len, b, sizeof(b));
        json_cstr(&j, "prefix", b);
        json_cstr(&j, "source", n->source);
        json_u64(&j, "valid_s", n->valid_s);
        json_obj_close(&j);
        break;
    default:
        return -1;
    }
    return eve_end_record(e, &j);
}

/*
 * fuzz_pcap.c -- whole capture files through the whole pipeline: the input
 * is opened as a pcap/pcapng file from memory (fmemopen +
 * pcap_fopen_offline), every packet goes through decode, flows, nDPI and
 * every parser; every event is checked (strings inside the arena,
 * NUL-terminated, counts within bounds), written as EVE (Suricata's shape
 * and, every other input, eve.extended) and handed to the detection
 * engine, whose verdicts and notices are written as EVE too: hostile
 * names reach the DGA scorer, the tunnel detector, the host table and
 * every EVE writer (JSON escaping, Community ID, JA4, SOA).
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../capture/pipeline.h"
#include "../../config/config.h"
#include "../../detect/detect.h"
#include "../../feeds/eve.h"

static struct detect *det;
static struct eve *eve;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if ((size_t)s.off + s.len >= EV_ARENA_SIZE || s.off + s.len + 1u > ev->arena_len)
        __builtin_trap();
    if (ev->arena[s.off + s.len] != '\0')
        __builtin_trap();
}

static void check(void *ctx, const struct sh_event *ev)
{
    (void)ctx;
    if (ev->type <= EV_NONE || ev->type >= EV_TYPE_MAX || ev->arena_len > EV_ARENA_SIZE)
        __builtin_trap();
    switch (ev->type) {
    case EV_DNS:
        if (ev->u.dns.nq > EV_DNS_MAX_Q || ev->u.dns.nan > EV_DNS_MAX_AN)
            __builtin_trap();
        for (int i = 0; i < ev->u.dns.nq; i++)
            check_str(ev, ev->u.dns.q[i].name);
        for (int i = 0; i < ev->u.dns.nan; i++) {
            check_str(ev, ev->u.dns.an[i].name);
            check_str(ev, ev->u.dns.an[i].data);
        }
        if (ev->u.dns.soa.present) {
            check_str(ev, ev->u.dns.soa.name);
            check_str(ev, ev->u.dns.soa.mname);
            check_str(ev, ev->u.dns.soa.rname);
        }
        break;
    case EV_HTTP:
        check_str(ev, ev->u.http.uri);
        check_str(ev, ev->u.http.host);
        check_str(ev, ev->u.http.user_agent);
        break;
    case EV_TLS:
        check_str(ev, ev->u.tls.sni);
        check_str(ev, ev->u.tls.subject);
        check_str(ev, ev->u.tls.ja3);
        if (memchr(ev->u.tls.ja4, 0, sizeof(ev->u.tls.ja4)) == NULL)
            __builtin_trap();
        break;
    case EV_DHCP:
        check_str(ev, ev->u.dhcp.hostname);
        break;
    case EV_FLOW:
        check_str(ev, ev->u.flow.app_name);
        check_str(ev, ev->u.flow.risks);
        break;
    }
    eve_write_event(eve, ev);
    if (det)
        detect_event(det, ev);
}

static void on_verdict(void *ctx, const struct verdict *v)
{
    (void)ctx;
    eve_write_verdict(eve, v);
}

static void on_notice(void *ctx, const struct detect_notice *n)
{
    (void)ctx;
    eve_write_notice(eve, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pipeline *pl;
    char err[256], eb[PCAP_ERRBUF_SIZE];
    if (!pl) {
        static struct sh_config base;
        config_defaults(&base);
        struct pipeline_cfg c = base.pipe;
        c.flow_capacity = 64;
        c.dpi_pool = 16;
        c.http_states = c.tls_states = c.dns_tcp_states = 8;
        c.dns_pending = 16;
        c.arp_capacity = 16;
        pl = pipeline_create(&c, check, NULL, err, sizeof(err));
        eve = eve_open("/dev/null", 1, 1, err, sizeof(err));
        if (!pl || !eve)
            __builtin_trap();
        static struct sh_config cfg;
        config_defaults(&cfg);
        const char *dd = getenv("SH_DATADIR");
        if (dd)
            snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", dd);
        cfg.host_capacity = 64;
        det = detect_create(&cfg, on_verdict, NULL, err, sizeof(err));
        if (!det)
            __builtin_trap();
        detect_on_notice(det, on_notice, NULL);
    }
    eve_set_extended(eve, (int)(size & 1));
    if (size == 0)
        return 0;
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return 0;
    pcap_t *p = pcap_fopen_offline(fp, eb);   /* takes ownership of fp */
    if (!p) {
        fclose(fp);
        return 0;
    }
    int dlt = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *pkt;
    int n = 0;
    while (pcap_next_ex(p, &h, &pkt) == 1 && n++ < 10000) {
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        pipeline_packet(pl, dlt, ts, pkt, h->caplen, h->len);
    }
    pcap_close(p);
    pipeline_finish(pl);
    return 0;
}

/*
 * evidence.c -- evidence names and the score arithmetic.  See evidence.h.
 */
#include "evidence.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *evidence_kind_name(int kind)
{
    switch (kind) {
    case EVK_DGA_NXDOMAIN: return "dga_nxdomain";
    case EVK_DGA_RESOLVED: return "dga_resolved";
    case EVK_DGA_SHARED: return "dga_shared_names";
    case EVK_DNS_TUNNEL: return "dns_tunnel";
    case EVK_BEACON: return "beacon";
    case EVK_LONG_SESSION: return "long_session";
    case EVK_UNUSUAL_PORT: return "unusual_port";
    case EVK_FANOUT_EXTERNAL: return "fanout_external";
    case EVK_FANOUT_INTERNAL: return "fanout_internal";
    case EVK_IOC_MATCH: return "ioc_match";
    case EVK_IOC_FINGERPRINT: return "ioc_fingerprint";
    case EVK_TLS_TELL: return "tls_tell";
    case EVK_HTTP_TELL: return "http_tell";
    case EVK_NAME_TELL: return "name_tell";
    case EVK_EXFIL: return "exfil";
    case EVK_SHARED_C2: return "shared_c2";
    default: return "unknown";
    }
}

int evidence_kind_source(int kind)
{
    switch (kind) {
    case EVK_DGA_NXDOMAIN:
    case EVK_DGA_RESOLVED: return SRC_DNS_FAILURES;
    case EVK_DGA_SHARED: return SRC_PEER_HOSTS;
    case EVK_DNS_TUNNEL: return SRC_DNS_QUERIES;
    case EVK_BEACON:
    case EVK_LONG_SESSION: return SRC_FLOW_TIMING;
    case EVK_UNUSUAL_PORT: return SRC_DESTINATION;
    case EVK_FANOUT_EXTERNAL:
    case EVK_FANOUT_INTERNAL: return SRC_CONTACTS;
    case EVK_IOC_MATCH: return SRC_REPUTATION;
    case EVK_IOC_FINGERPRINT: return SRC_FINGERPRINT;
    case EVK_TLS_TELL: return SRC_TLS;
    case EVK_HTTP_TELL: return SRC_HTTP;
    case EVK_NAME_TELL: return SRC_NAMES;
    case EVK_EXFIL: return SRC_EXFIL;
    case EVK_SHARED_C2: return SRC_SPREAD;
    default: return SRC_MAX;
    }
}

const char *evidence_source_name(int source)
{
    switch (source) {
    case SRC_DNS_FAILURES: return "dns_failures";
    case SRC_DNS_QUERIES: return "dns_queries";
    case SRC_PEER_HOSTS: return "peer_hosts";
    case SRC_FLOW_TIMING: return "flow_timing";
    case SRC_DESTINATION: return "destination";
    case SRC_CONTACTS: return "contacts";
    case SRC_REPUTATION: return "reputation";
    case SRC_FINGERPRINT: return "fingerprint";
    case SRC_TLS: return "tls";
    case SRC_HTTP: return "http";
    case SRC_NAMES: return "names";
    case SRC_EXFIL: return "exfil";
    case SRC_SPREAD: return "spread";
    default: return "unknown";
    }
}

static const char *const ioc_names[IOC_TYPE_MAX] = {
    [IOC_NONE] = "", [IOC_IP] = "ip", [IOC_DOMAIN] = "domain", [IOC_URL] = "url",
    [IOC_JA3] = "ja3", [IOC_JA4] = "ja4", [IOC_JA3S] = "ja3s", [IOC_JA4S] = "ja4s",
    [IOC_CERT_SHA1] = "cert_sha1", [IOC_CERT_SHA256] = "cert_sha256",
};

const char *ioc_type_name(int type)
{
    return type > 0 && type < IOC_TYPE_MAX ? ioc_names[type] : "";
}

int ioc_type_from_name(const char *name)
{
    for (int i = 1; i < IOC_TYPE_MAX; i++)
        if (strcmp(name, ioc_names[i]) == 0)
            return i;
    return -1;
}

const char *evidence_duration_text(double s, char *buf, size_t len)
{
    if (s < 120)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
    return buf;
}

double evidence_decay(uint64_t now_us, uint64_t then_us, double half_life_s)
{
    if (now_us <= then_us || half_life_s <= 0)
        return 1.0;
    double dt = (double)(now_us - then_us) / 1e6;
    return exp2(-dt / half_life_s);
}

double evidence_value(const struct evidence *e, uint64_t now_us, double half_life_s)
{
    if (!e->active)
        return 0;
    return evidence_weight(e) * e->confidence * evidence_decay(now_us, e->last_us, half_life_s);
}

int evidence_verdict(int flagged, double score, double max_confidence, int sources,
                     double threshold, double clear, double standalone)
{
    if (flagged)
        return score >= clear;   /* hysteresis: stay until well below */
    if (score < threshold)
        return 0;
    return max_confidence >= standalone || sources >= 2;
}

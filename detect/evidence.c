/*
 * evidence.c -- evidence names and the score arithmetic.  See evidence.h.
 */
#include "evidence.h"

#include <math.h>

const char *evidence_kind_name(int kind)
{
    switch (kind) {
    case EVK_DGA_NXDOMAIN: return "dga_nxdomain";
    case EVK_DGA_RESOLVED: return "dga_resolved";
    case EVK_DGA_SHARED: return "dga_shared_names";
    case EVK_DNS_TUNNEL: return "dns_tunnel";
    default: return "unknown";
    }
}

int evidence_kind_dns(int kind)
{
    return kind == EVK_DGA_NXDOMAIN || kind == EVK_DGA_RESOLVED ||
           kind == EVK_DGA_SHARED || kind == EVK_DNS_TUNNEL;
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
    return e->weight * e->confidence * evidence_decay(now_us, e->last_us, half_life_s);
}

int evidence_verdict(int flagged, double score, double max_confidence, int kinds,
                     double threshold, double clear, double standalone)
{
    if (flagged)
        return score >= clear;   /* hysteresis: stay until well below */
    if (score < threshold)
        return 0;
    return max_confidence >= standalone || kinds >= 2;
}

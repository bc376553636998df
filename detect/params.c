/*
 * params.c -- the detection parameter table.  See params.h.
 *
 * Units: seconds for windows and the half-life, score units for
 * thresholds and weights (an evidence contributes weight x confidence,
 * decayed), counts for names and queries, bits per character for entropy.
 */
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct param_row {
    const char *name;
    double def, min, max;
    const char *help;
};

static const struct param_row rows[P_MAX] = {
    [P_SCORE_THRESHOLD] = { "score_threshold", 1.0, 0.05, 100,
        "a host is flagged infected when its decayed score reaches this" },
    [P_SCORE_CLEAR] = { "score_clear", 0.4, 0, 100,
        "a flagged host is cleared when its score falls below this (hysteresis)" },
    [P_HALF_LIFE] = { "half_life", 3600, 60, 31536000,
        "seconds for an evidence's weight to halve" },
    [P_STANDALONE_CONFIDENCE] = { "standalone_confidence", 0.8, 0, 1,
        "one evidence this confident may flag a host alone; below, two kinds are needed" },
    [P_MAC_ROUTER_IPS] = { "mac_router_ips", 4, 2, 1000000,
        "a MAC seen with more internal IPs than this is a router's: hosts behind it are reported by IP" },
    [P_RESOLVER_MIN_CLIENTS] = { "resolver_min_clients", 2, 1, 8,
        "an internal host answering DNS for this many internal clients is a resolver (not a DNS suspect)" },
    [P_DGA_NAME_THRESHOLD] = { "dga_name_threshold", 0, 0, 1,
        "per-name DGA verdict threshold for --score-names (0 = the model's own)" },
    [P_DGA_CONTEXT_SCORE] = { "dga_context_score", 0.1, 0, 1,
        "a failed lookup counts as algorithmic-looking in a burst when its name scores this" },
    [P_NX_WINDOW] = { "nx_window", 600, 10, 86400,
        "seconds over which a host's failed lookups are counted" },
    [P_NX_MIN_NAMES] = { "nx_min_names", 6, 2, 100000,
        "distinct algorithmic-looking registrable domains failing in the window to raise evidence" },
    [P_NX_FULL_NAMES] = { "nx_full_names", 12, 2, 100000,
        "distinct failing names at which the NXDOMAIN evidence reaches full confidence" },
    [P_NX_MIN_MEAN_SCORE] = { "nx_min_mean_score", 0.3, 0, 1,
        "mean DGA score the failing names must reach together" },
    [P_NX_VOLUME_NAMES] = { "nx_volume_names", 15, 2, 100000,
        "distinct unpopular failing domains that raise weaker evidence even when the names look like words" },
    [P_NX_WEIGHT] = { "nx_weight", 1.3, 0, 100,
        "weight of an NXDOMAIN-burst evidence" },
    [P_RESOLVED_MIN_FAILURES] = { "resolved_min_failures", 4, 1, 100000,
        "failed algorithmic lookups before a resolving algorithmic name is reported as the likely C2" },
    [P_RESOLVED_WEIGHT] = { "resolved_weight", 0.8, 0, 100,
        "weight of the 'resolved after failures' evidence" },
    [P_SHARED_WINDOW] = { "shared_window", 86400, 60, 31536000,
        "seconds during which hosts failing on the same names are related" },
    [P_SHARED_MIN_NAMES] = { "shared_min_names", 3, 1, 100000,
        "failing names shared with another host that mark the same DGA family" },
    [P_SHARED_WEIGHT] = { "shared_weight", 0.5, 0, 100,
        "weight of the 'same failing names as other hosts' evidence" },
    [P_TUNNEL_WINDOW] = { "tunnel_window", 900, 10, 86400,
        "seconds over which DNS volume to one zone is measured" },
    [P_TUNNEL_MIN_UNIQUE] = { "tunnel_min_unique", 40, 2, 10000000,
        "distinct subdomains of one zone from one host to raise tunnel evidence" },
    [P_TUNNEL_FULL_UNIQUE] = { "tunnel_full_unique", 200, 2, 10000000,
        "distinct subdomains at which tunnel evidence reaches full confidence" },
    [P_TUNNEL_MIN_LABEL_LEN] = { "tunnel_min_label_len", 18, 1, 255,
        "mean length of the encoded part (left of the zone) for a tunnel" },
    [P_TUNNEL_MIN_ENTROPY] = { "tunnel_min_entropy", 2.5, 0, 8,
        "mean Shannon entropy of the encoded part, bits per character" },
    [P_TUNNEL_MIN_BYTES] = { "tunnel_min_bytes", 1500, 0, 1e12,
        "bytes of query names carried to the zone before it can be a tunnel" },
    [P_TUNNEL_POPULAR_FACTOR] = { "tunnel_popular_factor", 0.25, 0, 1,
        "confidence multiplier when the zone is a popular domain (AV and CDN lookups)" },
    [P_TUNNEL_WEIGHT] = { "tunnel_weight", 1.2, 0, 100,
        "weight of a DNS-tunnel evidence" },
};

void params_defaults(struct detect_params *p)
{
    for (int i = 0; i < P_MAX; i++)
        p->v[i] = rows[i].def;
}

int params_set(struct detect_params *p, const char *name, double value,
               char *err, size_t errlen)
{
    for (int i = 0; i < P_MAX; i++) {
        if (strcmp(rows[i].name, name) != 0)
            continue;
        if (!isfinite(value) || value < rows[i].min || value > rows[i].max) {
            snprintf(err, errlen, "detect.%s = %g is out of range [%g, %g]",
                     name, value, rows[i].min, rows[i].max);
            return -1;
        }
        p->v[i] = value;
        return 0;
    }
    snprintf(err, errlen, "unknown detection parameter 'detect.%s'", name);
    return -1;
}

size_t params_count(void) { return P_MAX; }
const char *params_name(size_t i) { return i < P_MAX ? rows[i].name : NULL; }
const char *params_help(size_t i) { return i < P_MAX ? rows[i].help : NULL; }
double params_default(size_t i) { return i < P_MAX ? rows[i].def : 0; }

void params_print(const struct detect_params *p, FILE *fp, int indent)
{
    for (int i = 0; i < P_MAX; i++)
        fprintf(fp, "%*s# %s\n%*s%s = %g;\n", indent, "", rows[i].help, indent, "",
                rows[i].name, p->v[i]);
}

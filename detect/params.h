/*
 * params.h -- every weight, threshold and window of the detectors, in one
 * table (params.c), each overridable from the configuration file's
 * `detect { name = value; }` group.
 *
 * A struct detect_params is a plain array of doubles indexed by enum
 * param_id, so a detector reads `p->v[P_NX_WINDOW]` with no lookup.  The
 * table gives every row a name, a default, a range and a one-line
 * description; docs/detections.md and config/spanhound.conf list them.
 */
#ifndef SH_PARAMS_H
#define SH_PARAMS_H

#include <stddef.h>
#include <stdio.h>

enum param_id {
    /* scoring */
    P_SCORE_THRESHOLD,
    P_SCORE_CLEAR,
    P_HALF_LIFE,
    P_STANDALONE_CONFIDENCE,
    P_SOURCE_MIN_FRACTION,
    P_UPDATE_INTERVAL,
    /* hosts and their MAC bindings */
    P_MAC_ACTIVE,
    P_MAC_STALE,
    P_MAC_STABLE,
    P_ROUTER_WINDOW,
    P_ROUTER_MIN_EXTERNAL,
    P_ROUTER_MIN_SENDERS,
    P_MAC_ROUTER_IPS,
    P_DHCP_SERVER_MIN_CLIENTS,
    P_HOST_PREFIX_BURST,
    P_HOST_PREFIX_RATE,
    /* resolvers */
    P_RELAY_WINDOW,
    P_RESOLVER_BLIND_WINDOW,
    /* local prevalence (benign prior) */
    P_PREVALENCE_MIN_HOSTS,
    P_PREVALENCE_MIN_SHARE,
    P_PREVALENCE_MIN_SPAN,
    /* DGA: names */
    P_DGA_NAME_THRESHOLD,
    P_DGA_CONTEXT_SCORE,
    /* DGA: per-host NXDOMAIN bursts */
    P_NX_WINDOW,
    P_NX_MIN_NAMES,
    P_NX_FULL_NAMES,
    P_NX_MIN_MEAN_SCORE,
    P_NX_VOLUME_NAMES,
    P_NX_BURST_WINDOW,
    P_NX_BURST_NAMES,
    P_NX_WEIGHT,
    /* DGA: the long horizon (low and slow) */
    P_NX_LONG_WINDOW,
    P_NX_LONG_MIN_NAMES,
    P_NX_LONG_FULL_NAMES,
    P_NX_LONG_MIN_MEAN,
    /* DGA: the name that resolves after failures */
    P_RESOLVED_MIN_FAILURES,
    P_RESOLVED_SHAPE_SUFFIX,
    P_RESOLVED_SHAPE_SPREAD,
    P_RESOLVED_WEIGHT,
    /* DGA: hosts failing on the same names */
    P_SHARED_WINDOW,
    P_SHARED_MIN_NAMES,
    P_SHARED_WEIGHT,
    /* DNS tunnelling */
    P_TUNNEL_WINDOW,
    P_TUNNEL_MIN_UNIQUE,
    P_TUNNEL_FULL_UNIQUE,
    P_TUNNEL_LONG_WINDOW,
    P_TUNNEL_LONG_MIN_UNIQUE,
    P_TUNNEL_LONG_FULL_UNIQUE,
    P_TUNNEL_ZONE_MIN_HOSTS,
    P_TUNNEL_TRACK_LEN,
    P_TUNNEL_MIN_LABEL_LEN,
    P_TUNNEL_MIN_ENTROPY,
    P_TUNNEL_MIN_BYTES,
    P_TUNNEL_POPULAR_FACTOR,
    P_TUNNEL_WEIGHT,
    /* C2 by behaviour: rhythm, sessions, ports, fan-out */
    P_BEACON_MIN_EVENTS,
    P_BEACON_MIN_SCORE,
    P_BEACON_MIN_PERIOD,
    P_BEACON_MAX_CONFIDENCE,
    P_BEACON_STANDALONE_EVENTS,
    P_BEACON_STANDALONE_SPAN,
    P_BEACON_PREVALENCE_HOSTS,
    P_BEACON_WEIGHT,
    P_LONG_SESSION_MIN,
    P_LONG_SESSION_MAX_BURST,
    P_LONG_SESSION_WEIGHT,
    P_ODD_PORT_MIN_MESSAGES,
    P_ODD_PORT_MAX_MESSAGE,
    P_ODD_PORT_WEIGHT,
    P_FANOUT_WINDOW,
    P_FANOUT_MIN_EXTERNAL,
    P_FANOUT_FULL_EXTERNAL,
    P_FANOUT_MIN_INTERNAL,
    P_FANOUT_FULL_INTERNAL,
    P_FANOUT_WEIGHT,
    /* exfiltration (exfil.h) */
    P_EXFIL_WINDOW,
    P_EXFIL_WEIGHT,
    P_EXFIL_SMTP_MIN_PAYLOAD,
    P_EXFIL_SMTP_CONFIDENCE,
    P_EXFIL_SMTP_SESSION_CONFIDENCE,
    P_EXFIL_FTP_MIN_BYTES,
    P_EXFIL_FTP_CONFIDENCE,
    P_EXFIL_UPLOAD_MIN_BYTES,
    P_EXFIL_UPLOAD_MIN_RATIO,
    P_EXFIL_UPLOAD_CONFIDENCE,
    /* protocol tells (tells.h) */
    P_TELL_TLS_WEIGHT,
    P_TELL_HTTP_WEIGHT,
    P_TELL_NAME_WEIGHT,
    P_TELL_SHARED_FACTOR,
    P_TELL_CERT_SELF_SIGNED,
    P_TELL_CERT_EXPIRED,
    P_TELL_CERT_MISMATCH,
    P_TELL_CERT_DEFAULT,
    P_TELL_CERT_LONG_YEARS,
    P_TELL_CERT_FRESH,
    P_TELL_NO_SNI,
    P_TELL_RARE_FP,
    P_TELL_FP_MIN_HOSTS,
    P_TELL_IP_HOST,
    P_TELL_ODD_PORT_IP,
    P_TELL_RANDOM_POST,
    P_TELL_RANDOM_MIN,
    P_TELL_EXE_DOWNLOAD,
    P_TELL_TOOL_UA,
    P_TELL_NO_HOST,
    P_TELL_DYNDNS,
    P_TELL_IPCHECK,
    P_TELL_NEW_DOMAIN,
    P_TELL_NEW_DOMAIN_WARMUP,
    /* threat intelligence: feed matches and the spread of learnt indicators */
    P_IOC_FINGERPRINT_MAX_CONFIDENCE,
    P_INTEL_CONTACT_GAP,
    P_SPREAD_TTL,
    P_SPREAD_HISTORY_WINDOW,
    P_SPREAD_WEIGHT,
    P_SPREAD_MIN_CONFIDENCE,
    P_SPREAD_FULL_CONTACTS,
    P_SPREAD_PREVALENT_HOSTS,
    P_SPREAD_FINGERPRINT_WEIGHT,
    P_SPREAD_MAX_LEARNT,
    P_SPREAD_HISTORY_SIZE,
    P_SPREAD_LEARN_MIN_CONFIDENCE,
    P_SPREAD_HISTORY_HOST_RATE,
    /* sensor health */
    P_HEALTH_INTERVAL,
    P_HEALTH_MIN_QUERIES,
    P_HEALTH_MIN_ANSWERED,
    P_MAX
};

struct detect_params {
    double v[P_MAX];
};

/* Defaults from the table.  dga_name_threshold defaults to 0 here, meaning
 * "the trained model's own threshold" (see dga_default_threshold()). */
void params_defaults(struct detect_params *p);

/* Set one parameter by name.  0 ok; -1 with a message (unknown name, out
 * of range) in err. */
int params_set(struct detect_params *p, const char *name, double value,
               char *err, size_t errlen);

/* Table access, for documentation and --print-config. */
size_t params_count(void);
const char *params_name(size_t i);
const char *params_help(size_t i);
double params_default(size_t i);

/* "name = value;  # help" lines for every parameter. */
void params_print(const struct detect_params *p, FILE *fp, int indent);

#endif /* SH_PARAMS_H */

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
        "one evidence this confident may flag a host alone; below, evidence from two "
        "independent sources is needed" },
    [P_SOURCE_MIN_FRACTION] = { "source_min_fraction", 0.05, 0, 1,
        "an evidence counts as a corroborating source only while its decayed value is at "
        "least this fraction of score_threshold" },
    [P_UPDATE_INTERVAL] = { "update_interval", 60, 1, 86400,
        "seconds between two 'updated' verdicts of a flagged host (a new kind reports at once)" },
    [P_MAC_ACTIVE] = { "mac_active", 900, 10, 604800,
        "a MAC binding confirmed this recently is active: another MAC for the IP is then a "
        "conflict, not a replacement" },
    [P_MAC_STALE] = { "mac_stale", 86400, 60, 31536000,
        "a binding not confirmed for this long is no longer reported" },
    [P_MAC_STABLE] = { "mac_stable", 120, 0, 86400,
        "seconds a binding must have held (unless claimed by ARP/NDP or a lease) before the "
        "host counts as a resolver's client" },
    [P_ROUTER_WINDOW] = { "router_window", 3600, 60, 604800,
        "seconds over which routers are recognised (next-hop and routed-IP counts slide over it)" },
    [P_ROUTER_MIN_EXTERNAL] = { "router_min_external", 8, 1, 1000000,
        "distinct external addresses a MAC must be the L2 next hop for to be a router" },
    [P_ROUTER_MIN_SENDERS] = { "router_min_senders", 2, 1, 1000,
        "distinct internal MACs that must send through a MAC for it to be a router" },
    [P_MAC_ROUTER_IPS] = { "mac_router_ips", 4, 2, 1000000,
        "a MAC carrying more internal source IPs than this in router_window, none of them "
        "claimed by ARP/NDP or a lease, is an L3 hop: hosts known only by it are reported by IP" },
    [P_DHCP_SERVER_MIN_CLIENTS] = { "dhcp_server_min_clients", 3, 1, 1000,
        "clients whose leases were confirmed by their own traffic before a DHCP server seen on "
        "the wire is trusted (configured servers are trusted at once)" },
    [P_HOST_PREFIX_BURST] = { "host_prefix_burst", 256, 1, 16777216,
        "new hosts one /24 (IPv4) or /64 (IPv6) may create at once" },
    [P_HOST_PREFIX_RATE] = { "host_prefix_rate", 1, 0.001, 1000000,
        "new hosts per second one /24 or /64 may create after its burst" },
    [P_RELAY_WINDOW] = { "relay_window", 3, 0.01, 60,
        "seconds within which a resolver's upstream query for a name a client just asked it "
        "is that client's lookup, relayed" },
    [P_RESOLVER_BLIND_WINDOW] = { "resolver_blind_window", 600, 10, 86400,
        "a configured or DHCP-announced resolver seen relaying for no visible client for this "
        "long is relaying for clients the sensor cannot see" },
    [P_PREVALENCE_MIN_HOSTS] = { "prevalence_min_hosts", 5, 2, 1000000,
        "internal hosts that must resolve a domain before it is locally prevalent (benign prior)" },
    [P_PREVALENCE_MIN_SHARE] = { "prevalence_min_share", 0.05, 0, 1,
        "... and at least this share of the hosts that resolved names in the same span" },
    [P_PREVALENCE_MIN_SPAN] = { "prevalence_min_span", 86400, 0, 31536000,
        "seconds between the first and the latest resolution before a domain is prevalent" },
    [P_DGA_NAME_THRESHOLD] = { "dga_name_threshold", 0, 0, 1,
        "per-name DGA verdict threshold for --score-names (0 = the model's own)" },
    [P_DGA_CONTEXT_SCORE] = { "dga_context_score", 0.1, 0, 1,
        "a failed lookup counts as algorithmic-looking in a burst when its name scores this" },
    [P_NX_WINDOW] = { "nx_window", 600, 10, 86400,
        "seconds over which a host's failed lookups are counted (sliding)" },
    [P_NX_MIN_NAMES] = { "nx_min_names", 6, 2, 64,
        "distinct algorithmic-looking registrable domains failing in the window to raise evidence" },
    [P_NX_FULL_NAMES] = { "nx_full_names", 12, 2, 64,
        "distinct failing names at which the NXDOMAIN evidence reaches full confidence" },
    [P_NX_MIN_MEAN_SCORE] = { "nx_min_mean_score", 0.3, 0, 1,
        "mean DGA score the failing names must reach together" },
    [P_NX_VOLUME_NAMES] = { "nx_volume_names", 15, 2, 64,
        "distinct unpopular failing domains that raise weaker evidence even when the names look like words" },
    [P_NX_BURST_WINDOW] = { "nx_burst_window", 120, 1, 86400,
        "seconds in which nx_burst_names distinct failures are 'rapid succession' (a bot walking its list)" },
    [P_NX_BURST_NAMES] = { "nx_burst_names", 8, 2, 64,
        "distinct failing names within nx_burst_window for a rapid burst" },
    [P_NX_WEIGHT] = { "nx_weight", 1.3, 0, 100,
        "weight of an NXDOMAIN-burst evidence" },
    [P_NX_LONG_WINDOW] = { "nx_long_window", 21600, 600, 604800,
        "seconds of the long horizon over which slow DGAs are counted (sliding)" },
    [P_NX_LONG_MIN_NAMES] = { "nx_long_min_names", 20, 2, 100000,
        "distinct algorithmic-looking failing domains over the long horizon to raise evidence" },
    [P_NX_LONG_FULL_NAMES] = { "nx_long_full_names", 40, 2, 100000,
        "distinct failing names over the long horizon for full confidence" },
    [P_NX_LONG_MIN_MEAN] = { "nx_long_min_mean", 0.4, 0, 1,
        "mean DGA score the names of the long horizon must reach" },
    [P_RESOLVED_MIN_FAILURES] = { "resolved_min_failures", 4, 1, 100000,
        "failed algorithmic lookups before a resolving algorithmic name is reported as the likely C2" },
    [P_RESOLVED_SHAPE_SUFFIX] = { "resolved_shape_suffix", 0.8, 0.5, 1,
        "share of the failing names that must have the resolving name's public suffix for it to "
        "belong to their family by shape" },
    [P_RESOLVED_SHAPE_SPREAD] = { "resolved_shape_spread", 4, 0, 63,
        "largest spread of label lengths (max - min) of a family whose names share a shape" },
    [P_RESOLVED_WEIGHT] = { "resolved_weight", 0.8, 0, 100,
        "weight of the 'resolved after failures' evidence" },
    [P_SHARED_WINDOW] = { "shared_window", 86400, 60, 31536000,
        "seconds during which hosts failing on the same names are related" },
    [P_SHARED_MIN_NAMES] = { "shared_min_names", 3, 1, 100000,
        "failing names shared with another host that mark the same DGA family" },
    [P_SHARED_WEIGHT] = { "shared_weight", 0.5, 0, 100,
        "weight of the 'same failing names as other hosts' evidence" },
    [P_TUNNEL_WINDOW] = { "tunnel_window", 900, 10, 86400,
        "seconds over which DNS volume to one zone is measured (sliding)" },
    [P_TUNNEL_MIN_UNIQUE] = { "tunnel_min_unique", 40, 2, 256,
        "distinct subdomains of one zone from one host in tunnel_window to raise tunnel evidence" },
    [P_TUNNEL_FULL_UNIQUE] = { "tunnel_full_unique", 200, 2, 256,
        "distinct subdomains at which tunnel evidence reaches full confidence" },
    [P_TUNNEL_LONG_WINDOW] = { "tunnel_long_window", 21600, 600, 604800,
        "seconds of the long horizon for slow tunnels (sliding)" },
    [P_TUNNEL_LONG_MIN_UNIQUE] = { "tunnel_long_min_unique", 150, 2, 256,
        "distinct subdomains of one zone over the long horizon to raise tunnel evidence" },
    [P_TUNNEL_LONG_FULL_UNIQUE] = { "tunnel_long_full_unique", 250, 2, 256,
        "distinct subdomains over the long horizon for full confidence" },
    [P_TUNNEL_ZONE_MIN_HOSTS] = { "tunnel_zone_min_hosts", 2, 2, 8,
        "hosts whose encoded queries to one zone add up (the zone's volume across hosts)" },
    [P_TUNNEL_TRACK_LEN] = { "tunnel_track_len", 6, 1, 255,
        "encoded parts shorter than this (www, mail, api) are ordinary names and get no tunnel state" },
    [P_TUNNEL_MIN_LABEL_LEN] = { "tunnel_min_label_len", 18, 1, 255,
        "mean length of the encoded part (left of the zone) for a tunnel" },
    [P_TUNNEL_MIN_ENTROPY] = { "tunnel_min_entropy", 2.5, 0, 8,
        "mean Shannon entropy of the encoded part, bits per character" },
    [P_TUNNEL_MIN_BYTES] = { "tunnel_min_bytes", 1500, 0, 1e12,
        "bytes of query names carried to the zone before it can be a tunnel" },
    [P_TUNNEL_POPULAR_FACTOR] = { "tunnel_popular_factor", 0.25, 0, 1,
        "confidence multiplier when the zone is a popular or locally prevalent domain" },
    [P_TUNNEL_WEIGHT] = { "tunnel_weight", 1.2, 0, 100,
        "weight of a DNS-tunnel evidence" },
    [P_BEACON_MIN_EVENTS] = { "beacon_min_events", 6, 4, 32,
        "events (connections, HTTP requests, client bursts) to one destination before its "
        "rhythm is judged" },
    [P_BEACON_MIN_SCORE] = { "beacon_min_score", 0.7, 0, 1,
        "rhythm score (0.7 gap regularity + 0.3 size regularity) a series needs to be a beacon" },
    [P_BEACON_MIN_PERIOD] = { "beacon_min_period", 0.5, 0.1, 86400,
        "seconds: a shorter median gap is streaming, not a beacon" },
    [P_BEACON_MAX_CONFIDENCE] = { "beacon_max_confidence", 0.7, 0, 1,
        "confidence of a beacon short of standalone_events/span: below standalone_confidence, "
        "so it needs a second, independent source" },
    [P_BEACON_STANDALONE_EVENTS] = { "beacon_standalone_events", 30, 6, 1000000,
        "events of an overwhelming rhythm (with beacon_standalone_span) that may flag alone" },
    [P_BEACON_STANDALONE_SPAN] = { "beacon_standalone_span", 120, 0, 31536000,
        "seconds an overwhelming rhythm must have lasted to flag alone" },
    [P_BEACON_PREVALENCE_HOSTS] = { "beacon_prevalence_hosts", 3, 2, 1000,
        "internal hosts talking to a destination that make its rhythm, sessions and ports "
        "no evidence (a fleet, a shared service)" },
    [P_BEACON_WEIGHT] = { "beacon_weight", 1.3, 0, 100, "score weight of a beacon" },
    [P_LONG_SESSION_MIN] = { "long_session_min", 600, 10, 31536000,
        "seconds a session must last to be a long session" },
    [P_LONG_SESSION_MAX_BURST] = { "long_session_max_burst", 2000, 1, 1e9,
        "bytes: a long session's median client burst must be this small (keep-alives)" },
    [P_LONG_SESSION_WEIGHT] = { "long_session_weight", 0.6, 0, 100,
        "score weight of a long session (same source as beacon: flow timing)" },
    [P_ODD_PORT_MIN_MESSAGES] = { "unusual_port_min_messages", 4, 1, 1000000,
        "client messages (bursts) to an unusual port before it is evidence" },
    [P_ODD_PORT_MAX_MESSAGE] = { "unusual_port_max_message", 1500, 1, 1e9,
        "bytes: the median message to an unusual port must be this small" },
    [P_ODD_PORT_WEIGHT] = { "unusual_port_weight", 0.5, 0, 100,
        "score weight of small regular messages on an unusual port (source: destination)" },
    [P_FANOUT_WINDOW] = { "fanout_window", 600, 10, 86400,
        "seconds over which the addresses one host reaches on one port are counted" },
    [P_FANOUT_MIN_EXTERNAL] = { "fanout_min_external", 64, 4, 1000000,
        "distinct external addresses on one port that are evidence (sprays, scans)" },
    [P_FANOUT_FULL_EXTERNAL] = { "fanout_full_external", 256, 4, 1000000,
        "... and that give full confidence" },
    [P_FANOUT_MIN_INTERNAL] = { "fanout_min_internal", 20, 4, 1000000,
        "distinct internal hosts on one port that are evidence (lateral movement)" },
    [P_FANOUT_FULL_INTERNAL] = { "fanout_full_internal", 64, 4, 1000000,
        "... and that give full confidence" },
    [P_FANOUT_WEIGHT] = { "fanout_weight", 1.3, 0, 100, "score weight of a fan-out" },
    [P_EXFIL_WINDOW] = { "exfil_window", 3600, 60, 604800,
        "seconds over which the bytes one host sends to one external server add up (mail, FTP, "
        "uploads)" },
    [P_EXFIL_WEIGHT] = { "exfil_weight", 1.2, 0, 100,
        "score weight of an exfiltration evidence (mail, FTP upload, large upload)" },
    [P_EXFIL_SMTP_MIN_PAYLOAD] = { "exfil_smtp_min_payload", 512, 0, 1e12,
        "client bytes to an external mail server (in exfil_window) that are a message sent, "
        "beyond the envelope and a TLS handshake; less is a session that only opened" },
    [P_EXFIL_SMTP_CONFIDENCE] = { "exfil_smtp_confidence", 0.7, 0, 1,
        "confidence of a workstation sending mail to an external server; below "
        "standalone_confidence by default, so it convicts only with a second source "
        "(misconfigured mail clients would flood the verdicts)" },
    [P_EXFIL_SMTP_SESSION_CONFIDENCE] = { "exfil_smtp_session_confidence", 0.3, 0, 1,
        "confidence of a mail session to an external server that sent less than "
        "exfil_smtp_min_payload" },
    [P_EXFIL_FTP_MIN_BYTES] = { "exfil_ftp_min_bytes", 1024, 1, 1e12,
        "bytes a host sends on FTP data connections to one external server (in exfil_window) "
        "that are an upload" },
    [P_EXFIL_FTP_CONFIDENCE] = { "exfil_ftp_confidence", 0.6, 0, 1,
        "confidence of an FTP upload to an external server" },
    [P_EXFIL_UPLOAD_MIN_BYTES] = { "exfil_upload_min_bytes", 1e6, 1, 1e15,
        "bytes one host sends to one rare external server in exfil_window that are a large upload" },
    [P_EXFIL_UPLOAD_MIN_RATIO] = { "exfil_upload_min_ratio", 4, 1, 1e6,
        "a large upload sends at least this many times what comes back" },
    [P_EXFIL_UPLOAD_CONFIDENCE] = { "exfil_upload_confidence", 0.6, 0, 1,
        "confidence of a large upload to a destination no other internal host uses (x0.6 when "
        "one other does; halved when its popular name is only claimed by the client)" },
    [P_TELL_TLS_WEIGHT] = { "tell_tls_weight", 1.3, 0, 100,
        "weight of a TLS-tell evidence (the tells of one destination, combined)" },
    [P_TELL_HTTP_WEIGHT] = { "tell_http_weight", 1.3, 0, 100,
        "weight of an HTTP-tell evidence (the tells of one destination, combined)" },
    [P_TELL_NAME_WEIGHT] = { "tell_name_weight", 1.0, 0, 100,
        "weight of a name-tell evidence (dynamic DNS, IP-check service, new rare domain)" },
    [P_TELL_SHARED_FACTOR] = { "tell_shared_factor", 0.6, 0, 1,
        "confidence factor of a tell about a destination other internal hosts also talk to "
        "(fewer than beacon_prevalence_hosts; from that many on, no tell at all)" },
    [P_TELL_CERT_SELF_SIGNED] = { "tell_cert_self_signed", 0.45, 0, 1,
        "confidence of a self-signed leaf certificate from a rare external server" },
    [P_TELL_CERT_EXPIRED] = { "tell_cert_expired", 0.4, 0, 1,
        "confidence of a leaf certificate expired (or not yet valid) at packet time, from a "
        "rare external server" },
    [P_TELL_CERT_MISMATCH] = { "tell_cert_mismatch", 0.4, 0, 1,
        "confidence of a leaf certificate whose CN/SAN do not cover the SNI, from a rare "
        "external server" },
    [P_TELL_CERT_DEFAULT] = { "tell_cert_default", 0.45, 0, 1,
        "confidence of a certificate as tools generate it by default (placeholder subject, "
        "self-issued with a CN that is no DNS name, decades of validity, made moments ago)" },
    [P_TELL_CERT_LONG_YEARS] = { "tell_cert_long_years", 10, 1, 1000,
        "years of validity from which a self-issued certificate counts as a tool default" },
    [P_TELL_CERT_FRESH] = { "tell_cert_fresh", 86400, 0, 31536000,
        "seconds: a self-issued certificate whose notBefore is this recent at packet time was "
        "generated for the session (0 = never)" },
    [P_TELL_NO_SNI] = { "tell_no_sni", 0.45, 0, 1,
        "confidence of TLS without SNI to a bare external address on a non-standard port" },
    [P_TELL_RARE_FP] = { "tell_rare_fingerprint", 0.3, 0, 1,
        "confidence of a TLS client fingerprint (JA4, else JA3) only this host uses, toward "
        "this one rare destination only" },
    [P_TELL_FP_MIN_HOSTS] = { "tell_fingerprint_min_hosts", 10, 2, 1000000,
        "hosts whose ClientHellos the sensor must have seen before a fingerprint can be rare "
        "(on a quiet or new sensor every fingerprint is)" },
    [P_TELL_IP_HOST] = { "tell_ip_host", 0.45, 0, 1,
        "confidence of an HTTP request whose Host is an IP literal, to a rare external server" },
    [P_TELL_ODD_PORT_IP] = { "tell_odd_port_ip", 0.45, 0, 1,
        "confidence of HTTP to a bare external address (IP-literal or no Host) on a "
        "non-standard port" },
    [P_TELL_RANDOM_POST] = { "tell_random_post", 0.45, 0, 1,
        "confidence of a POST to a random-looking path or query key at a rare external server" },
    [P_TELL_RANDOM_MIN] = { "tell_random_min", 0.6, 0, 1,
        "randomness (0..1, tells_token_randomness) from which a path segment or query key "
        "looks random" },
    [P_TELL_EXE_DOWNLOAD] = { "tell_exe_download", 0.45, 0, 1,
        "confidence of an executable or script download from a rare external server" },
    [P_TELL_TOOL_UA] = { "tell_tool_ua", 0.3, 0, 1,
        "confidence of a tool or empty user agent (curl, Wget, python-requests, PowerShell, "
        "WinHTTP, Go-http-client, none) from a host seen browsing" },
    [P_TELL_NO_HOST] = { "tell_no_host", 0.4, 0, 1,
        "confidence of an HTTP/1.1 request without a Host header to an external server" },
    [P_TELL_DYNDNS] = { "tell_dyndns", 0.45, 0, 1,
        "confidence of a lookup of a name under a dynamic-DNS provider's zone "
        "(detect/data/dyndns.txt)" },
    [P_TELL_IPCHECK] = { "tell_ipcheck", 0.45, 0, 1,
        "confidence of a 'what is my IP' service (detect/data/ipcheck.txt) used by a non-browser "
        "client (x 0.7 when the host was never seen browsing)" },
    [P_TELL_NEW_DOMAIN] = { "tell_new_domain", 0.3, 0, 1,
        "confidence of a registrable domain never resolved on this network before, by this host "
        "only (unpopular, after tell_new_domain_warmup)" },
    [P_TELL_NEW_DOMAIN_WARMUP] = { "tell_new_domain_warmup", 86400, 0, 31536000,
        "seconds the sensor must have watched names before a domain counts as new" },
    [P_IOC_FINGERPRINT_MAX_CONFIDENCE] = { "ioc_fingerprint_max_confidence", 0.5, 0, 1,
        "cap on the confidence of an ioc_fingerprint (a feed lists the host's JA3/JA4/JA3S/JA4S); "
        "always kept below standalone_confidence: browsers share fingerprints with malware, so "
        "a fingerprint alone never flags" },
    [P_INTEL_CONTACT_GAP] = { "intel_contact_gap", 60, 1, 86400,
        "seconds during which a host's repeated use of one attribute (name, address, URL, "
        "certificate, fingerprint) is one contact: looked up and recorded once" },
    [P_SPREAD_TTL] = { "spread_ttl", 604800, 60, 31536000,
        "seconds an indicator learnt from a convicted host is applied to other hosts and exported" },
    [P_SPREAD_HISTORY_WINDOW] = { "spread_history_window", 86400, 60, 31536000,
        "hosts that used an indicator this long before it was learnt get shared_c2 evidence at "
        "once (the recent-contact history)" },
    [P_SPREAD_WEIGHT] = { "spread_weight", 1.3, 0, 100,
        "score weight of shared_c2 (contact with an indicator behind another host's conviction)" },
    [P_SPREAD_MIN_CONFIDENCE] = { "spread_min_confidence", 0.45, 0, 1,
        "confidence of shared_c2 for a single contact: weight x this stays below score_threshold "
        "and below standalone_confidence, so one contact flags only with another independent "
        "source" },
    [P_SPREAD_FULL_CONTACTS] = { "spread_full_contacts", 10, 2, 1000000,
        "contacts (distinct intel_contact_gap spans) at which shared_c2 reaches its top confidence "
        "(0.9, always kept below standalone_confidence: the convicted host chose the indicator, "
        "so shared_c2 never flags a host alone)" },
    [P_SPREAD_PREVALENT_HOSTS] = { "spread_prevalent_hosts", 5, 2, 8,
        "an indicator this many hosts used within spread_history_window is a shared service, "
        "not a C2: never learnt" },
    [P_SPREAD_FINGERPRINT_WEIGHT] = { "spread_fingerprint_weight", 0.04, 0, 100,
        "score weight of shared_c2 on a learnt TLS fingerprint (JA3/JA4): by default below "
        "source_min_fraction x score_threshold, so it never counts toward a verdict" },
    [P_SPREAD_MAX_LEARNT] = { "spread_max_learnt", 4096, 1, 1048576,
        "learnt indicators kept (the oldest learnt is forgotten first)" },
    [P_SPREAD_HISTORY_SIZE] = { "spread_history_size", 65536, 256, 16777216,
        "indicators whose recent contacts (the last 8 hosts each) are remembered (least "
        "recently used forgotten first)" },
    [P_SPREAD_LEARN_MIN_CONFIDENCE] = { "spread_learn_min_confidence", 0.5, 0, 1,
        "an indicator is learnt from a convicted host only from evidence at least this confident: "
        "a weak suspicion behind a verdict (a new domain, one tell) spread to every host that "
        "shares it would turn one conviction into many" },
    [P_SPREAD_HISTORY_HOST_RATE] = { "spread_history_host_rate", 1024, 1, 16777216,
        "new indicators one host may add to the recent-contact history per hour (more are not "
        "remembered, counted): a host flooding unique names cannot push the other hosts' "
        "contacts out of it" },
    [P_HEALTH_INTERVAL] = { "health_interval", 60, 5, 86400,
        "seconds of packet time between two checks of the sensor's health" },
    [P_HEALTH_MIN_QUERIES] = { "health_min_queries", 20, 1, 1000000,
        "DNS queries in an interval before their answer ratio is judged" },
    [P_HEALTH_MIN_ANSWERED] = { "health_min_answered", 0.3, 0, 1,
        "below this share of answered queries the sensor reports DNS answers unseen (one-way SPAN)" },
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

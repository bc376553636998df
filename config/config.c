/*
 * config.c -- the configuration table and its libconfig loader.
 *
 * One row per key: dotted path, type, where it lands in struct sh_config,
 * default, range and a one-line description.  config_defaults() applies the
 * defaults, config_load() walks the file's settings and looks every one of
 * them up here (unknown key -> error with its line), config_print() writes
 * the table back out.  libconfig 1.5 owns the strings it returns only
 * until config_destroy(), so every string is copied into the struct.
 */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef SH_DATADIR
#define SH_DATADIR "/usr/share/spanhound"
#endif

enum cfg_type { T_U32, T_BOOL, T_STR, T_CIDRS, T_PORTS, T_NAMES, T_ASN_WEIGHTS, T_CC_WEIGHTS,
                T_FEEDS };

struct cfg_row {
    const char *path;
    enum cfg_type type;
    size_t off;
    size_t size;          /* T_STR: buffer size                       */
    double def;           /* T_U32 / T_BOOL                           */
    const char *def_str;  /* T_STR, and comma lists for T_CIDRS etc.  */
    double min, max;
    const char *help;
};

#define OFF(f) offsetof(struct sh_config, f)
#define U32(p, f, d, lo, hi, h) { p, T_U32, OFF(f), 0, d, NULL, lo, hi, h }
#define BOOL(p, f, d, h) { p, T_BOOL, OFF(f), 0, d, NULL, 0, 1, h }
#define STR(p, f, d, h) { p, T_STR, OFF(f), sizeof(((struct sh_config *)0)->f), 0, d, 0, 0, h }
#define LIST(p, t, f, d, h) { p, t, OFF(f), 0, 0, d, 0, 0, h }

static const struct cfg_row rows[] = {
    STR("capture.interface", interface, "",
        "interface(s) for live capture, comma separated: several SPAN ports feed one host table "
        "(-i overrides it; repeat -i for several)"),
    U32("capture.snaplen", snaplen, 65535, 64, 262144,
        "bytes captured per packet"),
    U32("capture.buffer_mb", buffer_mb, 64, 1, 4096,
        "kernel capture buffer, MiB"),
    BOOL("capture.promiscuous", promiscuous, 1,
        "put the interface in promiscuous mode (a SPAN port needs it)"),
    STR("capture.bpf", bpf, "",
        "BPF filter applied to every source (the -f option overrides it)"),
    U32("capture.vxlan_port", pipe.vxlan_port, 4789, 0, 65535,
        "UDP port whose VXLAN payload is decapsulated (0 = off)"),
    U32("capture.ring_slots", ring_slots, 4096, 16, 1048576,
        "events buffered between capture and detection"),

    LIST("home_net", T_CIDRS, home_net,
         "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7",
         "networks whose hosts are internal (--home-net replaces them)"),
    BOOL("learn_prefixes", learn_prefixes, 1,
         "also count as internal the IPv6 prefixes (/48../64, global or ULA) that Router "
         "Advertisements and DHCPv6 replies announce, while they are valid; false makes home_net "
         "the only list"),

    U32("flow.capacity", pipe.flow_capacity, 262144, 1, 67108864,
        "maximum concurrent flows; the least recently seen is evicted"),
    U32("flow.timeout.tcp_new", pipe.timeouts.sec[FC_TCP_NEW], 30, 1, 86400,
        "seconds an unanswered or half-open TCP handshake is kept"),
    U32("flow.timeout.tcp_established", pipe.timeouts.sec[FC_TCP_EST], 600, 1, 86400,
        "idle seconds for an established TCP connection"),
    U32("flow.timeout.tcp_closed", pipe.timeouts.sec[FC_TCP_CLOSED], 10, 1, 86400,
        "seconds a closed, reset or rejected connection is kept"),
    U32("flow.timeout.udp", pipe.timeouts.sec[FC_UDP], 60, 1, 86400, "idle seconds for UDP"),
    U32("flow.timeout.icmp", pipe.timeouts.sec[FC_ICMP], 30, 1, 86400, "idle seconds for ICMP"),
    U32("flow.timeout.other", pipe.timeouts.sec[FC_OTHER], 60, 1, 86400,
        "idle seconds for other transports"),
    U32("flow.update_interval", pipe.flow_update_s, 60, 0, 86400,
        "a live flow reports its counters and bursts every this many seconds of activity, so "
        "a long session is judged while it is open (0: only when it ends)"),
    U32("flow.burst_gap_ms", pipe.burst_gap_ms, 500, 1, 600000,
        "idle milliseconds that end an application burst inside a flow (keep-alives, polls)"),

    BOOL("dpi.enabled", pipe.dpi_enabled, 1, "classify flows with nDPI"),
    U32("dpi.pool", pipe.dpi_pool, 32768, 1, 16777216,
        "flows nDPI inspects at the same time (688 bytes each)"),
    U32("dpi.max_packets", pipe.dpi_max_packets, 24, 1, 255,
        "payload packets nDPI sees before it must decide"),
    BOOL("dpi.tls_from_parser", pipe.dpi_tls_parser, 1,
        "name TLS flows from the SNI spanhound parsed (nDPI host automata) instead of "
        "handing nDPI the handshake again; risks derived from the parsed handshake"),
    BOOL("dpi.extra_dissection", pipe.dpi_extra, 0,
        "keep a classified flow in nDPI for its extra checks (TLS certificate risks); ~2x nDPI cost"),

    U32("parsers.http_states", pipe.http_states, 8192, 1, 16777216,
        "HTTP transactions parsed at the same time"),
    U32("parsers.tls_states", pipe.tls_states, 4096, 1, 16777216,
        "TLS handshakes parsed at the same time"),
    U32("parsers.quic_states", pipe.quic_states, 1024, 1, 16777216,
        "QUIC handshakes (Initial packets) decoded at the same time (36 KiB each)"),
    U32("parsers.dns_tcp_states", pipe.dns_tcp_states, 1024, 1, 16777216,
        "DNS-over-TCP connections parsed at the same time"),
    U32("parsers.reorder_flows", pipe.reorder_flows, 1024, 1, 16777216,
        "connections holding out-of-order segments at the same time (33 KiB each)"),
    LIST("dns.ports", T_PORTS, pipe.dns_ports, "53",
         "UDP/TCP ports parsed as DNS (add 5353/5355 for mDNS/LLMNR)"),
    U32("dns.pending", pipe.dns_pending, 16384, 16, 16777216,
        "queries remembered while awaiting their answer"),
    U32("dns.query_timeout_ms", pipe.dns_timeout_ms, 5000, 10, 600000,
        "a query without an answer after this is reported unanswered"),
    U32("arp.capacity", pipe.arp_capacity, 65536, 16, 16777216,
        "IP-to-MAC bindings remembered (ARP, NDP)"),
    U32("arp.refresh", pipe.arp_refresh_s, 3600, 1, 604800,
        "seconds after which an unchanged binding is reported again"),

    STR("eve.file", eve_file, "",
        "EVE JSON output file ('-' = stdout; the --eve option overrides it)"),
    BOOL("eve.flow", eve_flow, 1, "write flow-end records to EVE"),
    BOOL("eve.arp", eve_arp, 1, "write IP-to-MAC binding records (spanhound_binding) to EVE"),
    BOOL("eve.extended", eve_extended, 0,
         "add spanhound's extra fields inside Suricata's EVE objects (they then fail Suricata's schema)"),
    BOOL("log.syslog", log_syslog, 0, "log to syslog instead of stderr"),
    U32("log.repeat_limit", log_repeat_limit, 5, 0, 10000,
        "the same kind of log line at most this many times a minute; the rest are counted and "
        "summarised in one line (0 = no limit)"),

    STR("daemon.user", daemon_user, "spanhound",
        "live capture started as root: once the interfaces are open, switch to this user and "
        "drop every capability ('' = stay root; offline replays never switch)"),
    BOOL("daemon.keep_net_raw", daemon_keep_net_raw, 0,
         "keep CAP_NET_RAW after the switch, so an interface that went away can be re-opened"),
    STR("state.dir", state_dir, "",
        "directory for host-state snapshots: verdicts and evidence survive a restart "
        "('' = none; --state-dir overrides it)"),
    U32("state.interval", state_interval, 60, 0, 86400,
        "seconds between snapshots while running (0 = only at shutdown)"),
    U32("state.max_mb", state_max_mb, 64, 1, 4096,
        "largest snapshot written or read, MiB (the least recently seen hosts are left out)"),
    U32("health.interval", health_interval, 30, 0, 86400,
        "seconds between health records (EVE, the Redis hash, the Prometheus file); 0 = off"),
    STR("health.prometheus_file", health_prometheus_file, "",
        "Prometheus textfile for node_exporter's textfile collector, replaced atomically "
        "('' = none)"),

    BOOL("redis.enabled", redis.enabled, 0,
        "publish verdicts to the Redis NAC feed (--redis turns it on, --no-redis off)"),
    STR("redis.server", redis.server, "127.0.0.1:6379",
        "Redis server: 'host:port', '[ipv6]:port' or 'unix:/path/redis.sock' (--redis overrides it)"),
    STR("redis.sentinels", redis.sentinels, "",
        "Redis Sentinels 'host:port,host:port': the master is resolved by name through them "
        "(then redis.server is not used)"),
    STR("redis.master", redis.master, "mymaster",
        "the master's name in Sentinel"),
    STR("redis.user", redis.user, "",
        "ACL user ('' = the default user; docs/nac-feed.md has a least-privilege ACL)"),
    STR("redis.password", redis.password, "",
        "password ('' = none; prefer redis.password_file)"),
    STR("redis.password_file", redis.password_file, "",
        "file whose first line is the password (readable by spanhound only)"),
    STR("redis.prefix", redis.prefix, "spanhound",
        "key prefix: keys are '{prefix}:...', one Redis Cluster hash slot"),
    STR("redis.sensor", redis.sensor, "",
        "this sensor's name in every record ('' = the machine's host name)"),
    U32("redis.connect_timeout_ms", redis.connect_timeout_ms, 2000, 10, 600000,
        "connection timeout"),
    U32("redis.command_timeout_ms", redis.command_timeout_ms, 2000, 10, 600000,
        "reply timeout; past it the connection is dropped and retried with backoff"),
    U32("redis.stream_maxlen", redis.stream_maxlen, 100000, 100, 100000000,
        "events kept in the stream (XADD MAXLEN ~)"),
    U32("redis.host_ttl", redis.host_ttl_s, 3600, 10, 31536000,
        "seconds a flagged host's hash lives unless refreshed (refreshed while flagged)"),
    U32("redis.control_interval_ms", redis.control_interval_ms, 1000, 50, 600000,
        "how often the allowlist and release requests are read back"),
    U32("redis.ring_slots", redis.ring_slots, 256, 16, 16384,
        "verdict changes buffered between detection and the publisher (16 KiB each; when "
        "full, detection writes the journal itself)"),
    STR("redis.journal", redis.journal, "/var/lib/spanhound/redis.journal",
        "on-disk journal: every verdict change is written (fsync'ed) here before Redis "
        "has it, and replayed in order when Redis returns"),
    U32("redis.journal_max_mb", redis.journal_max_mb, 256, 1, 65536,
        "journal bound, MiB: past it undelivered 'updated' changes are dropped (the state is "
        "still reconciled), past twice it every change (counted and logged)"),

    STR("geoip.country_db", geoip.country_db, "",
        "MaxMind country database (GeoLite2-Country.mmdb, or a City one) whose country "
        "codes evidence about external addresses carries ('' = none; docs/geoip.md)"),
    STR("geoip.asn_db", geoip.asn_db, "",
        "MaxMind ASN database (GeoLite2-ASN.mmdb) whose AS number and organisation "
        "evidence about external addresses carries ('' = none)"),
    LIST("geoip.asn_weights", T_ASN_WEIGHTS, geoip.asn_weights, "",
         "multipliers on the weight of evidence about an address of an AS, as \"AS64500=1.5\" "
         "(0 < m <= 10; with a country weight too, both apply)"),
    LIST("geoip.country_weights", T_CC_WEIGHTS, geoip.country_weights, "",
         "multipliers on the weight of evidence about an address of a country, as \"NL=0.5\" "
         "(ISO 3166-1 alpha-2; 0 < m <= 10)"),
    LIST("feeds", T_FEEDS, feeds, "",
         "threat-intelligence feeds (docs/feeds.md): ( { name = \"c2\"; path = \"/etc/spanhound/"
         "feeds/c2.txt\"; format = \"plain\"; type = \"domain\"; weight = 2.0; confidence = "
         "0.6; }, ... ); format: plain (type: ip, domain, url, ja3, ja4, ja3s, ja4s, cert_sha1, "
         "cert_sha256), abusech_ja3, abusech_sslbl, feodo, urlhaus, stix; reloaded on SIGHUP"),
    U32("feeds_check_interval", feeds_check_interval, 60, 0, 86400,
        "seconds between checks of the feed files for changes (reloaded when one changed); "
        "0 = only on SIGHUP"),

    U32("hosts.capacity", host_capacity, 65536, 1, 16777216,
        "internal hosts tracked; the least recently seen is evicted"),
    U32("hosts.idle_timeout", host_idle_s, 86400, 60, 31536000,
        "seconds after which a silent host is forgotten"),
    LIST("infrastructure.dns_resolvers", T_CIDRS, dns_resolvers, "",
         "DNS resolvers: relay everyone's lookups, never DNS suspects"),
    LIST("infrastructure.dhcp_servers", T_CIDRS, dhcp_servers, "",
         "DHCP servers (and relays): not DNS suspects"),
    LIST("infrastructure.sensor", T_CIDRS, sensor_addrs, "",
         "the sensor's own addresses: not DNS suspects"),
    LIST("infrastructure.mail_servers", T_CIDRS, mail_servers, "",
         "the organisation's mail servers and relays (they send mail anywhere) and the external "
         "submission servers it uses (its hosted mail provider): mail from or to them is no "
         "evidence"),
    LIST("infrastructure.mail_clients", T_CIDRS, mail_clients, "",
         "hosts allowed to submit mail to any external server (mail clients not using the "
         "organisation's servers, scanners mailing scans): their mail is no evidence"),
    LIST("allowlist.networks", T_CIDRS, allow_nets, "",
         "hosts and destinations never raising evidence"),
    LIST("allowlist.names", T_NAMES, allow_names, "",
         "DNS names never raising evidence ('*.example.com' = the zone)"),
    STR("detect.data_dir", data_dir, SH_DATADIR,
        "directory of the DGA model and popularity list"),
    STR("detect.popularity_list", popularity_list, "",
        "popular registrable domains: one per line, or Tranco's rank,domain CSV "
        "('' = popular.txt in data_dir)"),
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void set_list_default(struct sh_config *c, const struct cfg_row *r)
{
    char err[256];
    void *dst = (char *)c + r->off;
    switch (r->type) {
    case T_CIDRS:
        if (cidr_set_parse_list(dst, r->def_str, err, sizeof(err)) < 0)
            ((struct cidr_set *)dst)->n = 0;   /* table bug; caught by tests */
        break;
    case T_PORTS: {
        uint32_t *ports = dst;
        int n = 0;
        const char *p = r->def_str;
        while (*p && n < CFG_PORTS_MAX) {
            ports[n++] = (uint32_t)strtoul(p, (char **)&p, 10);
            if (*p == ',')
                p++;
        }
        c->pipe.n_dns_ports = n;
        break;
    }
    case T_NAMES:
        ((struct cfg_names *)dst)->n = 0;
        break;
    case T_ASN_WEIGHTS:
    case T_CC_WEIGHTS:
        ((struct cfg_geo_weights *)dst)->n = 0;
        break;
    case T_FEEDS:
        ((struct cfg_feeds *)dst)->n = 0;
        break;
    default:
        break;
    }
}

void config_defaults(struct sh_config *c)
{
    memset(c, 0, sizeof(*c));
    c->pipe.flow_events = 1;     /* not a setting: the engine needs flows */
    for (size_t i = 0; i < NROWS; i++) {
        const struct cfg_row *r = &rows[i];
        void *dst = (char *)c + r->off;
        switch (r->type) {
        case T_U32:
            *(uint32_t *)dst = (uint32_t)r->def;
            break;
        case T_BOOL:
            *(int *)dst = (int)r->def;
            break;
        case T_STR:
            snprintf(dst, r->size, "%s", r->def_str);
            break;
        default:
            set_list_default(c, r);
            break;
        }
    }
}

/* ---- loading ------------------------------------------------------ */

struct loader {
    struct sh_config *c;
    char *err;
    size_t errlen;
    const char *file;
};

static int fail(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *f = s ? config_setting_source_file(s) : NULL;
    snprintf(L->err, L->errlen, "%s:%u: %s", f ? f : L->file,
             s ? config_setting_source_line(s) : 0, msg);
    return -1;
}

static const struct cfg_row *find_row(const char *path)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].path, path) == 0)
            return &rows[i];
    return NULL;
}

/* Is `path` a group of the table (a prefix of some row's path)? */
static int is_group(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < NROWS; i++)
        if (strncmp(rows[i].path, path, n) == 0 && rows[i].path[n] == '.')
            return 1;
    return 0;
}

static int get_number(struct loader *L, const config_setting_t *s,
                      const char *path, double *out)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        *out = config_setting_get_int(s);
        return 0;
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(s);
        return 0;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(s);
        return 0;
    default:
        return fail(L, s, "'%s' must be a number", path);
    }
}

/* "AS64500=1.5" / "64500 = 1.5" (asn) or "NL=0.5" (country): key and
 * multiplier; 0 ok, -1 with a message in msg. */
int config_geo_weight_parse(const char *v, int asn, struct cfg_geo_weight *out,
                            char *msg, size_t msglen)
{
    const char *eq = strchr(v, '=');
    char key[32];
    memset(out, 0, sizeof(*out));
    if (!eq || (size_t)(eq - v) >= sizeof(key)) {
        snprintf(msg, msglen, "'%s' is not %s=multiplier", v, asn ? "AS<number>" : "<country>");
        return -1;
    }
    /* the key without surrounding blanks */
    const char *k = v, *ke = eq;
    while (k < ke && (*k == ' ' || *k == '\t'))
        k++;
    while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
        ke--;
    snprintf(key, sizeof(key), "%.*s", (int)(ke - k), k);
    char *end;
    const char *w = eq + 1;
    while (*w == ' ' || *w == '\t')
        w++;
    double m = strtod(w, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == w || *end || !(m > 0) || m > 10) {
        snprintf(msg, msglen, "'%s': the multiplier must be a number in (0, 10]", v);
        return -1;
    }
    out->w = m;
    if (asn) {
        const char *d = key;
        if ((d[0] == 'A' || d[0] == 'a') && (d[1] == 'S' || d[1] == 's'))
            d += 2;
        if (!*d || strlen(d) > 10) {
            snprintf(msg, msglen, "'%s' is not AS<number>=multiplier", v);
            return -1;
        }
        uint64_t x = 0;
        for (; *d; d++) {
            if (*d < '0' || *d > '9') {
                snprintf(msg, msglen, "'%s' is not AS<number>=multiplier", v);
                return -1;
            }
            x = x * 10 + (uint64_t)(*d - '0');
        }
        if (x == 0 || x > UINT32_MAX) {
            snprintf(msg, msglen, "'%s': AS numbers are 1..4294967295", v);
            return -1;
        }
        out->asn = (uint32_t)x;
        return 0;
    }
    if (strlen(key) != 2 || !((key[0] | 0x20) >= 'a' && (key[0] | 0x20) <= 'z') ||
        !((key[1] | 0x20) >= 'a' && (key[1] | 0x20) <= 'z')) {
        snprintf(msg, msglen, "'%s' is not <ISO 3166 two-letter country code>=multiplier", v);
        return -1;
    }
    out->cc[0] = (char)(key[0] & ~0x20);
    out->cc[1] = (char)(key[1] & ~0x20);
    out->cc[2] = '\0';
    return 0;
}

static int load_geo_weights(struct loader *L, const config_setting_t *s,
                            const struct cfg_row *r, struct cfg_geo_weights *set, int n)
{
    int asn = r->type == T_ASN_WEIGHTS;
    set->n = 0;
    if (n > CFG_GEO_WEIGHTS_MAX)
        return fail(L, s, "'%s': at most %d entries", r->path, CFG_GEO_WEIGHTS_MAX);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v = config_setting_get_string(e);
        struct cfg_geo_weight gw;
        char msg[256];
        if (!v)
            return fail(L, e, "'%s': entries must be strings like \"%s\"", r->path,
                        asn ? "AS64500=1.5" : "NL=0.5");
        if (config_geo_weight_parse(v, asn, &gw, msg, sizeof(msg)) < 0)
            return fail(L, e, "'%s': %s", r->path, msg);
        for (int k = 0; k < set->n; k++)
            if (asn ? set->v[k].asn == gw.asn : strcmp(set->v[k].cc, gw.cc) == 0)
                return fail(L, e, "'%s': '%s' is listed twice", r->path, v);
        set->v[set->n++] = gw;
    }
    return 0;
}

static const char *const feed_formats[] = {
    "plain", "abusech_ja3", "abusech_sslbl", "feodo", "urlhaus", "stix",
};
static const char *const feed_types[] = {
    "ip", "domain", "url", "ja3", "ja4", "ja3s", "ja4s", "cert_sha1", "cert_sha256",
};

static int in_list(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

static int feed_string(struct loader *L, const config_setting_t *e, const char *key,
                       char *dst, size_t size)
{
    const char *v = config_setting_get_string(e);
    if (config_setting_type(e) != CONFIG_TYPE_STRING || !v || !*v)
        return fail(L, e, "feeds: '%s' must be a non-empty string", key);
    if (strlen(v) >= size)
        return fail(L, e, "feeds: '%s' is longer than %zu characters", key, size - 1);
    snprintf(dst, size, "%s", v);
    return 0;
}

/* feeds = ( { name = ...; path = ...; format = ...; ... }, ... ); */
static int load_feeds(struct loader *L, const config_setting_t *s, struct cfg_feeds *fs)
{
    int n = config_setting_length(s);
    fs->n = 0;
    if (n > CFG_FEEDS_MAX)
        return fail(L, s, "feeds: at most %d feeds", CFG_FEEDS_MAX);
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
        struct cfg_feed *f = &fs->v[fs->n];
        memset(f, 0, sizeof(*f));
        f->weight = CFG_FEED_WEIGHT;
        f->confidence = CFG_FEED_CONFIDENCE;
        f->line = (int)config_setting_source_line(g);
        if (config_setting_type(g) != CONFIG_TYPE_GROUP)
            return fail(L, g, "feeds: each feed is a group { name = ...; path = ...; format = ...; }");
        int m = config_setting_length(g);
        for (int k = 0; k < m; k++) {
            const config_setting_t *e = config_setting_get_elem(g, (unsigned)k);
            const char *key = config_setting_name(e);
            double v;
            if (!key)
                return fail(L, e, "feeds: unnamed setting");
            if (strcmp(key, "name") == 0) {
                if (feed_string(L, e, key, f->name, sizeof(f->name)) < 0)
                    return -1;
                for (const char *c = f->name; *c; c++)
                    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                          (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
                        return fail(L, e, "feeds: name '%s': letters, digits, '-', '_' and "
                                    "'.' only", f->name);
            } else if (strcmp(key, "path") == 0) {
                if (feed_string(L, e, key, f->path, sizeof(f->path)) < 0)
                    return -1;
            } else if (strcmp(key, "format") == 0) {
                if (feed_string(L, e, key, f->format, sizeof(f->format)) < 0)
                    return -1;
                if (!in_list(f->format, feed_formats, sizeof(feed_formats) / sizeof(*feed_formats)))
                    return fail(L, e, "feeds: unknown format '%s' (plain, abusech_ja3, "
                                "abusech_sslbl, feodo, urlhaus, stix)", f->format);
            } else if (strcmp(key, "type") == 0) {
                if (feed_string(L, e, key, f->type, sizeof(f->type)) < 0)
                    return -1;
                if (!in_list(f->type, feed_types, sizeof(feed_types) / sizeof(*feed_types)))
                    return fail(L, e, "feeds: unknown type '%s' (ip, domain, url, ja3, ja4, "
                                "ja3s, ja4s, cert_sha1, cert_sha256)", f->type);
            } else if (strcmp(key, "weight") == 0) {
                if (get_number(L, e, "feeds: weight", &v) < 0)
                    return -1;
                if (!(v >= 0 && v <= 100))
                    return fail(L, e, "feeds: weight = %g is out of range [0, 100]", v);
                f->weight = v;
            } else if (strcmp(key, "confidence") == 0) {
                if (get_number(L, e, "feeds: confidence", &v) < 0)
                    return -1;
                if (!(v >= 0 && v <= 1))
                    return fail(L, e, "feeds: confidence = %g is out of range [0, 1]", v);
                f->confidence = v;
            } else {
                return fail(L, e, "feeds: unknown setting '%s' (name, path, format, type, "
                            "weight, confidence)", key);
            }
        }
        if (!f->name[0] || !f->path[0] || !f->format[0])
            return fail(L, g, "feeds: a feed needs name, path and format");
        if (strcmp(f->format, "plain") == 0 && !f->type[0])
            return fail(L, g, "feeds: feed '%s': format plain needs a type", f->name);
        if (strcmp(f->format, "plain") != 0 && f->type[0])
            return fail(L, g, "feeds: feed '%s': type is only for format plain (%s says "
                        "what it holds)", f->name, f->format);
        for (int k = 0; k < fs->n; k++)
            if (strcmp(fs->v[k].name, f->name) == 0)
                return fail(L, g, "feeds: two feeds named '%s'", f->name);
        fs->n++;
    }
    return 0;
}

static int load_list(struct loader *L, const config_setting_t *s,
                     const struct cfg_row *r)
{
    int t = config_setting_type(s);
    void *dst = (char *)L->c + r->off;
    int n;

    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
        return fail(L, s, "'%s' must be a list, e.g. [ \"...\", \"...\" ]", r->path);
    n = config_setting_length(s);

    if (r->type == T_FEEDS) {
        if (t != CONFIG_TYPE_LIST)
            return fail(L, s, "'%s' must be a list of groups: ( { name = ...; }, ... )", r->path);
        return load_feeds(L, s, dst);
    }
    if (r->type == T_CIDRS) {
        struct cidr_set *set = dst;
        set->n = 0;
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            const char *v = config_setting_get_string(e);
            struct cidr cd;
            char msg[256];
            if (!v)
                return fail(L, e, "'%s': entries must be strings", r->path);
            if (cidr_parse(v, &cd, msg, sizeof(msg)) < 0)
                return fail(L, e, "'%s': %s", r->path, msg);
            if (cidr_set_add(set, &cd) < 0)
                return fail(L, e, "'%s': more than %d networks", r->path, CIDR_SET_MAX);
        }
        return 0;
    }
    if (r->type == T_PORTS) {
        uint32_t *ports = dst;
        if (n > CFG_PORTS_MAX)
            return fail(L, s, "'%s': at most %d ports", r->path, CFG_PORTS_MAX);
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            double v;
            if (get_number(L, e, r->path, &v) < 0)
                return -1;
            if (v < 1 || v > 65535 || v != (double)(uint32_t)v)
                return fail(L, e, "'%s': %g is not a port (1..65535)", r->path, v);
            ports[i] = (uint32_t)v;
        }
        L->c->pipe.n_dns_ports = n;
        return 0;
    }
    if (r->type == T_ASN_WEIGHTS || r->type == T_CC_WEIGHTS)
        return load_geo_weights(L, s, r, dst, n);
    /* T_NAMES */
    struct cfg_names *names = dst;
    names->n = 0;
    if (n > CFG_NAMES_MAX)
        return fail(L, s, "'%s': at most %d names", r->path, CFG_NAMES_MAX);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v = config_setting_get_string(e);
        if (!v || !*v)
            return fail(L, e, "'%s': entries must be non-empty strings", r->path);
        if (strlen(v) >= CFG_STR_MAX)
            return fail(L, e, "'%s': name longer than %d", r->path, CFG_STR_MAX - 1);
        const char *q = v[0] == '*' && v[1] == '.' ? v + 2 : v;
        for (const char *x = q; *x; x++) {
            if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') ||
                  (*x >= '0' && *x <= '9') || *x == '-' || *x == '.' || *x == '_'))
                return fail(L, e, "'%s': '%s' is not a DNS name or '*.zone' pattern",
                            r->path, v);
        }
        snprintf(names->v[names->n++], CFG_STR_MAX, "%s", v);
    }
    return 0;
}

static int load_leaf(struct loader *L, const config_setting_t *s,
                     const char *path)
{
    const struct cfg_row *r = find_row(path);
    void *dst;
    double v;

    if (!r)
        return fail(L, s, "unknown setting '%s'", path);
    dst = (char *)L->c + r->off;
    switch (r->type) {
    case T_U32:
        if (get_number(L, s, path, &v) < 0)
            return -1;
        if (v != (double)(int64_t)v)
            return fail(L, s, "'%s' must be a whole number", path);
        if (v < r->min || v > r->max)
            return fail(L, s, "'%s' = %g is out of range [%g, %g]", path, v,
                        r->min, r->max);
        *(uint32_t *)dst = (uint32_t)v;
        return 0;
    case T_BOOL:
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
            return fail(L, s, "'%s' must be true or false", path);
        *(int *)dst = config_setting_get_bool(s);
        return 0;
    case T_STR: {
        const char *str = config_setting_get_string(s);
        if (config_setting_type(s) != CONFIG_TYPE_STRING || !str)
            return fail(L, s, "'%s' must be a string", path);
        if (strlen(str) >= r->size)
            return fail(L, s, "'%s' is longer than %zu characters", path, r->size - 1);
        snprintf(dst, r->size, "%s", str);
        return 0;
    }
    default:
        return load_list(L, s, r);
    }
}

/* detect { name = number; ... }: kept for the detect module to validate. */
static int load_params(struct loader *L, const config_setting_t *g)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        double v;
        if (strcmp(name, "data_dir") == 0 || strcmp(name, "popularity_list") == 0) {
            char path[64];
            snprintf(path, sizeof(path), "detect.%s", name);
            if (load_leaf(L, s, path) < 0)
                return -1;
            continue;
        }
        if (get_number(L, s, name, &v) < 0)
            return -1;
        if (L->c->n_params >= CFG_PARAMS_MAX)
            return fail(L, s, "too many detect parameters");
        if (strlen(name) >= sizeof(L->c->params[0].name))
            return fail(L, s, "unknown detect parameter '%s'", name);
        struct cfg_param *p = &L->c->params[L->c->n_params++];
        snprintf(p->name, sizeof(p->name), "%s", name);
        p->value = v;
        p->line = (int)config_setting_source_line(s);
    }
    return 0;
}

static int walk(struct loader *L, const config_setting_t *g, const char *prefix)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        char path[256];

        if (!name)
            return fail(L, s, "unnamed setting");
        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", name);
        if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
            if (strcmp(path, "detect") == 0) {
                if (load_params(L, s) < 0)
                    return -1;
                continue;
            }
            if (!is_group(path))
                return fail(L, s, "unknown group '%s'", path);
            if (walk(L, s, path) < 0)
                return -1;
            continue;
        }
        if (load_leaf(L, s, path) < 0)
            return -1;
    }
    return 0;
}

int config_load(struct sh_config *c, const char *path, char *err, size_t errlen)
{
    config_t cf;
    struct loader L = { c, err, errlen, path };
    int rc = 0;

    config_init(&cf);
    if (!config_read_file(&cf, path)) {
        if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: cannot read the file", path);
        else
            snprintf(err, errlen, "%s:%d: %s",
                     config_error_file(&cf) ? config_error_file(&cf) : path,
                     config_error_line(&cf), config_error_text(&cf));
        config_destroy(&cf);
        return -1;
    }
    c->n_params = 0;
    if (walk(&L, config_root_setting(&cf), "") < 0)
        rc = -1;
    else
        snprintf(c->source, sizeof(c->source), "%s", path);
    config_destroy(&cf);
    return rc;
}

/* ---- comparing (SIGHUP) ------------------------------------------- */

static int feed_same(const struct cfg_feed *a, const struct cfg_feed *b)
{
    return strcmp(a->path, b->path) == 0 && strcmp(a->format, b->format) == 0 &&
           strcmp(a->type, b->type) == 0 && a->weight == b->weight &&
           a->confidence == b->confidence;
}

static const struct cfg_feed *feed_named(const struct cfg_feeds *fs, const char *name)
{
    for (int i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].name, name) == 0)
            return &fs->v[i];
    return NULL;
}

static const struct cfg_param *param_named(const struct sh_config *c, const char *name)
{
    for (int i = 0; i < c->n_params; i++)
        if (strcmp(c->params[i].name, name) == 0)
            return &c->params[i];
    return NULL;
}

static int weights_same(const struct cfg_geo_weights *a, const struct cfg_geo_weights *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->v[i].asn != b->v[i].asn || strcmp(a->v[i].cc, b->v[i].cc) != 0 ||
            a->v[i].w != b->v[i].w)
            return 0;
    return 1;
}

/* Does row r hold the same value in a and b? */
static int row_same(const struct cfg_row *r, const struct sh_config *a, const struct sh_config *b)
{
    const void *x = (const char *)a + r->off, *y = (const char *)b + r->off;
    switch (r->type) {
    case T_U32:
        return *(const uint32_t *)x == *(const uint32_t *)y;
    case T_BOOL:
        return *(const int *)x == *(const int *)y;
    case T_STR:
        return strncmp(x, y, r->size) == 0;
    case T_CIDRS: {
        const struct cidr_set *p = x, *q = y;
        return p->n == q->n && (p->n <= 0 || memcmp(p->c, q->c, (size_t)p->n * sizeof(p->c[0])) == 0);
    }
    case T_PORTS:
        return a->pipe.n_dns_ports == b->pipe.n_dns_ports &&
               (a->pipe.n_dns_ports <= 0 ||
                memcmp(x, y, (size_t)a->pipe.n_dns_ports * sizeof(uint32_t)) == 0);
    case T_NAMES: {
        const struct cfg_names *p = x, *q = y;
        if (p->n != q->n)
            return 0;
        for (int i = 0; i < p->n; i++)
            if (strcmp(p->v[i], q->v[i]) != 0)
                return 0;
        return 1;
    }
    case T_ASN_WEIGHTS:
    case T_CC_WEIGHTS:
        return weights_same(x, y);
    case T_FEEDS:
        return 1;          /* compared feed by feed */
    }
    return 1;
}

int config_diff(const struct sh_config *old, const struct sh_config *new,
                config_diff_fn fn, void *ctx)
{
    char path[128];
    int n = 0;
    for (size_t i = 0; i < NROWS; i++) {
        const struct cfg_row *r = &rows[i];
        if (r->type == T_FEEDS) {
            for (int k = 0; k < old->feeds.n; k++) {
                const struct cfg_feed *f = &old->feeds.v[k];
                const struct cfg_feed *g = feed_named(&new->feeds, f->name);
                if (!g || !feed_same(f, g)) {
                    snprintf(path, sizeof(path), "feeds.%s", f->name);
                    fn(ctx, path);
                    n++;
                }
            }
            for (int k = 0; k < new->feeds.n; k++) {
                if (feed_named(&old->feeds, new->feeds.v[k].name))
                    continue;
                snprintf(path, sizeof(path), "feeds.%s", new->feeds.v[k].name);
                fn(ctx, path);
                n++;
            }
            continue;
        }
        if (!row_same(r, old, new)) {
            fn(ctx, r->path);
            n++;
        }
    }
    for (int k = 0; k < old->n_params; k++) {
        const struct cfg_param *p = &old->params[k];
        const struct cfg_param *q = param_named(new, p->name);
        if (!q || q->value != p->value) {
            snprintf(path, sizeof(path), "detect.%s", p->name);
            fn(ctx, path);
            n++;
        }
    }
    for (int k = 0; k < new->n_params; k++) {
        if (param_named(old, new->params[k].name))
            continue;
        snprintf(path, sizeof(path), "detect.%s", new->params[k].name);
        fn(ctx, path);
        n++;
    }
    return n;
}

int config_copy_setting(struct sh_config *dst, const struct sh_config *src, const char *path)
{
    if (strncmp(path, "feeds.", 6) == 0) {
        dst->feeds = src->feeds;
        return 0;
    }
    const struct cfg_row *r = find_row(path);
    if (!r && strncmp(path, "detect.", 7) == 0) {
        const char *name = path + 7;
        const struct cfg_param *from = param_named(src, name);
        int at = -1;
        for (int i = 0; i < dst->n_params; i++)
            if (strcmp(dst->params[i].name, name) == 0)
                at = i;
        if (from) {
            if (at < 0) {
                if (dst->n_params >= CFG_PARAMS_MAX)
                    return -1;
                at = dst->n_params++;
            }
            dst->params[at] = *from;
        } else if (at >= 0) {
            memmove(&dst->params[at], &dst->params[at + 1],
                    (size_t)(dst->n_params - at - 1) * sizeof(dst->params[0]));
            dst->n_params--;
        }
        return 0;
    }
    if (!r)
        return -1;
    void *d = (char *)dst + r->off;
    const void *s = (const char *)src + r->off;
    switch (r->type) {
    case T_U32: memcpy(d, s, sizeof(uint32_t)); break;
    case T_BOOL: memcpy(d, s, sizeof(int)); break;
    case T_STR: memcpy(d, s, r->size); break;
    case T_CIDRS: memcpy(d, s, sizeof(struct cidr_set)); break;
    case T_PORTS:
        memcpy(d, s, sizeof(dst->pipe.dns_ports));
        dst->pipe.n_dns_ports = src->pipe.n_dns_ports;
        break;
    case T_NAMES: memcpy(d, s, sizeof(struct cfg_names)); break;
    case T_ASN_WEIGHTS:
    case T_CC_WEIGHTS: memcpy(d, s, sizeof(struct cfg_geo_weights)); break;
    case T_FEEDS: dst->feeds = src->feeds; break;
    }
    return 0;
}

/* ---- printing ----------------------------------------------------- */

static void print_value(const struct sh_config *c, const struct cfg_row *r, FILE *fp)
{
    const void *src = (const char *)c + r->off;
    char buf[128];
    switch (r->type) {
    case T_U32:
        fprintf(fp, "%u", *(const uint32_t *)src);
        break;
    case T_BOOL:
        fprintf(fp, "%s", *(const int *)src ? "true" : "false");
        break;
    case T_STR:
        fputc('"', fp);
        for (const char *p = src; *p; p++) {
            if (*p == '"' || *p == '\\')
                fputc('\\', fp);
            fputc(*p, fp);
        }
        fputc('"', fp);
        break;
    case T_CIDRS: {
        const struct cidr_set *set = src;
        fputc('[', fp);
        for (int i = 0; i < set->n; i++) {
            cidr_format(&set->c[i], buf, sizeof(buf));
            fprintf(fp, "%s\"%s\"", i ? ", " : " ", buf);
        }
        fprintf(fp, "%s]", set->n ? " " : "");
        break;
    }
    case T_PORTS: {
        const uint32_t *ports = src;
        fputc('[', fp);
        for (int i = 0; i < c->pipe.n_dns_ports; i++)
            fprintf(fp, "%s%u", i ? ", " : " ", ports[i]);
        fprintf(fp, "%s]", c->pipe.n_dns_ports ? " " : "");
        break;
    }
    case T_ASN_WEIGHTS:
    case T_CC_WEIGHTS: {
        const struct cfg_geo_weights *gw = src;
        fputc('[', fp);
        for (int i = 0; i < gw->n; i++) {
            if (r->type == T_ASN_WEIGHTS)
                fprintf(fp, "%s\"AS%u=%g\"", i ? ", " : " ", gw->v[i].asn, gw->v[i].w);
            else
                fprintf(fp, "%s\"%s=%g\"", i ? ", " : " ", gw->v[i].cc, gw->v[i].w);
        }
        fprintf(fp, "%s]", gw->n ? " " : "");
        break;
    }
    case T_FEEDS: {
        const struct cfg_feeds *fs = src;
        fputc('(', fp);
        for (int i = 0; i < fs->n; i++) {
            const struct cfg_feed *f = &fs->v[i];
            fprintf(fp, "%s\n  { name = \"%s\"; path = \"", i ? "," : "", f->name);
            for (const char *p = f->path; *p; p++) {
                if (*p == '"' || *p == '\\')
                    fputc('\\', fp);
                fputc(*p, fp);
            }
            fprintf(fp, "\"; format = \"%s\";", f->format);
            if (f->type[0])
                fprintf(fp, " type = \"%s\";", f->type);
            char w[32], cf[32];
            snprintf(w, sizeof(w), "%.10g", f->weight);
            snprintf(cf, sizeof(cf), "%.10g", f->confidence);
            fprintf(fp, " weight = %s%s; confidence = %s%s; }", w, strpbrk(w, ".e") ? "" : ".0",
                    cf, strpbrk(cf, ".e") ? "" : ".0");
        }
        fprintf(fp, "%s)", fs->n ? "\n" : " ");
        break;
    }
    case T_NAMES: {
        const struct cfg_names *nm = src;
        fputc('[', fp);
        for (int i = 0; i < nm->n; i++)
            fprintf(fp, "%s\"%s\"", i ? ", " : " ", nm->v[i]);
        fprintf(fp, "%s]", nm->n ? " " : "");
        break;
    }
    }
}

/* Prints rows grouped by their dotted prefix, in table order. */
void config_print(const struct sh_config *c, FILE *fp,
                  config_print_fn detect_params, void *ctx)
{
    char open[8][64];
    int depth = 0;

    fprintf(fp, "# spanhound effective configuration%s%s\n",
            c->source[0] ? " from " : " (built-in defaults)",
            c->source[0] ? c->source : "");
    for (size_t i = 0; i < NROWS; i++) {
        const struct cfg_row *r = &rows[i];
        char comps[8][64];
        int nc = 0;
        const char *p = r->path;
        while (*p && nc < 8) {
            const char *dot = strchr(p, '.');
            size_t n = dot ? (size_t)(dot - p) : strlen(p);
            snprintf(comps[nc++], sizeof(comps[0]), "%.*s", (int)n, p);
            p = dot ? dot + 1 : p + n;
        }
        /* close groups that differ */
        int common = 0;
        while (common < depth && common < nc - 1 &&
               strcmp(open[common], comps[common]) == 0)
            common++;
        while (depth > common) {
            depth--;
            fprintf(fp, "%*s};\n", depth * 2, "");
        }
        while (depth < nc - 1) {
            fprintf(fp, "%*s%s: {\n", depth * 2, "", comps[depth]);
            snprintf(open[depth], sizeof(open[0]), "%s", comps[depth]);
            depth++;
        }
        fprintf(fp, "%*s# %s\n%*s%s = ", depth * 2, "", r->help, depth * 2, "",
                comps[nc - 1]);
        print_value(c, r, fp);
        fprintf(fp, ";\n");
        if (strcmp(r->path, "detect.popularity_list") == 0) {   /* last detect row */
            if (detect_params)
                detect_params(ctx, fp, depth * 2);
            else
                for (int k = 0; k < c->n_params; k++)
                    fprintf(fp, "%*s%s = %g;\n", depth * 2, "", c->params[k].name,
                            c->params[k].value);
        }
    }
    while (depth > 0) {
        depth--;
        fprintf(fp, "%*s};\n", depth * 2, "");
    }
}

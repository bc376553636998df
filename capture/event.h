/*
 * event.h -- the one event struct that travels from capture to detect.
 *
 * Everything the detectors ever learn about the network arrives as a
 * struct sh_event: DNS messages, HTTP transactions, TLS/QUIC handshakes,
 * DHCP leases, ARP/NDP bindings and flow-end records.  Detectors never see
 * packets.
 *
 * Invariants
 *  - Fixed size, passed by value (copied into ring slots).  It holds no
 *    pointer: libpcap reuses its buffer, and the event outlives the packet.
 *  - Every string lives in ev->arena, NUL-terminated, referenced by a
 *    struct ev_str {off,len}.  len excludes the NUL.  A zero ev_str
 *    ({0,0}) is "absent or empty"; offset 0 of the arena is reserved as
 *    an empty string so that absent strings read back as "".
 *  - Strings are copied raw from the wire (any byte, including NUL is
 *    replaced, see ev_put); writers escape on output.  When the arena is
 *    full or a field is longer than its cap, the copy is cut and
 *    EVF_TRUNCATED is set: an event never fails to be built.
 *  - Addresses are stored in network byte order; IPv4 uses a[0..3].
 *  - Times are microseconds since the Unix epoch, taken from the packet
 *    (never from the machine's clock), so a replay is deterministic.
 *
 * Header direction follows Suricata's EVE: for DNS the header is the
 * packet's direction (a response goes server -> client); for HTTP, TLS,
 * QUIC and flow records it is the flow's direction (client -> server).
 */
#ifndef SH_EVENT_H
#define SH_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum ev_type {
    EV_NONE = 0,
    EV_DNS,   /* one DNS message (query or response)                */
    EV_HTTP,  /* one HTTP/1.x request and, when seen, its response  */
    EV_TLS,   /* one TLS handshake (or QUIC Initial, tls.quic = 1)  */
    EV_DHCP,  /* one DHCPv4 message                                 */
    EV_ARP,   /* a new or changed IP-to-MAC binding (ARP or IPv6 NDP)*/
    EV_FLOW,  /* flow-end record, or a periodic update of a live flow */
    EV_RA,    /* an IPv6 Router Advertisement (on-link prefixes)     */
    EV_DHCP6, /* one DHCPv6 message                                 */
    EV_TYPE_MAX
};

/* ev->flags */
#define EVF_TRUNCATED   0x0001u /* a string was cut (arena full or field cap) */
#define EVF_MALFORMED   0x0002u /* the parser hit an anomaly; partial content */
#define EVF_GAP         0x0004u /* stream bytes were lost before/inside it    */

#define EV_ARENA_SIZE 4096

struct ev_str {
    uint16_t off;
    uint16_t len;
};

struct sh_addr {
    uint8_t family; /* 4 or 6; 0 = none */
    uint8_t a[16];  /* network byte order, IPv4 in a[0..3] */
};

/* Zero the bits of a[16] beyond the first plen (plen <= 128): the network
 * of a prefix, as every struct ev_prefix carries it. */
static inline void sh_addr_mask(uint8_t a[16], unsigned plen)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bit = i * 8;

        if (bit >= plen)
            a[i] = 0;
        else if (plen - bit < 8)
            a[i] &= (uint8_t)(0xff << (8 - (plen - bit)));
    }
}

/* ---- DNS ---------------------------------------------------------- */

#define EV_DNS_MAX_Q   4   /* questions kept (RFC allows more; counted) */
#define EV_DNS_MAX_AN 20   /* answer RRs kept                           */

/* ev_dns.anomalies */
#define DNSA_TRUNCATED     0x0001u /* message shorter than its counts say  */
#define DNSA_BAD_POINTER   0x0002u /* compression pointer not backwards    */
#define DNSA_LABEL_TOO_LONG 0x0004u /* label > 63 (RFC 1035 2.3.4)          */
#define DNSA_NAME_TOO_LONG 0x0008u /* name > 255 octets (RFC 1035 2.3.4)   */
#define DNSA_COUNTS_CAPPED 0x0010u /* more RRs than kept                   */
#define DNSA_BAD_LABEL_TYPE 0x0020u /* 0x40/0x80 label types (RFC 6891)    */
#define DNSA_TOO_MANY_LABELS 0x0040u /* label/pointer budget exhausted      */
#define DNSA_BAD_RDATA     0x0080u /* rdlength disagrees with the type     */
#define DNSA_TC            0x0100u /* TC bit set (RFC 1035 4.1.1)          */

struct ev_dns_q {
    struct ev_str name;  /* presentation form, no trailing dot; "" = root  */
    uint16_t type;
    uint16_t klass;
};

struct ev_dns_rr {
    struct ev_str name;
    struct ev_str data;  /* A/AAAA: address text; CNAME/NS/PTR: name; MX:
                            exchange name; TXT: the strings concatenated
                            (raw bytes); others: absent (see rdlen) */
    uint32_t ttl;
    uint16_t type;
    uint16_t klass;
    uint16_t rdlen;      /* rdata length on the wire (TXT volume etc.)     */
    uint16_t mx_pref;
};

/* An SOA record (RFC 1035 3.3.13) from the authority section: a negative
 * answer's (NXDOMAIN, NODATA) zone and its negative-caching TTL. */
struct ev_dns_soa {
    uint8_t  present;
    struct ev_str name;  /* owner: the zone                               */
    struct ev_str mname; /* primary name server                           */
    struct ev_str rname; /* responsible mailbox, as a name                */
    uint32_t ttl;
    uint32_t serial, refresh, retry, expire, minimum;
};

struct ev_dns {
    uint8_t  qr;         /* 0 query, 1 response                           */
    uint8_t  opcode;
    uint8_t  rcode;      /* 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...         */
    uint8_t  tcp;        /* carried over TCP                              */
    uint16_t id;
    uint16_t flags;      /* the raw 16-bit flags word                     */
    uint16_t qdcount, ancount, nscount, arcount; /* as on the wire        */
    uint8_t  nq;         /* questions kept in q[]                         */
    uint8_t  nan;        /* answers kept in an[]                          */
    uint16_t anomalies;  /* DNSA_* bits                                   */
    uint16_t msg_len;    /* DNS message length (without TCP prefix)       */
    /* pairing, filled by the capture pipeline (not by dns_parse) */
    uint8_t  paired;     /* response matched to a query of this flow (same
                            5-tuple, transaction id, question name, type
                            and class)                                   */
    uint8_t  query_has_mac; /* paired: the query's Ethernet source ...   */
    uint8_t  query_mac[6];  /* ... was this MAC                          */
    uint8_t  unanswered; /* synthetic record: a query that got no answer */
    uint32_t rtt_us;     /* response time when paired                     */
    struct ev_dns_soa soa; /* the first SOA of the authority section      */
    struct ev_dns_q  q[EV_DNS_MAX_Q];
    struct ev_dns_rr an[EV_DNS_MAX_AN];
};

/* ---- HTTP --------------------------------------------------------- */

struct ev_http {
    struct ev_str method;
    struct ev_str uri;
    struct ev_str protocol;       /* "HTTP/1.1"                          */
    struct ev_str host;           /* Host header without port            */
    struct ev_str user_agent;
    struct ev_str referer;
    struct ev_str content_type;   /* request Content-Type                */
    struct ev_str resp_content_type;
    struct ev_str location;       /* response Location (redirects)       */
    struct ev_str server;         /* response Server header              */
    uint64_t request_body_len;    /* Content-Length or counted chunked   */
    uint64_t response_body_len;
    uint16_t status;              /* 0 = no response seen                */
    uint16_t host_port;           /* port in the Host header, 0 if none  */
    uint8_t  has_response;
    uint16_t tx_id;               /* index of the transaction in its flow */
};

/* ---- TLS / QUIC --------------------------------------------------- */

struct ev_tls {
    uint8_t  quic;               /* from QUIC Initial packets             */
    uint32_t quic_version;       /* QUIC: the long header's version        */
    uint8_t  has_client_hello;
    uint8_t  has_server_hello;
    uint8_t  has_cert;
    uint8_t  self_signed;        /* subject == issuer and AKI/SKI agree   */
    uint8_t  resumed;            /* server resumed a session (no cert)    */
    uint16_t client_version;     /* ClientHello legacy_version            */
    uint16_t version;            /* negotiated (supported_versions aware) */
    uint16_t cipher;             /* ServerHello cipher suite              */
    struct ev_str sni;
    struct ev_str alpn;          /* client's list, comma separated        */
    struct ev_str alpn_server;   /* the protocol the server selected      */
    char     ja3_hash[33];       /* hex MD5, "" when no ClientHello       */
    char     ja3s_hash[33];
    char     ja4[37];            /* FoxIO JA4 of the ClientHello (TCP):
                                    "t13d1516h2_8daaf6152771_e5627efa2ab1",
                                    "" when none was parsed whole         */
    char     ja4s[26];           /* FoxIO JA4S of the ServerHello:
                                    "t130200_1301_234ea6891581", "" none  */
    char     ja4x[40];           /* FoxIO JA4X of the leaf certificate:
                                    "a373a9f83c6b_2bab15409345_7bf9a7bf7029" */
    struct ev_str ja3;           /* the JA3 string hashed                 */
    struct ev_str ja3s;
    /* leaf certificate (TLS <= 1.2: sent in clear) */
    struct ev_str subject;       /* "C=US, O=Example, CN=example.com"     */
    struct ev_str issuer;
    struct ev_str serial;        /* "0A:1B:..."                           */
    struct ev_str fingerprint;   /* SHA-1 of the DER, "aa:bb:..."         */
    struct ev_str fingerprint_sha256; /* SHA-256 of the DER, lower hex, no ':' */
    struct ev_str san;           /* dNSName SANs, comma separated         */
    int64_t  notbefore;          /* Unix seconds                          */
    int64_t  notafter;
};

/* ---- DHCP --------------------------------------------------------- */

struct ev_dhcp {
    uint8_t  op;                 /* 1 BOOTREQUEST, 2 BOOTREPLY            */
    uint8_t  msg_type;           /* option 53: 1 discover ... 8 inform    */
    uint8_t  client_mac[6];      /* chaddr (htype 1, hlen 6)              */
    uint32_t xid;
    struct sh_addr client_ip;    /* ciaddr                                */
    struct sh_addr assigned_ip;  /* yiaddr, or option 50 in a request     */
    struct sh_addr server_id;    /* option 54                             */
    struct sh_addr router;       /* option 3, first                       */
    struct sh_addr dns_server;   /* option 6, first                       */
    uint32_t lease_time;         /* option 51, seconds                    */
    struct ev_str hostname;      /* option 12                             */
    struct ev_str vendor_class;  /* option 60                             */
    struct ev_str client_id;     /* option 61, hex                        */
    struct ev_str params;        /* option 55, decimal list (fingerprint) */
};

/* ---- ARP / NDP bindings ------------------------------------------- */

struct ev_arp {
    uint8_t  ndp;                /* 0 ARP, 1 IPv6 neighbour discovery     */
    uint8_t  op;                 /* ARP opcode, or ICMPv6 type (135/136)  */
    uint8_t  changed;            /* the IP had another MAC before         */
    uint8_t  mac[6];             /* the MAC the IP is bound to            */
    uint8_t  old_mac[6];         /* previous MAC when changed             */
    struct sh_addr ip;
};

/* ---- IPv6 Router Advertisements (RFC 4861 4.2) and DHCPv6 (RFC 8415) */

#define EV_PREFIX_MAX 4

/* ev_prefix.flags: the Prefix Information option's flags octet as on the
 * wire (RFC 4861 4.6.2); for DHCPv6 IA_PD prefixes (RFC 8415 21.22) 0. */
#define EVP_ONLINK     0x80u  /* L: on-link                              */
#define EVP_AUTONOMOUS 0x40u  /* A: usable for SLAAC                     */

struct ev_prefix {
    struct sh_addr prefix;       /* bits beyond len are zero              */
    uint8_t  len;                /* 0..128                                */
    uint8_t  flags;              /* EVP_*                                 */
    uint32_t valid_s;            /* valid lifetime, 0xffffffff = infinite */
    uint32_t preferred_s;
};

struct ev_ra {                   /* header: src = the router's link-local */
    uint8_t  router_mac[6];      /* Source Link-Layer Address option      */
    uint8_t  has_router_mac;
    uint8_t  cur_hop_limit;
    uint8_t  flags;              /* M (0x80), O (0x40) as on the wire     */
    uint16_t router_lifetime_s;  /* 0 = not a default router              */
    uint32_t mtu;                /* MTU option, 0 when absent             */
    uint8_t  nprefix;            /* Prefix Information options kept       */
    uint8_t  nrdnss;
    struct ev_prefix prefix[EV_PREFIX_MAX];
    struct sh_addr rdnss[2];     /* RFC 8106 Recursive DNS Servers        */
};

struct ev_dhcp6 {
    uint8_t  msg_type;           /* 1 SOLICIT ... 7 REPLY ... 11 INFORMATION-REQUEST */
    uint32_t xid;                /* 24-bit transaction id                 */
    struct ev_str client_duid;   /* option 1, lower-case hex with ':'     */
    struct ev_str server_duid;   /* option 2                              */
    uint8_t  client_mac[6];      /* link-layer address from a DUID-LLT/LL
                                    (hardware type 1) or RFC 6939 option 79 */
    uint8_t  has_client_mac;
    uint8_t  naddr;              /* IA_NA / IA_TA addresses kept          */
    uint8_t  nprefix;            /* IA_PD prefixes kept                   */
    uint8_t  ndns;
    struct sh_addr addr[EV_PREFIX_MAX];
    uint32_t addr_valid_s[EV_PREFIX_MAX];
    struct ev_prefix prefix[EV_PREFIX_MAX];
    struct sh_addr dns[2];       /* option 23                             */
    struct ev_str fqdn;          /* option 39 (client FQDN), presentation */
};

/* ---- flow end ----------------------------------------------------- */

enum ev_flow_reason {
    FLOW_END_TIMEOUT = 0,        /* idle timeout for its state            */
    FLOW_END_CLOSED,             /* FIN both ways or RST, then closed-timeout */
    FLOW_END_EVICTED,            /* table full: least recently used went  */
    FLOW_END_SHUTDOWN,           /* end of input / program exit           */
};

/* What a connection attempt got back (a retry storm is not a beacon). */
enum ev_flow_outcome {
    FLOWO_ANSWERED = 0,          /* the server sent something back         */
    FLOWO_UNANSWERED,            /* nothing came back (SYN unanswered, UDP
                                    or ICMP without a reply)               */
    FLOWO_REJECTED,              /* RST to the SYN, or reset before the
                                    server sent any payload               */
};

enum ev_tcp_state {
    TCPS_NONE = 0,               /* not TCP                               */
    TCPS_SYN_SENT,               /* SYN, no answer yet                    */
    TCPS_SYN_RECV,               /* SYN-ACK seen, handshake not complete  */
    TCPS_ESTABLISHED,
    TCPS_CLOSING,                /* a FIN was seen                        */
    TCPS_CLOSED,                 /* FIN both ways                         */
    TCPS_RESET,                  /* RST after establishment               */
    TCPS_REJECTED,               /* RST in answer to a SYN                */
    TCPS_MIDSTREAM,              /* picked up without a SYN               */
};

/* One application burst: payload in one direction separated from the
 * previous payload in that direction by at least the burst gap. */
struct ev_burst {
    uint64_t start_us;           /* first payload packet of the burst     */
    uint32_t dur_ms;             /* to its last payload packet            */
    uint32_t bytes;              /* L4 payload bytes (saturating)         */
    uint8_t  dir;                /* DIR_TOSERVER (0) or DIR_TOCLIENT (1)  */
};

#define EV_FLOW_BURSTS 16        /* both directions of one record         */

struct ev_flow {
    uint64_t pkts_toserver, pkts_toclient;
    uint64_t bytes_toserver, bytes_toclient;     /* IP bytes             */
    uint64_t payload_toserver, payload_toclient; /* L4 payload bytes     */
    uint64_t start_us, end_us;
    uint8_t  reason;             /* enum ev_flow_reason                   */
    uint8_t  tcp_state;          /* enum ev_tcp_state                     */
    uint8_t  tcp_flags_ts;       /* OR of flags client -> server          */
    uint8_t  tcp_flags_tc;
    uint8_t  icmp_type, icmp_code; /* first ICMP message                 */
    uint8_t  dpi_done;           /* nDPI reached a verdict (or gave up)   */
    uint8_t  dpi_guessed;        /* the verdict is a port-based guess     */
    uint16_t app_master, app_proto; /* nDPI ids                           */
    uint64_t risk;               /* nDPI risk bitmap (bit = risk id)      */
    struct ev_str app_name;      /* "TLS.Google"                          */
    struct ev_str category;      /* nDPI category name                    */
    struct ev_str risks;         /* risk names, comma separated           */
    /* a flow lives on: `update` records (flow.update_interval) carry the
     * counters so far; the end record follows when it leaves the table */
    uint8_t  update;             /* 1: periodic record of a live flow      */
    uint8_t  outcome;            /* enum ev_flow_outcome (so far)          */
    uint8_t  nburst;             /* bursts in burst[], in start order      */
    uint32_t bursts[2];          /* bursts per direction since the start   */
    uint32_t l2_foreign[2];      /* frames per direction whose Ethernet
                                    source was not that end's MAC (the
                                    header's MACs come from the first frame:
                                    source, and next hop)                 */
    uint8_t  reply_mac[6];       /* source MAC of the first answer (a router
                                    pair may answer from another MAC)     */
    uint8_t  has_reply_mac;
    struct ev_burst burst[EV_FLOW_BURSTS]; /* bursts that ended since the
                                    previous record of this flow          */
};

/* ---- the event ---------------------------------------------------- */

struct sh_event {
    uint8_t  type;               /* enum ev_type                          */
    uint8_t  proto;              /* IPPROTO_TCP / UDP / ICMP / ...; 0 for ARP */
    uint16_t vlan;               /* outermost 802.1Q id, 0 if none        */
    uint16_t flags;              /* EVF_*                                 */
    uint16_t arena_len;          /* bytes used in arena                   */
    uint64_t ts_us;              /* packet time                           */
    uint64_t flow_id;            /* 0 when not tied to a flow (ARP)       */
    struct sh_addr src, dst;
    uint16_t sport, dport;
    uint8_t  src_mac[6], dst_mac[6]; /* Ethernet addresses of this packet; */
    uint8_t  has_mac;                /* 0 on links without them           */
    union {
        struct ev_dns  dns;
        struct ev_http http;
        struct ev_tls  tls;
        struct ev_dhcp dhcp;
        struct ev_arp  arp;
        struct ev_flow flow;
        struct ev_ra   ra;
        struct ev_dhcp6 dhcp6;
    } u;
    char arena[EV_ARENA_SIZE];
};

/* Reset an event to "empty, type t", keeping nothing.  The header fields
 * are zeroed too; the caller fills them. */
static inline void ev_reset(struct sh_event *ev, int type)
{
    memset(ev, 0, offsetof(struct sh_event, arena));
    ev->type = (uint8_t)type;
    ev->arena[0] = '\0';
    ev->arena_len = 1;     /* offset 0 is the shared empty string */
}

/* Clear only the per-protocol part and the arena, keeping the header
 * (addresses, ports, times, flow id). */
static inline void ev_clear_body(struct sh_event *ev, int type)
{
    memset(&ev->u, 0, sizeof(ev->u));
    ev->type = (uint8_t)type;
    ev->flags = 0;
    ev->arena[0] = '\0';
    ev->arena_len = 1;
}

/* Copy up to `max` bytes of s (length n) into the arena and return its
 * reference.  NUL bytes inside s are stored as '?' (strings are C strings
 * for the consumers).  Cuts at `max` or at the arena's end and then sets
 * EVF_TRUNCATED.  max == 0 means "no cap but the arena". */
static inline struct ev_str ev_put(struct sh_event *ev, const void *s,
                                   size_t n, size_t max)
{
    struct ev_str r = {0, 0};
    size_t room;
    const uint8_t *in = (const uint8_t *)s;
    char *out;

    if (n == 0)
        return r;
    if (max && n > max) {
        n = max;
        ev->flags |= EVF_TRUNCATED;
    }
    if (ev->arena_len >= EV_ARENA_SIZE) {
        if (n)
            ev->flags |= EVF_TRUNCATED;
        return r;
    }
    room = (size_t)(EV_ARENA_SIZE - ev->arena_len) - 1; /* keep the NUL */
    if (n > room) {
        n = room;
        ev->flags |= EVF_TRUNCATED;
    }
    r.off = ev->arena_len;
    r.len = (uint16_t)n;
    out = ev->arena + r.off;
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] ? (char)in[i] : '?';
    out[n] = '\0';
    ev->arena_len = (uint16_t)(ev->arena_len + n + 1);
    return r;
}

static inline struct ev_str ev_puts(struct sh_event *ev, const char *s,
                                    size_t max)
{
    return ev_put(ev, s, strlen(s), max);
}

/* The C string an ev_str refers to ("" when absent). */
static inline const char *ev_s(const struct sh_event *ev, struct ev_str s)
{
    return ev->arena + s.off;
}

#endif /* SH_EVENT_H */

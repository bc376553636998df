/*
 * app.h -- the contract between the capture pipeline and the
 * application-layer parsers (dns.c, http.c, tls.c, quic.c, dhcp.c, dhcp6.c,
 * arp.c, ra.c).
 *
 * Stream parsers (HTTP, TLS, DNS over TCP) are state machines fed the
 * in-order bytes of one direction of one TCP connection, in any split:
 * feeding "GET / HT" then "TP/1.1\r\n..." gives the same events as one
 * call.  The pipeline does the TCP reassembly (in-order delivery,
 * retransmissions trimmed); when bytes are lost it calls x_gap() and the
 * parser resynchronises or gives up on that direction.
 *
 * Parser states are fixed-size, live in a pool owned by the pipeline
 * (x_state_size() tells how big), are initialised with x_init() and hold
 * no pointer to outside memory, so a state can be dropped at any time
 * without a destructor.  No parser allocates.
 *
 * Events: a parser builds a struct sh_event (type, ts_us, body, arena,
 * flags) and hands it to sink->emit(), which copies it.  The pipeline
 * fills the header (addresses, ports, flow id, VLAN, MACs) from the flow,
 * so parsers never touch those fields.
 */
#ifndef SH_APP_H
#define SH_APP_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum { DIR_TOSERVER = 0, DIR_TOCLIENT = 1 };

/* Parser counters.  One instance per capture thread, no atomics: only
 * the owning thread writes; the stats printer reads them at the end (or
 * racily, for an approximate SIGUSR1 dump). */
struct app_stats {
    uint64_t dns_parsed, dns_malformed, dns_tcp_oversize;
    uint64_t http_tx, http_malformed, http_gaps;
    uint64_t tls_handshakes, tls_malformed, tls_gaps;
    uint64_t tls_certs, tls_cert_malformed;
    uint64_t dhcp_parsed, dhcp_malformed;
    uint64_t arp_parsed, arp_malformed, ndp_parsed, ndp_malformed;
    uint64_t ra_parsed, ra_malformed;      /* malformed: rejected (-1) or
                                              parsed with EVF_MALFORMED */
    uint64_t ra_prefixes_dropped;          /* usable prefixes beyond
                                              EV_PREFIX_MAX               */
    uint64_t dhcp6_parsed, dhcp6_malformed;
    /* QUIC (quic.h) */
    uint64_t quic_initials, quic_decrypt_failed, quic_clienthellos;
    uint64_t quic_serverhellos, quic_reassembly_overflow, quic_malformed;
    uint64_t quic_unknown_version, quic_events, quic_ndpi_sni;
};

/* Called by a parser when an event is complete.  `dir` is the direction
 * of the packet that completed it.  The callee copies *ev; the parser
 * may reuse it at once. */
typedef void (*app_emit_fn)(void *ctx, int dir, struct sh_event *ev);

struct app_sink {
    app_emit_fn emit;
    void *ctx;
    struct app_stats *stats;
};

#endif /* SH_APP_H */

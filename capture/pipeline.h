/*
 * pipeline.h -- one capture worker: frames in, metadata events out.
 *
 * decode -> flow table -> nDPI -> TCP stream reassembly -> application
 * parsers (DNS, HTTP, TLS, DHCP, ARP/NDP) -> struct sh_event to `out`.
 *
 * A pipeline is single-threaded and owns everything it uses (flow table,
 * nDPI module, parser pools, DNS pairing table); several pipelines can run
 * in parallel threads on disjoint flows.  Its clock is packet time: the
 * highest timestamp seen so far drives idle timeouts, so a replay yields
 * the same events on any machine.  Events carry their packet's own
 * timestamp.
 *
 * `out` is called synchronously with a pipeline-owned event; it must copy
 * what it keeps before returning.
 */
#ifndef SH_PIPELINE_H
#define SH_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "decode.h"
#include "event.h"
#include "flow.h"

#define PIPELINE_MAX_PORTS 8

struct pipeline_cfg {
    uint32_t flow_capacity;
    struct flow_timeouts timeouts;
    int      dpi_enabled;
    uint32_t dpi_pool;           /* concurrent nDPI states               */
    uint32_t dpi_max_packets;    /* payload packets before giving up     */
    int      dpi_extra;          /* follow nDPI's extra dissection       */
    int      dpi_tls_parser;     /* TLS named from our parser's SNI      */
    uint32_t http_states, tls_states, dns_tcp_states; /* parser pools    */
    uint32_t quic_states;        /* QUIC connections decoded at once     */
    uint32_t reorder_flows;      /* flows holding out-of-order segments  */
    uint32_t dns_pending;        /* queries awaiting an answer           */
    uint32_t dns_timeout_ms;     /* after which a query is "unanswered"  */
    uint32_t dns_ports[PIPELINE_MAX_PORTS];
    int      n_dns_ports;
    uint32_t arp_capacity;       /* IP-to-MAC bindings remembered        */
    uint32_t arp_refresh_s;      /* re-announce an unchanged binding     */
    uint32_t vxlan_port;         /* 0 = no VXLAN decapsulation           */
    int      flow_events;        /* emit EV_FLOW records                 */
    uint32_t flow_update_s;      /* a live flow's update record every this
                                    many seconds of activity; 0 = none   */
    uint32_t burst_gap_ms;       /* idle time that ends a payload burst  */
};

/* The defaults of every field live in the configuration table
 * (config/config.c), which embeds a struct pipeline_cfg in struct
 * sh_config: config_defaults() fills it, the file overrides it, and the
 * pipeline is created from it as is -- one source for every setting. */

typedef void (*pipeline_out_fn)(void *ctx, const struct sh_event *ev);

struct pipeline_stats {
    uint64_t packets, bytes;
    uint64_t decode_err[DEC_ERR_MAX];  /* by decode_err kind (DEC_OK unused) */
    uint64_t ipv4, ipv6, tcp, udp, icmp, other_l4, arp, tunnelled;
    uint64_t snap_truncated;           /* payload cut by the snaplen     */
    uint64_t tcp_gaps, tcp_retransmits, tcp_port_reuse, tcp_reordered;
    uint64_t events[EV_TYPE_MAX];
    uint64_t dns_unanswered, dns_paired, dns_pending_overflow;
    uint64_t parser_pool_exhausted;
    uint64_t time_backwards;           /* packets older than the clock   */
    uint64_t flow_updates;             /* update records of live flows   */
};

struct pipeline;

struct pipeline *pipeline_create(const struct pipeline_cfg *cfg,
                                 pipeline_out_fn out, void *ctx,
                                 char *err, size_t errlen);
/* Flushes nothing: call pipeline_finish first to get the flow-end records. */
void pipeline_destroy(struct pipeline *pl);   /* NULL is a no-op */

/* One captured frame of link type dlt (pcap_datalink), time in us. */
void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_us,
                     const uint8_t *frame, uint32_t caplen, uint32_t wirelen);

/* Advance the clock without a packet (live capture on a quiet link). */
void pipeline_tick(struct pipeline *pl, uint64_t now_us);

/* End of input: every flow ends (reason shutdown), pending DNS queries are
 * reported unanswered, parsers flush. */
void pipeline_finish(struct pipeline *pl);

void pipeline_get_stats(const struct pipeline *pl, struct pipeline_stats *s);

/* The flow table's occupancy and evictions (capacity: cfg.flow_capacity),
 * for the health report (appliance/health.c). */
void pipeline_flow_stats(const struct pipeline *pl, struct flow_table_stats *s);

/* Print every counter, one "name value" per line, prefixed (e.g.
 * "capture."). */
void pipeline_print_stats(const struct pipeline *pl, FILE *fp);

#endif /* SH_PIPELINE_H */

/*
 * flow.h -- the bidirectional flow table.
 *
 * A flow is keyed by (addresses, ports, transport, VLAN) in canonical order,
 * so both directions of a conversation meet in one record.  The client is
 * decided by the first packet and SYN (a first packet that is a SYN-ACK, or
 * that comes from a well-known port to an ephemeral one, makes its sender the
 * server).
 *
 * Memory is fixed at creation: `capacity` records and a power-of-two bucket
 * array; nothing is allocated per packet.  Every record sits on exactly one
 * of FC_MAX idle lists (one per timeout class), each in last-seen order, so
 * expiring idle flows and choosing the least recently used victim are O(1)
 * per flow.  When the table is full the least recently seen flow (oldest
 * head among the lists) is evicted.
 *
 * The table calls `on_end(ctx, flow, reason)` exactly once for every flow
 * that leaves it (timeout, close, eviction, flush), before the record is
 * reused, so the owner can emit the flow-end record and release the flow's
 * DPI and parser state.
 *
 * struct flow is shared with the pipeline: the fields under "owner" are the
 * pipeline's to use; the ones under "table" belong to flow.c.
 */
#ifndef SH_FLOW_H
#define SH_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "event.h"

#define FLOW_NONE UINT32_MAX

enum flow_class {
    FC_TCP_NEW = 0,   /* handshake not complete                  */
    FC_TCP_EST,       /* established, midstream, half closed      */
    FC_TCP_CLOSED,    /* FIN both ways, RST, rejected             */
    FC_UDP,
    FC_ICMP,
    FC_OTHER,
    FC_MAX
};

struct flow_key {
    uint8_t  a[16], b[16];    /* addresses, a <= b (canonical)         */
    uint16_t pa, pb;          /* ports belonging to a and b            */
    uint16_t vlan;
    uint8_t  proto;
    uint8_t  ver;             /* 4 or 6                                */
};

/* Application bursts of one direction (see struct ev_burst): the open
 * one, and those ended since the flow's last record.  Times are offsets
 * from the flow's first packet in milliseconds (49 days of range). */
#define FLOW_BURSTS 8

struct flow_bursts {
    uint32_t open_ms, last_ms;     /* the open burst: start, last payload  */
    uint32_t open_bytes;
    uint8_t  open;                 /* a burst is open                      */
    uint8_t  n;                    /* ended bursts held in ring[]          */
    uint32_t total;                /* bursts since the start               */
    struct { uint32_t start_ms, dur_ms, bytes; } ring[FLOW_BURSTS];
};

struct flow {
    /* ---- table ---- */
    struct flow_key key;
    uint32_t hnext;           /* bucket chain / free list              */
    uint32_t lprev, lnext;    /* idle list of `klass`                  */
    uint32_t hash;
    uint8_t  klass;
    uint8_t  in_use;

    /* ---- owner (pipeline) ---- */
    uint8_t  client_is_a;     /* key.a is the client                   */
    uint8_t  tcp_state;       /* enum ev_tcp_state                     */
    uint8_t  tcp_flags[2];    /* OR of flags per direction             */
    uint8_t  fin_seen[2];
    uint8_t  icmp_type, icmp_code;
    uint8_t  dpi_state;       /* 0 none yet, 1 running, 2 done, 3 off,
                                 4 TLS: classified from our parser     */
    uint8_t  dpi_guessed;
    uint8_t  app_kind;        /* pipeline's parser kind                */
    uint8_t  app_probes;      /* client segments probed so far        */
    uint8_t  seq_valid[2];
    uint8_t  has_mac;
    uint8_t  tls_parsed;      /* our TLS parser took the connection   */
    uint8_t  quic_emitted;    /* our QUIC parser's EV_TLS is out      */
    uint8_t  cmac[6], smac[6];/* client and server MAC, fixed by the
                                 first frame (see l2_foreign)          */
    uint16_t app_master, app_proto;
    uint16_t category;
    uint32_t next_seq[2];
    uint32_t dpi_slot;        /* index into the nDPI pool, or FLOW_NONE */
    uint32_t app_slot;        /* index into the parser pool, or FLOW_NONE */
    uint32_t ooo_slot;        /* held out-of-order segments, or FLOW_NONE */
    uint64_t risk;
    uint64_t first_us, last_us;
    uint64_t flow_id;
    uint64_t pkts[2], bytes[2], payload[2]; /* [DIR_TOSERVER], [DIR_TOCLIENT] */
    uint64_t report_us;       /* last update record (0: none yet)     */
    uint32_t l2_foreign[2];   /* frames from another MAC than that end's */
    uint8_t  rmac[6];         /* source MAC of the first answer       */
    uint8_t  has_rmac;
    struct flow_bursts burst[2];
};

struct flow_timeouts {
    uint32_t sec[FC_MAX];
};

struct flow_table_stats {
    uint64_t created, ended, evicted, timed_out, closed, flushed;
    uint64_t active, peak_active;
};

typedef void (*flow_end_fn)(void *ctx, struct flow *f, int reason);

struct flow_table;

/* Capacity >= 1.  Returns NULL and fills err when memory cannot be had. */
struct flow_table *flow_table_create(size_t capacity,
                                     const struct flow_timeouts *to,
                                     flow_end_fn on_end, void *ctx,
                                     char *err, size_t errlen);
void flow_table_destroy(struct flow_table *t);   /* NULL is a no-op; does
                                                    not call on_end */

/* Build the canonical key of a decoded IP packet; *is_a = the packet's
 * source is key.a. */
void flow_key_from_pkt(const struct pkt *pk, struct flow_key *k, int *src_is_a);

/* Find the flow of key k, or create it (evicting the LRU flow when full).
 * *created is set when the record is new (all owner fields zeroed, slots
 * FLOW_NONE, flow_id set).  Never returns NULL. */
struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k,
                         uint64_t now_us, int *created);

/* Record activity: moves f to the tail of its class list (class may
 * change, e.g. when a TCP handshake completes). */
void flow_touch(struct flow_table *t, struct flow *f, int klass,
                uint64_t now_us);

/* End flow f now (e.g. a new SYN reuses a closed 5-tuple). */
void flow_end(struct flow_table *t, struct flow *f, int reason);

/* End every flow idle for longer than its class timeout at `now_us`.
 * Returns the number ended. */
size_t flow_expire(struct flow_table *t, uint64_t now_us);

/* End every flow (end of input), oldest first. */
void flow_flush(struct flow_table *t, int reason);

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s);

/* Index of f in the table (stable while the flow lives), for side tables. */
uint32_t flow_index(const struct flow_table *t, const struct flow *f);

#endif /* SH_FLOW_H */

/*
 * dpi.h -- nDPI 4.2 flow classification with a bounded state pool.
 *
 * nDPI needs a 688-byte struct ndpi_flow_struct per flow while it
 * classifies.  We keep those in a fixed pool of `pool_size` slots: a flow
 * takes a slot at its first payload packet (so a SYN flood costs nothing),
 * feeds nDPI until it reaches a verdict (optionally: one it will not refine
 * by extra dissection) or until `max_packets` packets, then gives the slot back and keeps only the compact
 * result (protocol ids, category, risk bitmap).  When the pool is empty the
 * flow is not inspected and `pool_exhausted` is counted.
 *
 * One struct dpi per capture thread (nDPI's module is not thread-safe).
 */
#ifndef SH_DPI_H
#define SH_DPI_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define DPI_NONE UINT32_MAX

struct dpi_result {
    uint16_t master, app;       /* nDPI protocol ids (0 = unknown)        */
    uint16_t category;
    uint8_t  guessed;           /* from ports/IP only (giveup guess)      */
    uint8_t  quic;              /* the flow is QUIC                        */
    uint64_t risk;              /* bit i = ndpi_risk_enum i                */
    char     host[80];          /* nDPI's host_server_name (QUIC SNI ...)  */
};

struct dpi_stats {
    uint64_t flows_inspected, flows_classified, flows_guessed, flows_unknown;
    uint64_t packets, pool_exhausted, pool_in_use, pool_peak;
};

struct dpi;

/* extra: keep feeding a classified flow while nDPI can still learn from it
 * (TLS certificate checks and their risks) instead of releasing it at the
 * first verdict; costs about as much again in nDPI time for TLS. */
struct dpi *dpi_create(uint32_t pool_size, uint32_t max_packets, int extra,
                       char *err, size_t errlen);
void dpi_destroy(struct dpi *d);          /* NULL is a no-op */

/* A slot for a new flow, or DPI_NONE when the pool is empty. */
uint32_t dpi_acquire(struct dpi *d);

/* Feed one IP packet (l3 = IP header onwards, clamped) of the flow in
 * `slot`.  Returns 1 when the verdict is final: *res is filled and the slot
 * is released (the caller forgets it); 0 to keep feeding. */
int dpi_feed(struct dpi *d, uint32_t slot, const uint8_t *l3, size_t l3_len,
             uint64_t ts_us, struct dpi_result *res);

/* Give up now (flow ended): fills *res with nDPI's best guess and releases
 * the slot. */
void dpi_finish(struct dpi *d, uint32_t slot, struct dpi_result *res);

/* Classify a TLS connection from what our own parser read, without giving
 * nDPI the packets (its ClientHello re-parse was a third of the capture
 * thread): the application comes from nDPI's host automata on the SNI
 * (exactly how nDPI itself names TLS flows), and the risks nDPI would
 * raise on a handshake are derived from the parsed ClientHello,
 * ServerHello and leaf certificate, under nDPI's own risk ids.
 * Without a name that matches, nDPI's address ranges name the server (as
 * nDPI does).  `tls` is the EV_TLS event (NULL when the handshake was never
 * seen whole); server and server_port the flow's server side. */
void dpi_classify_tls(struct dpi *d, const struct sh_event *tls,
                      const struct sh_addr *server, uint16_t server_port,
                      struct dpi_result *res);

/* Human names.  buf receives e.g. "TLS.Google" or "Unknown". */
const char *dpi_proto_name(struct dpi *d, uint16_t master, uint16_t app,
                           char *buf, size_t buflen);
const char *dpi_category_name(struct dpi *d, uint16_t category);
/* Comma-separated risk names of a bitmap into buf ("" when none). */
void dpi_risk_names(uint64_t risk, char *buf, size_t buflen);

void dpi_get_stats(const struct dpi *d, struct dpi_stats *s);

#endif /* SH_DPI_H */

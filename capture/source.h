/*
 * source.h -- where packets come from: pcap/pcapng files replayed in order
 * as one capture, or a live interface.
 *
 * Live capture follows libpcap's create -> set -> activate lifecycle:
 * promiscuous, immediate mode (no batching delay), a configurable kernel
 * buffer and snaplen, a BPF filter.  Offline, every file is opened in turn
 * (its own link type is passed with each packet); a file that cannot be
 * read is reported and skipped, a truncated file is reported after its
 * readable packets.
 */
#ifndef SH_SOURCE_H
#define SH_SOURCE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SOURCE_MAX_FILES 256
#define SOURCE_MAX_IFACES 16

struct source_cfg {
    const char *files[SOURCE_MAX_FILES];
    int nfiles;
    const char *iface;          /* live when non-NULL: one interface or
                                   several, comma separated ("eth1,eth2") */
    uint32_t snaplen;
    uint32_t buffer_mb;
    int promisc;
    const char *bpf;            /* "" or NULL = none                   */
};

/* Called for every packet.  The bytes are valid only during the call. */
typedef void (*source_pkt_fn)(void *ctx, int dlt, uint64_t ts_us,
                              const uint8_t *data, uint32_t caplen,
                              uint32_t wirelen);
/* Called about every 100 ms of wall time when live and idle. */
typedef void (*source_idle_fn)(void *ctx, uint64_t now_us);

struct source_stats {
    uint64_t packets;
    uint64_t files_ok, files_failed, files_truncated;
    uint64_t kernel_received, kernel_dropped, iface_dropped; /* live only */
    uint64_t links_down;        /* live: times an interface was seen down */
};

struct source;

/* Opens the live interface (and checks it) or validates the file list.
 * NULL + err on failure (bad interface, bad BPF, no permission). */
struct source *source_open(const struct source_cfg *cfg, char *err, size_t errlen);
void source_close(struct source *s);          /* NULL is a no-op */

int source_is_live(const struct source *s);

/* Runs until the input ends or *stop becomes non-zero.  Errors about
 * individual files are written to `log` as they happen.  Returns 0 when
 * every file was read completely (or live capture stopped), 1 when some
 * input could not be read. */
int source_run(struct source *s, source_pkt_fn on_pkt, source_idle_fn on_idle,
               void *ctx, volatile sig_atomic_t *stop, FILE *log);

/* Refreshes the kernel counters (live) and copies the stats: with several
 * interfaces the kernel counters are their sums. */
void source_get_stats(struct source *s, struct source_stats *st);

/* Live: how many interfaces, the name of one, and its own counters
 * (packets, kernel_received/dropped, iface_dropped) as of the last
 * source_get_stats (which asks the kernel for all of them once).
 * Offline: 0. */
int source_iface_count(const struct source *s);
const char *source_iface_name(const struct source *s, int i);
void source_get_iface_stats(struct source *s, int i, struct source_stats *st);

/* Live, on the capture thread: whether interface i can deliver packets
 * now.  Down (not IFF_UP), no carrier (not IFF_RUNNING: cable pulled, the
 * switch's SPAN session port down) and gone (removed, or its capture
 * stopped on an error) mean the sensor is blind on it. */
enum { SOURCE_IF_UP = 0, SOURCE_IF_DOWN, SOURCE_IF_NO_CARRIER, SOURCE_IF_GONE };
int source_iface_state(const struct source *s, int i);

/* Offline: how far the replay is (for a progress line; may be read from
 * another thread, values are approximate then): the file being read
 * (1-based), the number of files, bytes read and the files' total size. */
struct source_position {
    int file, nfiles;
    uint64_t bytes_done, bytes_total;
};
void source_get_position(const struct source *s, struct source_position *pos);

#endif /* SH_SOURCE_H */

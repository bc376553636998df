/*
 * quic.h -- QUIC Initial packets: long headers (RFC 9000 17.2), Initial
 * packet protection (RFC 9001 5: initial secrets from the client's first
 * Destination Connection ID, header protection, AEAD_AES_128_GCM), CRYPTO
 * frame reassembly across Initial packets, and the TLS ClientHello and
 * ServerHello they carry, as one EV_TLS event (tls.quic = 1) per
 * connection with SNI, ALPN, JA3, JA4 ("q..."), JA3S.
 *
 * Versions: 1 (RFC 9000/9001), 2 (RFC 9369: its salt, "quicv2 key/iv/hp"
 * labels and long-header type numbers) and draft-29 (0xff00001d, the
 * draft's salt; drafts 30-32 use the same salt and are decoded too).
 * Anything else (gQUIC Q0xx/T0xx, other drafts, Version Negotiation) is
 * counted as quic_unknown_version and left to nDPI.
 *
 * Datagram contract: quic_feed() takes one UDP payload of the flow in
 * either direction.  The state is fixed-size (quic_state_size()),
 * pointer-free and needs no destructor; the pipeline allocates it from its
 * pool and calls quic_init() before the first feed.  Nothing allocates.
 *
 * Emission (one event per connection):
 *   - when the ServerHello (server's Initial CRYPTO data) is complete and
 *     so is the ClientHello;
 *   - when the ClientHello is complete but QUIC_SERVER_WAIT server
 *     datagrams came without an Initial that opens and no ServerHello
 *     (ACK-only Initials do not count), or QUIC_CLIENT_WAIT client
 *     datagrams followed the ClientHello (an unanswered client), or the
 *     client already sends 1-RTT (short header) packets: the server's
 *     Initial was lost, or protected under keys we do not have (e.g. a
 *     Retry we missed);
 *   - at quic_close() (flow end) with whatever was seen: a ClientHello,
 *     a ServerHello, or only the SNI nDPI read (quic_set_fallback_sni,
 *     for connections whose Initial we could not decrypt).
 * A connection is given up (quic_done() becomes 1) as soon as a client
 * Initial does not open while nothing ever opened (the client's own DCID
 * keys open any first Initial it sends; one that does not is forged or
 * from a connection whose start was missed, and no later packet of it can
 * open: holding the state would let a flood of fake Initials, one per
 * source port, take the whole pool), or when QUIC_GIVE_UP client
 * Initials fail before any CRYPTO byte arrived.  It says nDPI's name
 * (quic_set_fallback_sni) then if it has one, else nothing.
 *
 * Counters (sink->stats): quic_initials (Initial packets decrypted),
 * quic_decrypt_failed, quic_clienthellos, quic_serverhellos,
 * quic_reassembly_overflow, quic_malformed (long header or frame fault,
 * or a hello that failed to parse), quic_unknown_version (counted by the
 * prober), quic_events, quic_ndpi_sni (events carrying nDPI's SNI only).
 */
#ifndef SH_QUIC_H
#define SH_QUIC_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "event.h"

#define QUIC_V1        0x00000001u
#define QUIC_V2        0x6b3343cfu   /* RFC 9369 3.1 */
#define QUIC_DRAFT29   0xff00001du

#define QUIC_CID_MAX       20        /* RFC 9000 17.2 (v1, v2, draft-29) */
#define QUIC_CH_MAX        16384     /* client CRYPTO bytes kept          */
#define QUIC_SH_MAX        8192      /* server CRYPTO bytes kept          */
#define QUIC_PKT_MAX       16384     /* largest Initial decrypted         */
#define QUIC_SERVER_WAIT   4         /* server datagrams awaited for a SH */
#define QUIC_CLIENT_WAIT   8         /* client datagrams after its CH, idem */
#define QUIC_GIVE_UP       4         /* client Initials failing: give up  */

/* Long-header packet types, version independent */
enum { QPT_INITIAL = 0, QPT_0RTT, QPT_HANDSHAKE, QPT_RETRY };

struct quic_keys {
    uint8_t key[16];
    uint8_t iv[12];
    uint8_t hp[16];
};

/* One long-header packet (RFC 9000 17.2) at the start of a datagram's rest. */
struct quic_long {
    uint32_t version;
    int      type;          /* QPT_*, -1 when the version is not known  */
    uint8_t  dcid_len, scid_len;
    uint8_t  dcid[QUIC_CID_MAX], scid[QUIC_CID_MAX];
    size_t   token_off, token_len;
    size_t   pn_off;        /* Initial/0-RTT/Handshake: the packet number */
    size_t   pkt_len;       /* bytes of this packet in the datagram       */
};

/* 1 if version is one this module decrypts (1, 2, draft-29..32). */
int quic_version_known(uint32_t version);

/* Parse the long header at p.  Returns 0 with h filled (h->type -1 for an
 * unknown version, whose pkt_len is then the rest of the datagram and
 * whose CIDs are kept only when at most 20 bytes, else their length is
 * 0), or -1
 * when p is not a well-formed long header (short header, CID over 20
 * bytes, a length past len, Version Negotiation). */
int quic_parse_long(const uint8_t *p, size_t len, struct quic_long *h);

/* RFC 9001 5.2 (RFC 9369 3.3): the Initial keys of one side (server 0:
 * client's, 1: server's) from the client's first Destination Connection
 * ID.  Returns 0, or -1 for an unknown version or a CID over 20 bytes. */
int quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
                      int server, struct quic_keys *k);

/* Remove header protection and decrypt the Initial packet p (h from
 * quic_parse_long on the same bytes) with k.  largest_pn is the largest
 * packet number decrypted so far in that direction (-1: none), for the
 * packet number's reconstruction (RFC 9000 A.3).  The plaintext frames go
 * to out (outcap bytes); *pn receives the packet number.  Returns the
 * plaintext length, or -1 (too short, too large, authentication failed).
 * p is not modified. */
long quic_decrypt(const uint8_t *p, const struct quic_long *h,
                  const struct quic_keys *k, int64_t largest_pn,
                  uint8_t *out, size_t outcap, uint64_t *pn);

/* RFC 9000 A.3: the full packet number of a truncated one of nbits bits
 * (8, 16, 24, 32) given the largest decrypted so far (-1: none). */
uint64_t quic_decode_pn(int64_t largest, uint64_t truncated, unsigned nbits);

/* Walk the frames of a decrypted Initial: PADDING, PING and ACK are
 * skipped, every CRYPTO frame is handed to fn(ctx, offset, data, n).
 * Returns 0 at the end, 1 when it stopped at a frame not allowed or not
 * understood in an Initial (CONNECTION_CLOSE included), -1 on a frame
 * cut short. */
typedef void (*quic_crypto_fn)(void *ctx, uint64_t off, const uint8_t *p, size_t n);
int quic_frames(const uint8_t *p, size_t len, quic_crypto_fn fn, void *ctx);

/* 1 if a datagram starts with a client Initial this module can decode
 * (long header, known version, Initial type, at least 1200 bytes as RFC
 * 9000 14.1 requires); 2 if it looks like QUIC of a version not known
 * (long header, at least 1200 bytes); 0 otherwise. */
int quic_probe(const uint8_t *p, size_t len);

/* ---- per-connection state ------------------------------------------- */

struct quic_state;

size_t quic_state_size(void);
void quic_init(struct quic_state *s);

/* One UDP payload of the connection in direction dir (DIR_TOSERVER,
 * DIR_TOCLIENT), seen at ts_us.  Borrows p for the call. */
void quic_feed(struct quic_state *s, int dir, const uint8_t *p, size_t len,
               uint64_t ts_us, const struct app_sink *sink);

/* nDPI's name for the connection, reported by quic_close() when no
 * ClientHello was decoded. */
void quic_set_fallback_sni(struct quic_state *s, const char *sni);

/* End of the connection: emit what is pending (see above). */
void quic_close(struct quic_state *s, uint64_t ts_us, const struct app_sink *sink);

/* 1 once the event is out: the pipeline may drop the state. */
int quic_done(const struct quic_state *s);

/* Suricata's EVE text of a version: lower-case hex without leading zeros
 * ("1", "6b3343cf", "ff00001d"), into buf (at least 9 bytes). */
const char *quic_version_str(uint32_t version, char *buf, size_t buflen);

#endif /* SH_QUIC_H */

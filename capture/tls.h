/*
 * tls.h -- the TLS handshake parser: ClientHello (SNI, ALPN, JA3, JA4),
 * ServerHello (version, cipher, ALPN, JA3S) and, for TLS <= 1.2, the
 * leaf certificate (via x509.h), as one EV_TLS event per connection.
 *
 * Stream contract (app.h): tls_feed() takes the in-order bytes of one
 * direction of one TCP connection in any split.  The state is fixed-size
 * (tls_state_size()), pointer-free and needs no destructor; the pipeline
 * allocates it from its pool (aligned for any object type, as malloc
 * would) and calls tls_init() before the first feed.
 *
 * Counters (sink->stats):
 *   tls_handshakes      EV_TLS events emitted
 *   tls_malformed       a direction stopped on a framing fault, or a
 *                       ClientHello/ServerHello failed to parse
 *   tls_gaps            tls_gap() on a direction still being parsed
 *   tls_certs           leaf certificates parsed without fault
 *   tls_cert_malformed  leaf certificates that failed to parse, were
 *                       larger than TLS_CERT_MAX, or whose Certificate
 *                       message framing was bad
 */
#ifndef SH_TLS_H
#define SH_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "event.h"

/* Bounds (bytes) */
#define TLS_RECORD_MAX   (16384 + 2048) /* RFC 5246 6.2.3 TLSCiphertext   */
#define TLS_CH_MAX       16384  /* ClientHello body kept for parsing      */
#define TLS_CERT_MAX     8192   /* ServerHello body or leaf DER kept      */
#define TLS_SNI_MAX      255    /* RFC 6066 3 HostName as a DNS name      */
#define TLS_ALPN_MAX     256    /* client ALPN list text                  */
#define TLS_JA3_MAX      1024   /* JA3/JA3S text kept (hash covers all)   */
#define TLS_JA4_LEN      36     /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */
#define TLS_JA4S_LEN     25     /* "t130200_1301_234ea6891581"             */

/* Stream state for one TCP connection, both directions. */
struct tls_state;

size_t tls_state_size(void);

/* Reset s (tls_state_size() bytes owned by the caller) to "nothing
 * seen". */
void tls_init(struct tls_state *s);

/* Feed the next len in-order bytes of direction dir (DIR_TOSERVER or
 * DIR_TOCLIENT; other values are ignored) seen at packet time ts_us.
 * Borrows p for the call; copies what it keeps.  Emits at most one
 * EV_TLS event per connection through sink (which copies it):
 *   - at the leaf certificate (TLS <= 1.2), or at a Certificate message
 *     carrying none or an oversized one;
 *   - at a ServerHello negotiating TLS 1.3 (the certificate is
 *     encrypted);
 *   - at the server's ChangeCipherSpec or NewSessionTicket after a
 *     ServerHello without Certificate (abbreviated handshake, resumed=1);
 *   - at another server handshake message after a ServerHello without
 *     Certificate (anonymous or PSK key exchange);
 *   - when the server direction can no longer be parsed (malformed,
 *     gap, encrypted) and a hello was seen.
 * A HelloRetryRequest (RFC 8446 4.1.3) does not complete the handshake:
 * its fields (version, cipher, JA3S) are kept only until the ServerHello
 * that follows replaces them, and are reported if none does.  The first
 * ClientHello is the one reported.  Once emitted, later bytes are
 * ignored. */
void tls_feed(struct tls_state *s, int dir, const uint8_t *p, size_t len,
              uint64_t ts_us, const struct app_sink *sink);

/* Bytes were lost in dir: stop parsing that direction and mark the
 * pending event EVF_GAP.  Having no sink, it neither counts nor emits
 * itself: the next tls_feed() (either direction) or tls_close() adds the
 * gap to tls_gaps and, if the server direction is now stopped and a
 * hello was seen, emits the event at that call's time. */
void tls_gap(struct tls_state *s, int dir);

/* End of connection: emit the pending event (at ts_us, reported as
 * DIR_TOSERVER) if a ClientHello or a ServerHello was seen and nothing
 * was emitted yet.  Later calls do nothing. */
void tls_close(struct tls_state *s, uint64_t ts_us,
               const struct app_sink *sink);

/* 1 once the parser has nothing left to do: its event was emitted, or
 * both directions stopped with no hello seen.  The pipeline may then
 * close and drop the state (tls_close() does nothing more). */
int tls_done(const struct tls_state *s);

/* 1 if p looks like the start of a TLS handshake record: content type 22,
 * version 0x0300..0x0304, length 1..TLS_RECORD_MAX, and when present the
 * handshake type 1 or 2 and a handshake length of at least 38 (the
 * smallest ServerHello, RFC 5246 7.4.1.3).  Needs the 5-byte record
 * header; else 0.  Borrows p for the call. */
int tls_probe(const uint8_t *p, size_t len);

/* Parse a ClientHello body (RFC 5246 7.4.1.2, RFC 8446 4.1.2; without the
 * 4-byte handshake header) into ev->u.tls: has_client_hello,
 * client_version, sni (first host_name entry), alpn (protocols joined
 * with ','), ja3 / ja3_hash (as tshark's tls.handshake.ja3_full / ja3:
 * GREASE (RFC 8701) removed from ciphers, extensions and groups, not
 * from point formats), ja4 (FoxIO's JA4 as for TLS over TCP, see
 * technical_details/JA4.md of FoxIO-LLC/ja4; quic.c, which calls this
 * for QUIC ClientHellos, turns its first character into 'q').
 * JA3 and JA4 are set only when the message is structurally complete.
 * Borrows p; copies into ev's arena.
 * Returns 0, or -1 on a fault (ev keeps what was parsed, EVF_MALFORMED
 * set). */
int tls_parse_client_hello(const uint8_t *p, size_t len, struct sh_event *ev);

/* Parse a ServerHello body (RFC 5246 7.4.1.3, RFC 8446 4.1.3) into
 * ev->u.tls: has_server_hello, version (supported_versions aware),
 * cipher, alpn_server, ja3s / ja3s_hash (as tshark's
 * tls.handshake.ja3s_full / ja3s), ja4s (FoxIO's JA4S, technical_details/
 * JA4S.md of FoxIO-LLC/ja4, always with protocol 't': a QUIC caller sets
 * ja4s[0] = 'q' itself).  JA3S and JA4S are set only when the extensions
 * block is framed whole.  Same ownership and return as above. */
int tls_parse_server_hello(const uint8_t *p, size_t len, struct sh_event *ev);

/* 1 if a ServerHello body is a HelloRetryRequest (its random is the
 * RFC 8446 4.1.3 constant), else 0. */
int tls_is_hello_retry(const uint8_t *p, size_t len);

#endif /* SH_TLS_H */

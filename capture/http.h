/*
 * http.h -- HTTP/1.x stream parser (RFC 9112 message syntax, RFC 9110
 * semantics): one EV_HTTP event per request/response transaction.
 *
 * The state covers both directions of one TCP connection and follows the
 * stream-parser contract of app.h: in-order bytes in any split, a gap
 * call when bytes are lost, a close call at the end.  Every request of a
 * keep-alive or pipelined connection becomes its own event; responses are
 * paired with requests in order.
 *
 * When an event is emitted (sink->emit, event copied by the callee):
 *  - normally when both the request and its final response are complete
 *    (response body end, or request body end if the server answered
 *    early); `dir` is the direction of the bytes that completed it;
 *  - a tunnel (2xx to CONNECT, 101 Switching Protocols): at the end of
 *    the response header section, then parsing of the connection stops;
 *  - the FIFO of pending requests is full (HTTP_FIFO) when a new request
 *    line arrives: the oldest is emitted as is (has_response = 0 unless
 *    its response had started), dir = DIR_TOSERVER;
 *  - after http_gap(): the message the gap cut is taken as complete and
 *    its transaction flagged EVF_GAP (a message lost whole flags the next
 *    one of that direction).  A transaction that becomes complete this way
 *    is emitted at the start of the next http_feed() or http_close()
 *    (http_gap has no sink), and so is the http_gaps count;
 *  - http_close(): everything pending, in order; dir = DIR_TOCLIENT for
 *    a transaction with a response, DIR_TOSERVER otherwise.
 * Events are emitted in request order; ts_us is the time of the request
 * line's first byte; tx_id counts requests of the connection from 0
 * (modulo 256: ev_http.tx_id is 8 bits).
 *
 * Limits: HTTP/1.x only (no HTTP/0.9 simple requests, no HTTP/2).  Lines
 * longer than HTTP_LINE_MAX and header sections longer than
 * HTTP_MAX_HEADERS lines are malformed but parsed on (first part kept);
 * obs-fold continuation lines are ignored; only the fields of struct
 * ev_http are kept, capped as below (EVF_TRUNCATED when cut).  Bodies are
 * counted, never stored or decoded (no gzip).  Content-Length and chunked
 * framing are followed (RFC 9112 6.3); a response with neither runs to
 * the end of the connection.
 */
#ifndef SH_HTTP_H
#define SH_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* Field caps in bytes (values longer are cut, EVF_TRUNCATED). */
#define HTTP_METHOD_MAX     32
#define HTTP_URI_MAX      2048
#define HTTP_PROTOCOL_MAX   16
#define HTTP_HOST_MAX      256
#define HTTP_UA_MAX        512
#define HTTP_FIELD_MAX     256   /* Referer, Content-Type, Location, Server */

/* Parser limits. */
#define HTTP_LINE_MAX     8192   /* a longer start/header/chunk line is malformed */
#define HTTP_MAX_HEADERS   100   /* header (or trailer) lines per message         */
#define HTTP_FIFO            4   /* pending requests awaiting their response      */

/* Stream state of one TCP connection, both directions.  Opaque, fixed size
 * (http_state_size(), about 19 KiB), pointer-free, no destructor: the
 * pipeline owns the memory (aligned for uint64_t), http_init() makes it
 * ready, and it may be dropped at any time (call http_close() first to get
 * the pending transactions). */
struct http_state;

size_t http_state_size(void);

/* Reset s to "new connection". */
void http_init(struct http_state *s);

/* Reset s for a connection picked up without its start (no SYN seen):
 * both directions begin in resynchronisation (the first bytes may be
 * inside a message), and responses arriving before the first request
 * line are ignored without being counted as malformed. */
void http_init_midstream(struct http_state *s);

/* Feed len in-order bytes of direction dir (DIR_TOSERVER / DIR_TOCLIENT)
 * seen at ts_us.  Borrows p for the call only; copies what it keeps.
 * Emits complete transactions through sink (emit may be NULL; counters go
 * to sink->stats when not NULL).  len == 0 is allowed (it only flushes
 * what an earlier http_gap() completed). */
void http_feed(struct http_state *s, int dir, const uint8_t *p, size_t len,
               uint64_t ts_us, const struct app_sink *sink);

/* Bytes were lost in dir: the message being parsed in dir is cut (flag
 * EVF_GAP), and dir resynchronises on the next line that looks like a
 * request line (client: known method, ends in HTTP/1.x) or a status line
 * (server: "HTTP/1.x NNN").  Emission and the http_gaps count are deferred
 * to the next http_feed()/http_close(). */
void http_gap(struct http_state *s, int dir);

/* End of the connection: a response delimited by close is complete;
 * emits every pending transaction (requests without a response have
 * has_response = 0).  Afterwards s ignores input until http_init(). */
void http_close(struct http_state *s, uint64_t ts_us,
                const struct app_sink *sink);

/* 1 if p (the first client payload of a connection) starts like an
 * HTTP/1.x request line: a known method token (RFC 9110 9, RFC 5789
 * PATCH, RFC 4918 WebDAV and a few others) followed by SP; else 0.
 * Reads at most the first 12 bytes. */
int http_probe(const uint8_t *p, size_t len);

/* 1 once the connection became a tunnel (CONNECT 2xx, 101) or was closed:
 * nothing more will be parsed, the state can be released. */
int http_done(const struct http_state *s);

/* 1 when no transaction is pending and both directions sit at a message
 * boundary: releasing the state now loses nothing, and the next request
 * can be picked up by a fresh state (the pipeline does so to keep parser
 * pools sized by transactions in flight, not by open connections). */
int http_idle(const struct http_state *s);

#endif /* SH_HTTP_H */

/*
 * dns.h -- DNS message parser (RFC 1035) and DNS-over-TCP stream framer
 * (RFC 1035 4.2.2, RFC 7766).
 *
 * One DNS message in, one EV_DNS event body out: the header, every
 * question (the first EV_DNS_MAX_Q kept) and every answer RR (the first
 * EV_DNS_MAX_AN kept) with TTL and decoded RDATA for the types detectors
 * use (A, AAAA, CNAME, NS, PTR, DNAME, MX, TXT/SPF).  nDPI keeps only the
 * first answer; this parser keeps what DGA, tunnelling and volume
 * detectors need.  It is stateless, allocates nothing, reads the wire only
 * through the rd.h cursor and never recurses.
 *
 * Limits
 *  - Authority and additional RRs are stepped over (framing and
 *    truncation only) and not stored; EDNS(0) OPT is not decoded, so
 *    dns.rcode is the 4-bit header RCODE, never the extended one.
 *  - Names are kept in presentation form: labels joined by '.', no
 *    trailing dot, root = "", raw octets (case preserved, dots inside
 *    labels not escaped, NUL octets stored as '?'); at most DNS_NAME_MAX
 *    octets.  Identical strings inside one event may share one arena copy
 *    (same ev_str): consumers must treat arena strings as read-only.
 *  - TXT data is the character-strings concatenated, raw, cut at
 *    DNS_TXT_MAX octets (EVF_TRUNCATED); rr.rdlen gives the real size.
 *  - DNS over TCP: messages larger than DNS_TCP_MAX_MSG are skipped
 *    (counted), never partially parsed; after a gap a direction is dead.
 */
#ifndef SH_DNS_H
#define SH_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "event.h"

#define DNS_HDR_LEN      12u     /* RFC 1035 4.1.1                        */
#define DNS_LABEL_MAX    63u     /* RFC 1035 2.3.4: label octets          */
#define DNS_NAME_WIRE_MAX 255u   /* RFC 1035 2.3.4, 3.1: name on the wire,
                                    length octets and root included       */
#define DNS_NAME_MAX     255u    /* presentation octets kept per name
                                    (a legal name has at most 253)       */
#define DNS_NAME_MAX_HOPS 256u   /* per name: pointers followed + labels
                                    read behind them (a legal name needs at
                                    most 127 + 127); past it:
                                    DNSA_TOO_MANY_LABELS                 */
#define DNS_TXT_MAX      255u    /* TXT octets kept per RR                */
#define DNS_MSG_MAX      65535u  /* RFC 1035 4.2.2: 16-bit TCP length; UDP
                                    payloads are smaller still            */
#define DNS_TCP_MAX_MSG  4096u   /* largest TCP message reassembled       */

/* RFC 1035 4.1.1 header flag bits (dns.flags). */
#define DNS_FLAG_QR 0x8000u
#define DNS_FLAG_AA 0x0400u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_FLAG_RA 0x0080u
#define DNS_FLAG_AD 0x0020u      /* RFC 4035 3.2.3 */
#define DNS_FLAG_CD 0x0010u      /* RFC 4035 3.2.2 */

/* RFC 6895 2.2 opcodes (others are unassigned: the message is not DNS). */
enum dns_opcode {
    DNS_OP_QUERY = 0, DNS_OP_IQUERY = 1, DNS_OP_STATUS = 2,
    DNS_OP_NOTIFY = 4, DNS_OP_UPDATE = 5, DNS_OP_DSO = 6,
};

/*
 * Parse one DNS message: a UDP payload, or one TCP message without its
 * 2-octet length prefix.
 *
 * Borrows p[0..len) for the duration of the call only; every string it
 * keeps is copied into ev->arena with ev_put().  On 0 it clears ev's body
 * and arena (ev_clear_body: ev->flags is reset), sets ev->type = EV_DNS and
 * fills ev->u.dns; the header (addresses, ports, ts_us, VLAN, MACs, flow
 * id) and dns.paired / dns.unanswered / dns.rtt_us are kept as they were.
 * dns.tcp = (tcp != 0).  dns.msg_len = len.
 *
 * Returns -1 ("not DNS", *ev left unchanged) when
 *  - len < DNS_HDR_LEN or len > DNS_MSG_MAX (no such DNS message);
 *  - the opcode is unassigned (RFC 6895 2.2: 3, 7..15);
 *  - qdcount == 0 and ancount == 0, unless the message is a response with
 *    a non-zero RCODE (an error reply may omit the question, RFC 1035
 *    4.1.1, RFC 6891 7) or a DSO message (RFC 8490 5.4: all counts 0).
 * Otherwise returns 0, even when anomalies were found: they are ORed into
 * dns.anomalies (DNSA_*), and every one but DNSA_COUNTS_CAPPED and DNSA_TC
 * also sets EVF_MALFORMED.  What was parsed before a fault is kept.
 *
 * A question is kept once its name and QTYPE/QCLASS were read; an answer
 * once its name and 10-octet fixed part were read (its data is then absent
 * when RDATA is cut or malformed).  A fault that loses the message's
 * framing (truncation, a 0x40/0x80 label type in a name's own labels) ends
 * the parse; a fault inside RDATA (DNSA_BAD_RDATA) or behind a compression
 * pointer (DNSA_BAD_POINTER, DNSA_TOO_MANY_LABELS, ...) does not: RDLENGTH
 * or the pointer keeps the framing, and the name keeps what was decoded
 * before the fault.  Records that are not kept (questions past
 * EV_DNS_MAX_Q, answers past EV_DNS_MAX_AN, authority and additional RRs)
 * are stepped over for framing only: their pointers are not followed, so
 * anomalies behind them are not reported.  The work is linear in len.
 */
int dns_parse(const uint8_t *p, size_t len, int tcp, struct sh_event *ev);

/* Mnemonic of an RR TYPE (IANA "Resource Record (RR) TYPEs"), e.g. "A",
 * "HTTPS", "ANY", "OPT"; NULL when unknown (the caller prints the number).
 * Returns a static string. */
const char *dns_type_name(uint16_t type);

/* Mnemonic of an RCODE (RFC 1035 4.1.1, RFC 2136, RFC 8490, and the
 * extended values 16..23 of RFC 6891 / RFC 8945 / RFC 7873), e.g.
 * "NXDOMAIN"; NULL when unknown.  Returns a static string. */
const char *dns_rcode_name(uint8_t rcode);

/*
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766 8): each message is preceded by
 * a 2-octet big-endian length; messages may be pipelined several per
 * segment or split over many, in both directions independently.
 *
 * The state is fixed-size (dns_tcp_state_size() octets, about
 * 2 * DNS_TCP_MAX_MSG), holds no pointer, and needs no destructor: it may
 * be dropped or copied at any time.  dns_tcp_init() must run first.
 */
struct dns_tcp_state;

size_t dns_tcp_state_size(void);
void dns_tcp_init(struct dns_tcp_state *s);

/*
 * Feed the next in-order bytes of direction dir (DIR_TOSERVER or
 * DIR_TOCLIENT; any other value is ignored).  Borrows p[0..len) for the
 * call only (complete messages are copied into s as needed).  For every
 * message completed by these bytes it calls dns_parse() and, on 0,
 * sink->emit(sink->ctx, dir, &ev) with ev.ts_us = ts_us, ev.proto = 6
 * (TCP) and dns.tcp = 1; the event lives on the stack and is only valid
 * during the call.
 *
 * Counters in sink->stats (skipped when sink->stats is NULL):
 *  dns_parsed        messages for which dns_parse() returned 0;
 *  dns_malformed     of those, the ones with EVF_MALFORMED, plus the
 *                    messages that were not DNS (-1, e.g. length 0);
 *  dns_tcp_oversize  messages longer than DNS_TCP_MAX_MSG, skipped whole
 *                    (framing continues with the next message).
 */
void dns_tcp_feed(struct dns_tcp_state *s, int dir, const uint8_t *p,
                  size_t len, uint64_t ts_us, const struct app_sink *sink);

/* Bytes of direction dir were lost: drop its partial message.  The
 * length-prefixed framing cannot be recovered from an arbitrary offset, so
 * every later byte of that direction is ignored (the other direction goes
 * on).  dns_tcp_init() revives both directions. */
void dns_tcp_gap(struct dns_tcp_state *s, int dir);

#endif /* SH_DNS_H */

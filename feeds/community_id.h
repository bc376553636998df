/*
 * community_id.h -- Community ID flow hashing, version 1
 * (https://github.com/corelight/community-id-spec): a string naming a
 * flow's 5-tuple the same way in Suricata, Zeek and spanhound, whichever
 * direction the tuple is given in.
 *
 *   "1:" + base64(SHA1(seed . addr_lo . addr_hi . proto . 0 . port_lo . port_hi))
 *
 * seed: 2 bytes big-endian; addresses 4 or 16 bytes in network order;
 * endpoints ordered so that the smaller (address, port) comes first; ports
 * only for TCP, UDP, SCTP and (as type/code equivalents) ICMP/ICMPv6.
 */
#ifndef SH_COMMUNITY_ID_H
#define SH_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"

#define COMMUNITY_ID_LEN 31   /* "1:" + 28 base64 characters + NUL */

/* Ports of a transport tuple (TCP 6, UDP 17, SCTP 132); other protocols
 * are hashed without ports (has_ports = 0).  src and dst must have the
 * same family.  Returns 0 and writes the ID into out (>= COMMUNITY_ID_LEN
 * bytes), or -1 (families differ or are unset, out too small). */
int community_id_v1(const struct sh_addr *src, const struct sh_addr *dst,
                    uint8_t proto, int has_ports, uint16_t sport, uint16_t dport,
                    uint16_t seed, char *out, size_t outlen);

/* ICMP (proto 1) and ICMPv6 (58): a message's type and code stand for the
 * ports (the spec's Zeek-derived mapping): a request/response type pairs
 * with its counterpart (echo 8 <-> reply 0, ...) and the endpoints are
 * ordered; any other type keeps (type, code) and the given direction. */
int community_id_icmp(const struct sh_addr *src, const struct sh_addr *dst,
                      uint8_t proto, uint8_t type, uint8_t code,
                      uint16_t seed, char *out, size_t outlen);

#endif /* SH_COMMUNITY_ID_H */

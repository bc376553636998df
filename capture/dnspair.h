/*
 * dnspair.h -- pairs DNS responses with their queries and reports the
 * queries that never got one.
 *
 * A query is remembered by (flow id, DNS id) with the header of its packet
 * and its first question, in a fixed ring of `capacity` entries (oldest
 * first) with a keyed hash index.  A response with the same key AND the
 * same first question (name compared case-insensitively, RFC 4343; type;
 * class) is "paired" (its rtt and the query's source MAC filled) and the
 * query forgotten; a response naming another question pairs with nothing
 * (counted: a forger who guessed the port and id must guess the name too,
 * and an unsolicited answer never reaches a detector as an exchange).  Queries older than the timeout come
 * back out of dnspair_expire() as synthetic EV_DNS events with
 * dns.unanswered = 1.  When the ring is full the oldest query is dropped
 * and counted (a query flood cannot grow memory); answered entries still
 * inside the ring are squeezed out only when they are a quarter of it, so
 * the cost stays O(1) amortised per query whatever a sender does.
 */
#ifndef SH_DNSPAIR_H
#define SH_DNSPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct dnspair;

struct dnspair_stats {
    uint64_t queries, paired, unanswered, overflow, duplicates, mismatched, compactions;
};

struct dnspair *dnspair_create(uint32_t capacity, char *err, size_t errlen);
void dnspair_destroy(struct dnspair *t);      /* NULL is a no-op */

/* Remember query event q (EV_DNS, qr = 0, header filled).  Copies what it
 * needs.  A query whose key is already pending is not stored twice. */
void dnspair_query(struct dnspair *t, const struct sh_event *q);

/* Response r (EV_DNS, qr = 1): when its query is pending, sets
 * r->u.dns.paired, rtt_us and query_mac, forgets the query and returns 1. */
int dnspair_answer(struct dnspair *t, struct sh_event *r);

/* Pops the oldest pending query if it is older than timeout_us at now_us
 * (or any, when flush is set) into ev as an unanswered EV_DNS event and
 * returns 1; 0 when there is none.  Call until it returns 0. */
int dnspair_expire(struct dnspair *t, uint64_t now_us, uint64_t timeout_us,
                   int flush, struct sh_event *ev);

void dnspair_get_stats(const struct dnspair *t, struct dnspair_stats *s);

#endif /* SH_DNSPAIR_H */

/*
 * eve.h -- EVE JSON output: one object per line, in Suricata's shape.
 *
 * Every record starts with Suricata's common header (timestamp, flow_id,
 * event_type, src_ip, src_port, dest_ip, dest_port, ip_v, proto, pkt_src,
 * community_id, ether) followed by one object named after the event.
 * Suricata's event types (dns, http, tls, quic, dhcp, flow) are written as
 * Suricata 8 writes them and validate against its schema; project-only
 * types are named "spanhound_<x>" with their payload under that key
 * (spanhound_verdict, spanhound_binding, spanhound_ra, spanhound_dhcpv6,
 * spanhound_dns_unanswered, spanhound_resolver, spanhound_spoofed_source,
 * spanhound_health, spanhound_learned_prefix).  docs/eve.md lists every field.
 *
 * Records are formatted into a fixed buffer; a record that does not fit is
 * dropped and counted, never written half.
 */
#ifndef SH_EVE_H
#define SH_EVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/event.h"
#include "../detect/detect.h"
#include "json.h"

struct eve;

struct eve_stats {
    uint64_t written, dropped_overflow, write_errors;
};

/* path "-" = stdout.  flow/arp: include those event types. */
struct eve *eve_open(const char *path, int flow, int arp, char *err, size_t errlen);
/* eve.extended: add spanhound's fields inside Suricata's objects
 * (docs/eve.md); such records no longer validate against Suricata's schema. */
void eve_set_extended(struct eve *e, int on);
/* eve.flow / eve.arp changed (SIGHUP): from the next record on. */
void eve_set_records(struct eve *e, int flow, int arp);
void eve_close(struct eve *e);                 /* flushes; NULL is a no-op */
void eve_flush(struct eve *e);                 /* NULL is a no-op */

/* Write one metadata event.  Returns 0, or -1 when dropped. */
int eve_write_event(struct eve *e, const struct sh_event *ev);

/* Write one host verdict as event_type "spanhound_verdict":
 * {"spanhound_verdict": {"ip", "mac" (null unless trusted), "mac_source", "mac_status"
 *  (trusted | routed | conflict | unknown), "mac_conflict" {"macs",
 *  "since"} or "router_mac", "hostname", "verdict" (infected | clean),
 *  "change" (infected | updated | cleared | expired | current), "score",
 *  "evidence": [{"kind", "source", "confidence", "weight", "score",
 *  "explanation", "indicator", "first_seen", "last_seen"}, ...]}} */
int eve_write_verdict(struct eve *e, const struct verdict *v);

/* Write a detector notice: "spanhound_resolver", "spanhound_spoofed_source",
 * "spanhound_health" or "spanhound_learned_prefix" records (docs/eve.md). */
int eve_write_notice(struct eve *e, const struct detect_notice *n);

/* Names as EVE and the NAC feed write them: "infected"..., "dhcp"...,
 * "trusted"... */
const char *eve_change_name(int change);
const char *eve_mac_source_name(int source);
const char *eve_mac_status_name(int status);

/* The verdict's evidence as a JSON array under key (NULL: a bare value):
 * kind, source, confidence, weight, score, explanation, indicator,
 * first_seen, last_seen; strongest first. */
void eve_json_evidence(struct json *j, const char *key, const struct verdict *v);

/* The MAC a NAC should act on, "aa:bb:.." into buf, or "" when the binding
 * is unknown, in conflict or a router's. */
void eve_verdict_mac(const struct verdict *v, char *buf, size_t buflen);

/* Start a record with the common header of ev (for writers of derived
 * records such as host verdicts, which pass a header-only event).  The
 * caller adds its object and calls eve_end_record. */
void eve_begin_record(struct json *j, char *buf, size_t cap,
                      const char *event_type, const struct sh_event *hdr);
int eve_end_record(struct eve *e, struct json *j);

/* "2024-02-28T09:58:22.728490+0000" */
void eve_format_time(uint64_t ts_us, char *buf, size_t buflen);

void eve_get_stats(const struct eve *e, struct eve_stats *s);

#endif /* SH_EVE_H */

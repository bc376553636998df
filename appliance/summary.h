/*
 * summary.h -- the human summary printed at the end of an offline replay:
 * internal hosts seen, DNS/HTTP/TLS counts, top names, what nDPI flagged.
 *
 * Fed every metadata event on the consumer thread.  Every table is bounded
 * (SUMMARY_MAX_* entries); what does not fit is counted as "other".
 */
#ifndef SH_SUMMARY_H
#define SH_SUMMARY_H

#include <stdio.h>

#include "../capture/event.h"
#include "../config/cidr.h"

struct summary;

struct summary *summary_create(const struct cidr_set *home_net);
void summary_destroy(struct summary *s);
void summary_event(struct summary *s, const struct sh_event *ev);
void summary_print(const struct summary *s, FILE *fp);

#endif /* SH_SUMMARY_H */

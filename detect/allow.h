/*
 * allow.h -- allowlists applied before any evidence is raised: networks
 * (hosts that are never suspects, destinations that are never
 * indicators) and DNS names with suffix wildcards.
 *
 * Name patterns: "example.com" matches exactly that name; "*.example.com"
 * matches example.com and every name below it.  Matching is
 * case-insensitive ASCII and ignores one trailing dot.  Every name
 * attribute a detector uses (query, CNAME target, SNI, HTTP Host,
 * certificate names) goes through allow_name() first.
 */
#ifndef SH_ALLOW_H
#define SH_ALLOW_H

#include <stddef.h>

#include "../config/config.h"

struct allow {
    const struct cidr_set *nets;
    const struct cfg_names *names;
};

/* 1 when name[0..len) is allowlisted. */
int allow_name(const struct allow *a, const char *name, size_t len);
int allow_addr(const struct allow *a, const struct sh_addr *ip);

#endif /* SH_ALLOW_H */

/*
 * cidr.h -- IPv4/IPv6 networks: parse "10.0.0.0/8", "fc00::/7", "192.0.2.1"
 * (a host) and match addresses against a set of them.
 *
 * A cidr_set is a small fixed array (CIDR_SET_MAX) scanned linearly: home
 * networks, allowlists and infrastructure lists hold a handful to a few
 * hundred entries, checked once per host or event, not per packet.
 */
#ifndef SH_CIDR_H
#define SH_CIDR_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"   /* struct sh_addr */

#define CIDR_SET_MAX 256

struct cidr {
    uint8_t family;   /* 4 or 6 */
    uint8_t bits;     /* prefix length */
    uint8_t a[16];    /* network, host bits zeroed */
};

struct cidr_set {
    int n;
    struct cidr c[CIDR_SET_MAX];
};

/* Parse one network.  Host bits set ("10.1.2.3/8") are an error, so a typo
 * cannot silently widen a list.  0 ok, -1 with a message in err. */
int cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen);

/* Parse a comma-separated list ("10.0.0.0/8,fc00::/7") into set (replacing
 * its content). */
int cidr_set_parse_list(struct cidr_set *set, const char *list,
                        char *err, size_t errlen);
int cidr_set_add(struct cidr_set *set, const struct cidr *c);

int cidr_match(const struct cidr *c, const struct sh_addr *a);
int cidr_set_match(const struct cidr_set *set, const struct sh_addr *a);

/* "10.0.0.0/8" into buf. */
void cidr_format(const struct cidr *c, char *buf, size_t buflen);

/* Address text ("192.0.2.1", "2001:db8::1") into buf (>= 46 bytes). */
void addr_format(const struct sh_addr *a, char *buf, size_t buflen);
int addr_parse(const char *s, struct sh_addr *out);

/* MACs as "aa:bb:cc:dd:ee:ff": mac_parse takes exactly that form (either
 * case; 0, or -1), mac_format writes it in lower case. */
int mac_parse(const char *s, uint8_t mac[6]);
void mac_format(const uint8_t mac[6], char *buf, size_t buflen);

#endif /* SH_CIDR_H */

/*
 * restore.h -- inside the detect module only: what detect/snapshot.c needs
 * of the engine (detect.c) to write and restore host state.  Not part of
 * the module's interface (detect.h is).
 */
#ifndef SH_RESTORE_H
#define SH_RESTORE_H

#include <stdint.h>

#include "../config/cidr.h"
#include "../config/config.h"
#include "detect.h"
#include "host.h"
#include "ti.h"

struct detect_prefix {            /* an on-link prefix learnt from RA/DHCPv6 */
    struct cidr net;
    uint64_t expires_us;
    char source[16];
};
#define DETECT_PREFIXES_MAX 16

struct host_table *detect_restore_table(struct detect *d);
struct ti *detect_restore_ti(struct detect *d);
const struct sh_config *detect_restore_config(const struct detect *d);
uint64_t detect_restore_now(const struct detect *d);
/* The engine's packet clock moves forward to now_us (never back). */
void detect_restore_set_now(struct detect *d, uint64_t now_us);
/* A snapshot was restored (its last packet time, what it brought): the
 * first event moves it in time (detect_restore_mode). */
void detect_restore_pending(struct detect *d, uint64_t last_us, int hosts, int flagged);
int detect_restore_is_shadow(const struct host *h);
/* Is ip internal now (home_net, learnt prefixes)?  Then *infra gets the
 * operator's declarations for it (INFRA_* bits, as for a new host). */
int detect_restore_internal(struct detect *d, const struct sh_addr *ip, uint8_t *infra);
int detect_restore_prefixes(struct detect *d, struct detect_prefix *out, int max);
/* 1 when p was taken (valid, unexpired, new, room left). */
int detect_restore_prefix(struct detect *d, const struct detect_prefix *p);

#endif /* SH_RESTORE_H */

/*
 * detect.h -- the detection engine: metadata events in, host verdicts out.
 *
 * detect_event() takes every struct sh_event from the capture side (on the
 * consumer thread; the engine is single-threaded), keeps the table of
 * internal hosts up to date (MAC and hostname bindings from DHCP, ARP/NDP
 * and Ethernet headers; infrastructure such as resolvers), feeds the
 * detectors (DGA in context, DNS tunnelling), and turns their evidence
 * into scores and verdicts (evidence.h).  Every change of verdict --
 * infected, updated (new or stronger evidence on a flagged host), cleared
 * -- is handed to the verdict callback with the evidence behind it; the
 * EVE writer and (later) the Redis feed consume those.
 *
 * Deterministic: only packet time is used; hash keys are fixed; the same
 * events give the same verdicts in the same order.
 */
#ifndef SH_DETECT_H
#define SH_DETECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/event.h"
#include "../config/config.h"
#include "dga.h"
#include "evidence.h"
#include "params.h"

enum verdict_change {
    VERDICT_INFECTED = 0,   /* the host was just flagged               */
    VERDICT_UPDATED,        /* still flagged, evidence grew            */
    VERDICT_CLEARED,        /* the score decayed below score_clear     */
    VERDICT_CURRENT,        /* a snapshot (end-of-run table)           */
};

struct verdict {
    uint64_t ts_us;                  /* packet time of the change      */
    struct sh_addr ip;
    uint8_t  mac[6];
    uint8_t  mac_known;              /* a binding exists ...           */
    uint8_t  mac_trusted;            /* ... and is not a router's MAC  */
    uint8_t  mac_source;             /* enum mac_source (host.h)       */
    int      mac_ips;                /* internal IPs seen with the MAC */
    char     hostname[64];
    uint8_t  flagged;
    uint8_t  change;                 /* enum verdict_change            */
    double   score;
    uint64_t first_flagged_us;       /* 0 if never                     */
    int      nev;
    struct evidence ev[EVK_MAX];     /* strongest first                */
    double   ev_value[EVK_MAX];      /* decayed contribution now       */
};

typedef void (*detect_verdict_fn)(void *ctx, const struct verdict *v);

struct detect;

/* cfg is copied (lists included); params are the defaults overridden by
 * cfg->params, whose errors are reported as "file:line: message". */
struct detect *detect_create(const struct sh_config *cfg, detect_verdict_fn fn,
                             void *ctx, char *err, size_t errlen);
void detect_destroy(struct detect *d);          /* NULL is a no-op */

void detect_event(struct detect *d, const struct sh_event *ev);

/* Hosts with evidence, flagged first then by score, as snapshots
 * (change = VERDICT_CURRENT).  Returns how many were written (<= max). */
int detect_hosts(struct detect *d, struct verdict *out, int max);

const struct detect_params *detect_get_params(const struct detect *d);
const struct dga_model *detect_dga(const struct detect *d);
double detect_dga_threshold(const struct detect *d);

void detect_print_stats(const struct detect *d, FILE *fp);

/* Validate the config's detect parameters without building an engine (for
 * --print-config); prints them into fp when fp is not NULL. */
int detect_params_from_config(const struct sh_config *cfg, struct detect_params *p,
                              char *err, size_t errlen);

#endif /* SH_DETECT_H */

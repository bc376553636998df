/*
 * destprev.h -- which internal hosts talk to one destination now: the
 * record behind "rare" and "prevalent" in the behaviour detectors and the
 * protocol tells.  One fixed-size record per destination, kept in the
 * owner's bounded LRU map; hosts are keyed tags of their addresses (| 1,
 * so 0 is never a tag).
 *
 * A host is counted for others only once its MAC binding has held
 * (`stable`): a phantom forged a moment ago makes no destination
 * prevalent.  When the record is full, the stalest slot goes.
 */
#ifndef SH_DESTPREV_H
#define SH_DESTPREV_H

#include <stdint.h>

#define DESTPREV_SLOTS 8          /* hosts remembered per destination       */
#define DESTPREV_WINDOW_S 86400   /* a host talks to a destination "now" for a day */

struct destprev {
    uint32_t host[DESTPREV_SLOTS];   /* keyed tags of their addresses, | 1  */
    uint32_t seen_s[DESTPREV_SLOTS]; /* each one's latest contact, Unix s   */
    uint8_t  n;
};

/* Hosts other than `tag` seen within the window at now_s. */
static inline int destprev_others(const struct destprev *p, uint32_t tag, uint32_t now_s)
{
    int n = 0;
    for (int i = 0; p && i < p->n; i++)
        if (p->host[i] != tag && p->seen_s[i] + DESTPREV_WINDOW_S >= now_s)
            n++;
    return n;
}

/* Note that `tag` talks to the destination at now_s (it takes a slot only
 * when `stable`) and return the hosts talking to it now, itself included. */
static inline int destprev_note(struct destprev *p, uint32_t tag, uint32_t now_s, int stable)
{
    int self = -1, n = destprev_others(p, tag, now_s);
    for (int i = 0; i < p->n; i++)
        if (p->host[i] == tag)
            self = i;
    if (self < 0 && stable) {
        if (p->n < DESTPREV_SLOTS) {
            self = p->n++;
        } else {                         /* the stalest slot goes */
            self = 0;
            for (int i = 1; i < p->n; i++)
                if (p->seen_s[i] < p->seen_s[self])
                    self = i;
        }
        p->host[self] = tag;
    }
    if (self >= 0)
        p->seen_s[self] = now_s;
    return n + 1;
}

#endif /* SH_DESTPREV_H */

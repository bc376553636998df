/*
 * progress.h -- the one updating line an offline replay shows on a
 * terminal: files i/n, packets, bytes, rate, ETA (from bytes read against
 * the files' total size).  At most 4 updates a second; erased at the end.
 */
#ifndef SH_PROGRESS_H
#define SH_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct progress_sample {
    int file, nfiles;
    uint64_t packets;
    uint64_t bytes_done, bytes_total;
    double elapsed_s;            /* wall time since the replay started */
};

/* The line's text (no "\r", no newline), e.g.
 * "replay 2/3 files  1.20M pkts  412.3/950.0 MB (43%)  310.2k pkt/s  742.5 Mbit/s  ETA 0:12"
 * Returns the length written (as snprintf, truncated to len-1). */
int progress_format(char *buf, size_t len, const struct progress_sample *s);

struct progress {
    FILE *fp;
    uint64_t t0_us, next_us;
    int shown;                   /* a line is on the screen */
};

void progress_start(struct progress *p, FILE *fp);
/* Draws the line when 250 ms have passed since the last one (or force). */
void progress_update(struct progress *p, const struct progress_sample *s, int force);
/* Erases the line, if one is shown. */
void progress_end(struct progress *p);
/* microseconds since progress_start (for elapsed_s) and "is an update due" */
int progress_due(const struct progress *p, uint64_t *elapsed_us);

#endif /* SH_PROGRESS_H */

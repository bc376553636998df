/*
 * progress.c -- the replay progress line.  See progress.h.
 */
#include "progress.h"

#include <time.h>

static uint64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* 999, 1.2k, 12.3M, 1.23G */
static void si(char *buf, size_t len, double v)
{
    if (v < 1000)
        snprintf(buf, len, "%.0f", v);
    else if (v < 1e6)
        snprintf(buf, len, "%.1fk", v / 1e3);
    else if (v < 1e9)
        snprintf(buf, len, "%.2fM", v / 1e6);
    else
        snprintf(buf, len, "%.2fG", v / 1e9);
}

int progress_format(char *buf, size_t len, const struct progress_sample *s)
{
    char pk[32], rate[32], eta[32];
    double el = s->elapsed_s > 0 ? s->elapsed_s : 0;
    /* MB, or kB when the files are smaller than one MB */
    double unit = s->bytes_total < 1000000 ? 1e3 : 1e6;
    double mb = (double)s->bytes_done / unit, tot = (double)s->bytes_total / unit;
    int pct = s->bytes_total ? (int)((double)s->bytes_done * 100.0 / (double)s->bytes_total) : 0;

    si(pk, sizeof(pk), (double)s->packets);
    if (el >= 0.05)
        si(rate, sizeof(rate), (double)s->packets / el);
    else
        snprintf(rate, sizeof(rate), "-");
    double bps = el >= 0.05 ? (double)s->bytes_done * 8.0 / el / 1e6 : 0;
    if (el >= 0.05 && s->bytes_done > 0 && s->bytes_total > s->bytes_done) {
        double left = (double)(s->bytes_total - s->bytes_done) * el / (double)s->bytes_done;
        unsigned long t = (unsigned long)(left + 0.5);
        if (t >= 3600)
            snprintf(eta, sizeof(eta), "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
        else
            snprintf(eta, sizeof(eta), "%lu:%02lu", t / 60, t % 60);
    } else {
        snprintf(eta, sizeof(eta), s->bytes_total && s->bytes_done >= s->bytes_total ? "0:00" : "-");
    }
    return snprintf(buf, len, "replay %d/%d file%s  %s pkts  %.1f/%.1f %s (%d%%)  %s pkt/s  "
                    "%.1f Mbit/s  ETA %s", s->file, s->nfiles, s->nfiles == 1 ? "" : "s", pk,
                    mb, tot, unit == 1e3 ? "kB" : "MB", pct, rate, bps, eta);
}

void progress_start(struct progress *p, FILE *fp)
{
    p->fp = fp;
    p->t0_us = now_us();
    p->next_us = p->t0_us + 250000;
    p->shown = 0;
}

int progress_due(const struct progress *p, uint64_t *elapsed_us)
{
    uint64_t now = now_us();
    *elapsed_us = now - p->t0_us;
    return p->fp && now >= p->next_us;
}

void progress_update(struct progress *p, const struct progress_sample *s, int force)
{
    char line[256];
    uint64_t now = now_us();
    if (!p->fp || (!force && now < p->next_us))
        return;
    p->next_us = now + 250000;
    progress_format(line, sizeof(line), s);
    /* carriage return, the line, erase what a longer earlier line left */
    fprintf(p->fp, "\r%s\033[K", line);
    fflush(p->fp);
    p->shown = 1;
}

void progress_end(struct progress *p)
{
    if (p->fp && p->shown) {
        fputs("\r\033[K", p->fp);
        fflush(p->fp);
    }
    p->shown = 0;
}

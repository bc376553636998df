/*
 * state.c -- the daemon's host-state snapshots.  See state.h.
 *
 * The detection thread only encodes (detect_snapshot_encode: tens of ms
 * for thousands of hosts); a writer thread writes, fsyncs and renames, so
 * a slow disk never stalls detection.  One buffer waits at most: a newer
 * snapshot replaces one not yet written.  The shutdown save is written by
 * the caller itself once the writer is idle.
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A verdict change is saved at the next tick (the NAC feed journals it
 * within milliseconds: a snapshot left older than the feed's views by a
 * crash ends a new quarantine or announces a released host again at the
 * restart), but not more often than every SAVE_MIN_GAP_US: a burst waits. */
#define SAVE_AFTER_VERDICT_US 0ULL
#define SAVE_MIN_GAP_US       5000000ULL

struct app_state {
    char path[CFG_STR_MAX + 32];
    size_t max_bytes;
    uint64_t interval_us;           /* 0: only at shutdown (and after verdicts) */
    uint64_t next_us;               /* the next periodic save                */
    uint64_t due_us;                /* a save after a verdict change, 0 none */
    uint64_t last_us;               /* the last save attempt                 */
    int failing;                    /* the last save failed (logged)         */
    int lockfd;
    FILE *log;
    uint64_t saves, save_errors, restored, last_hosts, last_us_taken;

    pthread_t th;
    int started, stop;
    pthread_mutex_t mu;               /* guards what follows, and the counters */
    pthread_cond_t cv;
    uint8_t *pend;                    /* encoded, waiting for the writer */
    size_t pend_len;
    int pend_hosts, pend_verbose, writing;
    char pend_what[256];
};

static void write_one(struct app_state *s, uint8_t *p, size_t n, int hosts, const char *what,
                      int verbose)
{
    char msg[1024];
    int rc = detect_snapshot_write(s->path, p, n, msg, sizeof(msg));
    free(p);
    pthread_mutex_lock(&s->mu);
    if (rc < 0) {
        s->save_errors++;
        if (!s->failing || verbose)
            fprintf(s->log, "spanhound: %s (capture goes on)\n", msg);
        s->failing = 1;
    } else {
        s->saves++;
        s->last_hosts = (uint64_t)hosts;
        if (s->failing || verbose || strstr(what, "left out"))
            fprintf(s->log, "spanhound: snapshot %s: %s%s\n", s->path, what,
                    s->failing ? " (written again)" : "");
        s->failing = 0;
    }
    pthread_mutex_unlock(&s->mu);
}

static void *writer(void *arg)
{
    struct app_state *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->pend && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (!s->pend)
            break;
        uint8_t *p = s->pend;
        size_t n = s->pend_len;
        int hosts = s->pend_hosts, verbose = s->pend_verbose;
        char what[256];
        memcpy(what, s->pend_what, sizeof(what));
        s->pend = NULL;
        s->writing = 1;
        pthread_mutex_unlock(&s->mu);
        write_one(s, p, n, hosts, what, verbose);
        pthread_mutex_lock(&s->mu);
        s->writing = 0;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static uint64_t mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

struct app_state *app_state_open(const struct sh_config *cfg, FILE *log)
{
    if (!cfg->state_dir[0])
        return NULL;
    struct app_state *s = calloc(1, sizeof(*s));
    if (!s) {
        fprintf(log, "spanhound: state: out of memory; host-state snapshots off\n");
        return NULL;
    }
    s->log = log;
    snprintf(s->path, sizeof(s->path), "%s/hosts.snapshot", cfg->state_dir);
    s->max_bytes = (size_t)(cfg->state_max_mb ? cfg->state_max_mb : 1) << 20;
    s->interval_us = (uint64_t)cfg->state_interval * 1000000ULL;
    if (mkdir(cfg->state_dir, 0700) < 0 && errno != EEXIST) {
        fprintf(log, "spanhound: state.dir %s: %s; host-state snapshots off\n", cfg->state_dir,
                strerror(errno));
        free(s);
        return NULL;
    }
    char lock[CFG_STR_MAX + 40];
    snprintf(lock, sizeof(lock), "%s/hosts.snapshot.lock", cfg->state_dir);
    /* O_NOFOLLOW: a symlink planted there (a directory others can write,
     * a root run) must not make us create or open a file elsewhere */
    s->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (s->lockfd < 0) {
        fprintf(log, "spanhound: state.dir %s: %s; host-state snapshots off\n", cfg->state_dir,
                strerror(errno));
        free(s);
        return NULL;
    }
    if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
        fprintf(log, "spanhound: state.dir %s is in use by another spanhound (%s is locked); "
                "host-state snapshots off\n", cfg->state_dir, lock);
        close(s->lockfd);
        free(s);
        return NULL;
    }
    s->next_us = s->interval_us ? mono() + s->interval_us : 0;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->started = pthread_create(&s->th, NULL, writer, s) == 0;   /* else: written inline */
    return s;
}

void app_state_load(struct app_state *s, struct detect *d)
{
    char msg[1024];
    if (!s)
        return;
    int n = detect_snapshot_load(d, s->path, s->max_bytes, msg, sizeof(msg));
    s->restored = n > 0 ? (uint64_t)n : 0;
    if (n >= 0 && !msg[0])
        fprintf(s->log, "spanhound: snapshot %s: none yet, starting empty\n", s->path);
    else
        fprintf(s->log, "spanhound: %s\n", msg);
}

void app_state_verdict(struct app_state *s, int change)
{
    if (!s || change == VERDICT_UPDATED || change == VERDICT_CURRENT)
        return;
    uint64_t now = mono();
    uint64_t due = now + SAVE_AFTER_VERDICT_US;
    if (s->last_us && due < s->last_us + SAVE_MIN_GAP_US)
        due = s->last_us + SAVE_MIN_GAP_US;
    if (!s->due_us || due < s->due_us)
        s->due_us = due ? due : 1;
}

/* Encode now; write on the writer thread (inline when `sync` or when
 * there is no writer). */
static int save(struct app_state *s, struct detect *d, int verbose, int sync)
{
    char what[256];
    uint8_t *p;
    size_t n;
    uint64_t t0 = mono();
    s->last_us = t0;
    s->due_us = 0;
    if (s->interval_us)
        s->next_us = t0 + s->interval_us;
    int hosts = detect_snapshot_encode(d, s->max_bytes, &p, &n, what, sizeof(what));
    pthread_mutex_lock(&s->mu);
    s->last_us_taken = mono() - t0;
    if (hosts < 0) {
        s->save_errors++;
        if (!s->failing || verbose)
            fprintf(s->log, "spanhound: snapshot %s: %s (capture goes on)\n", s->path, what);
        s->failing = 1;
        pthread_mutex_unlock(&s->mu);
        return -1;
    }
    if (s->started && !sync) {
        free(s->pend);                 /* a newer one replaces it */
        s->pend = p;
        s->pend_len = n;
        s->pend_hosts = hosts;
        s->pend_verbose = verbose;
        memcpy(s->pend_what, what, sizeof(what));
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return 0;
    }
    /* inline: after anything the writer holds (it is older) */
    while (s->pend || s->writing)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    write_one(s, p, n, hosts, what, verbose);
    pthread_mutex_lock(&s->mu);
    int rc = s->failing ? -1 : 0;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void app_state_tick(struct app_state *s, struct detect *d)
{
    if (!s)
        return;
    uint64_t now = mono();
    if ((s->due_us && now >= s->due_us) || (s->next_us && now >= s->next_us))
        save(s, d, 0, 0);
}

int app_state_save(struct app_state *s, struct detect *d, int verbose)
{
    return s ? save(s, d, verbose, 1) : 0;
}

void app_state_close(struct app_state *s)
{
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stop = 1;                   /* (what waits is written first) */
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->th, NULL);
    }
    free(s->pend);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    if (s->lockfd >= 0)
        close(s->lockfd);
    free(s);
}

static void adopt_one(void *ctx, const struct verdict *v)
{
    redisfeed_adopt(ctx, v);
}

void app_state_adopt(struct detect *d, struct redisfeed *f)
{
    if (!f || !d)
        return;
    detect_flagged_hosts(d, adopt_one, f);
    redisfeed_adopt_end(f);
}

void app_state_print_stats(struct app_state *s, FILE *fp)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("state.restored_hosts", s->restored);
    P("state.saves", s->saves);
    P("state.save_errors", s->save_errors);
    P("state.last_save_hosts", s->last_hosts);
    P("state.last_save_us", s->last_us_taken);
#undef P
    pthread_mutex_unlock(&s->mu);
}

struct app_state *app_state_reconfigure(struct app_state *s, const struct sh_config *cfg,
                                        struct detect *d, FILE *log)
{
    char path[sizeof(s->path)];
    snprintf(path, sizeof(path), "%s/hosts.snapshot", cfg->state_dir);
    if (s && cfg->state_dir[0] && strcmp(path, s->path) == 0) {
        s->max_bytes = (size_t)(cfg->state_max_mb ? cfg->state_max_mb : 1) << 20;
        s->interval_us = (uint64_t)cfg->state_interval * 1000000ULL;
        s->next_us = s->interval_us ? mono() + s->interval_us : 0;
        return s;
    }
    /* another directory (or none): the state goes there from now on */
    if (s) {
        app_state_save(s, d, 1);
        app_state_close(s);
    }
    struct app_state *n = app_state_open(cfg, log);
    if (n)
        app_state_save(n, d, 1);
    return n;
}

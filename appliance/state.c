/*
 * state.c -- the daemon's host-state snapshots.  See state.h.
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SAVE_AFTER_VERDICT_US 2000000ULL   /* a verdict change is saved within ... */
#define SAVE_MIN_GAP_US       5000000ULL   /* ... but not more often than this    */

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
};

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
    s->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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
        s->due_us = due;
}

static int save(struct app_state *s, struct detect *d, int verbose)
{
    char msg[1024];
    s->last_us = mono();
    s->due_us = 0;
    if (s->interval_us)
        s->next_us = s->last_us + s->interval_us;
    int n = detect_snapshot_save(d, s->path, s->max_bytes, msg, sizeof(msg));
    s->last_us_taken = mono() - s->last_us;
    if (n < 0) {
        s->save_errors++;
        if (!s->failing || verbose)
            fprintf(s->log, "spanhound: %s (capture goes on)\n", msg);
        s->failing = 1;
        return -1;
    }
    s->saves++;
    s->last_hosts = (uint64_t)n;
    if (s->failing || verbose || strstr(msg, "left out"))
        fprintf(s->log, "spanhound: %s%s\n", msg, s->failing ? " (written again)" : "");
    s->failing = 0;
    return 0;
}

void app_state_tick(struct app_state *s, struct detect *d)
{
    if (!s)
        return;
    uint64_t now = mono();
    if ((s->due_us && now >= s->due_us) || (s->next_us && now >= s->next_us))
        save(s, d, 0);
}

int app_state_save(struct app_state *s, struct detect *d, int verbose)
{
    return s ? save(s, d, verbose) : 0;
}

void app_state_close(struct app_state *s)
{
    if (!s)
        return;
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

void app_state_print_stats(const struct app_state *s, FILE *fp)
{
    if (!s)
        return;
#define P(n, v) fprintf(fp, "%-36s %llu\n", n, (unsigned long long)(v))
    P("state.restored_hosts", s->restored);
    P("state.saves", s->saves);
    P("state.save_errors", s->save_errors);
    P("state.last_save_hosts", s->last_hosts);
    P("state.last_save_us", s->last_us_taken);
#undef P
}

/*
 * daemon.c -- systemd notification and watchdog, privilege drop, rate-
 * limited log lines.  See daemon.h.
 */
#define _GNU_SOURCE
#include "daemon.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* ---- systemd ------------------------------------------------------ */

static int g_systemd;                 /* NOTIFY_SOCKET was set */
static uint64_t g_wd_usec;            /* 0 = no watchdog */
static uint64_t g_wd_next;            /* next ping due (monotonic us) */
static uint64_t g_status_next;
static int g_stopping;
static _Atomic uint64_t g_heartbeat;  /* the capture thread's last sign of life */
static _Atomic long g_flagged;

void daemon_notify_init(void)
{
    const char *ns = getenv("NOTIFY_SOCKET");
    g_systemd = ns && *ns;
    uint64_t usec = 0;
    /* 0: keep WATCHDOG_USEC/WATCHDOG_PID in the environment (harmless) */
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        g_wd_usec = usec;
    atomic_store(&g_heartbeat, mono_us());
    g_wd_next = 0;
}

int daemon_under_systemd(void)
{
    return g_systemd;
}

uint64_t daemon_watchdog_usec(void)
{
    return g_wd_usec;
}

void daemon_notify_ready(void)
{
    if (g_systemd)
        sd_notify(0, "READY=1");
}

void daemon_notify_reloading(void)
{
    if (!g_systemd)
        return;
    char buf[64];
    snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)mono_us());
    sd_notify(0, buf);
}

void daemon_notify_stopping(void)
{
    if (g_systemd && !g_stopping)
        sd_notify(0, "STOPPING=1");
    g_stopping = 1;
}

void daemon_notify_status(const char *fmt, ...)
{
    if (!g_systemd)
        return;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "STATUS=");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++)       /* one line: a newline would start a new assignment */
        if (*p == '\n')
            *p = ' ';
    sd_notify(0, buf);
}

void daemon_heartbeat(void)
{
    atomic_store_explicit(&g_heartbeat, mono_us(), memory_order_relaxed);
}

void daemon_note_flagged(int delta)
{
    atomic_fetch_add_explicit(&g_flagged, delta, memory_order_relaxed);
}

long daemon_flagged(void)
{
    long n = atomic_load_explicit(&g_flagged, memory_order_relaxed);
    return n < 0 ? 0 : n;
}

int daemon_watchdog_due(uint64_t now, uint64_t next_due, uint64_t heartbeat, uint64_t usec)
{
    if (!usec || now < next_due)
        return 0;
    /* no ping when the capture thread has been silent for half the
     * interval: systemd then restarts us (a heartbeat "after" now is the
     * precise clock ahead of the coarse one: recent) */
    return heartbeat >= now || now - heartbeat <= usec / 2;
}

void daemon_tick(daemon_status_fn status, void *ctx)
{
    static uint64_t log_next;
    /* called for every event: the coarse clock costs a few ns */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    uint64_t now = (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
    if (now >= log_next) {
        log_next = now + 1000000;
        daemon_log_flush();
    }
    if (!g_systemd)
        return;
    if (g_wd_usec && daemon_watchdog_due(now, g_wd_next,
                                         atomic_load_explicit(&g_heartbeat, memory_order_relaxed),
                                         g_wd_usec)) {
        sd_notify(0, "WATCHDOG=1");
        g_wd_next = now + g_wd_usec / 2;
    }
    if (status && now >= g_status_next) {
        char buf[400];
        g_status_next = now + 5000000;
        buf[0] = '\0';
        status(ctx, buf, sizeof(buf));
        if (buf[0])
            daemon_notify_status("%s", buf);
    }
}

/* ---- privilege drop ----------------------------------------------- */

/* what is left, for the log line: "none", "cap_net_raw", ... */
static void caps_text(char *buf, size_t len)
{
    cap_t c = cap_get_proc();
    cap_flag_value_t v = CAP_CLEAR;
    int any = 0;
    if (!c) {
        snprintf(buf, len, "unknown");
        return;
    }
    buf[0] = '\0';
    for (cap_value_t i = 0, nb = cap_max_bits(); i < nb; i++) {
        if (cap_get_flag(c, i, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET) {
            char *name = cap_to_name(i);
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, "%s%s", any ? "," : "", name ? name : "?");
            cap_free(name);
            any = 1;
        }
    }
    if (!any)
        snprintf(buf, len, "none");
    cap_free(c);
}

/* Permitted+effective = CAP_NET_RAW or nothing; inheritable and ambient
 * empty. */
static int set_caps(int keep_net_raw, char *err, size_t errlen)
{
    cap_t c = cap_init();            /* all clear */
    if (!c) {
        snprintf(err, errlen, "cap_init: %s", strerror(errno));
        return -1;
    }
    if (keep_net_raw) {
        cap_value_t raw = CAP_NET_RAW;
        cap_set_flag(c, CAP_PERMITTED, 1, &raw, CAP_SET);
        cap_set_flag(c, CAP_EFFECTIVE, 1, &raw, CAP_SET);
    }
    int rc = cap_set_proc(c);
    cap_free(c);
    if (rc < 0) {
        snprintf(err, errlen, "cannot set the capabilities%s: %s",
                 keep_net_raw ? " to CAP_NET_RAW" : " to none", strerror(errno));
        return -1;
    }
    /* ambient set: clear (ENOSYS/EINVAL on old kernels is fine) */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
        snprintf(err, errlen, "cannot clear the ambient capabilities: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int daemon_drop_privileges(const char *user, int keep_net_raw, char *msg, size_t msglen,
                           char *err, size_t errlen)
{
    char caps[256];
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;

    msg[0] = '\0';
    if (geteuid() != 0 || !user || !*user) {
        if (geteuid() == 0) {
            caps_text(caps, sizeof(caps));
            snprintf(msg, msglen, "running as root (daemon.user is empty), capabilities: %s",
                     caps);
            return 0;
        }
        /* started unprivileged: nothing to switch, keep at most CAP_NET_RAW */
        cap_t c = cap_get_proc();
        cap_flag_value_t have = CAP_CLEAR;
        if (c) {
            cap_get_flag(c, CAP_NET_RAW, CAP_PERMITTED, &have);
            cap_free(c);
        }
        if (set_caps(keep_net_raw && have == CAP_SET, err, errlen) < 0)
            return -1;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
            snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
            return -1;
        }
        struct passwd *pw = getpwuid(geteuid());
        caps_text(caps, sizeof(caps));
        snprintf(msg, msglen, "running as user %s (uid %u, gid %u; started unprivileged, "
                 "nothing to drop), capabilities: %s", pw ? pw->pw_name : "?",
                 (unsigned)geteuid(), (unsigned)getegid(), caps);
        return 0;
    }

    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, errlen, "daemon.user: no user '%s'%s%s: create it (useradd --system "
                 "--no-create-home --shell /usr/sbin/nologin %s), or name another with "
                 "daemon.user / --user NAME, or set daemon.user = \"\" to stay root",
                 user, errno ? ": " : "", errno ? strerror(errno) : "", user);
        return -2;
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    char name[64];
    snprintf(name, sizeof(name), "%s", pw->pw_name);
    if (uid == 0) {
        snprintf(err, errlen, "daemon.user '%s' is root (uid 0): name an unprivileged user "
                 "or set daemon.user = \"\"", user);
        return -2;
    }

    /* the bounding set, while we still have CAP_SETPCAP (refused under a
     * unit without it: the bounding set is then systemd's, fine) */
    for (cap_value_t i = 0, nb = cap_max_bits(); i < nb; i++)
        if (!(keep_net_raw && i == CAP_NET_RAW))
            cap_drop_bound(i);

    if (keep_net_raw && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
        snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
        return -1;
    }
    if (initgroups(name, gid) < 0) {
        snprintf(err, errlen, "initgroups(%s): %s", name, strerror(errno));
        return -1;
    }
    if (setresgid(gid, gid, gid) < 0) {
        snprintf(err, errlen, "setresgid(%u): %s", (unsigned)gid, strerror(errno));
        return -1;
    }
    if (setresuid(uid, uid, uid) < 0) {
        snprintf(err, errlen, "setresuid(%u): %s", (unsigned)uid, strerror(errno));
        return -1;
    }
    int r1 = getresuid(&ruid, &euid, &suid), r2 = getresgid(&rgid, &egid, &sgid);
    if (r1 < 0 || r2 < 0 || ruid != uid || euid != uid || suid != uid ||
        rgid != gid || egid != gid || sgid != gid) {
        snprintf(err, errlen, "the switch to user %s did not take (uid %u/%u/%u, gid %u/%u/%u)",
                 name, (unsigned)ruid, (unsigned)euid, (unsigned)suid, (unsigned)rgid,
                 (unsigned)egid, (unsigned)sgid);
        return -1;
    }
    if (setuid(0) == 0 || seteuid(0) == 0) {
        snprintf(err, errlen, "after switching to user %s, setuid(0) still works: refusing "
                 "to run", name);
        return -1;
    }
    if (keep_net_raw)
        prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (set_caps(keep_net_raw, err, errlen) < 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        return -1;
    }
    int ng = getgroups(0, NULL);
    caps_text(caps, sizeof(caps));
    snprintf(msg, msglen, "running as user %s (uid %u, gid %u, %d group%s), capabilities: %s, "
             "no new privileges", name, (unsigned)uid, (unsigned)gid, ng < 0 ? 0 : ng,
             ng == 1 ? "" : "s", caps);
    return 0;
}

/* ---- rate limiter ------------------------------------------------- */

void ratelimit_init(struct ratelimit *rl, unsigned limit)
{
    memset(rl, 0, sizeof(*rl));
    rl->limit = limit;
}

int ratelimit_check(struct ratelimit *rl, const char *kind, uint64_t now_s,
                    unsigned long *suppressed_before)
{
    struct rl_slot *s = NULL, *lru = &rl->slot[0];
    *suppressed_before = 0;
    if (rl->limit == 0)
        return 1;
    for (int i = 0; i < RL_KINDS; i++) {
        struct rl_slot *t = &rl->slot[i];
        if (t->kind[0] && strncmp(t->kind, kind, RL_KIND_LEN - 1) == 0) {
            s = t;
            break;
        }
        /* the replacement: an empty slot, else the least recently used */
        if (lru->kind[0] && (!t->kind[0] || t->last_used < lru->last_used))
            lru = t;
    }
    if (!s) {
        s = lru;               /* a reused slot's pending count is lost, bounded */
        memset(s, 0, sizeof(*s));
        snprintf(s->kind, sizeof(s->kind), "%s", kind);
        s->window_start = now_s;
    }
    s->last_used = now_s;
    if (now_s >= s->window_start + 60) {
        *suppressed_before = s->suppressed;
        s->suppressed = 0;
        s->count = 0;
        s->window_start = now_s;
    }
    if (s->count < rl->limit) {
        s->count++;
        return 1;
    }
    s->suppressed++;
    return 0;
}

void ratelimit_expire(struct ratelimit *rl, uint64_t now_s,
                      void (*fn)(void *ctx, const char *kind, unsigned long n), void *ctx)
{
    for (int i = 0; i < RL_KINDS; i++) {
        struct rl_slot *s = &rl->slot[i];
        if (s->kind[0] && s->suppressed && now_s >= s->window_start + 60) {
            fn(ctx, s->kind, s->suppressed);
            /* a new window starts: the next line of this kind is written */
            s->suppressed = 0;
            s->count = 0;
            s->window_start = now_s;
        }
    }
}

/* ---- log lines ---------------------------------------------------- */

static pthread_mutex_t g_log_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *g_log;
static int g_log_syslog;
static int g_journal = -1;
static struct ratelimit g_rl;

int daemon_log_to_journal(void)
{
    if (g_journal < 0) {
        const char *js = getenv("JOURNAL_STREAM");
        struct stat st;
        unsigned long long dev, ino;
        g_journal = 0;
        if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
            (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
            g_journal = 1;
    }
    return g_journal;
}

void daemon_log_setup(FILE *log, unsigned repeat_limit, int use_syslog)
{
    pthread_mutex_lock(&g_log_mu);
    g_log = log;
    g_log_syslog = use_syslog;
    ratelimit_init(&g_rl, repeat_limit);
    pthread_mutex_unlock(&g_log_mu);
    daemon_log_to_journal();
}

void daemon_log_set_limit(unsigned repeat_limit)
{
    pthread_mutex_lock(&g_log_mu);
    g_rl.limit = repeat_limit;
    pthread_mutex_unlock(&g_log_mu);
}

static uint64_t mono_s(void)
{
    return mono_us() / 1000000;
}

/* under the lock */
static void emit(int level, const char *text)
{
    FILE *fp = g_log ? g_log : stderr;
    if (g_log_syslog && fp != stderr)
        syslog(level, "%s", text);
    else if (fp == stderr && g_journal == 1)
        fprintf(fp, "<%d>spanhound: %s\n", level, text);
    else
        fprintf(fp, "spanhound: %s\n", text);
}

static void emit_suppressed(void *ctx, const char *kind, unsigned long n)
{
    (void)ctx;
    char line[200];
    snprintf(line, sizeof(line), "%lu similar message%s suppressed (%s)", n,
             n == 1 ? "" : "s", kind);
    emit(DLOG_NOTICE, line);
}

size_t daemon_log_clean(char *dst, size_t len, const char *src)
{
    size_t o = 0;
    if (!len)
        return 0;
    for (const unsigned char *p = (const unsigned char *)src; *p && o + 1 < len; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            if (o + 5 >= len)
                break;
            o += (size_t)snprintf(dst + o, len - o, "\\x%02x", *p);
        } else {
            dst[o++] = (char)*p;
        }
    }
    dst[o] = '\0';
    return o;
}

void daemon_log(int level, const char *kind, const char *fmt, ...)
{
    char raw[1024], text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* one line, whatever the wire put in a name: a newline would start a
     * line of the sender's choosing ("<0>spanhound: ..." is an emergency
     * to journald), an escape sequence would drive the reader's terminal */
    daemon_log_clean(text, sizeof(text), raw);
    pthread_mutex_lock(&g_log_mu);
    unsigned long before = 0;
    int ok = kind ? ratelimit_check(&g_rl, kind, mono_s(), &before) : 1;
    if (before)
        emit_suppressed(NULL, kind, before);
    if (ok)
        emit(level, text);
    pthread_mutex_unlock(&g_log_mu);
}

void daemon_log_flush(void)
{
    pthread_mutex_lock(&g_log_mu);
    ratelimit_expire(&g_rl, mono_s(), emit_suppressed, NULL);
    pthread_mutex_unlock(&g_log_mu);
}

void daemon_log_finish(void)
{
    pthread_mutex_lock(&g_log_mu);
    ratelimit_expire(&g_rl, UINT64_MAX / 2, emit_suppressed, NULL);
    pthread_mutex_unlock(&g_log_mu);
}

/*
 * cef.c -- one ArcSight CEF line per stream entry, to syslog (default
 * facility authpriv, --facility), or appended to --file ("-" = stdout).
 *
 *   CEF:0|spanhound|spanhound|VERSION|<event>|<name>|<severity>|<extension>
 *
 * Header fields escape '\' and '|'; extension values escape '\', '=' and
 * line breaks (\n, \r), as the CEF specification asks; other control
 * bytes become spaces.  A line is accepted once written (--file: after
 * fsync).  Every event type is written.
 */
#include "nac.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const struct nac_opts *opt;
static int fd = -1;            /* --file; -1 = syslog */
static int facility = LOG_AUTHPRIV;

static const struct { const char *name; int fac; } facilities[] = {
    { "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON },
    { "user", LOG_USER }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
    { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
    { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

static int cef_init(const struct nac_opts *o, char *err, size_t errlen)
{
    opt = o;
    int found = 0;
    for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
        if (!strcmp(o->facility, facilities[i].name)) {
            facility = facilities[i].fac;
            found = 1;
        }
    if (!found) {
        snprintf(err, errlen, "--facility '%s': one of auth, authpriv, daemon, user, local0..local7",
                 o->facility);
        return -1;
    }
    if (o->file && !strcmp(o->file, "-")) {
        fd = STDOUT_FILENO;
    } else if (o->file) {
        fd = open(o->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) {
            snprintf(err, errlen, "--file %s: %s", o->file, strerror(errno));
            return -1;
        }
    } else {
        closelog();
        openlog("spanhound-nac", LOG_PID, facility);
    }
    return 0;
}

static void cef_fini(void)
{
    if (fd > STDERR_FILENO)
        close(fd);
    fd = -1;
}

struct buf {
    char *p;
    size_t len, cap;
    int in_ext;       /* an extension pair was written */
};

static void addc(struct buf *b, char c)
{
    if (b->len + 1 < b->cap)
        b->p[b->len++] = c;
}

static void adds(struct buf *b, const char *s)
{
    while (*s)
        addc(b, *s++);
}

/* header field: at most max input bytes */
static void hdr(struct buf *b, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '|')
            addc(b, '\\');
        addc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    addc(b, '|');
}

/* " key=value" in the extension; nothing when the value is empty */
static void ext(struct buf *b, const char *key, const char *s, size_t max)
{
    if (!s || !*s)
        return;
    if (b->in_ext)
        addc(b, ' ');
    b->in_ext = 1;
    adds(b, key);
    addc(b, '=');
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '=') {
            addc(b, '\\');
            addc(b, (char)c);
        } else if (c == '\n') {
            adds(b, "\\n");
        } else if (c == '\r') {
            adds(b, "\\r");
        } else {
            addc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
        }
    }
}

static enum nac_result cef_handle(const struct nac_event *ev, char *why, size_t whylen)
{
    const char *name = "Host infected", *sev = "8";
    if (!strcmp(ev->event, "updated")) { name = "Host still infected, new evidence"; sev = "7"; }
    else if (!strcmp(ev->event, "cleared")) { name = "Host evidence decayed"; sev = "3"; }
    else if (!strcmp(ev->event, "expired")) { name = "Flagged host went silent"; sev = "2"; }
    else if (!strcmp(ev->event, "released")) { name = "Host released by an operator"; sev = "3"; }

    char line[8192];
    struct buf b = { line, 0, sizeof(line) - 1, 0 };
    adds(&b, "CEF:0|");
    hdr(&b, "spanhound", 32);
    hdr(&b, "spanhound", 32);
    hdr(&b, SPANHOUND_VERSION, 32);
    hdr(&b, ev->event, 32);
    hdr(&b, name, 64);
    hdr(&b, sev, 4);
    ext(&b, "src", ev->ip, 64);
    ext(&b, "smac", ev->mac, 32);
    ext(&b, "shost", ev->hostname, 255);
    ext(&b, "externalId", ev->id, 128);
    ext(&b, "dvchost", ev->sensor, 128);
    ext(&b, "rt", ev->ts, 64);
    ext(&b, "suser", ev->by, 128);
    char score[32] = "";
    if (ev->score[0]) {
        char *end;
        double s = strtod(ev->score, &end);
        if (!*end && end != ev->score && isfinite(s))
            snprintf(score, sizeof(score), "%.3f", s);
    }
    if (score[0]) {
        ext(&b, "cfp1Label", "score", 16);
        ext(&b, "cfp1", score, 32);
    }
    ext(&b, "cs1Label", "mac_status", 16);
    ext(&b, "cs1", ev->mac_status[0] ? ev->mac_status : "unknown", 32);
    if (ev->mac_conflict[0]) {
        ext(&b, "cs2Label", "mac_conflict", 16);
        ext(&b, "cs2", ev->mac_conflict, 64);
    }
    if (ev->mac_seen[0] && !ev->mac[0]) {
        ext(&b, "cs3Label", "mac_seen", 16);
        ext(&b, "cs3", ev->mac_seen, 32);
    }
    ext(&b, "msg", ev->top_reason, 1024);
    line[b.len] = 0;

    if (fd < 0) {
        syslog(facility | LOG_WARNING, "%s", line);
        snprintf(why, whylen, "written to syslog");
        return NAC_ACCEPTED;
    }
    line[b.len++] = '\n';
    for (size_t off = 0; off < b.len;) {
        ssize_t n = write(fd, line + off, b.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(why, whylen, "write %s: %s", opt->file, strerror(errno));
            return NAC_RETRY;
        }
        off += (size_t)n;
    }
    if (fd != STDOUT_FILENO && fsync(fd) < 0) {
        snprintf(why, whylen, "fsync %s: %s", opt->file, strerror(errno));
        return NAC_RETRY;
    }
    snprintf(why, whylen, "written");
    return NAC_ACCEPTED;
}

const struct nac_bridge nac_cef = { "cef", cef_init, cef_handle, cef_fini };

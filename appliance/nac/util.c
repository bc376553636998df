/*
 * util.c -- logging, secrets and input checks shared by the NAC bridges.
 */
#include "nac.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

int nac_verbose;

static void vlog(const char *level, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    fprintf(stderr, "spanhound-nac: %s: %s\n", level, msg);
    fflush(stderr);
}

void nac_log(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

void nac_alert(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "spanhound-nac: warning: ALERT: %s\n", msg);
    fflush(stderr);
    syslog(LOG_WARNING, "ALERT: %s", msg);
}

int nac_read_secret(const char *what, const char *path, char *out, size_t outlen,
                    char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return -1;
    }
    out[0] = 0;
    if (!fgets(out, (int)outlen, fp))
        out[0] = 0;
    int too_long = strlen(out) == outlen - 1 && !strchr(out, '\n') && !feof(fp);
    fclose(fp);
    out[strcspn(out, "\r\n")] = 0;
    if (too_long) {
        snprintf(err, errlen, "%s %s: first line longer than %zu bytes", what, path, outlen - 2);
        return -1;
    }
    if (!out[0]) {
        snprintf(err, errlen, "%s %s: empty first line", what, path);
        return -1;
    }
    return 0;
}

int nac_valid_ip(const char *s)
{
    unsigned char buf[16];
    char back[INET6_ADDRSTRLEN];
    if (!s || !*s || strlen(s) >= sizeof(back))
        return 0;
    int af = strchr(s, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(af, s, buf) != 1)
        return 0;
    /* only the canonical form: it goes into URLs and XML as it is */
    return inet_ntop(af, buf, back, sizeof(back)) && !strcmp(back, s);
}

int nac_valid_mac(const char *s)
{
    if (!s || strlen(s) != 17)
        return 0;
    for (int i = 0; i < 17; i++) {
        char c = s[i];
        if (i % 3 == 2) {
            if (c != ':')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

const char *nac_clean(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    if (!outlen)
        return out;
    for (size_t i = 0; s && i < n && s[i] && o + 1 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    out[o] = 0;
    return out;
}

/*
 * rconn.c -- connecting to the feed's Redis.  See rconn.h.
 */
#include "rconn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static struct timeval ms_tv(uint32_t ms)
{
    struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000) };
    return tv;
}

int rconn_parse_addr(const char *s, int default_port, char *host, size_t hostlen,
                     int *port, int *is_unix, char *err, size_t errlen)
{
    *is_unix = 0;
    *port = default_port;
    if (!strncmp(s, "unix:", 5)) {
        if (!s[5] || strlen(s + 5) >= hostlen) {
            snprintf(err, errlen, "'%s': unix:PATH needs a path", s);
            return -1;
        }
        snprintf(host, hostlen, "%s", s + 5);
        *is_unix = 1;
        return 0;
    }
    const char *h = s, *colon;
    size_t hl;
    if (*s == '[') {
        const char *rb = strchr(s, ']');
        if (!rb) {
            snprintf(err, errlen, "'%s': missing ']'", s);
            return -1;
        }
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb[1] == ':' ? rb + 1 : NULL;
        if (rb[1] && !colon) {
            snprintf(err, errlen, "'%s': expected ':port' after ']'", s);
            return -1;
        }
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon) {
            snprintf(err, errlen, "'%s': write an IPv6 address as [addr]:port", s);
            return -1;
        }
        hl = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (!hl || hl >= hostlen) {
        snprintf(err, errlen, "'%s': no host", s);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    if (colon) {
        char *end;
        errno = 0;
        long p = strtol(colon + 1, &end, 10);
        if (errno || end == colon + 1 || *end || p < 1 || p > 65535) {
            snprintf(err, errlen, "'%s': bad port", s);
            return -1;
        }
        *port = (int)p;
    }
    return 0;
}

int rconn_password(const struct sh_redis_cfg *c, char *out, size_t outlen,
                   char *err, size_t errlen)
{
    out[0] = 0;
    if (!c->password_file[0]) {
        snprintf(out, outlen, "%s", c->password);
        return 0;
    }
    FILE *fp = fopen(c->password_file, "r");
    if (!fp) {
        snprintf(err, errlen, "redis.password_file %s: %s", c->password_file, strerror(errno));
        return -1;
    }
    if (!fgets(out, (int)outlen, fp))
        out[0] = 0;
    fclose(fp);
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

void rconn_key(const struct sh_redis_cfg *c, const char *suffix, char *out, size_t outlen)
{
    snprintf(out, outlen, "{%s}:%s", c->prefix, suffix);
}

redisReply *rconn_cmd(redisContext *ctx, int argc, const char **argv,
                      char *err, size_t errlen)
{
    redisReply *r = redisCommandArgv(ctx, argc, argv, NULL);
    if (!r) {
        snprintf(err, errlen, "%s: %s", argv[0],
                 ctx->errstr[0] ? ctx->errstr : "connection lost");
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "%s: %s", argv[0], r->str ? r->str : "error");
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static redisContext *connect_addr(const char *host, int port, int is_unix, uint32_t cto_ms,
                                  uint32_t rto_ms, char *err, size_t errlen)
{
    redisContext *ctx = is_unix ? redisConnectUnixWithTimeout(host, ms_tv(cto_ms))
                                : redisConnectWithTimeout(host, port, ms_tv(cto_ms));
    if (!ctx) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (ctx->err) {
        if (is_unix)
            snprintf(err, errlen, "unix:%s: %s", host, ctx->errstr);
        else
            snprintf(err, errlen, "%s:%d: %s", host, port, ctx->errstr);
        redisFree(ctx);
        return NULL;
    }
    redisSetTimeout(ctx, ms_tv(rto_ms));
    if (!is_unix)
        redisEnableKeepAlive(ctx);
    return ctx;
}

/* Ask each Sentinel in turn for the master's address. */
static int sentinel_resolve(const struct sh_redis_cfg *c, char *host, size_t hostlen, int *port,
                            char *err, size_t errlen)
{
    char list[CFG_STR_MAX];
    char last[384] = "no sentinel listed";
    snprintf(list, sizeof(list), "%s", c->sentinels);
    for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        char sh[256], e[256];
        int sp, su;
        if (rconn_parse_addr(tok, 26379, sh, sizeof(sh), &sp, &su, e, sizeof(e)) < 0) {
            snprintf(err, errlen, "redis.sentinels: %s", e);
            return -1;
        }
        redisContext *s = connect_addr(sh, sp, su, c->connect_timeout_ms,
                                       c->command_timeout_ms, e, sizeof(e));
        if (!s) {
            snprintf(last, sizeof(last), "sentinel %s", e);
            continue;
        }
        const char *argv[] = { "SENTINEL", "get-master-addr-by-name", c->master };
        redisReply *r = rconn_cmd(s, 3, argv, e, sizeof(e));
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
            r->element[0]->type == REDIS_REPLY_STRING && r->element[1]->type == REDIS_REPLY_STRING &&
            r->element[0]->len < hostlen) {
            snprintf(host, hostlen, "%s", r->element[0]->str);
            *port = atoi(r->element[1]->str);
            freeReplyObject(r);
            redisFree(s);
            return 0;
        }
        if (r)
            snprintf(last, sizeof(last), "sentinel %s: does not know a master named '%s'", tok,
                     c->master);
        else
            snprintf(last, sizeof(last), "sentinel %s: %s", tok, e);
        if (r)
            freeReplyObject(r);
        redisFree(s);
    }
    snprintf(err, errlen, "%s", last);
    return -1;
}

redisContext *rconn_open(const struct sh_redis_cfg *c, char *where, size_t wherelen,
                         char *err, size_t errlen)
{
    char host[256], e[384], pw[CFG_STR_MAX];
    int port, is_unix = 0;
    int via_sentinel = c->sentinels[0] != 0;

    if (via_sentinel) {
        if (sentinel_resolve(c, host, sizeof(host), &port, e, sizeof(e)) < 0) {
            snprintf(err, errlen, "%s", e);
            return NULL;
        }
    } else if (rconn_parse_addr(c->server, 6379, host, sizeof(host), &port, &is_unix,
                                e, sizeof(e)) < 0) {
        snprintf(err, errlen, "redis.server: %s", e);
        return NULL;
    }
    if (where) {
        if (is_unix)
            snprintf(where, wherelen, "unix:%s", host);
        else
            snprintf(where, wherelen, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    }
    if (rconn_password(c, pw, sizeof(pw), err, errlen) < 0)
        return NULL;
    redisContext *ctx = connect_addr(host, port, is_unix, c->connect_timeout_ms,
                                     c->command_timeout_ms, err, errlen);
    if (!ctx)
        return NULL;
    if (pw[0] || c->user[0]) {
        const char *argv[] = { "AUTH", c->user, pw };
        redisReply *r = c->user[0] ? rconn_cmd(ctx, 3, argv, e, sizeof(e))
                                   : rconn_cmd(ctx, 2, (const char *[]){ "AUTH", pw }, e, sizeof(e));
        if (!r) {
            snprintf(err, errlen, "%s: authentication failed (%s)", where ? where : host, e);
            redisFree(ctx);
            return NULL;
        }
        freeReplyObject(r);
    }
    const char *ping[] = { via_sentinel ? "ROLE" : "PING" };
    redisReply *r = rconn_cmd(ctx, 1, ping, e, sizeof(e));
    if (!r) {
        snprintf(err, errlen, "%s: %s", where ? where : host, e);
        redisFree(ctx);
        return NULL;
    }
    if (via_sentinel && !(r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
                          r->element[0]->type == REDIS_REPLY_STRING &&
                          !strcmp(r->element[0]->str, "master"))) {
        snprintf(err, errlen, "%s: Sentinel named it master '%s' but it is not a master (yet)",
                 where ? where : host, c->master);
        freeReplyObject(r);
        redisFree(ctx);
        return NULL;
    }
    freeReplyObject(r);
    return ctx;
}

const char *rconn_field(const redisReply *fields, const char *name)
{
    if (!fields || fields->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *k = fields->element[i], *v = fields->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
            k->len == strlen(name) && !memcmp(k->str, name, k->len))
            return v->str;
    }
    return NULL;
}

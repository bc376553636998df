/*
 * rconn.h -- one way to reach the feed's Redis, for the publisher, the
 * operator tool and the NAC bridges alike.
 *
 * rconn_open() connects by TCP or unix socket (or asks the Sentinels for
 * the master by name and checks that the server it reaches really is a
 * master), sets the connect and reply timeouts and TCP keepalive,
 * authenticates (ACL user + password, or the password alone), and PINGs.
 * Every failure comes back as one line in err: what was tried and what
 * Redis (or the system) answered.
 *
 * Keys all carry the prefix in braces, "{prefix}:events", so they hash to
 * one Redis Cluster slot (docs/nac-feed.md).
 */
#ifndef SH_RCONN_H
#define SH_RCONN_H

#include <stddef.h>

#include <hiredis.h>

#include "../config/config.h"

/* Parse "host:port", "[v6]:port", "host" (port 6379) or "unix:/path".
 * Returns 0, or -1 with a message in err. */
int rconn_parse_addr(const char *s, int default_port, char *host, size_t hostlen,
                     int *port, int *is_unix, char *err, size_t errlen);

/* Connect as configured.  NULL with a message on failure.  *where (may be
 * NULL) receives the address actually used ("10.0.0.5:6379"). */
redisContext *rconn_open(const struct sh_redis_cfg *c, char *where, size_t wherelen,
                         char *err, size_t errlen);

/* The password from the config (password_file wins when set).  0, or -1
 * with a message (unreadable file). */
int rconn_password(const struct sh_redis_cfg *c, char *out, size_t outlen,
                   char *err, size_t errlen);

/* "{prefix}:suffix" */
void rconn_key(const struct sh_redis_cfg *c, const char *suffix, char *out, size_t outlen);

/* Run one command (argv form, binary safe).  Returns the reply, or NULL
 * with a message in err when the connection failed or Redis answered an
 * error (the error reply is freed).  ctx->err set means reconnect. */
redisReply *rconn_cmd(redisContext *ctx, int argc, const char **argv,
                      char *err, size_t errlen);

/* A stream entry's field list (the [field, value, ...] array of an
 * XRANGE/XREAD/XREADGROUP entry, or an HGETALL reply): the value of
 * `name`, or NULL when absent. */
const char *rconn_field(const redisReply *fields, const char *name);

#endif /* SH_RCONN_H */

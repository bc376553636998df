/*
 * nac.h -- spanhound-nac: bridges from the feed's `{P}:events` stream to a
 * NAC (docs/nac-bridges.md; the stream's contract is docs/nac-feed.md).
 *
 * main.c is the shared core: it reads the stream through a consumer group,
 * hands every entry to one bridge and acknowledges the entry only when the
 * bridge says the NAC accepted it (or that it deliberately does nothing
 * with it).  A bridge is four functions in its own file.
 */
#ifndef SH_NAC_H
#define SH_NAC_H

#include <stddef.h>

/* What a bridge made of one entry. */
enum nac_result {
    NAC_ACCEPTED,    /* the NAC accepted the action: acknowledge           */
    NAC_SKIPPED,     /* deliberately not acted on (why says so): acknowledge */
    NAC_RETRY,       /* the NAC did not accept it (why says so): keep pending */
};

/* Command-line options; each bridge reads the ones it documents. */
struct nac_opts {
    const char *bridge;
    const char *url;
    const char *user;
    const char *password_file;
    const char *token_file;
    const char *hmac_key_file;
    const char *ca_file;
    int insecure;
    long timeout_s;
    const char *security_event;   /* packetfence */
    const char *property;         /* forescout: the boolean property */
    const char *api_version;      /* forescout */
    const char *facility;         /* cef */
    const char *file;             /* cef: "-" = stdout */
    int close_on_clear;
    int verbose;
};

/* One stream entry's fields (NULL-free: absent fields are ""). */
struct nac_event {
    const char *entry;     /* the stream entry id (1733500000000-0) */
    const char *id, *event, *ip, *mac, *mac_status, *mac_source, *mac_seen,
               *mac_conflict, *hostname, *score, *flagged, *first_seen, *ts,
               *reasons, *top_reason, *sensor, *by, *version;
};

/* Every field of the contract, in the contract's order (for the webhook). */
#define NAC_FIELDS(X) X(id) X(event) X(ip) X(mac) X(mac_status) X(mac_source) \
    X(mac_seen) X(mac_conflict) X(hostname) X(score) X(flagged) X(first_seen) X(ts) \
    X(reasons) X(top_reason) X(sensor) X(by) X(version)

struct nac_bridge {
    const char *name;
    /* Check the options and set up; 0, or -1 with a message (exit 2). */
    int (*init)(const struct nac_opts *o, char *err, size_t errlen);
    enum nac_result (*handle)(const struct nac_event *ev, char *why, size_t whylen);
    void (*fini)(void);
};

extern const struct nac_bridge nac_packetfence, nac_forescout, nac_webhook, nac_cef;

/* ---- shared helpers (util.c) ---------------------------------------- */

/* Logging to stderr, "spanhound-nac: LEVEL: message".  nac_alert() also
 * goes to syslog at LOG_WARNING: it is the operator alert. */
void nac_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nac_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int nac_verbose;

/* First line of a file (a secret), CR/LF stripped.  0, or -1 with a
 * message (unreadable, empty, too long). */
int nac_read_secret(const char *what, const char *path, char *out, size_t outlen,
                    char *err, size_t errlen);

/* Is s an IPv4/IPv6 address as inet_ntop writes it?  A lowercase
 * aa:bb:cc:dd:ee:ff MAC? */
int nac_valid_ip(const char *s);
int nac_valid_mac(const char *s);

/* s made safe for one log line: at most max bytes, control and non-ASCII
 * bytes as '?'.  Returns out. */
const char *nac_clean(const char *s, size_t n, char *out, size_t outlen);

/* ---- HTTP (http.c, libcurl) ------------------------------------------ */

#define NAC_HTTP_MAX_REPLY (1024 * 1024)

struct nac_http_resp {
    long status;          /* 0 when no HTTP answer came */
    char *body;           /* NUL-terminated, NULL when empty */
    size_t len;
    char err[256];        /* transport error ("" when an answer came) */
};

int nac_http_init(const struct nac_opts *o, char *err, size_t errlen);
void nac_http_fini(void);
/* One request.  headers: NULL-terminated list of "Name: value".  user /
 * pass: basic auth when user != NULL.  0 when an HTTP answer came (any
 * status), -1 otherwise (resp->err says why).  Free with nac_http_free. */
int nac_http(const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len, const char *user, const char *pass,
             struct nac_http_resp *resp);
void nac_http_free(struct nac_http_resp *resp);
/* "HTTP 500: <start of the body>" or the transport error, for logs. */
const char *nac_http_why(const struct nac_http_resp *r, char *out, size_t outlen);

#endif /* SH_NAC_H */

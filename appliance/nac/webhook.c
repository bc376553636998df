/*
 * webhook.c -- the generic bridge: every stream entry as one JSON POST.
 *
 *   POST --url, Content-Type: application/json
 *   {"entry": "<stream entry id>", "id": ..., "event": ..., "ip": ..., every
 *    field of the contract as a string, except "reasons": the evidence as
 *    a JSON array (or the raw string when it is not valid JSON)}
 *
 *   Authorization: Bearer <token>               with --token-file
 *   X-Spanhound-Signature: sha256=<hex>         with --hmac-key-file: the
 *       HMAC-SHA256 of the exact body bytes, keyed with the file's first line
 *
 * Any 2xx answer is acceptance.  Every event type is sent (the receiver
 * decides what `cleared` or `expired` mean to it).
 */
#include "nac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/hmac.h>

#include "../../feeds/json.h"

static const struct nac_opts *opt;
static char bearer[1100];     /* "Authorization: Bearer ..." or "" */
static char hmac_key[512];

static int wh_init(const struct nac_opts *o, char *err, size_t errlen)
{
    opt = o;
    if (!o->url) {
        snprintf(err, errlen, "needs --url");
        return -1;
    }
    if (strncmp(o->url, "https://", 8) && strncmp(o->url, "http://", 7)) {
        snprintf(err, errlen, "--url %s: expected http:// or https://", o->url);
        return -1;
    }
    if (o->token_file) {
        char tok[1024];
        if (nac_read_secret("--token-file", o->token_file, tok, sizeof(tok), err, errlen) < 0)
            return -1;
        for (const char *p = tok; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
                snprintf(err, errlen, "--token-file %s: the token must be printable ASCII",
                         o->token_file);
                return -1;
            }
        snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", tok);
        memset(tok, 0, sizeof(tok));
    }
    if (o->hmac_key_file &&
        nac_read_secret("--hmac-key-file", o->hmac_key_file, hmac_key, sizeof(hmac_key), err,
                        errlen) < 0)
        return -1;
    return nac_http_init(o, err, errlen);
}

static void wh_fini(void)
{
    memset(bearer, 0, sizeof(bearer));
    memset(hmac_key, 0, sizeof(hmac_key));
    nac_http_fini();
}

static enum nac_result wh_handle(const struct nac_event *ev, char *why, size_t whylen)
{
    /* the evidence: re-serialised by jansson when it parses, so that the
     * body is valid JSON whatever Redis held */
    json_error_t je;
    json_t *rs = ev->reasons[0] ? json_loads(ev->reasons, JSON_REJECT_DUPLICATES, &je) : NULL;
    char *reasons = json_is_array(rs) ? json_dumps(rs, JSON_COMPACT) : NULL;
    json_decref(rs);

    size_t total = strlen(ev->entry) + (reasons ? strlen(reasons) : 0);
#define LEN(f) total += strlen(ev->f);
    NAC_FIELDS(LEN)
#undef LEN
    size_t cap = 6 * total + 4096;
    char *buf = malloc(cap);
    if (!buf) {
        free(reasons);
        snprintf(why, whylen, "out of memory");
        return NAC_RETRY;
    }
    struct json j;
    json_init(&j, buf, cap);
    json_obj_open(&j, NULL);
    json_cstr(&j, "entry", ev->entry);
#define PUT(f) \
    if (!strcmp(#f, "reasons") && reasons) json_raw(&j, "reasons", reasons); \
    else json_cstr(&j, #f, ev->f);
    NAC_FIELDS(PUT)
#undef PUT
    json_obj_close(&j);
    const char *body = json_finish(&j);
    free(reasons);
    if (!body) {
        free(buf);
        snprintf(why, whylen, "JSON body too large");
        return NAC_RETRY;
    }
    size_t blen = strlen(body);

    char sig[100] = "";
    if (hmac_key[0]) {
        struct hmac_sha256_ctx h;
        uint8_t d[SHA256_DIGEST_SIZE];
        hmac_sha256_set_key(&h, strlen(hmac_key), (const uint8_t *)hmac_key);
        hmac_sha256_update(&h, blen, (const uint8_t *)body);
        hmac_sha256_digest(&h, sizeof(d), d);
        int n = snprintf(sig, sizeof(sig), "X-Spanhound-Signature: sha256=");
        for (size_t i = 0; i < sizeof(d); i++)
            n += snprintf(sig + n, sizeof(sig) - (size_t)n, "%02x", d[i]);
    }
    const char *hdr[4];
    size_t nh = 0;
    hdr[nh++] = "Content-Type: application/json";
    if (bearer[0])
        hdr[nh++] = bearer;
    if (sig[0])
        hdr[nh++] = sig;
    hdr[nh] = NULL;

    struct nac_http_resp r;
    char w[512];
    int rc = nac_http("POST", opt->url, hdr, body, blen, NULL, NULL, &r);
    free(buf);
    if (rc < 0 || r.status / 100 != 2) {
        snprintf(why, whylen, "POST %s: %s", opt->url, nac_http_why(&r, w, sizeof(w)));
        nac_http_free(&r);
        return NAC_RETRY;
    }
    snprintf(why, whylen, "HTTP %ld", r.status);
    nac_http_free(&r);
    return NAC_ACCEPTED;
}

const struct nac_bridge nac_webhook = { "webhook", wh_init, wh_handle, wh_fini };

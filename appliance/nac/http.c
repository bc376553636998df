/*
 * http.c -- the bridges' HTTP client (libcurl): bounded replies, timeouts,
 * TLS verification on unless --insecure, no redirects, http(s) only.
 */
#include "nac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static CURL *curl;
static long timeout_ms = 10000;
static const char *ca_file;
static int insecure;

int nac_http_init(const struct nac_opts *o, char *err, size_t errlen)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(curl = curl_easy_init())) {
        snprintf(err, errlen, "libcurl: initialisation failed");
        return -1;
    }
    timeout_ms = o->timeout_s * 1000;
    ca_file = o->ca_file;
    insecure = o->insecure;
    return 0;
}

void nac_http_fini(void)
{
    if (curl)
        curl_easy_cleanup(curl);
    curl = NULL;
    curl_global_cleanup();
}

struct sink {
    char *buf;
    size_t len, cap;
    int over;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t add = size * n;
    if (add > NAC_HTTP_MAX_REPLY - s->len) {
        s->over = 1;
        return 0;                       /* aborts the transfer */
    }
    if (s->len + add + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + add + 1)
            cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            s->over = 1;
            return 0;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, add);
    s->len += add;
    s->buf[s->len] = 0;
    return add;
}

int nac_http(const char *method, const char *url, const char *const *headers,
             const char *body, size_t body_len, const char *user, const char *pass,
             struct nac_http_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    struct sink s = { 0 };
    struct curl_slist *hl = NULL, *t;
    /* no "Expect: 100-continue" round trip */
    if (!(t = curl_slist_append(hl, "Expect:")))
        goto oom;
    hl = t;
    for (size_t i = 0; headers && headers[i]; i++) {
        if (!(t = curl_slist_append(hl, headers[i])))
            goto oom;
        hl = t;
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
    if (ca_file)
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "spanhound-nac/" SPANHOUND_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
    if (user) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, pass ? pass : "");
    }
    if (!strcmp(method, "GET")) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
        if (strcmp(method, "POST"))
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(hl);
    if (rc != CURLE_OK) {
        if (s.over)
            snprintf(resp->err, sizeof(resp->err), "%s %s: reply larger than %d bytes, dropped",
                     method, url, NAC_HTTP_MAX_REPLY);
        else
            snprintf(resp->err, sizeof(resp->err), "%s %s: %s", method, url, curl_easy_strerror(rc));
        free(s.buf);
        return -1;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
    resp->body = s.buf;
    resp->len = s.len;
    return 0;
oom:
    curl_slist_free_all(hl);
    snprintf(resp->err, sizeof(resp->err), "out of memory");
    return -1;
}

void nac_http_free(struct nac_http_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

const char *nac_http_why(const struct nac_http_resp *r, char *out, size_t outlen)
{
    char b[161];
    if (r->err[0])
        snprintf(out, outlen, "%s", r->err);
    else
        snprintf(out, outlen, "HTTP %ld%s%s", r->status, r->len ? ": " : "",
                 nac_clean(r->body, r->len, b, sizeof(b)));
    return out;
}

/*
 * forescout.c -- the ForeScout CounterACT bridge: host properties through
 * the Data Exchange (DEX) module's CounterACT web service.
 *
 *   POST {url}/fsapi/niCore/Hosts, Content-Type: application/xml, basic
 *   auth with a DEX web service account:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <FSAPI TYPE="request" API_VERSION="2.0">
 *     <TRANSACTION TYPE="update">
 *       <OPTIONS CREATE_NEW_HOST="true"/>
 *       <HOST_KEY NAME="ip" VALUE="10.0.0.5"/>
 *       <PROPERTIES>
 *         <PROPERTY NAME="spanhound_infected"><VALUE>true</VALUE></PROPERTY>
 *         ...
 *       </PROPERTIES>
 *     </TRANSACTION>
 *   </FSAPI>
 *
 * and to lift it a TRANSACTION TYPE="delete" naming the same properties
 * without values.  The answer is an FSAPI TYPE="response" document whose
 * <STATUS><CODE> is FSAPI_OK on success (a <MESSAGE> says what was done);
 * anything else, or no such element, is a failure.  Sources: ForeScout
 * "Open Integration Module: Data Exchange Configuration Guide" (CounterACT
 * web service, request and response messages), as used by the Splunk SOAR
 * and Cortex XSOAR CounterACT integrations.
 *
 * The host key is the IP, so this bridge acts for every mac_status.
 */
#include "nac.h"
#include "../../feeds/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct nac_opts *opt;
static char password[512];
static char url[1024];

#define REASON_MAX 1024   /* bytes of the reason sent */

static int fs_init(const struct nac_opts *o, char *err, size_t errlen)
{
    opt = o;
    if (!o->url || !o->user || !o->password_file) {
        snprintf(err, errlen, "needs --url, --user and --password-file (the DEX web service account)");
        return -1;
    }
    if (strncmp(o->url, "https://", 8) && strncmp(o->url, "http://", 7)) {
        snprintf(err, errlen, "--url %s: expected https://counteract", o->url);
        return -1;
    }
    size_t pl = strlen(o->property);
    if (!pl || pl > 64 || strspn(o->property, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_") != pl) {
        snprintf(err, errlen, "--property '%s': letters, digits and '_' only", o->property);
        return -1;
    }
    if (strspn(o->api_version, "0123456789.") != strlen(o->api_version) || !o->api_version[0] ||
        strlen(o->api_version) > 8) {
        snprintf(err, errlen, "--api-version '%s': e.g. 2.0", o->api_version);
        return -1;
    }
    size_t n = strlen(o->url);
    while (n && o->url[n - 1] == '/')
        n--;
    snprintf(url, sizeof(url), "%.*s/fsapi/niCore/Hosts", (int)n, o->url);
    if (nac_read_secret("--password-file", o->password_file, password, sizeof(password), err,
                        errlen) < 0)
        return -1;
    return nac_http_init(o, err, errlen);
}

static void fs_fini(void)
{
    memset(password, 0, sizeof(password));
    nac_http_fini();
}

/* Length of a valid UTF-8 sequence at s that XML 1.0 allows, 0 if not. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = json_utf8_len(s, n);
    /* U+FFFE and U+FFFF are valid UTF-8 but not XML characters */
    if (len == 3 && s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
        return 0;
    return len;
}

/* Append s (at most max input bytes) XML-escaped.  Characters XML 1.0
 * cannot carry (controls, invalid UTF-8) become '?'.  out has room. */
static void xml_put(char **o, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t l = utf8_len(p + i, n - i);
        if (!l || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
            *(*o)++ = '?';
            i += l ? l : 1;
            continue;
        }
        const char *e = NULL;
        switch (c) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&apos;"; break;
        case '\t': e = "&#9;"; break;
        case '\n': e = "&#10;"; break;
        case '\r': e = "&#13;"; break;
        }
        if (e) {
            size_t el = strlen(e);
            memcpy(*o, e, el);
            *o += el;
        } else {
            memcpy(*o, p + i, l);
            *o += l;
        }
        i += l;
    }
}

static void put(char **o, const char *s)
{
    size_t n = strlen(s);
    memcpy(*o, s, n);
    *o += n;
}

/* A property element; value NULL for the delete transaction. */
static void prop(char **o, const char *name, const char *value, size_t max)
{
    put(o, "      <PROPERTY NAME=\"");
    xml_put(o, name, 64);
    if (!value) {
        put(o, "\"/>\n");
        return;
    }
    put(o, "\"><VALUE>");
    xml_put(o, value, max);
    put(o, "</VALUE></PROPERTY>\n");
}

/* The text of the first <tag>...</tag> after from, trimmed, into out. */
static int element_text(const char *doc, const char *tag, char *out, size_t outlen)
{
    char open[32], close[32];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *a = strstr(doc, open);
    if (!a)
        return -1;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (!b)
        return -1;
    while (a < b && strchr(" \t\r\n", *a))
        a++;
    while (b > a && strchr(" \t\r\n", b[-1]))
        b--;
    nac_clean(a, (size_t)(b - a), out, outlen);
    return 0;
}

static enum nac_result fs_handle(const struct nac_event *ev, char *why, size_t whylen)
{
    int set = !strcmp(ev->event, "infected") || !strcmp(ev->event, "updated");
    int del = !strcmp(ev->event, "released") ||
              (!strcmp(ev->event, "cleared") && opt->close_on_clear);
    if (!set && !del) {
        snprintf(why, whylen, "%s", !strcmp(ev->event, "cleared")
                 ? "cleared: the property stays until an operator releases the host "
                   "(--close-on-clear not given)"
                 : "expired: the host went silent, nothing to do");
        return NAC_SKIPPED;
    }
    char score[32] = "";
    if (set && ev->score[0]) {
        char *end;
        double s = strtod(ev->score, &end);
        if (*end == 0 && end != ev->score && isfinite(s) && s >= 0 && s < 1e9)
            snprintf(score, sizeof(score), "%.3f", s);
    }
    size_t cap = 2048 + 6 * REASON_MAX + 6 * 64 * 3 + 6 * 64;
    char *body = malloc(cap), *o = body;
    if (!body) {
        snprintf(why, whylen, "out of memory");
        return NAC_RETRY;
    }
    put(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FSAPI TYPE=\"request\" API_VERSION=\"");
    put(&o, opt->api_version);
    put(&o, set ? "\">\n  <TRANSACTION TYPE=\"update\">\n    <OPTIONS CREATE_NEW_HOST=\"true\"/>\n"
                : "\">\n  <TRANSACTION TYPE=\"delete\">\n");
    put(&o, "    <HOST_KEY NAME=\"ip\" VALUE=\"");
    xml_put(&o, ev->ip, 64);
    put(&o, "\"/>\n    <PROPERTIES>\n");
    prop(&o, opt->property, set ? "true" : NULL, 8);
    prop(&o, "spanhound_reason", set ? (ev->top_reason[0] ? ev->top_reason : ev->event) : NULL, REASON_MAX);
    if (!set || score[0])
        prop(&o, "spanhound_score", set ? score : NULL, 32);
    put(&o, "    </PROPERTIES>\n  </TRANSACTION>\n</FSAPI>\n");
    *o = 0;

    const char *hdr[] = { "Content-Type: application/xml", "Accept: application/xml", NULL };
    struct nac_http_resp r;
    char w[512], code[64], msg[200];
    int rc = nac_http("POST", url, hdr, body, (size_t)(o - body), opt->user, password, &r);
    free(body);
    if (rc < 0 || r.status / 100 != 2) {
        snprintf(why, whylen, "DEX %s: %s", set ? "update" : "delete", nac_http_why(&r, w, sizeof(w)));
        nac_http_free(&r);
        return NAC_RETRY;
    }
    const char *status = r.body ? strstr(r.body, "<STATUS>") : NULL;
    if (!r.body || strlen(r.body) != r.len || !strstr(r.body, "<FSAPI") || !status ||
        element_text(status, "CODE", code, sizeof(code)) < 0) {
        snprintf(why, whylen, "DEX %s: HTTP %ld but no FSAPI <STATUS><CODE> in the reply",
                 set ? "update" : "delete", r.status);
        nac_http_free(&r);
        return NAC_RETRY;
    }
    if (element_text(status, "MESSAGE", msg, sizeof(msg)) < 0)
        msg[0] = 0;
    nac_http_free(&r);
    if (strcmp(code, "FSAPI_OK")) {
        snprintf(why, whylen, "DEX %s refused: %s%s%s", set ? "update" : "delete", code,
                 msg[0] ? ": " : "", msg);
        return NAC_RETRY;
    }
    snprintf(why, whylen, "DEX %s %s: %s", set ? "update" : "delete", ev->ip, msg);
    return NAC_ACCEPTED;
}

const struct nac_bridge nac_forescout = { "forescout", fs_init, fs_handle, fs_fini };

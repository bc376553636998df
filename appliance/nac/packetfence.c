/*
 * packetfence.c -- the PacketFence bridge: a security event per MAC.
 *
 * PacketFence's API v1 ("Unified API"), as PacketFence itself uses it:
 *   POST /api/v1/login {"username","password"}            -> {"token": "..."}
 *        then every call carries "Authorization: <token>"
 *   POST /api/v1/node/{mac}/apply_security_event {"security_event_id": "<class id>"}
 *        -> 200 {"security_event_id": <id of the opened instance>}
 *   GET  /api/v1/node/{mac}/security_events
 *        -> 200 {"items": [{"id": <instance id>, "security_event_id": "<class id>",
 *                           "status": "open", ...}]}      (the node's open events)
 *   POST /api/v1/node/{mac}/close_security_event {"security_event_id": "<instance id>"}
 *        -> 200 {}; 404 when that instance is not the node's
 * Sources: PacketFence's controller lib/pf/UnifiedApi/Controller/Nodes.pm
 * (apply_security_event, security_events, close_security_event: the close
 * takes the *instance* id, checked against the node's MAC) and its admin
 * UI html/pfappserver/root/src/views/Nodes/_api.js, which POSTs both
 * apply_security_event and close_security_event; the API reference is
 * https://packetfence.org/doc/api/ (docs/api/spec in the PacketFence tree).
 *
 * PacketFence acts per MAC: only entries with mac_status "trusted" and a
 * MAC are acted on.  Any other host (conflict, routed, unknown) raises an
 * operator alert and is acknowledged: a MAC that is not trusted must never
 * be quarantined (docs/nac-feed.md).
 */
#include "nac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../feeds/json.h"

static const struct nac_opts *opt;
static char password[512];
static char token[1024];           /* "" = not logged in */

static int pf_init(const struct nac_opts *o, char *err, size_t errlen)
{
    opt = o;
    if (!o->url || !o->user || !o->password_file || !o->security_event) {
        snprintf(err, errlen, "needs --url, --user, --password-file and --security-event");
        return -1;
    }
    if (strncmp(o->url, "https://", 8) && strncmp(o->url, "http://", 7)) {
        snprintf(err, errlen, "--url %s: expected https://host:port", o->url);
        return -1;
    }
    for (const char *p = o->security_event; *p; p++)
        if (*p < '0' || *p > '9' || p - o->security_event > 18) {
            snprintf(err, errlen, "--security-event '%s': a security event id is a number "
                                  "(e.g. 1100010)", o->security_event);
            return -1;
        }
    if (!o->security_event[0]) {
        snprintf(err, errlen, "--security-event: empty");
        return -1;
    }
    if (nac_read_secret("--password-file", o->password_file, password, sizeof(password), err,
                        errlen) < 0)
        return -1;
    return nac_http_init(o, err, errlen);
}

static void pf_fini(void)
{
    memset(password, 0, sizeof(password));
    memset(token, 0, sizeof(token));
    nac_http_fini();
}

static void url_of(char *out, size_t outlen, const char *path)
{
    size_t n = strlen(opt->url);
    while (n && opt->url[n - 1] == '/')
        n--;
    snprintf(out, outlen, "%.*s%s", (int)n, opt->url, path);
}

/* Log in; 0 or -1 with why. */
static int login(char *why, size_t whylen)
{
    char url[1024], buf[2048], w[512];
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_obj_open(&j, NULL);
    json_cstr(&j, "username", opt->user);
    json_cstr(&j, "password", password);
    json_obj_close(&j);
    const char *body = json_finish(&j);
    if (!body) {
        snprintf(why, whylen, "login: user name or password too long");
        return -1;
    }
    url_of(url, sizeof(url), "/api/v1/login");
    const char *hdr[] = { "Content-Type: application/json", "Accept: application/json", NULL };
    struct nac_http_resp r;
    int rc = nac_http("POST", url, hdr, body, strlen(body), NULL, NULL, &r);
    memset(buf, 0, sizeof(buf));
    if (rc < 0 || r.status / 100 != 2) {
        if (rc == 0 && (r.status == 401 || r.status == 403))
            snprintf(why, whylen, "login refused (check --user / --password-file): %s",
                     nac_http_why(&r, w, sizeof(w)));
        else
            snprintf(why, whylen, "login: %s", nac_http_why(&r, w, sizeof(w)));
        nac_http_free(&r);
        return -1;
    }
    json_error_t je;
    json_t *root = r.body ? json_loadb(r.body, r.len, 0, &je) : NULL;
    json_t *t = json_is_object(root) ? json_object_get(root, "token") : NULL;
    const char *tok = json_is_string(t) ? json_string_value(t) : NULL;
    int ok = tok && *tok && strlen(tok) < sizeof(token) - 1 &&
             strlen(tok) == json_string_length(t) && !strpbrk(tok, "\r\n");
    for (const char *p = tok; ok && *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            ok = 0;
    if (ok)
        snprintf(token, sizeof(token), "%s", tok);
    else
        snprintf(why, whylen, "login: HTTP %ld but no usable token in the reply", r.status);
    json_decref(root);
    nac_http_free(&r);
    return ok ? 0 : -1;
}

/* One authenticated call; logs in first when needed, and once more when
 * the token is refused (401).  0 with an answer in r (any status), -1
 * with why. */
static int call(const char *method, const char *path, const char *body,
                struct nac_http_resp *r, char *why, size_t whylen)
{
    char url[1024], auth[1100];
    url_of(url, sizeof(url), path);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!token[0] && login(why, whylen) < 0)
            return -1;
        snprintf(auth, sizeof(auth), "Authorization: %s", token);
        const char *hdr[] = { auth, "Content-Type: application/json",
                              "Accept: application/json", NULL };
        if (nac_http(method, url, hdr, body, body ? strlen(body) : 0, NULL, NULL, r) < 0) {
            snprintf(why, whylen, "%s", r->err);
            return -1;
        }
        if (r->status != 401)
            return 0;
        nac_log("info", "packetfence: token refused (401), logging in again");
        nac_http_free(r);
        token[0] = 0;
    }
    snprintf(why, whylen, "%s %s: HTTP 401 even after a fresh login", method, path);
    return -1;
}

static enum nac_result apply(const struct nac_event *ev, char *why, size_t whylen)
{
    char path[256], buf[256], w[512];
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_obj_open(&j, NULL);
    json_cstr(&j, "security_event_id", opt->security_event);
    json_obj_close(&j);
    snprintf(path, sizeof(path), "/api/v1/node/%s/apply_security_event", ev->mac);
    struct nac_http_resp r;
    if (call("POST", path, json_finish(&j), &r, why, whylen) < 0)
        return NAC_RETRY;
    if (r.status / 100 != 2) {
        snprintf(why, whylen, "apply_security_event %s: %s", ev->mac, nac_http_why(&r, w, sizeof(w)));
        nac_http_free(&r);
        return NAC_RETRY;
    }
    json_error_t je;
    json_t *root = r.body ? json_loadb(r.body, r.len, 0, &je) : NULL;
    json_t *id = json_is_object(root) ? json_object_get(root, "security_event_id") : NULL;
    if (json_is_integer(id) && json_integer_value(id) > 0)
        snprintf(why, whylen, "security event %s applied to %s (instance %lld)",
                 opt->security_event, ev->mac, (long long)json_integer_value(id));
    else
        nac_log("warning", "packetfence: apply_security_event %s for %s answered %ld without "
                "a new instance id (already open, or security event %s unknown to PacketFence?)",
                opt->security_event, ev->mac, r.status, opt->security_event);
    json_decref(root);
    nac_http_free(&r);
    return NAC_ACCEPTED;
}

/* Is this item one of our open security events?  Its instance id into
 * out. */
static int ours(json_t *it, char *out, size_t outlen)
{
    if (!json_is_object(it))
        return 0;
    json_t *cls = json_object_get(it, "security_event_id");
    json_t *st = json_object_get(it, "status");
    json_t *id = json_object_get(it, "id");
    char c[32];
    if (json_is_string(cls))
        snprintf(c, sizeof(c), "%s", json_string_value(cls));
    else if (json_is_integer(cls))
        snprintf(c, sizeof(c), "%lld", (long long)json_integer_value(cls));
    else
        return 0;
    if (strcmp(c, opt->security_event))
        return 0;
    if (st && !(json_is_string(st) && !strcmp(json_string_value(st), "open")))
        return 0;
    if (json_is_integer(id) && json_integer_value(id) > 0) {
        snprintf(out, outlen, "%lld", (long long)json_integer_value(id));
        return 1;
    }
    if (json_is_string(id)) {
        const char *s = json_string_value(id);
        size_t n = strlen(s);
        if (!n || n > 19 || n != json_string_length(id) || strspn(s, "0123456789") != n)
            return 0;
        snprintf(out, outlen, "%s", s);
        return 1;
    }
    return 0;
}

static enum nac_result close_events(const struct nac_event *ev, char *why, size_t whylen)
{
    char path[256], w[512];
    struct nac_http_resp r;
    snprintf(path, sizeof(path), "/api/v1/node/%s/security_events", ev->mac);
    if (call("GET", path, NULL, &r, why, whylen) < 0)
        return NAC_RETRY;
    if (r.status / 100 != 2) {
        snprintf(why, whylen, "security_events %s: %s", ev->mac, nac_http_why(&r, w, sizeof(w)));
        nac_http_free(&r);
        return NAC_RETRY;
    }
    json_error_t je;
    json_t *root = r.body ? json_loadb(r.body, r.len, 0, &je) : NULL;
    nac_http_free(&r);
    json_t *items = json_is_object(root) ? json_object_get(root, "items") : NULL;
    if (!json_is_array(items)) {
        snprintf(why, whylen, "security_events %s: the reply has no \"items\" list", ev->mac);
        json_decref(root);
        return NAC_RETRY;
    }
    int closed = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char inst[32], buf[128];
        if (!ours(it, inst, sizeof(inst)))
            continue;
        struct json j;
        json_init(&j, buf, sizeof(buf));
        json_obj_open(&j, NULL);
        json_cstr(&j, "security_event_id", inst);
        json_obj_close(&j);
        snprintf(path, sizeof(path), "/api/v1/node/%s/close_security_event", ev->mac);
        if (call("POST", path, json_finish(&j), &r, why, whylen) < 0) {
            json_decref(root);
            return NAC_RETRY;
        }
        if (r.status / 100 != 2) {
            snprintf(why, whylen, "close_security_event %s instance %s: %s", ev->mac, inst,
                     nac_http_why(&r, w, sizeof(w)));
            nac_http_free(&r);
            json_decref(root);
            return NAC_RETRY;
        }
        nac_http_free(&r);
        closed++;
    }
    json_decref(root);
    if (closed)
        snprintf(why, whylen, "closed %d open security event%s %s on %s", closed,
                 closed > 1 ? "s" : "", opt->security_event, ev->mac);
    else
        snprintf(why, whylen, "no open security event %s on %s: nothing to close",
                 opt->security_event, ev->mac);
    return NAC_ACCEPTED;
}

static enum nac_result pf_handle(const struct nac_event *ev, char *why, size_t whylen)
{
    int quarantine = !strcmp(ev->event, "infected") || !strcmp(ev->event, "updated");
    int lift = !strcmp(ev->event, "released") ||
               (!strcmp(ev->event, "cleared") && opt->close_on_clear);
    if (!quarantine && !lift) {
        snprintf(why, whylen, "%s", !strcmp(ev->event, "cleared")
                 ? "cleared: the quarantine stays until an operator releases the host "
                   "(--close-on-clear not given)"
                 : "expired: the host went silent, nothing to do");
        return NAC_SKIPPED;
    }
    if (strcmp(ev->mac_status, "trusted") || !nac_valid_mac(ev->mac)) {
        char ms[32], seen[40], conf[80], idc[80];
        nac_clean(ev->mac_status, 16, ms, sizeof(ms));
        nac_clean(ev->mac_seen, 17, seen, sizeof(seen));
        nac_clean(ev->mac_conflict, 40, conf, sizeof(conf));
        nac_clean(ev->id, 64, idc, sizeof(idc));
        nac_alert("packetfence: %s %s (id %s): MAC binding is '%s'%s%s%s%s, not trusted: "
                  "PacketFence acts per MAC, so nothing was done; %s it by hand",
                  ev->event, ev->ip, idc, ms[0] ? ms : "missing",
                  conf[0] ? ", MACs in conflict " : "", conf,
                  seen[0] && !conf[0] ? ", MAC seen " : "", seen[0] && !conf[0] ? seen : "",
                  quarantine ? "check the host and quarantine" : "check the host and release");
        snprintf(why, whylen, "MAC not trusted (mac_status '%s'): operator alert raised", ms);
        return NAC_SKIPPED;
    }
    return quarantine ? apply(ev, why, whylen) : close_events(ev, why, whylen);
}

const struct nac_bridge nac_packetfence = { "packetfence", pf_init, pf_handle, pf_fini };

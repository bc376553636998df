/*
 * export.c -- learnt indicators as a STIX 2.1 bundle (jansson) and plain
 * lists, written atomically (export.h).
 */
#define _GNU_SOURCE
#include "export.h"

#include <errno.h>
#include <jansson.h>
#include <nettle/sha1.h>
#include <sodium/randombytes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config/cidr.h"
#include "../config/files.h"
#include "../detect/evidence.h"

/* spanhound's UUIDv5 namespace (a fixed random UUID) */
static const uint8_t ns_spanhound[16] = {
    0x3b, 0x8e, 0x55, 0x0c, 0x1f, 0x6a, 0x4d, 0x2e,
    0x9c, 0x47, 0xa1, 0x0b, 0x5e, 0x73, 0xd2, 0x86,
};

static void uuid_text(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
}

void ioc_uuid5(const uint8_t ns[16], const char *name, size_t len, char out[37])
{
    struct sha1_ctx c;
    uint8_t d[SHA1_DIGEST_SIZE];
    sha1_init(&c);
    sha1_update(&c, 16, ns);
    sha1_update(&c, len, (const uint8_t *)name);
    sha1_digest(&c, sizeof(d), d);
    d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
    d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
    uuid_text(d, out);
}

static void uuid4(char out[37])
{
    uint8_t u[16];
    randombytes_buf(u, sizeof(u));
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    uuid_text(u, out);
}

/* STIX timestamp, millisecond precision, UTC */
static void ts_text(uint64_t us, char *buf, size_t len)
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000 / 1000));
}

/* a STIX string literal's body: ' and \ escaped */
static void stix_escape(const char *v, char *out, size_t len)
{
    size_t o = 0;
    for (; *v && o + 3 < len; v++) {
        if (*v == '\'' || *v == '\\')
            out[o++] = '\\';
        out[o++] = *v;
    }
    out[o] = 0;
}

static int pattern_of(const struct learned_ioc *l, char *buf, size_t len)
{
    const char *path;
    switch (l->type) {
    case IOC_IP: path = strchr(l->value, ':') ? "ipv6-addr:value" : "ipv4-addr:value"; break;
    case IOC_DOMAIN: path = "domain-name:value"; break;
    case IOC_URL: path = "url:value"; break;
    case IOC_JA3: path = "x-tls-fingerprint:ja3"; break;
    case IOC_JA4: path = "x-tls-fingerprint:ja4"; break;
    case IOC_JA3S: path = "x-tls-fingerprint:ja3s"; break;
    case IOC_JA4S: path = "x-tls-fingerprint:ja4s"; break;
    case IOC_CERT_SHA1: path = "x509-certificate:hashes.'SHA-1'"; break;
    case IOC_CERT_SHA256: path = "x509-certificate:hashes.'SHA-256'"; break;
    default: return -1;
    }
    char esc[EVIDENCE_IOC_MAX * 2 + 1];
    stix_escape(l->value, esc, sizeof(esc));
    int n = snprintf(buf, len, "[%s = '%s']", path, esc);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* writes text to path atomically (temp file in the same directory) */
static int write_atomic(const char *path, const char *text, size_t n, char *err, size_t errlen)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= sizeof(tmp)) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file (%s)", path, strerror(errno));
        return -1;
    }
    if (file_write_all(fd, text, n) < 0) {
        snprintf(err, errlen, "%s: write failed (%s)", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "%s: rename failed (%s)", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static json_t *indicator(const struct learned_ioc *l, const char *identity)
{
    char id[64], uuid[37], name[EVIDENCE_IOC_MAX + 16], pat[EVIDENCE_IOC_MAX * 2 + 64];
    char t0[40], t1[40], host[64], desc[EVIDENCE_EXPLANATION_MAX + 160];
    size_t vlen = strnlen(l->value, sizeof(l->value));
    if (pattern_of(l, pat, sizeof(pat)) < 0 || vlen == 0)
        return NULL;
    snprintf(name, sizeof(name), "%s:%.*s", ioc_type_name(l->type), (int)vlen, l->value);
    ioc_uuid5(ns_spanhound, name, strlen(name), uuid);
    snprintf(id, sizeof(id), "indicator--%s", uuid);
    ts_text(l->learnt_us, t0, sizeof(t0));
    /* valid_until must be later than valid_from */
    ts_text(l->expires_us > l->learnt_us ? l->expires_us : l->learnt_us + 1000000, t1, sizeof(t1));
    addr_format(&l->first_host, host, sizeof(host));
    if (!host[0])
        snprintf(host, sizeof(host), "unknown");
    snprintf(name, sizeof(name), "spanhound %s, first host %s", evidence_kind_name(l->evidence_kind),
             host);
    snprintf(desc, sizeof(desc), "%.*s (learnt from the convicted host %s; %u host%s seen using it)",
             (int)strnlen(l->explanation, sizeof(l->explanation)), l->explanation, host,
             l->hosts, l->hosts == 1 ? "" : "s");
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("indicator"));
    json_object_set_new(o, "spec_version", json_string("2.1"));
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "created_by_ref", json_string(identity));
    json_object_set_new(o, "created", json_string(t0));
    json_object_set_new(o, "modified", json_string(t0));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "description", json_string(desc));
    json_t *types = json_array();
    json_array_append_new(types, json_string("malicious-activity"));
    json_object_set_new(o, "indicator_types", types);
    json_object_set_new(o, "pattern", json_string(pat));
    json_object_set_new(o, "pattern_type", json_string("stix"));
    json_object_set_new(o, "pattern_version", json_string("2.1"));
    json_object_set_new(o, "valid_from", json_string(t0));
    json_object_set_new(o, "valid_until", json_string(t1));
    /* json_string() refuses invalid UTF-8: a value or explanation from
     * the wire that is not UTF-8 loses that property, not the indicator */
    if (!json_object_get(o, "description"))
        json_object_set_new(o, "description", json_string("(not UTF-8)"));
    if (!json_object_get(o, "pattern")) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int ioc_export(const char *path, const struct learned_ioc *items, int n, char *err,
               size_t errlen)
{
    char uuid[37], ident[64], bid[64], t0[40];
    uint64_t first = 0;
    int rc = -1;

    for (int i = 0; i < n; i++)
        if (!first || (items[i].learnt_us && items[i].learnt_us < first))
            first = items[i].learnt_us;
    if (!first)
        first = (uint64_t)time(NULL) * 1000000;
    ts_text(first, t0, sizeof(t0));
    ioc_uuid5(ns_spanhound, "identity:spanhound", 18, uuid);
    snprintf(ident, sizeof(ident), "identity--%s", uuid);
    uuid4(uuid);
    snprintf(bid, sizeof(bid), "bundle--%s", uuid);

    json_t *root = json_object(), *objs = json_array(), *id = json_object();
    json_object_set_new(root, "type", json_string("bundle"));
    json_object_set_new(root, "id", json_string(bid));
    json_object_set_new(id, "type", json_string("identity"));
    json_object_set_new(id, "spec_version", json_string("2.1"));
    json_object_set_new(id, "id", json_string(ident));
    json_object_set_new(id, "created", json_string(t0));
    json_object_set_new(id, "modified", json_string(t0));
    json_object_set_new(id, "name", json_string("spanhound"));
    json_object_set_new(id, "identity_class", json_string("system"));
    json_array_append_new(objs, id);

    /* plain lists, one buffer per type */
    char *list[IOC_TYPE_MAX] = { 0 };
    size_t llen[IOC_TYPE_MAX] = { 0 };
    FILE *lf[IOC_TYPE_MAX] = { 0 };
    for (int t = 1; t < IOC_TYPE_MAX; t++) {
        lf[t] = open_memstream(&list[t], &llen[t]);
        if (!lf[t]) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        fprintf(lf[t], "# spanhound: learnt %s indicators (STIX bundle: %s)\n",
                ioc_type_name(t), path);
    }
    for (int i = 0; i < n; i++) {
        const struct learned_ioc *l = &items[i];
        json_t *o = l->type > IOC_NONE && l->type < IOC_TYPE_MAX ? indicator(l, ident) : NULL;
        if (!o)
            continue;                   /* not exportable: counted by the caller */
        json_array_append_new(objs, o);
        fprintf(lf[l->type], "%.*s\n", (int)strnlen(l->value, sizeof(l->value)), l->value);
    }
    json_object_set_new(root, "objects", objs);
    objs = NULL;
    for (int t = 1; t < IOC_TYPE_MAX; t++) {
        fclose(lf[t]);
        lf[t] = NULL;
    }
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t tl = strlen(text);
    char *doc = malloc(tl + 2);
    if (!doc) {
        free(text);
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(doc, text, tl);
    doc[tl++] = '\n';
    free(text);
    text = doc;
    /* the lists first: the bundle's appearance says the export is whole */
    for (int t = 1; t < IOC_TYPE_MAX; t++) {
        char lp[4200];
        snprintf(lp, sizeof(lp), "%s.%s.txt", path, ioc_type_name(t));
        if (write_atomic(lp, list[t], llen[t], err, errlen) < 0) {
            free(text);
            goto out;
        }
    }
    rc = write_atomic(path, text, tl, err, errlen);
    free(text);
out:
    for (int t = 1; t < IOC_TYPE_MAX; t++) {
        if (lf[t])
            fclose(lf[t]);
        free(list[t]);
    }
    json_decref(objs);
    json_decref(root);
    return rc;
}

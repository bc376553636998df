/*
 * geo.c -- GeoIP and ASN lookups with libmaxminddb (geo.h).
 *
 * The databases are memory-mapped by libmaxminddb (MMDB_MODE_MMAP) and
 * searched with MMDB_lookup_sockaddr(): no allocation per lookup.  Values
 * are read by path (country.iso_code, country.names.en, falling back to
 * registered_country; autonomous_system_number,
 * autonomous_system_organization), type-checked, and copied bounded.
 */
#include "geo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

enum { DB_COUNTRY = 0, DB_ASN, DB_N };

struct geo {
    MMDB_s db[DB_N];
    int open[DB_N];
    struct cfg_geo_weights asn_w, cc_w;
    struct geo_stats st;
};

static const char *const db_what[DB_N] = { "country", "ASN" };

/* One database: 0 opened, -1 not (why in reason). */
static int open_db(MMDB_s *db, const char *path, char *reason, size_t len)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
        snprintf(reason, len, "the file is empty (an interrupted download?)");
        return -1;
    }
    int rc = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (rc == MMDB_SUCCESS)
        return 0;
    int e = errno;
    if (rc == MMDB_IO_ERROR || rc == MMDB_FILE_OPEN_ERROR)
        snprintf(reason, len, "%s (%s)", MMDB_strerror(rc), strerror(e));
    else
        snprintf(reason, len, "%s", MMDB_strerror(rc));
    return -1;
}

/* "GeoLite2-Country, built 2026-12-01" */
static void describe(const MMDB_s *db, char *buf, size_t len)
{
    time_t t = (time_t)db->metadata.build_epoch;
    struct tm tm;
    char day[16] = "?";
    if (gmtime_r(&t, &tm))
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    snprintf(buf, len, "%.64s, built %s",
             db->metadata.database_type ? db->metadata.database_type : "unknown type", day);
}

struct geo *geo_open(const struct cfg_geoip *cfg, char *note, size_t notelen)
{
    struct geo *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(note, notelen, "geoip: off: out of memory");
        return NULL;
    }
    g->asn_w = cfg->asn_weights;
    g->cc_w = cfg->country_weights;
    const char *path[DB_N] = { cfg->country_db, cfg->asn_db };
    char part[DB_N][CFG_STR_MAX + 160];
    int failed = 0;
    for (int i = 0; i < DB_N; i++) {
        char why[160], desc[96];
        if (!path[i][0]) {
            snprintf(part[i], sizeof(part[i]), "no %s database configured", db_what[i]);
            continue;
        }
        if (open_db(&g->db[i], path[i], why, sizeof(why)) < 0) {
            snprintf(part[i], sizeof(part[i]), "%s database %s cannot be opened: %s",
                     db_what[i], path[i], why);
            failed = 1;
            continue;
        }
        g->open[i] = 1;
        describe(&g->db[i], desc, sizeof(desc));
        snprintf(part[i], sizeof(part[i]), "%s from %s (%s)", db_what[i], path[i], desc);
    }
    if (!g->open[DB_COUNTRY] && !g->open[DB_ASN] && !failed)
        snprintf(note, notelen, "geoip: off: no database configured (geoip.country_db, "
                 "geoip.asn_db; docs/geoip.md)");
    else
        snprintf(note, notelen, "geoip: %s%s; %s", geo_enabled(g) ? "" : "off: ", part[0],
                 part[1]);
    return g;
}

int geo_reload(struct geo *g, const struct cfg_geoip *cfg, char *note, size_t notelen)
{
    const char *path[DB_N] = { cfg->country_db, cfg->asn_db };
    char part[DB_N][CFG_STR_MAX + 200];
    int changed = 0;
    if (!g) {
        snprintf(note, notelen, "geoip: off");
        return 0;
    }
    for (int i = 0; i < DB_N; i++) {
        char why[160], desc[96];
        MMDB_s fresh;
        if (!path[i][0]) {
            snprintf(part[i], sizeof(part[i]), "no %s database configured", db_what[i]);
            continue;
        }
        if (open_db(&fresh, path[i], why, sizeof(why)) < 0) {
            snprintf(part[i], sizeof(part[i]), "%s database %s cannot be opened: %s%s",
                     db_what[i], path[i], why,
                     g->open[i] ? ": the one read before is kept" : "");
            continue;
        }
        if (g->open[i])
            MMDB_close(&g->db[i]);
        g->db[i] = fresh;
        g->open[i] = 1;
        changed++;
        describe(&g->db[i], desc, sizeof(desc));
        snprintf(part[i], sizeof(part[i]), "%s from %s (%s)", db_what[i], path[i], desc);
    }
    if (!path[0][0] && !path[1][0])
        snprintf(note, notelen, "geoip: off: no database configured (geoip.country_db, "
                 "geoip.asn_db; docs/geoip.md)");
    else
        snprintf(note, notelen, "geoip: reloaded: %s%s; %s", geo_enabled(g) ? "" : "off: ",
                 part[0], part[1]);
    g->st.reloads++;
    return changed;
}

void geo_close(struct geo *g)
{
    if (!g)
        return;
    for (int i = 0; i < DB_N; i++)
        if (g->open[i])
            MMDB_close(&g->db[i]);
    free(g);
}

int geo_enabled(const struct geo *g)
{
    return g && (g->open[DB_COUNTRY] || g->open[DB_ASN]);
}

/* A UTF-8 string value at path into out (bounded, control characters
 * replaced by '?', cut on a character boundary); 1 found, 0 not, -1 error. */
static int get_str(MMDB_entry_s *en, char *out, size_t outlen, const char *const *path)
{
    MMDB_entry_data_s v;
    out[0] = '\0';
    int rc = MMDB_aget_value(en, &v, path);
    if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
        return 0;
    if (rc != MMDB_SUCCESS)
        return -1;
    if (!v.has_data || v.type != MMDB_DATA_TYPE_UTF8_STRING)
        return 0;
    size_t n = v.data_size < outlen - 1 ? v.data_size : outlen - 1;
    /* do not cut a multi-byte character in half */
    if (n < v.data_size)
        while (n > 0 && ((unsigned char)v.utf8_string[n] & 0xC0) == 0x80)
            n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v.utf8_string[i];
        out[i] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
    out[n] = '\0';
    return n > 0;
}

static int get_u32(MMDB_entry_s *en, uint32_t *out, const char *const *path)
{
    MMDB_entry_data_s v;
    *out = 0;
    int rc = MMDB_aget_value(en, &v, path);
    if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
        return 0;
    if (rc != MMDB_SUCCESS)
        return -1;
    if (!v.has_data)
        return 0;
    switch (v.type) {
    case MMDB_DATA_TYPE_UINT16: *out = v.uint16; break;
    case MMDB_DATA_TYPE_UINT32: *out = v.uint32; break;
    case MMDB_DATA_TYPE_UINT64: *out = v.uint64 <= UINT32_MAX ? (uint32_t)v.uint64 : 0; break;
    case MMDB_DATA_TYPE_INT32: *out = v.int32 > 0 ? (uint32_t)v.int32 : 0; break;
    default: return 0;
    }
    return *out != 0;
}

/* The country of an entry from `key` ("country", "registered_country"). */
static int country_of(MMDB_entry_s *en, const char *key, struct geo_info *out)
{
    const char *iso[] = { key, "iso_code", NULL };
    const char *name[] = { key, "names", "en", NULL };
    char cc[8];
    int rc = get_str(en, cc, sizeof(cc), iso);
    if (rc <= 0)
        return rc;
    if (strlen(cc) != 2 || (cc[0] < 'A' || cc[0] > 'Z') || (cc[1] < 'A' || cc[1] > 'Z'))
        return 0;                     /* not an ISO 3166 code: not used */
    memcpy(out->cc, cc, 3);
    if (get_str(en, out->country, sizeof(out->country), name) < 0)
        out->country[0] = '\0';
    return 1;
}

int geo_lookup(struct geo *g, const struct sh_addr *a, struct geo_info *out)
{
    memset(out, 0, sizeof(*out));
    if (!geo_enabled(g) || !a || (a->family != 4 && a->family != 6))
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (a->family == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, a->a, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, a->a, 16);
    }
    g->st.lookups++;
    int err = 0;
    for (int i = 0; i < DB_N; i++) {
        if (!g->open[i])
            continue;
        int mmerr = MMDB_SUCCESS;
        MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&g->db[i], (struct sockaddr *)&ss, &mmerr);
        if (mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
            continue;                 /* an IPv4-only file: no entry   */
        if (mmerr != MMDB_SUCCESS) {
            err = 1;
            continue;
        }
        if (!r.found_entry)
            continue;
        if (i == DB_COUNTRY) {
            int rc = country_of(&r.entry, "country", out);
            if (rc == 0)
                rc = country_of(&r.entry, "registered_country", out);
            if (rc < 0)
                err = 1;
        } else {
            static const char *const num[] = { "autonomous_system_number", NULL };
            static const char *const org[] = { "autonomous_system_organization", NULL };
            int rc = get_u32(&r.entry, &out->asn, num);
            if (rc < 0)
                err = 1;
            if (rc > 0 && get_str(&r.entry, out->as_org, sizeof(out->as_org), org) < 0)
                out->as_org[0] = '\0';
        }
    }
    if (err)
        g->st.errors++;
    if (out->asn || out->cc[0]) {
        g->st.found++;
        return 1;
    }
    g->st.misses++;
    return 0;
}

int geo_lookup_text(struct geo *g, const char *ip, struct geo_info *out)
{
    struct sh_addr a;
    memset(out, 0, sizeof(*out));
    if (!geo_enabled(g) || !ip)
        return -1;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, ip, a.a) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, ip, a.a) == 1)
        a.family = 6;
    else
        return -1;
    return geo_lookup(g, &a, out);
}

double geo_factor(const struct geo *g, const struct geo_info *gi)
{
    double m = 1;
    if (!g || !gi)
        return 1;
    if (gi->asn)
        for (int i = 0; i < g->asn_w.n; i++)
            if (g->asn_w.v[i].asn == gi->asn) {
                m *= g->asn_w.v[i].w;
                break;
            }
    if (gi->cc[0])
        for (int i = 0; i < g->cc_w.n; i++)
            if (strcmp(g->cc_w.v[i].cc, gi->cc) == 0) {
                m *= g->cc_w.v[i].w;
                break;
            }
    return m;
}

size_t geo_suffix(const struct geo_info *gi, char *buf, size_t bufsize, size_t room)
{
    char as[16] = "";
    if (!bufsize)
        return 0;
    buf[0] = '\0';
    if (room > bufsize - 1)
        room = bufsize - 1;
    if (!gi->asn && !gi->cc[0])
        return 0;
    if (gi->asn)
        snprintf(as, sizeof(as), "AS%u", gi->asn);
    const char *sep = gi->asn && gi->cc[0] ? ", " : "";
    /* " [" AS " " org sep cc "]" without the org, then with as much of it as fits */
    size_t base = 2 + strlen(as) + strlen(sep) + strlen(gi->cc) + 1;
    if (base > room)
        return 0;
    size_t org = gi->asn ? strlen(gi->as_org) : 0;
    if (org && base + 1 + org > room) {
        /* shortened with "..." on a character boundary, or dropped */
        size_t keep = room > base + 1 + 3 ? room - base - 1 - 3 : 0;
        while (keep > 0 && ((unsigned char)gi->as_org[keep] & 0xC0) == 0x80)
            keep--;
        if (keep < 4)
            return (size_t)snprintf(buf, bufsize, " [%s%s%s]", as, sep, gi->cc);
        return (size_t)snprintf(buf, bufsize, " [%s %.*s...%s%s]", as, (int)keep, gi->as_org,
                                sep, gi->cc);
    }
    if (org)
        return (size_t)snprintf(buf, bufsize, " [%s %s%s%s]", as, gi->as_org, sep, gi->cc);
    return (size_t)snprintf(buf, bufsize, " [%s%s%s]", as, sep, gi->cc);
}

void geo_get_stats(const struct geo *g, struct geo_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (g)
        *out = g->st;
}

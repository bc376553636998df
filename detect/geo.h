/*
 * geo.h -- GeoIP and ASN context for external addresses (libmaxminddb).
 *
 * Optional MaxMind databases named in config (geoip.country_db, a
 * GeoLite2-Country or City file; geoip.asn_db, a GeoLite2-ASN file; either,
 * both or none): a lookup gives an address's country (ISO 3166-1 alpha-2
 * code and English name: `country`, else `registered_country`) and its
 * autonomous system (number and organisation).  Each database is opened
 * once, memory-mapped, at creation; one that is not configured or cannot be
 * opened is simply not used -- geo_open() says so in ONE line (which file,
 * why) and never fails for it.  geo_reload() opens them again (SIGHUP,
 * after geoipupdate), keeping a database that no longer opens.  docs/geoip.md.
 *
 * The config may weight ASNs and countries (geoip.asn_weights,
 * geoip.country_weights): geo_factor() is the multiplier an address's
 * evidence weight takes (the ASN's times the country's; 1 when neither is
 * listed).
 *
 * Database content is data from outside: strings are bounded, control
 * characters replaced, country codes accepted only as two letters.
 */
#ifndef SH_GEO_H
#define SH_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "../config/config.h"

#define GEO_ORG_MAX 64

struct geo_info {
    uint32_t asn;                 /* 0: not known                       */
    char cc[3];                   /* "NL"; "" not known                 */
    char country[48];             /* "Netherlands"; "" not known        */
    char as_org[GEO_ORG_MAX];     /* "Example Transit"; "" not known    */
};

struct geo_stats {
    uint64_t lookups;             /* addresses looked up                */
    uint64_t found;               /* ... with a country or an ASN       */
    uint64_t misses;              /* ... in neither database            */
    uint64_t errors;              /* a database could not be read there */
    uint64_t reloads;             /* geo_reload() calls                 */
};

struct geo;

/* Opens the configured databases.  Never NULL unless out of memory; note
 * gets one line for the log: what is used, or why GeoIP is (partly) off.
 * Weights are copied. */
struct geo *geo_open(const struct cfg_geoip *cfg, char *note, size_t notelen);
void geo_close(struct geo *g);                  /* NULL is a no-op */

/* Opens the configured files again (geoipupdate replaced them): a file
 * that opens replaces the one in use, one that does not leaves the one in
 * use (if any) in place.  note: one line, as geo_open's.  Returns how many
 * files were (re)opened. */
int geo_reload(struct geo *g, const struct cfg_geoip *cfg, char *note, size_t notelen);

/* Is at least one database open? */
int geo_enabled(const struct geo *g);

/* Looks a up: 1 something found (out filled), 0 nothing (out zeroed),
 * -1 GeoIP off or a is not an address. */
int geo_lookup(struct geo *g, const struct sh_addr *a, struct geo_info *out);

/* The same for inet_ntop text ("192.0.2.7", "2001:db8::1"). */
int geo_lookup_text(struct geo *g, const char *ip, struct geo_info *out);

/* The configured weight multiplier for what gi describes (1 when no entry
 * applies). */
double geo_factor(const struct geo *g, const struct geo_info *gi);

/* " [AS64500 Example Transit, NL]", " [AS64500, NL]", " [NL]" ... into buf,
 * at most `room` characters (the organisation is shortened, then dropped,
 * to fit); "" when gi holds nothing or nothing fits.  Returns the length. */
size_t geo_suffix(const struct geo_info *gi, char *buf, size_t bufsize, size_t room);

void geo_get_stats(const struct geo *g, struct geo_stats *out);

#endif /* SH_GEO_H */

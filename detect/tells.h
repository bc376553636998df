/*
 * tells.h -- protocol tells: what TLS handshakes, HTTP requests and looked-up
 * names show about the program behind them (docs/detections.md, "Protocol
 * tells").
 *
 * A tell is one thing tools and malware do that ordinary clients and
 * services rarely do: a self-signed, expired or mismatched certificate from
 * a rare external server, TLS without SNI to a bare address on an unusual
 * port, certificate subjects and validity windows as tools generate them by
 * default, a client fingerprint only one host uses toward one rare server;
 * an IP-literal Host, a POST to a random-looking path, an executable
 * download from a rare server, a tool user agent from a workstation, a
 * request without Host; a dynamic-DNS name, a "what is my IP" service asked
 * outside a browser, a registrable domain nobody here resolved before.
 *
 * Each tell alone is weak (its confidence, a row of params.h, stays below
 * standalone_confidence).  Tells about ONE destination add up in one
 * evidence per (kind, destination): confidence = 1 - prod(1 - c_i) over
 * the distinct tells seen (noisy-OR), times a rarity factor (1 when no
 * other internal host talks to the destination, tell_shared_factor when a
 * few do; none at all once beacon_prevalence_hosts do).  With the default
 * rows three tells on one destination reach standalone_confidence; two
 * need another source (SRC_TLS, SRC_HTTP and SRC_NAMES are independent of
 * each other and of the DNS and flow detectors).
 *
 * Evidence: EVK_TLS_TELL (SRC_TLS), EVK_HTTP_TELL (SRC_HTTP) and
 * EVK_NAME_TELL (SRC_NAMES), keyed by the destination (name or address),
 * ioc_type/ioc the external name or address.
 *
 * The engine (detect.c) calls this module only for events it attributed
 * to a host (its established MAC; detect.h's trust rules) and describes
 * the destination (beacon.h's struct beacon_dest: benign by list,
 * popularity or a DNS answer that bound the name to the address).  State
 * lives in bounded keyed LRU maps (capacity given at creation): the hosts
 * that talk to a destination, the hosts and destinations of a client
 * fingerprint, the tells seen per (host, destination, kind), each host's
 * browser fingerprints, the registrable domains seen.  A flood costs old
 * state, counted, never memory; nothing is allocated per event.
 */
#ifndef SH_TELLS_H
#define SH_TELLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/event.h"
#include "beacon.h"
#include "domain.h"
#include "host.h"
#include "params.h"

struct tells;

/* Lists loaded from data_dir: dyndns.txt (dynamic-DNS provider zones) and
 * ipcheck.txt ("what is my IP" services).  NULL with err when a list
 * cannot be read; a malformed line is reported and skipped. */
struct tells *tells_create(size_t capacity, const struct detect_params *p,
                           const char *data_dir, char *err, size_t errlen);
void tells_destroy(struct tells *t);              /* NULL is a no-op */
/* New parameters (SIGHUP): the state kept so far stays. */
void tells_set_params(struct tells *t, const struct detect_params *p);

/* What the engine knows of an event's destination: [0] by address
 * (always), [1] by name (SNI or Host, when the client gave one).
 * allowlisted: the operator's allowlist covers the address or the name --
 * no tell at all. */
struct tells_dest {
    const struct beacon_dest *addr;
    const struct beacon_dest *name;   /* NULL: none */
    uint8_t allowlisted;
};

/* A TLS handshake (ClientHello, and the server's certificate when seen)
 * of h toward dst. */
void tells_tls(struct tells *t, struct host_table *ht, struct host *h,
               const struct sh_event *ev, const struct tells_dest *dst, uint64_t now,
               struct host_touched *touched);

/* One HTTP transaction of h toward dst. */
void tells_http(struct tells *t, struct host_table *ht, struct host *h,
                const struct sh_event *ev, const struct tells_dest *dst, uint64_t now,
                struct host_touched *touched);

/* A flow record's risks (nDPI's bitmap, ev->u.flow.risk): inputs to the
 * same tells the handshake gives (self-signed, expired, mismatched
 * certificate, missing SNI, numeric Host), through the same gates. */
void tells_flow(struct tells *t, struct host_table *ht, struct host *h,
                const struct sh_event *ev, const struct tells_dest *dst, uint64_t now,
                struct host_touched *touched);

/* h resolved name (a paired NOERROR answer with addresses); parts is its
 * split, popular: a popular or locally prevalent registrable domain,
 * benign: a listed service or allowlisted. */
void tells_name(struct tells *t, struct host_table *ht, struct host *h, const char *name,
                const struct domain_parts *parts, int popular, int benign, uint64_t now,
                struct host_touched *touched);

struct tells_stats {
    uint64_t tls, http, flows, names;        /* events judged                 */
    uint64_t raised[EVK_MAX];                /* evidences raised (new)        */
    uint64_t tells[32];                      /* tells seen, by enum tell_id   */
    uint64_t prevalent_skips, benign_skips;
    uint64_t dest_evicted, fp_evicted, state_evicted, names_evicted;
};
void tells_get_stats(const struct tells *t, struct tells_stats *s);
void tells_print_stats(const struct tells *t, FILE *fp);

/* ---- pure helpers (unit-tested) ------------------------------------------ */

enum tell_id {
    TELL_CERT_SELF_SIGNED = 0, TELL_CERT_EXPIRED, TELL_CERT_MISMATCH, TELL_CERT_DEFAULT,
    TELL_NO_SNI, TELL_RARE_FP,
    TELL_IP_HOST, TELL_ODD_PORT_IP, TELL_RANDOM_POST, TELL_EXE_DOWNLOAD, TELL_TOOL_UA,
    TELL_NO_HOST,
    TELL_DYNDNS, TELL_IPCHECK, TELL_NEW_DOMAIN,
    TELL_MAX
};
const char *tell_name(int id);

/* 4 or 6 when s[0..n) is an IPv4 or IPv6 literal ("[...]" allowed, a
 * ":port" after IPv4 or "]" ignored), else 0. */
int tells_ip_literal(const char *s, size_t n);

/* How random a token looks, 0..1 (0 for tokens shorter than 8, longer
 * than 256, without letters, or with anything but letters and digits):
 *   shape   = max(s_mix, s_vow, s_run)
 *     s_mix = clamp((changes / (n - 1) - 0.15) / 0.3) when two or more of
 *             {upper, lower, digit} occur (changes: adjacent characters of
 *             different classes), else 0
 *     s_vow = clamp((0.3 - vowels / letters) / 0.2)   (a e i o u y)
 *     s_run = 1 for a run of 5+ consonants, 0.5 for 4, else 0
 *   variety = H / log2(min(n, 62))  (H: Shannon entropy, bits/char)
 *   score   = shape * clamp((variety - 0.6) / 0.3) */
double tells_token_randomness(const char *s, size_t n);

/* The most random-looking path segment or query key of a URI (file
 * extensions aside); its text into tok (NUL-terminated, cut to toklen).
 * Returns its randomness (0 when none). */
double tells_uri_randomness(const char *uri, size_t n, char *tok, size_t toklen);

/* Executable or script by file extension (.exe .dll .scr .msi .ps1 .hta
 * .vbs .js .bat .cmd ...; before any '?' or '#'): 2 an executable, 1 a
 * script, 0 neither.  The extension text into ext (may be NULL). */
int tells_exe_uri(const char *uri, size_t n, char *ext, size_t extlen);
/* 1 when a response Content-Type names a Windows executable or installer. */
int tells_exe_ctype(const char *ct, size_t n);

enum ua_kind { UA_EMPTY = 0, UA_TOOL, UA_BROWSER, UA_OTHER };
/* What a User-Agent says its client is; the tool's name into tool. */
int tells_ua_kind(const char *ua, size_t n, char *tool, size_t toollen);

/* Does the certificate (subject "C=.., CN=..", SAN "a,b") name sni?  Any
 * SAN or CN, '*' matching one whole left-most label. */
int tells_cert_covers(const char *sni, const char *subject, const char *san);

/* Traits of certificates tools generate by default (bits CERTD_*); a
 * short description into why. */
#define CERTD_OPENSSL_DEFAULT 0x01u  /* distribution/OpenSSL placeholder values */
#define CERTD_EMPTY_SUBJECT   0x02u  /* no subject, or no CN                    */
#define CERTD_BAD_COUNTRY     0x04u  /* C= not a two-letter code                */
#define CERTD_CN_NOT_DNS      0x08u  /* self-issued, CN not a DNS name          */
#define CERTD_LONG_VALIDITY   0x10u  /* self-issued, valid >= long_years        */
#define CERTD_FRESH           0x20u  /* self-issued, notBefore within fresh_s   */
unsigned tells_cert_defaults(const char *subject, const char *issuer, int64_t notbefore,
                             int64_t notafter, int64_t now_s, double long_years,
                             double fresh_s, char *why, size_t whylen);

#endif /* SH_TELLS_H */

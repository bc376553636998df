/*
 * test_dns.c -- unit tests for capture/dns.c (DNS message parser and
 * DNS-over-TCP framer).
 *
 * Inputs are byte arrays: hand-built messages (built with the m_* helpers
 * below so that offsets and compression pointers are computed, not typed)
 * and real messages copied from the dev captures in
 * /work/shared/data/dev/pcaps (provenance above each array; expected
 * values are what tshark 4.0 reports for the same frame).
 *
 * Build: gcc -std=c11 -D_DEFAULT_SOURCE ... -I. tests/unit/test_dns.c
 *        capture/dns.c -lcmocka
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture/dns.h"

/* ---- message builder ------------------------------------------------ */

struct msg {
    size_t n;
    uint8_t b[16384];
};

static void m_u8(struct msg *m, unsigned v)
{
    assert_true(m->n < sizeof m->b);
    m->b[m->n++] = (uint8_t)v;
}

static void m_be16(struct msg *m, unsigned v)
{
    m_u8(m, (v >> 8) & 0xFF);
    m_u8(m, v & 0xFF);
}

static void m_be32(struct msg *m, uint32_t v)
{
    m_be16(m, v >> 16);
    m_be16(m, v & 0xFFFF);
}

static void m_raw(struct msg *m, const void *p, size_t n)
{
    assert_true(sizeof m->b - m->n >= n);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void m_hdr(struct msg *m, unsigned id, unsigned flags, unsigned qd,
                  unsigned an, unsigned ns, unsigned ar)
{
    m->n = 0;
    m_be16(m, id);
    m_be16(m, flags);
    m_be16(m, qd);
    m_be16(m, an);
    m_be16(m, ns);
    m_be16(m, ar);
}

/* Labels of a dotted name, then no terminator (for m_ptr or m_u8(0)). */
static void m_labels(struct msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t)(dot - name) : strlen(name);
        m_u8(m, (unsigned)n);
        m_raw(m, name, n);
        name += n;
        if (*name == '.')
            name++;
    }
}

/* An uncompressed name ("" = root).  Returns its offset. */
static size_t m_name(struct msg *m, const char *name)
{
    size_t at = m->n;
    m_labels(m, name);
    m_u8(m, 0);
    return at;
}

static void m_ptr(struct msg *m, size_t off)
{
    m_u8(m, 0xC0 | ((off >> 8) & 0x3F));
    m_u8(m, off & 0xFF);
}

static size_t m_q(struct msg *m, const char *name, unsigned type,
                  unsigned klass)
{
    size_t at = m_name(m, name);
    m_be16(m, type);
    m_be16(m, klass);
    return at;
}

/* RR fixed part after the owner name. */
static void m_rrfix(struct msg *m, unsigned type, unsigned klass,
                    uint32_t ttl, unsigned rdlen)
{
    m_be16(m, type);
    m_be16(m, klass);
    m_be32(m, ttl);
    m_be16(m, rdlen);
}

/* A record owned by the name at `owner`. */
static void m_rr_a(struct msg *m, size_t owner, uint32_t ttl,
                   unsigned a, unsigned b, unsigned c, unsigned d)
{
    m_ptr(m, owner);
    m_rrfix(m, 1, 1, ttl, 4);
    m_u8(m, a);
    m_u8(m, b);
    m_u8(m, c);
    m_u8(m, d);
}

/* ---- event checks --------------------------------------------------- */

static struct sh_event EV;

/* Every string of the event inside the arena, NUL-terminated, no NUL
 * inside; counts within their arrays. */
static void assert_str_sane(const struct sh_event *ev, struct ev_str s)
{
    assert_true(ev->arena_len <= EV_ARENA_SIZE);
    if (s.off == 0 && s.len == 0)
        return;
    assert_true(s.off >= 1);
    assert_true(s.off < ev->arena_len);
    assert_true(s.len < ev->arena_len - s.off);
    assert_int_equal(ev->arena[s.off + s.len], '\0');
    assert_int_equal(strlen(ev->arena + s.off), s.len);
}

static void assert_event_sane(const struct sh_event *ev)
{
    const struct ev_dns *d = &ev->u.dns;

    assert_int_equal(ev->type, EV_DNS);
    assert_int_equal(ev->arena[0], '\0');
    assert_true(d->nq <= EV_DNS_MAX_Q);
    assert_true(d->nan <= EV_DNS_MAX_AN);
    assert_true(d->nq <= d->qdcount);
    assert_true(d->nan <= d->ancount);
    for (unsigned i = 0; i < d->nq; i++)
        assert_str_sane(ev, d->q[i].name);
    for (unsigned i = 0; i < d->nan; i++) {
        assert_str_sane(ev, d->an[i].name);
        assert_str_sane(ev, d->an[i].data);
    }
    /* EVF_MALFORMED iff an anomaly other than "capped" and "TC" */
    int bad = (d->anomalies & ~(DNSA_COUNTS_CAPPED | DNSA_TC)) != 0;
    assert_int_equal(!!(ev->flags & EVF_MALFORMED), bad);
}

static int parse(const void *p, size_t n)
{
    ev_reset(&EV, EV_NONE);
    int rc = dns_parse(p, n, 0, &EV);
    if (rc == 0)
        assert_event_sane(&EV);
    return rc;
}

#define QNAME(i)   ev_s(&EV, EV.u.dns.q[i].name)
#define ANNAME(i)  ev_s(&EV, EV.u.dns.an[i].name)
#define ANDATA(i)  ev_s(&EV, EV.u.dns.an[i].data)

/* ---- real messages from the dev captures ---------------------------- */

/* zeek-dns-edns-ecs.pcap frame 1: SOA weberdns.de, AA, 1 answer (SOA), 2 NS + 4 additional (A, AAAA, A, OPT) */
static const uint8_t real_zeek_soa_weberdns[182] = {
    0xbc, 0x8d, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04,
    0x08, 0x77, 0x65, 0x62, 0x65, 0x72, 0x64, 0x6e, 0x73, 0x02, 0x64, 0x65,
    0x00, 0x00, 0x06, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x06, 0x00, 0x01, 0x00,
    0x00, 0x0e, 0x10, 0x00, 0x26, 0x03, 0x6e, 0x73, 0x31, 0xc0, 0x0c, 0x09,
    0x77, 0x65, 0x62, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0xc0, 0x0c, 0x78,
    0x2a, 0x82, 0x59, 0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x07, 0x08, 0x00,
    0x09, 0x3a, 0x80, 0x00, 0x00, 0x00, 0xb4, 0xc0, 0x0c, 0x00, 0x02, 0x00,
    0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02, 0xc0, 0x29, 0xc0, 0x0c, 0x00,
    0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73,
    0x32, 0xc0, 0x0c, 0xc0, 0x29, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e,
    0x10, 0x00, 0x04, 0x50, 0x9a, 0x6c, 0xe6, 0xc0, 0x29, 0x00, 0x1c, 0x00,
    0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, 0x20, 0x03, 0x00, 0x51, 0x60,
    0x12, 0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x07, 0x00, 0x53, 0xc0,
    0x69, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 0xd5,
    0x3d, 0x1d, 0xb6, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00,
};

/* slips-iot-telnet-scanner.pcap frame 86: NXDOMAIN for 'local' SOA, root SOA in authority */
static const uint8_t real_slips_nxdomain_local[98] = {
    0x34, 0x6f, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00,
    0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0xb3, 0xf1, 0x00, 0x40, 0x01, 0x61,
    0x0c, 0x72, 0x6f, 0x6f, 0x74, 0x2d, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72,
    0x73, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x05, 0x6e, 0x73, 0x74, 0x6c, 0x64,
    0x0c, 0x76, 0x65, 0x72, 0x69, 0x73, 0x69, 0x67, 0x6e, 0x2d, 0x67, 0x72,
    0x73, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x78, 0x48, 0xb5, 0x34, 0x00, 0x00,
    0x07, 0x08, 0x00, 0x00, 0x03, 0x84, 0x00, 0x09, 0x3a, 0x80, 0x00, 0x01,
    0x51, 0x80,
};

/* ndpi-dnscat-exfil.pcap frame 2: dnscat2 MX answer (preference 10) */
static const uint8_t real_dnscat_mx[344] = {
    0x39, 0x1d, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x64, 0x6e, 0x73, 0x63, 0x61, 0x74, 0x3c, 0x35, 0x34, 0x36, 0x62,
    0x30, 0x33, 0x66, 0x35, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x61, 0x36, 0x30, 0x32, 0x33, 0x65, 0x64, 0x34, 0x64, 0x66,
    0x31, 0x38, 0x34, 0x64, 0x36, 0x61, 0x63, 0x35, 0x63, 0x32, 0x36, 0x32,
    0x38, 0x62, 0x34, 0x37, 0x37, 0x31, 0x34, 0x66, 0x64, 0x65, 0x65, 0x35,
    0x38, 0x34, 0x66, 0x65, 0x64, 0x37, 0x33, 0x39, 0x3c, 0x35, 0x61, 0x30,
    0x33, 0x62, 0x35, 0x62, 0x31, 0x65, 0x31, 0x61, 0x61, 0x38, 0x66, 0x38,
    0x66, 0x64, 0x62, 0x31, 0x62, 0x62, 0x65, 0x38, 0x64, 0x35, 0x65, 0x30,
    0x34, 0x39, 0x35, 0x32, 0x31, 0x34, 0x31, 0x66, 0x37, 0x64, 0x34, 0x66,
    0x38, 0x32, 0x63, 0x37, 0x65, 0x33, 0x62, 0x30, 0x36, 0x64, 0x63, 0x63,
    0x38, 0x62, 0x38, 0x37, 0x66, 0x61, 0x64, 0x37, 0x61, 0x1a, 0x31, 0x39,
    0x65, 0x34, 0x64, 0x30, 0x39, 0x38, 0x64, 0x63, 0x38, 0x63, 0x36, 0x31,
    0x38, 0x66, 0x38, 0x64, 0x38, 0x31, 0x63, 0x66, 0x65, 0x62, 0x30, 0x32,
    0x00, 0x00, 0x0f, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x3c, 0x00, 0x9f, 0x00, 0x0a, 0x06, 0x64, 0x6e, 0x73, 0x63,
    0x61, 0x74, 0x3f, 0x32, 0x30, 0x31, 0x66, 0x30, 0x33, 0x66, 0x35, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x37, 0x31, 0x33,
    0x62, 0x39, 0x32, 0x37, 0x31, 0x66, 0x30, 0x31, 0x31, 0x64, 0x63, 0x37,
    0x36, 0x34, 0x32, 0x33, 0x64, 0x61, 0x62, 0x33, 0x39, 0x32, 0x63, 0x33,
    0x32, 0x63, 0x31, 0x38, 0x62, 0x66, 0x63, 0x39, 0x36, 0x62, 0x36, 0x64,
    0x32, 0x36, 0x39, 0x35, 0x61, 0x32, 0x3f, 0x36, 0x61, 0x39, 0x31, 0x31,
    0x63, 0x39, 0x34, 0x34, 0x37, 0x32, 0x66, 0x35, 0x39, 0x34, 0x30, 0x39,
    0x61, 0x35, 0x66, 0x35, 0x32, 0x36, 0x30, 0x31, 0x33, 0x65, 0x37, 0x36,
    0x30, 0x31, 0x39, 0x33, 0x36, 0x36, 0x61, 0x30, 0x37, 0x37, 0x39, 0x32,
    0x39, 0x65, 0x33, 0x34, 0x38, 0x30, 0x66, 0x62, 0x65, 0x36, 0x64, 0x37,
    0x63, 0x34, 0x65, 0x64, 0x61, 0x36, 0x66, 0x39, 0x30, 0x38, 0x14, 0x66,
    0x32, 0x62, 0x63, 0x39, 0x39, 0x61, 0x36, 0x30, 0x31, 0x65, 0x31, 0x61,
    0x38, 0x32, 0x32, 0x31, 0x33, 0x33, 0x36, 0x00,
};

/* ndpi-dnscat-exfil.pcap frame 4: dnscat2 CNAME answer */
static const uint8_t real_dnscat_cname[244] = {
    0x7d, 0x1a, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x64, 0x6e, 0x73, 0x63, 0x61, 0x74, 0x3c, 0x39, 0x31, 0x66, 0x30,
    0x30, 0x33, 0x66, 0x35, 0x30, 0x30, 0x66, 0x36, 0x31, 0x32, 0x32, 0x31,
    0x38, 0x31, 0x30, 0x61, 0x65, 0x61, 0x30, 0x30, 0x30, 0x30, 0x30, 0x34,
    0x38, 0x36, 0x33, 0x63, 0x36, 0x39, 0x31, 0x35, 0x38, 0x30, 0x65, 0x63,
    0x61, 0x64, 0x36, 0x36, 0x66, 0x36, 0x34, 0x61, 0x63, 0x37, 0x64, 0x64,
    0x62, 0x38, 0x37, 0x62, 0x38, 0x39, 0x63, 0x37, 0x26, 0x39, 0x32, 0x30,
    0x30, 0x38, 0x32, 0x31, 0x65, 0x35, 0x32, 0x37, 0x64, 0x34, 0x65, 0x31,
    0x37, 0x36, 0x33, 0x32, 0x35, 0x33, 0x63, 0x32, 0x35, 0x65, 0x32, 0x39,
    0x37, 0x65, 0x32, 0x61, 0x61, 0x34, 0x31, 0x31, 0x33, 0x64, 0x30, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x3c, 0x00, 0x6c, 0x06, 0x64, 0x6e, 0x73, 0x63, 0x61, 0x74, 0x3f,
    0x39, 0x62, 0x36, 0x31, 0x30, 0x33, 0x66, 0x35, 0x30, 0x30, 0x65, 0x65,
    0x65, 0x32, 0x30, 0x62, 0x31, 0x35, 0x31, 0x35, 0x66, 0x64, 0x66, 0x66,
    0x66, 0x66, 0x62, 0x35, 0x35, 0x38, 0x32, 0x64, 0x62, 0x63, 0x62, 0x38,
    0x63, 0x36, 0x30, 0x38, 0x38, 0x38, 0x37, 0x36, 0x39, 0x32, 0x31, 0x61,
    0x34, 0x62, 0x36, 0x31, 0x33, 0x64, 0x64, 0x39, 0x32, 0x34, 0x32, 0x32,
    0x35, 0x64, 0x35, 0x23, 0x33, 0x34, 0x62, 0x38, 0x33, 0x64, 0x33, 0x36,
    0x66, 0x32, 0x62, 0x35, 0x62, 0x65, 0x34, 0x39, 0x63, 0x33, 0x33, 0x34,
    0x64, 0x62, 0x33, 0x33, 0x30, 0x33, 0x32, 0x61, 0x64, 0x36, 0x31, 0x38,
    0x65, 0x37, 0x35, 0x00,
};

/* ndpi-dnscat-exfil.pcap frame 8: dnscat2 TXT answer */
static const uint8_t real_dnscat_txt[106] = {
    0x1b, 0x5d, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x64, 0x6e, 0x73, 0x63, 0x61, 0x74, 0x22, 0x66, 0x39, 0x37, 0x63,
    0x30, 0x31, 0x66, 0x35, 0x30, 0x30, 0x36, 0x63, 0x37, 0x39, 0x38, 0x62,
    0x38, 0x64, 0x36, 0x65, 0x39, 0x39, 0x30, 0x30, 0x30, 0x32, 0x65, 0x33,
    0x37, 0x37, 0x32, 0x62, 0x63, 0x38, 0x00, 0x00, 0x10, 0x00, 0x01, 0xc0,
    0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x23, 0x22,
    0x32, 0x35, 0x35, 0x35, 0x30, 0x31, 0x66, 0x35, 0x30, 0x30, 0x33, 0x35,
    0x32, 0x32, 0x65, 0x66, 0x34, 0x36, 0x34, 0x31, 0x35, 0x35, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x64, 0x33, 0x61, 0x61, 0x34, 0x62,
};

/* ndpi-iodine-dns-tunnel.pcap frame 13: NULL query, binary label, EDNS OPT */
static const uint8_t real_iodine_null_query[76] = {
    0xc7, 0xca, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x24, 0x7a, 0x69, 0x31, 0x61, 0x61, 0x41, 0x30, 0x31, 0x32, 0x33, 0x34,
    0x35, 0x36, 0x37, 0x38, 0x39, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2,
    0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce,
    0xcf, 0x06, 0x70, 0x69, 0x72, 0x61, 0x74, 0x65, 0x03, 0x73, 0x65, 0x61,
    0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00,
    0x80, 0x00, 0x00, 0x00,
};

/* ndpi-iodine-dns-tunnel.pcap frame 14: NULL answer, rdlength 37 */
static const uint8_t real_iodine_null_resp[114] = {
    0xc7, 0xca, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x24, 0x7a, 0x69, 0x31, 0x61, 0x61, 0x41, 0x30, 0x31, 0x32, 0x33, 0x34,
    0x35, 0x36, 0x37, 0x38, 0x39, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2,
    0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce,
    0xcf, 0x06, 0x70, 0x69, 0x72, 0x61, 0x74, 0x65, 0x03, 0x73, 0x65, 0x61,
    0x00, 0x00, 0x0a, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0a, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x25, 0x7a, 0x69, 0x31, 0x61, 0x61, 0x41, 0x30,
    0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xbc, 0xbd, 0xbe,
    0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
    0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0x2e,
};

/* anyrun-sxn-asyncrat-9596cf60.pcap frame 296: www.bing.com, 3 CNAME + 9 A */
static const uint8_t real_bing_cname_chain[301] = {
    0x44, 0xd7, 0x81, 0x80, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x77, 0x77, 0x77, 0x04, 0x62, 0x69, 0x6e, 0x67, 0x03, 0x63, 0x6f,
    0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,
    0x00, 0x00, 0x0e, 0x83, 0x00, 0x25, 0x07, 0x77, 0x77, 0x77, 0x2d, 0x77,
    0x77, 0x77, 0x04, 0x62, 0x69, 0x6e, 0x67, 0x03, 0x63, 0x6f, 0x6d, 0x0e,
    0x74, 0x72, 0x61, 0x66, 0x66, 0x69, 0x63, 0x6d, 0x61, 0x6e, 0x61, 0x67,
    0x65, 0x72, 0x03, 0x6e, 0x65, 0x74, 0x00, 0xc0, 0x2a, 0x00, 0x05, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x29, 0x00, 0x1a, 0x03, 0x77, 0x77, 0x77, 0x04,
    0x62, 0x69, 0x6e, 0x67, 0x03, 0x63, 0x6f, 0x6d, 0x07, 0x65, 0x64, 0x67,
    0x65, 0x6b, 0x65, 0x79, 0x03, 0x6e, 0x65, 0x74, 0x00, 0xc0, 0x5b, 0x00,
    0x05, 0x00, 0x01, 0x00, 0x00, 0x2b, 0x34, 0x00, 0x1c, 0x06, 0x65, 0x38,
    0x36, 0x33, 0x30, 0x33, 0x04, 0x64, 0x73, 0x63, 0x78, 0x0a, 0x61, 0x6b,
    0x61, 0x6d, 0x61, 0x69, 0x65, 0x64, 0x67, 0x65, 0x03, 0x6e, 0x65, 0x74,
    0x00, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00,
    0x04, 0xb8, 0x56, 0xfb, 0x13, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb, 0x19, 0xc0, 0x81, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb,
    0x15, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00,
    0x04, 0xb8, 0x56, 0xfb, 0x14, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb, 0x1c, 0xc0, 0x81, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb,
    0x16, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00,
    0x04, 0xb8, 0x56, 0xfb, 0x18, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb, 0x17, 0xc0, 0x81, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0xb8, 0x56, 0xfb,
    0x1b,
};

/* zeek-dns-edns-ecs.pcap frame 80: erfpop.de, 2 AAAA + OPT */
static const uint8_t real_zeek_aaaa_erfpop[94] = {
    0x8c, 0xec, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x06, 0x65, 0x72, 0x66, 0x70, 0x6f, 0x70, 0x02, 0x64, 0x65, 0x00, 0x00,
    0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01,
    0x2c, 0x00, 0x10, 0x26, 0x06, 0x47, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x68, 0x18, 0x62, 0x91, 0xc0, 0x0c, 0x00, 0x1c, 0x00,
    0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x10, 0x26, 0x06, 0x47, 0x00, 0x00,
    0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x18, 0x63, 0x91, 0x00,
    0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* zeek-dns-edns-ecs.pcap frame 88: TCP segment (2-octet prefix included), DNSKEY query weberlab.de */
static const uint8_t real_zeek_tcp_query_dnskey[54] = {
    0x00, 0x34, 0x06, 0xda, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x08, 0x77, 0x65, 0x62, 0x65, 0x72, 0x6c, 0x61, 0x62, 0x02,
    0x64, 0x65, 0x00, 0x00, 0x30, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00,
    0x00, 0x00, 0x80, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0xc6, 0xab,
    0x1a, 0x7f, 0xa3, 0x65, 0xf2, 0x23,
};

/* zeek-dns-edns-ecs.pcap frame 11: TCP segment (prefix included), DNSKEY x2 + RRSIG for ripe.net */
static const uint8_t real_zeek_tcp_resp_dnskey_ripe[759] = {
    0x02, 0xf5, 0x18, 0x3a, 0x84, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x01, 0x04, 0x72, 0x69, 0x70, 0x65, 0x03, 0x6e, 0x65, 0x74, 0x00,
    0x00, 0x30, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x30, 0x00, 0x01, 0x00, 0x00,
    0x0e, 0x10, 0x00, 0x88, 0x01, 0x00, 0x03, 0x08, 0x03, 0x01, 0x00, 0x01,
    0xb2, 0xd3, 0x7c, 0x33, 0xe3, 0x05, 0x1e, 0x7a, 0x20, 0x3f, 0x1f, 0x62,
    0x2a, 0x81, 0x0b, 0x7f, 0xba, 0xaf, 0xd5, 0xeb, 0xc5, 0x2f, 0xec, 0x15,
    0x5f, 0xb6, 0xd0, 0x20, 0x4d, 0x49, 0x8d, 0x7d, 0x78, 0xef, 0xb4, 0x1b,
    0xa2, 0x29, 0x4e, 0xc3, 0xbe, 0xfb, 0x44, 0xcb, 0xc2, 0xe8, 0xfe, 0x1f,
    0x8a, 0x00, 0x9b, 0x55, 0xed, 0x78, 0x01, 0xc3, 0xd5, 0xb4, 0x1e, 0x83,
    0x8a, 0x0a, 0xa6, 0xc0, 0x69, 0x84, 0x29, 0x8d, 0x64, 0x4b, 0xa3, 0xb7,
    0x5c, 0x85, 0xc2, 0x3b, 0xb6, 0xec, 0xf1, 0xdf, 0x83, 0x5e, 0x73, 0x93,
    0x94, 0x25, 0x53, 0xdc, 0xbd, 0xd5, 0x8e, 0x73, 0x17, 0xd3, 0x44, 0xb4,
    0x90, 0xb6, 0x6f, 0x84, 0x50, 0x8d, 0xc4, 0xe7, 0x64, 0xa8, 0xaa, 0xd4,
    0xf0, 0x20, 0x1f, 0x51, 0xc1, 0xef, 0xdf, 0x25, 0x5c, 0x96, 0x0d, 0x42,
    0x9d, 0x11, 0xe0, 0xc1, 0x57, 0x51, 0x2b, 0xeb, 0xc0, 0x0c, 0x00, 0x30,
    0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x01, 0x08, 0x01, 0x01, 0x03, 0x08,
    0x03, 0x01, 0x00, 0x01, 0xff, 0x64, 0x63, 0xd5, 0xbc, 0xed, 0x69, 0x64,
    0x06, 0x8a, 0x2e, 0x10, 0x61, 0xa2, 0xa1, 0x07, 0xd9, 0x7f, 0x05, 0x97,
    0x6b, 0xe2, 0x1b, 0xd6, 0x29, 0xb4, 0x1f, 0xf2, 0x49, 0xb6, 0x0a, 0x63,
    0x9a, 0x42, 0x3f, 0xe4, 0x9a, 0x8d, 0xe0, 0x4e, 0xb1, 0x8f, 0xc7, 0x7d,
    0xb1, 0x46, 0x20, 0x67, 0xd1, 0x7c, 0x4d, 0x35, 0x47, 0x1a, 0x5d, 0x47,
    0xa4, 0x71, 0x7d, 0x38, 0x3d, 0x11, 0x48, 0xc3, 0x98, 0x74, 0x72, 0x21,
    0xe3, 0xf6, 0x20, 0x8c, 0x84, 0x13, 0x34, 0xa1, 0x84, 0x3a, 0xd4, 0xa1,
    0xd5, 0x8a, 0x6b, 0x6f, 0xcd, 0x4d, 0x73, 0x08, 0x01, 0x3e, 0xac, 0x44,
    0x3f, 0x14, 0x3f, 0x55, 0x0a, 0xc5, 0xe8, 0x2a, 0x68, 0x07, 0x6d, 0x2e,
    0x45, 0x3e, 0xd4, 0xda, 0xce, 0x8c, 0x43, 0x9e, 0xfb, 0x4c, 0x0c, 0x73,
    0xba, 0x4f, 0xb1, 0xcd, 0xb6, 0x2a, 0xdc, 0xd3, 0x5c, 0xa1, 0x82, 0x68,
    0x9d, 0x9b, 0x10, 0x1f, 0xb2, 0x39, 0xda, 0xa8, 0x36, 0xa3, 0x08, 0x10,
    0xc9, 0xc0, 0x9b, 0xfa, 0xc3, 0xa4, 0x1b, 0x01, 0x78, 0x60, 0x60, 0x19,
    0x31, 0xb4, 0xdc, 0x46, 0x33, 0x28, 0xf8, 0xed, 0xf2, 0x42, 0x3e, 0xde,
    0x3e, 0x94, 0xcb, 0xf4, 0x67, 0x03, 0x89, 0x82, 0x6a, 0x11, 0x22, 0xf9,
    0x13, 0x0c, 0x16, 0x4c, 0x9b, 0xae, 0x3e, 0xef, 0x3d, 0x7a, 0xc3, 0x79,
    0x75, 0x82, 0x0a, 0x0d, 0xdd, 0xba, 0x8b, 0x75, 0xbd, 0xdd, 0xa1, 0x38,
    0x1f, 0xbd, 0x87, 0xb9, 0x4c, 0xaa, 0x0e, 0xcc, 0x3b, 0xeb, 0xae, 0x09,
    0xe0, 0x1e, 0x65, 0x2d, 0x60, 0xe5, 0x50, 0x0a, 0xbd, 0xee, 0x12, 0x27,
    0xc5, 0x8d, 0x4a, 0x97, 0x49, 0xbe, 0xa5, 0x82, 0x53, 0x26, 0xbb, 0xc3,
    0x3d, 0xc5, 0x76, 0xc7, 0x44, 0xda, 0xca, 0xeb, 0xdc, 0x11, 0x08, 0x66,
    0xa0, 0xf0, 0x0c, 0xd9, 0x0f, 0x8c, 0xb6, 0x53, 0xc0, 0x0c, 0x00, 0x2e,
    0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x01, 0x1c, 0x00, 0x30, 0x08, 0x02,
    0x00, 0x00, 0x0e, 0x10, 0x5b, 0xa2, 0x3a, 0xb9, 0x5b, 0x7a, 0x9f, 0xa9,
    0x33, 0x22, 0x04, 0x72, 0x69, 0x70, 0x65, 0x03, 0x6e, 0x65, 0x74, 0x00,
    0xc5, 0xea, 0x1a, 0x1d, 0x47, 0x06, 0xd6, 0xb1, 0x74, 0x8b, 0x43, 0xf8,
    0x02, 0xde, 0x6e, 0x39, 0x3e, 0x03, 0x47, 0x8a, 0xda, 0x11, 0x77, 0xaf,
    0xd7, 0x72, 0x92, 0xec, 0x8b, 0x0a, 0x35, 0x9a, 0x95, 0xf5, 0x0a, 0x84,
    0x42, 0x80, 0xe8, 0x53, 0xa8, 0xd8, 0xfd, 0xba, 0x83, 0x17, 0x6c, 0x91,
    0x3d, 0x7c, 0x40, 0x30, 0xf9, 0x7e, 0x0c, 0xb0, 0x6c, 0x6e, 0x3a, 0xaf,
    0xfe, 0x8f, 0xe8, 0x12, 0xe5, 0xb0, 0xb7, 0xed, 0x8e, 0xe6, 0xea, 0x84,
    0x9d, 0x43, 0xd8, 0xa2, 0x73, 0xfc, 0xe7, 0x0b, 0x80, 0xb6, 0xcb, 0x0d,
    0x5c, 0x22, 0xe8, 0x7c, 0x83, 0x0f, 0xbc, 0xdc, 0xc6, 0x48, 0xdc, 0x2d,
    0x04, 0x25, 0x2a, 0x2d, 0xf9, 0x61, 0x71, 0x70, 0x0d, 0xf0, 0x4f, 0x63,
    0xef, 0x55, 0x68, 0xd9, 0x92, 0xa7, 0x03, 0xc7, 0x53, 0x32, 0xc1, 0xb1,
    0xaf, 0x7f, 0x22, 0xcb, 0x05, 0x7f, 0x6d, 0x03, 0x16, 0x9a, 0xa8, 0xea,
    0x48, 0xd3, 0xa6, 0x1b, 0xeb, 0x67, 0x9d, 0xe7, 0xe8, 0x6a, 0x69, 0x34,
    0x65, 0x8f, 0xfe, 0xbb, 0xf7, 0xdb, 0x55, 0xee, 0x35, 0x49, 0xa5, 0xae,
    0xd6, 0xa2, 0xa6, 0x3e, 0xe3, 0x41, 0x4a, 0x7b, 0xc6, 0x4d, 0x1e, 0x84,
    0x47, 0x72, 0x24, 0x0f, 0x15, 0x95, 0xaf, 0xfe, 0x34, 0x8a, 0xec, 0x12,
    0xab, 0x6d, 0x3b, 0x9a, 0x28, 0x75, 0xb1, 0x1c, 0xbf, 0x36, 0xc9, 0xc2,
    0x2e, 0xa7, 0x4a, 0xec, 0x91, 0x7e, 0x92, 0x21, 0x3c, 0xf4, 0xa4, 0x19,
    0xac, 0xda, 0xd2, 0xa8, 0xdc, 0x29, 0x00, 0x63, 0x7a, 0x3c, 0x44, 0x36,
    0x5d, 0x2b, 0xa7, 0x01, 0xed, 0x0e, 0x84, 0x47, 0x02, 0x9a, 0x43, 0x73,
    0x60, 0x9d, 0x08, 0x73, 0x0f, 0x29, 0xb1, 0x55, 0x15, 0xbd, 0x64, 0x93,
    0xde, 0xbc, 0x13, 0x87, 0xb5, 0x13, 0x1f, 0xb9, 0x82, 0x5e, 0x31, 0x6e,
    0xd5, 0xd1, 0x4c, 0x9f, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x80,
    0x00, 0x00, 0x00,
};

/* ==== header and "is it DNS" ========================================= */

static void test_a_query_fills_header_fields_and_one_question(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 0xABCD, 0x0120, 1, 0, 0, 0);     /* RD + AD */
    m_q(&m, "www.example.com", 1, 1);

    assert_int_equal(parse(m.b, m.n), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(EV.type, EV_DNS);
    assert_int_equal(d->id, 0xABCD);
    assert_int_equal(d->flags, 0x0120);
    assert_int_equal(d->qr, 0);
    assert_int_equal(d->opcode, 0);
    assert_int_equal(d->rcode, 0);
    assert_int_equal(d->tcp, 0);
    assert_int_equal(d->qdcount, 1);
    assert_int_equal(d->ancount, 0);
    assert_int_equal(d->msg_len, m.n);
    assert_int_equal(d->nq, 1);
    assert_int_equal(d->nan, 0);
    assert_string_equal(QNAME(0), "www.example.com");
    assert_int_equal(EV.u.dns.q[0].name.len, 15);
    assert_int_equal(d->q[0].type, 1);
    assert_int_equal(d->q[0].klass, 1);
    assert_int_equal(d->anomalies, 0);
    assert_int_equal(EV.flags, 0);
}

static void test_header_flag_bits_are_decoded(void **st)
{
    struct msg m;
    (void)st;
    /* QR, opcode NOTIFY (4), AA, RD, RA, rcode REFUSED (5) */
    m_hdr(&m, 1, 0x8000 | (4u << 11) | 0x0400 | 0x0100 | 0x0080 | 5, 1, 0, 0, 0);
    m_q(&m, "example.org", 6, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.qr, 1);
    assert_int_equal(EV.u.dns.opcode, 4);
    assert_int_equal(EV.u.dns.rcode, 5);
    assert_int_equal(EV.u.dns.flags & DNS_FLAG_AA, DNS_FLAG_AA);
}

static void test_zero_length_is_not_dns(void **st)
{
    static const uint8_t one[1] = {0};
    (void)st;
    assert_int_equal(parse(one, 0), -1);
    assert_int_equal(parse(NULL, 0), -1);
}

static void test_header_shorter_by_one_is_not_dns(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    assert_int_equal(parse(m.b, 11), -1);
}

static void test_header_alone_with_qdcount_one_is_truncated(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    assert_int_equal(parse(m.b, 12), 0);
    assert_int_equal(EV.u.dns.nq, 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
    assert_true(EV.flags & EVF_MALFORMED);
}

static void test_query_with_all_counts_zero_is_not_dns(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 0, 0, 0, 0);
    assert_int_equal(parse(m.b, m.n), -1);
}

static void test_noerror_response_without_question_or_answer_is_not_dns(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 0, 0, 1, 1);
    assert_int_equal(parse(m.b, m.n), -1);
}

static void test_formerr_response_without_question_is_dns(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 7, 0x8001, 0, 0, 0, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.rcode, 1);
    assert_int_equal(EV.u.dns.nq, 0);
    assert_int_equal(EV.u.dns.anomalies, 0);
    assert_string_equal(dns_rcode_name(EV.u.dns.rcode), "FORMERR");
}

static void test_dso_message_with_zero_counts_is_dns(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 0, 6u << 11, 0, 0, 0, 0);
    m_be16(&m, 1);            /* a DSO TLV follows (RFC 8490): ignored */
    m_be16(&m, 4);
    m_be32(&m, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.opcode, 6);
}

static void test_unassigned_opcodes_are_not_dns(void **st)
{
    struct msg m;
    (void)st;
    for (unsigned op = 0; op < 16; op++) {
        m_hdr(&m, 1, op << 11, 1, 0, 0, 0);
        m_q(&m, "a", 1, 1);
        int known = op <= 2 || (op >= 4 && op <= 6);
        assert_int_equal(parse(m.b, m.n), known ? 0 : -1);
    }
}

static void test_message_longer_than_65535_is_not_dns(void **st)
{
    uint8_t *big = calloc(1, 65536);
    (void)st;
    assert_non_null(big);
    big[3] = 0;
    big[5] = 1;          /* qdcount 1, then root name and zeros */
    assert_int_equal(parse(big, 65536), -1);
    assert_int_equal(parse(big, 65535), 0);
    assert_int_equal(EV.u.dns.msg_len, 65535);
    free(big);
}

static void test_not_dns_leaves_the_event_unchanged(void **st)
{
    static struct sh_event before;
    struct msg m;
    (void)st;
    memset(&EV, 0xA5, sizeof EV);
    before = EV;
    m_hdr(&m, 1, 3u << 11, 1, 0, 0, 0);
    m_q(&m, "a", 1, 1);
    assert_int_equal(dns_parse(m.b, m.n, 0, &EV), -1);
    assert_int_equal(dns_parse(m.b, 5, 0, &EV), -1);
    assert_memory_equal(&EV, &before, sizeof EV);
}

static void test_parse_keeps_header_and_pairing_fields(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 0, 0, 0);
    m_q(&m, "a.b", 1, 1);
    ev_reset(&EV, EV_NONE);
    EV.ts_us = 123456789;
    EV.flow_id = 42;
    EV.sport = 53;
    EV.dport = 40000;
    EV.proto = 17;
    EV.u.dns.paired = 1;
    EV.u.dns.unanswered = 1;
    EV.u.dns.rtt_us = 777;
    EV.u.dns.nan = 9;              /* stale body is cleared */
    assert_int_equal(dns_parse(m.b, m.n, 5, &EV), 0);
    assert_int_equal(EV.ts_us, 123456789);
    assert_int_equal(EV.flow_id, 42);
    assert_int_equal(EV.sport, 53);
    assert_int_equal(EV.dport, 40000);
    assert_int_equal(EV.proto, 17);
    assert_int_equal(EV.u.dns.paired, 1);
    assert_int_equal(EV.u.dns.unanswered, 1);
    assert_int_equal(EV.u.dns.rtt_us, 777);
    assert_int_equal(EV.u.dns.nan, 0);
    assert_int_equal(EV.u.dns.tcp, 1);
    assert_string_equal(QNAME(0), "a.b");
}

static void test_tc_bit_sets_dnsa_tc_but_not_malformed(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8380, 1, 0, 0, 0);
    m_q(&m, "big.example", 16, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TC);
    assert_int_equal(EV.flags & EVF_MALFORMED, 0);
}

/* ==== answers and RDATA ============================================== */

static void test_response_with_cname_chain_a_and_aaaa(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 0x1234, 0x8180, 1, 4, 0, 0);
    size_t q = m_q(&m, "www.example.com", 1, 1);
    /* www.example.com CNAME cdn.example.com (compressed on "example") */
    m_ptr(&m, q);
    m_rrfix(&m, 5, 1, 300, 6);
    size_t cdn = m.n;
    m_labels(&m, "cdn");
    m_ptr(&m, q + 4);                  /* "example.com" inside the qname */
    /* cdn.example.com CNAME edge.net */
    m_ptr(&m, cdn);
    m_rrfix(&m, 5, 1, 60, 10);
    size_t edge = m_name(&m, "edge.net");
    /* edge.net A 192.0.2.1, AAAA 2001:db8::1 */
    m_rr_a(&m, edge, 20, 192, 0, 2, 1);
    m_ptr(&m, edge);
    m_rrfix(&m, 28, 1, 21, 16);
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 1};
    m_raw(&m, v6, 16);

    assert_int_equal(parse(m.b, m.n), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->qr, 1);
    assert_int_equal(d->rcode, 0);
    assert_int_equal(d->nq, 1);
    assert_int_equal(d->nan, 4);
    assert_int_equal(d->anomalies, 0);
    assert_int_equal(EV.flags, 0);
    assert_string_equal(ANNAME(0), "www.example.com");
    assert_int_equal(d->an[0].type, 5);
    assert_int_equal(d->an[0].ttl, 300);
    assert_int_equal(d->an[0].rdlen, 6);
    assert_string_equal(ANDATA(0), "cdn.example.com");
    assert_string_equal(ANNAME(1), "cdn.example.com");
    assert_string_equal(ANDATA(1), "edge.net");
    assert_int_equal(d->an[1].ttl, 60);
    assert_string_equal(ANNAME(2), "edge.net");
    assert_int_equal(d->an[2].type, 1);
    assert_int_equal(d->an[2].klass, 1);
    assert_int_equal(d->an[2].ttl, 20);
    assert_string_equal(ANDATA(2), "192.0.2.1");
    assert_string_equal(ANNAME(3), "edge.net");
    assert_int_equal(d->an[3].type, 28);
    assert_int_equal(d->an[3].rdlen, 16);
    assert_string_equal(ANDATA(3), "2001:db8::1");
    /* identical names share one arena copy */
    assert_int_equal(d->an[0].name.off, d->q[0].name.off);
    assert_int_equal(d->an[1].name.off, d->an[0].data.off);
    assert_int_equal(d->an[3].name.off, d->an[2].name.off);
}

static void test_aaaa_text_follows_rfc5952(void **st)
{
    static const struct {
        uint8_t a[16];
        const char *text;
    } cases[] = {
        /* RFC 5952 4.2.3: the first of equal longest zero runs */
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
         "2001:db8::1:0:0:1"},
        /* RFC 5952 4.2.2: one 16-bit zero field is not shortened */
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
         "2001:db8:0:1:1:1:1:1"},
        /* RFC 5952 4.3: lower case */
        {{0x20, 0x01, 0x0d, 0xb8, 0xAB, 0xCD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
         "2001:db8:abcd::"},
        {{0}, "::"},
    };
    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct msg m;
        m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
        size_t q = m_q(&m, "v6.test", 28, 1);
        m_ptr(&m, q);
        m_rrfix(&m, 28, 1, 1, 16);
        m_raw(&m, cases[i].a, 16);
        assert_int_equal(parse(m.b, m.n), 0);
        assert_string_equal(ANDATA(0), cases[i].text);
    }
}

static void test_nxdomain_with_soa_in_authority_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_slips_nxdomain_local,
                           sizeof real_slips_nxdomain_local), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->id, 0x346f);
    assert_int_equal(d->qr, 1);
    assert_int_equal(d->rcode, 3);
    assert_string_equal(dns_rcode_name(d->rcode), "NXDOMAIN");
    assert_int_equal(d->nq, 1);
    assert_string_equal(QNAME(0), "local");
    assert_int_equal(d->q[0].type, 6);
    assert_int_equal(d->ancount, 0);
    assert_int_equal(d->nscount, 1);
    assert_int_equal(d->nan, 0);
    assert_int_equal(d->anomalies, 0);
    assert_int_equal(EV.flags, 0);
    /* the authority's root SOA, decoded by hand from the bytes above:
     * TTL 0x0000b3f1, a.root-servers.net, nstld.verisign-grs.com, serial
     * 0x7848b534, refresh 0x708, retry 0x384, expire 0x93a80, minimum 0x15180 */
    assert_int_equal(d->soa.present, 1);
    assert_int_equal(d->soa.name.len, 0);
    assert_string_equal(ev_s(&EV, d->soa.mname), "a.root-servers.net");
    assert_string_equal(ev_s(&EV, d->soa.rname), "nstld.verisign-grs.com");
    assert_int_equal(d->soa.ttl, 46065);
    assert_int_equal(d->soa.serial, 2018030900u);
    assert_int_equal(d->soa.refresh, 1800);
    assert_int_equal(d->soa.retry, 900);
    assert_int_equal(d->soa.expire, 604800);
    assert_int_equal(d->soa.minimum, 86400);
}

/* Every cut of that answer inside its SOA drops the SOA (never a partial one). */
static void test_truncated_soa_is_dropped(void **st)
{
    (void)st;
    for (size_t n = 30; n < sizeof real_slips_nxdomain_local; n++) {
        memset(&EV, 0, sizeof(EV));
        parse(real_slips_nxdomain_local, n);
        assert_int_equal(EV.u.dns.soa.present, 0);
    }
}

static void test_soa_answer_with_authority_and_additional_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_zeek_soa_weberdns,
                           sizeof real_zeek_soa_weberdns), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->id, 0xbc8d);
    assert_int_equal(d->flags, 0x8400);
    assert_int_equal(d->qdcount, 1);
    assert_int_equal(d->ancount, 1);
    assert_int_equal(d->nscount, 2);
    assert_int_equal(d->arcount, 4);
    assert_string_equal(QNAME(0), "weberdns.de");
    assert_int_equal(d->q[0].type, 6);
    assert_int_equal(d->nan, 1);
    assert_string_equal(ANNAME(0), "weberdns.de");
    assert_int_equal(d->an[0].type, 6);
    assert_int_equal(d->an[0].ttl, 3600);
    assert_int_equal(d->an[0].rdlen, 38);
    assert_int_equal(d->an[0].data.len, 0);     /* SOA: rdlen only */
    assert_int_equal(d->anomalies, 0);
    assert_int_equal(d->msg_len, 182);
}

static void test_cname_chain_with_nine_a_records_real(void **st)
{
    static const char *const ips[9] = {
        "184.86.251.19", "184.86.251.25", "184.86.251.21", "184.86.251.20",
        "184.86.251.28", "184.86.251.22", "184.86.251.24", "184.86.251.23",
        "184.86.251.27",
    };
    (void)st;
    assert_int_equal(parse(real_bing_cname_chain,
                           sizeof real_bing_cname_chain), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->ancount, 12);
    assert_int_equal(d->nan, 12);
    assert_string_equal(QNAME(0), "www.bing.com");
    assert_string_equal(ANNAME(0), "www.bing.com");
    assert_string_equal(ANDATA(0), "www-www.bing.com.trafficmanager.net");
    assert_int_equal(d->an[0].ttl, 3715);
    assert_string_equal(ANNAME(1), "www-www.bing.com.trafficmanager.net");
    assert_string_equal(ANDATA(1), "www.bing.com.edgekey.net");
    assert_int_equal(d->an[1].ttl, 41);
    assert_string_equal(ANDATA(2), "e86303.dscx.akamaiedge.net");
    assert_int_equal(d->an[2].ttl, 11060);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(d->an[3 + i].type, 1);
        assert_int_equal(d->an[3 + i].ttl, 20);
        assert_string_equal(ANNAME(3 + i), "e86303.dscx.akamaiedge.net");
        assert_string_equal(ANDATA(3 + i), ips[i]);
    }
    assert_int_equal(d->anomalies, 0);
}

static void test_aaaa_answers_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_zeek_aaaa_erfpop,
                           sizeof real_zeek_aaaa_erfpop), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_string_equal(ANDATA(0), "2606:4700:30::6818:6291");
    assert_string_equal(ANDATA(1), "2606:4700:30::6818:6391");
    assert_int_equal(EV.u.dns.an[1].ttl, 300);
}

static void test_mx_preference_and_exchange_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_dnscat_mx, sizeof real_dnscat_mx), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->q[0].type, 15);
    assert_int_equal(d->q[0].name.len, 155);
    assert_string_equal(QNAME(0),
        "dnscat.546b03f50000000000a6023ed4df184d6ac5c2628b47714fdee584fed739."
        "5a03b5b1e1aa8f8fdb1bbe8d5e04952141f7d4f82c7e3b06dcc8b87fad7a."
        "19e4d098dc8c618f8d81cfeb02");
    assert_int_equal(d->nan, 1);
    assert_int_equal(d->an[0].type, 15);
    assert_int_equal(d->an[0].ttl, 60);
    assert_int_equal(d->an[0].rdlen, 159);
    assert_int_equal(d->an[0].mx_pref, 10);
    assert_string_equal(ANDATA(0),
        "dnscat.201f03f50000000000713b9271f011dc76423dab392c32c18bfc96b6d2695a2."
        "6a911c94472f59409a5f526013e76019366a077929e3480fbe6d7c4eda6f908."
        "f2bc99a601e1a8221336");
    assert_int_equal(d->anomalies, 0);
}

static void test_cname_answer_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_dnscat_cname, sizeof real_dnscat_cname), 0);
    assert_int_equal(EV.u.dns.q[0].name.len, 106);
    assert_int_equal(EV.u.dns.an[0].type, 5);
    assert_int_equal(EV.u.dns.an[0].rdlen, 108);
    assert_string_equal(ANDATA(0),
        "dnscat.9b6103f500eee20b1515fdffffb5582dbcb8c6088876921a4b613dd924225d5."
        "34b83d36f2b5be49c334db33032ad618e75");
}

static void test_txt_answer_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_dnscat_txt, sizeof real_dnscat_txt), 0);
    assert_string_equal(QNAME(0), "dnscat.f97c01f5006c798b8d6e990002e3772bc8");
    assert_int_equal(EV.u.dns.an[0].type, 16);
    assert_int_equal(EV.u.dns.an[0].rdlen, 35);
    assert_string_equal(ANDATA(0), "255501f5003522ef464155ffffffd3aa4b");
}

static void test_txt_character_strings_are_concatenated(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "example.com", 16, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 16, 1, 10, 1 + 7 + 1 + 0 + 1 + 4);
    m_u8(&m, 7);
    m_raw(&m, "v=spf1 ", 7);
    m_u8(&m, 0);                       /* an empty string is legal */
    m_u8(&m, 4);
    m_raw(&m, "-all", 4);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_string_equal(ANDATA(0), "v=spf1 -all");
    assert_int_equal(EV.u.dns.an[0].rdlen, 14);
    assert_int_equal(EV.u.dns.anomalies, 0);
    assert_int_equal(EV.flags, 0);
}

static void test_txt_longer_than_cap_is_cut_and_flagged(void **st)
{
    struct msg m;
    uint8_t s[200];
    (void)st;
    memset(s, 'x', sizeof s);
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "t.example", 16, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 16, 1, 10, 402);
    m_u8(&m, 200);
    m_raw(&m, s, 200);
    s[0] = 'y';
    m_u8(&m, 200);
    m_raw(&m, s, 200);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.an[0].data.len, DNS_TXT_MAX);
    assert_int_equal(EV.u.dns.an[0].rdlen, 402);
    assert_int_equal(ANDATA(0)[199], 'x');
    assert_int_equal(ANDATA(0)[200], 'y');
    assert_true(EV.flags & EVF_TRUNCATED);
    assert_int_equal(EV.flags & EVF_MALFORMED, 0);
}

static void test_txt_string_overrunning_rdlength_is_bad_rdata_and_parsing_goes_on(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "t.example", 16, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 16, 1, 10, 4);
    m_u8(&m, 5);                      /* says 5, only 3 in RDATA */
    m_raw(&m, "abc", 3);
    m_rr_a(&m, q, 7, 10, 0, 0, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_int_equal(EV.u.dns.an[0].rdlen, 4);
    assert_string_equal(ANDATA(1), "10.0.0.1");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
    assert_true(EV.flags & EVF_MALFORMED);
}

static void test_txt_with_zero_rdlength_is_bad_rdata(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "t.example", 16, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 16, 1, 10, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_ptr_answer(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 9, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "1.2.0.192.in-addr.arpa", 12, 1);
    m_ptr(&m, q);
    size_t rdl = m.n + 8;
    m_rrfix(&m, 12, 1, 86400, 0);
    size_t start = m.n;
    m_name(&m, "host.example.net");
    m.b[rdl] = 0;
    m.b[rdl + 1] = (uint8_t)(m.n - start);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_string_equal(QNAME(0), "1.2.0.192.in-addr.arpa");
    assert_int_equal(EV.u.dns.an[0].type, 12);
    assert_int_equal(EV.u.dns.an[0].ttl, 86400);
    assert_string_equal(ANDATA(0), "host.example.net");
    assert_string_equal(dns_type_name(EV.u.dns.an[0].type), "PTR");
}

static void test_null_answer_keeps_rdlen_only_real(void **st)
{
    (void)st;
    assert_int_equal(parse(real_iodine_null_resp,
                           sizeof real_iodine_null_resp), 0);
    const struct ev_dns *d = &EV.u.dns;
    assert_int_equal(d->nan, 1);
    assert_int_equal(d->an[0].type, 10);
    assert_int_equal(d->an[0].ttl, 0);
    assert_int_equal(d->an[0].rdlen, 37);
    assert_int_equal(d->an[0].data.len, 0);
    assert_int_equal(d->an[0].name.off, d->q[0].name.off);
    assert_int_equal(d->anomalies, 0);
}

static void test_binary_label_is_kept_raw_real(void **st)
{
    static const uint8_t want[47] = {
        'z', 'i', '1', 'a', 'a', 'A', '0', '1', '2', '3', '4', '5',
        '6', '7', '8', '9', 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3,
        0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
        '.', 'p', 'i', 'r', 'a', 't', 'e', '.', 's', 'e', 'a',
    };
    (void)st;
    assert_int_equal(parse(real_iodine_null_query,
                           sizeof real_iodine_null_query), 0);
    assert_int_equal(EV.u.dns.q[0].name.len, 47);   /* tshark: 47 */
    assert_memory_equal(QNAME(0), want, 47);
    assert_int_equal(EV.u.dns.q[0].type, 10);
    assert_int_equal(EV.u.dns.arcount, 1);
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void test_a_with_wrong_rdlength_is_bad_rdata_and_next_rr_is_parsed(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "a.example", 1, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 1, 1, 5, 5);
    m_raw(&m, "\x01\x02\x03\x04\x05", 5);
    m_rr_a(&m, q, 6, 198, 51, 100, 7);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_int_equal(EV.u.dns.an[0].rdlen, 5);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_string_equal(ANDATA(1), "198.51.100.7");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_aaaa_with_rdlength_four_is_bad_rdata(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "a.example", 28, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 28, 1, 5, 4);
    m_be32(&m, 0x01020304);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_a_in_class_chaos_is_not_decoded(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "version.bind", 1, 3);
    m_ptr(&m, q);
    m_rrfix(&m, 1, 3, 0, 6);
    m_raw(&m, "\x01x\xc0\x0c\x00\x01", 6);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.an[0].klass, 3);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void test_cname_name_longer_than_rdlength_is_bad_rdata(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "a.example", 1, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 5, 1, 5, 4);
    m_raw(&m, "\x03" "abc", 4);        /* the root octet is missing */
    m_rr_a(&m, q, 6, 10, 1, 2, 3);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_string_equal(ANDATA(1), "10.1.2.3");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_cname_with_bytes_after_the_name_is_bad_rdata(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "a.example", 1, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 5, 1, 5, 3);
    m_ptr(&m, q);
    m_u8(&m, 0xEE);
    m_rr_a(&m, q, 6, 10, 1, 2, 3);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_string_equal(ANDATA(1), "10.1.2.3");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_cname_with_a_forward_pointer_is_bad_rdata_and_not_kept(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "a.example", 1, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 5, 1, 5, 4);
    m_labels(&m, "x");
    m_ptr(&m, m.n + 2);               /* at the next RR's owner name */
    m_rr_a(&m, q, 6, 10, 1, 2, 3);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);     /* not "x" */
    assert_string_equal(ANDATA(1), "10.1.2.3");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER | DNSA_BAD_RDATA);
}

static void test_mx_with_rdlength_one_is_bad_rdata(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "a.example", 15, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 15, 1, 5, 1);
    m_u8(&m, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.an[0].mx_pref, 0);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_RDATA);
}

static void test_rdlength_past_the_end_keeps_rr_header_and_is_truncated(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    size_t q = m_q(&m, "a.example", 1, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 1, 1, 99, 4);
    m_u8(&m, 10);                     /* 1 of the 4 RDATA octets */
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_int_equal(EV.u.dns.an[0].ttl, 99);
    assert_int_equal(EV.u.dns.an[0].rdlen, 4);
    assert_int_equal(EV.u.dns.an[0].data.len, 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
}

/* ==== names ========================================================== */

static void test_root_name_is_the_empty_string(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0000, 1, 0, 0, 0);
    m_q(&m, "", 2, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.q[0].name.off, 0);
    assert_int_equal(EV.u.dns.q[0].name.len, 0);
    assert_string_equal(QNAME(0), "");
    assert_int_equal(EV.u.dns.q[0].type, 2);
}

static void test_nul_in_label_becomes_question_mark_and_dot_is_kept_raw(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0000, 1, 0, 0, 0);
    m_raw(&m, "\x03" "a\0b" "\x03" "c.d" "\x02" "Ex" "\x00", 12);
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_string_equal(QNAME(0), "a?b.c.d.Ex");      /* case kept */
    assert_int_equal(EV.u.dns.anomalies, 0);

    /* the same name as an answer owner shares the stored copy */
    m.b[2] = 0x80;                    /* QR */
    m.b[7] = 1;                       /* ancount 1 */
    m_ptr(&m, 12);
    m_rrfix(&m, 1, 1, 0, 4);
    m_be32(&m, 0x01010101);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_string_equal(ANNAME(0), "a?b.c.d.Ex");
    assert_int_equal(EV.u.dns.an[0].name.off, EV.u.dns.q[0].name.off);
}

static void test_self_pointer_is_a_bad_pointer(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    m_ptr(&m, 12);                     /* the name at 12 points at 12 */
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);       /* framing kept: the pointer ends it */
    assert_string_equal(QNAME(0), "");
    assert_int_equal(EV.u.dns.q[0].type, 1);
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
    assert_true(EV.flags & EVF_MALFORMED);
}

static void test_pointer_to_the_start_of_its_own_label_sequence_is_rejected(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    m_labels(&m, "loop");
    m_ptr(&m, 12);
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_string_equal(QNAME(0), "loop");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
}

static void test_two_pointers_pointing_at_each_other_terminate(void **st)
{
    struct msg m;
    (void)st;
    /* question name at 12 -> 18; answer owner name at 18 -> 12 */
    m_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
    m_ptr(&m, 18);
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(m.n, 18);
    m_ptr(&m, 12);
    m_rrfix(&m, 1, 1, 1, 4);
    m_be32(&m, 0x0A000001);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_string_equal(QNAME(0), "");
    assert_string_equal(ANNAME(0), "");
    assert_string_equal(ANDATA(0), "10.0.0.1");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
}

static void test_mutual_pointers_after_labels_terminate(void **st)
{
    struct msg m;
    (void)st;
    /* q1 = "a" -> q2 (forward); q2 = "b" -> q1 -> q2 (not before q1) */
    m_hdr(&m, 1, 0x0100, 2, 0, 0, 0);
    m_labels(&m, "a");
    m_ptr(&m, 12 + 4 + 4);
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(m.n, 20);
    m_labels(&m, "b");
    m_ptr(&m, 12);
    m_be16(&m, 1);
    m_be16(&m, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 2);
    assert_string_equal(QNAME(0), "a");
    assert_string_equal(QNAME(1), "b.a");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
}

static void test_forward_pointer_is_rejected(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 1);
    m_labels(&m, "www");
    m_ptr(&m, 12 + 6 + 4);             /* at the (valid) additional name */
    m_be16(&m, 1);
    m_be16(&m, 1);
    m_name(&m, "example.com");
    m_rrfix(&m, 1, 1, 0, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_string_equal(QNAME(0), "www");
    assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
}

static void test_pointer_just_out_of_range_is_rejected(void **st)
{
    struct msg m;
    (void)st;
    for (int k = 0; k < 2; k++) {
        m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
        m_labels(&m, "x");
        m_ptr(&m, k == 0 ? 12u + 2 + 2 + 4 : 0x3FFFu); /* == len; max */
        m_be16(&m, 1);
        m_be16(&m, 1);
        assert_int_equal(parse(m.b, m.n), 0);
        assert_string_equal(QNAME(0), "x");
        assert_int_equal(EV.u.dns.anomalies, DNSA_BAD_POINTER);
    }
}

static void test_pointer_cut_after_its_first_octet_is_truncated(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    m_labels(&m, "x");
    m_u8(&m, 0xC0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 0);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
}

static void test_pointer_to_labels_running_off_the_end_is_truncated(void **st)
{
    struct msg m;
    (void)st;
    /* answer 1 (NULL) ends with 0x3f, the start of a 63-octet label;
     * answer 2's owner points at it, and only 12 octets follow */
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "a", 10, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 10, 1, 0, 1);
    size_t lab = m.n;
    m_u8(&m, 0x3F);
    m_ptr(&m, lab);
    m_rrfix(&m, 10, 1, 0, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);         /* the pointer ends the name */
    assert_string_equal(ANNAME(1), "");
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
}

static void build_label_len(struct msg *m, unsigned n)
{
    uint8_t lab[64];
    memset(lab, 'a', sizeof lab);
    m_hdr(m, 1, 0x0100, 1, 0, 0, 0);
    m_u8(m, n);
    m_raw(m, lab, n);
    m_labels(m, "com");
    m_u8(m, 0);
    m_be16(m, 1);
    m_be16(m, 1);
}

static void test_label_of_63_octets_is_accepted(void **st)
{
    struct msg m;
    (void)st;
    build_label_len(&m, 63);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.q[0].name.len, 63 + 4);
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void test_label_of_64_octets_is_rejected_and_ends_the_parse(void **st)
{
    struct msg m;
    (void)st;
    build_label_len(&m, 64);          /* 0x40: label type 01 */
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 0);
    assert_int_equal(EV.u.dns.anomalies,
                     DNSA_LABEL_TOO_LONG | DNSA_BAD_LABEL_TYPE);
    assert_true(EV.flags & EVF_MALFORMED);
}

static void test_label_type_0x80_is_rejected(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
    m_raw(&m, "\x01x\x80\x00\x00\x01\x00\x01", 8);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 0);
    assert_true(EV.u.dns.anomalies & DNSA_BAD_LABEL_TYPE);
}

static void test_bad_label_type_behind_a_pointer_keeps_the_framing(void **st)
{
    struct msg m;
    (void)st;
    /* answer 1 is TXT "\x41z"; answer 2's owner points back at the 0x41
     * octet, which read as a label length is label type 01 */
    m_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(&m, "ok", 16, 1);
    m_ptr(&m, q);
    m_rrfix(&m, 16, 1, 0, 3);
    m_u8(&m, 2);
    size_t at41 = m.n;
    m_u8(&m, 0x41);
    m_u8(&m, 'z');
    m_ptr(&m, at41);
    m_rrfix(&m, 1, 1, 0, 4);
    m_be32(&m, 0x7F000001);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_string_equal(ANDATA(0), "Az");
    assert_string_equal(ANNAME(1), "");
    assert_string_equal(ANDATA(1), "127.0.0.1");
    assert_int_equal(EV.u.dns.anomalies,
                     DNSA_BAD_LABEL_TYPE | DNSA_LABEL_TOO_LONG);
}

/* A name of `wire` octets on the wire (4 labels, root included). */
static void build_name_wire(struct msg *m, unsigned wire, unsigned an)
{
    uint8_t lab[63];
    unsigned last = wire - 1 - 3 * 64 - 1;    /* 4th label length */
    memset(lab, 'n', sizeof lab);
    m_hdr(m, 1, 0x8180, 1, an, 0, 0);
    for (int i = 0; i < 3; i++) {
        m_u8(m, 63);
        m_raw(m, lab, 63);
    }
    m_u8(m, last);
    m_raw(m, lab, last);
    m_u8(m, 0);
    m_be16(m, 1);
    m_be16(m, 1);
}

static void test_name_of_exactly_255_wire_octets_is_accepted(void **st)
{
    struct msg m;
    (void)st;
    build_name_wire(&m, 255, 0);
    assert_int_equal(m.n, 12 + 255 + 4);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.q[0].name.len, 253);   /* presentation */
    assert_int_equal(EV.u.dns.anomalies, 0);
    assert_int_equal(EV.flags, 0);
}

static void test_name_of_256_wire_octets_is_rejected_but_framing_kept(void **st)
{
    struct msg m;
    (void)st;
    build_name_wire(&m, 256, 1);
    m_ptr(&m, 12 + 64);               /* answer owner: the last 3 labels */
    m_rrfix(&m, 1, 1, 3, 4);
    m_be32(&m, 0x0A0B0C0D);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.q[0].name.len, 3 * 63 + 2);  /* kept prefix */
    assert_int_equal(EV.u.dns.nan, 1);
    assert_int_equal(ANNAME(0)[0], 'n');
    assert_int_equal(EV.u.dns.an[0].name.len, 2 * 63 + 62 + 2);
    assert_string_equal(ANDATA(0), "10.11.12.13");
    assert_int_equal(EV.u.dns.anomalies, DNSA_NAME_TOO_LONG);
    assert_true(EV.flags & EVF_MALFORMED);
    assert_true(EV.flags & EVF_TRUNCATED);
}

static void test_name_made_too_long_by_a_pointer_is_cut_and_framing_kept(void **st)
{
    struct msg m;
    (void)st;
    /* the question is 255 wire octets; the answer owner is "ab" + a
     * pointer to it: 3 + 255 = 258 octets */
    build_name_wire(&m, 255, 2);
    m_labels(&m, "ab");
    m_ptr(&m, 12);
    m_rrfix(&m, 1, 1, 3, 4);
    m_be32(&m, 0x0A0B0C0D);
    m_rr_a(&m, 12, 4, 10, 0, 0, 2);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    /* "ab." + the first 3 labels of 63; the 4th (61) would reach 258 */
    assert_int_equal(EV.u.dns.an[0].name.len, 3 + 3 * 63 + 2);
    assert_int_equal(memcmp(ANNAME(0), "ab.nnn", 6), 0);
    assert_string_equal(ANDATA(0), "10.11.12.13");
    assert_int_equal(EV.u.dns.an[1].name.len, 253);
    assert_string_equal(ANDATA(1), "10.0.0.2");
    assert_int_equal(EV.u.dns.anomalies, DNSA_NAME_TOO_LONG);
    assert_true(EV.flags & EVF_TRUNCATED);
}

/* Answer 1 is a NULL RR whose RDATA is a ladder of n pointers, each to the
 * previous one, the first to the question "x"; answer 2's owner points at
 * the top of the ladder, costing n + 2 hops (its pointer, the ladder, the
 * label "x"). */
static void build_pointer_ladder(struct msg *m, unsigned n)
{
    m_hdr(m, 1, 0x8180, 1, 2, 0, 0);
    size_t q = m_q(m, "x", 10, 1);
    m_ptr(m, q);
    m_rrfix(m, 10, 1, 0, 2 * n);
    size_t base = m->n;
    m_ptr(m, q);
    for (unsigned k = 1; k < n; k++)
        m_ptr(m, base + 2 * (k - 1));
    m_ptr(m, base + 2 * (n - 1));
    m_rrfix(m, 1, 1, 0, 4);
    m_be32(m, 0x01020304);
}

static void test_pointer_chain_within_the_hop_budget_is_followed(void **st)
{
    struct msg m;
    (void)st;
    build_pointer_ladder(&m, DNS_NAME_MAX_HOPS - 2);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_string_equal(ANNAME(1), "x");
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void test_pointer_chain_over_the_hop_budget_is_cut(void **st)
{
    struct msg m;
    (void)st;
    build_pointer_ladder(&m, DNS_NAME_MAX_HOPS - 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_string_equal(ANNAME(1), "");
    assert_string_equal(ANDATA(1), "1.2.3.4");      /* framing kept */
    assert_int_equal(EV.u.dns.anomalies, DNSA_TOO_MANY_LABELS);
}

/* ==== counts and caps ================================================ */

static void test_qdcount_above_max_keeps_four_and_still_reaches_answers(void **st)
{
    struct msg m;
    char name[8];
    size_t q0 = 0;
    (void)st;
    m_hdr(&m, 1, 0x8180, EV_DNS_MAX_Q + 2, 1, 0, 0);
    for (int i = 0; i < EV_DNS_MAX_Q + 2; i++) {
        snprintf(name, sizeof name, "q%d.t", i);
        size_t at = m_q(&m, name, 1, 1);
        if (i == 0)
            q0 = at;
    }
    m_rr_a(&m, q0, 1, 1, 1, 1, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.qdcount, EV_DNS_MAX_Q + 2);
    assert_int_equal(EV.u.dns.nq, EV_DNS_MAX_Q);
    assert_string_equal(QNAME(0), "q0.t");
    assert_string_equal(QNAME(EV_DNS_MAX_Q - 1), "q3.t");
    assert_int_equal(EV.u.dns.nan, 1);
    assert_string_equal(ANDATA(0), "1.1.1.1");
    assert_int_equal(EV.u.dns.anomalies, DNSA_COUNTS_CAPPED);
    assert_int_equal(EV.flags & EVF_MALFORMED, 0);
}

static void test_qdcount_at_max_is_not_capped(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x0100, EV_DNS_MAX_Q, 0, 0, 0);
    for (int i = 0; i < EV_DNS_MAX_Q; i++)
        m_q(&m, "same.name", 1, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, EV_DNS_MAX_Q);
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void build_many_a(struct msg *m, unsigned n)
{
    m_hdr(m, 1, 0x8180, 1, n, 0, 0);
    size_t q = m_q(m, "many.example", 1, 1);
    for (unsigned i = 0; i < n; i++)
        m_rr_a(m, q, i, 10, 0, 0, i);
}

static void test_ancount_above_max_keeps_twenty_and_sets_capped(void **st)
{
    struct msg m;
    (void)st;
    build_many_a(&m, EV_DNS_MAX_AN + 5);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.ancount, EV_DNS_MAX_AN + 5);
    assert_int_equal(EV.u.dns.nan, EV_DNS_MAX_AN);
    assert_string_equal(ANDATA(EV_DNS_MAX_AN - 1), "10.0.0.19");
    assert_int_equal(EV.u.dns.an[EV_DNS_MAX_AN - 1].ttl, EV_DNS_MAX_AN - 1);
    assert_int_equal(EV.u.dns.anomalies, DNSA_COUNTS_CAPPED);
    assert_int_equal(EV.flags, 0);
}

static void test_ancount_at_max_is_not_capped(void **st)
{
    struct msg m;
    (void)st;
    build_many_a(&m, EV_DNS_MAX_AN);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, EV_DNS_MAX_AN);
    assert_int_equal(EV.u.dns.anomalies, 0);
}

static void test_counts_claiming_more_rrs_than_bytes_are_truncated(void **st)
{
    struct msg m;
    (void)st;
    build_many_a(&m, 2);
    m.b[7] = 5;                       /* ancount 5, 2 present */
    m.b[9] = 3;                       /* nscount 3, none */
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.ancount, 5);
    assert_int_equal(EV.u.dns.nscount, 3);
    assert_int_equal(EV.u.dns.nan, 2);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
    assert_true(EV.flags & EVF_MALFORMED);
}

static void test_huge_counts_on_a_short_message_stop_at_the_end(void **st)
{
    struct msg m;
    (void)st;
    m_hdr(&m, 1, 0x8180, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
    m_q(&m, "a", 1, 1);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
}

static void test_distinct_long_names_fill_the_arena_and_flag_truncated(void **st)
{
    static struct msg m;
    uint8_t lab[63];
    (void)st;
    memset(lab, 'z', sizeof lab);
    m_hdr(&m, 1, 0x8180, 1, EV_DNS_MAX_AN, 0, 0);
    size_t q = m_q(&m, "arena.test", 5, 1);
    for (unsigned i = 0; i < EV_DNS_MAX_AN; i++) {
        /* owner: 3 x 63 octets unique per i; data: the same + "d" */
        size_t own = m.n;
        for (int k = 0; k < 3; k++) {
            lab[0] = (uint8_t)('a' + i);
            m_u8(&m, 63);
            m_raw(&m, lab, 63);
        }
        m_ptr(&m, q);
        m_rrfix(&m, 5, 1, i, 2 + 2);
        m_labels(&m, "d");
        m_ptr(&m, own);
    }
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, EV_DNS_MAX_AN);
    assert_true(EV.flags & EVF_TRUNCATED);
    assert_int_equal(EV.flags & EVF_MALFORMED, 0);
    assert_true(EV.arena_len <= EV_ARENA_SIZE);
    assert_int_equal(EV.u.dns.an[0].name.len, 3 * 64 + 10);
    /* the last ones did not fit: absent, never out of the arena */
    assert_int_equal(EV.u.dns.an[EV_DNS_MAX_AN - 1].data.len, 0);
}

static void test_records_not_kept_are_stepped_over_for_framing_only(void **st)
{
    struct msg m;
    uint8_t lab[63];
    (void)st;
    memset(lab, 'k', sizeof lab);
    /* authority: an NS whose owner is a self pointer (not followed, so not
     * reported); additional: an A whose owner is 256 octets (its own
     * labels: reported) */
    m_hdr(&m, 1, 0x8180, 1, 1, 1, 1);
    size_t q = m_q(&m, "kept.example", 1, 1);
    m_rr_a(&m, q, 1, 192, 0, 2, 9);
    size_t self = m.n;
    m_ptr(&m, self);
    m_rrfix(&m, 2, 1, 1, 2);
    m_ptr(&m, q);
    for (int i = 0; i < 3; i++) {
        m_u8(&m, 63);
        m_raw(&m, lab, 63);
    }
    m_u8(&m, 62);
    m_raw(&m, lab, 62);
    m_u8(&m, 0);
    m_rrfix(&m, 1, 1, 1, 4);
    m_be32(&m, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_string_equal(ANDATA(0), "192.0.2.9");
    assert_int_equal(EV.u.dns.anomalies, DNSA_NAME_TOO_LONG);

    /* a 0x40 label type in the authority owner ends the parse */
    m_hdr(&m, 1, 0x8180, 1, 1, 1, 0);
    q = m_q(&m, "kept.example", 1, 1);
    m_rr_a(&m, q, 1, 192, 0, 2, 9);
    m_u8(&m, 0x40);
    m_raw(&m, lab, 63);
    m_u8(&m, 'k');
    m_u8(&m, 0);
    m_rrfix(&m, 2, 1, 1, 0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nan, 1);
    assert_int_equal(EV.u.dns.anomalies,
                     DNSA_BAD_LABEL_TYPE | DNSA_LABEL_TOO_LONG);

    /* a pointer cut after its first octet in the additional section */
    m_hdr(&m, 1, 0x8180, 1, 0, 0, 1);
    m_q(&m, "kept.example", 1, 1);
    m_u8(&m, 0xC0);
    assert_int_equal(parse(m.b, m.n), 0);
    assert_int_equal(EV.u.dns.nq, 1);
    assert_int_equal(EV.u.dns.anomalies, DNSA_TRUNCATED);
}

/* ==== truncation sweep =============================================== */

static struct sh_event FULL;

/* Parse every prefix of msg[0..n) from n-1 down to 0: -1 below the
 * header, else 0 with DNSA_TRUNCATED; what is kept is a prefix of what the
 * full message gives (same questions and answers, same names and data,
 * except that the last answer may have lost its data). */
static void sweep_truncations(const uint8_t *msg, size_t n)
{
    assert_int_equal(parse(msg, n), 0);
    assert_int_equal(EV.u.dns.anomalies & DNSA_TRUNCATED, 0);
    FULL = EV;
    unsigned prev_q = FULL.u.dns.nq, prev_an = FULL.u.dns.nan;
    for (size_t k = n; k > 0;) {
        k--;
        uint8_t *cut = malloc(k ? k : 1);     /* exact size: ASan checks */
        assert_non_null(cut);
        memcpy(cut, msg, k);
        int rc = parse(cut, k);
        if (k < DNS_HDR_LEN) {
            assert_int_equal(rc, -1);
            free(cut);
            continue;
        }
        assert_int_equal(rc, 0);
        const struct ev_dns *d = &EV.u.dns;
        const struct ev_dns *f = &FULL.u.dns;
        assert_true(d->anomalies & DNSA_TRUNCATED);
        assert_true(EV.flags & EVF_MALFORMED);
        assert_int_equal(d->id, f->id);
        assert_int_equal(d->ancount, f->ancount);
        assert_int_equal(d->msg_len, k);
        assert_true(d->nq <= prev_q);
        assert_true(d->nan <= prev_an);
        prev_q = d->nq;
        prev_an = d->nan;
        for (unsigned i = 0; i < d->nq; i++) {
            assert_string_equal(ev_s(&EV, d->q[i].name),
                                ev_s(&FULL, f->q[i].name));
            assert_int_equal(d->q[i].type, f->q[i].type);
        }
        for (unsigned i = 0; i < d->nan; i++) {
            assert_string_equal(ev_s(&EV, d->an[i].name),
                                ev_s(&FULL, f->an[i].name));
            assert_int_equal(d->an[i].type, f->an[i].type);
            assert_int_equal(d->an[i].ttl, f->an[i].ttl);
            assert_int_equal(d->an[i].rdlen, f->an[i].rdlen);
            if (i + 1 < d->nan || d->an[i].data.len)
                assert_string_equal(ev_s(&EV, d->an[i].data),
                                    ev_s(&FULL, f->an[i].data));
        }
        free(cut);
    }
}

static void test_every_truncation_of_a_cname_chain_response(void **st)
{
    (void)st;
    sweep_truncations(real_bing_cname_chain, sizeof real_bing_cname_chain);
}

static void test_every_truncation_of_a_response_with_additional_rrs(void **st)
{
    (void)st;
    sweep_truncations(real_zeek_soa_weberdns, sizeof real_zeek_soa_weberdns);
}

static void test_every_truncation_of_mx_txt_and_nxdomain_responses(void **st)
{
    (void)st;
    sweep_truncations(real_dnscat_mx, sizeof real_dnscat_mx);
    sweep_truncations(real_dnscat_txt, sizeof real_dnscat_txt);
    sweep_truncations(real_slips_nxdomain_local,
                      sizeof real_slips_nxdomain_local);
    sweep_truncations(real_zeek_tcp_resp_dnskey_ripe + 2,
                      sizeof real_zeek_tcp_resp_dnskey_ripe - 2);
}

/* ==== names of types and rcodes ====================================== */

static void test_type_names(void **st)
{
    (void)st;
    assert_string_equal(dns_type_name(1), "A");
    assert_string_equal(dns_type_name(28), "AAAA");
    assert_string_equal(dns_type_name(5), "CNAME");
    assert_string_equal(dns_type_name(16), "TXT");
    assert_string_equal(dns_type_name(15), "MX");
    assert_string_equal(dns_type_name(2), "NS");
    assert_string_equal(dns_type_name(12), "PTR");
    assert_string_equal(dns_type_name(6), "SOA");
    assert_string_equal(dns_type_name(33), "SRV");
    assert_string_equal(dns_type_name(10), "NULL");
    assert_string_equal(dns_type_name(65), "HTTPS");
    assert_string_equal(dns_type_name(64), "SVCB");
    assert_string_equal(dns_type_name(255), "ANY");
    assert_string_equal(dns_type_name(41), "OPT");
    assert_string_equal(dns_type_name(48), "DNSKEY");
    assert_null(dns_type_name(0));
    assert_null(dns_type_name(54));
    assert_null(dns_type_name(65534));
}

static void test_rcode_names(void **st)
{
    static const char *const want[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
    };
    (void)st;
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(dns_rcode_name((uint8_t)i), want[i]);
    assert_null(dns_rcode_name(12));
    assert_null(dns_rcode_name(15));
    assert_string_equal(dns_rcode_name(16), "BADVERS");
    assert_null(dns_rcode_name(24));
    assert_null(dns_rcode_name(255));
}

/* ==== DNS over TCP =================================================== */

#define CAP_MAX 8
static struct sh_event cap_ev[CAP_MAX];
static int cap_dir[CAP_MAX];
static int cap_n;
static struct app_stats cap_stats;
static struct dns_tcp_state *TS;

static void cap_emit(void *ctx, int dir, struct sh_event *ev)
{
    assert_ptr_equal(ctx, &cap_n);
    assert_event_sane(ev);
    if (cap_n < CAP_MAX) {
        cap_ev[cap_n] = *ev;
        cap_dir[cap_n] = dir;
    }
    cap_n++;
}

static const struct app_sink SINK = { cap_emit, &cap_n, &cap_stats };

static void tcp_reset(void)
{
    cap_n = 0;
    memset(&cap_stats, 0, sizeof cap_stats);
    dns_tcp_init(TS);
}

static int tcp_setup(void **st)
{
    (void)st;
    TS = malloc(dns_tcp_state_size());
    if (TS == NULL)
        return -1;
    memset(TS, 0xEE, dns_tcp_state_size());  /* init must not rely on 0 */
    tcp_reset();
    return 0;
}

static int tcp_teardown(void **st)
{
    (void)st;
    free(TS);
    TS = NULL;
    return 0;
}

/* A small A query with its 2-octet prefix. */
static size_t tcp_query(uint8_t *out, size_t cap, unsigned id, const char *name)
{
    struct msg m;
    m_hdr(&m, id, 0x0100, 1, 0, 0, 0);
    m_q(&m, name, 1, 1);
    assert_true(cap >= m.n + 2);
    out[0] = (uint8_t)(m.n >> 8);
    out[1] = (uint8_t)m.n;
    memcpy(out + 2, m.b, m.n);
    return m.n + 2;
}

static void test_tcp_state_is_small_and_fixed(void **st)
{
    (void)st;
    assert_true(dns_tcp_state_size() >= 2 * DNS_TCP_MAX_MSG);
    assert_true(dns_tcp_state_size() <= 2 * DNS_TCP_MAX_MSG + 64);
}

static void test_tcp_one_real_message_in_one_feed(void **st)
{
    (void)st;
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOCLIENT, real_zeek_tcp_resp_dnskey_ripe,
                 sizeof real_zeek_tcp_resp_dnskey_ripe, 1000, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_dir[0], DIR_TOCLIENT);
    const struct sh_event *e = &cap_ev[0];
    const struct ev_dns *d = &e->u.dns;
    assert_int_equal(e->ts_us, 1000);
    assert_int_equal(e->proto, 6);
    assert_int_equal(d->tcp, 1);
    assert_int_equal(d->id, 0x183a);
    assert_int_equal(d->msg_len, 757);
    assert_string_equal(ev_s(e, d->q[0].name), "ripe.net");
    assert_int_equal(d->q[0].type, 48);
    assert_int_equal(d->nan, 3);
    assert_int_equal(d->an[0].type, 48);
    assert_int_equal(d->an[0].rdlen, 136);
    assert_int_equal(d->an[1].type, 48);
    assert_int_equal(d->an[1].rdlen, 264);
    assert_int_equal(d->an[2].type, 46);
    assert_int_equal(d->an[2].rdlen, 284);
    assert_int_equal(d->an[2].ttl, 3600);
    assert_int_equal(d->anomalies, 0);
    assert_int_equal(cap_stats.dns_parsed, 1);
    assert_int_equal(cap_stats.dns_malformed, 0);
}

static void test_tcp_two_messages_in_one_feed(void **st)
{
    uint8_t buf[256];
    size_t n;
    (void)st;
    tcp_reset();
    memcpy(buf, real_zeek_tcp_query_dnskey, sizeof real_zeek_tcp_query_dnskey);
    n = sizeof real_zeek_tcp_query_dnskey;
    n += tcp_query(buf + n, sizeof buf - n, 0x2222, "second.example");
    dns_tcp_feed(TS, DIR_TOSERVER, buf, n, 5, &SINK);
    assert_int_equal(cap_n, 2);
    assert_int_equal(cap_ev[0].u.dns.id, 0x06da);
    assert_string_equal(ev_s(&cap_ev[0], cap_ev[0].u.dns.q[0].name),
                        "weberlab.de");
    assert_int_equal(cap_ev[0].u.dns.q[0].type, 48);
    assert_int_equal(cap_ev[0].u.dns.flags, 0x0120);
    assert_int_equal(cap_ev[1].u.dns.id, 0x2222);
    assert_string_equal(ev_s(&cap_ev[1], cap_ev[1].u.dns.q[0].name),
                        "second.example");
    assert_int_equal(cap_dir[0], DIR_TOSERVER);
    assert_int_equal(cap_dir[1], DIR_TOSERVER);
    assert_int_equal(cap_stats.dns_parsed, 2);
}

static void test_tcp_split_at_every_offset_across_two_feeds(void **st)
{
    static uint8_t buf[1024];
    size_t n;
    (void)st;
    /* two messages: the split point runs through both length prefixes */
    memcpy(buf, real_zeek_tcp_resp_dnskey_ripe,
           sizeof real_zeek_tcp_resp_dnskey_ripe);
    n = sizeof real_zeek_tcp_resp_dnskey_ripe;
    memcpy(buf + n, real_zeek_tcp_query_dnskey,
           sizeof real_zeek_tcp_query_dnskey);
    n += sizeof real_zeek_tcp_query_dnskey;

    for (size_t cut = 0; cut <= n; cut++) {
        tcp_reset();
        dns_tcp_feed(TS, DIR_TOCLIENT, buf, cut, 10, &SINK);
        int first = cap_n;
        dns_tcp_feed(TS, DIR_TOCLIENT, buf + cut, n - cut, 20, &SINK);
        assert_int_equal(cap_n, 2);
        /* the message is stamped by the feed that completed it */
        size_t end1 = sizeof real_zeek_tcp_resp_dnskey_ripe;
        assert_int_equal(first, (cut >= end1) + (cut == n));
        assert_int_equal(cap_ev[0].ts_us, cut >= end1 ? 10 : 20);
        assert_int_equal(cap_ev[1].ts_us, cut == n ? 10 : 20);
        assert_int_equal(cap_ev[0].u.dns.id, 0x183a);
        assert_int_equal(cap_ev[0].u.dns.nan, 3);
        assert_int_equal(cap_ev[0].u.dns.an[2].rdlen, 284);
        assert_string_equal(ev_s(&cap_ev[0], cap_ev[0].u.dns.q[0].name),
                            "ripe.net");
        assert_int_equal(cap_ev[1].u.dns.id, 0x06da);
        assert_string_equal(ev_s(&cap_ev[1], cap_ev[1].u.dns.q[0].name),
                            "weberlab.de");
        assert_int_equal(cap_stats.dns_parsed, 2);
        assert_int_equal(cap_stats.dns_malformed, 0);
    }
}

static void test_tcp_fed_one_octet_at_a_time(void **st)
{
    (void)st;
    tcp_reset();
    for (size_t i = 0; i < sizeof real_zeek_tcp_resp_dnskey_ripe; i++)
        dns_tcp_feed(TS, DIR_TOCLIENT, real_zeek_tcp_resp_dnskey_ripe + i, 1,
                     i, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_ev[0].ts_us, sizeof real_zeek_tcp_resp_dnskey_ripe - 1);
    assert_int_equal(cap_ev[0].u.dns.nan, 3);
}

static void test_tcp_empty_feed_does_nothing(void **st)
{
    (void)st;
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, NULL, 0, 0, &SINK);
    dns_tcp_feed(TS, DIR_TOSERVER, real_zeek_tcp_query_dnskey, 0, 0, &SINK);
    assert_int_equal(cap_n, 0);
    dns_tcp_feed(TS, DIR_TOSERVER, real_zeek_tcp_query_dnskey,
                 sizeof real_zeek_tcp_query_dnskey, 0, &SINK);
    assert_int_equal(cap_n, 1);
}

static void test_tcp_oversize_message_is_skipped_then_next_is_parsed(void **st)
{
    static uint8_t buf[DNS_TCP_MAX_MSG + 256];
    size_t n = 0;
    (void)st;
    /* 4097 octets: one over the bound, content irrelevant */
    buf[n++] = (DNS_TCP_MAX_MSG + 1) >> 8;
    buf[n++] = (DNS_TCP_MAX_MSG + 1) & 0xFF;
    memset(buf + n, 0x41, DNS_TCP_MAX_MSG + 1);
    n += DNS_TCP_MAX_MSG + 1;
    n += tcp_query(buf + n, sizeof buf - n, 0x3333, "after.oversize");

    for (size_t chunk = 1; chunk <= n; chunk = chunk * 3 + 1) {
        tcp_reset();
        for (size_t off = 0; off < n; off += chunk)
            dns_tcp_feed(TS, DIR_TOSERVER, buf + off,
                         n - off < chunk ? n - off : chunk, 0, &SINK);
        assert_int_equal(cap_n, 1);
        assert_int_equal(cap_ev[0].u.dns.id, 0x3333);
        assert_int_equal(cap_stats.dns_tcp_oversize, 1);
        assert_int_equal(cap_stats.dns_parsed, 1);
    }
}

static void test_tcp_message_of_exactly_the_bound_is_parsed(void **st)
{
    static uint8_t buf[DNS_TCP_MAX_MSG + 2];
    struct msg m;
    (void)st;
    m_hdr(&m, 0x4444, 0x0100, 1, 0, 0, 0);
    m_q(&m, "max.size", 1, 1);
    memset(buf, 0, sizeof buf);
    buf[0] = DNS_TCP_MAX_MSG >> 8;
    buf[1] = DNS_TCP_MAX_MSG & 0xFF;
    memcpy(buf + 2, m.b, m.n);          /* trailing zero octets ignored */
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, buf, 1000, 1, &SINK);
    dns_tcp_feed(TS, DIR_TOSERVER, buf + 1000, sizeof buf - 1000, 2, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_ev[0].u.dns.id, 0x4444);
    assert_int_equal(cap_ev[0].u.dns.msg_len, DNS_TCP_MAX_MSG);
    assert_int_equal(cap_stats.dns_tcp_oversize, 0);
}

static void test_tcp_largest_length_65535_is_skipped(void **st)
{
    static uint8_t buf[65535 + 2];
    uint8_t q[64];
    (void)st;
    memset(buf, 0xC0, sizeof buf);
    buf[0] = 0xFF;
    buf[1] = 0xFF;
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOCLIENT, buf, sizeof buf, 0, &SINK);
    size_t n = tcp_query(q, sizeof q, 0x5555, "next");
    dns_tcp_feed(TS, DIR_TOCLIENT, q, n, 0, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_ev[0].u.dns.id, 0x5555);
    assert_int_equal(cap_stats.dns_tcp_oversize, 1);
}

static void test_tcp_zero_length_message_is_counted_and_framing_goes_on(void **st)
{
    uint8_t buf[64] = {0, 0};
    (void)st;
    size_t n = 2 + tcp_query(buf + 2, sizeof buf - 2, 0x6666, "z");
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, buf, n, 0, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_ev[0].u.dns.id, 0x6666);
    assert_int_equal(cap_stats.dns_malformed, 1);
    assert_int_equal(cap_stats.dns_parsed, 1);
}

static void test_tcp_malformed_message_is_emitted_and_counted(void **st)
{
    uint8_t buf[64];
    (void)st;
    size_t n = tcp_query(buf, sizeof buf, 0x7777, "cut");
    buf[1] = (uint8_t)(buf[1] - 2);     /* the message loses QCLASS */
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, buf, n - 2, 0, &SINK);
    assert_int_equal(cap_n, 1);
    assert_true(cap_ev[0].flags & EVF_MALFORMED);
    assert_int_equal(cap_ev[0].u.dns.anomalies, DNSA_TRUNCATED);
    assert_int_equal(cap_stats.dns_parsed, 1);
    assert_int_equal(cap_stats.dns_malformed, 1);
}

static void test_tcp_gap_drops_the_partial_message_and_kills_the_direction(void **st)
{
    uint8_t q[64];
    (void)st;
    size_t n = tcp_query(q, sizeof q, 0x8888, "gap.test");
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, q, 5, 0, &SINK);
    dns_tcp_feed(TS, DIR_TOCLIENT, q, 7, 0, &SINK);  /* other direction */
    dns_tcp_gap(TS, DIR_TOSERVER);
    dns_tcp_feed(TS, DIR_TOSERVER, q + 5, n - 5, 0, &SINK);
    for (int i = 0; i < 4; i++)
        dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &SINK);
    assert_int_equal(cap_n, 0);
    assert_int_equal(cap_stats.dns_malformed, 0);  /* nothing parsed at all */
    dns_tcp_feed(TS, DIR_TOCLIENT, q + 7, n - 7, 0, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_dir[0], DIR_TOCLIENT);
    assert_int_equal(cap_ev[0].u.dns.id, 0x8888);
    assert_int_equal(cap_stats.dns_parsed, 1);
    /* init revives both directions */
    dns_tcp_init(TS);
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &SINK);
    assert_int_equal(cap_n, 2);
    assert_int_equal(cap_dir[1], DIR_TOSERVER);
}

static void test_tcp_gap_at_a_message_boundary_still_kills_the_direction(void **st)
{
    uint8_t q[64];
    (void)st;
    size_t n = tcp_query(q, sizeof q, 0x8889, "boundary.test");
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &SINK);
    assert_int_equal(cap_n, 1);
    dns_tcp_gap(TS, DIR_TOSERVER);
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &SINK);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_stats.dns_parsed, 1);
}

static void test_tcp_directions_are_reassembled_independently(void **st)
{
    uint8_t a[64], b[64];
    (void)st;
    size_t na = tcp_query(a, sizeof a, 0xAAAA, "to.server");
    size_t nb = tcp_query(b, sizeof b, 0xBBBB, "to.client");
    tcp_reset();
    dns_tcp_feed(TS, DIR_TOSERVER, a, 1, 1, &SINK);
    dns_tcp_feed(TS, DIR_TOCLIENT, b, 9, 2, &SINK);
    dns_tcp_feed(TS, DIR_TOSERVER, a + 1, na - 1, 3, &SINK);
    dns_tcp_feed(TS, DIR_TOCLIENT, b + 9, nb - 9, 4, &SINK);
    assert_int_equal(cap_n, 2);
    assert_int_equal(cap_ev[0].u.dns.id, 0xAAAA);
    assert_int_equal(cap_dir[0], DIR_TOSERVER);
    assert_int_equal(cap_ev[0].ts_us, 3);
    assert_int_equal(cap_ev[1].u.dns.id, 0xBBBB);
    assert_int_equal(cap_dir[1], DIR_TOCLIENT);
    assert_int_equal(cap_ev[1].ts_us, 4);
}

static void test_tcp_invalid_direction_and_null_sink_parts_are_ignored(void **st)
{
    uint8_t q[64];
    struct app_sink nostats = { cap_emit, &cap_n, NULL };
    struct app_sink noemit = { NULL, NULL, &cap_stats };
    (void)st;
    size_t n = tcp_query(q, sizeof q, 0x9999, "x");
    tcp_reset();
    dns_tcp_feed(TS, 2, q, n, 0, &SINK);
    dns_tcp_feed(TS, -1, q, n, 0, &SINK);
    dns_tcp_gap(TS, 7);
    assert_int_equal(cap_n, 0);
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &nostats);
    assert_int_equal(cap_n, 1);
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, &noemit);
    assert_int_equal(cap_n, 1);
    assert_int_equal(cap_stats.dns_parsed, 1);
    dns_tcp_feed(TS, DIR_TOSERVER, q, n, 0, NULL);
    assert_int_equal(cap_n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_query_fills_header_fields_and_one_question),
        cmocka_unit_test(test_header_flag_bits_are_decoded),
        cmocka_unit_test(test_zero_length_is_not_dns),
        cmocka_unit_test(test_header_shorter_by_one_is_not_dns),
        cmocka_unit_test(test_header_alone_with_qdcount_one_is_truncated),
        cmocka_unit_test(test_query_with_all_counts_zero_is_not_dns),
        cmocka_unit_test(test_noerror_response_without_question_or_answer_is_not_dns),
        cmocka_unit_test(test_formerr_response_without_question_is_dns),
        cmocka_unit_test(test_dso_message_with_zero_counts_is_dns),
        cmocka_unit_test(test_unassigned_opcodes_are_not_dns),
        cmocka_unit_test(test_message_longer_than_65535_is_not_dns),
        cmocka_unit_test(test_not_dns_leaves_the_event_unchanged),
        cmocka_unit_test(test_parse_keeps_header_and_pairing_fields),
        cmocka_unit_test(test_tc_bit_sets_dnsa_tc_but_not_malformed),
        cmocka_unit_test(test_response_with_cname_chain_a_and_aaaa),
        cmocka_unit_test(test_aaaa_text_follows_rfc5952),
        cmocka_unit_test(test_nxdomain_with_soa_in_authority_real),
        cmocka_unit_test(test_truncated_soa_is_dropped),
        cmocka_unit_test(test_soa_answer_with_authority_and_additional_real),
        cmocka_unit_test(test_cname_chain_with_nine_a_records_real),
        cmocka_unit_test(test_aaaa_answers_real),
        cmocka_unit_test(test_mx_preference_and_exchange_real),
        cmocka_unit_test(test_cname_answer_real),
        cmocka_unit_test(test_txt_answer_real),
        cmocka_unit_test(test_txt_character_strings_are_concatenated),
        cmocka_unit_test(test_txt_longer_than_cap_is_cut_and_flagged),
        cmocka_unit_test(test_txt_string_overrunning_rdlength_is_bad_rdata_and_parsing_goes_on),
        cmocka_unit_test(test_txt_with_zero_rdlength_is_bad_rdata),
        cmocka_unit_test(test_ptr_answer),
        cmocka_unit_test(test_null_answer_keeps_rdlen_only_real),
        cmocka_unit_test(test_binary_label_is_kept_raw_real),
        cmocka_unit_test(test_a_with_wrong_rdlength_is_bad_rdata_and_next_rr_is_parsed),
        cmocka_unit_test(test_aaaa_with_rdlength_four_is_bad_rdata),
        cmocka_unit_test(test_a_in_class_chaos_is_not_decoded),
        cmocka_unit_test(test_cname_name_longer_than_rdlength_is_bad_rdata),
        cmocka_unit_test(test_cname_with_bytes_after_the_name_is_bad_rdata),
        cmocka_unit_test(test_cname_with_a_forward_pointer_is_bad_rdata_and_not_kept),
        cmocka_unit_test(test_mx_with_rdlength_one_is_bad_rdata),
        cmocka_unit_test(test_rdlength_past_the_end_keeps_rr_header_and_is_truncated),
        cmocka_unit_test(test_root_name_is_the_empty_string),
        cmocka_unit_test(test_nul_in_label_becomes_question_mark_and_dot_is_kept_raw),
        cmocka_unit_test(test_self_pointer_is_a_bad_pointer),
        cmocka_unit_test(test_pointer_to_the_start_of_its_own_label_sequence_is_rejected),
        cmocka_unit_test(test_two_pointers_pointing_at_each_other_terminate),
        cmocka_unit_test(test_mutual_pointers_after_labels_terminate),
        cmocka_unit_test(test_forward_pointer_is_rejected),
        cmocka_unit_test(test_pointer_just_out_of_range_is_rejected),
        cmocka_unit_test(test_pointer_cut_after_its_first_octet_is_truncated),
        cmocka_unit_test(test_pointer_to_labels_running_off_the_end_is_truncated),
        cmocka_unit_test(test_label_of_63_octets_is_accepted),
        cmocka_unit_test(test_label_of_64_octets_is_rejected_and_ends_the_parse),
        cmocka_unit_test(test_label_type_0x80_is_rejected),
        cmocka_unit_test(test_bad_label_type_behind_a_pointer_keeps_the_framing),
        cmocka_unit_test(test_name_of_exactly_255_wire_octets_is_accepted),
        cmocka_unit_test(test_name_of_256_wire_octets_is_rejected_but_framing_kept),
        cmocka_unit_test(test_name_made_too_long_by_a_pointer_is_cut_and_framing_kept),
        cmocka_unit_test(test_pointer_chain_within_the_hop_budget_is_followed),
        cmocka_unit_test(test_pointer_chain_over_the_hop_budget_is_cut),
        cmocka_unit_test(test_qdcount_above_max_keeps_four_and_still_reaches_answers),
        cmocka_unit_test(test_qdcount_at_max_is_not_capped),
        cmocka_unit_test(test_ancount_above_max_keeps_twenty_and_sets_capped),
        cmocka_unit_test(test_ancount_at_max_is_not_capped),
        cmocka_unit_test(test_counts_claiming_more_rrs_than_bytes_are_truncated),
        cmocka_unit_test(test_huge_counts_on_a_short_message_stop_at_the_end),
        cmocka_unit_test(test_distinct_long_names_fill_the_arena_and_flag_truncated),
        cmocka_unit_test(test_records_not_kept_are_stepped_over_for_framing_only),
        cmocka_unit_test(test_every_truncation_of_a_cname_chain_response),
        cmocka_unit_test(test_every_truncation_of_a_response_with_additional_rrs),
        cmocka_unit_test(test_every_truncation_of_mx_txt_and_nxdomain_responses),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_rcode_names),
        cmocka_unit_test(test_tcp_state_is_small_and_fixed),
        cmocka_unit_test(test_tcp_one_real_message_in_one_feed),
        cmocka_unit_test(test_tcp_two_messages_in_one_feed),
        cmocka_unit_test(test_tcp_split_at_every_offset_across_two_feeds),
        cmocka_unit_test(test_tcp_fed_one_octet_at_a_time),
        cmocka_unit_test(test_tcp_empty_feed_does_nothing),
        cmocka_unit_test(test_tcp_oversize_message_is_skipped_then_next_is_parsed),
        cmocka_unit_test(test_tcp_message_of_exactly_the_bound_is_parsed),
        cmocka_unit_test(test_tcp_largest_length_65535_is_skipped),
        cmocka_unit_test(test_tcp_zero_length_message_is_counted_and_framing_goes_on),
        cmocka_unit_test(test_tcp_malformed_message_is_emitted_and_counted),
        cmocka_unit_test(test_tcp_gap_drops_the_partial_message_and_kills_the_direction),
        cmocka_unit_test(test_tcp_gap_at_a_message_boundary_still_kills_the_direction),
        cmocka_unit_test(test_tcp_directions_are_reassembled_independently),
        cmocka_unit_test(test_tcp_invalid_direction_and_null_sink_parts_are_ignored),
    };

    return cmocka_run_group_tests(tests, tcp_setup, tcp_teardown);
}

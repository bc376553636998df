/*
 * test_host.c -- the host table: creation, LRU eviction, idle expiry,
 * binding priorities, router MACs, evidence slots; the allowlist; the LRU
 * map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../config/cidr.h"
#include "../../detect/allow.h"
#include "../../detect/host.h"
#include "../../detect/lru.h"

#define S 1000000ULL

static struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb };
static const uint8_t ROUTER[6] = { 0x02, 0, 0, 0, 0, 0xfe };

static void get_creates_once_and_finds_again(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(4, 3600 * S, 86400 * S, err, sizeof(err));
    struct sh_addr a = ip("10.0.0.1");
    assert_null(host_get(t, &a, 1, 0));
    struct host *h = host_get(t, &a, 1, 1);
    assert_non_null(h);
    assert_ptr_equal(host_get(t, &a, 2, 0), h);
    assert_int_equal(h->last_us, 2);
    struct sh_addr b = ip("fd00::1");
    assert_ptr_not_equal(host_get(t, &b, 3, 1), h);
    host_table_destroy(t);
}

static void full_table_evicts_least_recently_seen_sparing_flagged_hosts(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(2, 3600 * S, 86400 * S, err, sizeof(err));
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2"), c = ip("10.0.0.3"), d = ip("10.0.0.4");
    struct host *ha = host_get(t, &a, 1, 1);
    ha->flagged = 1;
    struct host *hb = host_get(t, &b, 2, 1);
    uint32_t ib = host_index(t, hb), gb = hb->gen;
    host_get(t, &c, 3, 1);           /* a is oldest but flagged: b goes */
    assert_non_null(host_get(t, &a, 4, 0));
    assert_null(host_get(t, &b, 4, 0));
    assert_null(host_at(t, ib, gb)); /* the old handle is dead */
    struct host_table_stats st;
    host_table_get_stats(t, &st);
    assert_int_equal(st.evicted, 1);
    assert_int_equal(st.evicted_flagged, 0);
    /* when every host is flagged, the least recently seen goes and counts */
    host_get(t, &c, 5, 0)->flagged = 1;
    host_get(t, &d, 6, 1);           /* a (seen at 4) is older than c (5) */
    assert_null(host_get(t, &a, 7, 0));
    host_table_get_stats(t, &st);
    assert_int_equal(st.evicted, 2);
    assert_int_equal(st.evicted_flagged, 1);
    host_table_destroy(t);
}

static void idle_hosts_expire(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(8, 100 * S, 86400 * S, err, sizeof(err));
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    host_get(t, &a, 0, 1);
    host_get(t, &b, 50 * S, 1);
    assert_int_equal(host_expire(t, 99 * S), 0);
    assert_int_equal(host_expire(t, 100 * S), 1);
    assert_null(host_get(t, &a, 100 * S, 0));
    assert_non_null(host_get(t, &b, 100 * S, 0));
    host_table_destroy(t);
}

static void dhcp_binding_outranks_ethernet_until_stale(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(8, 86400 * S, 1000 * S, err, sizeof(err));
    struct sh_addr a = ip("10.0.0.1");
    struct host *h = host_get(t, &a, 0, 1);
    host_bind_mac(t, h, MAC_A, MAC_DHCP, 10 * S);
    host_bind_mac(t, h, MAC_B, MAC_ETHERNET, 20 * S);   /* weaker: ignored */
    assert_memory_equal(h->mac, MAC_A, 6);
    assert_int_equal(h->mac_source, MAC_DHCP);
    host_bind_mac(t, h, MAC_B, MAC_ETHERNET, 1011 * S); /* DHCP binding now stale */
    assert_memory_equal(h->mac, MAC_B, 6);
    assert_int_equal(h->mac_source, MAC_ETHERNET);
    host_bind_mac(t, h, MAC_A, MAC_ARP, 1012 * S);      /* stronger wins at once */
    assert_memory_equal(h->mac, MAC_A, 6);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    host_bind_mac(t, h, bcast, MAC_DHCP, 1013 * S);     /* never a multicast MAC */
    assert_memory_equal(h->mac, MAC_A, 6);
    host_table_destroy(t);
}

static void a_mac_carrying_many_ips_is_counted(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(64, 86400 * S, 86400 * S, err, sizeof(err));
    char buf[32];
    struct host *h = NULL;
    for (int i = 1; i <= 6; i++) {
        snprintf(buf, sizeof(buf), "10.1.0.%d", i);
        struct sh_addr a = ip(buf);
        h = host_get(t, &a, (uint64_t)i, 1);
        host_note_mac_ip(t, ROUTER, &a, (uint64_t)i);
        host_note_mac_ip(t, ROUTER, &a, (uint64_t)i);   /* repeats count once */
        host_bind_mac(t, h, ROUTER, MAC_ETHERNET, (uint64_t)i);
    }
    assert_int_equal(host_mac_ips(t, h), 6);
    struct sh_addr x = ip("10.2.0.1");
    struct host *hx = host_get(t, &x, 10, 1);
    assert_int_equal(host_mac_ips(t, hx), 0);           /* no MAC at all */
    host_note_mac_ip(t, MAC_A, &x, 10);
    host_bind_mac(t, hx, MAC_A, MAC_DHCP, 10);
    assert_int_equal(host_mac_ips(t, hx), 1);
    host_table_destroy(t);
}

static void evidence_slots_are_per_kind_and_freed_with_the_host(void **state)
{
    (void)state;
    char err[128];
    struct host_table *t = host_table_create(1, 86400 * S, 86400 * S, err, sizeof(err));
    struct sh_addr a = ip("10.0.0.1"), b = ip("10.0.0.2");
    struct host *h = host_get(t, &a, 0, 1);
    assert_null(host_evidence(t, h, EVK_DNS_TUNNEL, 0));
    struct evidence *e = host_evidence(t, h, EVK_DNS_TUNNEL, 1);
    assert_non_null(e);
    assert_ptr_equal(host_evidence(t, h, EVK_DNS_TUNNEL, 1), e);
    assert_int_equal(e->kind, EVK_DNS_TUNNEL);
    /* capacity 1: the pool has one slot, now used */
    assert_null(host_evidence(t, h, EVK_DGA_NXDOMAIN, 1));
    struct host_table_stats st;
    host_table_get_stats(t, &st);
    assert_int_equal(st.evidence_exhausted, 1);
    /* evicting the host frees its slot for the next host */
    struct host *g = host_get(t, &b, 1, 1);
    assert_non_null(host_evidence(t, g, EVK_DGA_NXDOMAIN, 1));
    assert_null(host_evidence(t, h, 99, 1));
    host_table_destroy(t);
}

static void allowlist_patterns(void **state)
{
    (void)state;
    struct cfg_names names;
    struct cidr_set nets;
    char err[128];
    memset(&names, 0, sizeof(names));
    snprintf(names.v[names.n++], CFG_STR_MAX, "*.corp.example");
    snprintf(names.v[names.n++], CFG_STR_MAX, "exact.example.org");
    assert_int_equal(cidr_set_parse_list(&nets, "192.0.2.0/24", err, sizeof(err)), 0);
    struct allow al = { &nets, &names };
    assert_true(allow_name(&al, "corp.example", 12));
    assert_true(allow_name(&al, "a.b.CORP.example.", 17));
    assert_false(allow_name(&al, "xcorp.example", 13));
    assert_true(allow_name(&al, "exact.example.org", 17));
    assert_false(allow_name(&al, "www.exact.example.org", 21));
    assert_false(allow_name(&al, "example.org", 11));
    struct sh_addr in = ip("192.0.2.9"), out = ip("198.51.100.1");
    assert_true(allow_addr(&al, &in));
    assert_false(allow_addr(&al, &out));
}

static void lru_map_recycles_the_oldest(void **state)
{
    (void)state;
    char err[128];
    struct lru_map *m = lru_create(2, sizeof(uint64_t), err, sizeof(err));
    int created;
    uint64_t *a = lru_get(m, 1, 1, &created);
    assert_true(created);
    *a = 11;
    uint64_t *b = lru_get(m, 2, 1, &created);
    *b = 22;
    assert_ptr_equal(lru_get(m, 1, 0, NULL), a);      /* 1 is now the newest */
    uint64_t *c = lru_get(m, 3, 1, &created);         /* evicts 2 */
    assert_true(created);
    assert_int_equal(*c, 0);                          /* zeroed */
    assert_null(lru_peek(m, 2));
    assert_int_equal(*(uint64_t *)lru_peek(m, 1), 11);
    assert_int_equal(lru_evictions(m), 1);
    assert_int_equal(lru_count(m), 2);
    lru_remove(m, c);
    assert_int_equal(lru_count(m), 1);
    assert_int_equal(lru_key_of(m, lru_oldest(m)), 1);
    lru_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_creates_once_and_finds_again),
        cmocka_unit_test(full_table_evicts_least_recently_seen_sparing_flagged_hosts),
        cmocka_unit_test(idle_hosts_expire),
        cmocka_unit_test(dhcp_binding_outranks_ethernet_until_stale),
        cmocka_unit_test(a_mac_carrying_many_ips_is_counted),
        cmocka_unit_test(evidence_slots_are_per_kind_and_freed_with_the_host),
        cmocka_unit_test(allowlist_patterns),
        cmocka_unit_test(lru_map_recycles_the_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

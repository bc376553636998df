/*
 * test_community_id.c -- feeds/community_id.c against the Community ID
 * spec's own baseline (corelight/community-id-spec, commit b1fe530f,
 * baseline/baseline_deflt.json and baseline_seed1.json, copied verbatim:
 * proto, addresses, ports (for ICMP: the type and its counterpart or
 * code), whether the tuple has ports, expected ID).  The spec's values come
 * from its reference implementation, not from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "feeds/community_id.h"
#include "feeds/eve.h"

struct vec {
    uint16_t seed;
    uint8_t proto;
    const char *saddr, *daddr;
    uint16_t sport, dport;
    int has_ports;
    const char *id;
};

static const struct vec vecs[] = {
    {0, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, 1, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {0, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, 1, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {0, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, 1, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {0, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, 1, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {0, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, 1, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="},
    {0, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, 1, "1:hLZd0XGWojozrvxqE0dWB1iM6R0="},
    {0, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, 1, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {0, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, 1, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {0, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, 1, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="},
    {0, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, 1, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
    {0, 1, "192.168.0.89", "192.168.0.1", 8, 0, 1, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {0, 1, "192.168.0.1", "192.168.0.89", 0, 8, 1, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {0, 1, "10.0.0.1", "10.0.0.2", 11, 0, 1, "1:YHxtAirCG//0OzkcVAukqKQN9xM="},
    {0, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, 1, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {0, 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, 1, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {0, 132, "192.168.170.8", "192.168.170.56", 7, 7, 1, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {0, 132, "192.168.170.56", "192.168.170.8", 7, 7, 1, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {0, 6, "128.232.110.120", "66.35.250.204", 34855, 80, 1, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {0, 6, "66.35.250.204", "128.232.110.120", 80, 34855, 1, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {0, 17, "192.168.1.52", "8.8.8.8", 54585, 53, 1, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {0, 17, "8.8.8.8", "192.168.1.52", 53, 54585, 1, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {0, 46, "10.1.12.1", "10.1.12.2", 0, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
    {0, 46, "10.1.12.2", "10.1.12.1", 0, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
    {1, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, 1, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {1, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, 1, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {1, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, 1, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="},
    {1, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, 1, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="},
    {1, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, 1, "1:lVEtCZpYu84Xqaa++3lXFyuu2n4="},
    {1, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, 1, "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8="},
    {1, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, 1, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="},
    {1, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, 1, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="},
    {1, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, 1, "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8="},
    {1, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, 1, "1:K/ee5UCqAMAQXDorP5nSa2CGLjc="},
    {1, 1, "192.168.0.89", "192.168.0.1", 8, 0, 1, "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {1, 1, "192.168.0.1", "192.168.0.89", 0, 8, 1, "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {1, 1, "10.0.0.1", "10.0.0.2", 11, 0, 1, "1:XjUibYHaafLQ3pxQeiMI8g25q20="},
    {1, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, 1, "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {1, 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, 1, "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {1, 132, "192.168.170.8", "192.168.170.56", 7, 7, 1, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {1, 132, "192.168.170.56", "192.168.170.8", 7, 7, 1, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {1, 6, "128.232.110.120", "66.35.250.204", 34855, 80, 1, "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {1, 6, "66.35.250.204", "128.232.110.120", 80, 34855, 1, "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {1, 17, "192.168.1.52", "8.8.8.8", 54585, 53, 1, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {1, 17, "8.8.8.8", "192.168.1.52", 53, 54585, 1, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {1, 46, "10.1.12.1", "10.1.12.2", 0, 0, 0, "1:rYir8gphR31noO9iDRQmF/BteEI="},
    {1, 46, "10.1.12.2", "10.1.12.1", 0, 0, 0, "1:rYir8gphR31noO9iDRQmF/BteEI="},
};

static struct sh_addr addr(const char *s)
{
    struct sh_addr a;
    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, s, a.a) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, s, a.a) == 1)
        a.family = 6;
    return a;
}

static void test_baseline(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        const struct vec *v = &vecs[i];
        struct sh_addr s = addr(v->saddr), d = addr(v->daddr);
        char out[COMMUNITY_ID_LEN];
        int rc;

        assert_int_not_equal(s.family, 0);
        if (v->proto == 1 || v->proto == 58)
            rc = community_id_icmp(&s, &d, v->proto, (uint8_t)v->sport, (uint8_t)v->dport,
                                   v->seed, out, sizeof out);
        else
            rc = community_id_v1(&s, &d, v->proto, v->has_ports, v->sport, v->dport,
                                 v->seed, out, sizeof out);
        assert_int_equal(rc, 0);
        if (strcmp(out, v->id) != 0)
            fail_msg("vector %zu (proto %u %s -> %s, seed %u): got %s, want %s",
                     i, v->proto, v->saddr, v->daddr, v->seed, out, v->id);
    }
}

/* the spec's README table: TCP 1.2.3.4:1122 -> 5.6.7.8:3344 and back */
static void test_readme_tcp(void **state)
{
    struct sh_addr a = addr("1.2.3.4"), b = addr("5.6.7.8");
    char x[COMMUNITY_ID_LEN], y[COMMUNITY_ID_LEN];
    (void)state;
    assert_int_equal(community_id_v1(&a, &b, 6, 1, 1122, 3344, 0, x, sizeof x), 0);
    assert_int_equal(community_id_v1(&b, &a, 6, 1, 3344, 1122, 0, y, sizeof y), 0);
    assert_string_equal(x, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
    assert_string_equal(y, x);
}

/* EVE's time pattern wants a four-digit year: a forged pcapng time far in
 * the future is written as the last second of 9999 (hand-computed:
 * 253402300799 s is 9999-12-31T23:59:59 UTC). */
static void eve_time_keeps_four_digit_years(void **state)
{
    (void)state;
    char b[64];
    eve_format_time(1764583200000000ULL + 123456, b, sizeof b);
    assert_string_equal(b, "2025-12-01T10:00:00.123456+0000");
    eve_format_time(600000000000ULL * 1000000ULL + 7, b, sizeof b);
    assert_string_equal(b, "9999-12-31T23:59:59.000007+0000");
    eve_format_time(UINT64_MAX, b, sizeof b);
    assert_memory_equal(b, "9999-12-31T23:59:59.", 20);
}

static void test_rejects(void **state)
{
    struct sh_addr a = addr("1.2.3.4"), b = addr("::1"), none;
    char out[COMMUNITY_ID_LEN];
    (void)state;
    memset(&none, 0, sizeof none);
    assert_int_equal(community_id_v1(&a, &b, 6, 1, 1, 2, 0, out, sizeof out), -1);
    assert_int_equal(community_id_v1(&none, &none, 6, 1, 1, 2, 0, out, sizeof out), -1);
    assert_int_equal(community_id_v1(&a, &a, 6, 1, 1, 2, 0, out, 10), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_readme_tcp),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(eve_time_keeps_four_digit_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

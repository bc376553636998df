/*
 * test_domain.c - cmocka tests of detect/domain.c: PSL split (ICANN and
 * PRIVATE sections, unknown TLDs), normalisation, and every reason a name
 * is refused.  Uses Debian's public suffix list (package publicsuffix).
 *
 * Build: gcc <flags> -I. tests/unit/test_domain.c detect/domain.c -lcmocka -lpsl -lm
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/domain.h"

static int setup(void **state)
{
    char err[256];
    struct domain_ctx *d = domain_create(NULL, err, sizeof(err));

    if (!d) {
        fprintf(stderr, "domain_create: %s\n", err);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    domain_destroy(*state);
    return 0;
}

/* Split a C string; the length excludes the NUL so the code under test
 * never sees a terminator it could rely on. */
static int split(void **state, const char *s, struct domain_parts *p)
{
    return domain_split(*state, s, strlen(s), p);
}

static void assert_parts(const struct domain_parts *p, const char *norm, const char *reg,
                         const char *suffix, const char *label, int nlabels, int known)
{
    assert_string_equal(p->norm, norm);
    assert_string_equal(p->regdomain, reg);
    assert_string_equal(p->suffix, suffix);
    assert_int_equal(p->label_len, strlen(label));
    assert_memory_equal(p->label, label, strlen(label));
    assert_int_equal(p->nlabels, nlabels);
    assert_int_equal(p->known_suffix, known);
}

static void icann_second_level_suffix_co_uk(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "www.bbc.co.uk", &p), 0);
    assert_parts(&p, "www.bbc.co.uk", "bbc.co.uk", "co.uk", "bbc", 4, 1);
}

static void private_section_duckdns_is_a_suffix(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "kinggru.duckdns.org", &p), 0);
    assert_parts(&p, "kinggru.duckdns.org", "kinggru.duckdns.org", "duckdns.org", "kinggru", 3, 1);
    assert_int_equal(split(state, "a.b.ddns.net", &p), 0);
    assert_parts(&p, "a.b.ddns.net", "b.ddns.net", "ddns.net", "b", 4, 1);
    assert_int_equal(split(state, "host.dyndns.org", &p), 0);
    assert_parts(&p, "host.dyndns.org", "host.dyndns.org", "dyndns.org", "host", 3, 1);
}

static void ddns_zones_missing_from_debian_psl_are_added(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "myhost.ydns.eu", &p), 0);
    assert_parts(&p, "myhost.ydns.eu", "myhost.ydns.eu", "ydns.eu", "myhost", 3, 1);
    assert_int_equal(split(state, "x.con-ip.com", &p), 0);
    assert_parts(&p, "x.con-ip.com", "x.con-ip.com", "con-ip.com", "x", 3, 1);
}

static void unknown_tld_is_its_own_suffix(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "www.qwerty.bazar", &p), 0);
    assert_parts(&p, "www.qwerty.bazar", "qwerty.bazar", "bazar", "qwerty", 3, 0);
}

static void one_trailing_dot_is_stripped_two_are_not(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "example.com.", &p), 0);
    assert_parts(&p, "example.com", "example.com", "com", "example", 2, 1);
    assert_int_equal(split(state, "example.com..", &p), -1);
}

static void uppercase_is_lowered(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "WWW.ExAmPlE.CoM", &p), 0);
    assert_parts(&p, "www.example.com", "example.com", "com", "example", 3, 1);
}

static void name_that_is_a_public_suffix_splits_at_first_label(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "duckdns.org", &p), 0);
    assert_parts(&p, "duckdns.org", "duckdns.org", "org", "duckdns", 2, 1);
    assert_int_equal(split(state, "co.uk", &p), 0);
    assert_parts(&p, "co.uk", "co.uk", "uk", "co", 2, 1);
}

static void ip_literals_are_refused(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "192.168.1.1", &p), -1);
    assert_int_equal(split(state, "8.8.8.8.", &p), -1);
    assert_int_equal(split(state, "::1", &p), -1);
    assert_int_equal(split(state, "[2001:db8::1]", &p), -1);
    assert_int_equal(split(state, "2001:db8::1", &p), -1);
}

static void single_label_and_empty_are_refused(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "localhost", &p), -1);
    assert_int_equal(split(state, "wpad", &p), -1);
    assert_int_equal(split(state, "com.", &p), -1);
    assert_int_equal(split(state, "", &p), -1);
    assert_int_equal(split(state, ".", &p), -1);
    assert_int_equal(domain_split(*state, NULL, 0, &p), -1);
}

static void special_use_tlds_are_refused(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "printer.local", &p), -1);
    assert_int_equal(split(state, "1.0.168.192.in-addr.arpa", &p), -1);
    assert_int_equal(split(state, "router.home.arpa", &p), -1);
    assert_int_equal(split(state, "a.localhost", &p), -1);
    assert_int_equal(split(state, "expyuzz4wqqyqhjn.onion", &p), -1);
    assert_int_equal(split(state, "dc01.corp", &p), -1);
    assert_int_equal(split(state, "x.test", &p), -1);
}

static void bad_characters_are_refused(void **state)
{
    struct domain_parts p;
    static const char nul[] = {'a', '\0', 'b', '.', 'c', 'o', 'm'};
    static const char utf8[] = "caf\xc3\xa9.fr";

    assert_int_equal(split(state, "exa mple.com", &p), -1);
    assert_int_equal(split(state, "exa/mple.com", &p), -1);
    assert_int_equal(split(state, utf8, &p), -1);
    assert_int_equal(domain_split(*state, nul, sizeof(nul), &p), -1);
    assert_int_equal(split(state, "a..b.com", &p), -1);
    assert_int_equal(split(state, ".a.com", &p), -1);
    /* refusal leaves the output zeroed */
    assert_int_equal(p.norm[0], '\0');
    assert_null(p.label);
}

static void underscore_and_hyphen_are_accepted(void **state)
{
    struct domain_parts p;

    assert_int_equal(split(state, "_dmarc.my-site.com", &p), 0);
    assert_parts(&p, "_dmarc.my-site.com", "my-site.com", "com", "my-site", 3, 1);
}

/* Build a name of `total` chars made of 63-char labels of 'a' and a ".com"
 * tail; returns it in buf. */
static void long_name(char *buf, size_t total)
{
    size_t i, lab = 0;

    for (i = 0; i < total - 4; i++) {
        if (lab == 63) {
            buf[i] = '.';
            lab = 0;
        } else {
            buf[i] = 'a';
            lab++;
        }
    }
    if (buf[i - 1] == '.')
        buf[i - 1] = 'a';
    memcpy(buf + i, ".com", 4);
    buf[total] = '\0';
}

static void name_of_253_chars_is_accepted_254_refused(void **state)
{
    char buf[512];
    struct domain_parts p;

    long_name(buf, 253);
    assert_int_equal(strlen(buf), 253);
    assert_int_equal(split(state, buf, &p), 0);
    assert_int_equal(strlen(p.norm), 253);
    buf[253] = '.';                         /* 253 + trailing dot is fine */
    assert_int_equal(domain_split(*state, buf, 254, &p), 0);
    long_name(buf, 254);
    assert_int_equal(split(state, buf, &p), -1);
    memset(buf, 'a', 500);
    buf[500] = '\0';
    assert_int_equal(split(state, buf, &p), -1);
}

static void label_of_63_accepted_64_refused(void **state)
{
    char buf[80];
    struct domain_parts p;

    memset(buf, 'b', 63);
    memcpy(buf + 63, ".com", 5);
    assert_int_equal(split(state, buf, &p), 0);
    assert_int_equal(p.label_len, 63);
    memset(buf, 'b', 64);
    memcpy(buf + 64, ".com", 5);
    assert_int_equal(split(state, buf, &p), -1);
}

static void never_reads_past_len(void **state)
{
    struct domain_parts p;
    /* only the first 11 bytes are the name; the rest must be ignored */
    static const char s[] = "example.comXXXX!!";

    assert_int_equal(domain_split(*state, s, 11, &p), 0);
    assert_string_equal(p.norm, "example.com");
    /* exactly-sized heap copy so ASan would catch an over-read */
    {
        char *h = malloc(11);

        assert_non_null(h);
        memcpy(h, "example.com", 11);
        assert_int_equal(domain_split(*state, h, 11, &p), 0);
        free(h);
    }
}

static void copied_parts_need_fixup(void **state)
{
    struct domain_parts p, q;

    assert_int_equal(split(state, "kinggru.duckdns.org", &p), 0);
    q = p;
    domain_parts_fixup(&q);
    assert_ptr_equal(q.label, q.regdomain);
    assert_string_equal(q.suffix, "duckdns.org");
}

static void bad_psl_file_is_an_error(void **state)
{
    char err[256];
    struct domain_ctx *d;

    (void)state;
    d = domain_create("/nonexistent/psl.dat", err, sizeof(err));
    assert_null(d);
    assert_non_null(strstr(err, "/nonexistent/psl.dat"));
    d = domain_create("/dev/null", err, sizeof(err));
    assert_null(d);
    domain_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(icann_second_level_suffix_co_uk),
        cmocka_unit_test(private_section_duckdns_is_a_suffix),
        cmocka_unit_test(ddns_zones_missing_from_debian_psl_are_added),
        cmocka_unit_test(unknown_tld_is_its_own_suffix),
        cmocka_unit_test(one_trailing_dot_is_stripped_two_are_not),
        cmocka_unit_test(uppercase_is_lowered),
        cmocka_unit_test(name_that_is_a_public_suffix_splits_at_first_label),
        cmocka_unit_test(ip_literals_are_refused),
        cmocka_unit_test(single_label_and_empty_are_refused),
        cmocka_unit_test(special_use_tlds_are_refused),
        cmocka_unit_test(bad_characters_are_refused),
        cmocka_unit_test(underscore_and_hyphen_are_accepted),
        cmocka_unit_test(name_of_253_chars_is_accepted_254_refused),
        cmocka_unit_test(label_of_63_accepted_64_refused),
        cmocka_unit_test(never_reads_past_len),
        cmocka_unit_test(copied_parts_need_fixup),
        cmocka_unit_test(bad_psl_file_is_an_error),
    };

    return cmocka_run_group_tests_name("domain", tests, setup, teardown);
}

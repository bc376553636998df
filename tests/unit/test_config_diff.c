/*
 * test_config_diff.c -- config_diff() and config_copy_setting(): what a
 * SIGHUP sees as changed between the running configuration and the file.
 *
 * Expected paths are written out by hand from the two configuration texts
 * each test loads, never taken from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../config/config.h"

struct seen {
    int n;
    char path[64][128];
};

static void collect(void *ctx, const char *path)
{
    struct seen *s = ctx;
    if (s->n < 64)
        snprintf(s->path[s->n++], sizeof(s->path[0]), "%s", path);
}

/* A configuration from text, over the defaults (heap: the struct is big). */
static struct sh_config *load(const char *text)
{
    char path[] = "/tmp/sh-cfgdiff-XXXXXX";
    char err[512];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    struct sh_config *c = malloc(sizeof(*c));
    assert_non_null(c);
    config_defaults(c);
    int rc = config_load(c, path, err, sizeof(err));
    unlink(path);
    if (rc < 0)
        fail_msg("config_load: %s", err);
    return c;
}

/* s holds exactly the paths given (in this order), NULL-terminated. */
static void expect_paths(const struct seen *s, int rc, const char *const *want)
{
    int n = 0;
    while (want[n])
        n++;
    if (s->n != n) {
        for (int i = 0; i < s->n; i++)
            print_message("  got %s\n", s->path[i]);
    }
    assert_int_equal(s->n, n);
    assert_int_equal(rc, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(s->path[i], want[i]);
}

static void identical_configurations_differ_in_nothing(void **state)
{
    (void)state;
    const char *text =
        "capture: { snaplen = 1500; };\n"
        "allowlist: { networks = [ \"10.1.0.0/16\" ]; names = [ \"*.example.com\" ]; };\n"
        "detect: { score_threshold = 1.5; };\n"
        "feeds = ( { name = \"a\"; path = \"/x\"; format = \"plain\"; type = \"ip\"; } );\n";
    struct sh_config *a = load(text), *b = load(text);
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    static const char *const none[] = { NULL };
    expect_paths(&s, rc, none);
    /* defaults against themselves: nothing either */
    config_defaults(a);
    config_defaults(b);
    s.n = 0;
    rc = config_diff(a, b, collect, &s);
    expect_paths(&s, rc, none);
    free(a);
    free(b);
}

static void each_type_of_row_is_compared(void **state)
{
    (void)state;
    struct sh_config *a = load(
        "capture: { snaplen = 1500; promiscuous = true; bpf = \"tcp\"; };\n"
        "dns: { ports = [ 53 ]; };\n"
        "allowlist: { networks = [ \"10.1.0.0/16\" ]; names = [ \"a.example\" ]; };\n"
        "geoip: { asn_weights = [ \"AS64500=1.5\" ]; country_weights = [ \"NL=0.5\" ]; };\n"
        "hosts: { idle_timeout = 600; };\n");
    struct sh_config *b = load(
        "capture: { snaplen = 9000; promiscuous = false; bpf = \"udp\"; };\n"
        "dns: { ports = [ 53, 5353 ]; };\n"
        "allowlist: { networks = [ \"10.2.0.0/16\" ]; names = [ \"b.example\" ]; };\n"
        "geoip: { asn_weights = [ \"AS64500=2\" ]; country_weights = [ \"DE=0.5\" ]; };\n"
        "hosts: { idle_timeout = 600; };\n");
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    /* table order (config/config.c); hosts.idle_timeout did not change */
    static const char *const want[] = {
        "capture.snaplen", "capture.promiscuous", "capture.bpf", "dns.ports",
        "geoip.asn_weights", "geoip.country_weights", "allowlist.networks", "allowlist.names",
        NULL };
    expect_paths(&s, rc, want);
    free(a);
    free(b);
}

static void list_length_and_trailing_entries_count(void **state)
{
    (void)state;
    struct sh_config *a = load("allowlist: { networks = [ \"10.1.0.0/16\" ]; };\n");
    struct sh_config *b = load("allowlist: { networks = [ \"10.1.0.0/16\", \"10.9.9.9\" ]; };\n");
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    static const char *const want[] = { "allowlist.networks", NULL };
    expect_paths(&s, rc, want);
    /* an empty list against the default (empty) one: no change */
    struct sh_config *c = load("allowlist: { networks = [ ]; };\n");
    struct sh_config *d = load("");
    s.n = 0;
    rc = config_diff(c, d, collect, &s);
    static const char *const none[] = { NULL };
    expect_paths(&s, rc, none);
    free(a);
    free(b);
    free(c);
    free(d);
}

static void detect_parameters_compare_by_name_and_value(void **state)
{
    (void)state;
    /* the order in the file does not matter; a value, a removal and an
     * addition do; a parameter written out at any value counts when the
     * other file leaves it out (the default is detect's business) */
    struct sh_config *a = load(
        "detect: { score_threshold = 1.5; half_life = 3600; nx_window = 180; };\n");
    struct sh_config *b = load(
        "detect: { nx_window = 180; score_threshold = 2.0; tunnel_weight = 1.0; };\n");
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    static const char *const want[] = {
        "detect.score_threshold", "detect.half_life", "detect.tunnel_weight", NULL };
    expect_paths(&s, rc, want);
    free(a);
    free(b);
}

static void feeds_compare_entry_by_entry(void **state)
{
    (void)state;
    struct sh_config *a = load(
        "feeds = (\n"
        "  { name = \"same\"; path = \"/f/same\"; format = \"feodo\"; },\n"
        "  { name = \"gone\"; path = \"/f/gone\"; format = \"plain\"; type = \"ip\"; },\n"
        "  { name = \"moved\"; path = \"/f/a\"; format = \"plain\"; type = \"domain\"; },\n"
        "  { name = \"reweighed\"; path = \"/f/w\"; format = \"urlhaus\"; weight = 1.0; }\n"
        ");\n");
    /* "same" moves to another line and position: not a change */
    struct sh_config *b = load(
        "\n\nfeeds = (\n"
        "  { name = \"reweighed\"; path = \"/f/w\"; format = \"urlhaus\"; weight = 3.0; },\n"
        "  { name = \"moved\"; path = \"/f/b\"; format = \"plain\"; type = \"domain\"; },\n"
        "  { name = \"new\"; path = \"/f/new\"; format = \"plain\"; type = \"ja3\"; },\n"
        "  { name = \"same\"; path = \"/f/same\"; format = \"feodo\"; }\n"
        ");\n");
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    static const char *const want[] = {
        "feeds.gone", "feeds.moved", "feeds.reweighed", "feeds.new", NULL };
    expect_paths(&s, rc, want);
    free(a);
    free(b);
}

static void copying_every_change_makes_them_equal(void **state)
{
    (void)state;
    struct sh_config *a = load(
        "capture: { snaplen = 1500; };\n"
        "dns: { ports = [ 53 ]; };\n"
        "infrastructure: { dns_resolvers = [ \"10.0.0.53\" ]; };\n"
        "detect: { score_threshold = 1.5; half_life = 3600; };\n"
        "feeds = ( { name = \"gone\"; path = \"/g\"; format = \"feodo\"; } );\n");
    struct sh_config *b = load(
        "capture: { snaplen = 9000; };\n"
        "dns: { ports = [ 53, 5353, 5355 ]; };\n"
        "detect: { score_threshold = 2.5; nx_window = 60; };\n"
        "feeds = ( { name = \"new\"; path = \"/n\"; format = \"feodo\"; } );\n");
    struct seen s = { 0 };
    config_diff(a, b, collect, &s);
    assert_true(s.n > 0);
    for (int i = 0; i < s.n; i++)
        assert_int_equal(config_copy_setting(a, b, s.path[i]), 0);
    struct seen t = { 0 };
    assert_int_equal(config_diff(a, b, collect, &t), 0);
    assert_int_equal(a->snaplen, 9000);
    assert_int_equal(a->pipe.n_dns_ports, 3);
    assert_int_equal(a->pipe.dns_ports[2], 5355);
    assert_int_equal(a->dns_resolvers.n, 0);
    assert_int_equal(a->n_params, 2);          /* half_life removed, nx_window added */
    assert_int_equal(a->feeds.n, 1);
    assert_string_equal(a->feeds.v[0].name, "new");
    assert_int_equal(config_copy_setting(a, b, "no.such.key"), -1);
    free(a);
    free(b);
}

static void copying_one_setting_leaves_the_others(void **state)
{
    (void)state;
    /* what a reload does: only the settings applied live are copied, the
     * rest keep their running values and are still reported next time */
    struct sh_config *a = load("capture: { snaplen = 1500; };\n"
                               "detect: { score_threshold = 1.5; spread_max_learnt = 100; };\n");
    struct sh_config *b = load("capture: { snaplen = 9000; };\n"
                               "detect: { score_threshold = 3.0; spread_max_learnt = 200; };\n");
    assert_int_equal(config_copy_setting(a, b, "detect.score_threshold"), 0);
    struct seen s = { 0 };
    int rc = config_diff(a, b, collect, &s);
    static const char *const want[] = { "capture.snaplen", "detect.spread_max_learnt", NULL };
    expect_paths(&s, rc, want);
    assert_int_equal(a->snaplen, 1500);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_configurations_differ_in_nothing),
        cmocka_unit_test(each_type_of_row_is_compared),
        cmocka_unit_test(list_length_and_trailing_entries_count),
        cmocka_unit_test(detect_parameters_compare_by_name_and_value),
        cmocka_unit_test(feeds_compare_entry_by_entry),
        cmocka_unit_test(copying_every_change_makes_them_equal),
        cmocka_unit_test(copying_one_setting_leaves_the_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_config.c -- CIDR parsing/matching and the libconfig loader's errors.
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

static void cidr_parses_v4_v6_and_hosts(void **state)
{
    (void)state;
    struct cidr c;
    char err[128];
    struct sh_addr a;
    assert_int_equal(cidr_parse("10.0.0.0/8", &c, err, sizeof(err)), 0);
    assert_int_equal(c.bits, 8);
    addr_parse("10.200.1.1", &a);
    assert_true(cidr_match(&c, &a));
    addr_parse("11.0.0.1", &a);
    assert_false(cidr_match(&c, &a));
    assert_int_equal(cidr_parse("fc00::/7", &c, err, sizeof(err)), 0);
    addr_parse("fd12::1", &a);
    assert_true(cidr_match(&c, &a));
    addr_parse("fe80::1", &a);
    assert_false(cidr_match(&c, &a));
    assert_int_equal(cidr_parse("192.0.2.7", &c, err, sizeof(err)), 0);
    assert_int_equal(c.bits, 32);
    addr_parse("192.0.2.7", &a);
    assert_true(cidr_match(&c, &a));
    addr_parse("::ffff:192.0.2.7", &a);
    assert_false(cidr_match(&c, &a));          /* families never mix */
}

static void cidr_rejects_bad_input(void **state)
{
    (void)state;
    struct cidr c;
    char err[128];
    assert_int_equal(cidr_parse("10.0.0.1/8", &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "host bits"));
    assert_int_equal(cidr_parse("10.0.0.0/33", &c, err, sizeof(err)), -1);
    assert_int_equal(cidr_parse("10.0.0.0/", &c, err, sizeof(err)), -1);
    assert_int_equal(cidr_parse("/8", &c, err, sizeof(err)), -1);
    assert_int_equal(cidr_parse("banana", &c, err, sizeof(err)), -1);
    assert_int_equal(cidr_parse("::/129", &c, err, sizeof(err)), -1);
    assert_int_equal(cidr_parse("0.0.0.0/0", &c, err, sizeof(err)), 0);
}

static void cidr_list_parses_with_spaces(void **state)
{
    (void)state;
    struct cidr_set s;
    char err[128];
    assert_int_equal(cidr_set_parse_list(&s, "10.0.0.0/8, 192.168.0.0/16 ,fc00::/7", err, sizeof(err)), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(cidr_set_parse_list(&s, "10.0.0.0/8,,1.2.3.4", err, sizeof(err)), -1);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/sh-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void defaults_are_the_documented_ones(void **state)
{
    (void)state;
    struct sh_config *c = malloc(sizeof(*c));
    config_defaults(c);
    assert_int_equal(c->pipe.flow_capacity, 262144);
    assert_int_equal(c->home_net.n, 5);
    assert_int_equal(c->pipe.n_dns_ports, 1);
    assert_int_equal(c->pipe.dns_ports[0], 53);
    assert_int_equal(c->pipe.dpi_enabled, 1);
    free(c);
}

static void a_valid_file_overrides_defaults(void **state)
{
    (void)state;
    struct sh_config *c = malloc(sizeof(*c));
    char err[512];
    config_defaults(c);
    char *p = write_tmp("flow: { capacity = 1000; timeout: { udp = 5; }; };\n"
                        "home_net = [ \"192.0.2.0/24\" ];\n"
                        "dns: { ports = [ 53, 5353 ]; };\n"
                        "allowlist: { names = [ \"*.example.com\", \"example.org\" ]; };\n"
                        "detect: { dga_threshold = 0.75; nx_window = 300; };\n");
    assert_int_equal(config_load(c, p, err, sizeof(err)), 0);
    unlink(p);
    assert_int_equal(c->pipe.flow_capacity, 1000);
    assert_int_equal(c->pipe.timeouts.sec[FC_UDP], 5);
    assert_int_equal(c->pipe.timeouts.sec[FC_TCP_NEW], 30);
    assert_int_equal(c->home_net.n, 1);
    assert_int_equal(c->pipe.n_dns_ports, 2);
    assert_int_equal(c->pipe.dns_ports[1], 5353);
    assert_int_equal(c->allow_names.n, 2);
    assert_string_equal(c->allow_names.v[0], "*.example.com");
    assert_int_equal(c->n_params, 2);
    assert_string_equal(c->params[0].name, "dga_threshold");
    assert_true(c->params[0].value > 0.74 && c->params[0].value < 0.76);
    assert_int_equal(c->params[1].line, 5);
    free(c);
}

static void expect_error(const char *text, const char *needle)
{
    struct sh_config *c = malloc(sizeof(*c));
    char err[512] = "";
    config_defaults(c);
    char *p = write_tmp(text);
    assert_int_equal(config_load(c, p, err, sizeof(err)), -1);
    unlink(p);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not contain '%s'", err, needle);
    free(c);
}

static void errors_carry_the_line_number(void **state)
{
    (void)state;
    expect_error("\n\nflow: { nope = 1; };\n", ":3: unknown setting 'flow.nope'");
    expect_error("bogus: { a = 1; };\n", ":1: unknown group 'bogus'");
    expect_error("flow: {\n capacity = 0;\n};\n", ":2: 'flow.capacity' = 0 is out of range");
    expect_error("flow: { capacity = 1.5; };\n", "must be a whole number");
    expect_error("dpi: { enabled = 1; };\n", "must be true or false");
    expect_error("capture: { interface = 5; };\n", "must be a string");
    expect_error("home_net = [ \"10.0.0.1/8\" ];\n", "host bits");
    expect_error("home_net = \"10.0.0.0/8\";\n", "must be a list");
    expect_error("dns: { ports = [ 0 ]; };\n", "is not a port");
    expect_error("allowlist: { names = [ \"bad name!\" ]; };\n", "is not a DNS name");
    expect_error("flow: { capacity = ; };\n", ":1: ");
    expect_error("detect: { x = \"str\"; };\n", "must be a number");
}

static void feeds_list_is_read(void **state)
{
    (void)state;
    struct sh_config *c = malloc(sizeof(*c));
    char err[512];
    config_defaults(c);
    assert_int_equal(c->feeds.n, 0);
    assert_int_equal(c->feeds_check_interval, 60);
    char *p = write_tmp("feeds = (\n"
                        "  { name = \"sslbl-ja3\"; path = \"/f/ja3.csv\"; format = \"abusech_ja3\";"
                        " weight = 3; confidence = 0.5; },\n"
                        "  { name = \"c2\"; path = \"/f/c2.txt\"; format = \"plain\";"
                        " type = \"domain\"; }\n);\nfeeds_check_interval = 0;\n");
    assert_int_equal(config_load(c, p, err, sizeof(err)), 0);
    unlink(p);
    assert_int_equal(c->feeds.n, 2);
    assert_string_equal(c->feeds.v[0].name, "sslbl-ja3");
    assert_string_equal(c->feeds.v[0].format, "abusech_ja3");
    assert_string_equal(c->feeds.v[0].type, "");
    assert_true(c->feeds.v[0].weight == 3.0 && c->feeds.v[0].confidence == 0.5);
    assert_int_equal(c->feeds.v[0].line, 2);
    assert_string_equal(c->feeds.v[1].path, "/f/c2.txt");
    assert_string_equal(c->feeds.v[1].type, "domain");
    assert_true(c->feeds.v[1].weight == CFG_FEED_WEIGHT);
    assert_true(c->feeds.v[1].confidence == CFG_FEED_CONFIDENCE);
    assert_int_equal(c->feeds_check_interval, 0);
    free(c);
}

static void feeds_errors_carry_the_line_number(void **state)
{
    (void)state;
    expect_error("\nfeeds = ( { name = \"a\"; path = \"x\"; format = \"csv\"; } );\n",
                 ":2: feeds: unknown format 'csv'");
    expect_error("feeds = (\n { name = \"a\"; path = \"x\"; format = \"plain\"; } );\n",
                 ":2: feeds: feed 'a': format plain needs a type");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"stix\"; type = \"ip\"; } );\n",
                 "type is only for format plain");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"plain\"; type = \"ipv4\"; } );\n",
                 "unknown type 'ipv4'");
    expect_error("feeds = ( { name = \"a\"; format = \"stix\"; } );\n", "needs name, path and format");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"stix\";\n weight = -1; } );\n",
                 ":2: feeds: weight = -1 is out of range");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"stix\"; confidence = \"hi\"; } );\n",
                 "must be a number");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"stix\"; },\n"
                 " { name = \"a\"; path = \"y\"; format = \"stix\"; } );\n", ":2: feeds: two feeds named 'a'");
    expect_error("feeds = ( { name = \"a\"; path = \"x\"; format = \"stix\"; url = \"x\"; } );\n",
                 "unknown setting 'url'");
    expect_error("feeds = [ \"x\" ];\n", "must be a list of groups");
    expect_error("feeds_check_interval = 100000;\n", "out of range");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cidr_parses_v4_v6_and_hosts),
        cmocka_unit_test(cidr_rejects_bad_input),
        cmocka_unit_test(cidr_list_parses_with_spaces),
        cmocka_unit_test(defaults_are_the_documented_ones),
        cmocka_unit_test(a_valid_file_overrides_defaults),
        cmocka_unit_test(errors_carry_the_line_number),
        cmocka_unit_test(feeds_list_is_read),
        cmocka_unit_test(feeds_errors_carry_the_line_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

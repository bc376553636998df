/*
 * test_export.c -- feeds/export: learnt indicators out as STIX 2.1 and
 * plain lists, and back in through spanhound's own feed readers (the
 * round trip another sensor makes); the bundle's structure checked by hand
 * here and against OASIS' STIX 2.1 JSON schemas (tests/stix/validate.py,
 * python3-jsonschema).  UUIDv5 against RFC 4122's construction as Python's
 * uuid module computes it (uuid5(NAMESPACE_DNS, "python.org")).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <cmocka.h>

#include "feeds/export.h"
#include "feeds/ioc.h"

#include "scratch.h"

static void test_uuid5(void **state)
{
    (void)state;
    static const uint8_t ns_dns[16] = { 0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
    char u[37];
    ioc_uuid5(ns_dns, "python.org", 10, u);
    assert_string_equal(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

struct item_spec {
    int type;
    const char *value;
};

static const struct item_spec specs[] = {
    { IOC_IP, "198.51.100.23" },
    { IOC_IP, "2001:db8::c2" },
    { IOC_DOMAIN, "c2.learnt.example" },
    { IOC_URL, "http://drop.example/it's\\here?x=1" },
    { IOC_JA3, "e7d705a3286e19ea42f587b344ee6865" },
    { IOC_JA4, "t13d1516h2_8daaf6152771_02713d6af862" },
    { IOC_JA3S, "ae4edc6faf64d08308082ad26be60767" },
    { IOC_JA4S, "t130200_1301_234ea6891581" },
    { IOC_CERT_SHA1, "3784422d67a6ae0c82d60eeaf3850960a9896cb2" },
    { IOC_CERT_SHA256, "abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01abcdef01" },
};
#define NITEMS ((int)(sizeof(specs) / sizeof(specs[0])))

static void make_items(struct learned_ioc *it)
{
    memset(it, 0, sizeof(*it) * NITEMS);
    for (int i = 0; i < NITEMS; i++) {
        it[i].type = (uint8_t)specs[i].type;
        snprintf(it[i].value, sizeof(it[i].value), "%s", specs[i].value);
        it[i].first_host.family = 4;
        inet_pton(AF_INET, "192.168.1.50", it[i].first_host.a);
        it[i].evidence_kind = EVK_IOC_MATCH;
        snprintf(it[i].explanation, sizeof(it[i].explanation), "explanation %d \"quoted\"", i);
        it[i].learnt_us = 1767225600000000ull + (uint64_t)i * 1000;   /* 2026-01-01 */
        it[i].expires_us = it[i].learnt_us + 86400ull * 1000000;
        it[i].hosts = 2;
    }
}

static int count_dir(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void check_structure(const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "type")), "bundle");
    const char *bid = json_string_value(json_object_get(root, "id"));
    assert_non_null(bid);
    assert_int_equal(strncmp(bid, "bundle--", 8), 0);
    assert_int_equal(strlen(bid), 8 + 36);
    assert_int_equal(bid[8 + 14], '4');                      /* UUIDv4 */
    json_t *objs = json_object_get(root, "objects");
    assert_true(json_is_array(objs));
    assert_int_equal(json_array_size(objs), NITEMS + 1);
    const char *ident = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) {
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *id = json_string_value(json_object_get(o, "id"));
        assert_non_null(type);
        assert_non_null(id);
        assert_string_equal(json_string_value(json_object_get(o, "spec_version")), "2.1");
        size_t tl = strlen(type);
        assert_int_equal(strncmp(id, type, tl), 0);
        assert_int_equal(strncmp(id + tl, "--", 2), 0);
        assert_int_equal(strlen(id + tl + 2), 36);
        const char *cr = json_string_value(json_object_get(o, "created"));
        const char *mo = json_string_value(json_object_get(o, "modified"));
        assert_non_null(cr);
        assert_non_null(mo);
        assert_int_equal(strlen(cr), 24);                     /* ....T..:..:..mmmZ */
        assert_int_equal(cr[23], 'Z');
        if (i == 0) {
            assert_string_equal(type, "identity");
            ident = id;
            assert_string_equal(json_string_value(json_object_get(o, "name")), "spanhound");
            continue;
        }
        assert_string_equal(type, "indicator");
        assert_int_equal(id[tl + 2 + 14], '5');                /* UUIDv5 */
        assert_string_equal(json_string_value(json_object_get(o, "created_by_ref")), ident);
        assert_string_equal(json_string_value(json_object_get(o, "pattern_type")), "stix");
        assert_non_null(json_string_value(json_object_get(o, "pattern")));
        const char *vf = json_string_value(json_object_get(o, "valid_from"));
        const char *vu = json_string_value(json_object_get(o, "valid_until"));
        assert_non_null(vf);
        assert_non_null(vu);
        assert_true(strcmp(vu, vf) > 0);
        char want[32];
        snprintf(want, sizeof(want), "2026-01-01T00:00:00.%03uZ", (unsigned)(i - 1));
        assert_string_equal(vf, want);
        snprintf(want, sizeof(want), "2026-01-02T00:00:00.%03uZ", (unsigned)(i - 1));
        assert_string_equal(vu, want);
        const char *name = json_string_value(json_object_get(o, "name"));
        assert_string_equal(name, "spanhound ioc_match, first host 192.168.1.50");
        const char *desc = json_string_value(json_object_get(o, "description"));
        assert_non_null(strstr(desc, "\"quoted\""));
        assert_non_null(strstr(desc, "192.168.1.50"));
    }
    /* the URL's quote and backslash are escaped in the pattern */
    o = json_array_get(objs, 4);
    assert_string_equal(json_string_value(json_object_get(o, "pattern")),
                        "[url:value = 'http://drop.example/it\\'s\\\\here?x=1']");
    json_decref(root);
}

static void test_roundtrip(void **state)
{
    (void)state;
    struct learned_ioc it[NITEMS];
    char path[128], err[256];
    make_items(it);
    snprintf(path, sizeof(path), "%s/learnt.json", tmpdir);
    assert_int_equal(ioc_export(path, it, NITEMS, err, sizeof(err)), 0);
    /* the bundle and nine lists, no temporary file left */
    assert_int_equal(count_dir(tmpdir), 1 + IOC_TYPE_MAX - 1);
    check_structure(path);

    /* back in as a STIX feed */
    struct ioc_feed_def d;
    memset(&d, 0, sizeof(d));
    snprintf(d.name, sizeof(d.name), "learnt");
    snprintf(d.path, sizeof(d.path), "%s", path);
    d.format = IOC_FMT_STIX;
    d.weight = 1;
    d.confidence = 1;
    FILE *devnull = fopen("/dev/null", "w");
    struct ioc_manager *m = ioc_manager_create(&d, 1, devnull);
    ioc_manager_set_now(m, 1767225600 + 3600);
    assert_int_equal(ioc_manager_load(m), 0);
    struct ioc_feed_stats st;
    ioc_manager_feed_stats(m, 0, &st);
    assert_int_equal(st.entries, NITEMS);
    assert_int_equal(st.skipped + st.unsupported + st.expired, 0);
    for (int i = 0; i < NITEMS; i++) {
        struct intel_hit h[2];
        int n = ioc_lookup(ioc_manager_db(m), specs[i].type, specs[i].value,
                           strlen(specs[i].value), NULL, h, 2);
        if (n != 1)
            fail_msg("%s: %d hits after the round trip", specs[i].value, n);
        assert_string_equal(h[0].entry, specs[i].value);
        assert_int_equal(h[0].type, specs[i].type);
        assert_string_equal(h[0].reason, "spanhound ioc_match, first host 192.168.1.50");
    }
    ioc_manager_destroy(m);
    /* once expired, a re-import skips them all */
    m = ioc_manager_create(&d, 1, devnull);
    ioc_manager_set_now(m, 1767225600 + 2 * 86400);
    assert_int_equal(ioc_manager_load(m), 0);
    ioc_manager_feed_stats(m, 0, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.expired, NITEMS);
    ioc_manager_destroy(m);

    /* the plain lists, each read back as a plain feed of its type */
    for (int i = 0; i < NITEMS; i++) {
        struct ioc_feed_def p;
        memset(&p, 0, sizeof(p));
        snprintf(p.name, sizeof(p.name), "plain");
        snprintf(p.path, sizeof(p.path), "%s.%s.txt", path, ioc_type_name(specs[i].type));
        p.format = IOC_FMT_PLAIN;
        p.type = specs[i].type;
        m = ioc_manager_create(&p, 1, devnull);
        assert_int_equal(ioc_manager_load(m), 0);
        struct intel_hit h[2];
        assert_int_equal(ioc_lookup(ioc_manager_db(m), specs[i].type, specs[i].value,
                                    strlen(specs[i].value), NULL, h, 2), 1);
        ioc_manager_feed_stats(m, 0, &st);
        assert_int_equal(st.skipped, 0);
        ioc_manager_destroy(m);
    }
    fclose(devnull);

    /* OASIS' schemas */
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "python3 tests/stix/validate.py '%s' >/dev/null", path);
    assert_int_equal(system(cmd), 0);

    /* exporting again replaces the files; an empty export is a valid bundle */
    assert_int_equal(ioc_export(path, it, 0, err, sizeof(err)), 0);
    assert_int_equal(count_dir(tmpdir), 1 + IOC_TYPE_MAX - 1);
    snprintf(cmd, sizeof(cmd), "python3 tests/stix/validate.py '%s' >/dev/null", path);
    assert_int_equal(system(cmd), 0);
    json_t *root = json_load_file(path, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(root, "objects")), 1);
    json_decref(root);
}

static void test_errors(void **state)
{
    (void)state;
    struct learned_ioc it[NITEMS];
    char err[256] = "";
    make_items(it);
    assert_int_equal(ioc_export("/nonexistent-dir/x.json", it, NITEMS, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.json"));
    /* a value that is not UTF-8 and an unknown type are left out, the rest kept */
    char path[128];
    snprintf(path, sizeof(path), "%s/odd.json", tmpdir);
    it[2].value[0] = (char)0xff;
    it[3].type = 0;
    assert_int_equal(ioc_export(path, it, NITEMS, err, sizeof(err)), 0);
    json_t *root = json_load_file(path, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(root, "objects")), 1 + NITEMS - 2);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid5),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}

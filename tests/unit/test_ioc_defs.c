/*
 * test_ioc_defs.c -- ioc_manager_set_defs(): the feed list changed by a
 * SIGHUP.  A kept feed answers at once (no reload needed), a new one once
 * the next reload read it, a removed one never again, a changed one
 * (another path) with its new file's content.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "feeds/ioc.h"

#include "scratch.h"

static struct ioc_feed_def def(const char *name, const char *file)
{
    struct ioc_feed_def d;
    memset(&d, 0, sizeof(d));
    snprintf(d.name, sizeof(d.name), "%s", name);
    snprintf(d.path, sizeof(d.path), "%s/%s", tmpdir, file);
    d.format = IOC_FMT_PLAIN;
    d.type = IOC_DOMAIN;
    d.weight = 2.0;
    d.confidence = 0.5;
    return d;
}

static void write_file(const char *file, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static FILE *quiet(void)
{
    static FILE *fp;
    if (!fp)
        fp = fopen("/dev/null", "w");
    return fp;
}

struct installed {
    int calls;
    struct ioc_db *db;
};

static void install(void *ctx, struct ioc_db *db)
{
    struct installed *in = ctx;
    in->calls++;
    in->db = db;
}

/* the feed answering for name in db ("" none) */
static const char *who(struct ioc_db *db, const char *name)
{
    static struct intel_hit h[4];
    int n = ioc_lookup(db, IOC_DOMAIN, name, strlen(name), NULL, h, 4);
    return n > 0 ? h[0].feed : "";
}

static void kept_new_removed_changed(void **state)
{
    (void)state;
    write_file("a.txt", "a.example\n");
    write_file("b.txt", "b.example\n");
    write_file("c1.txt", "c1.example\n");
    write_file("c2.txt", "c2.example\n");
    struct ioc_feed_def v1[2] = { def("a", "a.txt"), def("c", "c1.txt") };
    struct ioc_manager *m = ioc_manager_create(v1, 2, quiet());
    assert_non_null(m);
    assert_int_equal(ioc_manager_load(m), 0);
    assert_string_equal(who(ioc_manager_db(m), "a.example"), "a");
    assert_string_equal(who(ioc_manager_db(m), "c1.example"), "c");

    /* b added before a, c moved to another file */
    struct ioc_feed_def v2[3] = { def("b", "b.txt"), def("a", "a.txt"), def("c", "c2.txt") };
    struct installed in = { 0, NULL };
    assert_int_equal(ioc_manager_set_defs(m, v2, 3, install, &in), 0);
    assert_int_equal(in.calls, 1);
    assert_ptr_equal(in.db, ioc_manager_db(m));
    assert_string_equal(who(in.db, "a.example"), "a");      /* kept: answers at once */
    assert_string_equal(who(in.db, "b.example"), "");       /* new: not read yet */
    assert_string_equal(who(in.db, "c1.example"), "");      /* changed: empty until read */
    assert_int_equal(ioc_manager_reload(m, 1), 1);
    assert_int_equal(ioc_manager_swap(m, install, &in), 1);
    assert_int_equal(in.calls, 2);
    assert_string_equal(who(in.db, "a.example"), "a");
    assert_string_equal(who(in.db, "b.example"), "b");
    assert_string_equal(who(in.db, "c2.example"), "c");
    assert_string_equal(who(in.db, "c1.example"), "");

    /* a removed: gone at once, the others stay */
    struct ioc_feed_def v3[2] = { def("c", "c2.txt"), def("b", "b.txt") };
    assert_int_equal(ioc_manager_set_defs(m, v3, 2, install, &in), 0);
    assert_string_equal(who(in.db, "a.example"), "");
    assert_string_equal(who(in.db, "b.example"), "b");
    assert_string_equal(who(in.db, "c2.example"), "c");
    ioc_manager_destroy(m);
}

static void a_running_rebuild_is_dropped(void **state)
{
    (void)state;
    write_file("a.txt", "a.example\n");
    write_file("b.txt", "b.example\n");
    struct ioc_feed_def v1[1] = { def("a", "a.txt") };
    struct ioc_manager *m = ioc_manager_create(v1, 1, quiet());
    assert_non_null(m);
    assert_int_equal(ioc_manager_load(m), 0);
    assert_int_equal(ioc_manager_reload_start(m, 1), 1);    /* under the old list */
    struct ioc_feed_def v2[1] = { def("b", "b.txt") };
    struct installed in = { 0, NULL };
    assert_int_equal(ioc_manager_set_defs(m, v2, 1, install, &in), 0);
    assert_int_equal(ioc_manager_swap(m, install, &in), 0); /* nothing pending */
    assert_string_equal(who(ioc_manager_db(m), "a.example"), "");
    assert_int_equal(ioc_manager_reload(m, 1), 1);
    assert_int_equal(ioc_manager_swap(m, install, &in), 1);
    assert_string_equal(who(in.db, "b.example"), "b");
    ioc_manager_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kept_new_removed_changed),
        cmocka_unit_test(a_running_rebuild_is_dropped),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}

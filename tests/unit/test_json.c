/*
 * test_json.c -- the JSON writer: escaping of arbitrary bytes, structure,
 * overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../feeds/json.h"

static void objects_arrays_and_scalars(void **state)
{
    (void)state;
    char buf[256];
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_obj_open(&j, NULL);
    json_cstr(&j, "a", "x");
    json_u64(&j, "n", 18446744073709551615ULL);
    json_i64(&j, "m", -5);
    json_bool(&j, "t", 1);
    json_arr_open(&j, "l");
    json_u64(&j, NULL, 1);
    json_u64(&j, NULL, 2);
    json_arr_close(&j);
    json_obj_open(&j, "o");
    json_obj_close(&j);
    json_dbl(&j, "d", 0.5, 2);
    json_obj_close(&j);
    assert_string_equal(json_finish(&j),
        "{\"a\":\"x\",\"n\":18446744073709551615,\"m\":-5,\"t\":true,\"l\":[1,2],\"o\":{},\"d\":0.50}");
}

static void control_quote_and_backslash_are_escaped(void **state)
{
    (void)state;
    char out[64];
    const uint8_t in[] = { '"', '\\', '\n', '\r', '\t', 0x01, 0x7f, 0x00 };
    long n = json_escape(in, sizeof(in), out, sizeof(out));
    assert_true(n > 0);
    out[n] = '\0';
    assert_string_equal(out, "\\\"\\\\\\n\\r\\t\\u0001\\u007f\\u0000");
}

static void valid_utf8_is_kept_and_invalid_bytes_become_code_points(void **state)
{
    (void)state;
    char out[64];
    /* "é" in UTF-8, a lone 0xe9, an overlong '/', a surrogate, a truncated sequence */
    const uint8_t in[] = { 0xc3, 0xa9, 0xe9, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x82 };
    long n = json_escape(in, sizeof(in), out, sizeof(out));
    assert_true(n > 0);
    out[n] = '\0';
    assert_string_equal(out, "\xc3\xa9\\u00e9\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2\\u0082");
}

static void four_byte_utf8_is_kept(void **state)
{
    (void)state;
    char out[16];
    const uint8_t in[] = { 0xf0, 0x9f, 0x98, 0x80 };  /* U+1F600 */
    long n = json_escape(in, sizeof(in), out, sizeof(out));
    assert_int_equal(n, 4);
    assert_memory_equal(out, in, 4);
}

static void every_byte_value_yields_printable_ascii_or_utf8(void **state)
{
    (void)state;
    uint8_t in[256];
    char out[256 * 6 + 1];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    long n = json_escape(in, sizeof(in), out, sizeof(out));
    assert_true(n > 0);
    for (long i = 0; i < n; i++) {
        uint8_t c = (uint8_t)out[i];
        assert_true(c >= 0x20 && c < 0x7f);   /* no valid UTF-8 run in 0..255 */
    }
}

static void an_overflowing_record_is_refused_not_cut(void **state)
{
    (void)state;
    char buf[16];
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_obj_open(&j, NULL);
    json_cstr(&j, "key", "a value that does not fit");
    json_obj_close(&j);
    assert_null(json_finish(&j));
    assert_true(j.overflow);
}

static void escape_into_a_too_small_buffer_fails(void **state)
{
    (void)state;
    char out[3];
    assert_int_equal(json_escape((const uint8_t *)"\x01", 1, out, sizeof(out)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(objects_arrays_and_scalars),
        cmocka_unit_test(control_quote_and_backslash_are_escaped),
        cmocka_unit_test(valid_utf8_is_kept_and_invalid_bytes_become_code_points),
        cmocka_unit_test(four_byte_utf8_is_kept),
        cmocka_unit_test(every_byte_value_yields_printable_ascii_or_utf8),
        cmocka_unit_test(an_overflowing_record_is_refused_not_cut),
        cmocka_unit_test(escape_into_a_too_small_buffer_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

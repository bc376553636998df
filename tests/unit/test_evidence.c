/*
 * test_evidence.c -- the score arithmetic: decay, the flag rule (standalone
 * confidence or two kinds), hysteresis; and the parameter table.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../detect/evidence.h"
#include "../../detect/params.h"

#define S 1000000ULL   /* one second in us */

static void decay_halves_every_half_life(void **state)
{
    (void)state;
    assert_true(fabs(evidence_decay(0, 0, 3600) - 1.0) < 1e-12);
    assert_true(fabs(evidence_decay(3600 * S, 0, 3600) - 0.5) < 1e-12);
    assert_true(fabs(evidence_decay(7200 * S, 0, 3600) - 0.25) < 1e-12);
    assert_true(fabs(evidence_decay(1800 * S, 0, 3600) - M_SQRT1_2) < 1e-12);
}

static void decay_never_grows_when_time_runs_backwards(void **state)
{
    (void)state;
    assert_true(evidence_decay(5 * S, 10 * S, 3600) == 1.0);
}

static void value_is_weight_times_confidence_decayed(void **state)
{
    (void)state;
    struct evidence e;
    memset(&e, 0, sizeof(e));
    e.active = 1;
    e.weight = 1.2;
    e.confidence = 0.5;
    e.last_us = 100 * S;
    assert_true(fabs(evidence_value(&e, 100 * S, 60) - 0.6) < 1e-12);
    assert_true(fabs(evidence_value(&e, 160 * S, 60) - 0.3) < 1e-12);
    e.active = 0;
    assert_true(evidence_value(&e, 100 * S, 60) == 0);
}

static void below_threshold_is_never_flagged(void **state)
{
    (void)state;
    assert_int_equal(evidence_verdict(0, 0.99, 1.0, 3, 1.0, 0.4, 0.8), 0);
}

static void one_confident_evidence_flags_alone(void **state)
{
    (void)state;
    assert_int_equal(evidence_verdict(0, 1.0, 0.8, 1, 1.0, 0.4, 0.8), 1);
    assert_int_equal(evidence_verdict(0, 1.5, 0.79, 1, 1.0, 0.4, 0.8), 0);
}

static void two_weaker_kinds_flag_together(void **state)
{
    (void)state;
    assert_int_equal(evidence_verdict(0, 1.1, 0.6, 2, 1.0, 0.4, 0.8), 1);
}

static void hysteresis_keeps_a_flag_until_below_clear(void **state)
{
    (void)state;
    /* flagged at 1.0; decays through 0.7 and 0.4 (kept), clears below 0.4 */
    assert_int_equal(evidence_verdict(1, 0.7, 0.9, 1, 1.0, 0.4, 0.8), 1);
    assert_int_equal(evidence_verdict(1, 0.4, 0.9, 1, 1.0, 0.4, 0.8), 1);
    assert_int_equal(evidence_verdict(1, 0.3999, 0.9, 1, 1.0, 0.4, 0.8), 0);
    /* and a cleared host needs the full threshold again, not just clear */
    assert_int_equal(evidence_verdict(0, 0.7, 0.9, 1, 1.0, 0.4, 0.8), 0);
}

static void a_flag_clears_after_the_expected_time(void **state)
{
    (void)state;
    /* weight 1.2 x confidence 1.0 decays below 0.4 after log2(3) half-lives */
    struct evidence e;
    memset(&e, 0, sizeof(e));
    e.active = 1;
    e.weight = 1.2;
    e.confidence = 1.0;
    double hl = 3600;
    uint64_t t_clear = (uint64_t)(log2(1.2 / 0.4) * hl * 1e6);
    int flagged = 1;
    flagged = evidence_verdict(flagged, evidence_value(&e, t_clear - S, hl), 1, 1, 1.0, 0.4, 0.8);
    assert_int_equal(flagged, 1);
    flagged = evidence_verdict(flagged, evidence_value(&e, t_clear + S, hl), 1, 1, 1.0, 0.4, 0.8);
    assert_int_equal(flagged, 0);
}

static void kind_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(evidence_kind_name(EVK_DGA_NXDOMAIN), "dga_nxdomain");
    assert_string_equal(evidence_kind_name(EVK_DNS_TUNNEL), "dns_tunnel");
    assert_string_equal(evidence_kind_name(99), "unknown");
}

static void params_defaults_names_and_ranges(void **state)
{
    (void)state;
    struct detect_params p;
    char err[256];
    params_defaults(&p);
    assert_true(p.v[P_SCORE_THRESHOLD] == 1.0);
    assert_int_equal(params_count(), P_MAX);
    for (size_t i = 0; i < params_count(); i++) {
        assert_non_null(params_name(i));
        assert_non_null(params_help(i));
        assert_true(p.v[i] == params_default(i));
    }
    assert_int_equal(params_set(&p, "nx_window", 120, err, sizeof(err)), 0);
    assert_true(p.v[P_NX_WINDOW] == 120);
    assert_int_equal(params_set(&p, "nx_window", 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(params_set(&p, "no_such_param", 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown detection parameter 'detect.no_such_param'"));
    assert_int_equal(params_set(&p, "score_threshold", NAN, err, sizeof(err)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decay_halves_every_half_life),
        cmocka_unit_test(decay_never_grows_when_time_runs_backwards),
        cmocka_unit_test(value_is_weight_times_confidence_decayed),
        cmocka_unit_test(below_threshold_is_never_flagged),
        cmocka_unit_test(one_confident_evidence_flags_alone),
        cmocka_unit_test(two_weaker_kinds_flag_together),
        cmocka_unit_test(hysteresis_keeps_a_flag_until_below_clear),
        cmocka_unit_test(a_flag_clears_after_the_expected_time),
        cmocka_unit_test(kind_names_are_stable),
        cmocka_unit_test(params_defaults_names_and_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_exfil.c -- exfiltration evidence (detect/exfil.h): what a flow is
 * (nDPI ids checked against the installed nDPI header, ports by RFC), a
 * workstation's mail to an external server and the configured mail
 * infrastructure that is never evidence, FTP uploads in passive and
 * active mode (records in either order) against downloads, large uploads
 * to rare destinations against popular, shared and balanced ones, and the
 * window.  Expected confidences are computed by hand in the comments from
 * the parameter defaults (params.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ndpi_protocol_ids.h>

#include "../../config/cidr.h"
#include "../../detect/exfil.h"
#include "../../detect/host.h"
#include "../../detect/params.h"

#define S 1000000ULL
#define EPS 1e-6
#define T0 (1700000000ULL * S)

static struct sh_addr ip(const char *s)
{
    struct sh_addr a;
    assert_int_equal(addr_parse(s, &a), 0);
    return a;
}

struct rig {
    struct host_table *t;
    struct exfil *x;
    struct detect_params p;
    struct cidr_set servers, clients;
    struct host *h;
    struct host_touched touched;
};

static void rig_up(struct rig *r, const char *servers, const char *clients)
{
    char err[128];
    memset(r, 0, sizeof(*r));
    params_defaults(&r->p);
    struct host_params hp = {
        .idle_us = 86400 * S, .active_us = 900 * S, .stale_us = 86400 * S,
        .stable_us = 120 * S, .router_window_us = 3600 * S,
        .router_min_external = 8, .router_min_senders = 2, .router_ips = 4,
    };
    r->t = host_table_create(64, &hp, err, sizeof(err));
    assert_non_null(r->t);
    assert_int_equal(cidr_set_parse_list(&r->servers, servers, err, sizeof(err)), 0);
    assert_int_equal(cidr_set_parse_list(&r->clients, clients, err, sizeof(err)), 0);
    r->x = exfil_create(256, &r->p, &r->servers, &r->clients, err, sizeof(err));
    assert_non_null(r->x);
    struct sh_addr a = ip("10.0.0.17");
    r->h = host_get(r->t, &a, T0, 1);
}

static void rig_down(struct rig *r)
{
    exfil_destroy(r->x);
    host_table_destroy(r->t);
}

static struct exfil_flow flow(const char *server, uint16_t port, int cls, uint64_t up,
                              uint64_t down, uint64_t t)
{
    struct exfil_flow f;
    memset(&f, 0, sizeof(f));
    f.server = ip(server);
    f.server_port = port;
    f.proto = 6;
    f.cls = (uint8_t)cls;
    f.host_opened = 1;
    f.answered = 1;
    f.first = 1;
    f.hosts = 1;
    f.up = up;
    f.down = down;
    f.start_us = t;
    f.t_us = t + 5 * S;
    f.name = "";
    f.app = "";
    return f;
}

static void feed(struct rig *r, const struct exfil_flow *f)
{
    exfil_flow(r->x, r->t, r->h, f, f->t_us, &r->touched);
}

static const struct evidence *ev_of(struct rig *r, const char *indicator)
{
    const struct evidence *e = host_evidence_keyed(r->t, r->h, EVK_EXFIL, indicator, 0);
    return e && e->active ? e : NULL;
}

/* ---- classification -------------------------------------------------- */

static void ndpi_ids_are_the_installed_ones(void **state)
{
    (void)state;
    assert_int_equal(EXFIL_NDPI_FTP_CONTROL, NDPI_PROTOCOL_FTP_CONTROL);
    assert_int_equal(EXFIL_NDPI_MAIL_SMTP, NDPI_PROTOCOL_MAIL_SMTP);
    assert_int_equal(EXFIL_NDPI_MAIL_SMTPS, NDPI_PROTOCOL_MAIL_SMTPS);
    assert_int_equal(EXFIL_NDPI_FTP_DATA, NDPI_PROTOCOL_FTP_DATA);
    assert_int_equal(EXFIL_NDPI_TLS, NDPI_PROTOCOL_TLS);
}

static void flows_are_classified_by_content_then_port(void **state)
{
    (void)state;
    /* SMTP on an odd port: nDPI's word */
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_MAIL_SMTP, 1, 6, 2525, 50000, 1), EXC_MAIL);
    /* SMTPS as the master of a TLS flow */
    assert_int_equal(exfil_classify(NDPI_PROTOCOL_MAIL_SMTPS, NDPI_PROTOCOL_TLS, 1, 6, 465, 50000, 1),
                     EXC_MAIL);
    /* implicit TLS to 465 as nDPI 4.2 reports it (pcaps/exfil/smtps_implicit_tls:
     * app_proto "tls", no SMTPS): the port decides; TLS elsewhere is no mail */
    assert_int_equal(exfil_classify(NDPI_PROTOCOL_TLS, 0, 1, 6, 465, 50000, 1), EXC_MAIL);
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_TLS, 1, 6, 465, 50000, 1), EXC_MAIL);
    assert_int_equal(exfil_classify(NDPI_PROTOCOL_TLS, NDPI_PROTOCOL_TLS, 1, 6, 465, 50000, 1),
                     EXC_MAIL);
    assert_int_equal(exfil_classify(NDPI_PROTOCOL_TLS, 0, 1, 6, 443, 50000, 1), EXC_OTHER);
    assert_int_equal(exfil_classify(NDPI_PROTOCOL_TLS, NDPI_PROTOCOL_GOOGLE, 1, 6, 465, 50000, 1),
                     EXC_OTHER);
    /* RFC 5321 25, RFC 8314 465, RFC 6409 587 with no DPI verdict */
    assert_int_equal(exfil_classify(0, 0, 0, 6, 25, 50000, 1), EXC_MAIL);
    assert_int_equal(exfil_classify(0, 0, 0, 6, 465, 50000, 1), EXC_MAIL);
    assert_int_equal(exfil_classify(0, 0, 0, 6, 587, 50000, 1), EXC_MAIL);
    /* HTTP recognised by content on 587 is not mail; a port guess is */
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_HTTP, 1, 6, 587, 50000, 1), EXC_OTHER);
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_HTTP, 0, 6, 587, 50000, 1), EXC_MAIL);
    /* FTP: control by port 21 or content, data by content or RFC 959's
     * active mode (server port 20 connecting to the host) */
    assert_int_equal(exfil_classify(0, 0, 0, 6, 21, 50000, 1), EXC_FTP_CONTROL);
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_FTP_CONTROL, 1, 6, 2121, 50000, 1),
                     EXC_FTP_CONTROL);
    assert_int_equal(exfil_classify(0, NDPI_PROTOCOL_FTP_DATA, 1, 6, 40001, 50000, 1),
                     EXC_FTP_DATA);
    assert_int_equal(exfil_classify(0, 0, 0, 6, 20, 50123, 0), EXC_FTP_DATA);
    assert_int_equal(exfil_classify(0, 0, 0, 6, 20, 50123, 1), EXC_OTHER);
    assert_int_equal(exfil_classify(0, 0, 0, 6, 8080, 50123, 0), EXC_OTHER);
    /* UDP is never mail or FTP */
    assert_int_equal(exfil_classify(0, 0, 0, 17, 25, 50000, 1), EXC_OTHER);
}

/* ---- mail ------------------------------------------------------------ */

static void a_workstation_sending_mail_outside_is_moderate_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    struct exfil_flow f = flow("198.51.100.25", 587, EXC_MAIL, 1007, 541, T0);
    f.app = "SMTP";
    feed(&r, &f);
    const struct evidence *e = ev_of(&r, "198.51.100.25");
    assert_non_null(e);
    /* exfil_smtp_confidence 0.7, exfil_weight 1.2: 0.84 < score_threshold,
     * and 0.7 < standalone_confidence 0.8: never convicts alone */
    assert_float_equal(e->confidence, 0.7, EPS);
    assert_float_equal(e->weight, 1.2, EPS);
    assert_true(e->confidence < r.p.v[P_STANDALONE_CONFIDENCE]);
    assert_int_equal(e->ioc_type, IOC_IP);
    assert_string_equal(e->ioc, "198.51.100.25");
    assert_non_null(strstr(e->explanation, "1007 B"));
    assert_non_null(strstr(e->explanation, "port 587"));
    assert_non_null(strstr(e->explanation, "submitting mail"));
    assert_int_equal(r.touched.n, 1);
    struct exfil_counters c;
    exfil_get_counters(r.x, &c);
    assert_int_equal(c.raised_mail, 1);
    rig_down(&r);
}

static void a_session_that_only_opens_is_weaker(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    /* EHLO and QUIT: 30 bytes, under exfil_smtp_min_payload 512 */
    struct exfil_flow f = flow("198.51.100.25", 25, EXC_MAIL, 30, 300, T0);
    feed(&r, &f);
    const struct evidence *e = ev_of(&r, "198.51.100.25");
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.3, EPS);
    /* a second session of the window sends the message: 30 + 600 >= 512 */
    f = flow("198.51.100.25", 25, EXC_MAIL, 600, 100, T0 + 60 * S);
    feed(&r, &f);
    e = ev_of(&r, "198.51.100.25");
    assert_float_equal(e->confidence, 0.7, EPS);
    assert_non_null(strstr(e->explanation, "2 sessions"));
    /* a popular mail service (bound by a trusted answer): 0.7 x 0.6 */
    struct exfil_flow p = flow("198.51.100.30", 465, EXC_MAIL, 5000, 900, T0);
    p.benign = 1;
    feed(&r, &p);
    assert_float_equal(ev_of(&r, "198.51.100.30")->confidence, 0.42, EPS);
    /* unanswered, or nothing sent: nothing */
    struct exfil_flow g = flow("198.51.100.26", 25, EXC_MAIL, 2000, 0, T0);
    g.answered = 0;
    feed(&r, &g);
    g = flow("198.51.100.27", 25, EXC_MAIL, 0, 300, T0);
    feed(&r, &g);
    assert_null(ev_of(&r, "198.51.100.26"));
    assert_null(ev_of(&r, "198.51.100.27"));
    rig_down(&r);
}

static void configured_mail_infrastructure_is_never_evidence(void **state)
{
    (void)state;
    struct rig r;
    /* the relay 10.0.0.25 and the hosted provider 203.0.113.0/24 are mail
     * servers; 10.0.0.17 is a declared mail client */
    rig_up(&r, "10.0.0.25,203.0.113.0/24", "10.0.0.17");
    struct exfil_flow f = flow("198.51.100.25", 587, EXC_MAIL, 5000, 500, T0);
    feed(&r, &f);
    assert_null(ev_of(&r, "198.51.100.25"));
    rig_down(&r);

    rig_up(&r, "10.0.0.25,203.0.113.0/24", "");
    f = flow("203.0.113.9", 587, EXC_MAIL, 5000, 500, T0);      /* the provider */
    feed(&r, &f);
    assert_null(ev_of(&r, "203.0.113.9"));
    f = flow("198.51.100.25", 587, EXC_MAIL, 5000, 500, T0);    /* anyone else */
    feed(&r, &f);
    assert_non_null(ev_of(&r, "198.51.100.25"));
    /* the relay sends mail to the internet */
    struct sh_addr relay = ip("10.0.0.25");
    struct host *rh = host_get(r.t, &relay, T0, 1);
    f = flow("198.51.100.99", 25, EXC_MAIL, 50000, 500, T0);
    exfil_flow(r.x, r.t, rh, &f, f.t_us, &r.touched);
    assert_null(host_evidence_keyed(r.t, rh, EVK_EXFIL, "198.51.100.99", 0));
    struct exfil_counters c;
    exfil_get_counters(r.x, &c);
    assert_int_equal(c.mail_exempt, 2);
    assert_int_equal(c.mail_flows, 3);
    rig_down(&r);
}

/* ---- FTP --------------------------------------------------------------- */

static void a_passive_ftp_upload_is_evidence_in_either_order(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    /* control first, then the data connection to the server's high port */
    struct exfil_flow c = flow("198.51.100.21", 21, EXC_FTP_CONTROL, 200, 600, T0);
    feed(&r, &c);
    assert_null(ev_of(&r, "198.51.100.21"));
    struct exfil_flow d = flow("198.51.100.21", 40001, EXC_OTHER, 50000, 0, T0 + S);
    feed(&r, &d);
    const struct evidence *e = ev_of(&r, "198.51.100.21");
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.6, EPS);
    assert_non_null(strstr(e->explanation, "FTP upload"));
    assert_non_null(strstr(e->explanation, "50.0 kB"));
    rig_down(&r);

    /* the data connection's record first (it ended before the control
     * session's first record) */
    rig_up(&r, "", "");
    d = flow("198.51.100.21", 40001, EXC_OTHER, 50000, 0, T0 + S);
    feed(&r, &d);
    assert_null(ev_of(&r, "198.51.100.21"));     /* 50 kB: no large upload */
    c = flow("198.51.100.21", 21, EXC_FTP_CONTROL, 200, 600, T0);
    feed(&r, &c);
    assert_non_null(ev_of(&r, "198.51.100.21"));
    rig_down(&r);
}

static void an_ftp_download_is_not_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    struct exfil_flow c = flow("198.51.100.21", 21, EXC_FTP_CONTROL, 200, 600, T0);
    feed(&r, &c);
    struct exfil_flow d = flow("198.51.100.21", 40001, EXC_OTHER, 0, 500000, T0 + S);
    feed(&r, &d);
    d = flow("198.51.100.21", 20, EXC_FTP_DATA, 0, 500000, T0 + S);
    d.host_opened = 0;
    feed(&r, &d);
    assert_null(ev_of(&r, "198.51.100.21"));
    rig_down(&r);
}

static void an_active_ftp_upload_is_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    /* the server connects from port 20; the host sends 4000 B on it */
    struct exfil_flow d = flow("198.51.100.21", 20, EXC_FTP_DATA, 4000, 0, T0);
    d.host_opened = 0;
    feed(&r, &d);
    const struct evidence *e = ev_of(&r, "198.51.100.21");
    assert_non_null(e);
    assert_float_equal(e->confidence, 0.6, EPS);
    /* under exfil_ftp_min_bytes (1024) elsewhere: nothing */
    d = flow("198.51.100.22", 20, EXC_FTP_DATA, 1000, 0, T0);
    d.host_opened = 0;
    feed(&r, &d);
    assert_null(ev_of(&r, "198.51.100.22"));
    rig_down(&r);
}

/* ---- large uploads ---------------------------------------------------- */

static void a_large_upload_to_a_rare_destination_is_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    /* 1.2 MB in two records of one window, 10 kB back */
    struct exfil_flow f = flow("198.51.100.80", 443, EXC_OTHER, 600000, 5000, T0);
    feed(&r, &f);
    assert_null(ev_of(&r, "198.51.100.80"));
    f = flow("198.51.100.80", 443, EXC_OTHER, 600000, 5000, T0 + 60 * S);
    feed(&r, &f);
    const struct evidence *e = ev_of(&r, "198.51.100.80");
    assert_non_null(e);
    /* 0.6 x (0.7 + 0.3 x log2(1.2) / 4) = 0.6 x 0.719725 = 0.431835 */
    assert_float_equal(e->confidence, 0.6 * (0.7 + 0.3 * 0.263034406 / 4), 1e-6);
    assert_non_null(strstr(e->explanation, "1.2 MB"));
    assert_non_null(strstr(e->explanation, "2 flows"));
    assert_non_null(strstr(e->explanation, "no other internal host"));
    /* 16 MB to another: full ramp, 0.6 */
    f = flow("198.51.100.81", 443, EXC_OTHER, 16000000, 5000, T0);
    feed(&r, &f);
    assert_float_equal(ev_of(&r, "198.51.100.81")->confidence, 0.6, EPS);
    /* named: the name is the indicator and the IOC */
    f = flow("198.51.100.82", 443, EXC_OTHER, 16000000, 5000, T0);
    f.name = "drop.example";
    feed(&r, &f);
    e = ev_of(&r, "drop.example");
    assert_non_null(e);
    assert_int_equal(e->ioc_type, IOC_DOMAIN);
    assert_string_equal(e->ioc, "drop.example");
    rig_down(&r);
}

static void popular_shared_and_balanced_uploads_are_not_evidence(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    struct exfil_flow f = flow("198.51.100.80", 443, EXC_OTHER, 16000000, 5000, T0);
    f.benign = 1;                                     /* popular, vouched for */
    feed(&r, &f);
    f = flow("198.51.100.81", 443, EXC_OTHER, 16000000, 5000, T0);
    f.hosts = 3;                                      /* beacon_prevalence_hosts */
    feed(&r, &f);
    f = flow("198.51.100.83", 443, EXC_OTHER, 16000000, 4000001, T0);  /* ratio < 4 */
    feed(&r, &f);
    assert_null(ev_of(&r, "198.51.100.80"));
    assert_null(ev_of(&r, "198.51.100.81"));
    assert_null(ev_of(&r, "198.51.100.83"));
    struct exfil_counters c;
    exfil_get_counters(r.x, &c);
    assert_int_equal(c.benign_skipped, 1);
    assert_int_equal(c.prevalent_skipped, 1);
    /* one other host: x0.6; a popular name only claimed: x0.5 */
    f = flow("198.51.100.84", 443, EXC_OTHER, 16000000, 5000, T0);
    f.hosts = 2;
    feed(&r, &f);
    assert_float_equal(ev_of(&r, "198.51.100.84")->confidence, 0.36, EPS);
    f = flow("198.51.100.85", 443, EXC_OTHER, 16000000, 5000, T0);
    f.claimed_benign = 1;
    feed(&r, &f);
    assert_float_equal(ev_of(&r, "198.51.100.85")->confidence, 0.3, EPS);
    rig_down(&r);
}

static void uploads_add_up_only_within_the_window(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, "", "");
    struct exfil_flow f = flow("198.51.100.80", 443, EXC_OTHER, 600000, 0, T0);
    feed(&r, &f);
    /* exfil_window 3600 s later: a new window */
    f = flow("198.51.100.80", 443, EXC_OTHER, 600000, 0, T0 + 3700 * S);
    feed(&r, &f);
    assert_null(ev_of(&r, "198.51.100.80"));
    /* one long flow that began two hours ago: its records of this window
     * add up (the window runs from the first record, not the flow's start) */
    for (int i = 0; i < 3; i++) {
        f = flow("198.51.100.81", 443, EXC_OTHER, 400000, 1000, T0 - 7200 * S);
        f.first = i == 0;
        f.t_us = T0 + 60 * S * (uint64_t)i;
        exfil_flow(r.x, r.t, r.h, &f, f.t_us, &r.touched);
    }
    const struct evidence *e = ev_of(&r, "198.51.100.81");
    assert_non_null(e);
    assert_non_null(strstr(e->explanation, "1.2 MB"));
    assert_non_null(strstr(e->explanation, "1 flow "));
    rig_down(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ndpi_ids_are_the_installed_ones),
        cmocka_unit_test(flows_are_classified_by_content_then_port),
        cmocka_unit_test(a_workstation_sending_mail_outside_is_moderate_evidence),
        cmocka_unit_test(a_session_that_only_opens_is_weaker),
        cmocka_unit_test(configured_mail_infrastructure_is_never_evidence),
        cmocka_unit_test(a_passive_ftp_upload_is_evidence_in_either_order),
        cmocka_unit_test(an_ftp_download_is_not_evidence),
        cmocka_unit_test(an_active_ftp_upload_is_evidence),
        cmocka_unit_test(a_large_upload_to_a_rare_destination_is_evidence),
        cmocka_unit_test(popular_shared_and_balanced_uploads_are_not_evidence),
        cmocka_unit_test(uploads_add_up_only_within_the_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

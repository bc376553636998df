/*
 * test_http.c -- unit tests for capture/http.c (http_feed, http_gap,
 * http_close, http_probe).
 *
 * Inputs are byte strings fed per direction; every feed goes through an
 * exact-size heap copy so that ASan reports any read past len.  The sink
 * copies each event and checks the event invariants (arena bounds, NUL
 * terminations, no response fields without a response).
 *
 * Real header blocks are copied from the dev captures (named at each
 * array, reassembled streams checked against tshark 4.0 `-Y http`);
 * their bodies are replaced by filler of the same length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/http.h"

#define MAXEV 64

static struct http_state *g_s;
static struct sh_event evs[MAXEV];
static int evdir[MAXEV];
static int nev;
static struct app_stats st;

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if (s.len == 0) {
        assert_int_equal(s.off, 0);
        return;
    }
    assert_true(s.off >= 1);
    assert_true((size_t)s.off + s.len < ev->arena_len);
    assert_int_equal(ev->arena[s.off + s.len], '\0');
    assert_int_equal(strlen(ev->arena + s.off), s.len);
}

static void collect(void *ctx, int dir, struct sh_event *ev)
{
    const struct ev_http *h = &ev->u.http;

    (void)ctx;
    assert_true(nev < MAXEV);
    assert_int_equal(ev->type, EV_HTTP);
    assert_true(ev->arena_len >= 1 && ev->arena_len <= EV_ARENA_SIZE);
    assert_int_equal(ev->arena[0], '\0');
    check_str(ev, h->method);
    check_str(ev, h->uri);
    check_str(ev, h->protocol);
    check_str(ev, h->host);
    check_str(ev, h->user_agent);
    check_str(ev, h->referer);
    check_str(ev, h->content_type);
    check_str(ev, h->resp_content_type);
    check_str(ev, h->location);
    check_str(ev, h->server);
    if (!h->has_response) {
        assert_int_equal(h->status, 0);
        assert_int_equal(h->response_body_len, 0);
        assert_int_equal(h->resp_content_type.len, 0);
        assert_int_equal(h->location.len, 0);
        assert_int_equal(h->server.len, 0);
    }
    evs[nev] = *ev;
    evdir[nev] = dir;
    nev++;
}

static const struct app_sink sink = { collect, NULL, &st };

static int setup(void **state)
{
    (void)state;
    g_s = malloc(http_state_size());
    if (!g_s)
        return -1;
    http_init(g_s);
    memset(evs, 0, sizeof(evs));
    memset(&st, 0, sizeof(st));
    nev = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g_s);
    g_s = NULL;
    return 0;
}

static void feed_n(int dir, const void *p, size_t n, uint64_t ts)
{
    uint8_t *c = malloc(n ? n : 1);
    assert_non_null(c);
    if (n)
        memcpy(c, p, n);
    http_feed(g_s, dir, c, n, ts, &sink);
    free(c);
}

static void feed(int dir, const char *str, uint64_t ts)
{
    feed_n(dir, str, strlen(str), ts);
}

/* Feed n bytes of filler (a body). */
static void feed_fill(int dir, size_t n, uint64_t ts)
{
    uint8_t *c = malloc(n ? n : 1);
    assert_non_null(c);
    memset(c, 'x', n);
    http_feed(g_s, dir, c, n, ts, &sink);
    free(c);
}

static void close_conn(void)
{
    http_close(g_s, 999, &sink);
}

#define H(i) (evs[i].u.http)
#define S(i, f) ev_s(&evs[i], evs[i].u.http.f)

enum { C = DIR_TOSERVER, SV = DIR_TOCLIENT };

/* ---- basics ------------------------------------------------------- */

static void simple_get_and_200_give_one_event_with_every_field(void **state)
{
    (void)state;
    feed(C, "GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.com\r\n"
            "User-Agent: curl/7.88.1\r\nReferer: http://a.example/\r\n"
            "Accept: */*\r\n\r\n", 1000);
    assert_int_equal(nev, 0);
    feed(SV, "HTTP/1.1 200 OK\r\nServer: nginx/1.22\r\n"
             "Content-Type: text/html\r\nContent-Length: 5\r\n\r\nhello", 2000);
    assert_int_equal(nev, 1);
    assert_int_equal(evdir[0], SV);
    assert_int_equal(evs[0].ts_us, 1000);
    assert_int_equal(evs[0].flags, 0);
    assert_string_equal(S(0, method), "GET");
    assert_string_equal(S(0, uri), "/index.html?q=1");
    assert_string_equal(S(0, protocol), "HTTP/1.1");
    assert_string_equal(S(0, host), "www.example.com");
    assert_int_equal(H(0).host_port, 0);
    assert_string_equal(S(0, user_agent), "curl/7.88.1");
    assert_string_equal(S(0, referer), "http://a.example/");
    assert_string_equal(S(0, content_type), "");
    assert_int_equal(H(0).has_response, 1);
    assert_int_equal(H(0).status, 200);
    assert_string_equal(S(0, server), "nginx/1.22");
    assert_string_equal(S(0, resp_content_type), "text/html");
    assert_string_equal(S(0, location), "");
    assert_int_equal(H(0).request_body_len, 0);
    assert_int_equal(H(0).response_body_len, 5);
    assert_int_equal(H(0).tx_id, 0);
    assert_int_equal(st.http_tx, 1);
    assert_int_equal(st.http_malformed, 0);
    close_conn();
    assert_int_equal(nev, 1);   /* nothing pending */
}

static void keep_alive_three_requests_with_content_length_bodies(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        char req[128], resp[128];
        snprintf(req, sizeof(req),
                 "POST /r%d HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n",
                 i, 10 + i);
        snprintf(resp, sizeof(resp),
                 "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 100 * (i + 1));
        feed(C, req, (uint64_t)i * 10);
        feed_fill(C, (size_t)(10 + i), (uint64_t)i * 10 + 1);
        feed(SV, resp, (uint64_t)i * 10 + 2);
        assert_int_equal(nev, i);
        feed_fill(SV, (size_t)(100 * (i + 1)), (uint64_t)i * 10 + 3);
        assert_int_equal(nev, i + 1);
    }
    for (int i = 0; i < 3; i++) {
        char uri[8];
        snprintf(uri, sizeof(uri), "/r%d", i);
        assert_string_equal(S(i, uri), uri);
        assert_int_equal(H(i).tx_id, i);
        assert_int_equal(evs[i].ts_us, (uint64_t)i * 10);
        assert_int_equal(H(i).request_body_len, 10 + i);
        assert_int_equal(H(i).response_body_len, 100 * (i + 1));
        assert_int_equal(H(i).status, 200);
    }
    assert_int_equal(st.http_tx, 3);
    assert_int_equal(st.http_malformed, 0);
}

static void chunked_response_with_extensions_and_trailers_counts_data_bytes(
    void **state)
{
    (void)state;
    feed(C, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
             "5;name=value;x\r\nhello\r\n"
             "1A ; ext=\"quoted;str\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
             "0;last\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n", 2);
    assert_int_equal(nev, 1);
    assert_int_equal(H(0).response_body_len, 5 + 26);
    assert_int_equal(evs[0].flags, 0);
    /* the connection goes on after the trailers */
    feed(C, "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n", 3);
    feed(SV, "HTTP/1.1 204 No Content\r\n\r\n", 4);
    assert_int_equal(nev, 2);
    assert_int_equal(H(1).status, 204);
    assert_int_equal(st.http_malformed, 0);
}

static void pipelined_requests_before_responses_pair_in_order(void **state)
{
    (void)state;
    feed(C, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
            "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"
            "GET /c HTTP/1.1\r\nHost: h\r\n\r\n", 7);
    assert_int_equal(nev, 0);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
             "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB"
             "HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nCCC", 8);
    assert_int_equal(nev, 3);
    assert_string_equal(S(0, uri), "/a");
    assert_int_equal(H(0).status, 200);
    assert_int_equal(H(0).response_body_len, 1);
    assert_string_equal(S(1, uri), "/b");
    assert_int_equal(H(1).status, 404);
    assert_int_equal(H(1).response_body_len, 2);
    assert_string_equal(S(2, uri), "/c");
    assert_int_equal(H(2).status, 500);
    assert_int_equal(H(2).response_body_len, 3);
    /* all three requests arrived in one feed: same time */
    assert_int_equal(evs[2].ts_us, 7);
}

static void head_response_with_content_length_has_no_body(void **state)
{
    (void)state;
    feed(C, "HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n"
            "GET /small HTTP/1.1\r\nHost: h\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 123456\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 2);
    assert_int_equal(nev, 2);
    assert_string_equal(S(0, method), "HEAD");
    assert_int_equal(H(0).response_body_len, 0);
    assert_string_equal(S(1, uri), "/small");
    assert_int_equal(H(1).response_body_len, 2);
    assert_int_equal(st.http_malformed, 0);
}

static void status_304_has_no_body_and_next_response_follows(void **state)
{
    (void)state;
    feed(C, "GET /a HTTP/1.1\r\nIf-None-Match: \"x\"\r\n\r\n"
            "GET /b HTTP/1.1\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 304 Not Modified\r\nContent-Length: 999\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 2);
    assert_int_equal(nev, 2);
    assert_int_equal(H(0).status, 304);
    assert_int_equal(H(0).response_body_len, 0);
    assert_int_equal(H(1).status, 200);
    assert_int_equal(H(1).response_body_len, 3);
}

static void interim_100_continue_then_200_is_one_transaction(void **state)
{
    (void)state;
    feed(C, "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
            "Content-Length: 5\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 100 Continue\r\nServer: interim\r\n\r\n", 2);
    assert_int_equal(nev, 0);
    feed(C, "12345", 3);
    assert_int_equal(nev, 0);
    feed(SV, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 4);
    assert_int_equal(nev, 1);
    assert_int_equal(H(0).status, 201);
    assert_int_equal(H(0).request_body_len, 5);
    assert_string_equal(S(0, server), "");   /* the 100's headers are not kept */
    assert_int_equal(st.http_malformed, 0);
}

static void post_with_content_length_body_counts_request_body(void **state)
{
    (void)state;
    feed(C, "POST /login HTTP/1.1\r\nHost: h\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 15\r\n\r\nuser=a&pass=bbb", 1);
    feed(SV, "HTTP/1.1 302 Found\r\nLocation: /home\r\nContent-Length: 0\r\n\r\n",
         2);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, method), "POST");
    assert_string_equal(S(0, content_type), "application/x-www-form-urlencoded");
    assert_int_equal(H(0).request_body_len, 15);
    assert_string_equal(S(0, location), "/home");
}

static void post_with_chunked_body_counts_decoded_bytes(void **state)
{
    (void)state;
    feed(C, "POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
            "GET /next HTTP/1.1\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
    assert_int_equal(nev, 2);
    assert_int_equal(H(0).request_body_len, 7);
    assert_string_equal(S(1, uri), "/next");
    assert_int_equal(st.http_malformed, 0);
}

static void request_and_response_with_bare_lf_line_ends(void **state)
{
    (void)state;
    feed(C, "GET /lf HTTP/1.0\nHost: bare.example\nUser-Agent: x\n\n", 1);
    feed(SV, "HTTP/1.0 200 OK\nContent-Length: 2\n\nok", 2);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, uri), "/lf");
    assert_string_equal(S(0, protocol), "HTTP/1.0");
    assert_string_equal(S(0, host), "bare.example");
    assert_string_equal(S(0, user_agent), "x");
    assert_int_equal(H(0).response_body_len, 2);
    assert_int_equal(st.http_malformed, 0);
}

static void leading_empty_lines_before_a_request_are_ignored(void **state)
{
    (void)state;
    feed(C, "\r\n\r\nGET / HTTP/1.1\r\n\r\n", 1);
    feed(SV, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
    assert_int_equal(nev, 1);
    assert_int_equal(st.http_malformed, 0);
}

/* ---- limits ------------------------------------------------------- */

static void header_line_longer_than_line_max_is_malformed_value_kept_cut(
    void **state)
{
    size_t n = HTTP_LINE_MAX + 100;
    char *ua = malloc(n + 1);
    (void)state;
    assert_non_null(ua);
    memset(ua, 'u', n);
    ua[n] = '\0';
    feed(C, "GET / HTTP/1.1\r\nUser-Agent: ", 1);
    feed(C, ua, 2);
    feed(C, "\r\nHost: after.example\r\n\r\n", 3);
    free(ua);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
    assert_int_equal(nev, 1);
    assert_int_equal(st.http_malformed, 1);
    assert_int_equal(H(0).user_agent.len, HTTP_UA_MAX);
    assert_int_equal(S(0, user_agent)[0], 'u');
    assert_string_equal(S(0, host), "after.example");
    assert_int_equal(evs[0].flags, EVF_TRUNCATED | EVF_MALFORMED);
}

static void header_line_at_line_max_is_accepted_and_one_more_is_malformed(
    void **state)
{
    (void)state;
    /* "X: " + value = HTTP_LINE_MAX (+1) bytes, without the line end;
     * both CRLF and bare LF ends. */
    for (int extra = 0; extra <= 1; extra++) {
        for (int crlf = 0; crlf <= 1; crlf++) {
            size_t n = HTTP_LINE_MAX - 3 + (size_t)extra;
            char *v = malloc(n + 1);
            assert_non_null(v);
            memset(v, 'v', n);
            v[n] = '\0';
            http_init(g_s);
            nev = 0;
            memset(&st, 0, sizeof(st));
            feed(C, "GET / HTTP/1.1\r\nX: ", 1);
            feed(C, v, 1);
            feed(C, crlf ? "\r\n\r\n" : "\n\n", 1);
            free(v);
            assert_int_equal(st.http_malformed, (uint64_t)extra);
            close_conn();
            assert_int_equal(nev, 1);
            assert_int_equal(evs[0].flags, extra ? EVF_MALFORMED : 0);
        }
    }
}

static void user_agent_at_cap_is_kept_and_one_more_is_truncated(void **state)
{
    char line[HTTP_UA_MAX + 64];
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = HTTP_UA_MAX + (size_t)extra;
        int k = snprintf(line, sizeof(line), "GET / HTTP/1.1\r\nUser-Agent: ");
        memset(line + k, 'a', n);
        memcpy(line + k + n, "\r\n\r\n", 5);
        http_init(g_s);
        nev = 0;
        feed(C, line, 1);
        close_conn();
        assert_int_equal(nev, 1);
        assert_int_equal(H(0).user_agent.len, HTTP_UA_MAX);
        assert_int_equal(evs[0].flags, extra ? EVF_TRUNCATED : 0);
    }
}

static void send_headers(int count)
{
    feed(C, "GET / HTTP/1.1\r\nHost: first.example\r\n", 1);
    for (int i = 1; i < count; i++)
        feed(C, "X-Filler: v\r\n", 1);
}

static void hundred_header_lines_are_accepted(void **state)
{
    (void)state;
    send_headers(HTTP_MAX_HEADERS);
    feed(C, "\r\n", 1);
    close_conn();
    assert_int_equal(nev, 1);
    assert_int_equal(st.http_malformed, 0);
    assert_int_equal(evs[0].flags, 0);
    assert_string_equal(S(0, host), "first.example");
}

static void header_lines_at_max_plus_one_are_malformed_and_ignored(
    void **state)
{
    (void)state;
    send_headers(HTTP_MAX_HEADERS);
    /* line 101 and later are not interpreted, Content-Length included */
    feed(C, "Content-Length: 5\r\nUser-Agent: late\r\n\r\n", 1);
    feed(C, "GET /second HTTP/1.1\r\n\r\n", 2);
    close_conn();
    assert_int_equal(nev, 2);
    assert_int_equal(st.http_malformed, 1);   /* counted once */
    assert_int_equal(evs[0].flags, EVF_MALFORMED);
    assert_string_equal(S(0, user_agent), "");
    assert_int_equal(H(0).request_body_len, 0);
    assert_string_equal(S(1, uri), "/second");
}

static void uri_lengths_around_the_kept_line_boundary(void **state)
{
    (void)state;
    /* The request line is kept up to ~2.1 KiB; past that the version is
     * read from the line's tail.  Walk URI lengths across both edges. */
    for (size_t len = HTTP_URI_MAX - 8; len <= HTTP_URI_MAX + 140; len++) {
        size_t n = 4 + len + 11;
        char *line = malloc(n + 1);
        assert_non_null(line);
        memcpy(line, "GET ", 4);
        line[4] = '/';
        memset(line + 5, 'p', len - 1);
        memcpy(line + 4 + len, " HTTP/1.1\r\n", 11);
        line[n] = '\0';
        http_init(g_s);
        nev = 0;
        feed(C, line, 1);
        feed(C, "\r\n", 1);
        free(line);
        close_conn();
        assert_int_equal(nev, 1);
        assert_string_equal(S(0, protocol), "HTTP/1.1");
        assert_int_equal(H(0).uri.len,
                         len < HTTP_URI_MAX ? len : HTTP_URI_MAX);
        assert_int_equal(evs[0].flags, len > HTTP_URI_MAX ? EVF_TRUNCATED : 0);
    }
    assert_int_equal(st.http_malformed, 0);
}

static void request_line_longer_than_line_max_is_malformed_but_reported(
    void **state)
{
    size_t len = HTTP_LINE_MAX + 1;
    char *uri = malloc(len + 1);
    (void)state;
    assert_non_null(uri);
    memset(uri, 'q', len);
    uri[0] = '/';
    uri[len] = '\0';
    feed(C, "GET ", 1);
    feed(C, uri, 1);
    feed(C, " HTTP/1.1\r\nHost: h\r\n\r\n", 1);
    free(uri);
    feed(SV, "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n", 2);
    assert_int_equal(nev, 1);
    assert_int_equal(st.http_malformed, 1);
    assert_int_equal(H(0).uri.len, HTTP_URI_MAX);
    assert_string_equal(S(0, protocol), "HTTP/1.1");
    assert_int_equal(H(0).status, 414);
    assert_int_equal(evs[0].flags, EVF_TRUNCATED | EVF_MALFORMED);
}

static void every_field_at_its_cap_stays_inside_the_event_arena(void **state)
{
    char *buf = malloc(8192);
    size_t k = 0;
    (void)state;
    assert_non_null(buf);
#define APPEND(s) do { memcpy(buf + k, s, strlen(s)); k += strlen(s); } while (0)
#define FILL(c, n) do { memset(buf + k, c, n); k += (n); } while (0)
    APPEND("GET /");
    FILL('u', HTTP_URI_MAX - 1);
    APPEND(" HTTP/1.1\r\nHost: ");
    FILL('h', HTTP_HOST_MAX);
    APPEND("\r\nUser-Agent: ");
    FILL('a', HTTP_UA_MAX);
    APPEND("\r\nReferer: ");
    FILL('r', HTTP_FIELD_MAX);
    APPEND("\r\nContent-Type: ");
    FILL('c', HTTP_FIELD_MAX);
    APPEND("\r\n\r\n");
    feed_n(C, buf, k, 1);
    k = 0;
    APPEND("HTTP/1.1 301 Moved\r\nServer: ");
    FILL('s', HTTP_FIELD_MAX);
    APPEND("\r\nLocation: ");
    FILL('l', HTTP_FIELD_MAX);
    APPEND("\r\nContent-Type: ");
    FILL('t', HTTP_FIELD_MAX);
    APPEND("\r\nContent-Length: 0\r\n\r\n");
    feed_n(SV, buf, k, 2);
#undef APPEND
#undef FILL
    free(buf);
    assert_int_equal(nev, 1);
    assert_true(evs[0].flags & EVF_TRUNCATED);
    assert_int_equal(st.http_malformed, 0);
    /* short fields are placed first and survive whole */
    assert_int_equal(H(0).host.len, HTTP_HOST_MAX);
    assert_int_equal(H(0).user_agent.len, HTTP_UA_MAX);
    assert_int_equal(H(0).content_type.len, HTTP_FIELD_MAX);
    assert_int_equal(H(0).server.len, HTTP_FIELD_MAX);
    assert_int_equal(H(0).location.len, HTTP_FIELD_MAX);
    assert_int_equal(H(0).resp_content_type.len, HTTP_FIELD_MAX);
    /* the URI gets what is left (all of its cap in a 4 KiB arena), the
     * Referer, placed last, what remains after it */
    assert_true(H(0).uri.len > 1000 && H(0).uri.len <= HTTP_URI_MAX);
    assert_true(H(0).referer.len < HTTP_FIELD_MAX);
    assert_int_equal(evs[0].arena_len, EV_ARENA_SIZE);
    assert_int_equal(S(0, uri)[0], '/');
}

/* ---- ends, splits, gaps ------------------------------------------- */

static void response_without_length_ends_at_close(void **state)
{
    (void)state;
    feed(C, "GET /stream HTTP/1.0\r\n\r\n", 1);
    feed(SV, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nab", 2);
    feed(SV, "cdef", 3);
    feed(SV, "HTTP/1.1 200 looks like a status line but is body\r\n", 4);
    assert_int_equal(nev, 0);
    close_conn();
    assert_int_equal(nev, 1);
    assert_int_equal(evdir[0], SV);
    assert_int_equal(H(0).has_response, 1);
    assert_int_equal(H(0).status, 200);
    assert_int_equal(H(0).response_body_len, 6 + 51);
    assert_int_equal(st.http_malformed, 0);
}

static void close_emits_pending_requests_without_response(void **state)
{
    (void)state;
    feed(C, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nHo",
         5);
    close_conn();
    assert_int_equal(nev, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(H(i).tx_id, i);
        assert_int_equal(H(i).has_response, 0);
        assert_int_equal(evdir[i], C);
    }
    /* closed: later input is ignored and a second close is a no-op */
    feed(C, "GET /4 HTTP/1.1\r\n\r\n", 6);
    close_conn();
    assert_int_equal(nev, 3);
}

/* A conversation that visits every phase: chunked request with extension
 * and trailer, chunked response, Content-Length response, bare LF. */
static const char *const conv[] = {
    "POST /up?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: t/1\r\n"
    "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Type: text/html\r\n"
    "Transfer-Encoding: chunked\r\n\r\n3 ; ext=\"q\"\r\nabc\r\n"
    "A\r\n0123456789\r\n0\r\nTrailer-A: x\r\n\r\n",
    "GET /b HTTP/1.1\nHost: [::1]:81\r\nReferer: http://r/\r\n\r\n",
    "HTTP/1.1 302 Found\r\nLocation: /c\r\nContent-Length: 4\r\n\r\nabcd",
};
static const int conv_dir[] = { C, SV, C, SV };
#define CONV_N 4

static void check_conv_events(void)
{
    assert_int_equal(nev, 2);
    assert_string_equal(S(0, method), "POST");
    assert_string_equal(S(0, uri), "/up?x=1");
    assert_string_equal(S(0, host), "example.com");
    assert_int_equal(H(0).host_port, 8080);
    assert_string_equal(S(0, user_agent), "t/1");
    assert_string_equal(S(0, content_type), "text/plain");
    assert_int_equal(H(0).request_body_len, 11);
    assert_int_equal(H(0).status, 200);
    assert_int_equal(H(0).response_body_len, 13);
    assert_string_equal(S(0, server), "s");
    assert_string_equal(S(0, resp_content_type), "text/html");
    assert_string_equal(S(1, uri), "/b");
    assert_string_equal(S(1, host), "::1");
    assert_int_equal(H(1).host_port, 81);
    assert_string_equal(S(1, referer), "http://r/");
    assert_int_equal(H(1).status, 302);
    assert_string_equal(S(1, location), "/c");
    assert_int_equal(H(1).response_body_len, 4);
    assert_int_equal(H(1).tx_id, 1);
    assert_int_equal(st.http_malformed, 0);
}

static void every_split_point_of_a_two_transaction_conversation(void **state)
{
    struct sh_event ref[2];
    int refdir[2];

    (void)state;
    for (int i = 0; i < CONV_N; i++)
        feed(conv_dir[i], conv[i], (uint64_t)i);
    check_conv_events();
    memcpy(ref, evs, sizeof(ref));
    memcpy(refdir, evdir, sizeof(refdir));

    for (int seg = 0; seg < CONV_N; seg++) {
        size_t len = strlen(conv[seg]);
        for (size_t cut = 0; cut <= len; cut++) {
            http_init(g_s);
            nev = 0;
            memset(&st, 0, sizeof(st));
            for (int i = 0; i < CONV_N; i++) {
                if (i != seg) {
                    feed(conv_dir[i], conv[i], (uint64_t)i);
                    continue;
                }
                feed_n(conv_dir[i], conv[i], cut, (uint64_t)i);
                feed_n(conv_dir[i], conv[i] + cut, len - cut, (uint64_t)i);
            }
            assert_int_equal(nev, 2);
            assert_memory_equal(evs, ref, sizeof(ref));
            assert_memory_equal(evdir, refdir, sizeof(refdir));
        }
    }
}

static void one_byte_at_a_time_gives_the_same_events(void **state)
{
    (void)state;
    for (int i = 0; i < CONV_N; i++)
        for (size_t k = 0; conv[i][k]; k++)
            feed_n(conv_dir[i], conv[i] + k, 1, (uint64_t)i);
    check_conv_events();
}

static void request_time_is_the_first_byte_of_the_request_line(void **state)
{
    (void)state;
    feed(C, "GE", 100);
    feed(C, "T / HTTP/1.1\r\n", 200);
    feed(C, "\r\n", 300);
    feed(C, "\r\n", 400);          /* empty line between requests */
    feed(C, "GET /2 HTTP/1.1\r\n\r\n", 500);
    close_conn();
    assert_int_equal(nev, 2);
    assert_int_equal(evs[0].ts_us, 100);
    assert_int_equal(evs[1].ts_us, 500);
}

static void zero_length_feed_changes_nothing(void **state)
{
    static const uint8_t none[1] = { 0 };
    (void)state;
    http_feed(g_s, C, NULL, 0, 1, &sink);
    http_feed(g_s, C, none, 0, 1, &sink);
    feed(C, "GET / HTTP/1.1\r\n", 2);
    http_feed(g_s, C, none, 0, 3, &sink);
    feed(C, "\r\n", 4);
    http_feed(g_s, SV, NULL, 0, 5, &sink);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 6);
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].ts_us, 2);
    assert_int_equal(st.http_malformed, 0);
    assert_int_equal(st.http_gaps, 0);
}

static void gap_in_request_body_then_new_request_resyncs(void **state)
{
    (void)state;
    feed(C, "POST /big HTTP/1.1\r\nContent-Length: 1000\r\n\r\n", 1);
    feed_fill(C, 300, 2);
    http_gap(g_s, C);
    /* the rest of the body after the hole: lines that are not requests */
    feed(C, "more body\r\nGET is not a request line\r\n", 3);
    feed(C, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n", 4);
    assert_int_equal(st.http_gaps, 1);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5);
    assert_int_equal(nev, 2);
    assert_string_equal(S(0, uri), "/big");
    assert_int_equal(evs[0].flags, EVF_GAP);
    assert_int_equal(H(0).request_body_len, 300);
    assert_string_equal(S(1, uri), "/after");
    assert_int_equal(evs[1].flags, 0);
    assert_int_equal(st.http_malformed, 0);
}

static void gap_in_response_body_completes_it_and_next_response_pairs(
    void **state)
{
    (void)state;
    feed(C, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", 2);
    feed_fill(SV, 1000, 3);
    http_gap(g_s, SV);
    assert_int_equal(nev, 0);           /* deferred: http_gap has no sink */
    feed(SV, "tail of the lost body\r\n", 4);
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].flags, EVF_GAP);
    assert_int_equal(H(0).status, 200);
    assert_int_equal(H(0).response_body_len, 1000);
    feed(SV, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 5);
    assert_int_equal(nev, 2);
    assert_string_equal(S(1, uri), "/2");
    assert_int_equal(H(1).status, 404);
    assert_int_equal(evs[1].flags, 0);
    assert_int_equal(st.http_gaps, 1);
}

static void gap_between_responses_flags_the_next_pairing(void **state)
{
    (void)state;
    feed(C, "GET /1 HTTP/1.1\r\n\r\n", 1);
    http_gap(g_s, SV);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].flags, EVF_GAP);
    assert_int_equal(st.http_gaps, 1);
}

/* ---- tunnels, anomalies ------------------------------------------- */

static void connect_answered_200_becomes_a_tunnel(void **state)
{
    static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00,
                                   0x0a, 0x0d, 0x0a, 0xff };
    (void)state;
    feed(C, "CONNECT example.com:443 HTTP/1.1\r\nUser-Agent: ua\r\n\r\n", 1);
    feed_n(C, tls, sizeof(tls), 2);   /* optimistic client data */
    feed(SV, "HTTP/1.1 200 Connection established\r\n\r\n", 3);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, method), "CONNECT");
    assert_string_equal(S(0, uri), "example.com:443");
    assert_string_equal(S(0, host), "example.com");
    assert_int_equal(H(0).host_port, 443);
    assert_int_equal(H(0).status, 200);
    feed_n(SV, tls, sizeof(tls), 4);
    feed_n(C, tls, sizeof(tls), 5);
    feed(C, "GET /inside HTTP/1.1\r\n\r\n", 6);
    close_conn();
    assert_int_equal(nev, 1);
    assert_int_equal(st.http_malformed, 0);
}

static void connect_refused_then_retried_gives_two_transactions(void **state)
{
    (void)state;
    feed(C, "CONNECT a.example:443 HTTP/1.1\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 407 Proxy Authentication Required\r\n"
             "Content-Length: 3\r\n\r\nno!", 2);
    feed(C, "CONNECT a.example:443 HTTP/1.1\r\nProxy-Authorization: B x\r\n\r\n",
         3);
    feed(SV, "HTTP/1.1 200 OK\r\n\r\n", 4);
    assert_int_equal(nev, 2);
    assert_int_equal(H(0).status, 407);
    assert_int_equal(H(0).response_body_len, 3);
    assert_int_equal(H(1).status, 200);
    assert_int_equal(H(1).tx_id, 1);
    assert_int_equal(st.http_malformed, 0);
}

static void switching_protocols_101_stops_parsing(void **state)
{
    (void)state;
    feed(C, "GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
             "\x81\x05hello", 2);
    feed(C, "\x81\x85\x01\x02\x03\x04" "abcde\n", 3);
    close_conn();
    assert_int_equal(nev, 1);
    assert_int_equal(H(0).status, 101);
    assert_int_equal(st.http_malformed, 0);
}

static void binary_garbage_gives_no_event_and_counts_once_per_direction(
    void **state)
{
    uint8_t junk[4096];
    uint32_t x = 12345;
    (void)state;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 16);
    }
    junk[0] = 0x16;            /* not a token character */
    junk[100] = '\n';
    junk[2000] = '\n';
    feed_n(C, junk, sizeof(junk), 1);
    feed_n(SV, junk, sizeof(junk), 2);
    close_conn();
    assert_int_equal(nev, 0);
    assert_int_equal(st.http_malformed, 2);
    assert_int_equal(st.http_tx, 0);
}

static void response_without_request_is_ignored_and_counted(void **state)
{
    (void)state;
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nGET ", 1);
    feed(C, "GET /x HTTP/1.1\r\n\r\n", 2);
    feed(SV, "HTTP/1.1 204 No Content\r\n\r\n", 3);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, uri), "/x");
    assert_int_equal(H(0).status, 204);
    assert_int_equal(st.http_malformed, 1);
}

static void full_fifo_emits_the_oldest_and_skips_its_late_response(
    void **state)
{
    (void)state;
    /* HTTP_FIFO + 1 pipelined requests; the first is HEAD so that its
     * skipped response must still be framed without a body. */
    feed(C, "HEAD /1 HTTP/1.1\r\n\r\n", 1);
    for (int i = 2; i <= HTTP_FIFO + 1; i++) {
        char req[64];
        snprintf(req, sizeof(req), "GET /%d HTTP/1.1\r\n\r\n", i);
        feed(C, req, (uint64_t)i);
    }
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, uri), "/1");
    assert_int_equal(H(0).has_response, 0);
    assert_int_equal(evdir[0], C);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 777\r\n\r\n", 10);
    for (int i = 2; i <= HTTP_FIFO + 1; i++) {
        char resp[96];
        snprintf(resp, sizeof(resp),
                 "HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n", 400 + i, i);
        feed(SV, resp, 11);
        feed_fill(SV, (size_t)i, 12);
    }
    assert_int_equal(nev, HTTP_FIFO + 1);
    for (int i = 2; i <= HTTP_FIFO + 1; i++) {
        char uri[8];
        snprintf(uri, sizeof(uri), "/%d", i);
        assert_string_equal(S(i - 1, uri), uri);
        assert_int_equal(H(i - 1).status, 400 + i);
        assert_int_equal(H(i - 1).response_body_len, i);
        assert_int_equal(H(i - 1).tx_id, i - 1);
    }
    assert_int_equal(st.http_malformed, 0);
}

static void early_response_waits_for_the_end_of_the_request_body(void **state)
{
    (void)state;
    feed(C, "POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345", 1);
    feed(SV, "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n", 2);
    assert_int_equal(nev, 0);
    feed(C, "67890", 3);
    assert_int_equal(nev, 1);
    assert_int_equal(evdir[0], C);
    assert_int_equal(H(0).status, 413);
    assert_int_equal(H(0).request_body_len, 10);
}

static void conflicting_content_lengths_are_malformed(void **state)
{
    (void)state;
    feed(C, "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
            "hello", 1);
    close_conn();
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].flags, EVF_MALFORMED);
    assert_int_equal(H(0).request_body_len, 0);
    assert_int_equal(st.http_malformed, 1);
}

static void identical_content_length_list_is_accepted(void **state)
{
    (void)state;
    feed(C, "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc"
            "GET /n HTTP/1.1\r\n\r\n", 1);
    close_conn();
    assert_int_equal(nev, 2);
    assert_int_equal(H(0).request_body_len, 3);
    assert_int_equal(st.http_malformed, 0);
}

static void transfer_encoding_with_content_length_is_flagged_chunked_wins(
    void **state)
{
    (void)state;
    feed(C, "POST / HTTP/1.1\r\nContent-Length: 100\r\n"
            "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
            "GET /smuggled HTTP/1.1\r\n\r\n", 1);
    close_conn();
    assert_int_equal(nev, 2);
    assert_int_equal(evs[0].flags, EVF_MALFORMED);
    assert_int_equal(H(0).request_body_len, 2);
    assert_string_equal(S(1, uri), "/smuggled");
    assert_int_equal(st.http_malformed, 1);
}

static void chunk_size_overflow_is_malformed(void **state)
{
    (void)state;
    feed(C, "GET / HTTP/1.1\r\n\r\n", 1);
    feed(SV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
             "fffffffffffffffff\r\n", 2);
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].flags, EVF_MALFORMED);
    assert_int_equal(st.http_malformed, 1);
}

static void whitespace_before_colon_and_obs_fold(void **state)
{
    (void)state;
    feed(C, "GET / HTTP/1.1\r\nHost : evil.example\r\nHost: good.example\r\n"
            " folded continuation\r\nUser-Agent: ua\r\n\r\n", 1);
    close_conn();
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, host), "good.example");
    assert_string_equal(S(0, user_agent), "ua");
    assert_int_equal(st.http_malformed, 1);
}

static void nul_byte_in_uri_is_stored_as_question_mark(void **state)
{
    static const char req[] = "GET /a\0b HTTP/1.1\r\n\r\n";
    (void)state;
    feed_n(C, req, sizeof(req) - 1, 1);
    close_conn();
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, uri), "/a?b");
}

static void midstream_pickup_resyncs_quietly_on_both_directions(
    void **state)
{
    (void)state;
    http_init_midstream(g_s);
    feed(C, "rest of a request body\r\nmore\r\n", 1);
    feed(SV, "ing of some response body\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 2);
    assert_int_equal(nev, 0);
    feed(C, "GET /next HTTP/1.1\r\nHost: m.example\r\n\r\n", 3);
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 4);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, uri), "/next");
    assert_int_equal(H(0).tx_id, 0);
    assert_int_equal(H(0).response_body_len, 1);
    assert_int_equal(evs[0].flags, 0);
    assert_int_equal(st.http_malformed, 0);
    /* once a request was seen, an orphan response counts again */
    feed(SV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5);
    assert_int_equal(st.http_malformed, 1);
}

/* ---- Host forms --------------------------------------------------- */

static void host_forms(void **state)
{
    static const struct {
        const char *hdr;
        const char *host;
        uint16_t port;
        int malformed;
    } t[] = {
        { "h.example", "h.example", 0, 0 },
        { "h.example:8080", "h.example", 8080, 0 },
        { "h.example:", "h.example", 0, 0 },
        { "h.example:65535", "h.example", 65535, 0 },
        { "h.example:65536", "h.example", 0, 1 },
        { "h.example:80a", "h.example", 0, 1 },
        { "[::1]:8080", "::1", 8080, 0 },
        { "[2001:db8::1]", "2001:db8::1", 0, 0 },
        { "[::1", "[::1", 0, 1 },
        { "::1", "::1", 0, 1 },
        { "10.0.0.1:81", "10.0.0.1", 81, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char req[128];
        snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
                 t[i].hdr);
        http_init(g_s);
        nev = 0;
        memset(&st, 0, sizeof(st));
        feed(C, req, 1);
        close_conn();
        assert_int_equal(nev, 1);
        assert_string_equal(S(0, host), t[i].host);
        assert_int_equal(H(0).host_port, t[i].port);
        assert_int_equal(st.http_malformed, (uint64_t)t[i].malformed);
    }
}

static void absolute_form_uri_gives_the_host_when_no_host_header(void **state)
{
    (void)state;
    feed(C, "GET http://user:pw@proxy.example:3128/p?q HTTP/1.1\r\n\r\n"
            "GET http://a.example/x HTTP/1.1\r\nHost: b.example:8000\r\n\r\n"
            "GET HTTP://c.example HTTP/1.1\r\n\r\n", 1);
    close_conn();
    assert_int_equal(nev, 3);
    assert_string_equal(S(0, uri), "http://user:pw@proxy.example:3128/p?q");
    assert_string_equal(S(0, host), "proxy.example");
    assert_int_equal(H(0).host_port, 3128);
    assert_string_equal(S(1, host), "b.example");   /* header wins */
    assert_int_equal(H(1).host_port, 8000);
    assert_string_equal(S(2, host), "c.example");
    assert_int_equal(st.http_malformed, 0);
}

/* ---- http_probe --------------------------------------------------- */

static int probe_str(const char *s)
{
    size_t n = strlen(s);
    uint8_t *c = malloc(n ? n : 1);
    int r;
    assert_non_null(c);
    memcpy(c, s, n);
    r = http_probe(c, n);
    free(c);
    return r;
}

static void probe_accepts_known_methods_followed_by_space(void **state)
{
    static const char *const yes[] = {
        "GET / HTTP/1.1\r\n", "POST ", "HEAD ", "PUT ", "DELETE ",
        "OPTIONS * HTTP/1.1", "CONNECT a:443 ", "TRACE ", "PATCH ",
        "PROPFIND ", "MKCOL ",
    };
    static const char *const no[] = {
        "", "G", "GET", "GET/", "get / HTTP/1.1", "GETX / HTTP/1.1",
        " GET /", "HTTP/1.1 200 OK", "\x16\x03\x01", "BREW /pot",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_int_equal(probe_str(yes[i]), 1);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_int_equal(probe_str(no[i]), 0);
    assert_int_equal(http_probe(NULL, 10), 0);
}

/* ---- real captures ------------------------------------------------ */

/* caldera-ragdoll-http-beacon.pcap, tcp.stream 2 (frames 30-41): the
 * agent's beacon; bodies replaced by filler of the same length. */
static const char ragdoll_req[] =
    "POST /weather HTTP/1.1\r\nHost: 172.18.0.2:8888\r\n"
    "User-Agent: python-requests/2.32.3\r\nAccept-Encoding: gzip, deflate\r\n"
    "Accept: */*\r\nConnection: keep-alive\r\nContent-Length: 184\r\n\r\n";
static const char ragdoll_resp[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 7893\r\nDate: Wed, 18 Dec 2024 19:59:13 GMT\r\n"
    "Server: Python/3.8 aiohttp/3.6.2\r\n\r\n";

static void real_caldera_ragdoll_beacon_post(void **state)
{
    (void)state;
    feed(C, ragdoll_req, 1);
    feed_fill(C, 184, 2);
    feed(SV, ragdoll_resp, 3);
    feed_fill(SV, 1448, 4);
    feed_fill(SV, 7893 - 1448, 5);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, method), "POST");
    assert_string_equal(S(0, host), "172.18.0.2");
    assert_int_equal(H(0).host_port, 8888);
    assert_string_equal(S(0, uri), "/weather");
    assert_string_equal(S(0, user_agent), "python-requests/2.32.3");
    assert_int_equal(H(0).request_body_len, 184);
    assert_int_equal(H(0).status, 200);
    assert_string_equal(S(0, resp_content_type), "text/html; charset=utf-8");
    assert_string_equal(S(0, server), "Python/3.8 aiohttp/3.6.2");
    assert_int_equal(H(0).response_body_len, 7893);
}

/* ndpi-emotet-epoch-c2-post-7080.pcap, tcp.stream 0: POST to a bare IP on
 * port 7080; bodies replaced by filler. */
static const char emotet_req[] =
    "POST /OK21pqJAtyyGBEo00sk HTTP/1.1\r\n"
    "Referer: http://82.118.225.196/OK21pqJAtyyGBEo00sk\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\nDNT: 1\r\n"
    "User-Agent: Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; "
    "Trident/7.0; .NET4.0C; .NET4.0E)\r\nHost: 82.118.225.196:7080\r\n"
    "Content-Length: 928\r\nConnection: Keep-Alive\r\nCache-Control: no-cache"
    "\r\n\r\n";
static const char emotet_resp[] =
    "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Tue, 29 Dec 2020 18:21:49 GMT"
    "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: 56532\r\n"
    "Connection: keep-alive\r\nVary: Accept-Encoding\r\n\r\n";

static void real_emotet_c2_post_to_ip_port(void **state)
{
    (void)state;
    feed(C, emotet_req, 1);
    feed_fill(C, 928, 1);
    feed(SV, emotet_resp, 2);
    feed_fill(SV, 56532, 3);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, host), "82.118.225.196");
    assert_int_equal(H(0).host_port, 7080);
    assert_string_equal(S(0, uri), "/OK21pqJAtyyGBEo00sk");
    assert_string_equal(S(0, referer),
                        "http://82.118.225.196/OK21pqJAtyyGBEo00sk");
    assert_string_equal(S(0, content_type),
                        "application/x-www-form-urlencoded");
    assert_string_equal(S(0, user_agent),
                        "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; "
                        "WOW64; Trident/7.0; .NET4.0C; .NET4.0E)");
    assert_int_equal(H(0).request_body_len, 928);
    assert_string_equal(S(0, server), "nginx");
    assert_int_equal(H(0).response_body_len, 56532);
}

/* lab-wmi-lateral-to-empire-beacon.pcapng, tcp.stream 23 (one Empire
 * beacon): HTTP/1.0 response delimited by close, real 173-byte body. */
static const char empire_req[] =
    "GET /login/process.jsp HTTP/1.1\r\nCookie: SESSIONID=1YW3KSLVVWYDG3VY\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) "
    "like Gecko\r\nHost: 192.168.1.161\r\nConnection: Keep-Alive\r\n\r\n";
static const char empire_resp[] =
    "HTTP/1.0 200 OK\r\nServer: Microsoft-IIS/7.5 \r\n"
    "Date: Tue, 21 Feb 2017 23:38:20 GMT\r\n\r\n"
    "<html><body><h1>It works!</h1><p>This is the default web page for this "
    "server.</p><p>The web server software is running but no content has "
    "been added, yet.</p></body></html>";

static void real_empire_beacon_response_ended_by_close(void **state)
{
    (void)state;
    feed(C, empire_req, 1);
    feed(SV, empire_resp, 2);
    assert_int_equal(nev, 0);
    close_conn();
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, host), "192.168.1.161");
    assert_string_equal(S(0, uri), "/login/process.jsp");
    assert_string_equal(S(0, server), "Microsoft-IIS/7.5");  /* OWS trimmed */
    assert_int_equal(H(0).status, 200);
    assert_int_equal(H(0).response_body_len, 173);
    assert_int_equal(st.http_malformed, 0);
}

/* ndpi-weibo.pcap, tcp.stream 2: redirect; tcp.stream 6: chunked answer
 * (its gzip chunks replaced by one filler chunk). */
static const char weibo_req[] =
    "GET /login.php?lang=en-us HTTP/1.1\r\nHost: weibo.com\r\n"
    "Connection: keep-alive\r\nAccept: text/html,application/xhtml+xml,"
    "application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"
    "Upgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0 (X11; Linux "
    "x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 "
    "Safari/537.36\r\nReferer: https://www.google.it/\r\n"
    "Accept-Encoding: gzip, deflate, sdch\r\nAccept-Language: en-US,en;q=0.8,"
    "it-IT;q=0.6,it;q=0.4,ru;q=0.2\r\n\r\n";
static const char weibo_301[] =
    "HTTP/1.1 301 Moved Permanently\r\nDate: Thu, 12 May 2016 21:37:51 GMT\r\n"
    "Server: Apache\r\nLocation: http://www.weibo.com/login.php?lang=en-us\r\n"
    "Cache-Control: max-age=120\r\nExpires: Thu, 12 May 2016 21:39:51 GMT\r\n"
    "Vary: Accept-Encoding\r\nContent-Encoding: gzip\r\nContent-Length: 207\r\n"
    "Connection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
    "SINA-LB:aGEuMTY4LmcxLmh5ZHMubGIuc2luYW5vZGUuY29t\r\n"
    "SINA-TS:Y2ZlOTgyY2UgMyAzIDAgMTAgMAo=\r\n\r\n";
static const char weibo_chunked[] =
    "HTTP/1.1 200 OK\r\nDate: Thu, 12 May 2016 21:37:51 GMT\r\n"
    "Server: PWS/8.1.36\r\nTransfer-Encoding: chunked\r\n"
    "X-Px: nc h0-s4.p1-mxp ( h0-s102.p21-nrt), nc h0-s102.p21-nrt "
    "( h0-s8.p5-pvg), nc h0-s8.p5-pvg ( origin>CONN)\r\n"
    "Cache-Control: no-cache, must-revalidate\r\n"
    "Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
    "Vary: Accept-Encoding\r\nPx-Uncompress-Origin: -1\r\n"
    "Last-Modified: Thu, 12 May 2016 21:37:51 GMT\r\nLB_HEADER: venus50\r\n"
    "DPOOL_HEADER: dagda28\r\nPramga: no-cache\r\nConnection: keep-alive\r\n"
    "Set-Cookie: lang=en-us; expires=Fri, 12-May-2017 21:37:51 GMT\r\n"
    "Set-Cookie: login_sid_t=f2228eeaefb572047b5af139a458baa9; path=/; "
    "domain=.weibo.com\r\n"
    "Set-Cookie: YF-Ugrow-G0=b02489d329584fca03ad6347fc915997;Path=/\r\n\r\n"
    "f2c\r\n";

static void real_weibo_redirect_then_chunked_page(void **state)
{
    (void)state;
    feed(C, weibo_req, 1);
    feed(SV, weibo_301, 2);
    feed_fill(SV, 207, 3);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, host), "weibo.com");
    assert_string_equal(S(0, uri), "/login.php?lang=en-us");
    assert_string_equal(S(0, referer), "https://www.google.it/");
    assert_int_equal(H(0).status, 301);
    assert_string_equal(S(0, location),
                        "http://www.weibo.com/login.php?lang=en-us");
    assert_string_equal(S(0, server), "Apache");
    assert_string_equal(S(0, resp_content_type),
                        "text/html; charset=iso-8859-1");
    assert_int_equal(H(0).response_body_len, 207);

    http_init(g_s);
    nev = 0;
    feed(C, weibo_req, 4);
    feed(SV, weibo_chunked, 5);
    feed_fill(SV, 0xf2c, 6);
    feed(SV, "\r\n0\r\n\r\n", 7);
    assert_int_equal(nev, 1);
    assert_string_equal(S(0, server), "PWS/8.1.36");
    assert_int_equal(H(0).response_body_len, 0xf2c);
    assert_int_equal(st.http_malformed, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(simple_get_and_200_give_one_event_with_every_field),
        T(keep_alive_three_requests_with_content_length_bodies),
        T(chunked_response_with_extensions_and_trailers_counts_data_bytes),
        T(pipelined_requests_before_responses_pair_in_order),
        T(head_response_with_content_length_has_no_body),
        T(status_304_has_no_body_and_next_response_follows),
        T(interim_100_continue_then_200_is_one_transaction),
        T(post_with_content_length_body_counts_request_body),
        T(post_with_chunked_body_counts_decoded_bytes),
        T(request_and_response_with_bare_lf_line_ends),
        T(leading_empty_lines_before_a_request_are_ignored),
        T(header_line_longer_than_line_max_is_malformed_value_kept_cut),
        T(header_line_at_line_max_is_accepted_and_one_more_is_malformed),
        T(user_agent_at_cap_is_kept_and_one_more_is_truncated),
        T(hundred_header_lines_are_accepted),
        T(header_lines_at_max_plus_one_are_malformed_and_ignored),
        T(uri_lengths_around_the_kept_line_boundary),
        T(request_line_longer_than_line_max_is_malformed_but_reported),
        T(every_field_at_its_cap_stays_inside_the_event_arena),
        T(response_without_length_ends_at_close),
        T(close_emits_pending_requests_without_response),
        T(every_split_point_of_a_two_transaction_conversation),
        T(one_byte_at_a_time_gives_the_same_events),
        T(request_time_is_the_first_byte_of_the_request_line),
        T(zero_length_feed_changes_nothing),
        T(gap_in_request_body_then_new_request_resyncs),
        T(gap_in_response_body_completes_it_and_next_response_pairs),
        T(gap_between_responses_flags_the_next_pairing),
        T(connect_answered_200_becomes_a_tunnel),
        T(connect_refused_then_retried_gives_two_transactions),
        T(switching_protocols_101_stops_parsing),
        T(binary_garbage_gives_no_event_and_counts_once_per_direction),
        T(response_without_request_is_ignored_and_counted),
        T(full_fifo_emits_the_oldest_and_skips_its_late_response),
        T(early_response_waits_for_the_end_of_the_request_body),
        T(conflicting_content_lengths_are_malformed),
        T(identical_content_length_list_is_accepted),
        T(transfer_encoding_with_content_length_is_flagged_chunked_wins),
        T(chunk_size_overflow_is_malformed),
        T(whitespace_before_colon_and_obs_fold),
        T(nul_byte_in_uri_is_stored_as_question_mark),
        T(midstream_pickup_resyncs_quietly_on_both_directions),
        T(host_forms),
        T(absolute_form_uri_gives_the_host_when_no_host_header),
        T(probe_accepts_known_methods_followed_by_space),
        T(real_caldera_ragdoll_beacon_post),
        T(real_emotet_c2_post_to_ip_port),
        T(real_empire_beacon_response_ended_by_close),
        T(real_weibo_redirect_then_chunked_page),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

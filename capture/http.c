/*
 * http.c -- HTTP/1.x stream parser: requests and responses of one TCP
 * connection, paired in order, one EV_HTTP event per transaction.
 *
 * Model (RFC 9112): each direction is a sequence of messages; a message is
 * a start line, header lines, an empty line, then a body framed by
 * Transfer-Encoding: chunked, Content-Length, or (responses only) the end
 * of the connection.  Each direction runs its own state machine over
 * lines; only the current partial line is buffered (first HTTP_LINE_KEEP
 * bytes plus the last HTTP_TAIL bytes, so that the version at the end of
 * an over-long request line is still seen).  Body bytes are counted and
 * skipped.
 *
 * Pairing: a request gets a slot in a FIFO of HTTP_FIFO slots when its
 * request line is complete.  A final response binds to the oldest slot at
 * its status line; interim 1xx responses (except 101) bind to nothing.
 * The transaction is emitted when the slot's request is complete and its
 * bound response is complete (see http.h for the other emission points).
 * When the FIFO is full, the oldest slot is emitted early; if its response
 * had not started, the next final response belongs to it and is skipped
 * (`owed`), so later pairs stay aligned.
 *
 * Invariants
 *  - s->q[] is a ring: slots qhead .. qhead+qcount-1 (mod HTTP_FIFO) are
 *    pending, oldest first.  Every slot but the newest has req_done set;
 *    the newest is the request the client is writing iff cur_open.
 *  - s->resp.bound means the response being parsed (or finished, when
 *    resp.done) belongs to the oldest slot.  bound && done persists only
 *    while that slot's request is still being written ("held"), or after
 *    http_gap() until the next feed/close drains it.
 *  - tx_id / ts_us of emitted events follow request order: only the
 *    oldest slot is ever emitted.
 *  - Strings are stored raw in fixed per-field regions of a slot/resp
 *    arena (no NUL); ev_put() copies them into the event at emission.
 *  - No pointer into caller memory survives a call; no allocation.
 *
 * Anomalies are counted in stats->http_malformed and flag the transaction
 * EVF_MALFORMED; they never stop the parser.  Bytes that cannot be framed
 * put the direction in RESYNC: lines are discarded until one looks like a
 * request line / status line (also used after http_gap and, quietly, after
 * CONNECT or Upgrade requests whose next bytes may be a tunnel).
 *
 * Limits: see http.h (field caps, line and header-count limits, HTTP/1.x
 * only, bodies counted but not decoded).  State size ~19 KiB.
 */
#include "http.h"

#include <string.h>

#include "event.h"
#include "rd.h"

#define HTTP_LINE_KEEP 2112  /* bytes kept of a line: method + URI + version */
#define HTTP_TAIL        16  /* last bytes of a line, for the version       */
#define HTTP_OWED_MAX    32  /* skipped responses tracked (owed_head bits)  */

/* Request fields: fixed regions of struct http_slot.arena. */
enum { RQ_METHOD, RQ_URI, RQ_PROTO, RQ_HOST, RQ_UA, RQ_REFERER, RQ_CTYPE,
       RQ_NF };
static const uint16_t rq_cap[RQ_NF] = {
    HTTP_METHOD_MAX, HTTP_URI_MAX, HTTP_PROTOCOL_MAX, HTTP_HOST_MAX,
    HTTP_UA_MAX, HTTP_FIELD_MAX, HTTP_FIELD_MAX };
#define RQ_OFF_URI     (HTTP_METHOD_MAX)
#define RQ_OFF_PROTO   (RQ_OFF_URI + HTTP_URI_MAX)
#define RQ_OFF_HOST    (RQ_OFF_PROTO + HTTP_PROTOCOL_MAX)
#define RQ_OFF_UA      (RQ_OFF_HOST + HTTP_HOST_MAX)
#define RQ_OFF_REFERER (RQ_OFF_UA + HTTP_UA_MAX)
#define RQ_OFF_CTYPE   (RQ_OFF_REFERER + HTTP_FIELD_MAX)
#define RQ_ARENA       (RQ_OFF_CTYPE + HTTP_FIELD_MAX)
static const uint16_t rq_off[RQ_NF] = {
    0, RQ_OFF_URI, RQ_OFF_PROTO, RQ_OFF_HOST, RQ_OFF_UA, RQ_OFF_REFERER,
    RQ_OFF_CTYPE };

/* Response fields: fixed regions of struct http_resp.arena. */
enum { RS_CTYPE, RS_LOCATION, RS_SERVER, RS_NF };
static const uint16_t rs_cap[RS_NF] = {
    HTTP_FIELD_MAX, HTTP_FIELD_MAX, HTTP_FIELD_MAX };
static const uint16_t rs_off[RS_NF] = {
    0, HTTP_FIELD_MAX, 2 * HTTP_FIELD_MAX };
#define RS_ARENA (3 * HTTP_FIELD_MAX)

/* Per-direction phase. */
enum {
    PH_START = 0,    /* expecting a start line (empty lines skipped)     */
    PH_HEADERS,      /* header lines until the empty line                */
    PH_BODY_LEN,     /* Content-Length body: `remain` bytes              */
    PH_CHUNK_SIZE,   /* chunk-size [ext] line                            */
    PH_CHUNK_DATA,   /* chunk data: `remain` bytes                       */
    PH_CHUNK_END,    /* the CRLF after chunk data                        */
    PH_TRAILERS,     /* trailer lines until the empty line               */
    PH_BODY_CLOSE,   /* response body delimited by the connection end    */
    PH_RESYNC        /* discard lines until a plausible start line       */
};

/* Header-section facts of the message being parsed in one direction. */
#define HS_HOST     0x01u  /* Host seen (request)                      */
#define HS_UA       0x02u
#define HS_REFERER  0x04u
#define HS_CTYPE    0x08u  /* Content-Type (request or response)       */
#define HS_LOCATION 0x10u
#define HS_SERVER   0x20u

struct http_dir {
    uint64_t line_ts;        /* time of the current line's first byte   */
    uint64_t line_total;     /* bytes of the current line so far (no LF)*/
    uint64_t remain;         /* bytes left in a Content-Length body/chunk*/
    uint64_t clen;           /* Content-Length value when has_clen      */
    uint16_t line_len;       /* bytes kept in line[]                    */
    uint16_t nhdr;           /* header/trailer lines of this message    */
    uint8_t  phase;          /* PH_*                                    */
    uint8_t  tail_n;         /* bytes in tail[]                         */
    uint8_t  line_long;      /* line passed HTTP_LINE_MAX (counted)     */
    uint8_t  has_clen;
    uint8_t  clen_bad;       /* invalid or conflicting Content-Length   */
    uint8_t  te;             /* Transfer-Encoding present               */
    uint8_t  te_chunked;     /* ... and its final coding is chunked     */
    uint8_t  seen;           /* HS_* bits                               */
    uint8_t  quiet_after;    /* client: CONNECT/Upgrade, RESYNC after   */
    uint8_t  gap_mark;       /* next message of this dir gets EVF_GAP   */
    uint8_t  tail[HTTP_TAIL];
    uint8_t  line[HTTP_LINE_KEEP];
};

struct http_slot {
    uint64_t ts_us;          /* request line's first byte               */
    uint64_t body_len;       /* request body bytes seen                 */
    uint16_t flags;          /* EVF_*                                   */
    uint16_t host_port;
    uint16_t len[RQ_NF];     /* bytes stored per field                  */
    uint8_t  tx_id;
    uint8_t  is_head;
    uint8_t  is_connect;
    uint8_t  req_done;       /* request fully seen (or cut by a gap)    */
    char     arena[RQ_ARENA];
};

struct http_resp {
    uint64_t body_len;       /* response body bytes seen                */
    uint16_t status;
    uint16_t flags;          /* EVF_*                                   */
    uint16_t len[RS_NF];
    uint8_t  bound;          /* belongs to the oldest slot              */
    uint8_t  done;           /* complete (bound only)                   */
    uint8_t  req_head;       /* answers a HEAD request: no body         */
    uint8_t  req_connect;    /* answers a CONNECT request               */
    char     arena[RS_ARENA];
};

struct http_state {
    struct http_dir  d[2];
    struct http_slot q[HTTP_FIFO];
    struct http_resp resp;
    uint32_t next_tx;        /* requests seen on the connection          */
    uint32_t gaps_pending;   /* http_gap calls not yet counted           */
    uint32_t owed;           /* final responses to skip (evicted reqs)   */
    uint32_t owed_head;      /* bit i: the i-th owed answers a HEAD      */
    uint8_t  qhead, qcount;
    uint8_t  cur_open;       /* client is writing the newest slot        */
    uint8_t  dead;           /* tunnel or closed: input ignored          */
    uint8_t  midstream;      /* picked up mid-connection, no request yet:
                                responses without request are expected */
};

_Static_assert(sizeof(struct http_state) <= 24 * 1024,
               "http_state should stay within ~24 KiB");
_Static_assert(HTTP_LINE_KEEP <= UINT16_MAX, "line_len is 16 bits");
_Static_assert(HTTP_LINE_KEEP >= HTTP_METHOD_MAX + HTTP_URI_MAX + 12,
               "a request line with a maximal URI fits in the kept part");

size_t http_state_size(void)
{
    return sizeof(struct http_state);
}

void http_init(struct http_state *s)
{
    if (s)
        memset(s, 0, sizeof(*s));
}

void http_init_midstream(struct http_state *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof(*s));
    s->d[DIR_TOSERVER].phase = PH_RESYNC;
    s->d[DIR_TOCLIENT].phase = PH_RESYNC;
    s->midstream = 1;
}

/* ---- small helpers ------------------------------------------------ */

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
static int is_tchar(uint8_t c)
{
    static const uint32_t map[8] = {
        0x00000000u,   /* 0x00-0x1f: controls                       */
        0x03ff6cfau,   /* 0x20-0x3f: ! # $ % & ' * + - . 0-9        */
        0xc7fffffeu,   /* 0x40-0x5f: A-Z ^ _                        */
        0x57ffffffu,   /* 0x60-0x7f: ` a-z | ~                      */
        0, 0, 0, 0,    /* 0x80-0xff: not ASCII                      */
    };
    return (map[c >> 5] >> (c & 31)) & 1u;
}

static int is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';   /* RFC 9110 5.6.3 OWS */
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* 1 if p[0..n) equals the lower-case ASCII word w, ignoring case. */
static int eq_ci(const uint8_t *p, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (n != wl)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != (uint8_t)w[i])
            return 0;
    return 1;
}

/* Parse 1*DIGIT (no sign, no space) into *v; -1 on empty, non-digit or
 * a value above `max`. */
static int parse_dec(const uint8_t *p, size_t n, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        if (x > (max - (uint64_t)(p[i] - '0')) / 10)
            return -1;
        x = x * 10 + (uint64_t)(p[i] - '0');
    }
    *v = x;
    return 0;
}

static void stat_add(const struct app_sink *sink, int which, uint64_t n)
{
    if (!sink || !sink->stats)
        return;
    if (which == 0)
        sink->stats->http_tx += n;
    else if (which == 1)
        sink->stats->http_malformed += n;
    else
        sink->stats->http_gaps += n;
}

static struct http_slot *slot_at(struct http_state *s, unsigned i)
{
    return &s->q[(s->qhead + i) % HTTP_FIFO];
}

static struct http_slot *slot_newest(struct http_state *s)
{
    return slot_at(s, (unsigned)s->qcount - 1u);
}

/* Store v[0..n) as field i of an arena with fixed regions; cut to the
 * field's cap.  `cut` says the value was already cut upstream. */
static void fld_set(char *arena, uint16_t *lens, const uint16_t *off,
                    const uint16_t *cap, int i, const uint8_t *v, size_t n,
                    int cut, uint16_t *flags)
{
    if (n > cap[i]) {
        n = cap[i];
        cut = 1;
    }
    if (n)
        memcpy(arena + off[i], v, n);
    lens[i] = (uint16_t)n;
    if (cut)
        *flags |= EVF_TRUNCATED;
}

static void rq_set(struct http_slot *q, int i, const uint8_t *v, size_t n,
                   int cut)
{
    fld_set(q->arena, q->len, rq_off, rq_cap, i, v, n, cut, &q->flags);
}

/* ---- emission ----------------------------------------------------- */

/* Build and emit the event of slot q (copied; q is not changed), with the
 * bound response when with_resp. */
static void emit_tx(struct http_state *s, const struct http_slot *q,
                    int with_resp, int dir, const struct app_sink *sink)
{
    struct sh_event ev;
    struct ev_http *h = &ev.u.http;
    const struct http_resp *r = &s->resp;

    memset(&ev, 0, sizeof(ev));
    ev_reset(&ev, EV_HTTP);
    ev.ts_us = q->ts_us;
    ev.flags = q->flags;
    /* Arena order = priority when the 3 KiB arena cannot hold every field
     * at its cap: short identifying fields first, URI and Referer last. */
    h->method = ev_put(&ev, q->arena + rq_off[RQ_METHOD], q->len[RQ_METHOD], 0);
    h->protocol = ev_put(&ev, q->arena + rq_off[RQ_PROTO], q->len[RQ_PROTO], 0);
    h->host = ev_put(&ev, q->arena + rq_off[RQ_HOST], q->len[RQ_HOST], 0);
    h->user_agent = ev_put(&ev, q->arena + rq_off[RQ_UA], q->len[RQ_UA], 0);
    h->content_type = ev_put(&ev, q->arena + rq_off[RQ_CTYPE],
                             q->len[RQ_CTYPE], 0);
    if (with_resp) {
        ev.flags |= r->flags;
        h->has_response = 1;
        h->status = r->status;
        h->response_body_len = r->body_len;
        h->resp_content_type = ev_put(&ev, r->arena + rs_off[RS_CTYPE],
                                      r->len[RS_CTYPE], 0);
        h->server = ev_put(&ev, r->arena + rs_off[RS_SERVER],
                           r->len[RS_SERVER], 0);
        h->location = ev_put(&ev, r->arena + rs_off[RS_LOCATION],
                             r->len[RS_LOCATION], 0);
    }
    h->uri = ev_put(&ev, q->arena + rq_off[RQ_URI], q->len[RQ_URI], 0);
    h->referer = ev_put(&ev, q->arena + rq_off[RQ_REFERER],
                        q->len[RQ_REFERER], 0);
    h->request_body_len = q->body_len;
    h->host_port = q->host_port;
    h->tx_id = q->tx_id;
    stat_add(sink, 0, 1);
    if (sink && sink->emit)
        sink->emit(sink->ctx, dir, &ev);
}

/* Emit the oldest slot and drop it.  with_resp: it owns s->resp, which is
 * unbound afterwards (a response still being parsed goes on unbound). */
static void emit_head(struct http_state *s, int with_resp, int dir,
                      const struct app_sink *sink)
{
    if (s->qcount == 0)
        return;
    emit_tx(s, slot_at(s, 0), with_resp, dir, sink);
    if (with_resp) {
        s->resp.bound = 0;
        s->resp.done = 0;
    }
    if (s->qcount == 1 && s->cur_open)
        s->cur_open = 0;   /* the client goes on framing, unrecorded */
    s->qhead = (uint8_t)((s->qhead + 1) % HTTP_FIFO);
    s->qcount--;
}

/* Emit the oldest transaction if both its halves are complete. */
static void drain(struct http_state *s, int dir, const struct app_sink *sink)
{
    if (s->qcount && slot_at(s, 0)->req_done && s->resp.bound &&
        s->resp.done)
        emit_head(s, 1, dir, sink);
}

/* Count an anomaly and flag the message being parsed in dir. */
static void bad(struct http_state *s, int dir, const struct app_sink *sink)
{
    stat_add(sink, 1, 1);
    if (dir == DIR_TOSERVER) {
        if (s->cur_open)
            slot_newest(s)->flags |= EVF_MALFORMED;
    } else if (s->resp.bound) {
        s->resp.flags |= EVF_MALFORMED;
    }
}

/* ---- message ends ------------------------------------------------- */

static void msg_reset(struct http_dir *d)
{
    d->remain = 0;
    d->clen = 0;
    d->nhdr = 0;
    d->has_clen = 0;
    d->clen_bad = 0;
    d->te = 0;
    d->te_chunked = 0;
    d->seen = 0;
}

/* The message of dir is over; dir continues in phase `next`. */
static void msg_end(struct http_state *s, int dir, int next,
                    const struct app_sink *sink)
{
    struct http_dir *d = &s->d[dir];

    if (dir == DIR_TOSERVER) {
        if (s->cur_open) {
            slot_newest(s)->req_done = 1;
            s->cur_open = 0;
        }
        /* After CONNECT or Upgrade the next client bytes may be a tunnel:
         * only a plausible request line resumes parsing. */
        if (next == PH_START && d->quiet_after)
            next = PH_RESYNC;
        d->quiet_after = 0;
    } else if (s->resp.bound) {
        s->resp.done = 1;
    }
    d->phase = (uint8_t)next;
    msg_reset(d);
    drain(s, dir, sink);
}

/* 2xx to CONNECT or 101: the rest of the connection is not HTTP/1.x. */
static void tunnel(struct http_state *s, int dir, const struct app_sink *sink)
{
    if (s->resp.bound) {
        s->resp.done = 1;
        emit_head(s, 1, dir, sink);
    }
    s->dead = 1;
}

/* ---- start lines -------------------------------------------------- */

struct reqline {
    size_t m_len;            /* method = line[0..m_len)                  */
    size_t u_off, u_len;     /* request-target inside line[]             */
    int    u_cut;            /* target longer than what line[] kept      */
    const uint8_t *ver;      /* HTTP-version (in line[] or tail[])       */
    size_t ver_len;
};

/* RFC 9112 2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT; major 1 only. */
static int is_http1_version(const uint8_t *v, size_t n)
{
    return n == 8 && memcmp(v, "HTTP/1.", 7) == 0 && v[7] >= '0' &&
           v[7] <= '9';
}

/* RFC 9112 3: request-line = method SP request-target SP HTTP-version.
 * Tolerant per 9112 3: extra whitespace between the parts, trailing OWS.
 * Uses the kept head of the line and, when the line was longer, its tail
 * for the version.  0 on success. */
static int parse_request_line(const struct http_dir *d, struct reqline *o)
{
    const uint8_t *l = d->line;
    size_t n = d->line_len, i = 0, u, ue;

    while (i < n && is_tchar(l[i]))
        i++;
    if (i == 0 || i >= n || l[i] != ' ')   /* method = token, then SP */
        return -1;
    o->m_len = i;
    if (d->line_total <= n) {
        size_t e = n, sp;
        while (e > i && is_ows(l[e - 1]))
            e--;
        sp = e;
        while (sp > i && l[sp - 1] != ' ')
            sp--;
        /* l[i] == ' ' so sp >= i + 1; sp - 1 is the last SP. */
        o->ver = l + sp;
        o->ver_len = e - sp;
        ue = sp - 1;
        o->u_cut = 0;
    } else {
        const uint8_t *t = d->tail;
        size_t e = d->tail_n, sp;
        uint64_t abs_sp;
        while (e > 0 && is_ows(t[e - 1]))
            e--;
        sp = e;
        while (sp > 0 && t[sp - 1] != ' ')
            sp--;
        if (sp == 0)
            return -1;
        o->ver = t + sp;
        o->ver_len = e - sp;
        /* absolute position of that SP in the line */
        abs_sp = d->line_total - d->tail_n + (sp - 1);
        if (abs_sp <= i)
            return -1;
        ue = abs_sp < n ? (size_t)abs_sp : n;
        o->u_cut = abs_sp > n;
    }
    if (!is_http1_version(o->ver, o->ver_len))
        return -1;
    u = i + 1;
    while (u < ue && l[u] == ' ')
        u++;
    while (!o->u_cut && ue > u && l[ue - 1] == ' ')
        ue--;
    if (ue <= u)
        return -1;                         /* empty request-target */
    o->u_off = u;
    o->u_len = ue - u;
    return 0;
}

/* RFC 9112 4: status-line = HTTP-version SP status-code SP
 * [ reason-phrase ]; RFC 9110 15: status-code is 100..599.  The SP before
 * an empty reason is tolerated missing.  Status code, or -1. */
static int parse_status_line(const uint8_t *l, size_t n)
{
    uint64_t code;

    if (n < 12 || !is_http1_version(l, 8) || l[8] != ' ')
        return -1;
    if (parse_dec(l + 9, 3, 999, &code) != 0)
        return -1;
    if (n > 12 && l[12] != ' ')
        return -1;
    if (code < 100 || code > 599)
        return -1;
    return (int)code;
}

/* Split a Host value / authority into host and port (RFC 9110 7.2,
 * RFC 3986 3.2.2-3.2.3): "name", "name:port", "[v6]", "[v6]:port".  An
 * empty port is allowed (port 0).  Returns 0, or -1 when the port is not
 * 1*5DIGIT <= 65535 or the brackets are broken (host = whole value). */
static int host_split(const uint8_t *v, size_t n, size_t *ho, size_t *hl,
                      uint16_t *port)
{
    size_t colon = n, ncolon = 0, ps;
    uint64_t pv = 0;

    *ho = 0;
    *hl = n;
    *port = 0;
    if (n == 0)
        return 0;
    if (v[0] == '[') {
        size_t k = 1;
        while (k < n && v[k] != ']')
            k++;
        if (k >= n)
            return -1;                     /* no closing bracket */
        *ho = 1;
        *hl = k - 1;
        if (n - k == 1)
            return 0;
        if (v[k + 1] != ':')
            return -1;
        ps = k + 2;
    } else {
        for (size_t k = 0; k < n; k++)
            if (v[k] == ':') {
                ncolon++;
                colon = k;
            }
        if (ncolon == 0)
            return 0;
        if (ncolon > 1)
            return -1;                     /* unbracketed IPv6 literal */
        *hl = colon;
        ps = colon + 1;
    }
    if (ps == n)
        return 0;                          /* "host:" : empty port */
    if (n - ps > 5 || parse_dec(v + ps, n - ps, 65535, &pv) != 0)
        return -1;
    *port = (uint16_t)pv;
    return 0;
}

/* Set the slot's host (and port) from v[0..n); malformed values count. */
static void set_host(struct http_state *s, struct http_slot *q,
                     const uint8_t *v, size_t n, int cut,
                     const struct app_sink *sink)
{
    size_t ho, hl;
    uint16_t port;

    if (host_split(v, n, &ho, &hl, &port) != 0)
        bad(s, DIR_TOSERVER, sink);
    rq_set(q, RQ_HOST, v + ho, hl, cut && ho + hl == n);
    q->host_port = port;
}

/* RFC 9112 3.2.2 absolute-form: scheme "://" authority path-abempty...;
 * RFC 9112 3.2.3 authority-form for CONNECT.  Takes the host from the
 * request-target (a Host header seen later overrides it). */
static void host_from_target(struct http_state *s, struct http_slot *q,
                             const uint8_t *u, size_t n, int cut,
                             const struct app_sink *sink)
{
    size_t i = 0, a, e, at;

    if (q->is_connect) {
        set_host(s, q, u, n, cut, sink);
        return;
    }
    /* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
    while (i < n && ((u[i] >= 'a' && u[i] <= 'z') ||
                     (u[i] >= 'A' && u[i] <= 'Z') ||
                     (i > 0 && ((u[i] >= '0' && u[i] <= '9') ||
                                u[i] == '+' || u[i] == '-' || u[i] == '.'))))
        i++;
    if (i == 0 || n - i < 3 || memcmp(u + i, "://", 3) != 0)
        return;                            /* origin-form or asterisk */
    a = i + 3;
    e = a;
    while (e < n && u[e] != '/' && u[e] != '?' && u[e] != '#')
        e++;
    at = a;                                /* RFC 3986 3.2.1: userinfo "@" */
    for (size_t k = a; k < e; k++)
        if (u[k] == '@')
            at = k + 1;
    if (e > at)
        set_host(s, q, u + at, e - at, cut && e == n, sink);
}

/* Request line complete (line[] head, tail[]): open a slot.  0 if the
 * line is a request line; -1 (nothing changed) if not. */
static int on_request_line(struct http_state *s, int strict,
                           const struct app_sink *sink)
{
    struct http_dir *d = &s->d[DIR_TOSERVER];
    struct reqline rl;
    struct http_slot *q;

    if (parse_request_line(d, &rl) != 0)
        return -1;
    if (strict && !http_probe(d->line, d->line_len))
        return -1;                         /* resync: known methods only */
    if (s->qcount == HTTP_FIFO) {
        /* FIFO full: emit the oldest now.  Its response, if not started,
         * is still owed by the server and must be skipped. */
        if (s->resp.bound) {
            emit_head(s, 1, DIR_TOSERVER, sink);
        } else {
            if (s->owed < HTTP_OWED_MAX) {
                if (slot_at(s, 0)->is_head)
                    s->owed_head |= 1u << s->owed;
                s->owed++;
            }
            emit_head(s, 0, DIR_TOSERVER, sink);
        }
    }
    q = &s->q[(s->qhead + s->qcount) % HTTP_FIFO];
    memset(q, 0, offsetof(struct http_slot, arena));
    s->qcount++;
    s->cur_open = 1;
    s->midstream = 0;
    q->ts_us = d->line_ts;
    q->tx_id = (uint8_t)s->next_tx++;
    if (d->gap_mark)
        q->flags |= EVF_GAP;
    if (d->line_long)
        q->flags |= EVF_MALFORMED;
    d->gap_mark = 0;
    rq_set(q, RQ_METHOD, d->line, rl.m_len, 0);
    rq_set(q, RQ_URI, d->line + rl.u_off, rl.u_len, rl.u_cut);
    rq_set(q, RQ_PROTO, rl.ver, rl.ver_len, 0);
    q->is_head = rl.m_len == 4 && memcmp(d->line, "HEAD", 4) == 0;
    q->is_connect = rl.m_len == 7 && memcmp(d->line, "CONNECT", 7) == 0;
    host_from_target(s, q, d->line + rl.u_off, rl.u_len, rl.u_cut, sink);
    msg_reset(d);
    d->quiet_after = q->is_connect;
    d->phase = PH_HEADERS;
    return 0;
}

/* Status line complete: bind the response.  0 if it is a status line. */
static int on_status_line(struct http_state *s, const struct app_sink *sink)
{
    struct http_dir *d = &s->d[DIR_TOCLIENT];
    struct http_resp *r = &s->resp;
    int code = parse_status_line(d->line, d->line_len);

    if (code < 0)
        return -1;
    if (r->bound)   /* held: its request is still being written */
        emit_head(s, 1, DIR_TOCLIENT, sink);
    memset(r, 0, offsetof(struct http_resp, arena));
    r->status = (uint16_t)code;
    if (code >= 200 || code == 101) {      /* final (RFC 9110 15.2) */
        if (s->owed) {
            r->req_head = (uint8_t)(s->owed_head & 1u);
            s->owed_head >>= 1;
            s->owed--;
        } else if (s->qcount) {
            struct http_slot *q = slot_at(s, 0);
            r->bound = 1;
            r->req_head = q->is_head;
            r->req_connect = q->is_connect;
            if (d->gap_mark)
                r->flags |= EVF_GAP;
            if (d->line_long)
                r->flags |= EVF_MALFORMED;
            d->gap_mark = 0;
        } else if (!s->midstream) {
            bad(s, DIR_TOCLIENT, sink);    /* response without request */
        }
    }
    msg_reset(d);
    d->phase = PH_HEADERS;
    return 0;
}

/* ---- header fields ------------------------------------------------ */

/* RFC 9110 8.6: Content-Length = 1*DIGIT; a list of identical values is
 * accepted (8.6 "MAY"), different values are invalid (RFC 9112 6.3 #5). */
static void on_content_length(struct http_dir *d, const uint8_t *v, size_t n,
                              int cut)
{
    size_t i = 0;

    if (cut) {
        d->clen_bad = 1;
        return;
    }
    while (i < n) {
        size_t b, e;
        uint64_t x;
        while (i < n && (is_ows(v[i]) || v[i] == ','))
            i++;
        if (i >= n)
            break;
        b = i;
        while (i < n && v[i] != ',')
            i++;
        e = i;
        while (e > b && is_ows(v[e - 1]))
            e--;
        if (parse_dec(v + b, e - b, UINT64_MAX >> 1, &x) != 0 ||
            (d->has_clen && x != d->clen)) {
            d->clen_bad = 1;
            return;
        }
        d->has_clen = 1;
        d->clen = x;
    }
    if (!d->has_clen)
        d->clen_bad = 1;                   /* empty value */
}

/* RFC 9112 6.1: chunked must be the final transfer coding; the last list
 * member of the last Transfer-Encoding line decides. */
static void on_transfer_encoding(struct http_dir *d, const uint8_t *v,
                                 size_t n, int cut)
{
    size_t b = n, e = n;

    d->te = 1;
    if (cut) {
        d->te_chunked = 0;
        return;
    }
    while (e > 0 && (is_ows(v[e - 1]) || v[e - 1] == ','))
        e--;
    b = e;
    while (b > 0 && v[b - 1] != ',')
        b--;
    for (size_t k = b; k < e; k++)         /* drop transfer-parameters */
        if (v[k] == ';') {
            e = k;
            break;
        }
    while (b < e && is_ows(v[b]))
        b++;
    while (e > b && is_ows(v[e - 1]))
        e--;
    d->te_chunked = (uint8_t)eq_ci(v + b, e - b, "chunked");
}

/* One header line (head of it in line[]; over = the line was cut).
 * RFC 9112 5: field-line = field-name ":" OWS field-value OWS. */
static void on_header_line(struct http_state *s, int dir, int over,
                           const struct app_sink *sink)
{
    struct http_dir *d = &s->d[dir];
    const uint8_t *l = d->line;
    size_t n = d->line_len, i = 0, vb, ve;
    const uint8_t *v;
    int cut = over;

    if (++d->nhdr > HTTP_MAX_HEADERS) {
        if (d->nhdr == HTTP_MAX_HEADERS + 1)
            bad(s, dir, sink);             /* counted once per message */
        d->nhdr = HTTP_MAX_HEADERS + 2;    /* saturate */
        return;
    }
    if (n && is_ows(l[0]))
        return;                            /* RFC 9112 5.2 obs-fold: ignored */
    while (i < n && is_tchar(l[i]))
        i++;
    /* RFC 9112 5.1: no whitespace between field name and colon. */
    if (i == 0 || i >= n || l[i] != ':') {
        bad(s, dir, sink);
        return;
    }
    vb = i + 1;
    while (vb < n && is_ows(l[vb]))
        vb++;
    ve = n;
    while (!over && ve > vb && is_ows(l[ve - 1]))
        ve--;
    v = l + vb;

#define NAME(w) eq_ci(l, i, w)
    if (NAME("content-length")) {
        on_content_length(d, v, ve - vb, cut);
    } else if (NAME("transfer-encoding")) {
        on_transfer_encoding(d, v, ve - vb, cut);
    } else if (dir == DIR_TOSERVER) {
        struct http_slot *q = s->cur_open ? slot_newest(s) : NULL;
        if (NAME("upgrade")) {
            d->quiet_after = 1;
        } else if (NAME("host")) {
            if (d->seen & HS_HOST) {
                bad(s, dir, sink);         /* RFC 9110 7.2: one Host only */
            } else {
                d->seen |= HS_HOST;
                if (q && ve > vb)
                    set_host(s, q, v, ve - vb, cut, sink);
            }
        } else if (NAME("user-agent") && !(d->seen & HS_UA)) {
            d->seen |= HS_UA;
            if (q)
                rq_set(q, RQ_UA, v, ve - vb, cut);
        } else if (NAME("referer") && !(d->seen & HS_REFERER)) {
            d->seen |= HS_REFERER;
            if (q)
                rq_set(q, RQ_REFERER, v, ve - vb, cut);
        } else if (NAME("content-type") && !(d->seen & HS_CTYPE)) {
            d->seen |= HS_CTYPE;
            if (q)
                rq_set(q, RQ_CTYPE, v, ve - vb, cut);
        }
    } else {
        struct http_resp *r = &s->resp;
        int f = -1;
        if (NAME("content-type") && !(d->seen & HS_CTYPE)) {
            d->seen |= HS_CTYPE;
            f = RS_CTYPE;
        } else if (NAME("location") && !(d->seen & HS_LOCATION)) {
            d->seen |= HS_LOCATION;
            f = RS_LOCATION;
        } else if (NAME("server") && !(d->seen & HS_SERVER)) {
            d->seen |= HS_SERVER;
            f = RS_SERVER;
        }
        if (f >= 0)
            fld_set(r->arena, r->len, rs_off, rs_cap, f, v, ve - vb, cut,
                    &r->flags);
    }
#undef NAME
}

/* Empty line after the request headers: choose the body framing
 * (RFC 9112 6.3 #3-#6 for requests). */
static void request_headers_end(struct http_state *s,
                                const struct app_sink *sink)
{
    struct http_dir *d = &s->d[DIR_TOSERVER];

    if (d->te) {
        if (d->has_clen || d->clen_bad)
            bad(s, DIR_TOSERVER, sink);    /* 6.1: TE + CL, smuggling sign */
        if (d->te_chunked) {
            d->phase = PH_CHUNK_SIZE;
            return;
        }
        bad(s, DIR_TOSERVER, sink);        /* 6.3 #4: not chunked: 400 */
        msg_end(s, DIR_TOSERVER, PH_RESYNC, sink);
        return;
    }
    if (d->clen_bad) {                     /* 6.3 #5: invalid length */
        bad(s, DIR_TOSERVER, sink);
        msg_end(s, DIR_TOSERVER, PH_RESYNC, sink);
        return;
    }
    if (d->has_clen && d->clen > 0) {      /* 6.3 #6 */
        d->remain = d->clen;
        d->phase = PH_BODY_LEN;
        return;
    }
    msg_end(s, DIR_TOSERVER, PH_START, sink);  /* 6.3 #7: no body */
}

/* Empty line after the response headers (RFC 9112 6.3 #1-#7). */
static void response_headers_end(struct http_state *s,
                                 const struct app_sink *sink)
{
    struct http_dir *d = &s->d[DIR_TOCLIENT];
    struct http_resp *r = &s->resp;
    int st = r->status;

    if (st == 101 || (r->req_connect && st >= 200 && st < 300)) {
        tunnel(s, DIR_TOCLIENT, sink);     /* 6.3 #2; RFC 9110 15.2.2 */
        return;
    }
    if (st < 200) {                        /* interim: not the answer */
        d->phase = PH_START;
        msg_reset(d);
        return;
    }
    if (r->req_head || st == 204 || st == 304) {   /* 6.3 #1 */
        msg_end(s, DIR_TOCLIENT, PH_START, sink);
        return;
    }
    if (d->te) {                           /* 6.3 #3 */
        if (d->has_clen || d->clen_bad)
            bad(s, DIR_TOCLIENT, sink);
        d->phase = d->te_chunked ? PH_CHUNK_SIZE : PH_BODY_CLOSE;
        return;
    }
    if (d->clen_bad) {                     /* 6.3 #5 */
        bad(s, DIR_TOCLIENT, sink);
        d->phase = PH_BODY_CLOSE;
        return;
    }
    if (d->has_clen) {                     /* 6.3 #6 */
        if (d->clen == 0) {
            msg_end(s, DIR_TOCLIENT, PH_START, sink);
            return;
        }
        d->remain = d->clen;
        d->phase = PH_BODY_LEN;
        return;
    }
    d->phase = PH_BODY_CLOSE;              /* 6.3 #8: until close */
}

/* RFC 9112 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF;
 * chunk-size = 1*HEXDIG; chunk-ext = *( BWS ";" BWS name [ = value ] ).
 * 0 and *size, or -1 (no digit, overflow, junk after the size). */
static int parse_chunk_size(const uint8_t *l, size_t n, int over,
                            uint64_t *size)
{
    size_t i = 0;
    uint64_t x = 0;

    while (i < n) {
        uint8_t c = l[i];
        unsigned dv;
        if (c >= '0' && c <= '9')
            dv = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            dv = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            dv = (unsigned)(c - 'A' + 10);
        else
            break;
        if (x > (UINT64_MAX >> 5))
            return -1;                     /* > 2^59: absurd, refuse */
        x = (x << 4) | dv;
        i++;
    }
    if (i == 0 || (i == n && over))
        return -1;
    while (i < n && is_ows(l[i]))
        i++;
    if (i < n && l[i] != ';')
        return -1;
    *size = x;
    return 0;
}

/* ---- the line dispatcher ------------------------------------------ */

/* A complete line of dir is in line[]/tail[] (LF and one CR removed). */
static void on_line(struct http_state *s, int dir,
                    const struct app_sink *sink)
{
    struct http_dir *d = &s->d[dir];
    int over = d->line_total > d->line_len;
    int empty = d->line_total == 0;
    uint64_t size;

    switch (d->phase) {
    case PH_START:
        if (empty)
            return;          /* RFC 9112 2.2: ignore empty lines before */
        if ((dir == DIR_TOSERVER ? on_request_line(s, 0, sink)
                                 : on_status_line(s, sink)) != 0) {
            bad(s, dir, sink);
            d->phase = PH_RESYNC;
        }
        return;
    case PH_RESYNC:
        if (empty)
            return;
        if (dir == DIR_TOSERVER)
            (void)on_request_line(s, 1, sink);
        else
            (void)on_status_line(s, sink);
        return;
    case PH_HEADERS:
        if (!empty) {
            on_header_line(s, dir, over, sink);
            return;
        }
        if (dir == DIR_TOSERVER)
            request_headers_end(s, sink);
        else
            response_headers_end(s, sink);
        return;
    case PH_CHUNK_SIZE:
        if (parse_chunk_size(d->line, d->line_len, over, &size) != 0) {
            bad(s, dir, sink);
            msg_end(s, dir, PH_RESYNC, sink);
        } else if (size == 0) {
            d->nhdr = 0;
            d->phase = PH_TRAILERS;        /* last-chunk */
        } else {
            d->remain = size;
            d->phase = PH_CHUNK_DATA;
        }
        return;
    case PH_CHUNK_END:
        if (!empty) {                      /* data longer than its size */
            bad(s, dir, sink);
            msg_end(s, dir, PH_RESYNC, sink);
        } else {
            d->phase = PH_CHUNK_SIZE;
        }
        return;
    case PH_TRAILERS:
        if (empty) {
            msg_end(s, dir, PH_START, sink);
        } else if (++d->nhdr == HTTP_MAX_HEADERS + 1) {
            bad(s, dir, sink);
        } else if (d->nhdr > HTTP_MAX_HEADERS + 1) {
            d->nhdr = HTTP_MAX_HEADERS + 2;
        }
        return;
    default:
        return;
    }
}

static void line_reset(struct http_dir *d)
{
    d->line_len = 0;
    d->line_total = 0;
    d->tail_n = 0;
    d->line_long = 0;
}

/* Append n line bytes: keep the first HTTP_LINE_KEEP and the last
 * HTTP_TAIL, count all. */
static void line_append(struct http_dir *d, const uint8_t *b, size_t n)
{
    size_t room = (size_t)HTTP_LINE_KEEP - d->line_len;
    size_t k = n < room ? n : room;

    if (k) {
        memcpy(d->line + d->line_len, b, k);
        d->line_len = (uint16_t)(d->line_len + k);
    }
    if (n >= HTTP_TAIL) {
        memcpy(d->tail, b + (n - HTTP_TAIL), HTTP_TAIL);
        d->tail_n = HTTP_TAIL;
    } else if (n) {
        size_t keep = d->tail_n;
        if (keep + n > HTTP_TAIL) {
            size_t drop = keep + n - HTTP_TAIL;
            memmove(d->tail, d->tail + drop, keep - drop);
            keep -= drop;
        }
        memcpy(d->tail + keep, b, n);
        d->tail_n = (uint8_t)(keep + n);
    }
    d->line_total += n;
}

/* The LF came: drop one CR before it (RFC 9112 2.2 accepts bare LF). */
static void line_strip_cr(struct http_dir *d)
{
    if (d->tail_n == 0 || d->tail[d->tail_n - 1] != '\r')
        return;
    if (d->line_total <= d->line_len)
        d->line_len--;                     /* the CR is inside the head */
    d->tail_n--;
    d->line_total--;
}

static void body_count(struct http_state *s, int dir, size_t n)
{
    if (dir == DIR_TOSERVER) {
        if (s->cur_open)
            slot_newest(s)->body_len += n;
    } else if (s->resp.bound) {
        s->resp.body_len += n;
    }
}

/* RFC 9112 2.3 / 5: a line beyond HTTP_LINE_MAX is an anomaly, counted
 * once per line.  A start line has no message yet: line_long is applied
 * to the message when it is created. */
static void line_too_long(struct http_state *s, int dir,
                          const struct app_sink *sink)
{
    struct http_dir *d = &s->d[dir];

    if (d->line_long)
        return;
    d->line_long = 1;
    if (d->phase != PH_RESYNC)
        bad(s, dir, sink);
}

/* Deferred work of http_gap (which has no sink). */
static void settle(struct http_state *s, int dir, const struct app_sink *sink)
{
    if (s->gaps_pending) {
        stat_add(sink, 2, s->gaps_pending);
        s->gaps_pending = 0;
    }
    drain(s, dir, sink);
}

/* ---- public entry points ------------------------------------------ */

void http_feed(struct http_state *s, int dir, const uint8_t *p, size_t len,
               uint64_t ts_us, const struct app_sink *sink)
{
    struct http_dir *d;
    struct rd r;

    if (!s || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    settle(s, dir, sink);
    d = &s->d[dir];
    r = rd_init(p, len);
    while (!s->dead && rd_left(&r) > 0) {
        size_t avail = rd_left(&r);
        switch (d->phase) {
        case PH_BODY_LEN:
        case PH_CHUNK_DATA: {
            size_t n = d->remain < avail ? (size_t)d->remain : avail;
            (void)rd_skip(&r, n);
            d->remain -= n;
            body_count(s, dir, n);
            if (d->remain == 0) {
                if (d->phase == PH_BODY_LEN)
                    msg_end(s, dir, PH_START, sink);
                else
                    d->phase = PH_CHUNK_END;
            }
            break;
        }
        case PH_BODY_CLOSE:
            (void)rd_skip(&r, avail);
            body_count(s, dir, avail);
            break;
        default: {
            /* rd_left() proved avail bytes at r.p + r.off */
            const uint8_t *lf = memchr(r.p + r.off, '\n', avail);
            size_t n = lf ? (size_t)(lf - (r.p + r.off)) : avail;
            const uint8_t *seg = rd_bytes(&r, n);
            if (d->line_total == 0)
                d->line_ts = ts_us;
            if (n)
                line_append(d, seg, n);
            /* +1: the CR of the CRLF is not part of the line */
            if (d->line_total > (uint64_t)HTTP_LINE_MAX + 1)
                line_too_long(s, dir, sink);
            if (lf) {
                (void)rd_skip(&r, 1);
                line_strip_cr(d);
                if (d->line_total > HTTP_LINE_MAX)
                    line_too_long(s, dir, sink);
                on_line(s, dir, sink);
                line_reset(d);
            }
            break;
        }
        }
    }
}

void http_gap(struct http_state *s, int dir)
{
    struct http_dir *d;

    if (!s || (dir != DIR_TOSERVER && dir != DIR_TOCLIENT))
        return;
    s->gaps_pending++;
    if (s->dead)
        return;
    d = &s->d[dir];
    line_reset(d);
    msg_reset(d);
    if (dir == DIR_TOSERVER) {
        if (s->cur_open) {                 /* the request being written */
            struct http_slot *q = slot_newest(s);
            q->flags |= EVF_GAP;
            q->req_done = 1;
            s->cur_open = 0;
        } else {
            d->gap_mark = 1;               /* a whole request may be lost */
        }
        d->quiet_after = 0;
    } else if (s->resp.bound && !s->resp.done) {
        s->resp.flags |= EVF_GAP;
        s->resp.done = 1;
    } else {
        d->gap_mark = 1;                   /* a whole response may be lost */
    }
    d->phase = PH_RESYNC;
}

void http_close(struct http_state *s, uint64_t ts_us,
                const struct app_sink *sink)
{
    (void)ts_us;   /* events carry their request's time */
    if (!s)
        return;
    settle(s, DIR_TOCLIENT, sink);
    if (s->qcount && s->resp.bound)
        emit_head(s, 1, DIR_TOCLIENT, sink);
    while (s->qcount)
        emit_head(s, 0, DIR_TOSERVER, sink);
    s->cur_open = 0;
    s->dead = 1;
}

int http_probe(const uint8_t *p, size_t len)
{
    /* RFC 9110 9.3, RFC 5789 (PATCH), RFC 4918 (WebDAV), RFC 3253
     * (DeltaV REPORT etc.), RFC 5323 (SEARCH). */
    static const char *const methods[] = {
        "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT",
        "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY",
        "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "MKACTIVITY",
        "CHECKOUT", "MERGE",
    };

    if (!p)
        return 0;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        size_t ml = strlen(methods[i]);
        if (len > ml && memcmp(p, methods[i], ml) == 0 && p[ml] == ' ')
            return 1;
    }
    return 0;
}

int http_done(const struct http_state *s)
{
    return s->dead;
}

int http_idle(const struct http_state *s)
{
    if (s->dead || s->qcount || s->owed || s->gaps_pending || s->cur_open)
        return 0;
    for (int i = 0; i < 2; i++) {
        const struct http_dir *d = &s->d[i];
        if (d->phase != PH_START || d->line_total || d->tail_n || d->line_len)
            return 0;
    }
    return 1;
}

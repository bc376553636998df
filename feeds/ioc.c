/*
 * ioc.c -- the indicator store of each feed, the lookup, and the manager
 * that loads feeds and rebuilds them on reload.
 *
 * Memory per feed (measured in docs/performance.md):
 *   - values and reasons: one arena of NUL-terminated strings (a reason is
 *     interned: stored once per feed however many entries give it);
 *   - entries: 12 bytes (arena offsets of value and reason, length, type);
 *   - one open-addressing hash table for every string type: 8-byte slots
 *     (entry index + 32 bits of the hash, so a probe rarely touches the
 *     arena), load <= 0.7, keyed SipHash (capture/hash.h) so that a feed
 *     author or a peer cannot choose colliding values;
 *   - addresses: a path-compressed binary trie per family, 32-byte nodes,
 *     at most two per prefix (the prefix and one branching node).
 * Arrays grow by doubling while a feed loads and are trimmed to their
 * size when it is complete.
 */
#define _GNU_SOURCE
#include "ioc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define NIL UINT32_MAX
#define IOC_FEEDS_MAX 32
#define WARN_MAX 20            /* file:line warnings printed per feed load */
#define FEED_FILE_MAX (1ull << 31)

/* ---- the store ------------------------------------------------------- */

struct ent {
    uint32_t str;            /* arena offset of the value               */
    uint32_t reason;         /* arena offset of the reason (0: "")      */
    uint16_t len;
    uint8_t type;
};

struct slot {
    uint32_t ent1;           /* entry index + 1; 0 = empty              */
    uint32_t tag;            /* high half of the hash                   */
};

struct lpm_node {
    uint64_t k[2];           /* prefix, bits past plen zero             */
    uint32_t child[2];
    uint32_t ent;            /* NIL: a branching node only              */
    uint8_t plen;
};

struct store {
    char *arena;
    size_t alen, acap;
    struct ent *ents;
    uint32_t nents, cents;
    struct slot *slots;      /* values                                  */
    uint32_t mask, used;
    struct slot *rslots;     /* interned reasons (ent1 = arena offset)  */
    uint32_t rmask, rused;
    struct lpm_node *nodes;
    uint32_t nnodes, cnodes;
    uint32_t root[2];        /* IPv4, IPv6                              */
};

static int grow(void **p, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap)
        return 0;
    uint64_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (c > UINT32_MAX - 1)
        return -1;
    void *q = realloc(*p, (size_t)c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = (uint32_t)c;
    return 0;
}

static int store_init(struct store *s)
{
    memset(s, 0, sizeof(*s));
    s->root[0] = s->root[1] = NIL;
    s->acap = 4096;
    s->arena = malloc(s->acap);
    s->mask = 1023;
    s->slots = calloc(s->mask + 1, sizeof(*s->slots));
    s->rmask = 63;
    s->rslots = calloc(s->rmask + 1, sizeof(*s->rslots));
    if (!s->arena || !s->slots || !s->rslots)
        return -1;
    s->arena[0] = 0;          /* offset 0: the empty reason */
    s->alen = 1;
    return 0;
}

static void store_free(struct store *s)
{
    free(s->arena);
    free(s->ents);
    free(s->slots);
    free(s->rslots);
    free(s->nodes);
    memset(s, 0, sizeof(*s));
}

static size_t store_bytes(const struct store *s)
{
    return s->acap + (size_t)s->cents * sizeof(struct ent) +
           ((size_t)s->mask + 1) * sizeof(struct slot) +
           ((size_t)s->rmask + 1) * sizeof(struct slot) +
           (size_t)s->cnodes * sizeof(struct lpm_node);
}

/* trim the growth slack once a feed is loaded */
static void store_shrink(struct store *s)
{
    void *q;
    if (s->alen && (q = realloc(s->arena, s->alen))) {
        s->arena = q;
        s->acap = s->alen;
    }
    if (s->nents && (q = realloc(s->ents, (size_t)s->nents * sizeof(struct ent)))) {
        s->ents = q;
        s->cents = s->nents;
    }
    if (s->nnodes && (q = realloc(s->nodes, (size_t)s->nnodes * sizeof(struct lpm_node)))) {
        s->nodes = q;
        s->cnodes = s->nnodes;
    }
}

static int64_t arena_put(struct store *s, const char *p, size_t n)
{
    if (s->alen + n + 1 > s->acap) {
        size_t c = s->acap * 2;
        while (c < s->alen + n + 1)
            c *= 2;
        if (c > UINT32_MAX)
            return -1;
        char *q = realloc(s->arena, c);
        if (!q)
            return -1;
        s->arena = q;
        s->acap = c;
    }
    size_t off = s->alen;
    memcpy(s->arena + off, p, n);
    s->arena[off + n] = 0;
    s->alen += n + 1;
    return (int64_t)off;
}

static uint64_t vhash(const struct hkey *key, int type, const char *v, size_t n)
{
    return hk_bytes(key, v, n) ^ ((uint64_t)type * 0x9e3779b97f4a7c15ull);
}

static int rehash(struct slot **slots, uint32_t *mask, uint32_t newmask,
                  const struct store *s, const struct hkey *key, int reasons)
{
    struct slot *ns = calloc((size_t)newmask + 1, sizeof(*ns));
    if (!ns)
        return -1;
    for (uint32_t i = 0; i <= *mask; i++) {
        struct slot sl = (*slots)[i];
        if (!sl.ent1)
            continue;
        uint64_t h;
        if (reasons) {
            const char *r = s->arena + sl.ent1;
            h = hk_bytes(key, r, strlen(r));
        } else {
            const struct ent *e = &s->ents[sl.ent1 - 1];
            h = vhash(key, e->type, s->arena + e->str, e->len);
        }
        uint32_t j = (uint32_t)h & newmask;
        while (ns[j].ent1)
            j = (j + 1) & newmask;
        ns[j] = sl;
    }
    free(*slots);
    *slots = ns;
    *mask = newmask;
    return 0;
}

static uint32_t intern_reason(struct store *s, const struct hkey *key, const char *r, size_t n)
{
    if (n == 0)
        return 0;
    if (n >= INTEL_REASON_MAX)
        n = INTEL_REASON_MAX - 1;
    uint64_t h = hk_bytes(key, r, n);
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint32_t j = (uint32_t)h & s->rmask;; j = (j + 1) & s->rmask) {
        struct slot *sl = &s->rslots[j];
        if (!sl->ent1)
            break;
        if (sl->tag == tag && strncmp(s->arena + sl->ent1, r, n) == 0 &&
            s->arena[sl->ent1 + n] == 0)
            return sl->ent1;
    }
    if ((s->rused + 1) * 10 > (s->rmask + 1) * 7 &&
        rehash(&s->rslots, &s->rmask, s->rmask * 2 + 1, s, key, 1) < 0)
        return 0;
    int64_t off = arena_put(s, r, n);
    if (off < 0)
        return 0;
    uint32_t j = (uint32_t)h & s->rmask;
    while (s->rslots[j].ent1)
        j = (j + 1) & s->rmask;
    s->rslots[j].ent1 = (uint32_t)off;
    s->rslots[j].tag = tag;
    s->rused++;
    return (uint32_t)off;
}

static int32_t hash_find(const struct store *s, int type, const char *v, size_t n, uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint32_t j = (uint32_t)h & s->mask;; j = (j + 1) & s->mask) {
        const struct slot *sl = &s->slots[j];
        if (!sl->ent1)
            return -1;
        if (sl->tag != tag)
            continue;
        const struct ent *e = &s->ents[sl->ent1 - 1];
        if (e->type == type && e->len == n && memcmp(s->arena + e->str, v, n) == 0)
            return (int32_t)(sl->ent1 - 1);
    }
}

static int32_t new_ent(struct store *s, const struct hkey *key, int type, const char *v,
                       size_t n, const char *r, size_t rn)
{
    if (n > UINT16_MAX || s->nents >= (1u << 30) ||
        grow((void **)&s->ents, &s->cents, sizeof(struct ent), s->nents + 1) < 0)
        return -1;
    int64_t off = arena_put(s, v, n);
    if (off < 0)
        return -1;
    struct ent *e = &s->ents[s->nents];
    e->str = (uint32_t)off;
    e->len = (uint16_t)n;
    e->type = (uint8_t)type;
    e->reason = intern_reason(s, key, r, rn);
    return (int32_t)s->nents++;
}

/* 1 added, 0 already there, -1 out of memory */
static int hash_add(struct store *s, const struct hkey *key, int type, const char *v, size_t n,
                    const char *r, size_t rn)
{
    uint64_t h = vhash(key, type, v, n);
    if (hash_find(s, type, v, n, h) >= 0)
        return 0;
    if ((s->used + 1) * 10 > (s->mask + 1) * 7 &&
        rehash(&s->slots, &s->mask, s->mask * 2 + 1, s, key, 0) < 0)
        return -1;
    int32_t e = new_ent(s, key, type, v, n, r, rn);
    if (e < 0)
        return -1;
    uint32_t j = (uint32_t)h & s->mask;
    while (s->slots[j].ent1)
        j = (j + 1) & s->mask;
    s->slots[j].ent1 = (uint32_t)e + 1;
    s->slots[j].tag = (uint32_t)(h >> 32);
    s->used++;
    return 1;
}

/* ---- longest-prefix trie --------------------------------------------- */

static void addr_key(const struct sh_addr *a, uint64_t k[2])
{
    uint64_t hi = 0, lo = 0;
    if (a->family == 4) {
        hi = (uint64_t)a->a[0] << 56 | (uint64_t)a->a[1] << 48 | (uint64_t)a->a[2] << 40 |
             (uint64_t)a->a[3] << 32;
    } else {
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | a->a[i];
            lo = lo << 8 | a->a[8 + i];
        }
    }
    k[0] = hi;
    k[1] = lo;
}

static int kbit(const uint64_t k[2], unsigned i)
{
    return (int)((k[i >> 6] >> (63 - (i & 63))) & 1);
}

static unsigned kcommon(const uint64_t a[2], const uint64_t b[2])
{
    uint64_t x = a[0] ^ b[0];
    if (x)
        return (unsigned)__builtin_clzll(x);
    x = a[1] ^ b[1];
    return x ? 64 + (unsigned)__builtin_clzll(x) : 128;
}

static void kmask(uint64_t k[2], unsigned plen)
{
    if (plen < 64) {
        k[0] = plen ? k[0] & (~0ull << (64 - plen)) : 0;
        k[1] = 0;
    } else if (plen < 128) {
        k[1] = plen > 64 ? k[1] & (~0ull << (128 - plen)) : 0;
    }
}

static int32_t lpm_node(struct store *s, const uint64_t k[2], unsigned plen, uint32_t ent)
{
    if (grow((void **)&s->nodes, &s->cnodes, sizeof(struct lpm_node), s->nnodes + 1) < 0)
        return -1;
    struct lpm_node *n = &s->nodes[s->nnodes];
    n->k[0] = k[0];
    n->k[1] = k[1];
    kmask(n->k, plen);
    n->plen = (uint8_t)plen;
    n->ent = ent;
    n->child[0] = n->child[1] = NIL;
    return (int32_t)s->nnodes++;
}

/* Finds or creates the node of prefix k/plen; returns it, -1 on ENOMEM. */
static int32_t lpm_insert(struct store *s, int fam, const uint64_t kin[2], unsigned plen)
{
    uint64_t k[2] = { kin[0], kin[1] };
    kmask(k, plen);
    uint32_t *link = &s->root[fam];
    uint32_t parent = NIL;
    int dir = 0;
    for (;;) {
        uint32_t ni = parent == NIL ? s->root[fam] : s->nodes[parent].child[dir];
        if (ni == NIL) {
            int32_t nn = lpm_node(s, k, plen, NIL);
            if (nn < 0)
                return -1;
            link = parent == NIL ? &s->root[fam] : &s->nodes[parent].child[dir];
            *link = (uint32_t)nn;
            return nn;
        }
        struct lpm_node *n = &s->nodes[ni];
        unsigned cl = kcommon(k, n->k);
        if (cl > plen)
            cl = plen;
        if (cl > n->plen)
            cl = n->plen;
        if (cl == n->plen && cl == plen)
            return (int32_t)ni;
        if (cl == n->plen) {                 /* n is a prefix of k: descend */
            parent = ni;
            dir = kbit(k, n->plen);
            continue;
        }
        /* k and n diverge at cl (or k is a prefix of n): a node above n */
        uint64_t nk[2] = { n->k[0], n->k[1] };
        int32_t mid = lpm_node(s, k, cl, NIL);  /* may move s->nodes */
        if (mid < 0)
            return -1;
        s->nodes[mid].child[kbit(nk, cl)] = ni;
        link = parent == NIL ? &s->root[fam] : &s->nodes[parent].child[dir];
        *link = (uint32_t)mid;
        if (cl == plen)
            return mid;                      /* k itself is the new node */
        int32_t leaf = lpm_node(s, k, plen, NIL);
        if (leaf < 0)
            return -1;
        s->nodes[mid].child[kbit(k, cl)] = (uint32_t)leaf;
        return leaf;
    }
}

static uint32_t lpm_lookup(const struct store *s, const struct sh_addr *a)
{
    uint64_t k[2];
    int fam = a->family == 6;
    unsigned max = fam ? 128 : 32;
    uint32_t best = NIL;
    addr_key(a, k);
    for (uint32_t ni = s->root[fam]; ni != NIL;) {
        const struct lpm_node *n = &s->nodes[ni];
        if (n->plen && kcommon(k, n->k) < n->plen)
            break;
        if (n->ent != NIL)
            best = n->ent;
        if (n->plen >= max)
            break;
        ni = n->child[kbit(k, n->plen)];
    }
    return best;
}

/* "192.0.2.0/24" (canonical) into the trie: 1 added, 0 there, -1 error */
static int ip_add(struct store *s, const struct hkey *key, const char *v, size_t n,
                  const char *r, size_t rn)
{
    char tmp[64];
    struct sh_addr a;
    const char *slash = memchr(v, '/', n);
    size_t alen = slash ? (size_t)(slash - v) : n;
    if (alen >= sizeof(tmp))
        return -1;
    memcpy(tmp, v, alen);
    tmp[alen] = 0;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, tmp, a.a) == 1)
        a.family = 4;
    else if (inet_pton(AF_INET6, tmp, a.a) == 1)
        a.family = 6;
    else
        return -1;
    unsigned plen = slash ? (unsigned)atoi(slash + 1) : a.family == 4 ? 32 : 128;
    uint64_t k[2];
    addr_key(&a, k);
    int32_t ni = lpm_insert(s, a.family == 6, k, plen);
    if (ni < 0)
        return -1;
    if (s->nodes[ni].ent != NIL)
        return 0;
    int32_t e = new_ent(s, key, IOC_IP, v, n, r, rn);
    if (e < 0)
        return -1;
    s->nodes[ni].ent = (uint32_t)e;
    return 1;
}

/* ---- feeds and sets ------------------------------------------------- */

struct feed {
    _Atomic int refs;
    struct ioc_feed_def def;
    struct store st;
    struct ioc_feed_stats stats;
    int loaded;                      /* read at least once              */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct ioc_db {
    int n;
    struct feed *f[IOC_FEEDS_MAX];
    struct hkey key;
    uint64_t lookups, hits;
    uint64_t feed_hits[IOC_FEEDS_MAX];
};

static void feed_unref(struct feed *f)
{
    if (f && atomic_fetch_sub(&f->refs, 1) == 1) {
        store_free(&f->st);
        free(f);
    }
}

static void db_free(struct ioc_db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->n; i++)
        feed_unref(db->f[i]);
    free(db);
}

static void put_hit(const struct feed *f, uint32_t ei, struct intel_hit *h)
{
    const struct ent *e = &f->st.ents[ei];
    memset(h, 0, sizeof(*h));
    h->type = e->type;
    snprintf(h->entry, sizeof(h->entry), "%s", f->st.arena + e->str);
    snprintf(h->feed, sizeof(h->feed), "%s", f->def.name);
    snprintf(h->reason, sizeof(h->reason), "%s", f->st.arena + e->reason);
    h->weight = f->def.weight;
    h->confidence = f->def.confidence;
}

int ioc_lookup(void *ctx, int type, const char *value, size_t len,
               const struct sh_addr *ip, struct intel_hit *out, int max)
{
    struct ioc_db *db = ctx;
    char buf[EVIDENCE_IOC_MAX * 2];
    int nh = 0;
    uint32_t got = 0;                /* feeds that already gave a hit */

    if (!db || max <= 0 || type <= IOC_NONE || type >= IOC_TYPE_MAX)
        return 0;
    db->lookups++;
    if (type == IOC_IP) {
        struct sh_addr a;
        if (ip && (ip->family == 4 || ip->family == 6)) {
            a = *ip;
        } else {
            int t = IOC_IP;
            if (!value || ioc_canon(&t, value, len, buf, sizeof(buf)) < 0 || strchr(buf, '/'))
                return 0;
            memset(&a, 0, sizeof(a));
            if (inet_pton(AF_INET, buf, a.a) == 1)
                a.family = 4;
            else if (inet_pton(AF_INET6, buf, a.a) == 1)
                a.family = 6;
            else
                return 0;
        }
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (a.family == 6 && memcmp(a.a, mapped, 12) == 0) {
            memmove(a.a, a.a + 12, 4);
            memset(a.a + 4, 0, 12);
            a.family = 4;
        }
        for (int i = 0; i < db->n && nh < max; i++) {
            uint32_t e = lpm_lookup(&db->f[i]->st, &a);
            if (e != NIL) {
                put_hit(db->f[i], e, &out[nh++]);
                db->feed_hits[i]++;
            }
        }
        db->hits += nh > 0;
        return nh;
    }
    if (!value)
        return 0;
    int t = type;
    int n;
    if (type == IOC_DOMAIN) {
        /* the engine gives canonical names; fold case and a final dot anyway */
        while (len && value[len - 1] == '.')
            len--;
        if (len == 0 || len >= sizeof(buf))
            return 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] + 32 : value[i]);
        buf[len] = 0;
        n = (int)len;
    } else {
        n = ioc_canon(&t, value, len, buf, sizeof(buf));
        if (n < 0)
            return 0;
    }
    const char *p = buf;
    size_t pl = (size_t)n;
    for (;;) {
        uint64_t h = vhash(&db->key, t, p, pl);
        for (int i = 0; i < db->n && nh < max; i++) {
            if (got & (1u << i))
                continue;
            int32_t e = hash_find(&db->f[i]->st, t, p, pl, h);
            if (e >= 0) {
                put_hit(db->f[i], (uint32_t)e, &out[nh++]);
                got |= 1u << i;
                db->feed_hits[i]++;
            }
        }
        if (t != IOC_DOMAIN || nh >= max)
            break;
        const char *dot = memchr(p, '.', pl);    /* the parent zone */
        if (!dot)
            break;
        pl -= (size_t)(dot + 1 - p);
        p = dot + 1;
        if (pl == 0)
            break;
    }
    db->hits += nh > 0;
    return nh;
}

/* ---- loading one feed ------------------------------------------------ */

struct loadctx {
    struct feed *f;
    const struct hkey *key;
    int oom;
};

/* An entry that would match (nearly) every destination: a top-level
 * domain (the suffix walk matches every name under it), an IPv4 prefix
 * shorter than /8 or an IPv6 one shorter than /16.  One such line in a
 * broken or hostile feed would make every host's traffic an indicator. */
static int too_broad(int t, const char *v, size_t n)
{
    if (t == IOC_DOMAIN)
        return memchr(v, '.', n) == NULL;
    if (t != IOC_IP)
        return 0;
    const char *sl = memchr(v, '/', n);
    if (!sl)
        return 0;
    int plen = atoi(sl + 1);
    return plen < (memchr(v, ':', (size_t)(sl - v)) ? 16 : 8);
}

static int sink(void *ctx, int type, const char *v, size_t n, const char *r, size_t rn)
{
    struct loadctx *L = ctx;
    char buf[EVIDENCE_IOC_MAX * 2];
    int t = type;
    int cn = ioc_canon(&t, v, n, buf, sizeof(buf));
    if (cn < 0 || cn >= EVIDENCE_IOC_MAX)
        return -1;                   /* too long to be named in evidence */
    if (too_broad(t, buf, (size_t)cn))
        return -1;                   /* skipped, counted and warned as malformed */
    int rc = t == IOC_IP ? ip_add(&L->f->st, L->key, buf, (size_t)cn, r, rn)
                         : hash_add(&L->f->st, L->key, t, buf, (size_t)cn, r, rn);
    if (rc < 0) {
        L->oom = 1;
        return 0;                    /* not the line's fault */
    }
    if (rc == 0) {
        L->f->stats.duplicates++;
        return 0;
    }
    L->f->stats.entries++;
    L->f->stats.by_type[t]++;
    return 0;
}

static double now_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads the whole file; NULL with errno on failure. */
static char *slurp(const char *path, size_t *len, struct stat *st)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    if (fstat(fileno(fp), st) < 0 || !S_ISREG(st->st_mode) ||
        (uint64_t)st->st_size > FEED_FILE_MAX) {
        int e = S_ISREG(st->st_mode) ? EFBIG : EINVAL;
        fclose(fp);
        errno = e;
        return NULL;
    }
    size_t cap = (size_t)st->st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(fp);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (n == cap) {                      /* grew while we read */
            if (cap > FEED_FILE_MAX) {
                free(buf);
                fclose(fp);
                errno = EFBIG;
                return NULL;
            }
            char *q = realloc(buf, cap * 2);
            if (!q) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return NULL;
            }
            buf = q;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

/* Parses buf[0..len) as def's format into a new feed; NULL on a JSON
 * error or out of memory (err). */
static struct feed *feed_parse(const struct ioc_feed_def *def, const struct hkey *key,
                               const char *buf, size_t len, int64_t now_s, FILE *log,
                               char *err, size_t errlen)
{
    struct feed *f = calloc(1, sizeof(*f));
    if (!f || store_init(&f->st) < 0) {
        if (f)
            store_free(&f->st);
        free(f);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    atomic_init(&f->refs, 1);
    f->def = *def;
    struct loadctx L = { f, key, 0 };
    int warned = 0;
    if (def->format == IOC_FMT_STIX) {
        struct ioc_stix_counts c;
        memset(&c, 0, sizeof(c));
        if (ioc_parse_stix(buf, len, now_s, sink, &L, &c, def->path, log, err, errlen) < 0) {
            store_free(&f->st);
            free(f);
            return NULL;
        }
        f->stats.skipped = c.malformed;
        f->stats.expired = c.expired;
        f->stats.revoked = c.revoked;
        f->stats.unsupported = c.unsupported;
    } else {
        struct ioc_lineparser p;
        ioc_lineparser_init(&p, def->format, def->type);
        size_t i = 0;
        uint64_t line = 0;
        while (i < len) {
            const char *nl = memchr(buf + i, '\n', len - i);
            size_t e = nl ? (size_t)(nl - buf) : len;
            line++;
            if (ioc_parse_line(&p, buf + i, e - i, sink, &L) < 0) {
                f->stats.skipped++;
                if (log && warned++ < WARN_MAX)
                    fprintf(log, "spanhound: %s:%llu: warning: %s (line skipped)\n", def->path,
                            (unsigned long long)line, p.err);
            }
            i = e + 1;
        }
        f->stats.lines = line;
        if (log && warned > WARN_MAX)
            fprintf(log, "spanhound: %s: %d more malformed lines not shown\n", def->path,
                    warned - WARN_MAX);
    }
    if (L.oom) {
        store_free(&f->st);
        free(f);
        snprintf(err, errlen, "out of memory loading %s", def->path);
        return NULL;
    }
    store_shrink(&f->st);
    f->loaded = 1;
    f->stats.bytes = store_bytes(&f->st);
    return f;
}

/* Loads def's file into a new feed; NULL when it cannot be read (err). */
static struct feed *feed_load(const struct ioc_feed_def *def, const struct hkey *key,
                              int64_t now_s, FILE *log, char *err, size_t errlen)
{
    struct stat st;
    size_t len = 0;
    double t0 = now_mono();
    char *buf = slurp(def->path, &len, &st);
    if (!buf) {
        snprintf(err, errlen, "cannot read %s (%s)", def->path, strerror(errno));
        return NULL;
    }
    struct feed *f = feed_parse(def, key, buf, len, now_s, log, err, errlen);
    free(buf);
    if (!f)
        return NULL;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    f->stats.load_s = now_mono() - t0;
    return f;
}

struct ioc_db *ioc_db_from_buffer(const struct ioc_feed_def *def, const char *buf, size_t len,
                                  int64_t now_s, FILE *log, struct ioc_feed_stats *st)
{
    char err[256];
    struct ioc_db *db = calloc(1, sizeof(*db));
    if (!db)
        return NULL;
    hk_init(&db->key);
    struct feed *f = feed_parse(def, &db->key, buf, len, now_s, log, err, sizeof(err));
    if (!f) {
        if (log)
            fprintf(log, "spanhound: %s\n", err);
        free(db);
        return NULL;
    }
    if (st)
        *st = f->stats;
    db->f[db->n++] = f;
    return db;
}

void ioc_db_free(struct ioc_db *db)
{
    db_free(db);
}

static struct feed *feed_empty(const struct ioc_feed_def *def)
{
    struct feed *f = calloc(1, sizeof(*f));
    if (!f || store_init(&f->st) < 0) {
        if (f)
            store_free(&f->st);
        free(f);
        return NULL;
    }
    atomic_init(&f->refs, 1);
    f->def = *def;
    f->stats.bytes = store_bytes(&f->st);
    return f;
}

static void log_loaded(FILE *log, const struct feed *f)
{
    char types[256];
    size_t o = 0;
    types[0] = 0;
    if (!log)
        return;
    for (int t = 1; t < IOC_TYPE_MAX; t++)
        if (f->stats.by_type[t]) {
            int k = snprintf(types + o, sizeof(types) - o, "%s%s %llu", o ? ", " : "",
                             ioc_type_name(t), (unsigned long long)f->stats.by_type[t]);
            if (k > 0 && (size_t)k < sizeof(types) - o)
                o += (size_t)k;
        }
    fprintf(log, "spanhound: feed %s: loaded %s (%s): %llu entries%s%s%s, %llu skipped, "
            "%llu duplicates", f->def.name, f->def.path, ioc_format_name(f->def.format),
            (unsigned long long)f->stats.entries, o ? " (" : "", types, o ? ")" : "",
            (unsigned long long)f->stats.skipped, (unsigned long long)f->stats.duplicates);
    if (f->def.format == IOC_FMT_STIX)
        fprintf(log, ", %llu expired, %llu revoked, %llu unsupported patterns",
                (unsigned long long)f->stats.expired, (unsigned long long)f->stats.revoked,
                (unsigned long long)f->stats.unsupported);
    fprintf(log, ", %.2f s, %.1f MiB\n", f->stats.load_s, (double)f->stats.bytes / 1048576.0);
}

/* ---- the manager ---------------------------------------------------- */

/* what a feed's file looked like when it was last read or tried */
struct fileid {
    int exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct ioc_manager {
    int n;
    struct ioc_feed_def defs[IOC_FEEDS_MAX];
    struct fileid seen[IOC_FEEDS_MAX];   /* written by the builder only */
    FILE *log;
    struct hkey key;
    int64_t now_s;
    struct ioc_db *cur;

    pthread_mutex_t mu;
    struct ioc_db *pending;          /* built, not yet installed         */
    int running;                     /* a builder thread exists          */
    pthread_t th;
    int force;
};

struct ioc_manager *ioc_manager_create(const struct ioc_feed_def *defs, int n, FILE *log)
{
    if (n < 0 || n > IOC_FEEDS_MAX)
        return NULL;
    struct ioc_manager *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->n = n;
    if (n)
        memcpy(m->defs, defs, (size_t)n * sizeof(*defs));
    m->log = log;
    hk_init(&m->key);
    pthread_mutex_init(&m->mu, NULL);
    return m;
}

void ioc_manager_set_now(struct ioc_manager *m, int64_t now_s)
{
    m->now_s = now_s;
}

static int64_t mgr_now(const struct ioc_manager *m)
{
    return m->now_s ? m->now_s : (int64_t)time(NULL);
}

static void file_id(const char *path, struct fileid *id)
{
    struct stat st;
    memset(id, 0, sizeof(*id));
    if (stat(path, &st) < 0)
        return;
    id->exists = 1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->size = st.st_size;
    id->mtime = st.st_mtim;
}

/* Did feed i's file change since it was last read or tried?  A file that
 * stays missing or unreadable is tried again only when it changes (or on
 * a forced reload), not at every check. */
static int file_changed(const struct ioc_manager *m, int i)
{
    struct fileid now;
    const struct fileid *was = &m->seen[i];
    file_id(m->defs[i].path, &now);
    if (now.exists != was->exists)
        return 1;
    return now.exists && (now.dev != was->dev || now.ino != was->ino || now.size != was->size ||
                          now.mtime.tv_sec != was->mtime.tv_sec ||
                          now.mtime.tv_nsec != was->mtime.tv_nsec);
}

/* A new set from `base` (may be NULL): feeds re-read when force or changed;
 * a feed that cannot be read keeps base's version. */
static struct ioc_db *build(struct ioc_manager *m, const struct ioc_db *base, int force,
                            int *unreadable)
{
    struct ioc_db *db = calloc(1, sizeof(*db));
    char err[512];
    if (!db)
        return NULL;
    db->key = m->key;
    *unreadable = 0;
    for (int i = 0; i < m->n; i++) {
        struct feed *old = base && i < base->n ? base->f[i] : NULL;
        struct feed *f = NULL;
        if (old && !force && !file_changed(m, i)) {
            atomic_fetch_add(&old->refs, 1);
            db->f[db->n++] = old;
            continue;
        }
        file_id(m->defs[i].path, &m->seen[i]);
        f = feed_load(&m->defs[i], &m->key, mgr_now(m), m->log, err, sizeof(err));
        if (f) {
            struct fileid *id = &m->seen[i];      /* what was actually read */
            id->exists = 1;
            id->dev = f->dev;
            id->ino = f->ino;
            id->size = f->size;
            id->mtime = f->mtime;
            log_loaded(m->log, f);
        } else {
            (*unreadable)++;
            if (old) {
                if (m->log)
                    fprintf(m->log, "spanhound: feed %s: %s: keeping the previous version "
                            "(%llu entries)\n", m->defs[i].name, err,
                            (unsigned long long)old->stats.entries);
                atomic_fetch_add(&old->refs, 1);
                f = old;
            } else {
                if (m->log)
                    fprintf(m->log, "spanhound: feed %s: %s: the feed is empty until it can "
                            "be read\n", m->defs[i].name, err);
                f = feed_empty(&m->defs[i]);
                if (!f) {
                    db_free(db);
                    return NULL;
                }
            }
        }
        db->f[db->n++] = f;
    }
    return db;
}

int ioc_manager_load(struct ioc_manager *m)
{
    int bad = 0;
    if (m->running) {
        pthread_join(m->th, NULL);
        m->running = 0;
    }
    struct ioc_db *db = build(m, m->cur, 1, &bad);
    if (!db)
        return m->n ? m->n : -1;
    if (m->cur) {
        db->lookups = m->cur->lookups;
        db->hits = m->cur->hits;
    }
    db_free(m->cur);
    m->cur = db;
    return bad;
}

struct ioc_db *ioc_manager_db(struct ioc_manager *m)
{
    return m ? m->cur : NULL;
}

static void *builder(void *arg)
{
    struct ioc_manager *m = arg;
    int bad;
    struct ioc_db *db = build(m, m->cur, m->force, &bad);
    pthread_mutex_lock(&m->mu);
    m->pending = db;                 /* NULL (out of memory): nothing changes */
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

static int any_changed(struct ioc_manager *m)
{
    if (!m->cur)
        return 1;
    for (int i = 0; i < m->cur->n; i++)
        if (file_changed(m, i))
            return 1;
    return 0;
}

/* Joins a finished builder; 1 while one still runs. */
static int builder_busy(struct ioc_manager *m)
{
    if (!m->running)
        return 0;
    pthread_mutex_lock(&m->mu);
    int done = m->pending != NULL;
    pthread_mutex_unlock(&m->mu);
    if (!done) {
        /* out of memory also ends it with no set: tryjoin tells */
        if (pthread_tryjoin_np(m->th, NULL) != 0)
            return 1;
        m->running = 0;
        return 0;
    }
    pthread_join(m->th, NULL);
    m->running = 0;
    return 0;
}

int ioc_manager_reload_start(struct ioc_manager *m, int force)
{
    if (!m || !m->n || builder_busy(m))
        return 0;
    pthread_mutex_lock(&m->mu);
    int pend = m->pending != NULL;
    pthread_mutex_unlock(&m->mu);
    if (pend || (!force && !any_changed(m)))
        return 0;
    m->force = force;
    if (pthread_create(&m->th, NULL, builder, m) != 0)
        return 0;
    m->running = 1;
    return 1;
}

int ioc_manager_reload(struct ioc_manager *m, int force)
{
    if (!m || builder_busy(m))
        return 0;
    if (!force && !any_changed(m))
        return 0;
    int bad;
    struct ioc_db *db = build(m, m->cur, force, &bad);
    if (!db)
        return 0;
    pthread_mutex_lock(&m->mu);
    db_free(m->pending);
    m->pending = db;
    pthread_mutex_unlock(&m->mu);
    return 1;
}

int ioc_manager_swap(struct ioc_manager *m, ioc_install_fn install, void *ctx)
{
    if (!m || builder_busy(m))
        return 0;
    pthread_mutex_lock(&m->mu);
    struct ioc_db *db = m->pending;
    m->pending = NULL;
    pthread_mutex_unlock(&m->mu);
    if (!db)
        return 0;
    if (m->cur) {
        db->lookups = m->cur->lookups;
        db->hits = m->cur->hits;
        for (int i = 0; i < db->n && i < m->cur->n; i++)
            db->feed_hits[i] = m->cur->feed_hits[i];
    }
    if (install)
        install(ctx, db);
    db_free(m->cur);
    m->cur = db;
    malloc_trim(0);     /* give the old set's pages back (glibc keeps them otherwise) */
    return 1;
}

static int def_same(const struct ioc_feed_def *a, const struct ioc_feed_def *b)
{
    return strcmp(a->name, b->name) == 0 && strcmp(a->path, b->path) == 0 &&
           a->format == b->format && a->type == b->type && a->weight == b->weight &&
           a->confidence == b->confidence;
}

int ioc_manager_set_defs(struct ioc_manager *m, const struct ioc_feed_def *defs, int n,
                         ioc_install_fn install, void *ctx)
{
    if (!m || n < 0 || n > IOC_FEEDS_MAX)
        return -1;
    if (m->running) {                /* a rebuild under the old definitions */
        pthread_join(m->th, NULL);
        m->running = 0;
    }
    pthread_mutex_lock(&m->mu);
    db_free(m->pending);
    m->pending = NULL;
    pthread_mutex_unlock(&m->mu);
    struct ioc_db *db = calloc(1, sizeof(*db));
    struct fileid seen[IOC_FEEDS_MAX];
    if (!db)
        return -1;
    db->key = m->key;
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < n; i++) {
        struct feed *f = NULL;
        for (int j = 0; m->cur && j < m->cur->n; j++) {
            if (def_same(&m->cur->f[j]->def, &defs[i])) {
                f = m->cur->f[j];
                atomic_fetch_add(&f->refs, 1);
                seen[i] = m->seen[j];
                db->feed_hits[i] = m->cur->feed_hits[j];
                break;
            }
        }
        if (!f)
            f = feed_empty(&defs[i]);   /* new or changed: empty until read */
        if (!f) {
            db_free(db);
            return -1;
        }
        db->f[db->n++] = f;
    }
    if (m->cur) {
        db->lookups = m->cur->lookups;
        db->hits = m->cur->hits;
    }
    if (n)
        memcpy(m->defs, defs, (size_t)n * sizeof(*defs));
    memcpy(m->seen, seen, sizeof(seen));
    m->n = n;
    if (install)
        install(ctx, db);
    db_free(m->cur);
    m->cur = db;
    return 0;
}

int ioc_manager_feed_stats(struct ioc_manager *m, int i, struct ioc_feed_stats *st)
{
    if (!m || !m->cur || i < 0 || i >= m->cur->n)
        return -1;
    *st = m->cur->f[i]->stats;
    return 0;
}

void ioc_manager_print_stats(struct ioc_manager *m, FILE *fp)
{
    if (!m || !m->cur)
        return;
    struct ioc_db *db = m->cur;
    fprintf(fp, "%-36s %llu\n", "intel.lookups", (unsigned long long)db->lookups);
    fprintf(fp, "%-36s %llu\n", "intel.lookups_hit", (unsigned long long)db->hits);
    for (int i = 0; i < db->n; i++) {
        const struct feed *f = db->f[i];
        char k[96];
#define FS(nm, v) do { snprintf(k, sizeof(k), "intel.feed.%s.%s", f->def.name, nm); \
                         fprintf(fp, "%-36s %llu\n", k, (unsigned long long)(v)); } while (0)
        FS("entries", f->stats.entries);
        for (int t = 1; t < IOC_TYPE_MAX; t++)
            if (f->stats.by_type[t]) {
                char n[32];
                snprintf(n, sizeof(n), "entries_%s", ioc_type_name(t));
                FS(n, f->stats.by_type[t]);
            }
        FS("skipped", f->stats.skipped);
        FS("duplicates", f->stats.duplicates);
        if (f->def.format == IOC_FMT_STIX) {
            FS("expired", f->stats.expired);
            FS("revoked", f->stats.revoked);
            FS("unsupported", f->stats.unsupported);
        }
        FS("bytes", f->stats.bytes);
        FS("hits", db->feed_hits[i]);
#undef FS
    }
}

void ioc_manager_destroy(struct ioc_manager *m)
{
    if (!m)
        return;
    if (m->running)
        pthread_join(m->th, NULL);
    db_free(m->pending);
    db_free(m->cur);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

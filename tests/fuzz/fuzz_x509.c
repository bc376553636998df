/*
 * fuzz_x509.c -- libFuzzer harness for capture/x509.c.
 *
 * Input: one DER certificate, parsed from an exact-size heap copy (so
 * ASan sees a read past its end) into a fresh event, and again into an
 * event whose arena is almost full (the truncation paths).
 * Invariants (__builtin_trap on violation): has_cert is set; the
 * fingerprint is 59 characters "xx:" lowercase hex, the SHA-256 one 64
 * lowercase hex; the JA4X is set exactly when the return is 0, as three
 * 12-hex parts joined by '_'; every string lies in
 * the arena, NUL-terminated, with no NUL inside; the return is 0 or -1
 * and -1 comes with EVF_MALFORMED; a well-formed certificate has a
 * serial and notbefore/notafter within years 0..9999.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check_str(const struct sh_event *ev, struct ev_str s)
{
    if (s.len == 0)
        return;
    if (s.off == 0 || (size_t)s.off + s.len >= ev->arena_len)
        __builtin_trap();
    if (ev->arena[s.off + s.len] != '\0')
        __builtin_trap();
    if (memchr(ev->arena + s.off, '\0', s.len) != NULL)
        __builtin_trap();
}

static void check(const struct sh_event *ev, int r, int full_arena)
{
    const struct ev_tls *t = &ev->u.tls;

    if (r != 0 && r != -1)
        __builtin_trap();
    if (r < 0 && !(ev->flags & EVF_MALFORMED))
        __builtin_trap();
    if (!t->has_cert)
        __builtin_trap();
    if (ev->arena_len < 1 || ev->arena_len > EV_ARENA_SIZE)
        __builtin_trap();
    check_str(ev, t->subject);
    check_str(ev, t->issuer);
    check_str(ev, t->serial);
    check_str(ev, t->fingerprint);
    check_str(ev, t->fingerprint_sha256);
    check_str(ev, t->san);
    if (t->subject.len > X509_DN_MAX || t->issuer.len > X509_DN_MAX ||
        t->san.len > X509_SAN_MAX || t->serial.len > 3 * X509_SERIAL_MAX - 1)
        __builtin_trap();
    if (!full_arena) {
        const char *f = ev_s(ev, t->fingerprint);
        if (t->fingerprint.len != 59)
            __builtin_trap();
        for (size_t i = 0; i < 59; i++) {
            char c = f[i];
            if (i % 3 == 2 ? c != ':' :
                !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                __builtin_trap();
        }
        if (r == 0 && t->serial.len == 0)
            __builtin_trap();
        const char *f2 = ev_s(ev, t->fingerprint_sha256);
        if (t->fingerprint_sha256.len != 64)
            __builtin_trap();
        for (size_t i = 0; i < 64; i++)
            if (!((f2[i] >= '0' && f2[i] <= '9') || (f2[i] >= 'a' && f2[i] <= 'f')))
                __builtin_trap();
    }
    /* JA4X: exactly for a well-formed certificate, 3 x 12 hex by '_' */
    {
        size_t n = strnlen(t->ja4x, sizeof t->ja4x);
        if ((r == 0) != (n == 38) || (n != 0 && n != 38))
            __builtin_trap();
        for (size_t i = 0; i < n; i++) {
            char c = t->ja4x[i];
            if (i == 12 || i == 25 ? c != '_' :
                !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                __builtin_trap();
        }
    }
    if (r == 0) {
        /* 0000-01-01 .. 9999-12-31T23:59:59 */
        if (t->notbefore < -62167219200 || t->notbefore > 253402300799 ||
            t->notafter < -62167219200 || t->notafter > 253402300799)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static struct sh_event ev;
    uint8_t *b = malloc(n ? n : 1);
    int r;

    if (!b)
        return 0;
    if (n)
        memcpy(b, d, n);

    ev_reset(&ev, EV_TLS);
    r = x509_parse(b, n, &ev);
    check(&ev, r, 0);

    /* again with 40 bytes of arena left */
    ev_reset(&ev, EV_TLS);
    ev.arena_len = EV_ARENA_SIZE - 40;
    r = x509_parse(b, n, &ev);
    check(&ev, r, 1);

    free(b);
    return 0;
}

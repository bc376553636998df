/*
 * fuzz_tells.c -- libFuzzer harness for the string helpers of
 * detect/tells.c that read what the wire sent (URIs, Host headers, user
 * agents, Content-Types, certificate names).
 *
 * Input: the whole buffer, from an exact-size heap copy (ASan sees a read
 * past its end), to the (pointer, length) helpers; then split at the first
 * three '\n' into SNI, subject, issuer and SAN, NUL-terminated as the
 * event arena keeps them, for the certificate helpers.
 * Invariants (__builtin_trap on violation): randomness in [0, 1]; IP
 * literal 0, 4 or 6; executable kind 0..2; user-agent kind a known one;
 * every text output NUL-terminated within its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/tells.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void nul_within(const char *s, size_t len)
{
    if (!memchr(s, '\0', len))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char *p = malloc(n ? n : 1);
    if (!p)
        return 0;
    memcpy(p, d, n);
    char tok[48], ext[12], tool[40], why[160];

    double r = tells_token_randomness(p, n);
    if (!(r >= 0 && r <= 1))
        __builtin_trap();
    r = tells_uri_randomness(p, n, tok, sizeof(tok));
    if (!(r >= 0 && r <= 1))
        __builtin_trap();
    nul_within(tok, sizeof(tok));
    int ip = tells_ip_literal(p, n);
    if (ip != 0 && ip != 4 && ip != 6)
        __builtin_trap();
    ext[0] = '\0';
    int x = tells_exe_uri(p, n, ext, sizeof(ext));
    if (x < 0 || x > 2)
        __builtin_trap();
    nul_within(ext, sizeof(ext));
    if (tells_exe_ctype(p, n) > 1)
        __builtin_trap();
    int k = tells_ua_kind(p, n, tool, sizeof(tool));
    if (k < UA_EMPTY || k > UA_OTHER)
        __builtin_trap();
    nul_within(tool, sizeof(tool));
    free(p);

    /* SNI \n subject \n issuer \n SAN, each NUL-terminated */
    char *s = malloc(n + 4);
    if (!s)
        return 0;
    memcpy(s, d, n);
    s[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = '?';
    char *part[4] = { s, "", "", "" };
    char *q = s;
    for (int i = 1; i < 4; i++) {
        char *nl = strchr(q, '\n');
        if (!nl)
            break;
        *nl = '\0';
        part[i] = q = nl + 1;
    }
    (void)tells_cert_covers(part[0], part[1], part[3]);
    int64_t nb = n > 8 ? (int64_t)d[0] << 24 | d[1] << 16 : 0;
    unsigned m = tells_cert_defaults(part[1], part[2], nb, nb + (int64_t)n * 86400 * 400,
                                     1700000000, 10, 86400, why, sizeof(why));
    if (m & ~0x3fu)
        __builtin_trap();
    nul_within(why, sizeof(why));
    free(s);
    return 0;
}

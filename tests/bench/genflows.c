/*
 * genflows.c -- writes a synthetic Ethernet pcap of N concurrent flows for
 * the benchmark: half are TCP connections (handshake, an HTTP GET, a 200
 * response, FIN both ways), half DNS query/response pairs over UDP.  Every
 * flow has its own 5-tuple; all start within a few seconds of packet time,
 * so every flow is still in the table when the capture ends.
 *
 * usage: genflows N OUT.pcap
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static uint32_t ts_sec = 1700000000, ts_usec;

static void w32(uint32_t v) { fwrite(&v, 4, 1, out); }
static void w16(uint16_t v) { fwrite(&v, 2, 1, out); }

static void tick(void)
{
    ts_usec += 3;      /* 1M flows x 9 packets x 3 us ~ 27 s of packet time */
    if (ts_usec >= 1000000) { ts_usec -= 1000000; ts_sec++; }
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* one frame: Ethernet + IPv4 + TCP/UDP + payload */
static void frame(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, int tcp,
                  uint8_t flags, uint32_t seq, uint32_t ack, const void *pl, size_t n)
{
    uint8_t b[1600];
    size_t l4 = tcp ? 20 : 8, off = 0;
    memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    off = 14;
    uint8_t *ip = b + off;
    size_t tot = 20 + l4 + n;
    ip[0] = 0x45; ip[1] = 0; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot;
    ip[4] = 0; ip[5] = 1; ip[6] = 0x40; ip[7] = 0; ip[8] = 64; ip[9] = tcp ? 6 : 17;
    ip[10] = ip[11] = 0;
    for (int i = 0; i < 4; i++) { ip[12 + i] = (uint8_t)(src >> (24 - 8 * i)); ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i)); }
    uint16_t c = csum(ip, 20); ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
    uint8_t *t = ip + 20;
    t[0] = (uint8_t)(sp >> 8); t[1] = (uint8_t)sp; t[2] = (uint8_t)(dp >> 8); t[3] = (uint8_t)dp;
    if (tcp) {
        for (int i = 0; i < 4; i++) { t[4 + i] = (uint8_t)(seq >> (24 - 8 * i)); t[8 + i] = (uint8_t)(ack >> (24 - 8 * i)); }
        t[12] = 0x50; t[13] = flags; t[14] = 0xff; t[15] = 0xff; t[16] = t[17] = t[18] = t[19] = 0;
    } else {
        t[4] = (uint8_t)((8 + n) >> 8); t[5] = (uint8_t)(8 + n); t[6] = t[7] = 0;
    }
    memcpy(t + l4, pl, n);
    size_t len = 14 + tot;
    tick();
    w32(ts_sec); w32(ts_usec); w32((uint32_t)len); w32((uint32_t)len);
    fwrite(b, 1, len, out);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: genflows N OUT.pcap\n");
        return 2;
    }
    long n = atol(argv[1]);
    out = fopen(argv[2], "wb");
    if (!out || n <= 0) {
        perror(argv[2]);
        return 1;
    }
    w32(0xa1b2c3d4); w16(2); w16(4); w32(0); w32(0); w32(65535); w32(1);

    static const char req[] = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: bench/1.0\r\n\r\n";
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";
    uint8_t q[64], a[80];
    for (long i = 0; i < n; i++) {
        uint32_t cli = 0x0a000000u | (uint32_t)(i / 50000) << 8 | (uint32_t)(i % 200 + 1);
        uint32_t srv = 0xc6336400u | (uint32_t)(i % 250 + 1);
        uint16_t sp = (uint16_t)(1024 + (i / 200) % 60000);
        if (i % 2 == 0) {
            uint32_t cs = 1000, ss = 5000;
            frame(cli, srv, sp, 80, 1, 0x02, cs, 0, NULL, 0);
            frame(srv, cli, 80, sp, 1, 0x12, ss, cs + 1, NULL, 0);
            frame(cli, srv, sp, 80, 1, 0x10, cs + 1, ss + 1, NULL, 0);
            frame(cli, srv, sp, 80, 1, 0x18, cs + 1, ss + 1, req, sizeof(req) - 1);
            frame(srv, cli, 80, sp, 1, 0x18, ss + 1, cs + 1 + (uint32_t)sizeof(req) - 1, resp, sizeof(resp) - 1);
            frame(cli, srv, sp, 80, 1, 0x11, cs + (uint32_t)sizeof(req), ss + (uint32_t)sizeof(resp), NULL, 0);
            frame(srv, cli, 80, sp, 1, 0x11, ss + (uint32_t)sizeof(resp), cs + 1 + (uint32_t)sizeof(req), NULL, 0);
        } else {
            /* DNS query "hNNNNNN.example.com" A, answer 192.0.2.1 */
            char name[16];
            snprintf(name, sizeof(name), "h%07ld", i % 10000000);
            size_t k = 0;
            q[k++] = (uint8_t)(i >> 8); q[k++] = (uint8_t)i; q[k++] = 1; q[k++] = 0;
            q[k++] = 0; q[k++] = 1; memset(q + k, 0, 6); k += 6;
            q[k++] = 8; memcpy(q + k, name, 8); k += 8;
            q[k++] = 7; memcpy(q + k, "example", 7); k += 7;
            q[k++] = 3; memcpy(q + k, "com", 3); k += 3; q[k++] = 0;
            q[k++] = 0; q[k++] = 1; q[k++] = 0; q[k++] = 1;
            memcpy(a, q, k);
            a[2] = 0x81; a[3] = 0x80; a[7] = 1;
            size_t m = k;
            const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1 };
            memcpy(a + m, rr, sizeof(rr)); m += sizeof(rr);
            frame(cli, srv, sp, 53, 0, 0, 0, 0, q, k);
            frame(srv, cli, 53, sp, 0, 0, 0, 0, a, m);
        }
    }
    fclose(out);
    return 0;
}

/*
 * pcap_loop.c -- the floor: read every packet of a file with pcap_next_ex
 * and touch its first byte, nothing else.  usage: pcap_loop FILE
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char eb[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0, bytes = 0, x = 0;
    if (argc != 2)
        return 2;
    pcap_t *p = pcap_open_offline(argv[1], eb);
    if (!p) {
        fprintf(stderr, "%s\n", eb);
        return 1;
    }
    while (pcap_next_ex(p, &h, &d) == 1) {
        n++;
        bytes += h->len;
        x += d[0];
    }
    printf("%llu packets %llu bytes %llu\n", (unsigned long long)n,
           (unsigned long long)bytes, (unsigned long long)(x & 1));
    pcap_close(p);
    return 0;
}

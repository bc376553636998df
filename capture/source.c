/*
 * source.c -- pcap files and live interfaces.  See source.h.
 */
#include "source.h"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct source {
    struct source_cfg cfg;
    pcap_t *live;
    struct source_stats st;
};

static int apply_bpf(pcap_t *p, const char *bpf, const char *what,
                     char *err, size_t errlen)
{
    struct bpf_program prog;
    if (!bpf || !*bpf)
        return 0;
    if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, errlen, "%s: bad BPF filter '%s': %s", what, bpf, pcap_geterr(p));
        return -1;
    }
    int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot set BPF filter: %s", what, pcap_geterr(p));
        return -1;
    }
    return 0;
}

struct source *source_open(const struct source_cfg *cfg, char *err, size_t errlen)
{
    struct source *s = calloc(1, sizeof(*s));
    char eb[PCAP_ERRBUF_SIZE];
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    if (!cfg->iface) {
        if (cfg->nfiles == 0) {
            snprintf(err, errlen, "no input: give -r FILE or -i INTERFACE");
            free(s);
            return NULL;
        }
        /* BPF syntax is checked once against a dead Ethernet handle so a
         * typo fails before any file is read */
        if (cfg->bpf && *cfg->bpf) {
            pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
            struct bpf_program prog;
            if (dead && pcap_compile(dead, &prog, cfg->bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
                snprintf(err, errlen, "bad BPF filter '%s': %s", cfg->bpf, pcap_geterr(dead));
                pcap_close(dead);
                free(s);
                return NULL;
            }
            if (dead) {
                pcap_freecode(&prog);
                pcap_close(dead);
            }
        }
        return s;
    }

    eb[0] = '\0';
    s->live = pcap_create(cfg->iface, eb);
    if (!s->live) {
        snprintf(err, errlen, "%s: %s", cfg->iface, eb);
        free(s);
        return NULL;
    }
    pcap_set_snaplen(s->live, (int)cfg->snaplen);
    pcap_set_promisc(s->live, cfg->promisc);
    pcap_set_immediate_mode(s->live, 1);
    pcap_set_buffer_size(s->live, (int)(cfg->buffer_mb > 2047 ? 2047 : cfg->buffer_mb) << 20);
    pcap_set_timeout(s->live, 100);
    int rc = pcap_activate(s->live);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot capture: %s", cfg->iface,
                 rc == PCAP_ERROR_PERM_DENIED ? "permission denied (run as root or give CAP_NET_RAW)" :
                 rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface" :
                 pcap_geterr(s->live));
        pcap_close(s->live);
        free(s);
        return NULL;
    }
    if (apply_bpf(s->live, cfg->bpf, cfg->iface, err, errlen) < 0) {
        pcap_close(s->live);
        free(s);
        return NULL;
    }
    return s;
}

void source_close(struct source *s)
{
    if (!s)
        return;
    if (s->live)
        pcap_close(s->live);
    free(s);
}

int source_is_live(const struct source *s)
{
    return s->live != NULL;
}

static uint64_t tv_us(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000ULL + (uint64_t)tv->tv_usec;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* Classic pcap files (not pcapng) are read from a read-only mapping: no
 * read() copies and no per-packet stdio, which was a fifth of the work.
 * Returns -2 when the file is not classic pcap (the caller falls back to
 * libpcap, which also words the error messages), else as run_file. */
static int run_mapped(struct source *s, const char *path, source_pkt_fn on_pkt,
                      void *ctx, volatile sig_atomic_t *stop, FILE *log)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -2;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
        close(fd);
        return -2;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return -2;

    uint32_t magic = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
                     (uint32_t)m[3] << 24;
    int swap, nano;
    switch (magic) {
    case 0xa1b2c3d4: swap = 0; nano = 0; break;
    case 0xd4c3b2a1: swap = 1; nano = 0; break;
    case 0xa1b23c4d: swap = 0; nano = 1; break;
    case 0x4d3cb2a1: swap = 1; nano = 1; break;
    default:
        munmap((void *)m, size);
        return -2;
    }
#define RD32(p) (swap ? ((uint32_t)(p)[0] << 24 | (uint32_t)(p)[1] << 16 | \
                        (uint32_t)(p)[2] << 8 | (p)[3]) \
                      : ((uint32_t)(p)[3] << 24 | (uint32_t)(p)[2] << 16 | \
                        (uint32_t)(p)[1] << 8 | (p)[0]))
    uint32_t snaplen = RD32(m + 16);
    int dlt = (int)(RD32(m + 20) & 0xffff);   /* upper bits: FCS info */
    if (dlt == 101)
        dlt = DLT_RAW;
    /* a filter is compiled for this file's link type and run per packet */
    struct bpf_program prog;
    int have_prog = 0;
    if (s->cfg.bpf && *s->cfg.bpf) {
        pcap_t *dead = pcap_open_dead(dlt, (int)(snaplen ? snaplen : 262144));
        if (!dead || pcap_compile(dead, &prog, s->cfg.bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
            fprintf(log, "spanhound: %s: bad BPF filter '%s'%s%s\n", path, s->cfg.bpf,
                    dead ? ": " : "", dead ? pcap_geterr(dead) : "");
            if (dead)
                pcap_close(dead);
            munmap((void *)m, size);
            s->st.files_failed++;
            return 1;
        }
        pcap_close(dead);
        have_prog = 1;
    }
    madvise((void *)m, size, MADV_SEQUENTIAL);

    size_t off = 24;
    size_t dropped = 0;     /* pages before this were given back */
    uint64_t n = 0;
    int status = 0;
    /* a record longer than this is corrupt, as libpcap judges it */
    uint32_t maxcap = snaplen > 262144 ? snaplen : 262144;
    while (!*stop && off < size) {
        if (size - off < 16) {
            fprintf(log, "spanhound: %s: input ends early after %llu packets: "
                    "truncated record header\n", path, (unsigned long long)n);
            status = 1;
            break;
        }
        const uint8_t *h = m + off;
        uint32_t sec = RD32(h), frac = RD32(h + 4);
        uint32_t incl = RD32(h + 8), orig = RD32(h + 12);
        if (incl > maxcap) {
            fprintf(log, "spanhound: %s: input ends early after %llu packets: "
                    "record of %u bytes is larger than the snaplen\n",
                    path, (unsigned long long)n, incl);
            status = 1;
            break;
        }
        if (size - off - 16 < incl) {
            fprintf(log, "spanhound: %s: input ends early after %llu packets: "
                    "truncated packet\n", path, (unsigned long long)n);
            status = 1;
            break;
        }
        const uint8_t *data = h + 16;
        off += 16 + (size_t)incl;
        /* read pages stay in the page cache but need not stay in our
         * resident set: give back what is behind us every 32 MiB */
        if (off - dropped >= (32u << 20)) {
            size_t upto = (off - 65536) & ~(size_t)0xfffff;
            if (upto > dropped) {
                madvise((void *)(m + dropped), upto - dropped, MADV_DONTNEED);
                dropped = upto;
            }
        }
        if (have_prog) {
            struct pcap_pkthdr ph;
            ph.ts.tv_sec = (time_t)sec;
            ph.ts.tv_usec = (suseconds_t)(nano ? frac / 1000 : frac);
            ph.caplen = incl;
            ph.len = orig;
            if (!pcap_offline_filter(&prog, &ph, data))
                continue;
        }
        n++;
        s->st.packets++;
        uint64_t ts = (uint64_t)sec * 1000000ULL + (nano ? frac / 1000 : frac);
        on_pkt(ctx, dlt, ts, data, incl, orig < incl ? incl : orig);
    }
#undef RD32
    if (have_prog)
        pcap_freecode(&prog);
    munmap((void *)m, size);
    if (status)
        s->st.files_truncated++;
    else
        s->st.files_ok++;
    return status;
}

/* One file.  Returns 0 read completely, 1 unreadable or truncated. */
static int run_file(struct source *s, const char *path, source_pkt_fn on_pkt,
                    void *ctx, volatile sig_atomic_t *stop, FILE *log)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    char err[512];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
                                                        PCAP_TSTAMP_PRECISION_MICRO, eb);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t n = 0;
    int rc = 0;

    struct stat st;
    /* a pipe or FIFO ("-" too) can be read once only: libpcap reads it */
    if (p && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        /* classic pcap: the mapped fast path (libpcap validated the header) */
        pcap_close(p);
        rc = run_mapped(s, path, on_pkt, ctx, stop, log);
        if (rc != -2)
            return rc;
        p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, eb);
    }
    if (!p) {
        fprintf(log, "spanhound: %s: cannot read: %s\n", path,
                *eb ? eb : "unknown error");
        s->st.files_failed++;
        return 1;
    }
    if (apply_bpf(p, s->cfg.bpf, path, err, sizeof(err)) < 0) {
        fprintf(log, "spanhound: %s\n", err);
        pcap_close(p);
        s->st.files_failed++;
        return 1;
    }
    int dlt = pcap_datalink(p);
    while (!*stop && (rc = pcap_next_ex(p, &h, &data)) >= 0) {
        if (rc == 0)
            continue;
        n++;
        s->st.packets++;
        on_pkt(ctx, dlt, tv_us(&h->ts), data, h->caplen, h->len);
    }
    if (!*stop && rc == PCAP_ERROR) {
        fprintf(log, "spanhound: %s: input ends early after %llu packets: %s\n",
                path, (unsigned long long)n, pcap_geterr(p));
        pcap_close(p);
        s->st.files_truncated++;
        return 1;
    }
    pcap_close(p);
    s->st.files_ok++;
    return 0;
}

int source_run(struct source *s, source_pkt_fn on_pkt, source_idle_fn on_idle,
               void *ctx, volatile sig_atomic_t *stop, FILE *log)
{
    int status = 0;

    if (!s->live) {
        for (int i = 0; i < s->cfg.nfiles && !*stop; i++)
            status |= run_file(s, s->cfg.files[i], on_pkt, ctx, stop, log);
        return status;
    }

    int dlt = pcap_datalink(s->live);
    uint64_t last_idle = wall_us();
    while (!*stop) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(s->live, &h, &data);
        if (rc == 1) {
            s->st.packets++;
            on_pkt(ctx, dlt, tv_us(&h->ts), data, h->caplen, h->len);
        } else if (rc < 0) {
            fprintf(log, "spanhound: %s: capture stopped: %s\n", s->cfg.iface,
                    pcap_geterr(s->live));
            return 1;
        }
        uint64_t now = wall_us();
        if (on_idle && now - last_idle >= 100000) {
            last_idle = now;
            on_idle(ctx, now);
        }
    }
    return status;
}

void source_get_stats(struct source *s, struct source_stats *st)
{
    if (s->live) {
        struct pcap_stat ps;
        if (pcap_stats(s->live, &ps) == 0) {
            s->st.kernel_received = ps.ps_recv;
            s->st.kernel_dropped = ps.ps_drop;
            s->st.iface_dropped = ps.ps_ifdrop;
        }
    }
    *st = s->st;
}

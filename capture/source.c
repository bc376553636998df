/*
 * source.c -- pcap files and live interfaces.  See source.h.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct live_if {
    char name[64];
    pcap_t *p;
    int dlt;
    int fd;                     /* pcap_get_selectable_fd */
    int dead;                   /* capture stopped on this one */
    int link_down;              /* last seen not up or without carrier */
    int ifindex;                /* at open (0: unknown, e.g. "any") */
    /* pcap_stats' counters are 32 bits (u_int) and Linux's libpcap keeps
     * them as running totals: at 1 Mpps ps_recv wraps every 72 minutes.
     * The last raw values, to extend them to 64 bits (read every 100 ms,
     * so at most one wrap between two reads). */
    uint32_t raw_recv, raw_drop, raw_ifdrop;
    struct source_stats st;     /* packets and kernel counters */
};

struct source {
    struct source_cfg cfg;
    pcap_t *live;               /* the first interface's handle */
    struct live_if ifs[SOURCE_MAX_IFACES];
    int nifs;
    struct source_stats st;
    /* offline progress (written by the reader, read by anyone) */
    _Atomic int pos_file;
    _Atomic uint64_t pos_done;  /* bytes of the files before this one */
    _Atomic uint64_t pos_off;   /* bytes into the current file */
    uint64_t pos_total;
    uint64_t sizes[SOURCE_MAX_FILES];
    /* pcap_stats is called from the capture thread (every 100 ms) and the
     * detection thread (SIGUSR1, --stats): one at a time */
    pthread_mutex_t stats_mu;
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

static int open_live(struct source *s, struct live_if *li, char *err, size_t errlen)
{
    const struct source_cfg *cfg = &s->cfg;
    char eb[PCAP_ERRBUF_SIZE];
    eb[0] = '\0';
    li->p = pcap_create(li->name, eb);
    if (!li->p) {
        snprintf(err, errlen, "%s: %s", li->name, eb);
        return -1;
    }
    pcap_set_snaplen(li->p, (int)cfg->snaplen);
    pcap_set_promisc(li->p, cfg->promisc);
    pcap_set_immediate_mode(li->p, 1);
    pcap_set_buffer_size(li->p, (int)(cfg->buffer_mb > 2047 ? 2047 : cfg->buffer_mb) << 20);
    pcap_set_timeout(li->p, 100);
    int rc = pcap_activate(li->p);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot capture: %s", li->name,
                 rc == PCAP_ERROR_PERM_DENIED ? "permission denied (run as root or give CAP_NET_RAW)" :
                 rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface" :
                 pcap_geterr(li->p));
        pcap_close(li->p);
        li->p = NULL;
        return -1;
    }
    if (apply_bpf(li->p, cfg->bpf, li->name, err, errlen) < 0) {
        pcap_close(li->p);
        li->p = NULL;
        return -1;
    }
    li->dlt = pcap_datalink(li->p);
    li->fd = pcap_get_selectable_fd(li->p);
    li->ifindex = (int)if_nametoindex(li->name);
    if (li->fd < 0 || pcap_setnonblock(li->p, 1, eb) < 0) {
        snprintf(err, errlen, "%s: cannot poll the capture handle%s%s", li->name,
                 li->fd < 0 ? "" : ": ", li->fd < 0 ? "" : eb);
        pcap_close(li->p);
        li->p = NULL;
        return -1;
    }
    return 0;
}

struct source *source_open(const struct source_cfg *cfg, char *err, size_t errlen)
{
    struct source *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->stats_mu, NULL);
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
        for (int i = 0; i < cfg->nfiles; i++) {
            struct stat fst;
            if (stat(cfg->files[i], &fst) == 0 && S_ISREG(fst.st_mode))
                s->pos_total += s->sizes[i] = (uint64_t)fst.st_size;
        }
        return s;
    }

    /* several interfaces, comma separated: each opened and checked */
    const char *p = cfg->iface;
    for (;;) {
        size_t n = strcspn(p, ",");
        while (n && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 0 || n >= sizeof(s->ifs[0].name)) {
            snprintf(err, errlen, "capture interface list '%s': %s", cfg->iface,
                     n ? "an interface name is too long" : "an empty name");
            goto fail;
        }
        if (s->nifs == SOURCE_MAX_IFACES) {
            snprintf(err, errlen, "capture interface list '%s': at most %d interfaces",
                     cfg->iface, SOURCE_MAX_IFACES);
            goto fail;
        }
        struct live_if *li = &s->ifs[s->nifs];
        memcpy(li->name, p, n);
        li->name[n] = '\0';
        for (int i = 0; i < s->nifs; i++)
            if (strcmp(s->ifs[i].name, li->name) == 0) {
                snprintf(err, errlen, "%s: interface given twice", li->name);
                goto fail;
            }
        if (open_live(s, li, err, errlen) < 0)
            goto fail;
        s->nifs++;
        p += strcspn(p, ",");
        if (!*p)
            break;
        p++;
    }
    s->live = s->ifs[0].p;
    return s;
fail:
    for (int i = 0; i < s->nifs; i++)
        pcap_close(s->ifs[i].p);
    free(s);
    return NULL;
}

void source_close(struct source *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nifs; i++)
        pcap_close(s->ifs[i].p);
    pthread_mutex_destroy(&s->stats_mu);
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
        atomic_store_explicit(&s->pos_off, off, memory_order_relaxed);
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
        if ((n & 63) == 1) {
            long at = ftell(pcap_file(p));
            if (at > 0)
                atomic_store_explicit(&s->pos_off, (uint64_t)at, memory_order_relaxed);
        }
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

/* An interface taken down (ifdown) or without carrier (cable, SPAN
 * session removed) gives no error on its packet socket: libpcap just
 * returns nothing, and the port is blind in silence.  Its flags are read
 * every second (SIOCGIFFLAGS on the capture socket: no privilege needed)
 * and each change is counted (source.links_down); the health report
 * (appliance/health.c) says it, with the interface's state. */
static void check_links(struct source *s)
{
    for (int i = 0; i < s->nifs; i++) {
        struct live_if *li = &s->ifs[i];
        struct ifreq ifr;
        if (li->dead)
            continue;
        memset(&ifr, 0, sizeof(ifr));
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", li->name);
        if (ioctl(li->fd, SIOCGIFFLAGS, &ifr) < 0)
            continue;               /* gone: the capture error says so */
        int down = !(ifr.ifr_flags & IFF_UP) || !(ifr.ifr_flags & IFF_RUNNING);
        if (down != li->link_down) {
            li->link_down = down;
            if (down) {
                s->st.links_down++;
                li->st.links_down++;
            }
        }
    }
}

int source_run(struct source *s, source_pkt_fn on_pkt, source_idle_fn on_idle,
               void *ctx, volatile sig_atomic_t *stop, FILE *log)
{
    int status = 0;

    if (!s->live) {
        for (int i = 0; i < s->cfg.nfiles && !*stop; i++) {
            atomic_store_explicit(&s->pos_off, 0, memory_order_relaxed);
            atomic_store_explicit(&s->pos_file, i + 1, memory_order_relaxed);
            status |= run_file(s, s->cfg.files[i], on_pkt, ctx, stop, log);
            atomic_fetch_add_explicit(&s->pos_done, s->sizes[i], memory_order_relaxed);
            atomic_store_explicit(&s->pos_off, 0, memory_order_relaxed);
        }
        return status;
    }

    /* live: every interface non-blocking, polled together; a batch from
     * each ready one in turn, so a busy port cannot starve the others */
    struct pollfd pfd[SOURCE_MAX_IFACES];
    int alive = s->nifs;
    uint64_t last_idle = wall_us(), last_link = 0;
    while (!*stop && alive > 0) {
        int np = 0;
        int map[SOURCE_MAX_IFACES];
        for (int i = 0; i < s->nifs; i++) {
            if (s->ifs[i].dead)
                continue;
            pfd[np].fd = s->ifs[i].fd;
            pfd[np].events = POLLIN;
            pfd[np].revents = 0;
            map[np++] = i;
        }
        int pr = poll(pfd, (nfds_t)np, 100);
        if (pr < 0 && errno != EINTR) {
            fprintf(log, "spanhound: capture stopped: poll: %s\n", strerror(errno));
            return 1;
        }
        for (int k = 0; pr > 0 && k < np && !*stop; k++) {
            if (!pfd[k].revents)
                continue;
            struct live_if *li = &s->ifs[map[k]];
            for (int b = 0; b < 256; b++) {
                struct pcap_pkthdr *h;
                const u_char *data;
                int rc = pcap_next_ex(li->p, &h, &data);
                if (rc == 1) {
                    s->st.packets++;
                    li->st.packets++;
                    on_pkt(ctx, li->dlt, tv_us(&h->ts), data, h->caplen, h->len);
                    continue;
                }
                if (rc < 0) {
                    fprintf(log, "spanhound: %s: capture stopped: %s\n", li->name,
                            pcap_geterr(li->p));
                    li->dead = 1;
                    alive--;
                    status = 1;
                }
                break;          /* 0: nothing more buffered now */
            }
        }
        uint64_t now = wall_us();
        if (now - last_link >= 1000000) {
            last_link = now;
            check_links(s);
        }
        if (on_idle && now - last_idle >= 100000) {
            last_idle = now;
            on_idle(ctx, now);
        }
    }
    return status;
}

/* 64-bit totals from pcap_stats' 32-bit running ones (s->stats_mu held) */
static void iface_refresh(struct live_if *li)
{
    struct pcap_stat ps;
    if (!li->dead && pcap_stats(li->p, &ps) == 0) {
        li->st.kernel_received += (uint32_t)((uint32_t)ps.ps_recv - li->raw_recv);
        li->st.kernel_dropped += (uint32_t)((uint32_t)ps.ps_drop - li->raw_drop);
        li->st.iface_dropped += (uint32_t)((uint32_t)ps.ps_ifdrop - li->raw_ifdrop);
        li->raw_recv = (uint32_t)ps.ps_recv;
        li->raw_drop = (uint32_t)ps.ps_drop;
        li->raw_ifdrop = (uint32_t)ps.ps_ifdrop;
    }
}

void source_get_stats(struct source *s, struct source_stats *st)
{
    pthread_mutex_lock(&s->stats_mu);
    if (s->nifs) {
        s->st.kernel_received = s->st.kernel_dropped = s->st.iface_dropped = 0;
        for (int i = 0; i < s->nifs; i++) {
            iface_refresh(&s->ifs[i]);
            s->st.kernel_received += s->ifs[i].st.kernel_received;
            s->st.kernel_dropped += s->ifs[i].st.kernel_dropped;
            s->st.iface_dropped += s->ifs[i].st.iface_dropped;
        }
    }
    *st = s->st;
    pthread_mutex_unlock(&s->stats_mu);
}

int source_iface_count(const struct source *s)
{
    return s->nifs;
}

const char *source_iface_name(const struct source *s, int i)
{
    return i >= 0 && i < s->nifs ? s->ifs[i].name : "";
}

void source_get_iface_stats(struct source *s, int i, struct source_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (i < 0 || i >= s->nifs)
        return;
    pthread_mutex_lock(&s->stats_mu);
    *st = s->ifs[i].st;
    pthread_mutex_unlock(&s->stats_mu);
}

int source_iface_state(const struct source *s, int i)
{
    if (i < 0 || i >= s->nifs)
        return SOURCE_IF_GONE;
    const struct live_if *li = &s->ifs[i];
    if (li->dead)
        return SOURCE_IF_GONE;
    if (!li->ifindex)           /* "any", or a device that is no interface */
        return SOURCE_IF_UP;
    /* the interface's flags by name, on the capture socket itself: a
     * handle bound to an interface that went down keeps quiet (no error,
     * no packets, even when it comes back under the same name after being
     * re-created), so ask the kernel */
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", li->name);
    if (ioctl(li->fd, SIOCGIFFLAGS, &ifr) < 0)
        return errno == ENODEV || errno == ENXIO ? SOURCE_IF_GONE : SOURCE_IF_UP;
    int flags = ifr.ifr_flags;          /* a union: SIOCGIFINDEX overwrites it */
    /* removed and made again: the handle is bound to the old one */
    if (ioctl(li->fd, SIOCGIFINDEX, &ifr) == 0 && ifr.ifr_ifindex != li->ifindex)
        return SOURCE_IF_GONE;
    if (!(flags & IFF_UP))
        return SOURCE_IF_DOWN;
    if (!(flags & IFF_RUNNING))
        return SOURCE_IF_NO_CARRIER;
    return SOURCE_IF_UP;
}

void source_get_position(const struct source *s, struct source_position *pos)
{
    pos->nfiles = s->cfg.nfiles;
    pos->file = atomic_load_explicit(&s->pos_file, memory_order_relaxed);
    pos->bytes_done = atomic_load_explicit(&s->pos_done, memory_order_relaxed) +
                      atomic_load_explicit(&s->pos_off, memory_order_relaxed);
    pos->bytes_total = s->pos_total;
    if (pos->bytes_done > pos->bytes_total)
        pos->bytes_done = pos->bytes_total;
}

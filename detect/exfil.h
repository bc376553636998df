/*
 * exfil.h -- exfiltration and stealer behaviour: a workstation submitting
 * mail to an external server, FTP uploads to an external server, and large
 * uploads to a rare external destination.
 *
 * The engine (detect.c) hands this module the flow records of internal
 * hosts, already attributed (the record came from the host's established
 * MAC) and described: the external server, how many bytes went each way
 * in this record (what is new since the flow's previous record), what nDPI
 * and the ports say the flow is (exfil_classify), whether the destination
 * is benign by list, popularity or allowlist, and how many internal hosts
 * use it.  Flows between internal hosts are never exfiltration here.
 *
 * State: one bounded, keyed LRU map, per (host, external server address)
 * the bytes sent and received in the current window (exfil_window) --
 * mail sessions, FTP control and data, everything else -- and the name the
 * flows carried.  A flood of new destinations costs old state, counted,
 * never memory; no allocation per event.
 *
 * Evidence (evidence.h, kind exfil, source exfil, keyed by the server: its
 * name when the flows had one, else its address; ioc the same):
 *  - mail: SMTP/SMTPS (nDPI) or TCP to 25/465/587 (when nDPI names no
 *    other protocol) to an external server, answered.  Client payload of
 *    at least exfil_smtp_min_payload in the window is a message sent
 *    (exfil_smtp_confidence); less is a session that only opened
 *    (exfil_smtp_session_confidence); x0.6 to a listed or popular mail
 *    service (stealers use free mail too).  Both stay below the standalone
 *    confidence by default: offices run misconfigured mail clients, so a
 *    workstation's mail convicts only with a second, independent source.
 *    Configured mail infrastructure is never evidence: a host in
 *    infrastructure.mail_servers (a relay) or mail_clients (allowed to
 *    submit anywhere), or a server in mail_servers (the organisation's
 *    hosted provider).  These lists come from the configuration only.
 *  - ftp: an FTP control session with an external server and, on its data
 *    connections (passive: the host connects to a high port; active: the
 *    server connects from port 20 to the host), at least exfil_ftp_min_bytes
 *    sent by the host and more than it received.  Downloads are no evidence.
 *  - upload: at least exfil_upload_min_bytes sent to one external server
 *    over the window and exfil_upload_min_ratio times what came back, when
 *    fewer than beacon_prevalence_hosts internal hosts use it, and it is
 *    not a listed, popular (bound by a trusted DNS answer) or allowlisted
 *    service; a popular name the client claims (SNI) without such an
 *    answer halves the confidence.  Mail and FTP bytes are judged by their
 *    own rules, not here.
 */
#ifndef SH_EXFIL_H
#define SH_EXFIL_H

#include <stddef.h>
#include <stdint.h>

#include "../capture/event.h"
#include "../config/cidr.h"
#include "host.h"
#include "params.h"

/* nDPI 4.2 protocol ids (ndpi_protocol_ids.h); the unit test checks them
 * against the installed header. */
#define EXFIL_NDPI_FTP_CONTROL 1
#define EXFIL_NDPI_MAIL_SMTP   3
#define EXFIL_NDPI_MAIL_SMTPS  29
#define EXFIL_NDPI_FTP_DATA    175
#define EXFIL_NDPI_TLS         91

enum exfil_class {
    EXC_OTHER = 0,
    EXC_MAIL,                   /* SMTP, SMTPS, submission               */
    EXC_FTP_CONTROL,
    EXC_FTP_DATA,               /* by nDPI, or by its ports              */
    EXC_MAX
};

/* What a TCP/UDP flow is, for this module.  app_master/app_proto: nDPI's
 * ids; dpi_known: nDPI recognised the flow by its content (not a port
 * guess), so its word beats the port's.  server_port is the port of the
 * external server, host_port the internal host's; host_opened: the host
 * connected (0: the server connected to the host, as FTP's active mode
 * does).  Pure. */
int exfil_classify(uint16_t app_master, uint16_t app_proto, int dpi_known, uint8_t proto,
                   uint16_t server_port, uint16_t host_port, int host_opened);

/* One flow record between internal host h and an external server. */
struct exfil_flow {
    struct sh_addr server;      /* the external end                       */
    uint16_t server_port;
    uint8_t  proto;             /* IPPROTO_TCP / UDP                      */
    uint8_t  cls;               /* enum exfil_class                       */
    uint8_t  host_opened;       /* see exfil_classify                     */
    uint8_t  answered;          /* the server answered                    */
    uint8_t  first;             /* the first record of this flow seen     */
    uint8_t  benign;            /* listed, popular (bound by an answer) or
                                   allowlisted destination                */
    uint8_t  claimed_benign;    /* a popular name the client claimed that
                                   no trusted answer bound to the address */
    int      hosts;             /* internal hosts using the server, h included */
    uint64_t up, down;          /* payload bytes host -> server and back, new
                                   in this record                         */
    uint64_t start_us;          /* the flow's first packet                */
    uint64_t t_us;              /* the record's time (its last packet)    */
    const char *name;           /* the flow's name (SNI, Host), lower case, or "" */
    const char *app;            /* nDPI's name, or ""                     */
};

struct exfil;

/* mail_servers / mail_clients: the configuration's lists (kept by
 * reference: they must outlive the module). */
struct exfil *exfil_create(size_t capacity, const struct detect_params *p,
                           const struct cidr_set *mail_servers,
                           const struct cidr_set *mail_clients, char *err, size_t errlen);
void exfil_destroy(struct exfil *x);    /* NULL is a no-op */
/* New parameters (SIGHUP): the state kept so far stays. */
void exfil_set_params(struct exfil *x, const struct detect_params *p);

/* h's flow record f.  Evidence goes into ht; hosts whose evidence changed
 * are added to touched. */
void exfil_flow(struct exfil *x, struct host_table *ht, struct host *h,
                const struct exfil_flow *f, uint64_t now, struct host_touched *touched);

struct exfil_counters {
    uint64_t flows;             /* records judged                         */
    uint64_t mail_flows, ftp_control_flows, ftp_data_flows;
    uint64_t mail_exempt;       /* mail records of configured infrastructure */
    uint64_t benign_skipped;    /* uploads to listed/popular destinations */
    uint64_t prevalent_skipped; /* uploads to destinations many hosts use */
    uint64_t evicted;           /* destinations dropped from the table     */
    uint64_t raised_mail, raised_ftp, raised_upload;
};
void exfil_get_counters(const struct exfil *x, struct exfil_counters *c);

#endif /* SH_EXFIL_H */

/*
 * config.h -- spanhound's configuration: one struct, one declarative table.
 *
 * Every key lives in one table in config.c (path, type, default, min, max,
 * help), in the manner of redis' config.c: the built-in defaults, the
 * parser, the range checks and `spanhound --print-config` all come from it,
 * and config/spanhound.conf documents the same keys with the same
 * defaults (a test checks both agree).
 *
 * The file format is libconfig's.  Unknown keys, wrong types and
 * out-of-range values are errors reported as "file:line: message"; the
 * caller exits with status 2.
 *
 * The `detect` group is free-form: its numeric keys are detector
 * parameters whose names and ranges belong to the detect module, so they
 * are kept here as (name, value, line) and validated there.
 */
#ifndef SH_CONFIG_H
#define SH_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidr.h"

#define CFG_STR_MAX 256
#define CFG_NAMES_MAX 512
#define CFG_PARAMS_MAX 128
#define CFG_PORTS_MAX 8

struct cfg_names {               /* list of DNS names / patterns      */
    int n;
    char v[CFG_NAMES_MAX][CFG_STR_MAX];
};

struct cfg_param {               /* one "detect.<name> = value" line   */
    char name[64];
    double value;
    int line;
};

struct sh_config {
    char source[CFG_STR_MAX];    /* file it came from, "" = defaults   */

    /* capture */
    char interface[64];
    uint32_t snaplen;
    uint32_t buffer_mb;
    int promiscuous;
    char bpf[CFG_STR_MAX * 4];
    uint32_t vxlan_port;
    uint32_t ring_slots;

    /* networks */
    struct cidr_set home_net;

    /* flows */
    uint32_t flow_capacity;
    uint32_t to_tcp_new, to_tcp_established, to_tcp_closed;
    uint32_t to_udp, to_icmp, to_other;

    /* nDPI */
    int dpi_enabled;
    uint32_t dpi_pool;
    uint32_t dpi_max_packets;
    int dpi_extra;
    int dpi_tls_parser;

    /* parsers */
    uint32_t http_states, tls_states, dns_tcp_states;
    uint32_t reorder_flows;
    uint32_t dns_ports[CFG_PORTS_MAX];
    int n_dns_ports;
    uint32_t dns_pending;
    uint32_t dns_timeout_ms;
    uint32_t arp_capacity;
    uint32_t arp_refresh_s;

    /* output */
    char eve_file[CFG_STR_MAX];
    int eve_flow;
    int eve_arp;
    int log_syslog;

    /* hosts and detection */
    uint32_t host_capacity;
    uint32_t host_idle_s;
    struct cidr_set dns_resolvers;
    struct cidr_set dhcp_servers;
    struct cidr_set sensor_addrs;
    struct cidr_set allow_nets;
    struct cfg_names allow_names;
    char data_dir[CFG_STR_MAX];
    int n_params;
    struct cfg_param params[CFG_PARAMS_MAX];
};

/* Fill every field with its built-in default. */
void config_defaults(struct sh_config *c);

/* Read `path` over the defaults already in c.  0 ok; -1 with
 * "file:line: message" in err. */
int config_load(struct sh_config *c, const char *path, char *err, size_t errlen);

/* Print the effective configuration in the file's own syntax.  The detect
 * group's parameters belong to the detect module: `detect_params` (may be
 * NULL) prints them at the given indent. */
typedef void (*config_print_fn)(void *ctx, FILE *fp, int indent);
void config_print(const struct sh_config *c, FILE *fp,
                  config_print_fn detect_params, void *ctx);

#endif /* SH_CONFIG_H */

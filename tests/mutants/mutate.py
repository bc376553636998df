#!/usr/bin/python3
"""Mutants of the trust rules (make mutants).  Each mutant removes one rule
from a copy of the source; tests/mutants/run.sh builds it and runs the unit
tests of the detection engine and the attack regressions.  Every mutant
must be killed (some test must fail): a rule no test notices missing is a
rule nothing protects.

    tests/mutants/mutate.py NAME    # apply one mutant in the current tree
    tests/mutants/mutate.py --list
"""
import sys

muts = {
 "M1_bypass": ("detect/detect.c", "    if (mac && host_mac_known(d->hosts, mac, now))", "    if (mac && 0)"),
 "M2_protect": ("detect/host.c", "    return h->flagged || h->watch_until > now || host_has_evidence(t, h);", "    (void)t; (void)h; (void)now; return 0;"),
 "M3_weight": ("detect/dgahost.c", "    lru_set_weight(g->win, window_weight);", "    (void)window_weight;"),
 "M4_relay": ("detect/detect.c", "    return r->nanon && recognised_resolver(d, h, now) ? r : NULL;", "    (void)recognised_resolver; return r->nanon ? r : NULL;"),
 "M17_selfquery": ("detect/detect.c", "    if (ev->src.family == ev->dst.family && memcmp(ev->src.a, ev->dst.a, 16) == 0)\n        return;", "    if (0)\n        return;"),
 "M18_ackage": ("detect/detect.c", "                      sh->bind[0].first_us + secs(d, P_MAC_STABLE) <= d->now_us);", "                      1);"),
 "M19_routerlease": ("detect/host.c", "    struct mac_entry *e = mac_find(t, b0->mac);\n    if (!e && !b0->claimed) {", "    if (b0->source == MAC_DHCP) {\n        o->status = MACST_TRUSTED;\n        return;\n    }\n    struct mac_entry *e = mac_find(t, b0->mac);\n    if (!e && !b0->claimed) {"),
 "M20_guarded": ("detect/host.c", "    if (!active(t, b0, now) && guarded(t, h)) {", "    if (0) {"),
 "M21_seen2": ("detect/host.c", "    return h->bind[1].source != MAC_NONE && h->bind[1].seen >= 2 &&", "    return h->bind[1].source != MAC_NONE &&"),
 "M22_noowner": ("detect/detect.c", "    d->mac_mismatch++;\n    return NULL;\n}", "    d->mac_mismatch++;\n    struct host *o = host_mac_valid(mac) ? host_mac_owner(d->hosts, mac, now) : NULL;\n    return o && o != h ? o : NULL;\n}"),
 "M5_arpsha": ("detect/detect.c", "    if (ev->has_mac && memcmp(ev->src_mac, a->mac, 6) != 0) {", "    if (0) {"),
 "M6_zeromac": ("detect/host.c", "    if (!host_mac_valid(mac))\n        return 0;                /* no host sends from a zero or group MAC */", "    if (!host_mac_valid(mac))\n        return 1;"),
 "M7_volcap": ("detect/dgahost.c", "        if (conf > p->v[P_STANDALONE_CONFIDENCE] - 0.05)", "        if (((void)dns_server, 0))"),
 "M8_ratelimit": ("detect/detect.c", "    if (b->tokens < 1) {", "    if (0) {"),
 "M9_settle": ("detect/host.c", "    if (a1 && !a0) {\n        move_to(t, h, b1, now);", "    if (0) {\n        move_to(t, h, b1, now);"),
 "M10_hostname": ("detect/detect.c", "    if (h->bind[0].source != MAC_NONE && memcmp(h->bind[0].mac, mac, 6) != 0) {", "    if (0) {"),
 "M11_claimshield": ("detect/host.c", "            (!b0->claimed && set_count(e->ips) > t->p.router_ips)) {", "            (set_count(e->ips) > t->p.router_ips)) {"),
 "M12_moved": ("detect/detect.c", "    host_table_on_moved(d->hosts, on_host_moved, d);", "    (void)on_host_moved;"),
 "M13_paired": ("detect/detect.c", "    if (!x->paired) {\n        d->answers_unpaired++;", "    if (0) {\n        d->answers_unpaired++;"),
 "M14_shape": ("detect/dgahost.c", "    return n && same_tld >= share * n && same_digits >= share * n &&\n           hi - lo <= (int)p->v[P_RESOLVED_SHAPE_SPREAD] &&", "    (void)share; (void)same_digits; return n && 2 * same_tld >= n &&"),
 "M15_sources": ("detect/detect.c", "    int sources = __builtin_popcount(src_mask);", "    (void)src_mask; int sources = __builtin_popcount(kind_mask);"),
 "M23_failedconn": ("detect/detect.c", "    if (first && answered)\n        observe(", "    if (first)\n        observe("),
 "M24_prevalence": ("detect/beacon.c", "    if (hosts < b->p.v[P_BEACON_PREVALENCE_HOSTS])\n        return 0;", "    if (((void)hosts, 1))\n        return 0;"),
 "M25_namebound": ("detect/detect.c", "            if (answer_bound(d, &ev->dst, name))", "            if (((void)answer_bound, 1))"),
 "M26_beaconcap": ("detect/beacon.c", "        conf = fmin(conf, v[P_BEACON_MAX_CONFIDENCE]);", "        (void)0;"),
 "M27_udpreply": ("detect/detect.c", "    if (udp_reply(d, ev)) {", "    if (((void)udp_reply, 0)) {"),
 "M28_bursts": ("capture/pipeline.c", "    if (pk.payload_wire_len)\n        burst_note(", "    if (0)\n        burst_note("),
 "M29_benignname": ("detect/beacon.c", "    if (dst->benign) {\n        b->c.benign_skips++;", "    if (0) {\n        b->c.benign_skips++;"),
 "M30_fanfail": ("detect/beacon.c", "    if (port == 0 && fail < (proto == 17 ? 0.8 : 0.5))\n        return;", "    (void)0;"),
 "M31_allowtrust": ("detect/detect.c", "    if (mv.status != MACST_TRUSTED)\n        return 0;\n    for (int i = 0; i < d->op_nmacs; i++)", "    for (int i = 0; i < d->op_nmacs; i++)\n        if (mv.status == MACST_CONFLICT && !memcmp(mv.other, d->op_macs[i], 6))\n            return 1;\n    for (int i = 0; i < d->op_nmacs; i++)"),
 "M32_releasetrust": ("detect/detect.c", "        if (mv.status != MACST_TRUSTED || memcmp(mv.mac, w->mac, 6))", "        if (memcmp(mv.mac, w->mac, 6) && !(mv.status == MACST_CONFLICT && !memcmp(mv.other, w->mac, 6)))"),
 "M33_spreadonly": ("detect/intel.c", "        if (!checked++ && !ti_convicted_alone(ti, ht, h, now)) {", "        if (!checked++ && 0) {"),
 "M34_dnsserver": ("detect/intel.c", "        if (cls == TI_PLAIN && a.type == IOC_IP && dns_server(ti, &a.ip))", "        if (((void)dns_server, 0))"),
 "M36_relayintel": ("detect/detect.c", "        /* h relaying a client's lookup: the client's, counted there */\n", "        intel_query(d, h, name, len, now, &t);\n"),
 "M16_blind": ("detect/detect.c", "    return (h->infra & INFRA_RESOLVER) &&\n           (!h->relay_us || h->relay_us + secs(d, P_RESOLVER_BLIND_WINDOW) < now);", "    (void)d; (void)h; (void)now; return 0;"),
}
if len(sys.argv) != 2:
    sys.exit("usage: mutate.py NAME | --list")
if sys.argv[1] == "--list":
    print("\n".join(sorted(muts)))
    sys.exit(0)
name = sys.argv[1]
f, a, b = muts[name]
s = open(f).read()
assert a in s, (name, a)
open(f, "w").write(s.replace(a, b, 1))

#!/usr/bin/python3
"""Attack cases from the first adversarial review of the trust rules.
Each case returns (lan, spec) in the format of gen_attacks.py, whose
main() writes them into tests/regress/attacks/ with its own cases (make
update-golden); tests/regress/attacks/run.sh replays them.  The
expectations state what the trust rules in docs/detections.md promise:
each case reproduces a finding of the review, and fails if its fix
regresses.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_attacks as G  # noqa: E402
from gen_attacks import (BENIGN_HOSTS, GW, INFECTED, RESOLVER, ROUTER_MAC,  # noqa: E402
                         VICTIM, Lan, browse, burst, dga_names, std_office, host_infected)

ZERO = "00:00:00:00:00:00"
ATTACKER = "10.40.0.66"
EXT_DNS = "198.51.100.53"      # an external resolver the bot uses directly


def case_zero_mac_frames_victim():
    """A sends queries with V's IP and an all-zero Ethernet source: the
    resolver relays them and answers V."""
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 300.0, 501)
    burst(lan, 60.0, VICTIM, dga_names(5001, 24), gap=4.0, smac=ZERO)
    return lan, {
        "forges": "A sends 24 DGA queries with V's source IP and Ethernet source "
                  "00:00:00:00:00:00 through the real resolver, which answers V",
        "outcome": "V never flagged, no evidence for V (the events are not V's)",
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


def case_multicast_src_mac_frames_victim():
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 300.0, 502)
    burst(lan, 60.0, VICTIM, dga_names(5002, 24), gap=4.0, smac="01:00:5e:00:00:fb")
    return lan, {
        "forges": "as zero_mac_frames_victim, with a multicast Ethernet source",
        "outcome": "V never flagged, no evidence for V",
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


def case_relay_null_client_escape():
    """Before each of its own lookups the bot sends one forged query to
    ITSELF for the same name, from an address it cannot be attributed to
    (a bound host's IP with a random MAC): relay_note(c = NULL) marks the
    bot's upstream lookup as relayed; credit_relayed credits nobody."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    lan.on_segment(INFECTED)
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 503)
    t = 60.0
    for name in dga_names(5003, 24):
        # one forged packet: "10.40.0.21 asks I", Ethernet source a random MAC
        lan.dns_query(t, "10.40.0.21", INFECTED, name, smac="02:aa:bb:cc:dd:01",
                      dmac=lan.mac(INFECTED))
        # I's real lookup through the office resolver... straight to an external one
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I precedes each of its 24 DGA lookups (to an external resolver) with one "
                  "forged query for the same name, addressed to I, from 10.40.0.21's IP and a "
                  "random MAC (unattributable)",
        "outcome": "I flagged (nobody asked I for those names)",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_relay_self_client_escape():
    """The bot sends a query from its own IP/MAC to its own IP, then looks
    the name up itself: credit_relayed(I) finds I as its own client and
    the recursion returns 1 without dns_outcome for anyone."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 504)
    t = 60.0
    for name in dga_names(5004, 24):
        lan.dns_query(t, INFECTED, INFECTED, name)
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I sends each DGA name first to its own IP (a query to itself), then looks it "
                  "up at an external resolver",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_control_bot_external_dns():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 504)
    t = 60.0
    for name in dga_names(5004, 24):
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "control: the same DGA lookups to an external resolver, no forgery",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


CASES = [
    ("zero_mac_frames_victim", case_zero_mac_frames_victim),
    ("multicast_src_mac_frames_victim", case_multicast_src_mac_frames_victim),
    ("relay_null_client_escape", case_relay_null_client_escape),
    ("relay_self_client_escape", case_relay_self_client_escape),
    ("control_bot_external_dns", case_control_bot_external_dns),
]


def forged_ack(lan, t, server, smac, yiaddr, chaddr, dns=None, hostname=None, xid=0x7abc):
    opts = [("server_id", server), ("lease_time", 86400), ("subnet_mask", "255.255.255.0"),
            ("router", GW)]
    if dns:
        opts.append(("name_server", dns))
    if hostname:
        opts.append(("hostname", hostname.encode()))
    lan.dhcp(t, 2, "ack", xid, chaddr, smac, G.BCAST, server, "255.255.255.255", opts,
             yiaddr=yiaddr)


def announced_resolver(server, browse_until, seed, t_ack, names_seed, forges,
                       outcome="I flagged (a DHCP option does not exempt a host)"):
    """I sends ONE DHCP ACK from the address of `server` (a configured DHCP
    server) with I's own MAC, for an unused address, option 6 = I; 30 s
    later it walks 24 DGA names straight at an external resolver.  I must
    be flagged and no resolver record may appear."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, browse_until, seed)
    forged_ack(lan, t_ack, server, lan.mac(INFECTED), "10.40.0.201", "02:aa:00:00:00:01",
               dns=INFECTED)
    burst(lan, t_ack + 30.0, INFECTED, dga_names(names_seed, 24), server=EXT_DNS)
    return lan, {
        "forges": forges,
        "outcome": outcome,
        "config": 'infrastructure: { dhcp_servers = [ "%s" ]; };\n' % server,
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
        "records_forbidden": [{"event_type": "spanhound_resolver"}],
    }


def case_announced_resolver_exempts_bot():
    """One forged ACK from the configured DHCP server's IP (sent from I's own
    NIC: ack_server() trusts configured servers by IP only) names I as the
    DNS server (option 6): blind(I) holds for a day, I's lookups go to a
    shadow, and its DGA burst yields a `resolver` notice, never a verdict."""
    return announced_resolver(
        GW, 300.0, 505, 30.0, 5005,
        "I sends ONE DHCP ACK with the configured server's IP (10.40.0.1) from its own "
        "MAC, for an unused address, option 6 = I; then runs a 24-name DGA burst")


def case_rogue_dhcp_server_earns_trust():
    """No configuration.  I makes its own rogue server (10.40.0.250, I's MAC)
    trusted: 3 ACKs to phantom clients (random chaddr), then one frame
    from each phantom IP with that chaddr as Ethernet source: confirm_lease
    counts 3 'clients'.  The now trusted rogue then names I as DNS server."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 506)
    rogue, imac = "10.40.0.250", lan.mac(INFECTED)
    for k in range(3):
        ph, pm = "10.40.0.%d" % (210 + k), "02:aa:00:00:01:%02x" % k
        forged_ack(lan, 20.0 + k, rogue, imac, ph, pm, xid=0x7b00 + k)
        # any packet that yields an event at once (a DNS query does; a flow
        # is only reported when it ends)
        lan.dns_query(20.5 + k, ph, EXT_DNS, "time.example.org", smac=pm, dmac=ROUTER_MAC)
    forged_ack(lan, 30.0, rogue, imac, "10.40.0.213", "02:aa:00:00:01:09", dns=INFECTED,
               xid=0x7b10)
    burst(lan, 60.0, INFECTED, dga_names(5006, 24), server=EXT_DNS)
    return lan, {
        "forges": "I (no config) sends 3 ACKs from a rogue server address for phantom clients, "
                  "one frame from each phantom with its chaddr (the rogue is now 'trusted'), "
                  "then an ACK naming I as DNS server; then a DGA burst",
        "outcome": "I flagged; the rogue server never trusted",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
        "records_forbidden": [{"event_type": "spanhound_resolver"}],
    }


def case_flagged_host_rebound_to_victim_mac():
    """X (an unused address, random MAC R) is flagged.  After 15 min of
    silence one ARP reply (sent from A's own NIC, ARP sender hw = V's MAC)
    re-binds X to V's MAC (ARP claim, trusted).  A phantom then fails on 4
    of X's names: share() gives X dga_shared_names -> 'updated' verdict
    for X carrying V's MAC, mac_status trusted."""
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 1300.0, 507, gap=(10.0, 20.0))
    x, r = "10.40.0.99", "02:aa:bb:00:00:99"
    names = dga_names(5007, 12)
    burst(lan, 60.0, x, names, smac=r)
    vmac, amac = lan.mac(VICTIM), lan.mac(ATTACKER)
    # X silent since ~115 s; at 1100 s one ARP reply: sender X / V's MAC
    lan.add(1100.0, G.Ether(src=amac, dst=ROUTER_MAC) /
            G.ARP(op=2, hwsrc=vmac, psrc=x, hwdst=ROUTER_MAC, pdst=GW))
    burst(lan, 1110.0, "10.40.0.98", names[:4], smac="02:aa:bb:00:00:98")
    return lan, {
        "forges": "X (unused IP, random MAC) runs a DGA burst and is flagged; 15 min later A "
                  "sends one ARP reply from its own NIC claiming X for V's MAC; a phantom then "
                  "fails on 4 of X's names",
        "outcome": "no host record other than V's ever carries V's MAC",
        "records_forbidden": [{"event_type": "spanhound_verdict", "spanhound_verdict.mac": lan.mac(VICTIM),
                               "spanhound_verdict.ip": {"$ne": VICTIM}}],
    }


def case_dga_window_eviction_flood():
    """hosts.capacity 4096 -> dgahost keeps max(1024, cap/4) = 1024 windows
    (LRU).  Between every 4 of I's failures, 1100 phantom hosts fail once
    each (forged query + answer, word-like names): I's window is evicted,
    its count never reaches nx_min_names; nothing in spanhound_health says so."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 508)
    names = dga_names(5008, 24)
    phantoms = ["10.41.%d.%d" % (k // 220, 10 + k % 220) for k in range(1100)]
    t = 60.0
    for i, name in enumerate(names):
        lan.resolve(t, INFECTED, name, rcode=3)
        t += 2.0
        if i % 4 == 3:
            for k, ph in enumerate(phantoms):
                pm = "02:ee:%02x:%02x:00:01" % (k >> 8, k & 255)
                lan.lookup(t + k * 0.0015, ph, "192.0.2.99", "meadow%dgarden.org" % k,
                           rcode=3, smac=pm)
            t += 1100 * 0.0015 + 1.0
    return lan, {
        "forges": "1100 phantom sources (10.41/16, random MACs) each fail one word-like name "
                  "after every 4 of I's 24 DGA failures (~13k forged packets)",
        "outcome": "I flagged (or at least a spanhound_health record saying detector state was lost)",
        "config": "hosts: { capacity = 4096; };\n",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_ipv6_prefix_bucket_drain():
    """On a one-/64 IPv6 LAN the per-/64 creation bucket (256 + 1/s) is the
    whole segment's.  I sends 300 DNS queries from random addresses of the
    /64 (its own MAC), then 2 new ones per second, and three just before
    each frame of its fresh temporary address (so every token the bucket
    refills goes to a spoofed source first); its DGA burst comes from that
    temporary address, which the rate limit alone would never create."""
    pfx = "fd00:db8:1:"
    lan = Lan()
    router_ll = "fe80::1"
    lan.on_segment(router_ll, ROUTER_MAC)
    resolver, upstream = pfx + ":53", "2001:db8:53::53"
    infected, temp = pfx + ":15", pfx + ":9c41:77e2:1a0b:5d3f"
    benign = [pfx + ":21", pfx + ":22"]
    for ip in [resolver, infected] + benign:
        lan.on_segment(ip)
    lan.on_segment(temp, lan.mac(infected))          # I's temporary address, same NIC
    lan.ra(0.5, router_ll, ROUTER_MAC, pfx + ":")
    for i, ip in enumerate([resolver, infected] + benign):
        lan.ndp_join(1.0 + 0.5 * i, ip)
    browse(lan, benign + [infected], 6.0, 420.0, 509, resolver=resolver, upstream=upstream)
    r = random.Random(5009)
    imac = lan.mac(infected)
    def syn(t):
        src = "fd00:db8:1:0:%x:%x:%x:%x" % tuple(r.getrandbits(16) for _ in range(4))
        # a DNS query: an event per packet (a TCP SYN's flow is reported only when it ends)
        lan.dns_query(t, src, upstream, "www.wikipedia.org", "AAAA", smac=imac, dmac=ROUTER_MAC)
    for k in range(300):
        syn(20.0 + k * 0.01)
    t = 24.0
    while t < 420.0:                    # 2/s, keeping the bucket (1/s) empty
        syn(t)
        t += 0.5
    # and just before each of the temporary address's frames (its NDP join,
    # every query, every answer), three more: a token that accrued since is
    # always taken by a spoofed source first
    def drain(at):
        for k in range(3):
            syn(at - 0.0004 + k * 0.0001)
    # the machine is established by now (its MAC in use for over mac_stable)
    drain(190.0)
    lan.ndp_join(190.0, temp)
    t = 200.0
    for name in dga_names(5009, 24):
        drain(t)
        drain(t + 0.003 + 0.020 + 0.001)
        lan.resolve(t, temp, name, rcode=3, qtype="AAAA", resolver=resolver, upstream=upstream)
        t += 5.0
    return lan, {
        "forges": "I drains the /64's host-creation bucket (300 spoofed sources, then 2/s, and "
                  "3 right before each frame of its new address), then "
                  "runs a DGA burst from a fresh temporary address of the same /64",
        "outcome": "the temporary address flagged",
        "flagged": [temp],
        "hosts": {temp: host_infected()},
    }


def case_evidence_pool_exhaustion():
    """The evidence pool has hosts.capacity slots and a slot is freed only
    when its host leaves the table (idle_timeout, default a day).  128
    phantoms each fail the same 6 algorithmic names (2 evidences each):
    the pool is full, and the real bot's burst afterwards raises nothing."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 400.0, 510)
    shared = dga_names(5010, 6)
    t = 20.0
    for k in range(128):
        ph, pm = "10.42.0.%d" % (2 + k), "02:dd:00:00:%02x:01" % k
        for j, name in enumerate(shared):
            lan.lookup(t + j * 0.05, ph, "192.0.2.99", name, rcode=3, smac=pm)
        t += 0.4
    burst(lan, 120.0, INFECTED, dga_names(5011, 24))
    return lan, {
        "forges": "128 phantom sources (10.42.0/24, random MACs) each fail the same 6 "
                  "algorithmic names (~1.5k forged packets); hosts.capacity = 256",
        "outcome": "I flagged after its 24-name burst",
        "config": "hosts: { capacity = 256; };\n",
        "hosts": {INFECTED: host_infected()},
    }


def case_mac_flood_unroutes_router():
    """host_mac_view() returns TRUSTED when the binding's MAC has no entry in
    the MAC table.  The MAC table holds hosts.capacity entries (LRU) and any
    frame to an external address creates one for its destination MAC
    (host_note_next_hop), without the per-prefix limit.  A flood of 1100
    frames to random next-hop MACs just before a routed host's verdict
    evicts the router's entry: the verdict names the ROUTER's MAC, trusted."""
    lan = Lan()
    G.routed_office(lan, 320.0)
    infected = G.ROUTED_BOT
    burst(lan, 60.0, infected, dga_names(1007, 24))
    fr = random.Random(5012)
    amac = lan.mac("10.40.0.21")                   # any host; its own IP and MAC
    for k in range(1100):
        dmac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(fr.randrange(256) for _ in range(5))
        # a DNS query: an event per packet (a UDP flow is reported only when it ends)
        lan.dns_query(114.0 + k * 0.0008, "10.40.0.21", "203.0.113.%d" % (1 + k % 200),
                      "www.wikipedia.org", smac=amac, dmac=dmac)
    return lan, {
        "forges": "router_mac_host with hosts.capacity 1024, plus 1100 DNS queries from an office "
                  "host to external addresses, each to a random destination MAC, in the second "
                  "before 10.9.1.13's burst crosses the threshold",
        "outcome": "10.9.1.13 flagged with mac_status routed and mac null (never the router's MAC)",
        "config": "hosts: { capacity = 1024; };\n",
        "flagged": [infected],
        "hosts": {infected: host_infected(None, "routed")},
        "records_forbidden": [{"event_type": "spanhound_verdict", "spanhound_verdict.mac": ROUTER_MAC}],
    }


def case_tunnel_zone_made_prevalent():
    """Local prevalence counts hashed host IPs (saturating at 16 = 'everyone')
    of hosts with a stable binding; an ARP claim makes a binding stable at
    once.  16 phantoms (each claimed by one ARP reply from I's NIC) resolve
    a name of I's tunnel zone once; one more lookup a day later: the zone is
    'locally prevalent' and I's tunnel confidence is multiplied by 0.25.
    Tunnel evidence never marks its zone suspect (only dga_resolved does)."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    zone = "tlmx-sync.biz"
    imac = lan.mac(INFECTED)
    for k in range(16):
        ph, pm = "10.40.0.%d" % (150 + k), "02:cc:00:00:00:%02x" % k
        lan.on_segment(ph, pm)           # answers to it are addressed to pm
        lan.add(10.0 + k, G.Ether(src=imac, dst=ROUTER_MAC) /
                G.ARP(op=2, hwsrc=pm, psrc=ph, hwdst=ROUTER_MAC, pdst=GW))
        lan.lookup(10.5 + k, ph, "192.0.2.99", "cdn.%s" % zone, rcode=0,
                   answers=[("A", "203.0.113.77")], smac=pm)
    day = 86400.0
    lan.add(day + 15.0, G.Ether(src=imac, dst=ROUTER_MAC) /
            G.ARP(op=2, hwsrc="02:cc:00:00:00:00", psrc="10.40.0.150", hwdst=ROUTER_MAC, pdst=GW))
    lan.lookup(day + 20.0, "10.40.0.150", "192.0.2.99", "cdn.%s" % zone, rcode=0,
               answers=[("A", "203.0.113.77")], smac="02:cc:00:00:00:00")
    office_day = G.office
    office_day(lan, {INFECTED: "WS-17"}, t=day + 25.0)       # I renews its lease
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], day + 10.0, day + 700.0, 511)
    r = random.Random(5013)
    t = day + 60.0
    for i in range(150):                 # 150 distinct 40-char encoded TXT names in 10 min
        name = "%s.%s" % (G.b32_label(r, 40), zone)
        sp, q = lan.dns_query(t, INFECTED, RESOLVER, name, "TXT")
        lan.dns_answer(t + 0.03, RESOLVER, INFECTED, name, "TXT", sp, q, rcode=0,
                       answers=[("TXT", G.b32_label(r, 24))])
        t += 4.0
    return lan, {
        "forges": "16 phantom addresses, each bound by one ARP reply sent from I's NIC, resolve "
                  "cdn.tlmx-sync.biz once (forged query+answer); one more lookup a day later; "
                  "then I tunnels 150 distinct 40-char TXT names to tlmx-sync.biz in 10 min",
        "outcome": "I flagged with dns_tunnel",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected(kinds=("dns_tunnel",))},
    }


def case_control_tunnel_zone_not_prevalent():
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    zone = "tlmx-sync.biz"
    day = 86400.0
    G.office(lan, {INFECTED: "WS-17"}, t=day + 5.0)
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], day + 10.0, day + 700.0, 511)
    r = random.Random(5013)
    t = day + 60.0
    for i in range(150):
        name = "%s.%s" % (G.b32_label(r, 40), zone)
        sp, q = lan.dns_query(t, INFECTED, RESOLVER, name, "TXT")
        lan.dns_answer(t + 0.03, RESOLVER, INFECTED, name, "TXT", sp, q, rcode=0,
                       answers=[("TXT", G.b32_label(r, 24))])
        t += 4.0
    return lan, {
        "forges": "control for tunnel_zone_made_prevalent: the same tunnel, no phantoms",
        "outcome": "I flagged with dns_tunnel",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected(kinds=("dns_tunnel",))},
    }


def case_relay_null_client_escape_internal():
    """As relay_null_client_escape, but I uses the office resolver (both legs
    mirrored): the resolver's upstream answer is credited to I, and
    credit_relayed(I) -- I 'relaying for nobody' -- swallows it."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 512)
    t = 60.0
    for name in dga_names(5014, 24):
        lan.dns_query(t, "10.40.0.21", INFECTED, name, smac="02:aa:bb:cc:dd:01",
                      dmac=lan.mac(INFECTED))
        lan.resolve(t + 0.2, INFECTED, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I precedes each of its 24 DGA lookups through the office resolver with one "
                  "forged query for the same name to itself (10.40.0.21's IP, random MAC)",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


WORDS_A = ["oak", "river", "maple", "stone", "sunny", "harbor", "meadow", "willow", "cedar", "silver",
           "golden", "quiet", "little", "old", "green"]
WORDS_B = ["pottery", "bakery", "garden", "choir", "cycling", "quilting", "bookshop", "kennel",
           "farmstand", "tailor"]


def case_wordlike_volume_standalone():
    """docs: word-like failures 'raise a weaker evidence (never standalone)'.
    Code (dgahost.c:293): 0.45 + 0.25 + 0.15 = 0.85 >= standalone 0.8.  A web
    page or HTML mail with 30 links to dead hobby sites makes its reader's
    host flagged, with its own MAC, on one source."""
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM], 2.0, 300.0, 513)
    names = ["%s%s%s.com" % (a, b, "club" if i % 2 else "news")
             for i, (a, b) in enumerate(zip(WORDS_A * 2, WORDS_B * 3))][:30]
    t = 60.0
    for name in names:
        lan.resolve(t, VICTIM, name, rcode=3)
        t += 1.5
    return lan, {
        "forges": "nothing on the LAN: V opens a page that references 30 dead hobby-site domains "
                  "(compound English words) within 45 s",
        "outcome": "V not flagged (word-like failures are 'never standalone')",
        "never_flagged": [VICTIM],
    }


CASES += [
    ("wordlike_volume_standalone", case_wordlike_volume_standalone),
    ("relay_null_client_escape_internal", case_relay_null_client_escape_internal),
    ("announced_resolver_exempts_bot", case_announced_resolver_exempts_bot),
    ("rogue_dhcp_server_earns_trust", case_rogue_dhcp_server_earns_trust),
    ("flagged_host_rebound_to_victim_mac", case_flagged_host_rebound_to_victim_mac),
    ("dga_window_eviction_flood", case_dga_window_eviction_flood),
    ("ipv6_prefix_bucket_drain", case_ipv6_prefix_bucket_drain),
    ("evidence_pool_exhaustion", case_evidence_pool_exhaustion),
    ("mac_flood_unroutes_router", case_mac_flood_unroutes_router),
    ("tunnel_zone_made_prevalent", case_tunnel_zone_made_prevalent),
    ("control_tunnel_zone_not_prevalent", case_control_tunnel_zone_not_prevalent),
]

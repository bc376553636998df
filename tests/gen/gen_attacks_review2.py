#!/usr/bin/python3
"""Attack cases from the second adversarial review, against the fixes of
the first (commits 3482c8f..b4cc488).  Same format as
gen_attacks_review.py: each case returns (lan, spec), gen_attacks.py's
main() writes it into tests/regress/attacks/, and the case fails if the
fix of its finding regresses.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_attacks as G  # noqa: E402
from gen_attacks import (BENIGN_HOSTS, GW, INFECTED, ROUTER_MAC,  # noqa: E402
                         VICTIM, Lan, browse, burst, dga_names, std_office, host_infected)
from gen_attacks_review import announced_resolver, forged_ack  # noqa: E402

ATTACKER = "10.40.0.66"
EXT_DNS = "198.51.100.53"
NOBODY_MAC = "02:aa:bb:cc:dd:01"       # a unicast MAC no host uses


# ---- R2-1: recognition as a resolver is cheap, and then unattributable
#      self-queries launder every lookup, silently ------------------------

def phantom_client_relay(lan, t, phantom, pmac, name="www.wikipedia.org"):
    """I makes itself a 'recognised resolver': ONE ARP reply from a phantom
    MAC claiming an unused address (a claim from the claimant's own frame:
    the binding is stable at once), the phantom asks I for a popular name,
    and I asks upstream for it 3 ms later (relay with a stable client)."""
    lan.on_segment(phantom, pmac)
    lan.add(t, G.Ether(src=pmac, dst=G.BCAST) /
            G.ARP(op=1, hwsrc=pmac, psrc=phantom, hwdst="00:00:00:00:00:00", pdst=phantom))
    lan.dns_query(t + 0.5, phantom, INFECTED, name, dmac=lan.mac(INFECTED))
    lan.lookup(t + 0.503, INFECTED, EXT_DNS, name, rcode=0,
               answers=[("A", "198.51.100.10")])


def case_recognised_resolver_launders():
    """As relay_null_client_escape (which the fix makes pass), plus one
    phantom relay every 8 minutes: I is 'recognised' (relay_us set by a
    stable client), so relay_of() accepts the unattributable forged query
    to I as a relay, and credit_relayed() credits nobody.  The forged
    queries are never answered, so the spoof shadow hears no failure:
    no verdict, no spanhound_spoofed_source record, no spanhound_resolver record."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    lan.on_segment(INFECTED)
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 300.0, 601)
    phantom_client_relay(lan, 50.0, "10.40.0.240", "02:aa:00:00:02:40")
    t = 60.0
    for i, name in enumerate(dga_names(6001, 24)):
        if i == 12:
            phantom_client_relay(lan, t, "10.40.0.240", "02:aa:00:00:02:40", "github.com")
            t += 1.0
        # one forged packet: "I asks I", from I's own IP with a MAC nobody uses
        lan.dns_query(t, INFECTED, INFECTED, name, smac=NOBODY_MAC, dmac=lan.mac(INFECTED))
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I claims one phantom address by ARP (phantom's MAC) and relays one popular "
                  "name for it (I is now a 'recognised resolver'); then precedes each of its 24 "
                  "DGA lookups with one never-answered query to itself from its own IP and a "
                  "MAC nobody uses",
        "outcome": "I flagged (or at least a record saying lookups went unattributed)",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


def case_recognised_resolver_launders_via_real_client():
    """Same, without a phantom: the one 'stable client' query is forged with
    a real workstation's IP and MAC, for a popular name (the workstation is
    credited one harmless lookup)."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED], 2.0, 420.0, 602)
    ws = "10.40.0.21"
    # steady state: the workstation's binding has held for over mac_stable,
    # so relaying its (forged) query makes I a recognised resolver
    lan.dns_query(150.5, ws, INFECTED, "docs.python.org", dmac=lan.mac(INFECTED))
    lan.lookup(150.503, INFECTED, EXT_DNS, "docs.python.org", rcode=0,
               answers=[("A", "198.51.100.11")])
    t = 160.0
    for name in dga_names(6002, 24):
        lan.dns_query(t, INFECTED, INFECTED, name, smac=NOBODY_MAC, dmac=lan.mac(INFECTED))
        lan.lookup(t + 0.2, INFECTED, EXT_DNS, name, rcode=3)
        t += 5.0
    return lan, {
        "forges": "I forges ONE query for docs.python.org from WS-21 (its IP and MAC) to "
                  "itself and relays it; then each DGA lookup is preceded by a never-answered "
                  "query to itself from its own IP and a MAC nobody uses",
        "outcome": "I flagged",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected()},
    }


# ---- R2-2: a forged ACK from a configured DHCP server's address is
#      'consistent' whenever that address has no active binding ------------

CENTRAL_DHCP = "10.8.0.5"       # a central DHCP server behind relay agents


def case_announced_resolver_unseen_server():
    """The configured DHCP server is central (another subnet, reached
    through relay agents): its address never sources a frame here.  I's
    forged ACK from that address, with I's own MAC, creates the server's
    host with I's MAC as its binding (learn_l2 runs before on_dhcp), so
    ack_server() finds it 'consistent': trusted, and option 6 names I."""
    return announced_resolver(
        CENTRAL_DHCP, 300.0, 603, 30.0, 6003,
        "I sends ONE DHCP ACK with the configured (central, never seen) server's "
        "address 10.8.0.5 from its own MAC, option 6 = I; then a 24-name DGA burst")


def case_announced_resolver_quiet_server():
    """The configured DHCP server is the gateway, which sources no frame of
    its own for 15 minutes (it routes; it leased everything at 08:00).  At
    t = 1000 s its binding is stale: I's forged ACK (gateway's IP, I's MAC)
    moves the gateway's binding to I's MAC, then counts as the configured
    server's own ACK, and option 6 names I."""
    return announced_resolver(
        GW, 1300.0, 604, 1000.0, 6004,
        "the gateway (configured DHCP server) sources nothing for 15 min; I sends ONE "
        "DHCP ACK with its address from I's own MAC, option 6 = I; then a DGA burst",
        outcome="I flagged")


# ---- R2-3: one frame ends a quiet flagged host's verdict --------------------

def case_quiet_bot_verdict_wiped_by_one_frame():
    """I is flagged (24-name burst), then sends nothing for 15 minutes
    (a bot sleeping between walks, or a host the NAC just quarantined).
    ONE frame with I's address and a MAC nobody uses moves the stale
    binding: on_host_moved() ends I's verdict (expired) and drops all its
    evidence.  When I wakes up and walks its list again with its own MAC,
    its binding is now the newcomer of a conflict: every lookup goes to the
    spoof shadow (no verdict) for the next mac_active seconds."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17"})
    lan.on_segment(INFECTED)
    others = list(BENIGN_HOSTS)
    browse(lan, others, 2.0, 1700.0, 605)
    browse(lan, [INFECTED], 2.0, 55.0, 606)
    burst(lan, 60.0, INFECTED, dga_names(6005, 24))       # flagged by ~120 s, silent after 180 s
    # 1250 s (its flows ended ~240 s): one frame, I's IP, a MAC nobody uses (anyone may send it)
    lan.dns_query(1250.0, INFECTED, EXT_DNS, "www.wikipedia.org", smac=NOBODY_MAC,
                  dmac=ROUTER_MAC)
    burst(lan, 1260.0, INFECTED, dga_names(6006, 24))     # I walks its list again
    return lan, {
        "forges": "I is flagged, then silent 15 min; one frame with I's IP and a MAC nobody "
                  "uses; then I runs a second 24-name DGA burst with its own MAC",
        "outcome": "I still flagged at the end, with its own MAC (never 'expired')",
        "flagged": [INFECTED],
        "hosts": {INFECTED: host_infected(lan.mac(INFECTED), "trusted")},
        "records_forbidden": [{"event_type": "spanhound_verdict", "spanhound_verdict.ip": INFECTED,
                               "spanhound_verdict.change": "expired"}],
    }


# ---- R2-4: a forged source MAC picks who is flagged --------------------------

def case_own_ip_victim_mac_frames_victim():
    """A queries the resolver from ITS OWN address (its binding active) with
    V's MAC as Ethernet source.  attributable(): the MAC is not A's, so the
    event 'speaks for the host whose MAC it is': V.  The resolver's answers
    go to A's address (A gets them), and V is flagged with its own MAC,
    trusted.  docs/detections.md: 'A host that sends its lookups with a
    forged source MAC is heard only as spanhound_spoofed_source records.'"""
    lan = Lan()
    std_office(lan, {VICTIM: "CEO-LAPTOP", ATTACKER: "WS-66"})
    browse(lan, list(BENIGN_HOSTS) + [VICTIM, ATTACKER], 2.0, 300.0, 607)
    burst(lan, 60.0, ATTACKER, dga_names(6007, 24), smac=lan.mac(VICTIM))
    return lan, {
        "forges": "A sends 24 DGA queries through the resolver from its own IP with V's MAC "
                  "as Ethernet source; the resolver answers A",
        "outcome": "V never flagged, no evidence for V",
        "never_flagged": [VICTIM],
        "no_evidence": [VICTIM],
    }


# ---- R2-5: a wire-learned DHCP server's lease outranks router recognition --

def case_rogue_lease_pins_router_mac():
    """router_mac_host, plus A (an office host, its own MAC) running a rogue
    DHCP server at 10.40.0.250: 3 ACKs to phantom clients, each phantom
    sending one frame right after and another 125 s later (confirm_lease's
    two steps): the rogue is trusted.  It then ACKs the routed bot's address
    to the ROUTER's MAC: host_observe_mac() confirms the same MAC with
    source DHCP, and host_mac_view() returns TRUSTED for MAC_DHCP before it
    looks at router recognition: the bot's verdict names the router's MAC."""
    lan = Lan()
    G.routed_office(lan, 420.0, {ATTACKER: "WS-66"})
    infected = G.ROUTED_BOT
    rogue, amac = "10.40.0.250", lan.mac(ATTACKER)
    for k in range(3):
        ph, pm = "10.40.0.%d" % (210 + k), "02:aa:00:00:01:%02x" % k
        forged_ack(lan, 5.0 + k, rogue, amac, ph, pm, xid=0x7c00 + k)
        lan.dns_query(5.5 + k, ph, EXT_DNS, "time.example.org", smac=pm, dmac=ROUTER_MAC)
        lan.dns_query(131.0 + k, ph, EXT_DNS, "time.example.org", smac=pm, dmac=ROUTER_MAC)
    forged_ack(lan, 140.0, rogue, amac, infected, ROUTER_MAC, xid=0x7c10)
    burst(lan, 150.0, infected, dga_names(1007, 24))
    return lan, {
        "forges": "router_mac_host plus a rogue DHCP server (an office host's MAC) that earns "
                  "trust with 3 phantom clients (two frames each, 125 s apart), then ACKs the "
                  "routed bot's address to the router's MAC",
        "outcome": "10.9.1.13 flagged with mac_status routed and mac null (never the router's MAC)",
        "flagged": [infected],
        "hosts": {infected: host_infected(None, "routed")},
        "records_forbidden": [{"event_type": "spanhound_verdict", "spanhound_verdict.mac": ROUTER_MAC}],
    }


def case_forged_ack_unseen_server_preclaims():
    """The configured DHCP server is central (behind relay agents): its
    address never sends on this segment.  A forged ACK "from" it (sent from
    I's NIC) leases a fresh address Z to V's MAC; then I uses Z with its own
    MAC for a DGA burst.  The ACK must not count as a trusted lease (no
    binding other frames established for the server's address): Z is I's,
    with I's MAC, not a conflict with V's."""
    lan = Lan()
    std_office(lan, {INFECTED: "WS-17", VICTIM: "CEO-LAPTOP"})
    browse(lan, list(BENIGN_HOSTS) + [INFECTED, VICTIM], 2.0, 420.0, 606)
    z = "10.40.0.77"
    imac, vmac = lan.mac(INFECTED), lan.mac(VICTIM)
    lan.on_segment(z, imac)
    lan.dhcp(150.0, 2, "ack", 0x6060, vmac, imac, G.BCAST, CENTRAL_DHCP, "255.255.255.255",
             G.Lan.lease_opts(CENTRAL_DHCP, 86400) + [("hostname", b"CEO-LAPTOP")], yiaddr=z)
    burst(lan, 170.0, z, dga_names(6006, 24))
    return lan, {
        "forges": "a DHCP ACK 'from' the configured central DHCP server's address (never seen "
                  "on the segment), sent from I's NIC, leasing a fresh address Z to V's MAC; I "
                  "then runs a DGA burst from Z with its own MAC",
        "outcome": "Z flagged with I's MAC (trusted), no conflict with V's MAC, not CEO-LAPTOP's name",
        "config": 'infrastructure: { dhcp_servers = [ "%s" ]; };\n' % CENTRAL_DHCP,
        "flagged": [z],
        "never_flagged": [VICTIM],
        "hosts": {z: host_infected(imac, "trusted", hostname={"$ne": "CEO-LAPTOP"})},
    }


CASES = [
    ("forged_ack_unseen_server_preclaims", case_forged_ack_unseen_server_preclaims),
    ("recognised_resolver_launders", case_recognised_resolver_launders),
    ("recognised_resolver_launders_via_real_client",
     case_recognised_resolver_launders_via_real_client),
    ("announced_resolver_unseen_server", case_announced_resolver_unseen_server),
    ("announced_resolver_quiet_server", case_announced_resolver_quiet_server),
    ("quiet_bot_verdict_wiped_by_one_frame", case_quiet_bot_verdict_wiped_by_one_frame),
    ("own_ip_victim_mac_frames_victim", case_own_ip_victim_mac_frames_victim),
    ("rogue_lease_pins_router_mac", case_rogue_lease_pins_router_mac),
]

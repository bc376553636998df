#!/usr/bin/env python3
"""Checks one replay's health outputs against its --stats counters.

usage: check.py MODE ARGS...
  replay EVE STATS PROM INTERVAL PACKETS TIMES -- the offline run (see run.sh);
         TIMES: tshark's frame.time_epoch and frame.len, one packet a line
  redis  PORT STATS INTERVAL                 -- the Redis hash {spanhound}:health:health-test

Prints "ok NAME" / "FAIL NAME: why" lines; run.sh counts them.  Expected
values come from --stats of the same run (the counters the operator reads),
from capinfos/tshark (the packet count) and from Suricata's EVE schema,
never from the health code itself.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "eve"))


def out(ok, name, why=""):
    print(("ok %s" % name) if ok else ("FAIL %s: %s" % (name, why)))


def read_stats(path):
    st = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^([a-z_.0-9A-Z-]+)\s+(\d+)$", line.strip())
            if m:
                st[m.group(1)] = int(m.group(2))
    return st


def prom_samples(path):
    """name{labels} value -> {(name, frozenset(labels)): value}, by the
    exposition format's grammar (label values: \\\\, \\", \\n escapes)."""
    s = {}
    lab = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
            if not m:
                raise ValueError("bad sample line: %r" % line)
            labels = frozenset(lab.findall(m.group(3) or ""))
            s[(m.group(1), labels)] = float(m.group(4))
    return s


def prom_get(s, name, **want):
    for (n, labels), v in s.items():
        d = dict(labels)
        if n == name and all(d.get(k) == v2 for k, v2 in want.items()):
            return v
    return None


def replay(eve, stats, prom, interval, packets, times):
    import jsonschema
    from validate import record_errors
    with open(os.path.join(HERE, "..", "eve", "schema.json"), encoding="utf-8") as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    st = read_stats(stats)
    recs = []
    with open(eve, encoding="utf-8") as f:
        for line in f:
            recs.append(json.loads(line))
    sur = [r for r in recs if r.get("event_type") == "stats"]
    own = [r for r in recs if r.get("event_type") == "spanhound_stats"]
    out(len(sur) >= 3 and len(sur) == len(own) == st.get("health.reports"),
        "one stats and one spanhound_stats record per report",
        "%d stats, %d spanhound_stats, health.reports %s" % (len(sur), len(own),
                                                             st.get("health.reports")))
    bad = []
    for r in sur + own:
        e = record_errors(validator, r)
        if e:
            bad.append(e[0])
    out(not bad and sur, "the health records are valid against Suricata's EVE schema",
        "; ".join(bad[:3]))
    # packet time: every report but the last on the interval's grid
    up = [r["stats"]["uptime"] for r in sur]
    grid = all(u % interval == 0 for u in up[:-1]) and all(a < b for a, b in zip(up, up[1:]))
    out(grid, "reports every health.interval of packet time (uptime %d, %d, ...)" % tuple(up[:2]),
        "uptimes %s" % up[:10])
    fin, fown = sur[-1]["stats"], own[-1]["spanhound_stats"]
    pairs = [
        ("decoder.pkts", fin["decoder"]["pkts"], "capture.packets"),
        ("decoder.bytes", fin["decoder"]["bytes"], "capture.bytes"),
        ("decoder.ipv4", fin["decoder"]["ipv4"], "decode.ipv4"),
        ("decoder.ipv6", fin["decoder"]["ipv6"], "decode.ipv6"),
        ("decoder.tcp", fin["decoder"]["tcp"], "decode.tcp"),
        ("decoder.udp", fin["decoder"]["udp"], "decode.udp"),
        ("decoder.arp", fin["decoder"]["arp"], "decode.arp"),
        ("flow.total", fin["flow"]["total"], "flow.created"),
        ("flow.active", fin["flow"]["active"], "flow.active"),
        ("flows.evicted", fown["flows"]["evicted"], "flow.evicted"),
        ("hosts.active", fown["hosts"]["active"], "detect.hosts_active"),
        ("hosts.evicted", fown["hosts"]["evicted"], "detect.hosts_evicted"),
        ("hosts.evicted_protected", fown["hosts"]["evicted_protected"],
         "detect.hosts_evicted_protected"),
        ("hosts.rate_limited", fown["hosts"]["rate_limited"], "detect.hosts_rate_limited"),
        ("capture.ring_dropped", fown["capture"]["ring_dropped"], "events.dropped_ring_full"),
        ("eve.errors", fown["eve"]["errors"], "eve.write_errors"),
        # the two last records are written after the report counted
        ("eve.written + 2", fown["eve"]["written"] + 2, "eve.written"),
    ]
    diff = ["%s %s != %s %s" % (a, v, b, st.get(b)) for a, v, b in pairs if st.get(b) != v]
    out(not diff, "the last records' counters equal --stats (%d counters)" % len(pairs),
        "; ".join(diff))
    # every report: the packets before its time, as tshark reads the capture
    # (frame.time_epoch, frame.len: one line per packet)
    pk = []
    with open(times, encoding="utf-8") as f:
        for line in f:
            t, n = line.split()
            pk.append((float(t), int(n)))
    bad = []
    import datetime
    for r in sur[:-1]:
        ts = datetime.datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        want = [n for t, n in pk if t < ts - 1e-7]
        d = r["stats"]["decoder"]
        if d["pkts"] != len(want) or d["bytes"] != sum(want):
            bad.append("%s: pkts %d bytes %d, tshark %d %d" % (r["timestamp"], d["pkts"], d["bytes"],
                                                              len(want), sum(want)))
    out(pk and not bad, "every report's decoder.pkts/bytes = the packets before its time (tshark, %d reports)"
        % (len(sur) - 1), "; ".join(bad[:3]))
    out(fin["decoder"]["pkts"] == packets,
        "decoder.pkts equals the capture's packet count (capinfos: %d)" % packets,
        "%s" % fin["decoder"]["pkts"])
    # the Prometheus file: the same counters
    s = prom_samples(prom)
    pp = [
        ("spanhound_packets_total", "capture.packets"),
        ("spanhound_bytes_total", "capture.bytes"),
        ("spanhound_flows_total", "flow.created"),
        ("spanhound_flows_active", "flow.active"),
        ("spanhound_flows_evicted_total", "flow.evicted"),
        ("spanhound_hosts_active", "detect.hosts_active"),
        ("spanhound_hosts_evicted_total", "detect.hosts_evicted"),
        ("spanhound_ring_dropped_events_total", "events.dropped_ring_full"),
        ("spanhound_redis_delivered_total", "redis.delivered"),
    ]
    diff = ["%s %s != %s %s" % (n, prom_get(s, n), k, st.get(k)) for n, k in pp
            if prom_get(s, n) != st.get(k)]
    out(not diff, "the Prometheus file's values equal --stats (%d)" % len(pp), "; ".join(diff))
    out(prom_get(s, "spanhound_redis_connected") == 1.0 and
        prom_get(s, "spanhound_redis_journal_pending_entries") == 0.0,
        "the Prometheus file: Redis connected, nothing pending",
        "connected %s pending %s" % (prom_get(s, "spanhound_redis_connected"),
                                     prom_get(s, "spanhound_redis_journal_pending_entries")))
    out(fown["redis"]["connected"] is True and fown["redis"]["delivered"] == st.get("redis.delivered"),
        "spanhound_stats.redis: connected, delivered = redis.delivered",
        json.dumps(fown.get("redis")))


def redis_hash(port, stats, interval):
    import redis
    st = read_stats(stats)
    r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
    key = "{spanhound}:health:health-test"
    h = r.hgetall(key)
    ttl = r.ttl(key)
    need = ["ts", "sensor", "version", "mode", "uptime", "interval", "status", "reasons",
            "dropping", "interfaces", "interfaces_down", "kernel_dropped", "ring_dropped", "packets",
            "bytes",
            "packets_per_s", "flows_active", "flows_capacity", "hosts_active", "hosts_capacity",
            "journal_pending", "journal_bytes", "redis_last_error_age", "eve_written", "eve_errors"]
    miss = [k for k in need if k not in h]
    out(not miss, "the health hash has the documented fields (%d)" % len(need),
        "missing %s" % miss)
    diff = ["%s %s != %s %s" % (a, h.get(a), b, st.get(b)) for a, b in
            [("packets", "capture.packets"), ("bytes", "capture.bytes"),
             ("hosts_active", "detect.hosts_active"), ("flows_active", "flow.active"),
             ("ring_dropped", "events.dropped_ring_full")]
            if str(st.get(b)) != h.get(a)]
    out(not diff and h.get("sensor") == "health-test" and h.get("mode") == "replay"
        and h.get("status") == "ok" and h.get("journal_pending") == "0",
        "the health hash's values equal --stats", "; ".join(diff) + " " + json.dumps(h)[:300])
    want = max(30, 3 * interval)
    out(0 < ttl <= want and ttl >= want - 10, "the health hash expires (TTL %d s of %d)" % (ttl, want),
        "TTL %d" % ttl)


def main():
    mode = sys.argv[1]
    if mode == "replay":
        replay(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]),
               sys.argv[7])
    elif mode == "redis":
        redis_hash(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        print("FAIL check.py: unknown mode %s" % mode)


if __name__ == "__main__":
    main()

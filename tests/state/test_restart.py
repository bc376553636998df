#!/usr/bin/python3
"""Host state across restarts (docs/appliance.md "State and restarts", docs/nac-feed.md).

Real redis-server processes on free loopback ports (tests/redis/test_feed.py's
helpers).  Oracles: editcap/tshark split the demo capture (the split is theirs,
not spanhound's); one uninterrupted replay of the same packets is what the
interrupted ones must equal in Redis; the demo's generator names the infected
host (tests/gen/gen_demo.py).

  split:    run A = half 1 then half 2 with --state-dir; run B = both halves in
            one run: the same infected set and host hashes, exactly one
            'infected' entry per host, no id twice.  Control: A without
            --state-dir differs (the host announced again), so the check can
            fail.
  quiet:    half 1 with --state-dir, then traffic without the infected host:
            the quarantine stays in Redis (the publisher's views persisted;
            without them the first reconcile removed it), nothing re-announced.
  views_lost: half 1, then the feed's views file and journal removed: the restart
            announces the restored flagged host ('updated') and Redis keeps it.
  term:     SIGTERM mid-replay (--pace), exit 0, snapshot written; restart on
            the packets after the snapshot's last packet time (tshark splits
            there): no verdict lost or duplicated, the host restored flagged
            (EVE of the second run), the same infected set as run B.
  kill9:    kill -9 0.3 s after the verdict (no periodic save yet), restart on the
            packets after the snapshot: one 'infected', no 'expired', still in the set.
  corrupt:  a corrupt snapshot: one message, the run starts empty and works.
  live_downtime: half 1 offline with --state-dir (the demo capture is months old),
            then a LIVE run (-i lo in a network namespace made here) that sees a
            few datagrams now: the months between do not count -- one line
            "... the H h M min the sensor was down do not count", and the
            shutdown snapshot still holds run 1's hosts and flagged ones (run 1's
            own save line is the oracle; without the shift every restored host
            expires at the first packet: "0 hosts").  Needs root and ip(8).

Usage: tests/state/test_restart.py BIN [--only NAME]
Appends "state <passed> <failed> <skipped>" to build/test-results.txt.
"""
import json
import re
import shutil
import os
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "redis"))

from test_feed import Ctx, check, stream, wait_for, Skip, P, DEMO, INFECTED, sanitizer_check  # noqa: E402

STABLE = ("ip", "mac", "mac_status", "mac_source", "hostname", "flagged", "sensor", "sensors")


def split_halves(ctx):
    """the demo capture in two halves by packet number (editcap)"""
    out = subprocess.run(["capinfos", "-c", "-M", DEMO], capture_output=True, text=True).stdout
    n = int([x for x in out.splitlines() if "Number of packets" in x][0].split()[-1])
    h1, h2 = ctx.path("half1.pcap"), ctx.path("half2.pcap")
    subprocess.run(["editcap", "-r", DEMO, h1, "1-%d" % (n // 2)], check=True)
    subprocess.run(["editcap", "-r", DEMO, h2, "%d-%d" % (n // 2 + 1, n)], check=True)
    return h1, h2


def first_half_then_others(ctx):
    """the demo capture's first half, and its second half without the infected host (tshark)"""
    h1, h2 = split_halves(ctx)
    rest = ctx.path("others.pcap")
    subprocess.run(["tshark", "-r", h2, "-Y", "not ip.addr == %s and not arp" % INFECTED,
                    "-w", rest], check=True, capture_output=True)
    return h1, rest


def feed(r, ctx, journal, sensor="s1"):
    return ["--redis", "127.0.0.1:%d" % r.port, "--journal", ctx.path(journal), "--sensor", sensor]


def run_ok(ctx, args, what):
    rc, out, err = ctx.run(args)
    check(rc == 0, "%s: exit %d: %s" % (what, rc, err[-600:]))
    return out, err


def summary(c):
    """what a NAC sees: infected set, stable host-hash fields, per-ip events, ids"""
    ents = stream(c)
    ids = [f.get("id") for _, f in ents]
    events = {}
    for _, f in ents:
        events.setdefault(f["ip"], []).append(f["event"])
    infected = set(c.zrange(P + ":infected", 0, -1))
    hosts = {ip: {k: c.hget(P + ":host:" + ip, k) for k in STABLE} for ip in infected}
    return {"ids": ids, "events": events, "infected": infected, "hosts": hosts}


def check_once(s, what):
    check(len(s["ids"]) == len(set(s["ids"])), "%s: an id twice: %s" % (what, s["ids"]))
    for ip, evs in s["events"].items():
        check(evs.count("infected") <= 1, "%s: %s announced infected %d times: %s"
              % (what, ip, evs.count("infected"), evs))


def one_run(ctx, h1, h2):
    rb = ctx.redis("rb")
    run_ok(ctx, ["-r", h1, "-r", h2] + feed(rb, ctx, "jb"), "run B")
    b = summary(rb.client())
    check(INFECTED in b["infected"], "run B did not flag %s: %s" % (INFECTED, b))
    check_once(b, "run B")
    return b


def t_split(ctx):
    """half 1 then half 2 with --state-dir equals one run; without it the host is announced twice"""
    h1, h2 = split_halves(ctx)
    b = one_run(ctx, h1, h2)
    ra = ctx.redis("ra")
    sd = ctx.path("state")
    run_ok(ctx, ["-r", h1, "--state-dir", sd] + feed(ra, ctx, "ja"), "run A1")
    check(os.path.exists(os.path.join(sd, "hosts.snapshot")), "no snapshot after run A1")
    _, err = run_ok(ctx, ["-r", h2, "--state-dir", sd] + feed(ra, ctx, "ja"), "run A2")
    check("restored 1 hosts (1 flagged" in err, "run A2 restored nothing: %s" % err[-400:])
    a = summary(ra.client())
    check_once(a, "run A")
    check(a["infected"] == b["infected"], "infected sets differ: A %s, B %s"
          % (a["infected"], b["infected"]))
    check(a["hosts"] == b["hosts"], "host hashes differ:\nA %s\nB %s" % (a["hosts"], b["hosts"]))
    check(a["events"][INFECTED].count("infected") == b["events"][INFECTED].count("infected") == 1,
          "infected entries: A %s, B %s" % (a["events"], b["events"]))
    # control: the same two runs without the state directory
    rc_ = ctx.redis("rc")
    run_ok(ctx, ["-r", h1] + feed(rc_, ctx, "jc"), "control 1")
    run_ok(ctx, ["-r", h2] + feed(rc_, ctx, "jc"), "control 2")
    cs = summary(rc_.client())
    bad = cs["events"].get(INFECTED, []).count("infected") != 1 or cs["infected"] != b["infected"]
    check(bad, "control without --state-dir shows no difference (the check cannot fail): %s"
          % cs["events"])


def t_quiet(ctx):
    """a restart with nothing new about the host keeps its quarantine in Redis"""
    h1, rest = first_half_then_others(ctx)
    r = ctx.redis()
    sd = ctx.path("state")
    run_ok(ctx, ["-r", h1, "--state-dir", sd] + feed(r, ctx, "j"), "run 1")
    c = r.client()
    before = summary(c)
    check(INFECTED in before["infected"], "run 1 did not flag %s" % INFECTED)
    check(os.path.exists(ctx.path("j.hosts")), "no views file beside the journal")
    _, err = run_ok(ctx, ["-r", rest, "--state-dir", sd, "-v"] + feed(r, ctx, "j"), "run 2")
    after = summary(c)
    check(INFECTED in after["infected"], "the quarantine was removed by the restart: %s\n%s"
          % (after, err[-600:]))
    check(after["hosts"][INFECTED] == before["hosts"][INFECTED], "host hash changed: %s -> %s"
          % (before["hosts"], after["hosts"]))
    check(after["events"].get(INFECTED) == ["infected"], "entries for the host: %s"
          % after["events"].get(INFECTED))
    check_once(after, "quiet")
    check(c.sismember(P + ":sensor:s1:hosts", INFECTED), "not in the sensor's host set")


def t_views_lost(ctx):
    """the feed's views file lost, the snapshot kept: the restored flagged host is announced ('updated'), not dropped"""
    h1, rest = first_half_then_others(ctx)
    r = ctx.redis()
    sd = ctx.path("state")
    run_ok(ctx, ["-r", h1, "--state-dir", sd] + feed(r, ctx, "j"), "run 1")
    c = r.client()
    check(INFECTED in summary(c)["infected"], "run 1 did not flag %s" % INFECTED)
    os.unlink(ctx.path("j.hosts"))
    with open(ctx.path("j"), "r+b") as fp:   # delivered: its records go with the views
        fp.truncate(0)
    _, err = run_ok(ctx, ["-r", rest, "--state-dir", sd] + feed(r, ctx, "j"), "run 2")
    check("1 flagged host restored without a view in Redis announced again" in err,
          "no announcement logged: %s" % err[-600:])
    after = summary(c)
    check(INFECTED in after["infected"], "the restart dropped the quarantine: %s" % after)
    check(after["events"].get(INFECTED) == ["infected", "updated"], "entries for the host: %s"
          % after["events"].get(INFECTED))
    check_once(after, "views lost")


def snapshot_last_us(path):
    """the snapshot header's last packet time (docs: "SHSNAP" u16 version u64 created u64 last)"""
    with open(path, "rb") as fp:
        hdr = fp.read(24)
    check(hdr[:6] == b"SHSNAP", "snapshot magic %r" % hdr[:6])
    return struct.unpack("<Q", hdr[16:24])[0]


def t_term(ctx):
    """SIGTERM mid-replay, start again on the rest: nothing lost or duplicated, host restored"""
    h1, h2 = split_halves(ctx)
    b = one_run(ctx, h1, h2)
    r = ctx.redis()
    c = r.client()
    sd = ctx.path("state")
    p = ctx.spawn(["-r", DEMO, "--pace", "40", "--state-dir", sd] + feed(r, ctx, "j"))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    time.sleep(0.5)
    check(p.poll() is None, "the replay ended before SIGTERM: the test did not interrupt it")
    p.send_signal(signal.SIGTERM)
    rc, err = ctx.finish(p)
    check(rc == 0, "SIGTERM: exit %d: %s" % (rc, err[-400:]))
    snap = os.path.join(sd, "hosts.snapshot")
    check(os.path.exists(snap), "no snapshot after SIGTERM")
    last = snapshot_last_us(snap)
    rest = ctx.path("rest.pcap")
    subprocess.run(["tshark", "-r", DEMO, "-Y", "frame.time_epoch > %d.%06d"
                    % (last // 1000000, last % 1000000), "-w", rest], check=True,
                   capture_output=True)
    n_rest = int(subprocess.run(["capinfos", "-c", "-M", rest], capture_output=True,
                                text=True).stdout.split()[-1])
    check(n_rest > 100, "SIGTERM came too late: %d packets left" % n_rest)
    eve = ctx.path("eve2.json")
    _, err = run_ok(ctx, ["-r", rest, "--state-dir", sd, "--eve", eve] + feed(r, ctx, "j"),
                    "restart")
    check("restored" in err and "(1 flagged" in err, "not restored: %s" % err[-400:])
    a = summary(c)
    check_once(a, "after the restart")
    check(a["infected"] == b["infected"], "infected sets differ: %s vs %s"
          % (a["infected"], b["infected"]))
    check(a["events"][INFECTED].count("infected") == 1, "entries: %s" % a["events"][INFECTED])
    changes, current = [], {}
    with open(eve) as fp:
        for line in fp:
            v = json.loads(line).get("spanhound_verdict")
            if isinstance(v, dict):
                if v.get("change") == "current":
                    current[v.get("ip")] = v
                else:
                    changes.append((v.get("ip"), v.get("change")))
    h = current.get(INFECTED)
    check(h and h.get("verdict") == "infected" and h.get("flagged_since"),
          "the restored host is not flagged in the second run's EVE: %s" % h)
    check((INFECTED, "infected") not in changes,
          "the second run announced the restored host again: %s" % changes)


def t_kill9(ctx):
    """kill -9 0.3 s after the verdict, start again on the rest: the quarantine is neither ended nor repeated"""
    r = ctx.redis()
    c = r.client()
    sd = ctx.path("state")
    p = ctx.spawn(["-r", DEMO, "--pace", "40", "--state-dir", sd] + feed(r, ctx, "j"))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    time.sleep(0.3)
    check(p.poll() is None, "the replay ended before the kill: the test did not interrupt it")
    p.send_signal(signal.SIGKILL)
    p.wait()
    snap = os.path.join(sd, "hosts.snapshot")
    # the verdict's own save (the periodic one is a minute away); before it
    # was made at once, the snapshot was missing here and the restart below
    # sent 'expired' then 'infected' again for the host
    check(os.path.exists(snap), "no snapshot 0.3 s after the verdict")
    last = snapshot_last_us(snap)
    rest = ctx.path("rest.pcap")
    subprocess.run(["tshark", "-r", DEMO, "-Y", "frame.time_epoch > %d.%06d"
                    % (last // 1000000, last % 1000000), "-w", rest], check=True,
                   capture_output=True)
    _, err = run_ok(ctx, ["-r", rest, "--state-dir", sd] + feed(r, ctx, "j"), "restart")
    check("(1 flagged" in err, "not restored: %s" % err[-400:])
    a = summary(c)
    check_once(a, "after kill -9")
    evs = a["events"][INFECTED]
    check(evs.count("infected") == 1 and "expired" not in evs, "entries: %s" % evs)
    check(INFECTED in a["infected"], "the quarantine was lost: %s" % a["infected"])


def t_corrupt(ctx):
    """a corrupt snapshot: one message, the run starts empty and flags as usual"""
    h1, _ = split_halves(ctx)
    r = ctx.redis()
    sd = ctx.path("state")
    os.makedirs(sd)
    with open(os.path.join(sd, "hosts.snapshot"), "wb") as fp:
        fp.write(b"SHSNAP\x01\x00" + b"\x00" * 64)
    _, err = run_ok(ctx, ["-r", h1, "--state-dir", sd] + feed(r, ctx, "j"), "run")
    lines = [x for x in err.splitlines() if "corrupt" in x]
    check(len(lines) == 1 and "corrupt (checksum), skipped; starting empty" in lines[0],
          "messages: %s" % lines)
    check(INFECTED in summary(r.client())["infected"], "did not flag after a corrupt snapshot")


def t_live_downtime(ctx):
    """a live restart months after the snapshot: the downtime does not count, the hosts stay"""
    if os.geteuid() != 0 or not shutil.which("ip"):
        raise Skip("needs root and ip(8) for a network namespace")
    h1, _ = split_halves(ctx)
    sd = ctx.path("state")
    _, err1 = run_ok(ctx, ["-r", h1, "--state-dir", sd], "run 1")
    m = re.search(r"hosts\.snapshot: (\d+ hosts \(\d+ flagged\))", err1)
    check(m and "(0 flagged)" not in m.group(1), "run 1 saved no flagged host: %s" % err1[-600:])
    ns = "shdt-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        logp = ctx.path("live.log")
        with open(logp, "w") as lf:
            p = subprocess.Popen(["ip", "netns", "exec", ns, ctx.bin, "-i", "lo", "--state-dir", sd,
                                  "--user", "", "-v"], stdout=subprocess.DEVNULL, stderr=lf)
        ctx.procs.append(p)
        # a DNS query (an event at once; a bare datagram waits for its flow's end)
        send = ("import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                "s.sendto(bytes.fromhex('1234010000010000000000000765786d706c65036f72670000010001'),"
                " ('127.0.0.1', 53))")
        deadline = time.time() + 30
        while time.time() < deadline and p.poll() is None:
            log = open(logp).read()
            if "do not count" in log or "moves back" in log:
                break
            if "capturing on" in log:
                subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", send], check=True)
            time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    err2 = open(logp).read()
    sanitizer_check(err2)
    check(p.returncode == 0, "live run: exit %s: %s" % (p.returncode, err2[-600:]))
    check(re.search(r"spanhound: host state restored from \S+: %s; the \d+ h \d+ min the sensor "
                    r"was down do not count\n" % re.escape(m.group(1)), err2),
          "no downtime line: %s" % err2[-800:])
    saves = re.findall(r"hosts\.snapshot: (\d+ hosts \(\d+ flagged\)), ", err2)
    check(saves and saves[-1] == m.group(1), "the live run's snapshot: %s, run 1's: %s\n%s"
          % (saves, m.group(1), err2[-800:]))
    check(" expired" not in err2 and " cleared" not in err2, "a verdict ended: %s" % err2[-800:])


TESTS = [t_split, t_quiet, t_views_lost, t_term, t_kill9, t_corrupt, t_live_downtime]


def main():
    binary = sys.argv[1]
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    p = f = s = 0
    for t in TESTS:
        if only and only not in t.__name__:
            continue
        ctx = Ctx(binary)
        name = "%s: %s" % (t.__name__[2:], t.__doc__.strip().splitlines()[0])
        t0 = time.time()
        try:
            t(ctx)
            p += 1
            print("  ok    %s (%.1f s)" % (name, time.time() - t0))
        except Skip as e:
            s += 1
            print("  skip  %s (%s)" % (name, e))
        except Exception as e:
            f += 1
            print("  FAIL  %s\n        %s: %s" % (name, type(e).__name__, e))
        finally:
            ctx.close()
        sys.stdout.flush()
    print("state tests: %d passed, %d failed, %d skipped" % (p, f, s))
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "test-results.txt"), "a") as fp:
        fp.write("state %d %d %d\n" % (p, f, s))
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())

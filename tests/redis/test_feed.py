#!/usr/bin/python3
"""The Redis NAC feed against real redis-server processes (docs/nac-feed.md).

Every test starts its own redis-server on a free loopback port.  The oracle
for who must be flagged is the demo capture's generator
(tests/gen/gen_demo.py: INFECTED, its MAC by netgen.mac_of, its DHCP name);
the number of verdict changes is cross-checked against the run's own EVE
verdict records, and ids against the journal's sequence (each must arrive
exactly once).

Usage: tests/redis/test_feed.py BIN [--only NAME]
Appends "redis <passed> <failed> <skipped>" to build/test-results.txt.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "gen"))
import gen_demo  # noqa: E402
from netgen import mac_of  # noqa: E402

DEMO = os.path.join(ROOT, "pcaps", "demo", "office-dga.pcap")
INFECTED = gen_demo.INFECTED
INFECTED_MAC = mac_of(INFECTED)
INFECTED_NAME = gen_demo.HOSTS[INFECTED]
P = "{spanhound}"
FIELDS = {"id", "event", "ip", "mac", "mac_status", "mac_source", "mac_seen", "mac_conflict",
          "hostname", "score", "flagged", "first_seen", "ts", "reasons", "top_reason",
          "sensor", "by", "version"}
# A run without host state (no --state-dir) after a run that flagged the demo's
# host ends that verdict with one 'expired' entry before its own (docs/nac-feed.md,
# "Restarts keep quarantines"): the journal's views outlive the run.
RESTART_EXPIRED = 1
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Redis:
    """a private redis-server"""

    def __init__(self, d, port=None, args=()):
        self.dir = d
        self.port = port or free_port()
        self.args = list(args)
        self.proc = None

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", self.dir,
             "--save", "", "--appendonly", "no", "--logfile", os.path.join(self.dir, "log")]
            + self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.025)
        raise RuntimeError("redis-server did not start on %d" % self.port)

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, **kw)

    def kill(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Ctx:
    def __init__(self, binary):
        self.bin = binary
        self.tmp = tempfile.mkdtemp(prefix="sh-redis-")
        self.servers = []
        self.procs = []

    def redis(self, name="r", **kw):
        r = Redis(os.path.join(self.tmp, name), **kw).start()
        self.servers.append(r)
        return r

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, args, timeout=120):
        p = subprocess.run([self.bin] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        sanitizer_check(p.stderr)
        return p.returncode, p.stdout, p.stderr

    def finish(self, p, timeout=120):
        """wait for a spawned run; its exit status and stderr"""
        p.wait(timeout)
        err = p.stderr.read()
        sanitizer_check(err)
        return p.returncode, err

    def spawn(self, args):
        p = subprocess.Popen([self.bin] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for s in self.servers:
            s.kill(signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)


def feed_args(ctx, r, sensor="s1", journal="journal", extra=()):
    return ["--redis", "127.0.0.1:%d" % r.port, "--journal", ctx.path(journal), "--sensor", sensor] \
        + list(extra)


def eve_changes(path):
    """verdict changes in an EVE file (records with a change other than current)"""
    out = []
    with open(path) as fp:
        for line in fp:
            e = json.loads(line)
            for key in ("spanhound_verdict", "host"):
                v = e.get(key)
                if isinstance(v, dict) and v.get("change") not in (None, "current"):
                    out.append(v)
    return out


def seqs(ids, sensor="s1"):
    """the sequence numbers of ids "<sensor>:<epoch>-<n>", checking they share one id space"""
    out, epochs = [], set()
    for i in ids:
        m = re.match(r"^(.+):([0-9a-f]+)-(\d+)$", i)
        check(m and m.group(1) == sensor, "id %r is not %s:<epoch>-<n>" % (i, sensor))
        epochs.add(m.group(2))
        out.append(int(m.group(3)))
    check(len(epochs) <= 1, "ids from several id spaces: %s" % ids)
    return out


def stream(c):
    return [(i, f) for i, f in c.xrange(P + ":events")]


def wait_for(pred, timeout=20.0, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class Fail(Exception):
    pass


def sanitizer_check(err):
    for mark in ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer"):
        if mark in err:
            raise Fail("sanitizer report: %s" % err[err.index(mark) - 200 if err.index(mark) > 200
                                                   else 0:][:800])


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def check_entry(f):
    missing = FIELDS - set(f)
    check(not missing, "entry lacks %s: %s" % (sorted(missing), f))
    check(f["version"] == "1", "version %r" % f["version"])
    check(f["event"] in ("infected", "updated", "cleared", "expired", "released"),
          "event %r" % f["event"])
    check(ISO.match(f["ts"]), "ts %r" % f["ts"])
    reasons = json.loads(f["reasons"])
    check(isinstance(reasons, list), "reasons is not a JSON array")
    for x in reasons:
        check({"kind", "source", "confidence", "score", "explanation"} <= set(x),
              "reason lacks fields: %s" % x)
    if f["mac"]:
        check(f["mac_status"] == "trusted", "a MAC to act on without a trusted binding: %s" % f)


# ---- tests -------------------------------------------------------------------

def t_replay_flags_and_group(ctx):
    """a replay flags the infected host; a consumer group reads every event once"""
    r = ctx.redis()
    c = r.client()
    c.xgroup_create(P + ":events", "nac", id="0", mkstream=True)
    eve = ctx.path("eve.json")
    rc, out, err = ctx.run(["-r", DEMO, "--eve", eve] + feed_args(ctx, r))
    check(rc == 0, "exit %d: %s" % (rc, err))
    changes = eve_changes(eve)
    check(changes, "EVE has no verdict change")
    got = c.xreadgroup("nac", "nac-1", {P + ":events": ">"}, count=1000)
    entries = got[0][1] if got else []
    check(len(entries) == len(changes), "group read %d entries, EVE has %d verdict changes"
          % (len(entries), len(changes)))
    for (_, f), v in zip(entries, changes):
        check_entry(f)
        check(f["event"] == v["change"] and f["ip"] == v["ip"], "stream %s/%s vs EVE %s/%s"
              % (f["event"], f["ip"], v["change"], v["ip"]))
        check(f["sensor"] == "s1", "sensor %r" % f["sensor"])
    ids = [f["id"] for _, f in entries]
    check(len(set(ids)) == len(ids), "duplicate ids %s" % ids)
    check(seqs(ids) == list(range(1, len(ids) + 1)), "ids not s1:<epoch>-1..n: %s" % ids)
    inf = [f for _, f in entries if f["event"] == "infected"]
    check(len(inf) == 1 and inf[0]["ip"] == INFECTED, "infected entries: %s" % inf)
    check(inf[0]["mac"] == INFECTED_MAC and inf[0]["mac_status"] == "trusted",
          "infected MAC %r (%s), want %s" % (inf[0]["mac"], inf[0]["mac_status"], INFECTED_MAC))
    check(inf[0]["hostname"] == INFECTED_NAME, "hostname %r" % inf[0]["hostname"])
    check(json.loads(inf[0]["reasons"])[0]["kind"].startswith("dga"), "top reason not DGA")
    check(c.xack(P + ":events", "nac", *[i for i, _ in entries]) == len(entries), "XACK")
    check(c.xpending(P + ":events", "nac")["pending"] == 0, "pending after ack")
    # state: the hash and the sorted set agree
    z = c.zrange(P + ":infected", 0, -1, withscores=True)
    check([ip for ip, _ in z] == [INFECTED], "infected set %s" % z)
    h = c.hgetall(P + ":host:" + INFECTED)
    check(h.get("mac") == INFECTED_MAC and h.get("sensors") == "s1", "host hash %s" % h)
    check(abs(float(h["score"]) - z[0][1]) < 1e-6, "hash score %s vs set %s" % (h["score"], z))
    view = json.loads(h["sensor:s1"])
    check(view["ip"] == INFECTED and view["id"] == entries[-1][1]["id"]
          if entries[-1][1]["ip"] == INFECTED else True, "sensor view %s" % view)
    ttl = c.ttl(P + ":host:" + INFECTED)
    check(0 < ttl <= 3600, "host hash TTL %s" % ttl)
    check(c.exists(P + ":sensor:s1"), "no heartbeat key")
    check(not os.path.getsize(ctx.path("journal")), "journal not emptied after delivery")


def t_pubsub(ctx):
    """PUBLISH on {spanhound}:alerts carries each entry as one JSON object"""
    r = ctx.redis()
    c = r.client()
    ps = c.pubsub()
    ps.subscribe(P + ":alerts")
    ps.get_message(timeout=1)
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r))
    check(rc == 0, "exit %d: %s" % (rc, err))
    msgs = []
    while True:
        m = ps.get_message(timeout=1)
        if not m:
            break
        if m["type"] == "message":
            msgs.append(json.loads(m["data"]))
    n = c.xlen(P + ":events")
    check(len(msgs) == n, "%d alerts, %d stream entries" % (len(msgs), n))
    check(isinstance(msgs[0]["reasons"], list), "alert reasons not an array")
    check(msgs[0]["ip"] == INFECTED, "first alert for %s" % msgs[0]["ip"])


def t_journal_outage(ctx):
    """Redis down: journal + exit 3 + message; --flush-journal delivers each once"""
    port = free_port()
    rc, out, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal",
                            ctx.path("j"), "--sensor", "s1"])
    check(rc == 3, "exit %d (want 3): %s" % (rc, err))
    m = re.search(r"unreachable: (\d+) verdict events? kept in the journal", err)
    check(m, "no journal message: %s" % err)
    n = int(m.group(1))
    check("INFECTED" in out, "capture did not go on without Redis (no verdict table)")
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    check(rc == 3 and "unreachable" in err, "flush with Redis down: exit %d %s" % (rc, err))
    r = ctx.redis(port=port)
    c = r.client()
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    check(rc == 0 and "delivered" in err, "flush: exit %d %s" % (rc, err))
    ids = [f["id"] for _, f in stream(c)]
    check(seqs(ids) == list(range(1, n + 1)), "delivered ids %s, want 1..%d" % (ids, n))
    # a crash after delivery but before the state was saved: replayed, not duplicated
    with open(ctx.path("j.state")) as fp:
        st = fp.read()
    check("delivered 0" in st, "state %r" % st)
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    check(rc == 0 and c.xlen(P + ":events") == n, "second flush added entries")
    # the next run continues the sequence
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    ids = [f["id"] for _, f in stream(c)]
    check(rc == 0 and seqs(ids) == list(range(1, 2 * n + RESTART_EXPIRED + 1)),
          "next run's ids %s" % ids[n:])


def t_next_run_delivers(ctx):
    """a journal left by a run without Redis is delivered first by the next run, in order"""
    port = free_port()
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal", ctx.path("j"),
                          "--sensor", "s1"])
    check(rc == 3, "first run: exit %d" % rc)
    n = int(re.search(r"(\d+) verdict events? kept", err).group(1))
    r = ctx.redis(port=port)
    c = r.client()
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal", ctx.path("j"),
                          "--sensor", "s1"])
    check(rc == 0, "second run: exit %d %s" % (rc, err))
    ev = stream(c)
    ids = [f["id"] for _, f in ev]
    k = RESTART_EXPIRED
    check(seqs(ids) == list(range(1, 2 * n + k + 1)), "ids %s, want 1..%d" % (ids, 2 * n + k))
    check([f["event"] for _, f in ev[n:n + k]] == ["expired"] * k and
          ev[n][1]["ip"] == INFECTED and ev[n][1]["flagged"] == "0",
          "the earlier run's verdict did not expire: %s" % [f for _, f in ev[n:n + k]])
    check([f["event"] for _, f in ev[:n]] == [f["event"] for _, f in ev[n + k:]],
          "the journaled run's events differ from the live run's")


def t_state_lost(ctx):
    """the journal's state file lost: a new id space, nothing skipped as a duplicate"""
    r = ctx.redis()
    c = r.client()
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r))
    n = c.xlen(P + ":events")
    check(rc == 0 and n > 0, "first run: %d %s" % (rc, err))
    os.unlink(ctx.path("journal.state"))
    rc, out, err = ctx.run(["-r", DEMO, "--stats"] + feed_args(ctx, r))
    want = 2 * n + RESTART_EXPIRED
    check(rc == 0 and c.xlen(P + ":events") == want, "after the state was lost: %d entries, "
          "want %d (%s)" % (c.xlen(P + ":events"), want, re.findall(r"redis.dup.*", err)))
    ids = [f["id"] for _, f in stream(c)]
    check(len(set(ids)) == len(ids), "ids repeat: %s" % ids)


def t_state_lost_backlog(ctx):
    """state file lost with a journal still waiting: the next ids follow the journal's"""
    port = free_port()
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    n = int(re.search(r"(\d+) verdict events? kept", err).group(1))
    os.unlink(ctx.path("j.state"))
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    m = 2 * n + RESTART_EXPIRED
    check(rc == 3 and "%d verdict events kept" % m in err, "second run: %d %s" % (rc, err))
    r = ctx.redis(port=port)
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    ids = [f["id"] for _, f in stream(r.client())]
    check(rc == 0 and seqs(ids) == list(range(1, m + 1)), "delivered %s, want 1..%d"
          % (ids, m))


def t_many_releases(ctx):
    """150 release requests at once: every one is read, none dropped past the queue"""
    r = ctx.redis()
    c = r.client()
    p = ctx.spawn(["-r", DEMO, "--pace", "20", "--stats"] + feed_args(ctx, r))
    check(wait_for(lambda: c.exists(P + ":sensor:s1"), 20), "never connected")
    for i in range(150):
        c.xadd(P + ":control", {"cmd": "release", "target": "10.99.%d.%d" % (i // 200, i % 200),
                                "by": "bulk"})
    rc, err = ctx.finish(p)
    check(rc == 0, "exit %d: %s" % (rc, err[-300:]))
    check(re.search(r"redis.release_requests +150\n", err), "requests taken: %s"
          % re.findall(r"redis.release_requests.*", err))
    check(err.count("released 10.99.") == 150, "%d requests reached detection"
          % err.count("released 10.99."))


def t_restart_resync(ctx):
    """Redis restarted empty under a live sensor: state back and the host announced again"""
    port = free_port()
    r = ctx.redis(port=port)
    c = r.client()
    p = ctx.spawn(["-r", DEMO, "--pace", "20"] + feed_args(ctx, r))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    r.kill(signal.SIGKILL)
    r.start()
    c = r.client()
    rs = wait_for(lambda: [f for _, f in stream(c) if f.get("resync") == "1"], 15)
    check(rs and rs[0]["ip"] == INFECTED, "no resync entry after the restart: %s" % stream(c))
    check(c.zscore(P + ":infected", INFECTED), "state not back")
    rc, err = ctx.finish(p)
    check(rc == 0, "exit %d: %s" % (rc, err[-300:]))
    check(len([f for _, f in stream(c) if f.get("resync") == "1"]) == 1, "resync repeated")


def t_journal_locked(ctx):
    """two spanhound on one journal: the second refuses, with a clear message"""
    r = ctx.redis()
    p = ctx.spawn(["-r", DEMO, "--pace", "20"] + feed_args(ctx, r))
    c = r.client()
    check(wait_for(lambda: c.exists(P + ":sensor:s1"), 20), "first instance never connected")
    rc, _, err = ctx.run(["--flush-journal"] + feed_args(ctx, r))
    check(rc == 1 and "in use by another spanhound" in err, "flush beside a live one: %d %s"
          % (rc, err))
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r))
    check(rc == 1 and "in use by another spanhound" in err, "second replay: %d %s" % (rc, err))
    rc, err = ctx.finish(p)
    check(rc == 0, "first instance: exit %d %s" % (rc, err))


def t_hostile_keys(ctx):
    """keys of the wrong type in the feed's namespace never stop verdicts or operator control"""
    r = ctx.redis()
    c = r.client()
    c.set(P + ":host:" + INFECTED, "x")
    c.set(P + ":infected", "x")
    c.set(P + ":allow", "x")
    c.hset(P + ":sensor:s1:hosts", "a", "b")
    p = ctx.spawn(["-r", DEMO, "--pace", "20"] + feed_args(ctx, r))
    check(wait_for(lambda: _try(lambda: c.zscore(P + ":infected", INFECTED)), 60),
          "never flagged with hostile keys")
    check(c.hget(P + ":host:" + INFECTED, "mac") == INFECTED_MAC, "host hash not rewritten")
    c.xadd(P + ":control", {"cmd": "release", "target": INFECTED, "by": "alice"})
    rel = wait_for(lambda: [f for _, f in stream(c) if f["event"] == "released"], 10)
    check(rel, "release not processed with a hostile allowlist key")
    rc, err = ctx.finish(p)
    check(rc == 0 and "WRONGTYPE" in err, "exit %d, the bad key not reported: %s"
          % (rc, err[-500:]))


def t_replay_twice_dedup(ctx):
    """a journal delivered, then restored (crash before the state was saved): no duplicate"""
    port = free_port()
    ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal", ctx.path("j"),
             "--sensor", "s1"])
    saved = open(ctx.path("j"), "rb").read()
    state = open(ctx.path("j.state")).read()
    r = ctx.redis(port=port)
    c = r.client()
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    n = c.xlen(P + ":events")
    check(rc == 0 and n > 0, "first flush: %d %s" % (rc, err))
    open(ctx.path("j"), "wb").write(saved)
    open(ctx.path("j.state"), "w").write(state)
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    check(rc == 0, "second flush: %d %s" % (rc, err))
    check(c.xlen(P + ":events") == n, "replayed journal delivered twice: %d -> %d"
          % (n, c.xlen(P + ":events")))


def t_torn_journal(ctx):
    """a torn record at the journal's end is cut with a message; the rest is delivered"""
    port = free_port()
    rc, _, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    n = int(re.search(r"(\d+) verdict events? kept", err).group(1))
    with open(ctx.path("j"), "ab") as fp:
        fp.write(b"SHJ1\x40\x00\x00\x00garbage-torn")
    r = ctx.redis(port=port)
    rc, _, err = ctx.run(["--flush-journal", "--redis", "127.0.0.1:%d" % port, "--journal",
                          ctx.path("j"), "--sensor", "s1"])
    check(rc == 0 and "torn record" in err, "exit %d, %s" % (rc, err))
    check(r.client().xlen(P + ":events") == n, "delivered %d of %d"
          % (r.client().xlen(P + ":events"), n))


def t_flushall_heals(ctx):
    """FLUSHALL while live: the host hash and the infected set are back within seconds"""
    r = ctx.redis()
    c = r.client()
    p = ctx.spawn(["-r", DEMO, "--pace", "20"] + feed_args(ctx, r))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    c.flushall()
    t0 = time.time()
    back = wait_for(lambda: c.zscore(P + ":infected", INFECTED) and
                    c.hget(P + ":host:" + INFECTED, "mac") == INFECTED_MAC, 10)
    took = time.time() - t0
    check(back, "state not back 10 s after FLUSHALL")
    print("        state back %.1f s after FLUSHALL" % took)
    check(took < 3.0, "state back only %.1f s after FLUSHALL (control interval 1 s)" % took)
    # the stream lost the infected entry: the host is announced again
    rs = wait_for(lambda: [f for _, f in stream(c) if f.get("resync") == "1"], 5)
    check(rs and rs[0]["ip"] == INFECTED and rs[0]["event"] == "updated" and
          rs[0]["mac"] == INFECTED_MAC, "no resync entry after FLUSHALL: %s" % stream(c))
    rc, err = ctx.finish(p)
    check(rc == 0, "exit %d: %s" % (rc, err))


def t_kill_midway(ctx):
    """Redis killed in the middle of a paced replay, restarted: no verdict lost, none twice"""
    port = free_port()
    args = ["--appendonly", "yes", "--appendfsync", "always"]
    r = ctx.redis(port=port, args=args)
    c = r.client()
    eve = ctx.path("eve.json")
    p = ctx.spawn(["-r", DEMO, "--pace", "20", "--eve", eve] + feed_args(ctx, r))
    check(wait_for(lambda: c.xlen(P + ":events") >= 1, 60), "no first event")
    r.kill(signal.SIGKILL)
    time.sleep(3)
    r.start()
    rc, err = ctx.finish(p)
    check(rc == 0, "exit %d: %s" % (rc, err))
    c = r.client()
    ids = [f["id"] for _, f in stream(c)]
    n = len(eve_changes(eve))
    check(seqs(ids) == list(range(1, n + 1)), "ids %s, want 1..%d" % (ids, n))
    check("verdicts are kept in the journal" in err and "reconnected" in err,
          "no outage/reconnect messages: %s" % err)


def t_errors(ctx):
    """wrong password, unknown host, Redis answering errors: messages, capture goes on"""
    r = ctx.redis(args=["--requirepass", "right-one"])
    cfg = ctx.path("pw.conf")
    with open(cfg, "w") as fp:
        fp.write('redis: { password = "wrong-one"; };\n')
    rc, out, err = ctx.run(["-c", cfg, "-r", DEMO] + feed_args(ctx, r, journal="j1"))
    check(rc == 3 and "authentication failed" in err and "INFECTED" in out,
          "wrong password: exit %d, %s" % (rc, err))
    with open(cfg, "w") as fp:
        fp.write('redis: { password_file = "%s"; };\n' % ctx.path("pw"))
    with open(ctx.path("pw"), "w") as fp:
        fp.write("right-one\n")
    rc, out, err = ctx.run(["-c", cfg, "--flush-journal"] + feed_args(ctx, r, journal="j1"))
    check(rc == 0, "right password from a file: exit %d, %s" % (rc, err))
    rc, out, err = ctx.run(["-r", DEMO, "--redis", "no-such-host.invalid:6379", "--journal",
                            ctx.path("j2")])
    check(rc == 3 and "no-such-host.invalid" in err and "INFECTED" in out,
          "unknown host: exit %d, %s" % (rc, err))
    r2 = ctx.redis("r2")
    c2 = r2.client()
    c2.set(P + ":events", "not a stream")
    rc, out, err = ctx.run(["-r", DEMO] + feed_args(ctx, r2, journal="j3"))
    check(rc == 3 and "WRONGTYPE" in err, "error replies: exit %d, %s" % (rc, err))
    c2.delete(P + ":events")
    rc, out, err = ctx.run(["--flush-journal"] + feed_args(ctx, r2, journal="j3"))
    check(rc == 0 and c2.xlen(P + ":events") > 0, "after the error: exit %d, %s" % (rc, err))
    rc, out, err = ctx.run(["-r", DEMO, "--redis", "127.0.0.1:99999"])
    check(rc == 2 and "bad port" in err, "bad --redis: exit %d, %s" % (rc, err))


def t_acl_user(ctx):
    """the least-privilege ACL of docs/nac-feed.md is enough for the sensor"""
    doc = open(os.path.join(ROOT, "docs", "nac-feed.md")).read()
    m = re.search(r"ACL SETUSER spanhound-sensor ([^\n`]+)", doc)
    check(m, "docs/nac-feed.md has no 'ACL SETUSER spanhound-sensor' line")
    r = ctx.redis()
    c = r.client()
    rules = m.group(1).replace("<password>", "s3cret").split()
    c.execute_command("ACL", "SETUSER", "spanhound-sensor", *rules)
    c.execute_command("ACL", "SETUSER", "admin", "on", ">adm", "~*", "&*", "+@all")
    c.execute_command("ACL", "SETUSER", "default", "off")
    c = redis.Redis(host="127.0.0.1", port=r.port, username="admin", password="adm",
                    decode_responses=True)
    cfg = ctx.path("acl.conf")
    with open(cfg, "w") as fp:
        fp.write('redis: { user = "spanhound-sensor"; password = "s3cret"; };\n')
    c.sadd(P + ":allow", "10.99.99.99")
    rc, out, err = ctx.run(["-c", cfg, "-r", DEMO] + feed_args(ctx, r))
    check(rc == 0, "exit %d with the documented ACL: %s" % (rc, err))
    check(c.xlen(P + ":events") > 0, "nothing delivered")
    check(c.zscore(P + ":infected", INFECTED), "no state written")
    c2 = redis.Redis(host="127.0.0.1", port=r.port, username="spanhound-sensor",
                     password="s3cret", decode_responses=True)
    for what, fn in (("FLUSHALL", lambda: c2.execute_command("FLUSHALL")),
                     ("SADD the allowlist", lambda: c2.sadd(P + ":allow", INFECTED)),
                     ("XADD a release", lambda: c2.xadd(P + ":control", {"cmd": "release"}))):
        try:
            fn()
            raise Fail("the sensor's ACL user may %s" % what)
        except redis.exceptions.NoPermissionError:
            pass
    # the operators' and the NAC's lines: what each may and may not do
    for user in ("ops", "nac"):
        m = re.search(r"ACL SETUSER %s ([^\n`]+)" % user, doc)
        check(m, "docs/nac-feed.md has no 'ACL SETUSER %s' line" % user)
        c.execute_command("ACL", "SETUSER", user, *m.group(1).replace("<password>", "pw").split())
    ops = redis.Redis(host="127.0.0.1", port=r.port, username="ops", password="pw",
                      decode_responses=True)
    ops.xadd(P + ":control", {"cmd": "release", "target": INFECTED, "by": "alice"})
    ops.sadd(P + ":allow", "10.1.2.3")
    check(ops.zscore(P + ":infected", INFECTED), "ops cannot read the feed")
    nac = redis.Redis(host="127.0.0.1", port=r.port, username="nac", password="pw",
                      decode_responses=True)
    nac.xgroup_create(P + ":events", "nac", id="0")
    got = nac.xreadgroup("nac", "n1", {P + ":events": ">"})
    check(got and nac.xack(P + ":events", "nac", got[0][1][0][0]) == 1, "nac cannot consume")
    for who, cl in (("ops", ops), ("nac", nac)):
        for what, fn in (("forge a stream entry", lambda: cl.xadd(P + ":events", {"event": "x"})),
                         ("FLUSHALL", lambda: cl.execute_command("FLUSHALL"))):
            try:
                fn()
                raise Fail("%s may %s" % (who, what))
            except redis.exceptions.NoPermissionError:
                pass


def t_allowlist(ctx):
    """an allowlisted IP or MAC is never flagged; allowing a flagged host releases it"""
    for target in (INFECTED, INFECTED_MAC.upper()):
        r = ctx.redis("a" + str(len(ctx.servers)))
        c = r.client()
        c.sadd(P + ":allow", target)
        eve = ctx.path("eve-allow.json")
        if os.path.exists(eve):
            os.unlink(eve)
        rc, out, err = ctx.run(["-r", DEMO, "--eve", eve] + feed_args(ctx, r, journal="ja"))
        check(rc == 0, "exit %d: %s" % (rc, err))
        evs = [f for _, f in stream(c) if f["ip"] == INFECTED]
        check(not evs, "allowlisted %s still reported: %s" % (target, evs))
        check(not [v for v in eve_changes(eve) if v["ip"] == INFECTED and v["change"] == "infected"],
              "allowlisted %s flagged in EVE" % target)
        check(not c.zscore(P + ":infected", INFECTED), "allowlisted host in the infected set")
    # allowing a host that is flagged: released at once, by "allowlist"
    r = ctx.redis("a-live")
    c = r.client()
    p = ctx.spawn(["-r", DEMO, "--pace", "20"] + feed_args(ctx, r, journal="jb"))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    c.sadd(P + ":allow", INFECTED)
    c.xadd(P + ":control", {"cmd": "allow", "target": INFECTED, "by": "tester"})
    rel = wait_for(lambda: [f for _, f in stream(c) if f["event"] == "released"], 10)
    check(rel and rel[0]["by"] == "allowlist" and rel[0]["ip"] == INFECTED,
          "no released-by-allowlist event: %s" % rel)
    check(wait_for(lambda: not c.exists(P + ":host:" + INFECTED), 5), "host hash still there")
    rc, err = ctx.finish(p)
    check(rc == 0, "exit %d: %s" % (rc, err))
    later = [f for _, f in stream(c) if f["event"] == "infected" and seqs([f["id"]])[0]
             > seqs([rel[0]["id"]])[0]]
    check(not later, "flagged again while allowlisted: %s" % later)


def t_allow_forged_claim(ctx):
    """the bot claims an allowlisted printer's MAC (tests/gen/gen_feed.py): still flagged, not released"""
    import gen_feed
    pcap = os.path.join(ROOT, "pcaps", "feed", "allow-forged-claim.pcap")
    r = ctx.redis()
    c = r.client()
    c.sadd(P + ":allow", mac_of(gen_feed.ALLOWED))
    rc, _, err = ctx.run(["-r", pcap] + feed_args(ctx, r))
    check(rc == 0, "exit %d: %s" % (rc, err))
    ev = [f for _, f in stream(c)]
    check([f["ip"] for f in ev if f["event"] == "infected"] == [INFECTED],
          "infected entries %s" % [(f["event"], f["ip"]) for f in ev])
    check(not [f for f in ev if f["event"] == "released"], "the forger was released: %s"
          % [f for f in ev if f["event"] == "released"])
    check(all(f["mac"] != mac_of(gen_feed.ALLOWED) for f in ev), "the forged MAC to act on")
    check(c.zscore(P + ":infected", INFECTED), "the bot left the infected set")
    # the claim is seen: the binding is in conflict, so no MAC to act on
    last = c.hgetall(P + ":host:" + INFECTED)
    check(last.get("mac_status") == "conflict" and last.get("mac") == "" and
          mac_of(gen_feed.ALLOWED) in last.get("mac_conflict", ""), "host state %s" % last)
    # without the forgery, allowlisting the bot's own (trusted) MAC does exempt it
    r2 = ctx.redis("r2")
    c2 = r2.client()
    c2.sadd(P + ":allow", INFECTED_MAC)
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r2, journal="j2"))
    check(rc == 0 and not [f for _, f in stream(c2) if f["ip"] == INFECTED],
          "the bot's own allowlisted MAC did not exempt it")


def t_release(ctx):
    """a release request resets the host: 'released' by the operator, state removed"""
    r = ctx.redis()
    c = r.client()
    c.xadd(P + ":control", {"cmd": "release", "target": INFECTED, "by": "old-request"})
    p = ctx.spawn(["-r", DEMO, "--pace", "20", "--stats"] + feed_args(ctx, r))
    check(wait_for(lambda: c.zscore(P + ":infected", INFECTED), 60), "never flagged")
    c.xadd(P + ":control", {"cmd": "release", "target": INFECTED_MAC, "by": "alice"})
    c.xadd(P + ":control", {"cmd": "release", "target": "not-an-ip", "by": "mallory"})
    rel = wait_for(lambda: [f for _, f in stream(c) if f["event"] == "released"], 10)
    check(rel and rel[0]["by"] == "alice" and rel[0]["ip"] == INFECTED and
          rel[0]["flagged"] == "0", "released entry: %s" % rel)
    rc, err = ctx.finish(p)
    # the state follows the stream: gone after 'released', unless fresh evidence (the bot
    # goes on) flagged the host again afterwards
    after = [f for _, f in stream(c) if f["event"] == "infected" and
             seqs([f["id"]])[0] > seqs([rel[0]["id"]])[0]]
    check(bool(c.zscore(P + ":infected", INFECTED)) == bool(after),
          "infected set %s, flagged again after the release: %s"
          % (c.zscore(P + ":infected", INFECTED), [f["id"] for f in after]))
    check(rc == 0, "exit %d: %s" % (rc, err))
    check("ignored" in err, "the invalid request was not reported: %s" % err)
    # only alice's request was taken: the one older than the sensor was not replayed
    check(re.search(r"redis.release_requests +1\n", err), "release requests taken: %s"
          % re.findall(r"redis.release_requests.*", err))
    check(re.search(r"redis.control_invalid +1\n", err), "invalid requests: %s"
          % re.findall(r"redis.control_invalid.*", err))


def t_two_sensors(ctx):
    """two sensors flag one host: one hash with both views; one stops flagging, one stays"""
    r = ctx.redis()
    c = r.client()
    for s in ("s1", "s2"):
        rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r, sensor=s, journal="j" + s))
        check(rc == 0, "%s: exit %d %s" % (s, rc, err))
    h = c.hgetall(P + ":host:" + INFECTED)
    check(h.get("sensors") == "s1,s2" and "sensor:s1" in h and "sensor:s2" in h,
          "merged hash %s" % sorted(h))
    sens = {f["sensor"] for _, f in stream(c)}
    check(sens == {"s1", "s2"}, "stream sensors %s" % sens)
    # s1 runs again with the host allowlisted: its view goes, s2's stays
    c.sadd(P + ":allow", INFECTED)
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r, sensor="s1", journal="js1"))
    h = c.hgetall(P + ":host:" + INFECTED)
    check(h.get("sensors") == "s2" and "sensor:s1" not in h and h.get("sensor") == "s2",
          "after s1 stopped flagging: %s" % {k: v for k, v in h.items() if "sensor" in k})
    check(c.zscore(P + ":infected", INFECTED), "left the infected set while s2 flags it")


def t_no_redis(ctx):
    """--no-redis wins over the config; a bare -r never touches Redis"""
    r = ctx.redis()
    cfg = ctx.path("on.conf")
    with open(cfg, "w") as fp:
        fp.write('redis: { enabled = true; server = "127.0.0.1:%d"; journal = "%s"; };\n'
                 % (r.port, ctx.path("jn")))
    rc, _, err = ctx.run(["-c", cfg, "-r", DEMO, "--no-redis"])
    check(rc == 0 and r.client().xlen(P + ":events") == 0, "--no-redis published: %s" % err)
    rc, _, err = ctx.run(["-r", DEMO])
    check(rc == 0 and r.client().xlen(P + ":events") == 0, "bare run published")
    rc, _, err = ctx.run(["-c", cfg, "-r", DEMO])
    check(rc == 0 and r.client().xlen(P + ":events") > 0, "config-enabled feed published nothing")


def t_sentinel(ctx):
    """the master is resolved through Sentinel, and again after a failover"""
    if not shutil.which("redis-sentinel") and not shutil.which("redis-server"):
        raise Skip("no redis-sentinel")
    m = ctx.redis("m")
    rep = ctx.redis("rep", args=["--replicaof", "127.0.0.1", str(m.port)])
    sp = free_port()
    sd = ctx.path("sent")
    os.makedirs(sd)
    conf = os.path.join(sd, "sentinel.conf")
    with open(conf, "w") as fp:
        fp.write("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor feedm 127.0.0.1 %d 1\n"
                 "sentinel down-after-milliseconds feedm 1000\nsentinel failover-timeout feedm 5000\n"
                 % (sp, sd, m.port))
    sent = subprocess.Popen(["redis-server", conf, "--sentinel"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        sc = redis.Redis(host="127.0.0.1", port=sp, decode_responses=True)
        check(wait_for(lambda: _try(lambda: sc.execute_command(
            "SENTINEL", "get-master-addr-by-name", "feedm")), 10), "sentinel not up")
        check(wait_for(lambda: rep.client().info("replication").get("master_link_status") == "up",
                       10), "replica not in sync")
        cfg = ctx.path("s.conf")
        with open(cfg, "w") as fp:
            fp.write('redis: { enabled = true; sentinels = "127.0.0.1:%d"; master = "feedm"; };\n' % sp)
        rc, _, err = ctx.run(["-c", cfg, "-r", DEMO, "--journal", ctx.path("js"), "--sensor", "s1"])
        check(rc == 0 and "127.0.0.1:%d" % m.port in err, "via sentinel: %d %s" % (rc, err))
        n = m.client().xlen(P + ":events")
        check(n > 0, "nothing on the master")
        sc.execute_command("SENTINEL", "FAILOVER", "feedm")
        check(wait_for(lambda: _try(lambda: sc.execute_command(
            "SENTINEL", "get-master-addr-by-name", "feedm"))[1] == str(rep.port) and
            rep.client().info("replication").get("role") == "master", 20), "no failover")
        rc, _, err = ctx.run(["-c", cfg, "-r", DEMO, "--journal", ctx.path("js"), "--sensor", "s1"])
        check(rc == 0 and "127.0.0.1:%d" % rep.port in err, "after failover: %d %s" % (rc, err))
        want = 2 * n + RESTART_EXPIRED
        check(rep.client().xlen(P + ":events") == want, "the new master has %d entries, want %d"
              % (rep.client().xlen(P + ":events"), want))
        cfg2 = ctx.path("s2.conf")
        with open(cfg2, "w") as fp:
            fp.write('redis: { enabled = true; sentinels = "127.0.0.1:%d"; master = "nosuch"; };\n' % sp)
        rc, _, err = ctx.run(["-c", cfg2, "-r", DEMO, "--journal", ctx.path("js2")])
        check(rc == 3 and "nosuch" in err, "unknown master: %d %s" % (rc, err))
    finally:
        sent.kill()
        sent.wait()


def _try(fn):
    try:
        return fn()
    except Exception:
        return None


class Skip(Exception):
    pass


def t_end_to_end(ctx):
    """packets to quarantine: the real feed read by spanhoundctl and the PacketFence bridge"""
    bindir = os.path.dirname(ctx.bin)
    ctl, nac = os.path.join(bindir, "spanhoundctl"), os.path.join(bindir, "spanhound-nac")
    for b in (ctl, nac):
        check(os.access(b, os.X_OK), "%s not built" % b)
    r = ctx.redis()
    c = r.client()
    rc, _, err = ctx.run(["-r", DEMO] + feed_args(ctx, r))
    check(rc == 0, "replay: %d %s" % (rc, err))
    addr = "127.0.0.1:%d" % r.port
    p = subprocess.run([ctl, "--redis", addr, "--json", "list"], capture_output=True, text=True)
    check(p.returncode == 0, "ctl list: %d %s" % (p.returncode, p.stderr))
    hosts = json.loads(p.stdout)
    check([h["ip"] for h in hosts] == [INFECTED] and hosts[0]["mac"] == INFECTED_MAC and
          isinstance(hosts[0]["reasons"], list) and hosts[0]["reasons"],
          "ctl list --json: %s" % p.stdout[:300])
    # the PacketFence bridge against the stub NAC
    port_file, log, control = ctx.path("pf.port"), ctx.path("pf.jsonl"), ctx.path("pf.ctl")
    stub = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "nac", "stub.py"),
                             port_file, log, control], stderr=subprocess.DEVNULL)
    ctx.procs.append(stub)
    check(wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 10),
          "stub NAC did not start")
    pw = ctx.path("pf.pw")
    with open(pw, "w") as fp:
        fp.write("pf-secret\n")
    url = "http://127.0.0.1:%s" % open(port_file).read().strip()
    p = subprocess.run([nac, "packetfence", "--redis", addr, "--from-start", "--once", "--url", url,
                        "--user", "admin", "--password-file", pw, "--security-event", "1300003"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "bridge: %d %s" % (p.returncode, p.stderr[-400:]))
    reqs = [json.loads(x) for x in open(log)]
    applied = [q for q in reqs if q["method"] == "POST" and q["path"].endswith("/apply_security_event")]
    check(applied and all(q["path"] == "/api/v1/node/%s/apply_security_event" % INFECTED_MAC
                          for q in applied), "apply requests: %s" % [q["path"] for q in reqs])
    check(c.xpending(P + ":events", "nac-packetfence")["pending"] == 0, "entries left pending")
    # the operator releases it: the control entry is what sensors read
    p = subprocess.run([ctl, "--redis", addr, "--by", "alice", "release", INFECTED],
                       capture_output=True, text=True)
    ent = c.xrange(P + ":control")
    check(p.returncode == 0 and ent and ent[-1][1]["cmd"] == "release" and
          ent[-1][1]["target"] == INFECTED and ent[-1][1]["by"] == "alice",
          "ctl release wrote %s (%s)" % (ent, p.stderr))


TESTS = [t_replay_flags_and_group, t_pubsub, t_journal_outage, t_next_run_delivers,
         t_replay_twice_dedup, t_state_lost, t_state_lost_backlog, t_journal_locked,
         t_hostile_keys, t_many_releases, t_restart_resync,
         t_torn_journal, t_errors, t_acl_user, t_no_redis, t_two_sensors, t_allowlist,
         t_allow_forged_claim, t_release, t_flushall_heals, t_kill_midway, t_sentinel, t_end_to_end]


def main():
    binary = sys.argv[1]
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    p = f = s = 0
    for t in TESTS:
        if only and only not in t.__name__:
            continue
        ctx = Ctx(binary)
        name = "%s: %s" % (t.__name__[2:], t.__doc__.strip().splitlines()[0])
        try:
            t(ctx)
            p += 1
            print("  ok    " + name)
        except Skip as e:
            s += 1
            print("  skip  %s (%s)" % (name, e))
        except Exception as e:  # a crash in a test is a failure, with its reason
            f += 1
            print("  FAIL  %s\n        %s: %s" % (name, type(e).__name__, e))
        finally:
            ctx.close()
        sys.stdout.flush()
    print("redis feed tests: %d passed, %d failed, %d skipped" % (p, f, s))
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "test-results.txt"), "a") as fp:
        fp.write("redis %d %d %d\n" % (p, f, s))
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())

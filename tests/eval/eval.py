#!/usr/bin/python3
"""Detection quality on the development captures and the generated scenarios.

  make eval                       (or: /usr/bin/python3 tests/eval/eval.py [options])

1. Dev captures: every pcap/pcapng under DEV/pcaps/malicious and DEV/pcaps/benign
   (DEV defaults to ../shared/data/dev relative to the repository; --dev or the
   DEV environment variable override it) is replayed through spanhound and
   scored against DEV/labels_pcaps.csv (columns found by their header names):
     - a host is *flagged* when its last EVE "spanhound_verdict" record says "infected"
       (the same rule as tests/regress/detect); hosts flagged at some point but
       not at the end are shown as "ever" flagged and do not count;
     - a malicious capture is OK when each labelled host is flagged; a label
       listing alternatives ("172.16.0.114 or 172.16.0.111") is satisfied by
       any one of them;
     - a flagged host that is not labelled is a false positive; on a malicious
       capture, hosts that the `expected` column names as attacker-controlled
       (or compromised) are tolerated rather than counted (they are shown);
     - a benign capture is OK when no host is flagged;
     - a row whose `expected` column says it can be flagged only via an
       IOC/JA3 feed is a "feed-only" expectation: reported apart, and a miss
       there counts only when a feed is configured (--feeds auto looks for a
       non-empty feed/IOC/JA3 key in `spanhound --print-config`).
2. Generated scenarios: each <set>/manifest.csv (file,family,infected_hosts,
   expect,notes) under build/eval-scenarios (or --scenarios DIR) is replayed and
   summarised per family; the default directory is (re)generated first with
   tests/gen/gen_behaviour.py when that generator exists and the directory is
   missing or older than it.  `tune` and `holdout` are reported separately.
   Scenarios are measurements: they never decide the exit status except for
   harness errors.

Exit status: 0 every non-feed-only dev expectation holds; 1 some does not (each
is listed); 2 harness error (bad usage, missing data, spanhound exiting
non-zero, a sanitizer report, an EVE line that is not JSON, a capture without a
label, a generator that fails) -- errors are shown as ERROR rows and counted,
never skipped.

Standard library only.
"""
import argparse
import concurrent.futures
import csv
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DEV = os.path.join(REPO, "..", "shared", "data", "dev")
DEFAULT_SCENARIOS = os.path.join(REPO, "build", "eval-scenarios")
GENERATOR = os.path.join(REPO, "tests", "gen", "gen_behaviour.py")
GEN_SETS = ("tune", "holdout")
GEN_SEEDS = 3
PY = "/usr/bin/python3"
PCAP_EXT = (".pcap", ".pcapng", ".cap")

OK, MISS, FP, FEED_ONLY, ERROR = "OK", "MISS", "FALSE-POSITIVE", "feed-only", "ERROR"
FEED_FP = "fingerprint-only"   # a feed lists only the host's JA3/JA4: evidence, by design no verdict


class HarnessError(Exception):
    """Something prevented a fair measurement (not a detection failure)."""


# ---- labels ---------------------------------------------------------------

def norm_ip(text):
    """Canonical text of an IP address, or None when TEXT is not one."""
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def parse_hosts(text):
    """Labelled hosts as a list of groups: every group must be flagged, any one
    address of a group satisfies it.  "a or b" (also "a|b") makes one group of
    alternatives; other separators (space, comma, semicolon, "and") make
    separate groups; parenthesised remarks and "(none)"/"-" are ignored."""
    text = re.sub(r"\([^)]*\)", " ", text or "")
    groups, join_next = [], False
    for tok in re.split(r"[\s,;]+|(\|)", text):
        if not tok:
            continue
        if tok.lower() == "or" or tok == "|":
            join_next = bool(groups)
            continue
        ip = norm_ip(tok)
        if ip is None:
            join_next = False
            continue
        if join_next:
            groups[-1].add(ip)
        else:
            groups.append({ip})
        join_next = False
    return groups


def is_feed_only(expected, c2_type=""):
    """True when the label says the host can be flagged only through an
    IOC/JA3 feed (e.g. "flag only via IOC (IP) or JA3 feed")."""
    if re.search(r"\bonly\s+via\b[^;]*\b(ioc|ja3|ja4|feed|blocklist)", expected or "", re.I):
        return True
    return bool(re.search(r"\((ioc|ja3)[^)]*\bonly\)", c2_type or "", re.I))


def tolerated_hosts(expected, labelled):
    """Hosts the `expected` column names as attacker-controlled or compromised
    besides the labelled ones: flagging them is not counted as a false positive."""
    out = set()
    for clause in re.split(r"[;\n]", expected or ""):
        if re.search(r"\b(attacker|compromised)\b", clause, re.I):
            for tok in re.findall(r"[0-9A-Fa-f:.]{3,}", clause):
                ip = norm_ip(tok)
                if ip and not any(ip in g for g in labelled):
                    out.add(ip)
    return out


def find_column(header, *patterns, required=True, what=""):
    for pat in patterns:
        for name in header:
            if re.fullmatch(pat, name.strip(), re.I):
                return name
    if required:
        raise HarnessError("labels: no column for %s in header %s" % (what or patterns[0], header))
    return None


def read_labels(path):
    """{basename: row} from labels_pcaps.csv; rows carry the normalised keys
    file, kind, family, hosts (groups), expected, feed_only, tolerated."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise HarnessError("labels: %s" % e)
    if not rows:
        raise HarnessError("labels: %s has no rows" % path)
    header = list(rows[0].keys())
    c_file = find_column(header, r"file", r"pcap", r"path", r"capture", what="the capture file")
    c_hosts = find_column(header, r"infected_hosts?", r".*infected.*", r"hosts?", what="infected hosts")
    c_exp = find_column(header, r"expected", r"expect.*", r".*verdict.*", what="expected verdict")
    c_fam = find_column(header, r"family", r".*family.*", what="family")
    c_kind = find_column(header, r"kind", r"label", r"class", required=False)
    c_c2 = find_column(header, r"c2_type", required=False)
    labels = {}
    for r in rows:
        name = os.path.basename((r.get(c_file) or "").strip())
        if not name:
            continue
        hosts = parse_hosts(r.get(c_hosts, ""))
        exp = (r.get(c_exp) or "").strip()
        kind = (r.get(c_kind) or "").strip().lower() if c_kind else ""
        if not kind:
            kind = "malicious" if "/malicious/" in "/" + r.get(c_file, "") else "benign"
        if name in labels:
            raise HarnessError("labels: %s is listed twice" % name)
        labels[name] = {
            "file": name, "kind": kind, "family": (r.get(c_fam) or "").strip(),
            "hosts": hosts, "expected": exp,
            "feed_only": kind == "malicious" and is_feed_only(exp, r.get(c_c2, "") if c_c2 else ""),
            "tolerated": tolerated_hosts(exp, hosts) if kind == "malicious" else set(),
        }
    return labels


# ---- EVE ------------------------------------------------------------------

VERDICT = "spanhound_verdict"     # the event type (and payload key) of host verdicts

def read_eve(path):
    """The EVE "spanhound_verdict" records of PATH, in order; HarnessError on a line that is
    not JSON or a host record without ip/verdict."""
    recs = []
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        raise HarnessError("no EVE output: %s" % e)
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
            except ValueError as err:
                raise HarnessError("EVE line %d is not JSON: %s" % (n, err))
            if not isinstance(e, dict):
                raise HarnessError("EVE line %d is not a JSON object" % n)
            if e.get("event_type") != VERDICT:
                continue
            h = e.get(VERDICT)
            if not isinstance(h, dict) or "ip" not in h or "verdict" not in h:
                raise HarnessError("EVE line %d: %s record without ip/verdict" % (n, VERDICT))
            recs.append(e)
    return recs


def host_states(records):
    """{ip: {"final": bool, "ever": bool, "evidence": [..], "score": float}} from
    EVE records (dicts with event_type "spanhound_verdict", in file order).  "final" is the
    verdict of the last record of that IP; "evidence" the evidence of the last
    record that carried any."""
    st = {}
    for e in records:
        if e.get("event_type") != VERDICT:
            continue
        h = e.get(VERDICT) or {}
        ip = norm_ip(str(h.get("ip", ""))) or str(h.get("ip", ""))
        s = st.setdefault(ip, {"final": False, "ever": False, "evidence": [], "score": 0.0})
        infected = h.get("verdict") == "infected"
        s["final"] = infected
        s["ever"] = s["ever"] or infected or h.get("change") == "infected"
        if h.get("evidence"):
            s["evidence"] = list(h["evidence"])
        try:
            s["score"] = float(h.get("score", 0.0))
        except (TypeError, ValueError):
            pass
    return st


def strongest(evidence):
    """The evidence item with the highest confidence (then contribution to the score)."""
    def key(x):
        try:
            return (float(x.get("confidence", 0)), float(x.get("score", 0)))
        except (TypeError, ValueError):
            return (0.0, 0.0)
    return max(evidence, key=key) if evidence else None


def evidence_text(x, width=48):
    if not x:
        return "-"
    ind = str(x.get("indicator") or "")
    if len(ind) > width:
        ind = ind[:width - 1] + "~"
    try:
        conf = "%.2f" % float(x.get("confidence"))
    except (TypeError, ValueError):
        conf = "?"
    return "%s:%s (%s)" % (x.get("kind", "?"), ind or "-", conf)


# ---- classification ---------------------------------------------------------

def fingerprint_only(states, group):
    """Some host of the group holds ioc_fingerprint evidence and no other
    feed evidence (ioc_match)."""
    for ip in group:
        kinds = {str(x.get("kind")) for x in states.get(ip, {}).get("evidence", [])}
        if "ioc_fingerprint" in kinds and "ioc_match" not in kinds:
            return True
    return False


def classify(kind, groups, states, feed_only=False, feeds_configured=False, tolerated=()):
    """Score one capture.

    kind      "malicious" (or "flag") / "benign" (or "none")
    groups    labelled hosts as parse_hosts() returns them
    states    host_states() of the replay
    Returns a dict: result (OK, MISS, FALSE-POSITIVE, feed-only), counts (bool:
    whether the result decides the exit status), satisfied (labelled groups all
    flagged), flagged / ever (sorted IPs), fp (flagged, not labelled, not
    tolerated), tolerated (flagged and tolerated), missing (unsatisfied groups)."""
    malicious = kind in ("malicious", "flag")
    flagged = sorted(ip for ip, s in states.items() if s["final"])
    ever = sorted(ip for ip, s in states.items() if s["ever"] or s["final"])
    labelled = set().union(*groups) if groups else set()
    # a host flagged at any moment was quarantined: a false positive even
    # when its verdict was cleared before the end
    tol = sorted(ip for ip in ever if ip in set(tolerated) and ip not in labelled)
    fp = sorted(ip for ip in ever if ip not in labelled and ip not in tol)
    missing = [g for g in groups if not any(states.get(ip, {}).get("final") for ip in g)]
    if malicious:
        satisfied = bool(groups) and not missing
        if not groups:
            result = MISS          # a malicious label without a host cannot be met
        elif missing and feed_only and not feeds_configured:
            result = FP if fp else FEED_ONLY
        elif missing and feed_only and all(fingerprint_only(states, g) for g in missing):
            # the feeds list the host's TLS fingerprint only: recorded as
            # ioc_fingerprint, never a verdict alone (browsers share them)
            result = FP if fp else FEED_FP
        elif missing:
            result = MISS
        elif fp:
            result = FP
        else:
            result = OK
    else:
        satisfied = not ever
        result = OK if not ever else FP
    counts = result not in (FEED_ONLY, FEED_FP)
    return {"result": result, "counts": counts, "satisfied": satisfied, "flagged": flagged,
            "ever": ever, "fp": fp, "tolerated": tol, "missing": missing,
            "feed_only": bool(malicious and feed_only)}


# ---- replay -----------------------------------------------------------------

def replay(binary, pcap, eve_path, config=None, timeout=600, extra=()):
    """Run spanhound on PCAP writing EVE to EVE_PATH; returns host_states.
    HarnessError when spanhound fails, times out, reports a sanitizer error or
    writes an unreadable EVE file."""
    if os.path.exists(eve_path):
        os.unlink(eve_path)            # spanhound appends to an existing file
    cmd = [binary, "-r", pcap, "--eve", eve_path] + list(extra)
    if config:
        cmd += ["-c", config]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HarnessError("spanhound did not finish within %d s" % timeout)
    except OSError as e:
        raise HarnessError("cannot run %s: %s" % (binary, e))
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        tail = " | ".join(l for l in err.strip().splitlines()[-3:])
        raise HarnessError("spanhound exited %d%s" % (p.returncode, ": " + tail if tail else ""))
    m = re.search(r".*(Sanitizer|runtime error:).*", err)
    if m:
        raise HarnessError("sanitizer report: " + m.group(0).strip())
    if not os.path.exists(eve_path):
        raise HarnessError("spanhound wrote no EVE file")
    return host_states(read_eve(eve_path))


def run_all(jobs, tasks, binary, config, timeout):
    """tasks: [(key, pcap, eve_path[, extra_args])] -> {key: states or HarnessError}."""
    out = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        futs = {ex.submit(replay, binary, pcap, eve, config, timeout, *rest): key
                for key, pcap, eve, *rest in tasks}
        for fu in concurrent.futures.as_completed(futs):
            key = futs[fu]
            try:
                out[key] = fu.result()
            except HarnessError as e:
                out[key] = e
            except Exception as e:      # a bug here is a harness error too, never a pass
                out[key] = HarnessError("%s: %s" % (type(e).__name__, e))
    return out


def feeds_in_config(binary, config):
    """True when `spanhound --print-config` shows a non-empty `feeds` list
    (docs/feeds.md): at least one threat-intelligence feed is configured."""
    cmd = [binary, "--print-config"] + (["-c", config] if config else [])
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise HarnessError("spanhound --print-config: %s" % e)
    if p.returncode != 0:
        raise HarnessError("spanhound --print-config exited %d: %s"
                           % (p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    out = p.stdout.decode("utf-8", "replace")
    return re.search(r"^feeds\s*=\s*\(\s*\{", out, re.M) is not None


def dev_feeds_config(dev, workdir):
    """A configuration listing the development set's public feeds
    (feeds/*.csv: abuse.ch SSLBL JA3 fingerprints and certificate SHA-1s)
    with the shipped defaults' weight and confidence; None when there are
    none."""
    feeds = []
    fdir = os.path.join(dev, "feeds")
    for name in sorted(os.listdir(fdir)) if os.path.isdir(fdir) else []:
        path = os.path.join(fdir, name)
        if "ja3" in name and name.endswith(".csv"):
            feeds.append(("sslbl-ja3", path, "abusech_ja3"))
        elif "cert" in name and name.endswith(".csv"):
            feeds.append(("sslbl-cert", path, "abusech_sslbl"))
    if not feeds:
        return None
    conf = os.path.join(workdir, "dev-feeds.conf")
    with open(conf, "w") as f:
        f.write("feeds = (\n%s\n);\n" % ",\n".join(
            '  { name = "%s"; path = "%s"; format = "%s"; }' % (n, p.replace('"', '\\"'), fmt)
            for n, p, fmt in feeds))
    return conf


# ---- table ------------------------------------------------------------------

def fit(s, w):
    s = str(s)
    return s if len(s) <= w else s[:w - 1] + "~"


def print_table(headers, rows, caps):
    """Columns as wide as their longest cell, at most CAPS[i] (0 = last, unbounded)."""
    widths = [w and min(w, max([len(h)] + [len(str(r[i])) for r in rows]))
              for i, (h, w) in enumerate(zip(headers, caps))]
    fmt = "  ".join("%-" + str(w) + "s" if w else "%s" for w in widths)
    print(fmt % tuple(headers))
    print(fmt % tuple("-" * (w or len(h)) for h, w in zip(headers, widths)))
    for r in rows:
        print((fmt % tuple(fit(c, w) if w else c for c, w in zip(r, widths))).rstrip())


def hosts_text(groups):
    return ", ".join(" or ".join(sorted(g)) for g in groups) or "-"


def flagged_text(c):
    s = ", ".join(c["flagged"]) or "-"
    if c["ever"] != c["flagged"]:
        s += " (ever: %s)" % (", ".join(c["ever"]) or "-")
    return s


def top_evidence(c, groups, states):
    """kind:indicator (confidence) of each flagged host, else of the labelled hosts."""
    if c["flagged"]:
        shown = c["flagged"]
    else:
        shown = sorted(set().union(*groups)) if groups else []
    parts = []
    for ip in shown:
        x = strongest(states.get(ip, {}).get("evidence", []))
        if x or c["flagged"]:
            parts.append((ip, evidence_text(x)))
    if not parts:
        return "-"
    if len(parts) == 1:
        return parts[0][1]
    return "; ".join("%s %s" % p for p in parts)


def result_text(c):
    r = c["result"]
    if r == OK and c["feed_only"]:
        r = "OK (feed-only row)"
    elif r == MISS and c["fp"]:
        r = "MISS + FALSE-POSITIVE"
    elif r == MISS and set(c["ever"]) & set().union(*c["missing"]):
        r = "MISS (flagged earlier)"
    if c["tolerated"]:
        r += " [tolerated %s]" % ", ".join(c["tolerated"])
    return r


# ---- dev captures -----------------------------------------------------------

def list_captures(dev):
    caps = []
    for kind in ("malicious", "benign"):
        d = os.path.join(dev, "pcaps", kind)
        if not os.path.isdir(d):
            raise HarnessError("%s is missing" % d)
        for n in sorted(os.listdir(d)):
            if n.lower().endswith(PCAP_EXT):
                caps.append((kind, n, os.path.join(d, n)))
    return caps


HOME_NETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "home_net.csv")


def read_home_nets(path):
    """capture -> home_net for captures whose internal network is not RFC 1918
    (what an operator would configure for that network; see home_net.csv)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, newline="") as f:
        for row in csv.DictReader(r for r in f if not r.startswith("#")):
            out[row["capture"]] = row["home_net"]
    return out


def eval_dev(args, workdir, feeds_configured):
    """Prints the dev table and totals; returns (failures, errors)."""
    dev = args.dev
    labels = read_labels(os.path.join(dev, "labels_pcaps.csv"))
    every = list_captures(dev)
    caps = [c for c in every if args.only is None or args.only in c[1]]
    present = {c[1] for c in every}
    absent = [n for n in sorted(labels)
              if n not in present and (args.only is None or args.only in n)]
    if not caps and not absent:
        print("dev: no capture matches --only %r" % args.only)
        return [], 0
    outdir = os.path.join(workdir, "dev")
    os.makedirs(outdir, exist_ok=True)
    homes = read_home_nets(HOME_NETS)
    tasks = [(name, path, os.path.join(outdir, name + ".json"),
              ["--home-net", homes[name]] if name in homes else [])
             for _, name, path in caps]
    res = run_all(args.jobs, tasks, args.bin, args.config, args.timeout)

    rows, failures, errors = [], [], 0
    tot = {"mal": 0, "mal_ok": 0, "ben": 0, "ben_ok": 0, "feed": 0, "feed_ok": 0, "feed_fp": 0}
    fp_hosts = []
    replayed = len(caps)
    for name in absent:                 # labelled, but the capture is not there
        kind = labels[name]["kind"]
        caps.append((kind, name, None))
        res[name] = HarnessError("labelled in labels_pcaps.csv, but pcaps/%s/%s is missing"
                                 % (kind, name))
    caps.sort(key=lambda c: (c[0] != "malicious", c[1]))
    for kind, name, _ in caps:
        lab = labels.get(name)
        st = res[name]
        if lab is None:
            st = HarnessError("no row in labels_pcaps.csv")
        elif lab["kind"] != kind:
            st = HarnessError("labelled %s but found under pcaps/%s" % (lab["kind"], kind))
        fam = lab["family"] if lab else "?"
        groups = lab["hosts"] if lab else []
        if lab and lab["feed_only"]:
            tot["feed"] += 1
        elif kind == "malicious":
            tot["mal"] += 1
        else:
            tot["ben"] += 1
        if isinstance(st, HarnessError):
            errors += 1
            rows.append((name, fam, hosts_text(groups), "?", ERROR, str(st)))
            continue
        c = classify(kind, groups, st, lab["feed_only"], feeds_configured, lab["tolerated"])
        if lab["feed_only"]:
            tot["feed_ok"] += c["satisfied"]
            tot["feed_fp"] += c["result"] == FEED_FP
        elif kind == "malicious":
            tot["mal_ok"] += c["satisfied"]
        else:
            tot["ben_ok"] += c["satisfied"]
        if kind == "malicious":
            fp_hosts += ["%s (%s)" % (ip, name) for ip in c["fp"]]
        if c["counts"] and c["result"] != OK:
            why = []
            if c["missing"] and c["result"] != FP:
                why.append("not flagged: " + hosts_text(c["missing"]))
            if kind == "malicious" and c["fp"]:
                why.append("flagged but not labelled: " + ", ".join(c["fp"]))
            if kind != "malicious":
                why.append("flagged on a benign capture: " + ", ".join(c["flagged"]))
            if not groups and kind == "malicious":
                why.append("label names no host")
            failures.append("%s: %s" % (name, "; ".join(why)))
        rows.append((name, fam, hosts_text(groups), flagged_text(c), result_text(c),
                     top_evidence(c, groups, st)))

    print("== dev captures (%s): %d replayed, IOC/JA3 feed %s" %
          (dev, replayed, "configured" if feeds_configured else "not configured"))
    print_table(("capture", "family", "labelled", "flagged", "result", "top evidence"),
                rows, (48, 28, 34, 40, 26, 0))
    print()
    print("malicious captures whose labelled hosts were flagged: %d/%d" % (tot["mal_ok"], tot["mal"]))
    print("benign captures with no flagged host:                 %d/%d" % (tot["ben_ok"], tot["ben"]))
    print("false-positive hosts on malicious captures:           %d%s" %
          (len(fp_hosts), "  " + ", ".join(fp_hosts) if fp_hosts else ""))
    if tot["feed"]:
        print("feed-only expectations flagged:                       %d/%d  (%s)" %
              (tot["feed_ok"], tot["feed"],
               "counted: a feed is configured" if feeds_configured
               else "not counted: no IOC/JA3 feed configured"))
        if tot["feed_fp"]:
            print("  of which only the TLS fingerprint is listed:        %d  (ioc_fingerprint "
                  "evidence recorded; a fingerprint never convicts alone: not counted)"
                  % tot["feed_fp"])
    print("harness errors:                                       %d" % errors)
    return failures, errors


# ---- generated scenarios ----------------------------------------------------

def generator_inputs():
    """gen_behaviour.py and the tests/gen modules it imports."""
    files = [GENERATOR]
    try:
        src = open(GENERATOR, encoding="utf-8", errors="replace").read()
    except OSError:
        return files
    for m in re.finditer(r"^\s*(?:from\s+(\w+)\s+import|import\s+([\w, ]+))", src, re.M):
        for mod in (m.group(1) or m.group(2) or "").split(","):
            p = os.path.join(os.path.dirname(GENERATOR), mod.strip() + ".py")
            if mod.strip() and os.path.isfile(p):
                files.append(p)
    return files


def ensure_scenarios(sdir):
    """(Re)generates the default scenario directory when the generator exists and
    the directory is missing or older than it.  Returns a note, or raises."""
    if not os.path.isfile(GENERATOR):
        return "tests/gen/gen_behaviour.py not present: not generated"
    newest = max(os.path.getmtime(p) for p in generator_inputs())
    manifests = [os.path.join(sdir, s, "manifest.csv") for s in GEN_SETS]
    if all(os.path.isfile(m) and os.path.getmtime(m) >= newest for m in manifests):
        return "up to date"
    shutil.rmtree(sdir, ignore_errors=True)  # a failed run must not leave stale, fresh-looking sets
    for s in GEN_SETS:
        cmd = [PY, GENERATOR, "--eval", os.path.relpath(sdir, REPO), "--set", s,
               "--seeds", str(GEN_SEEDS)]
        print("  GEN     " + " ".join(cmd[1:]), flush=True)
        try:
            p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=3600)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise HarnessError("generator: %s" % e)
        if p.returncode != 0:
            tail = "\n".join(p.stdout.decode("utf-8", "replace").strip().splitlines()[-10:])
            raise HarnessError("generator exited %d (--set %s):\n%s" % (p.returncode, s, tail))
        if not os.path.isfile(os.path.join(sdir, s, "manifest.csv")):
            raise HarnessError("generator wrote no %s/%s/manifest.csv" % (sdir, s))
    return "generated"


def read_manifest(path):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rd = csv.DictReader(f)
            rows = list(rd)
            header = rd.fieldnames or []
    except OSError as e:
        raise HarnessError("%s: %s" % (path, e))
    need = ("file", "family", "infected_hosts", "expect")
    if any(k not in header for k in need):
        raise HarnessError("%s: header %s lacks one of %s" % (path, header, need))
    return rows


def shown_path(p):
    """P relative to the repository when inside it, else absolute."""
    r = os.path.relpath(p, REPO)
    return p if r.startswith("..") else r


def scenario_path(mdir, f):
    for cand in (f if os.path.isabs(f) else os.path.join(mdir, f), os.path.join(REPO, f)):
        if os.path.isfile(cand):
            return cand
    return None


def set_order(name):
    return (GEN_SETS.index(name) if name in GEN_SETS else len(GEN_SETS), name)


def eval_scenarios(args, workdir):
    """Prints per-set summaries; returns the number of harness errors."""
    sdir = args.scenarios
    errors = 0
    if args.scenarios_default:
        try:
            note = ensure_scenarios(sdir)
        except HarnessError as e:
            print("\n== generated scenarios: ERROR: %s" % e)
            return 1
    else:
        note = "given"
    if not os.path.isdir(sdir):
        print("\n== generated scenarios: none (%s missing; %s)" % (shown_path(sdir), note))
        return 0
    sets = sorted((s for s in os.listdir(sdir)
                   if os.path.isfile(os.path.join(sdir, s, "manifest.csv"))), key=set_order)
    if not sets:
        print("\n== generated scenarios: no <set>/manifest.csv under %s" % shown_path(sdir))
        return 0
    for s in sets:
        errors += eval_set(args, workdir, sdir, s)
    return errors


def eval_set(args, workdir, sdir, s):
    mdir = os.path.join(sdir, s)
    title = {"tune": "tune (tuned on)", "holdout": "holdout (never tuned on)"}.get(s, s)
    try:
        rows = read_manifest(os.path.join(mdir, "manifest.csv"))
    except HarnessError as e:
        print("\n== scenarios %s: ERROR: %s" % (title, e))
        return 1
    total = len(rows)
    if args.only is not None:
        rows = [r for r in rows if args.only in r["file"] or args.only in r["family"]]
    outdir = os.path.join(workdir, "scenarios", s)
    tasks, errs, items, used = [], {}, [], set()
    for i, r in enumerate(rows):
        f = r["file"].strip()
        exp = r["expect"].strip().lower()
        key = "%d:%s" % (i, f)
        items.append((key, r, exp))
        p = scenario_path(mdir, f)
        if exp not in ("flag", "none"):
            errs[key] = HarnessError("expect must be flag|none, not %r" % r["expect"])
        elif p is None:
            errs[key] = HarnessError("capture %s not found" % f)
        else:
            base = os.path.basename(f)
            if base in used:
                base = "%d-%s" % (i, base)
            used.add(base)
            eve = os.path.join(outdir, base + ".json")
            os.makedirs(os.path.dirname(eve), exist_ok=True)
            tasks.append((key, p, eve))
    res = run_all(args.jobs, tasks, args.bin, args.config, args.timeout)
    res.update(errs)

    fam = {}     # (family, expect) -> [n, good, extra_fp_hosts, errors]
    detail, errors = [], 0
    for key, r, exp in items:
        st = res[key]
        show = r["file"] if not os.path.isabs(r["file"]) else os.path.basename(r["file"])
        d = fam.setdefault((r["family"].strip(), exp), [0, 0, 0, 0, 0])
        d[0] += 1
        groups = parse_hosts(r["infected_hosts"])
        if isinstance(st, HarnessError):
            errors += 1
            d[3] += 1
            detail.append((show, r["family"], hosts_text(groups), "?", ERROR, str(st)))
            continue
        c = classify(exp, groups, st)
        if exp == "flag":
            d[1] += c["satisfied"]
            d[2] += len(c["fp"])
            d[4] += not c["satisfied"] and len(c["missing"]) < len(groups)
        else:
            d[1] += bool(c["flagged"])
        detail.append((show, r["family"], hosts_text(groups), flagged_text(c),
                       result_text(c), top_evidence(c, groups, st)))

    print("\n== generated scenarios: %s -- %s, %d scenarios%s" %
          (title, shown_path(os.path.join(mdir, "manifest.csv")), total,
           " (%d selected by --only)" % len(items) if args.only is not None else ""))
    if not items:
        print("(no scenario%s)" % (" matches --only %r" % args.only if args.only else ""))
        return 0
    if args.verbose or errors:
        shown = detail if args.verbose else [x for x in detail if x[4] == ERROR]
        print_table(("scenario", "family", "labelled", "flagged", "result", "top evidence"),
                    shown, (48, 24, 34, 40, 26, 0))
    mal = sorted((f, v) for (f, e), v in fam.items() if e == "flag")
    ben = sorted((f, v) for (f, e), v in fam.items() if e == "none")
    wf = max([len("malicious family")] + [len(f) for f, _ in mal + ben])
    if mal:
        print("%-*s  detected" % (wf, "malicious family"))
        for f, (n, good, fph, er, part) in mal:
            print("%-*s  %d/%d%s%s%s" % (wf, f, good, n,
                                         "  (%d partly: some labelled hosts flagged)" % part
                                         if part else "",
                                         "  (+%d unlabelled hosts flagged)" % fph if fph else "",
                                         "  (%d errors)" % er if er else ""))
    if ben:
        print("%-*s  with a false positive" % (wf, "benign family"))
        for f, (n, bad, _, er, _) in ben:
            print("%-*s  %d/%d%s" % (wf, f, bad, n, "  (%d errors)" % er if er else ""))
    m_n = sum(v[0] for _, v in mal)
    m_ok = sum(v[1] for _, v in mal)
    b_n = sum(v[0] for _, v in ben)
    b_fp = sum(v[1] for _, v in ben)
    print("%s totals: malicious detected %d/%d; benign scenarios with a false positive %d/%d; "
          "unlabelled hosts flagged on malicious scenarios %d; harness errors %d"
          % (s, m_ok, m_n, b_fp, b_n, sum(v[2] for _, v in mal), errors))
    return errors


# ---- main -------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "spanhound"))
    ap.add_argument("--dev", default=os.environ.get("DEV") or DEFAULT_DEV,
                    help="development data directory (default: $DEV or ../shared/data/dev)")
    ap.add_argument("--scenarios", default=None,
                    help="directory of <set>/manifest.csv (default build/eval-scenarios, generated)")
    ap.add_argument("--no-scenarios", action="store_true", help="dev captures only")
    ap.add_argument("--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)) or 1)
    ap.add_argument("--keep", metavar="DIR", help="keep the EVE outputs in DIR")
    ap.add_argument("--config", "-c", metavar="FILE", help="passed to spanhound as -c FILE")
    ap.add_argument("--only", metavar="SUBSTRING", help="only captures whose name contains it")
    ap.add_argument("--feeds", choices=("auto", "yes", "no"), default="auto",
                    help="is an IOC/JA3 feed configured (decides whether feed-only rows count)")
    ap.add_argument("--dev-feeds", action="store_true",
                    help="configure the development set's public feeds (DEV/feeds/*.csv); "
                         "not with --config")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per replay")
    ap.add_argument("--verbose", "-v", action="store_true", help="one row per scenario")
    args = ap.parse_args(argv)
    args.scenarios_default = args.scenarios is None
    args.scenarios = os.path.abspath(args.scenarios or DEFAULT_SCENARIOS)
    args.dev = os.path.abspath(args.dev)
    args.bin = os.path.abspath(args.bin)
    if args.config:
        args.config = os.path.abspath(args.config)

    if not os.path.isdir(os.path.join(args.dev, "pcaps")):
        print("eval: development data not found at %s (expected pcaps/malicious, pcaps/benign, "
              "labels_pcaps.csv); set DEV=path (make eval DEV=...) or --dev" % args.dev,
              file=sys.stderr)
        return 2
    if not os.access(args.bin, os.X_OK):
        print("eval: %s is not built (make all)" % args.bin, file=sys.stderr)
        return 2
    if args.config and not os.path.isfile(args.config):
        print("eval: --config %s: no such file" % args.config, file=sys.stderr)
        return 2

    if args.keep:
        workdir = os.path.abspath(args.keep)
        os.makedirs(workdir, exist_ok=True)
    else:
        workdir = tempfile.mkdtemp(prefix="spanhound-eval-")
    try:
        try:
            if args.dev_feeds:
                if args.config:
                    print("eval: --dev-feeds writes its own configuration: not with --config",
                          file=sys.stderr)
                    return 2
                args.config = dev_feeds_config(args.dev, workdir)
                if not args.config:
                    print("eval: --dev-feeds: no feed in %s/feeds" % args.dev, file=sys.stderr)
                    return 2
            feeds = {"yes": True, "no": False}.get(args.feeds)
            if feeds is None:
                feeds = feeds_in_config(args.bin, args.config)
            failures, errors = eval_dev(args, workdir, feeds)
        except HarnessError as e:
            print("eval: %s" % e, file=sys.stderr)
            return 2
        if not args.no_scenarios:
            errors += eval_scenarios(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("\nEVE outputs kept in %s" % workdir)

    print()
    if errors:
        print("eval: %d harness error(s) (ERROR above)%s" %
              (errors, "; and %d dev expectation(s) failed" % len(failures) if failures else ""))
    if failures:
        print("eval: %d dev expectation(s) do not hold:" % len(failures))
        for f in failures:
            print("  " + f)
    if errors:
        return 2
    if failures:
        return 1
    print("eval: every dev expectation holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())

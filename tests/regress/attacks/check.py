#!/usr/bin/python3
"""check.py CASE_JSON EVE_JSONL -- assert one attack case's expectations on
spanhound's EVE output (README.md in this directory lists the keys).

Prints one line per failed expectation, saying what was expected and what
was found.  Exit status: 0 every expectation holds, 1 some failed, 2 the
input is unusable (a case file with unknown keys or operators, an EVE file
that is empty or holds a line that is not a JSON object).

The verdict model (the EVE contract): the flagged set at the end of a
replay is the set of hosts whose last `spanhound_verdict` record has verdict
"infected"; a host with no evidence has no `spanhound_verdict` record at all.  Every
`spanhound_verdict`, `spanhound_resolver` and `spanhound_health` record is also checked against the
contract's fields and values (--no-contract skips that, for diagnosis).
"""
import ipaddress
import json
import re
import sys

ABSENT = object()

CASE_KEYS = {"case", "forges", "outcome", "flagged", "never_flagged", "no_evidence", "hosts",
             "changes", "records_required", "records_forbidden"}
EXPECT_KEYS = CASE_KEYS - {"case", "forges", "outcome"}
OPERATORS = {"$ne", "$contains", "$any", "$absent", "$in"}

MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
HOST_FIELDS = ("ip", "mac", "mac_source", "mac_status", "hostname", "verdict", "change", "score",
               "evidence")
MAC_SOURCES = {"dhcp", "dhcp_hint", "arp", "ndp", "ethernet", "none"}
MAC_STATUSES = {"trusted", "routed", "conflict", "unknown"}
VERDICTS = {"infected", "clean"}
CHANGES = {"infected", "updated", "cleared", "expired", "current"}
EVIDENCE_FIELDS = ("kind", "source", "confidence", "weight", "score", "explanation", "indicator",
                   "first_seen", "last_seen")
RESOLVER_FIELDS = ("ip", "status", "kind", "explanation", "indicator")


class Unusable(Exception):
    pass


def show(v, limit=160):
    if v is ABSENT:
        return "<absent>"
    s = json.dumps(v, sort_keys=True, separators=(",", ":"))
    return s if len(s) <= limit else s[:limit - 3] + "..."


def canon(ip):
    """an address in one spelling (IPv6 compressed, lower case)"""
    try:
        return ipaddress.ip_address(ip).compressed
    except (ValueError, TypeError):
        return str(ip)


def get(obj, path):
    """the value at a dotted path, or ABSENT"""
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return ABSENT
        obj = obj[part]
    return obj


def check_pattern(pat, where):
    """reject unknown operators up front, so a typo cannot pass silently"""
    if isinstance(pat, dict):
        ops = [k for k in pat if k.startswith("$")]
        if ops and len(ops) != len(pat):
            raise Unusable("%s: operators and fields mixed in %s" % (where, show(pat)))
        for k, v in pat.items():
            if k.startswith("$") and k not in OPERATORS:
                raise Unusable("%s: unknown operator %s" % (where, k))
            check_pattern(v, where)
    elif isinstance(pat, list):
        for v in pat:
            check_pattern(v, where)


def match(value, pat):
    """does value satisfy pattern (README.md: literal, $ne, $contains, $any,
    $absent, $in; a dict of dotted paths matches an object)"""
    if isinstance(pat, dict) and pat and all(k.startswith("$") for k in pat):
        for op, arg in pat.items():
            if op == "$ne":
                ok = value != arg
            elif op == "$absent":
                ok = (value is ABSENT) == bool(arg)
            elif op == "$in":
                ok = value is not ABSENT and value in arg
            elif op == "$any":
                ok = isinstance(value, list) and any(match(e, arg) for e in value)
            else:                                   # $contains
                if isinstance(value, str) and isinstance(arg, str):
                    ok = arg in value
                elif isinstance(value, list):
                    ok = all(a in value for a in arg) if isinstance(arg, list) else arg in value
                else:
                    ok = False
            if not ok:
                return False
        return True
    if isinstance(pat, dict):
        return isinstance(value, dict) and all(match(get(value, k), v) for k, v in pat.items())
    return value is not ABSENT and value == pat


def load_case(path):
    try:
        with open(path) as f:
            case = json.load(f)
    except (OSError, ValueError) as e:
        raise Unusable("%s: %s" % (path, e))
    if not isinstance(case, dict):
        raise Unusable("%s: not a JSON object" % path)
    unknown = set(case) - CASE_KEYS
    if unknown:
        raise Unusable("%s: unknown keys %s" % (path, ", ".join(sorted(unknown))))
    if not EXPECT_KEYS & set(case):
        raise Unusable("%s: no expectation at all" % path)
    for k in EXPECT_KEYS & set(case):
        check_pattern(case[k], "%s: %s" % (path, k))
    return case


def load_eve(path):
    """[(line number, record)]; refuses an empty file and any bad line"""
    recs = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise Unusable("EVE %s: %s" % (path, e))
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                raise Unusable("EVE %s:%d: malformed JSON (%s): %s" % (path, n, e, line[:120]))
            if not isinstance(r, dict) or not isinstance(r.get("event_type"), str):
                raise Unusable("EVE %s:%d: not an EVE record (no event_type): %s"
                               % (path, n, line[:120]))
            recs.append((n, r))
    if not recs:
        raise Unusable("EVE %s: empty, spanhound wrote no record" % path)
    return recs


# ---- the output contract -----------------------------------------------------

def contract_host(h):
    bad = []
    for k in HOST_FIELDS:
        if k not in h:
            bad.append("lacks %s" % k)
    for k, allowed in (("mac_source", MAC_SOURCES), ("mac_status", MAC_STATUSES),
                       ("verdict", VERDICTS), ("change", CHANGES)):
        if k in h and h[k] not in allowed:
            bad.append("%s %s not one of %s" % (k, show(h[k]), "/".join(sorted(allowed))))
    mac = h.get("mac", ABSENT)
    if mac is not ABSENT and mac is not None and not (isinstance(mac, str) and MAC_RE.match(mac)):
        bad.append("mac %s is not null or aa:bb:cc:dd:ee:ff" % show(mac))
    if "hostname" in h and h["hostname"] is not None and not isinstance(h["hostname"], str):
        bad.append("hostname %s is not a string or null" % show(h["hostname"]))
    if h.get("mac_status") == "conflict":
        if mac is not None:
            bad.append("mac_status conflict with mac %s (must be null)" % show(mac))
        mc = h.get("mac_conflict")
        if not (isinstance(mc, dict) and isinstance(mc.get("macs"), list) and
                len(mc["macs"]) >= 2 and "since" in mc):
            bad.append("mac_status conflict without mac_conflict {macs: [2+], since}")
    elif "mac_conflict" in h:
        bad.append("mac_conflict present with mac_status %s" % show(h.get("mac_status", ABSENT)))
    ev = h.get("evidence")
    if "evidence" in h and not isinstance(ev, list):
        bad.append("evidence is not an array")
    for e in ev if isinstance(ev, list) else []:
        missing = [k for k in EVIDENCE_FIELDS if not isinstance(e, dict) or k not in e]
        if missing:
            bad.append("evidence %s lacks %s" % (show(e.get("kind", ABSENT) if isinstance(e, dict)
                                                      else e), ",".join(missing)))
    return bad


def contract(recs):
    """distinct contract violations, each with its count and first line"""
    seen = {}
    for n, r in recs:
        et, bad = r["event_type"], []
        obj = r.get(et)
        if et in ("spanhound_verdict", "spanhound_resolver", "spanhound_health") and not isinstance(obj, dict):
            bad = ["lacks its '%s' object" % et]
        elif et == "spanhound_verdict":
            bad = contract_host(obj)
        elif et == "spanhound_resolver":
            bad = ["lacks %s" % k for k in RESOLVER_FIELDS if k not in obj]
        elif et == "spanhound_health":
            if obj.get("status") not in ("degraded", "ok"):
                bad.append("status %s not degraded/ok" % show(obj.get("status", ABSENT)))
            rs = obj.get("reasons")
            if not isinstance(rs, list) or not all(isinstance(x, dict) and "check" in x and
                                                   "detail" in x for x in rs):
                bad.append("reasons is not an array of {check, detail}")
        for b in bad:
            key = "%s record %s" % (et, b)
            if key in seen:
                seen[key][1] += 1
            else:
                seen[key] = [n, 1]
    return ["contract: %s (line %d%s)" % (k, n, ", and %d more" % (c - 1) if c > 1 else "")
            for k, (n, c) in seen.items()]


# ---- expectations -----------------------------------------------------------------

def host_summary(n, h):
    kinds = [e.get("kind") for e in h.get("evidence") or [] if isinstance(e, dict)]
    return "line %d: verdict %s, change %s, evidence [%s]" % (
        n, show(h.get("verdict", ABSENT)), show(h.get("change", ABSENT)), ",".join(map(str, kinds)))


def evaluate(case, recs, with_contract=True):
    fails = contract(recs) if with_contract else []
    hosts = {}                                   # ip -> [(line, host object)]
    for n, r in recs:
        if r["event_type"] == "spanhound_verdict" and isinstance(r.get("spanhound_verdict"), dict):
            v = r["spanhound_verdict"]
            hosts.setdefault(canon(v.get("ip")), []).append((n, v))
    flagged = sorted(ip for ip, hs in hosts.items() if hs[-1][1].get("verdict") == "infected")

    if "flagged" in case:
        want = sorted(canon(x) for x in case["flagged"])
        if want != flagged:
            extra = [x for x in flagged if x not in want]
            missing = [x for x in want if x not in flagged]
            fails.append("flagged: expected [%s], found [%s]%s%s" % (
                ", ".join(want), ", ".join(flagged),
                " (not expected: %s)" % ", ".join(extra) if extra else "",
                " (missing: %s)" % ", ".join(missing) if missing else ""))

    for ip in map(canon, case.get("never_flagged", [])):
        hit = [(n, h) for n, h in hosts.get(ip, []) if h.get("verdict") == "infected"]
        if hit:
            fails.append("never_flagged: %s was flagged (%s)" % (ip, host_summary(*hit[0])))

    for ip in map(canon, case.get("no_evidence", [])):
        hs = hosts.get(ip, [])
        if hs:
            fails.append("no_evidence: %s has %d host record(s), first %s"
                         % (ip, len(hs), host_summary(*hs[0])))

    for ip, exp in case.get("hosts", {}).items():
        ip = canon(ip)
        if ip not in hosts:
            fails.append("hosts[%s]: expected a host record, found none" % ip)
            continue
        n, h = hosts[ip][-1]
        for key, pat in exp.items():
            if key == "evidence_kinds":
                kinds = [e.get("kind") for e in h.get("evidence") or [] if isinstance(e, dict)]
                missing = [k for k in pat if k not in kinds]
                if missing:
                    fails.append("hosts[%s] (last record, line %d): evidence_kinds: expected %s, "
                                 "found [%s]" % (ip, n, show(pat), ",".join(map(str, kinds))))
                continue
            v = get(h, key)
            if not match(v, pat):
                fails.append("hosts[%s] (last record, line %d): %s: expected %s, found %s"
                             % (ip, n, key, show(pat), show(v)))

    for ip, changes in case.get("changes", {}).items():
        ip = canon(ip)
        have = [h.get("change") for _, h in hosts.get(ip, [])]
        missing = [c for c in changes if c not in have]
        if missing:
            fails.append("changes[%s]: expected %s among its host records, found [%s]"
                         % (ip, show(changes), ",".join(map(str, have))))

    for pat in case.get("records_required", []):
        if not any(match(r, pat) for _, r in recs):
            et = pat.get("event_type") if isinstance(pat, dict) else None
            same = [(n, r) for n, r in recs if r["event_type"] == et] if et else []
            found = ("%d %s record(s), first (line %d): %s" % (len(same), et, same[0][0],
                                                             show(same[0][1], 240))
                     if same else "no %s record at all" % et if et else "none")
            fails.append("records_required: expected a record matching %s, found %s"
                         % (show(pat), found))

    for pat in case.get("records_forbidden", []):
        hit = [(n, r) for n, r in recs if match(r, pat)]
        if hit:
            fails.append("records_forbidden: %d record(s) match %s, first (line %d): %s"
                         % (len(hit), show(pat), hit[0][0], show(hit[0][1], 240)))
    return fails


def main(argv):
    args = [a for a in argv[1:] if a != "--no-contract"]
    if len(args) != 2:
        print("usage: check.py [--no-contract] CASE_JSON EVE_JSONL", file=sys.stderr)
        return 2
    try:
        case = load_case(args[0])
        recs = load_eve(args[1])
    except Unusable as e:
        print("unusable input: %s" % e)
        return 2
    fails = evaluate(case, recs, "--no-contract" not in argv)
    for f in fails:
        print(f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

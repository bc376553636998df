#!/usr/bin/python3
"""Validate spanhound's EVE output against Suricata's own EVE schema.

Replays every bundled capture (pcaps/**, tests/regress/**; a case directory's
case.conf is used when present) and every development capture under
DEV/pcaps (default ../shared/data/dev), writes EVE, and validates each record
against tests/eve/schema.json (Suricata 8.0.6 etc/schema.json, see README.md):

  - an event type without the "spanhound_" prefix is one of Suricata's: the
    whole record must validate;
  - a "spanhound_<x>" record carries its payload under the key named after
    its type; the schema's top level is closed, so the record is validated
    with that key removed (its common header must be valid Suricata), and
    the payload must be an object.

Prints per event type: records, valid (and the first errors of each type),
then "eve-schema: P passed, F failed, S skipped" where a capture passes when
spanhound exits 0 and every record of it is valid; with --report-only the
figures are printed and every capture that replayed counts as passed (for
--extended, whose extra fields are outside Suricata's closed objects by
design).  Exit status: 0 nothing failed, 1 something failed, 2 harness error.
"""
import argparse
import collections
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:  # python3-jsonschema (Debian) is in the Makefile's DEBS
    print("validate.py: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROJECT_PREFIX = "spanhound_"


def bundled_captures():
    caps = []
    for top in ("pcaps", "tests/regress"):
        for ext in ("pcap", "pcapng"):
            caps += glob.glob(os.path.join(REPO, top, "**", "*." + ext), recursive=True)
    return sorted(set(caps))


def dev_captures(dev):
    d = os.path.join(dev, "pcaps")
    if not os.path.isdir(d):
        return None
    caps = []
    for ext in ("pcap", "pcapng", "cap"):
        caps += glob.glob(os.path.join(d, "**", "*." + ext), recursive=True)
    return sorted(set(caps))


def replay(binary, cap, extended, tmp):
    """Run spanhound on cap; returns (records, error)."""
    name = os.path.relpath(cap, REPO).replace("/", "_")
    eve = os.path.join(tmp, name + ".eve")
    args = [binary, "-r", cap, "--eve", eve]
    conf_text = ""
    case_conf = os.path.join(os.path.dirname(cap), "case.conf")
    if os.path.isfile(case_conf):
        with open(case_conf, encoding="utf-8") as f:
            conf_text = f.read()
    if extended:
        conf_text += "\neve: { extended = true; };\n"
    if conf_text:
        conf = os.path.join(tmp, name + ".conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(conf_text)
        args += ["-c", conf]
    try:
        p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=600)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[-300:])
    recs = []
    try:
        with open(eve, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    recs.append(json.loads(line))
                except ValueError as e:
                    return None, "line %d is not JSON: %s" % (n, e)
    except OSError as e:
        return None, str(e)
    finally:
        if os.path.exists(eve):
            os.unlink(eve)
    return recs, None


# fields added for Suricata compatibility: each must occur in some record
WATCHED = ("community_id", "ip_v", "pkt_src", "tls.ja4", "tls.subjectaltname",
           "dns.authorities", "dns.version", "spanhound_verdict.evidence")


EXTENDED_ONLY = ("flow.end_reason", "flow.payload_toserver", "dns.rtt_us",
                 "tls.ja4s", "tls.ja4x", "tls.fingerprint_sha256")


def has_field(rec, dotted):
    cur = rec
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False
        cur = cur[part]
    return True


def record_errors(validator, rec):
    """Schema errors of one record (a list of strings, empty when valid)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("event_type"), str):
        return ["not an EVE record (no event_type)"]
    et = rec["event_type"]
    errs = []
    if et.startswith(PROJECT_PREFIX):
        payload = rec.get(et)
        if not isinstance(payload, dict):
            errs.append("%s: payload key %r missing or not an object" % (et, et))
        rec = {k: v for k, v in rec.items() if k != et}
    for e in validator.iter_errors(rec):
        path = "/".join(str(p) for p in e.absolute_path) or "(top)"
        errs.append("%s: %s" % (path, e.message[:200]))
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "build/spanhound"))
    ap.add_argument("--schema", default=os.path.join(HERE, "schema.json"))
    ap.add_argument("--dev", default=os.path.join(REPO, "..", "shared", "data", "dev"))
    ap.add_argument("--extended", action="store_true", help="replay with eve.extended = true")
    ap.add_argument("--report-only", action="store_true",
                    help="count invalid records, but do not fail on them")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--errors", type=int, default=3, help="errors shown per event type")
    ap.add_argument("captures", nargs="*", help="only these captures (default: all)")
    a = ap.parse_args()

    try:
        with open(a.schema, encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.Draft202012Validator
        cls.check_schema(schema)
        validator = cls(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print("validate.py: cannot load the schema %s: %s" % (a.schema, e), file=sys.stderr)
        return 2
    if not os.access(a.bin, os.X_OK):
        print("validate.py: %s is not executable" % a.bin, file=sys.stderr)
        return 2

    skipped = 0
    if a.captures:
        caps = [os.path.abspath(c) for c in a.captures]
    else:
        caps = bundled_captures()
        dev = dev_captures(a.dev)
        if dev is None:
            print("  skip  development captures: %s/pcaps is absent" % a.dev)
            skipped += 1
        else:
            caps += dev
    if not caps:
        print("validate.py: no captures", file=sys.stderr)
        return 2

    per_type = collections.OrderedDict()   # et -> [records, valid]
    first_errs = collections.defaultdict(list)
    passed = failed = 0
    seen_fields = set()
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = [(c, pool.submit(replay, a.bin, c, a.extended, tmp)) for c in caps]
        for cap, fut in futs:
            recs, err = fut.result()
            rel = os.path.relpath(cap, REPO)
            if err:
                failed += 1
                print("  FAIL  %s: spanhound %s" % (rel, err))
                continue
            bad = 0
            if not recs:
                # every capture yields records (flows at least): none means a broken writer
                failed += 1
                print("  FAIL  %s: no EVE record written" % rel)
                continue
            for rec in recs:
                seen_fields.update(k for k in WATCHED + EXTENDED_ONLY if has_field(rec, k))
                et = rec.get("event_type") if isinstance(rec, dict) else None
                et = et if isinstance(et, str) else "(none)"
                c = per_type.setdefault(et, [0, 0])
                c[0] += 1
                errs = record_errors(validator, rec)
                if errs:
                    bad += 1
                    if len(first_errs[et]) < a.errors:
                        first_errs[et].append("%s: %s" % (rel, "; ".join(errs[:3])))
                else:
                    c[1] += 1
            if bad and not a.report_only:
                failed += 1
                print("  FAIL  %s: %d of %d records invalid" % (rel, bad, len(recs)))
            else:
                passed += 1

    # the fields this suite exists for must occur somewhere in the bundled captures
    # and eve.extended really adds its fields
    watched = WATCHED + (EXTENDED_ONLY if a.extended else ())
    for k in watched:
        if k not in seen_fields:
            failed += 1
            print("  FAIL  no record carries %s" % k)

    total = sum(c[0] for c in per_type.values())
    valid = sum(c[1] for c in per_type.values())
    print("  %-28s %9s %9s %7s" % ("event_type", "records", "valid", "%"))
    for et in sorted(per_type):
        r, v = per_type[et]
        kind = " (header)" if et.startswith(PROJECT_PREFIX) else ""
        print("  %-28s %9d %9d %6.1f%%%s" % (et, r, v, 100.0 * v / r if r else 0, kind))
    print("  %-28s %9d %9d %6.1f%%" % ("all", total, valid, 100.0 * valid / total if total else 0))
    for et in sorted(first_errs):
        for e in first_errs[et]:
            print("    invalid %s: %s" % (et, e))
    print("eve-schema%s: %d passed, %d failed, %d skipped"
          % ("-extended" if a.extended else "", passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

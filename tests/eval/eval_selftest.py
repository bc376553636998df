#!/usr/bin/python3
"""Self-test of tests/eval/eval.py's scoring: synthetic EVE host records and
labels through read_eve/host_states/parse_hosts/classify, so that a scorer
that passes everything (or nothing) fails here.  Standard library only.
Prints "eval-selftest: P passed, F failed"; exits 1 on any failure."""
import importlib.util
import json
import os
import sys
import tempfile
import unittest

_spec = importlib.util.spec_from_file_location(
    "sh_eval", os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval.py"))
ev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ev)


def host(ip, verdict, change="current", evidence=()):
    """One EVE host record as spanhound writes it (feeds/eve.c)."""
    return {"timestamp": "2024-01-01T00:00:00.000000+0000", "event_type": "spanhound_verdict", "src_ip": ip,
            "spanhound_verdict": {"ip": ip, "mac": None, "verdict": verdict, "change": change, "score": 1.0,
                     "evidence": [dict(kind=k, confidence=c, indicator=i, explanation="x",
                                       score=c) for k, c, i in evidence]}}


def states(*records):
    return ev.host_states(list(records))


def mal(label, *records, **kw):
    return ev.classify("malicious", ev.parse_hosts(label), states(*records), **kw)


def ben(*records):
    return ev.classify("benign", [], states(*records))


class Classify(unittest.TestCase):
    def test_flagged_labelled_host_is_ok(self):
        c = mal("10.0.0.5", host("10.0.0.5", "infected", "infected", [("beacon", .9, "1.2.3.4")]))
        self.assertEqual(c["result"], ev.OK)
        self.assertTrue(c["counts"])

    def test_nothing_flagged_on_malicious_is_miss(self):
        self.assertEqual(mal("10.0.0.5")["result"], ev.MISS)

    def test_labelled_host_with_evidence_below_threshold_is_miss(self):
        c = mal("10.0.0.5", host("10.0.0.5", "clean", "current", [("beacon", .4, "x")]))
        self.assertEqual(c["result"], ev.MISS)

    def test_other_host_flagged_on_malicious_is_miss_and_false_positive(self):
        c = mal("10.0.0.5", host("10.0.0.9", "infected", "infected"))
        self.assertEqual(c["result"], ev.MISS)
        self.assertEqual(c["fp"], ["10.0.0.9"])

    def test_labelled_and_unlabelled_flagged_is_false_positive(self):
        c = mal("10.0.0.5", host("10.0.0.5", "infected"), host("10.0.0.9", "infected"))
        self.assertEqual(c["result"], ev.FP)
        self.assertEqual(c["fp"], ["10.0.0.9"])

    def test_flagged_host_on_benign_is_false_positive(self):
        c = ben(host("192.168.1.7", "infected", "infected"))
        self.assertEqual(c["result"], ev.FP)
        self.assertEqual(c["flagged"], ["192.168.1.7"])

    def test_benign_with_suspect_but_unflagged_host_is_ok(self):
        self.assertEqual(ben(host("192.168.1.7", "clean", "current", [("dga", .3, "x")]))["result"],
                         ev.OK)
        self.assertEqual(ben()["result"], ev.OK)

    def test_alternatives_satisfied_by_either_host(self):
        label = "172.16.0.114 or 172.16.0.111 (see notes)"
        for ip in ("172.16.0.114", "172.16.0.111"):
            c = mal(label, host(ip, "infected"))
            self.assertEqual(c["result"], ev.OK, ip)
            self.assertEqual(c["fp"], [])
        self.assertEqual(mal(label)["result"], ev.MISS)
        self.assertEqual(mal(label, host("172.16.0.1", "infected"))["result"], ev.MISS)

    def test_two_labelled_hosts_both_required(self):
        self.assertEqual(mal("10.0.0.1 10.0.0.2", host("10.0.0.1", "infected"))["result"], ev.MISS)
        self.assertEqual(mal("10.0.0.1 10.0.0.2", host("10.0.0.1", "infected"),
                             host("10.0.0.2", "infected"))["result"], ev.OK)

    def test_last_record_decides_detection_any_record_a_false_positive(self):
        # a labelled host must still be flagged at the end to count as found
        c = mal("10.0.0.5", host("10.0.0.5", "infected", "infected"),
                host("10.0.0.5", "clean", "cleared"))
        self.assertEqual(c["result"], ev.MISS)
        self.assertEqual(c["ever"], ["10.0.0.5"])
        # a benign host flagged for a moment was quarantined for that moment
        c = ben(host("10.0.0.5", "infected", "infected"), host("10.0.0.5", "clean", "cleared"))
        self.assertEqual(c["result"], ev.FP)
        c = mal("10.0.0.5", host("10.0.0.5", "infected"), host("10.0.0.9", "infected", "infected"),
                host("10.0.0.9", "clean", "cleared"))
        self.assertEqual(c["result"], ev.FP)
        self.assertEqual(c["fp"], ["10.0.0.9"])

    def test_feed_only_miss_not_counted_without_feed(self):
        c = mal("192.168.46.2", feed_only=True, feeds_configured=False)
        self.assertEqual(c["result"], ev.FEED_ONLY)
        self.assertFalse(c["counts"])
        c = mal("192.168.46.2", feed_only=True, feeds_configured=True)
        self.assertEqual(c["result"], ev.MISS)
        self.assertTrue(c["counts"])
        c = mal("192.168.46.2", host("192.168.46.9", "infected"), feed_only=True)
        self.assertEqual(c["result"], ev.FP)
        self.assertTrue(c["counts"])

    def test_fingerprint_only_feed_hit_is_not_a_verdict_by_design(self):
        fp = host("192.168.46.2", "clean", evidence=[("ioc_fingerprint", 0.5, "abc")])
        c = mal("192.168.46.2", fp, feed_only=True, feeds_configured=True)
        self.assertEqual(c["result"], ev.FEED_FP)
        self.assertFalse(c["counts"])
        # an address or name hit that did not convict is a miss
        m = host("192.168.46.2", "clean", evidence=[("ioc_fingerprint", 0.5, "abc"),
                                                     ("ioc_match", 0.6, "1.2.3.4")])
        c = mal("192.168.46.2", m, feed_only=True, feeds_configured=True)
        self.assertEqual(c["result"], ev.MISS)
        # a fingerprint on a row that is not feed-only changes nothing
        c = mal("192.168.46.2", fp, feeds_configured=True)
        self.assertEqual(c["result"], ev.MISS)

    def test_malicious_label_without_host_never_passes(self):
        self.assertEqual(mal("(none)", host("10.0.0.5", "infected"))["result"], ev.MISS)

    def test_tolerated_attacker_host(self):
        exp = "flag 192.168.1.195 (beacons); 192.168.1.46 is the attacker-controlled source of WMI"
        groups = ev.parse_hosts("192.168.1.195")
        tol = ev.tolerated_hosts(exp, groups)
        self.assertEqual(tol, {"192.168.1.46"})
        c = ev.classify("malicious", groups, states(host("192.168.1.195", "infected"),
                                                    host("192.168.1.46", "infected")),
                        tolerated=tol)
        self.assertEqual(c["result"], ev.OK)
        self.assertEqual(ev.tolerated_hosts("flag 10.0.0.1; 10.0.0.2 is benign",
                                            ev.parse_hosts("10.0.0.1")), set())


class Labels(unittest.TestCase):
    def test_parse_hosts(self):
        self.assertEqual(ev.parse_hosts("(none)"), [])
        self.assertEqual(ev.parse_hosts("-"), [])
        self.assertEqual(ev.parse_hosts("10.0.0.1"), [{"10.0.0.1"}])
        self.assertEqual(ev.parse_hosts("10.0.0.1 10.0.0.2"), [{"10.0.0.1"}, {"10.0.0.2"}])
        self.assertEqual(ev.parse_hosts("a or 10.0.0.1|10.0.0.2"), [{"10.0.0.1", "10.0.0.2"}])
        self.assertEqual(ev.parse_hosts("fd00::0:1"), [{"fd00::1"}])

    def test_feed_only(self):
        self.assertTrue(ev.is_feed_only("flag only via IOC (IP) or JA3 feed; too short for behaviour"))
        self.assertFalse(ev.is_feed_only("flag 192.168.100.40"))
        self.assertFalse(ev.is_feed_only("no host should be flagged"))


class Eve(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def test_non_json_line_is_a_harness_error(self):
        p = self.write(json.dumps(host("10.0.0.5", "infected")) + "\n{\"event_type\": \n")
        with self.assertRaises(ev.HarnessError):
            ev.read_eve(p)

    def test_host_record_without_verdict_is_a_harness_error(self):
        p = self.write('{"event_type":"spanhound_verdict","spanhound_verdict":{"ip":"10.0.0.5"}}\n')
        with self.assertRaises(ev.HarnessError):
            ev.read_eve(p)

    def test_reads_host_records_only(self):
        p = self.write('{"event_type":"dns","dns":{}}\n' + json.dumps(host("10.0.0.5", "infected"))
                       + "\n\n")
        st = ev.host_states(ev.read_eve(p))
        self.assertEqual(list(st), ["10.0.0.5"])
        self.assertTrue(st["10.0.0.5"]["final"])

    def test_missing_file_is_a_harness_error(self):
        with self.assertRaises(ev.HarnessError):
            ev.read_eve("/nonexistent/eve.json")

    def test_strongest_evidence(self):
        st = states(host("10.0.0.5", "infected", "infected",
                         [("dga", .5, "a.example"), ("beacon", .9, "1.2.3.4:443")]))
        self.assertEqual(ev.evidence_text(ev.strongest(st["10.0.0.5"]["evidence"])),
                         "beacon:1.2.3.4:443 (0.90)")


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=0, argv=[sys.argv[0]]).result
    bad = len(r.failures) + len(r.errors)
    print("eval-selftest: %d passed, %d failed" % (r.testsRun - bad, bad))
    sys.exit(1 if bad else 0)

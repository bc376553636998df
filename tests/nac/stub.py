#!/usr/bin/env python3
"""A stub NAC for the bridge tests: PacketFence API v1, ForeScout DEX and a
webhook receiver on one loopback port.  It records every request (method,
path, headers, body) as one JSON line, answers as the real API would, and
misbehaves when the control file says so.

usage: stub.py PORTFILE LOGFILE CONTROLFILE

PORTFILE receives the port (bound to 127.0.0.1:0).  CONTROLFILE is re-read
on every request (JSON, may be absent = {}):
  fail        {"match": "substring of the path", "count": N, "status": 500}
              the first N matching requests answer that status
  reject_tokens  ["tok-1", ...]  PacketFence tokens answered with 401
  mode        "garbage" | "huge" | "hang" | "fs_error": every request
  open_events list PacketFence returns for GET .../security_events
The counters restart whenever the control file's content changes.

Credentials it accepts: PacketFence admin/pf-secret, DEX dex@acct/dex-secret.
"""
import base64
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORTFILE, LOGFILE, CONTROL = sys.argv[1:4]
state = {"control_raw": None, "fails": 0, "tokens": 0}

PF_USER, PF_PASS = "admin", "pf-secret"
DEX_USER, DEX_PASS = "dex@acct", "dex-secret"


def control():
    try:
        raw = open(CONTROL).read()
    except OSError:
        raw = "{}"
    if raw != state["control_raw"]:
        state["control_raw"] = raw
        state["fails"] = 0
    return json.loads(raw or "{}")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype="application/json"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.record["status"] = status
        with open(LOGFILE, "a") as f:
            f.write(json.dumps(self.record) + "\n")

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self.record = {
            "method": self.command, "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        c = control()
        mode = c.get("mode")
        if mode == "hang":
            time.sleep(3)
            return self.answer(200, "{}")
        if mode == "garbage":
            return self.answer(200, b"<FSAPI<STATUS><CODE>\x00\xff{{{\"token\":[", "text/plain")
        if mode == "huge":
            return self.answer(200, b"A" * (3 * 1024 * 1024), "text/plain")
        f = c.get("fail")
        if f and f.get("match", "") in self.path and state["fails"] < f.get("count", 0):
            state["fails"] += 1
            return self.answer(f.get("status", 500), '{"message":"stub failure"}')

        p = self.path
        if p.startswith("/api/v1/"):
            return self.packetfence(p, body, c)
        if p == "/fsapi/niCore/Hosts":
            return self.forescout(body, c)
        if p == "/hook":
            return self.answer(204 if c.get("hook_204") else 200, "")
        return self.answer(404, '{"message":"Unknown path"}')

    def packetfence(self, p, body, c):
        if p == "/api/v1/login" and self.command == "POST":
            try:
                d = json.loads(body)
            except ValueError:
                return self.answer(400, '{"message":"bad json"}')
            if d.get("username") != PF_USER or d.get("password") != PF_PASS:
                return self.answer(401, '{"message":"Wrong username or password"}')
            state["tokens"] += 1
            return self.answer(200, json.dumps({"token": "tok-%d" % state["tokens"]}))
        tok = self.headers.get("Authorization", "")
        if not re.fullmatch(r"tok-\d+", tok) or int(tok[4:]) > state["tokens"] \
                or tok in c.get("reject_tokens", []):
            return self.answer(401, '{"message":"Token is expired"}')
        m = re.fullmatch(r"/api/v1/node/([0-9a-f:]{17})/(\w+)", p)
        if not m:
            return self.answer(404, '{"message":"Unknown path"}')
        mac, action = m.groups()
        if action == "apply_security_event" and self.command == "POST":
            return self.answer(200, json.dumps({"security_event_id": 41}))
        if action == "security_events" and self.command == "GET":
            items = c.get("open_events", [
                {"id": 41, "mac": mac, "security_event_id": "1100099", "status": "open"},
                {"id": 40, "mac": mac, "security_event_id": "1300000", "status": "open"},
            ])
            return self.answer(200, json.dumps({"items": items}))
        if action == "close_security_event" and self.command == "POST":
            return self.answer(200, "{}")
        return self.answer(404, '{"message":"Unknown path"}')

    def forescout(self, body, c):
        auth = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(("%s:%s" % (DEX_USER, DEX_PASS)).encode()).decode()
        if auth != want:
            return self.answer(401, "<html>Unauthorized</html>", "text/html")
        code = "FSAPI_ERROR" if c.get("mode") == "fs_error" else "FSAPI_OK"
        return self.answer(200, '<?xml version="1.0" encoding="UTF-8"?>\n'
                                '<FSAPI TYPE="response" API_VERSION="2.0">\n'
                                '  <STATUS>\n    <CODE>%s</CODE>\n'
                                '    <MESSAGE>Successfully updated [3] properties</MESSAGE>\n'
                                '  </STATUS>\n</FSAPI>\n' % code, "application/xml")

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


srv = HTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()

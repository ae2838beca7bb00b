"""A Digest-protected HTTPS receiver for the outbound auth tests, written independently of the
Rust code under test: Python's hashlib and urllib's header parsing, straight from RFC 7616.

It answers any request without valid credentials with 401 and a fresh challenge (stale=true
when --stale-after uses of a nonce were reached), verifies
MD5, MD5-sess, SHA-256, SHA-256-sess with qop auth or auth-int (auth-int hashes the body bytes
exactly as received), requires nc to grow per nonce, and prints one JSON line per verdict.
Prints "READY <port>" once listening on 127.0.0.1 (port 0: the OS picks)."""

import argparse
import hashlib
import hmac
import json
import secrets
import ssl
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--realm", default="receiver@test")
    p.add_argument("--algorithm", required=True)
    p.add_argument("--qop", required=True, choices=["auth", "auth-int"])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--stale-after", type=int, default=0,
                   help="after this many verified requests on a nonce, answer stale=true")
    return p.parse_args()


ARGS = parse_args()
LOCK = threading.Lock()
NONCES = {}  # nonce -> last nc seen
USES = {}  # nonce -> verified requests
OPAQUE = secrets.token_hex(8)


def say(**event):
    with LOCK:
        print(json.dumps(event), flush=True)


def h(data):
    base = ARGS.algorithm.removesuffix("-sess")
    return HASHES[base](data.encode() if isinstance(data, str) else data).hexdigest()


def expected(fields, method, body):
    ha1 = h(f"{ARGS.user}:{ARGS.realm}:{ARGS.password}")
    if ARGS.algorithm.endswith("-sess"):
        ha1 = h(f"{ha1}:{fields['nonce']}:{fields['cnonce']}")
    if ARGS.qop == "auth-int":
        ha2 = h(f"{method}:{fields['uri']}:{h(body)}")
    else:
        ha2 = h(f"{method}:{fields['uri']}")
    return h(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:{ARGS.qop}:{ha2}")


def check(header, method, path, body):
    """None when valid, else the reason."""
    if not header or not header.lower().startswith("digest "):
        return "no Digest credentials"
    items = urllib.request.parse_http_list(header[len("digest "):])
    fields = urllib.request.parse_keqv_list(items)
    for name in ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce"):
        if name not in fields:
            return f"missing {name}"
    with LOCK:
        if fields["nonce"] not in NONCES:
            return "unknown nonce"
    if fields["username"] != ARGS.user or fields["realm"] != ARGS.realm:
        return "wrong user or realm"
    if fields.get("algorithm", "MD5").upper() != ARGS.algorithm.upper():
        return f"algorithm {fields.get('algorithm')} was not offered"
    if fields["qop"] != ARGS.qop:
        return f"qop {fields['qop']} was not offered"
    if fields.get("opaque") != OPAQUE:
        return "opaque not echoed"
    if fields["uri"] != path:
        return f"uri {fields['uri']} is not the request target {path}"
    if len(fields["nc"]) != 8:
        return "nc is not 8 hex digits"
    nc = int(fields["nc"], 16)
    with LOCK:
        last = NONCES[fields["nonce"]]
        if nc <= last:
            return f"nc {nc} did not grow (last {last})"
        NONCES[fields["nonce"]] = nc
    if not hmac.compare_digest(fields["response"], expected(fields, method, body)):
        return "wrong response"
    with LOCK:
        if ARGS.stale_after and USES.get(fields["nonce"], 0) >= ARGS.stale_after:
            return "stale"
        USES[fields["nonce"]] = USES.get(fields["nonce"], 0) + 1
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reason = check(self.headers.get("Authorization"), self.command, self.path, body)
        if reason is None:
            fields = urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(self.headers["Authorization"][len("digest "):]))
            say(event="verified", method=self.command, path=self.path, body_len=len(body),
                nc=fields["nc"], nonce=fields["nonce"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        nonce = secrets.token_hex(16)
        with LOCK:
            NONCES[nonce] = 0
        say(event="challenged", method=self.command, reason=reason)
        self.send_response(401)
        stale = ", stale=true" if reason == "stale" else ""
        self.send_header(
            "WWW-Authenticate",
            f'Digest realm="{ARGS.realm}", qop="{ARGS.qop}", algorithm={ARGS.algorithm}, '
            f'nonce="{nonce}", opaque="{OPAQUE}"{stale}',
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS.cert, ARGS.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A stand-in for an EHR's user directory: the `http` adapter protocol of smart-auth (CONTRACT
"User directory adapter", README "Implementing the directory protocol") over HTTPS, from a JSON
file, with the Python 3 standard library only. It shows the adapter path working in
docker/compose.yaml and plays the EHR in the directory e2e test; it is not an EHR.

  POST /authenticate {"username","password"}   200 user | 401
  GET  /users/{id}                             200 user | 404
  GET  /patients?user={id}&q={text}            200 [{"id","name","birthDate"}] this user may open
  GET  /patients/{id}/encounters?user={id}     200 [{"id","period","type"}] ([] if not allowed)
  GET  /healthz                                200 (for the container's healthcheck)
  user = {"id","fhirUser","name","scopes"}

Passwords are checked here, as an EHR would: the data file keeps scrypt hashes
(`python3 ehr_directory.py hash-password` prints one for a password read from stdin). When
EHR_DIRECTORY_TOKEN is set, every call must carry `Authorization: Bearer <it>` (else 403).

  ehr_directory.py serve --data FILE --tls-dir DIR [--listen HOST:PORT] [--hostname NAME]...
                         [--ready-file FILE]
      serves on HOST:PORT (default 0.0.0.0:8444; port 0 picks one) with DIR/server.pem and
      DIR/server.key; when they are missing, makes a CA (DIR/ca.pem, the file smart-auth's
      directory.http.ca_file names) and a server certificate for every --hostname, localhost and
      127.0.0.1 with the openssl command. The ready file gets {"port": N} once it listens.
  ehr_directory.py healthcheck --tls-dir DIR [--url URL]
      exits 0 when GET URL (default https://localhost:8444/healthz) answers 200, verified
      against DIR/ca.pem.
  ehr_directory.py hash-password
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request

MAX_BODY = 64 * 1024
# scrypt at Percival's interactive-login cost (N=2^14, r=8, p=1: 16 MiB, a fraction of a second).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password, salt=None):
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024, dklen=32)
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def password_matches(password, encoded):
    try:
        kind, n, r, p, salt, digest = encoded.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), maxmem=128 * 1024 * 1024,
                                dklen=len(expected))
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(actual, expected)


class Directory:
    """The data file: users (with password hashes and the patients each may open), patients."""

    def __init__(self, path):
        with open(path) as f:
            data = json.load(f)
        self.users = {u["id"]: u for u in data["users"]}
        self.by_username = {u["username"]: u for u in data["users"]}
        self.patients = {p["id"]: p for p in data["patients"]}
        # Checked when the username is unknown, so both failures take the same time.
        self.dummy_hash = hash_password(secrets.token_hex(16))

    @staticmethod
    def public(user):
        return {k: user[k] for k in ("id", "fhirUser", "name", "scopes")}

    def authenticate(self, username, password):
        user = self.by_username.get(username)
        ok = password_matches(password, user["password_hash"] if user else self.dummy_hash)
        return self.public(user) if user and ok else None

    def may_open(self, user, patient_id):
        if user["fhirUser"].startswith("Patient/"):  # a patient user opens their own record only
            return user["fhirUser"] == "Patient/" + patient_id
        return user.get("all_patients", False) or patient_id in user.get("patients", [])

    def patients_for(self, user_id, query):
        user = self.users.get(user_id)
        if user is None:
            return []
        q = query.casefold()
        return [{k: p[k] for k in ("id", "name", "birthDate")}
                for p in self.patients.values()
                if self.may_open(user, p["id"]) and (q in p["name"].casefold() or q == p["id"])]

    def encounters_for(self, user_id, patient_id):
        user = self.users.get(user_id)
        patient = self.patients.get(patient_id)
        if user is None or patient is None or not self.may_open(user, patient_id):
            return []
        return patient.get("encounters", [])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = None  # set by serve()
    token = ""

    def log_message(self, fmt, *args):  # one line per call on stdout; never a body
        sys.stdout.write(json.dumps({"remote": self.client_address[0],
                                     "request": self.command + " " + self.path.split("?")[0],
                                     "status": args[1] if len(args) > 1 else ""}) + "\n")
        sys.stdout.flush()

    def answer(self, status, value=None):
        body = json.dumps(value).encode() if value is not None else b""
        self.send_response(status)
        if value is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def authorized(self):
        if not self.token:
            return True
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), ("Bearer " + self.token).encode())  # RFC 6750 §2.1

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        return parts, query

    def do_GET(self):
        parts, query = self.route()
        if parts == ["healthz"]:
            return self.answer(200, {"status": "ok"})
        if not self.authorized():
            return self.answer(403, {"error": "forbidden"})
        if len(parts) == 2 and parts[0] == "users":
            user = self.directory.users.get(parts[1])
            return self.answer(200, Directory.public(user)) if user else self.answer(404, {})
        if parts == ["patients"]:
            return self.answer(200, self.directory.patients_for(query.get("user", ""),
                                                                query.get("q", "")))
        if len(parts) == 3 and parts[0] == "patients" and parts[2] == "encounters":
            return self.answer(200, self.directory.encounters_for(query.get("user", ""), parts[1]))
        return self.answer(404, {"error": "not_found"})

    def do_POST(self):
        parts, _ = self.route()
        if not self.authorized():
            return self.answer(403, {"error": "forbidden"})
        if parts != ["authenticate"]:
            return self.answer(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.answer(413, {"error": "too_large"})
        try:
            body = json.loads(self.rfile.read(length))
            username, password = body["username"], body["password"]
            if not isinstance(username, str) or not isinstance(password, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self.answer(400, {"error": "invalid_request"})
        user = self.directory.authenticate(username, password)
        return self.answer(200, user) if user else self.answer(401, {"error": "invalid_credentials"})


def ensure_tls(tls_dir, hostnames):
    """DIR/server.pem and DIR/server.key, made with a new CA (DIR/ca.pem) when missing."""
    cert, key = os.path.join(tls_dir, "server.pem"), os.path.join(tls_dir, "server.key")
    if os.path.exists(cert) and os.path.exists(key):
        return cert, key
    os.makedirs(tls_dir, exist_ok=True)
    ca, ca_key = os.path.join(tls_dir, "ca.pem"), os.path.join(tls_dir, "ca.key")
    names = ["DNS:" + h for h in dict.fromkeys(hostnames + ["localhost"])] + ["IP:127.0.0.1"]

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "825", "-subj", "/CN=stand-in EHR directory CA", "-keyout", ca_key,
            "-out", ca, "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    csr = os.path.join(tls_dir, "server.csr")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=" + hostnames[0] if hostnames else "/CN=localhost",
            "-keyout", key + ".part", "-out", csr)
    ext = os.path.join(tls_dir, "server.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=" + ",".join(names) + "\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "825", "-extfile", ext, "-out", cert + ".part")
    for leftover in (csr, ext, ca_key, os.path.join(tls_dir, "ca.srl")):
        os.remove(leftover)  # the CA key is not needed again: a new CA comes with a new cert
    os.chmod(key + ".part", 0o600)
    os.rename(key + ".part", key)
    os.rename(cert + ".part", cert)  # last: its presence means the set is complete
    return cert, key


def serve(args):
    host, _, port = args.listen.rpartition(":")
    Handler.directory = Directory(args.data)
    Handler.token = os.environ.get("EHR_DIRECTORY_TOKEN", "")
    cert, key = ensure_tls(args.tls_dir, args.hostname or [])
    server = http.server.ThreadingHTTPServer((host.strip("[]") or "0.0.0.0", int(port)), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    # The handshake on the connection's own thread (its first read), not in accept().
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    bound = server.server_address[1]
    print(json.dumps({"msg": "stand-in EHR directory listening", "port": bound,
                      "ca_file": os.path.join(args.tls_dir, "ca.pem"),
                      "bearer_token_required": bool(Handler.token)}), flush=True)
    if args.ready_file:
        with open(args.ready_file + ".part", "w") as f:
            json.dump({"port": bound}, f)
        os.rename(args.ready_file + ".part", args.ready_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def healthcheck(args):
    context = ssl.create_default_context(cafile=os.path.join(args.tls_dir, "ca.pem"))
    try:
        with urllib.request.urlopen(args.url, context=context, timeout=5) as res:
            return 0 if res.status == 200 else 1
    except OSError as e:
        print(f"healthcheck: {e}", file=sys.stderr)
        return 1


def stop(*_):
    """SIGTERM (docker stop) ends serve_forever like Ctrl-C, and the process exits 0."""
    raise KeyboardInterrupt


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--data", required=True)
    s.add_argument("--tls-dir", required=True)
    s.add_argument("--listen", default="0.0.0.0:8444")
    s.add_argument("--hostname", action="append", help="a name the certificate is for")
    s.add_argument("--ready-file")
    h = sub.add_parser("healthcheck")
    h.add_argument("--tls-dir", required=True)
    h.add_argument("--url", default="https://localhost:8444/healthz")
    sub.add_parser("hash-password")
    args = p.parse_args()
    if args.command == "serve":
        signal.signal(signal.SIGTERM, stop)
        serve(args)
        return 0
    if args.command == "healthcheck":
        return healthcheck(args)
    print(hash_password(sys.stdin.readline().rstrip("\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""README "Check tokens in the FHIR server" is code a FHIR-server developer will copy: the block
after `<!-- example: verify-token.mjs -->` is extracted from README.md as it stands and run with
node against the real binary. It must accept a fresh access token (ES256 and RS256) and refuse
a tampered signature, another audience and another issuer."""
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile

import service_runner

BINARY = sys.argv[1]
IAT = "readme-example-initial-access-token-0123456789"
checks = service_runner.Checks()
check = checks.check


def example_source():
    with open(os.path.join(service_runner.ROOT, "README.md")) as f:
        readme = f.read()
    found = re.search(r"<!-- example: verify-token\.mjs -->\n```js\n(.*?)```", readme, re.S)
    if not found:
        sys.exit("README.md has no verify-token.mjs example block")
    return found.group(1)


def run_example(script, base, ca, token, issuer="https://localhost:8443",
                audience="https://localhost:8443/fhir"):
    # The service listens on 127.0.0.1 only, and Node 18 (Debian 12's) tries "localhost" as ::1
    # first without falling back; the certificate covers 127.0.0.1 too.
    jwks_url = base.replace("//localhost:", "//127.0.0.1:") + "/.well-known/jwks.json"
    env = dict(os.environ, ISSUER=issuer, AUDIENCE=audience, JWKS_URL=jwks_url,
               NODE_EXTRA_CA_CERTS=ca)
    done = subprocess.run(["node", script, token], env=env, capture_output=True, text=True,
                          timeout=30)
    return done.returncode, done.stdout.strip() + done.stderr.strip()


with tempfile.TemporaryDirectory() as d:
    script = os.path.join(d, "verify-token.mjs")
    with open(script, "w") as f:
        f.write(example_source())
    for alg in ("ES256", "RS256"):
        data = os.path.join(d, alg)
        os.mkdir(data)
        proc, base, ca = service_runner.start(
            BINARY, data,
            f"keys:\n  access_token_alg: {alg}\n" + service_runner.backend_yaml(IAT, "readme example"))
        try:
            ctx = ssl.create_default_context(cafile=ca)
            reg, token = service_runner.backend_token(ctx, base, IAT)

            code, out = run_example(script, base, ca, token)
            claims = json.loads(out.split(" ", 1)[1]) if out.startswith("valid ") else {}
            check(f"{alg}: the example accepts a fresh token and returns its claims",
                  code == 0 and claims.get("scope") == "system/Patient.rs"
                  and claims.get("client_id") == reg["client_id"], out)

            head, body, sig = token.split(".")
            flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
            code, out = run_example(script, base, ca, f"{head}.{body}.{flipped}")
            check(f"{alg}: a tampered signature is refused", code == 1 and "bad signature" in out,
                  out)
            code, out = run_example(script, base, ca, token, audience="https://other.example/fhir")
            check(f"{alg}: a token for another FHIR server is refused",
                  code == 1 and "not for this FHIR server" in out, out)
            code, out = run_example(script, base, ca, token, issuer="https://other.example")
            check(f"{alg}: a token from another issuer is refused",
                  code == 1 and "wrong issuer" in out, out)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)

checks.finish(expected=8)

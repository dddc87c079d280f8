#!/usr/bin/python3
"""A standard JOSE library (Debian's python3-jwcrypto) accepts what smart-auth publishes:
the JWKS imports, and access tokens signed ES256 and RS256 verify against it with the claims
RFC 9068 asks for. Runs the real binary over verified HTTPS on an ephemeral port."""
import base64
import json
import signal
import ssl
import sys
import tempfile
import urllib.request

from jwcrypto import jwk, jwt

import service_runner

BINARY = sys.argv[1]
failures = []


IAT = "jose-interop-initial-access-token-0123456789"


checks = 0


def check(name, condition):
    global checks
    checks += 1
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)


def start(dir_, alg):
    proc, base, ca = service_runner.start(
        BINARY, dir_,
        f'keys:\n  access_token_alg: {alg}\n'
        # Registration policy: client_credentials needs an initial access token, and
        # client_secret_basic must be allowed for it (as in the demo config).
        f'registration:\n  initial_access_tokens:\n'
        f'    - {{token: {IAT}, max_scope: system/*.rs, description: jose interop}}\n'
        f'tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n')
    return proc, base, ssl.create_default_context(cafile=ca)


def call(ctx, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, context=ctx) as res:
        return json.load(res)


for alg in ("ES256", "RS256"):
    with tempfile.TemporaryDirectory() as d:
        proc, base, ctx = start(d, alg)
        try:
            jwks = call(ctx, base + "/.well-known/jwks.json")
            keyset = jwk.JWKSet.from_json(json.dumps(jwks))
            check(f"{alg}: JWKS imports with two keys", len(keyset["keys"]) == 2)
            reg = call(ctx, base + "/auth/register", json.dumps({
                "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "client_secret_basic",
                "scope": "system/*.rs"}).encode(),
                {"Content-Type": "application/json", "Authorization": "Bearer " + IAT})
            basic = base64.b64encode(f"{reg['client_id']}:{reg['client_secret']}".encode())
            tok = call(ctx, base + "/auth/token",
                       b"grant_type=client_credentials&scope=system%2FPatient.rs",
                       {"Authorization": "Basic " + basic.decode(),
                        "Content-Type": "application/x-www-form-urlencoded"})
            token = jwt.JWT(jwt=tok["access_token"], key=keyset, algs=[alg],
                            check_claims={"iss": "https://localhost:8443",
                                          "aud": "https://localhost:8443/fhir",
                                          "exp": None, "iat": None})
            header = json.loads(token.header)
            claims = json.loads(token.claims)
            check(f"{alg}: token verifies, header typ at+jwt", header.get("typ") == "at+jwt")
            check(f"{alg}: claims sub/client_id/scope",
                  claims["sub"] == reg["client_id"] and claims["client_id"] == reg["client_id"]
                  and claims["scope"] == "system/Patient.rs" and "jti" in claims)
        except Exception as e:  # noqa: BLE001 - any failure is a test failure
            check(f"{alg}: no exception ({type(e).__name__}: {e})", False)
        finally:
            proc.send_signal(signal.SIGTERM)
            check(f"{alg}: exits 0 on SIGTERM", proc.wait(timeout=15) == 0)

print(f"{checks - len(failures)} passed, {len(failures)} failed")
# Each algorithm runs four checks when all goes well; fewer means a step was skipped.
sys.exit(1 if failures or checks < 8 else 0)

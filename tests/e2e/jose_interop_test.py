#!/usr/bin/python3
"""A standard JOSE library (Debian's python3-jwcrypto) accepts what smart-auth publishes:
the JWKS imports, and access tokens signed ES256 and RS256 verify against it with the claims
RFC 9068 asks for. Runs the real binary over verified HTTPS on an ephemeral port."""
import json
import signal
import ssl
import sys
import tempfile

from jwcrypto import jwk, jwt

import service_runner

BINARY = sys.argv[1]
IAT = "jose-interop-initial-access-token-0123456789"
checks = service_runner.Checks()
check = checks.check


def start(dir_, alg):
    proc, base, ca = service_runner.start(
        BINARY, dir_,
        f"keys:\n  access_token_alg: {alg}\n" + service_runner.backend_yaml(IAT, "jose interop"))
    return proc, base, ssl.create_default_context(cafile=ca)


for alg in ("ES256", "RS256"):
    with tempfile.TemporaryDirectory() as d:
        proc, base, ctx = start(d, alg)
        try:
            jwks = service_runner.call_json(ctx, base + "/.well-known/jwks.json")
            keyset = jwk.JWKSet.from_json(json.dumps(jwks))
            check(f"{alg}: JWKS imports with two keys", len(keyset["keys"]) == 2)
            reg, access_token = service_runner.backend_token(ctx, base, IAT)
            token = jwt.JWT(jwt=access_token, key=keyset, algs=[alg],
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

# Each algorithm runs four checks when all goes well; fewer means a step was skipped.
checks.finish(expected=8)

#!/usr/bin/python3
"""scripts/try-launch, the README's command-line launch, works against the real binary: a
standalone and an EHR launch each end in a token response whose access token and id_token a
standard JOSE library (Debian's python3-jwcrypto) verifies with nothing but the JWKS, a refresh,
and userinfo. Runs the real binary over verified HTTPS on an ephemeral port."""
import json
import os
import ssl
import subprocess
import sys
import tempfile
import urllib.request

from jwcrypto import jwk, jwt

import service_runner

BINARY = sys.argv[1]
ROOT = service_runner.ROOT
FHIR_BASE = "https://localhost:8443/fhir"  # smart.fhir_base_url's default: the tokens' aud
checks = service_runner.Checks()
check = checks.check


def sections(output):
    """try-launch's '## title' blocks, each a JSON document, by title."""
    out = {}
    for block in output.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        out[title] = json.loads(body)
    return out


def try_launch(base, ca, data_dir, *extra):
    run = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "try-launch"),
                          "--base", base, "--ca", ca, "--fhir-base", FHIR_BASE, "--full",
                          "--ehr-key-file", os.path.join(data_dir, "ehr_api_key"), *extra],
                         capture_output=True, text=True, timeout=60)
    check(f"try-launch {' '.join(extra)} exits 0 ({run.stderr.strip()[:200]})",
          run.returncode == 0)
    return sections(run.stdout) if run.returncode == 0 else {}


def verified(keyset, token, **expected):
    """The token's claims once the JWKS alone verified its signature, and exp/iat/claims."""
    checked = jwt.JWT(jwt=token, key=keyset, check_claims=expected)
    return json.loads(checked.claims)


with tempfile.TemporaryDirectory() as d:
    proc, base, ca = service_runner.start(
        BINARY, d, "launch:\n  generate_ehr_api_key: true\n")
    try:
        ctx = ssl.create_default_context(cafile=ca)
        with urllib.request.urlopen(base + "/.well-known/jwks.json", context=ctx) as res:
            keyset = jwk.JWKSet.from_json(res.read().decode())
        cases = [("standalone", [], "1001", None),  # dr.smith picks the first patient
                 ("EHR", ["--ehr"], "1002", "enc-1002-1")]
        for name, args, patient, encounter in cases:
            out = try_launch(base, ca, os.path.join(d, "data"), *args)
            tokens = out.get("token response", {})
            check(f"{name}: a Bearer token response with the patient",
                  tokens.get("token_type") == "Bearer" and tokens.get("patient") == patient)
            check(f"{name}: the encounter as launched", tokens.get("encounter") == encounter)
            if "access_token" not in tokens:
                continue
            # TOKEN-13, RFC 9068: verified with the JWKS alone, for the FHIR base, with context.
            at = verified(keyset, tokens["access_token"], aud=FHIR_BASE,
                          iss="https://localhost:8443")
            check(f"{name}: access token claims", at.get("patient") == patient
                  and at.get("sub") == "prac-smith"
                  and at.get("fhirUser") == FHIR_BASE + "/Practitioner/prac-smith")
            # OIDC-2/5/6: RS256 id_token, aud = the client, sub = the user.
            idt = verified(keyset, tokens["id_token"], iss="https://localhost:8443")
            check(f"{name}: id_token sub and name",
                  idt.get("sub") == "prac-smith" and idt.get("name") == "Dr. Sarah Smith")
            # REFRESH-3/5: a refresh answers with the same context; userinfo matches the id_token.
            refreshed = out.get("refresh (200)", {})
            check(f"{name}: refresh keeps the context", refreshed.get("patient") == patient
                  and refreshed.get("refresh_token") not in (None, tokens.get("refresh_token")))
            check(f"{name}: userinfo sub is the id_token's",
                  out.get("userinfo (200)", {}).get("sub") == idt.get("sub"))
    finally:
        proc.terminate()
        proc.wait(timeout=20)

checks.finish()

#!/usr/bin/python3
"""The stand-in EHR directory of docker/compose.yaml (docker/ehr-directory/ehr_directory.py) as a
real HTTPS server on an ephemeral port, and the real smart-auth binary with directory.adapter http
pointed at it as compose.yaml points them: users log in through the authorize flow
(scripts/try-launch) against the stand-in, which checks their passwords and the bearer token
smart-auth presents, and decides which patients each may open. Verified HTTPS both ways."""
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import service_runner

BINARY = sys.argv[1]
ROOT = service_runner.ROOT
STAND_IN = os.path.join(ROOT, "docker", "ehr-directory", "ehr_directory.py")
FHIR_BASE = "https://localhost:8443/fhir"  # smart.fhir_base_url's default: the tokens' aud
TOKEN = "stand-in-directory-token-0123456789"
checks = service_runner.Checks()
check = checks.check


def start_directory(d):
    """(process, port, CA file) of the stand-in, once its ready file names its port."""
    ready = os.path.join(d, "directory-ready.json")
    log = open(os.path.join(d, "directory.log"), "w")
    proc = subprocess.Popen(
        [sys.executable, STAND_IN, "serve", "--data",
         os.path.join(ROOT, "docker", "ehr-directory", "directory.json"),
         "--tls-dir", os.path.join(d, "directory-tls"), "--listen", "127.0.0.1:0",
         "--ready-file", ready],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "EHR_DIRECTORY_TOKEN": TOKEN})
    deadline = time.time() + 60  # the first start makes a CA and a certificate
    while time.time() < deadline and not os.path.exists(ready) and proc.poll() is None:
        time.sleep(0.01)
    with open(ready) as f:
        port = json.load(f)["port"]
    return proc, port, os.path.join(d, "directory-tls", "ca.pem")


def directory_call(port, ca, path, body=None, token=TOKEN):
    request = urllib.request.Request(f"https://localhost:{port}{path}", data=body,
                                     headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=ca)) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


def try_launch(base, ca, data_dir, *extra):
    run = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "try-launch"),
                          "--base", base, "--ca", ca, "--fhir-base", FHIR_BASE, "--full",
                          "--ehr-key-file", os.path.join(data_dir, "ehr_api_key"), *extra],
                         capture_output=True, text=True, timeout=120)
    check(f"try-launch {' '.join(extra)} exits 0 ({run.stderr.strip()[:300]})",
          run.returncode == 0)
    out = {}
    for block in run.stdout.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        out[title] = json.loads(body)
    return out


with tempfile.TemporaryDirectory() as d:
    directory, port, directory_ca = start_directory(d)
    try:
        # The protocol itself (CONTRACT "User directory adapter"), as smart-auth will call it.
        good = json.dumps({"username": "dr.smith", "password": "demo-doctor-1"}).encode()
        status, user = directory_call(port, directory_ca, "/authenticate", good)
        check("the stand-in answers a right password with the user",
              status == 200 and user["id"] == "prac-smith" and "password_hash" not in user)
        bad = json.dumps({"username": "dr.smith", "password": "demo-doctor-2"}).encode()
        check("the stand-in answers a wrong password 401",
              directory_call(port, directory_ca, "/authenticate", bad)[0] == 401)
        check("the stand-in refuses a caller without its bearer token",
              directory_call(port, directory_ca, "/users/prac-smith", token="wrong")[0] == 403)
        check("the stand-in answers an unknown user 404",
              directory_call(port, directory_ca, "/users/nobody")[0] == 404)
        status, patients = directory_call(port, directory_ca, "/patients?user=prac-patel&q=")
        check("the stand-in lists only the patients a user may open",
              status == 200 and [p["id"] for p in patients] == ["1002", "1004", "1006"])

        # smart-auth configured as docker/compose/smart-auth.yaml configures it, on loopback.
        directory_yaml = ("directory:\n  adapter: http\n  http:\n"
                          f'    base_url: "https://localhost:{port}"\n'
                          '    bearer_token: "${EHR_DIRECTORY_TOKEN}"\n'
                          f'    ca_file: "{directory_ca}"\n'
                          "    timeout_ms: 10000\n    allow_loopback: true\n")
        proc, base, ca = service_runner.start(
            BINARY, d, "launch:\n  generate_ehr_api_key: true\n", directory_yaml,
            env={**os.environ, "EHR_DIRECTORY_TOKEN": TOKEN})
        try:
            data_dir = os.path.join(d, "data")
            # AUTHZ-9, AUTHZ-12: the user authenticated by the EHR's directory, not by smart-auth.
            # SCOPE-10, SEC-8: the directory decides whom they may open: dr.smith every patient
            # (the first is 1001), dr.patel only his (the first is 1002), the patient user
            # pat.jones her own record. LAUNCH-2: an EHR launch for prac-smith.
            cases = [("dr.smith standalone", ["--user", "dr.smith", "--password", "demo-doctor-1"],
                      "1001", "prac-smith"),
                     ("dr.patel standalone", ["--user", "dr.patel", "--password", "demo-doctor-2"],
                      "1002", "prac-patel"),
                     ("pat.jones standalone",
                      ["--user", "pat.jones", "--password", "demo-patient-1"], "1001", "pat-jones"),
                     ("EHR launch", ["--ehr"], "1002", "prac-smith")]
            for name, args, patient, sub in cases:
                out = try_launch(base, ca, data_dir, *args)
                tokens = out.get("token response", {})
                check(f"{name}: a Bearer token for patient {patient}",
                      tokens.get("token_type") == "Bearer" and tokens.get("patient") == patient)
                check(f"{name}: the access token's sub is the directory's user {sub}",
                      out.get("access token claims", {}).get("sub") == sub)
        finally:
            proc.terminate()
            check("smart-auth exits 0 on SIGTERM", proc.wait(timeout=30) == 0)
    finally:
        directory.terminate()
        check("the stand-in exits 0 on SIGTERM", directory.wait(timeout=30) == 0)
    with open(os.path.join(d, "directory.log")) as f:
        log = f.read()
    # smart-auth really asked the stand-in: every password was checked there.
    check("the stand-in saw smart-auth's logins",
          log.count('"POST /authenticate", "status": "200"') >= 3)
    check("the stand-in's log holds no password", "demo-doctor-1" not in log)

checks.finish()

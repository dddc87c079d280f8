"""What the Python end-to-end tests share. `start` runs the real smart-auth binary: a config in a
temporary directory (listening on 127.0.0.1, an ephemeral port, its own data directory and
database, the demo user directory) plus the caller's extra YAML sections; waits for its ready
file. `Checks` counts and reports the checks; `backend_token` registers a backend client and gets
a token (with `backend_yaml` in the config)."""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def start(binary, dir_, extra_yaml="", directory_yaml=None, env=None):
    """(process, https base URL with the name localhost, CA file path). `directory_yaml`, a whole
    top-level `directory:` section, replaces the demo builtin one; `env` the process environment."""
    if directory_yaml is None:
        # The default relative path would be read from ctest's working directory.
        directory_yaml = f'directory:\n  builtin:\n    file: "{ROOT}/config/demo-directory.yaml"\n'
    config = os.path.join(dir_, "smart-auth.yaml")
    with open(config, "w") as f:
        f.write(f'data_dir: "{dir_}/data"\nserver:\n  listen: "127.0.0.1:0"\n'
                f'store:\n  path: "{dir_}/data/db.sqlite"\n' + directory_yaml + extra_yaml)
    ready = os.path.join(dir_, "ready.json")
    # SMART_AUTH_BINARY (scripts/test's sanitizer pass) overrides the binary ctest passes.
    binary = os.environ.get("SMART_AUTH_BINARY") or binary
    proc = subprocess.Popen([binary, "--config", config, "--ready-file", ready],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 20
    while time.time() < deadline and not os.path.exists(ready):
        time.sleep(0.01)
    with open(ready) as f:
        info = json.load(f)
    return proc, f"https://localhost:{info['https_port']}", info["ca_file"]


class Checks:
    """The checks of one test script: `check` prints ok/FAIL per line; `finish` exits non-zero
    when any failed, or when fewer than `expected` ran (a loop that silently ran nothing)."""

    def __init__(self):
        self.count = 0
        self.failures = []

    def check(self, name, condition, detail=""):
        self.count += 1
        print(("ok   " if condition else "FAIL ") + name + ("" if condition else f" {detail}"))
        if not condition:
            self.failures.append(name)

    def finish(self, expected=1):
        if self.failures:
            sys.exit(f"{len(self.failures)} check(s) failed: {self.failures}")
        if self.count < expected:
            sys.exit(f"only {self.count} of {expected} checks ran")
        print(f"all {self.count} checks passed")


def call_json(ctx, url, data=None, headers=None):
    """The JSON answer of a GET (or a POST with `data`) over verified HTTPS."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, context=ctx) as res:
        return json.load(res)


def backend_token(ctx, base, initial_access_token, scope="system/Patient.rs"):
    """(registration answer, access token): a client_credentials client registered with the
    initial access token and client_secret_basic (the config must allow both), then a token."""
    reg = call_json(ctx, base + "/auth/register", json.dumps({
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "system/*.rs"}).encode(),
        {"Content-Type": "application/json", "Authorization": "Bearer " + initial_access_token})
    basic = base64.b64encode(f"{reg['client_id']}:{reg['client_secret']}".encode()).decode()
    token = call_json(ctx, base + "/auth/token",
                      urllib.parse.urlencode({"grant_type": "client_credentials",
                                              "scope": scope}).encode(),
                      {"Authorization": "Basic " + basic,
                       "Content-Type": "application/x-www-form-urlencoded"})
    return reg, token["access_token"]


def backend_yaml(initial_access_token, description):
    """Config sections that let backend_token() work: client_credentials needs an initial access
    token (the registration policy) and client_secret_basic allowed for it (as in the demo)."""
    return (f"registration:\n  initial_access_tokens:\n"
            f"    - {{token: {initial_access_token}, max_scope: system/*.rs, "
            f"description: {description}}}\n"
            f"tokens:\n  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]\n")

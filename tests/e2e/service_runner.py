"""Starts the real smart-auth binary for the Python end-to-end tests: a config in a temporary
directory (listening on 127.0.0.1, an ephemeral port, its own data directory and database, the
demo user directory) plus the caller's extra YAML sections; waits for its ready file."""
import json
import os
import subprocess
import time

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

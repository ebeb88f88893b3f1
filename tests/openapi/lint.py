#!/usr/bin/env python3
"""Lints the OpenAPI document a real meshdeckd serves with `redocly lint` and the recommended
rules (redocly.yaml beside this file); fails on any error.

  lint.py --meshdeckd build/ci/bin/meshdeckd --redocly /opt/meshdeck-tools/node_modules/.bin/redocly
  lint.py --url http://127.0.0.1:7700 --token "$(cat ~/.local/share/meshdeckd/admin.token)" --redocly ...
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from backend import Backend

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meshdeckd", help="the meshdeckd binary to start (port 0, temporary data directory)")
    parser.add_argument("--url", help="an already running backend instead")
    parser.add_argument("--token", help="its admin token (with --url)")
    parser.add_argument("--redocly", default="redocly", help="the redocly executable")
    parser.add_argument("--expect-version", help="fail unless redocly --version prints this (the pinned one)")
    args = parser.parse_args()

    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    try:
        version = subprocess.run([args.redocly, "--version"], env=env, capture_output=True, text=True,
                                 check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"lint/openapi: cannot run {args.redocly}: {e}; run installer/setup-deps.sh as root", file=sys.stderr)
        return 1
    if args.expect_version and version != args.expect_version:
        print(f"lint/openapi: redocly {version} is not the pinned {args.expect_version}; "
              "run installer/setup-deps.sh as root", file=sys.stderr)
        return 1

    with Backend(args.meshdeckd, args.url, args.token) as backend:
        document = backend.document()
    with tempfile.TemporaryDirectory(prefix="meshdeck-lint-") as work:
        path = os.path.join(work, "openapi.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
        print(f"lint/openapi: @redocly/cli {version}, {len(document.get('paths', {}))} paths", flush=True)
        result = subprocess.run([args.redocly, "lint", "--config", os.path.join(HERE, "redocly.yaml"), path],
                                env=env, cwd=work)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Build queue pickup: how long a deployment waits in `queued` before an idle build worker takes it
# (target p99 < 1 s; Coolify's users report builds queued for minutes). The real meshdeckd of the
# local stack with its in-process workers; a static site whose build does nothing, so the worker is
# idle again when the next deployment comes. Each deployment is uploaded as a .tar.gz and followed
# until it is final; the pickup time is the server's own startedAt - createdAt (milliseconds), and
# the client-observed time from the upload's answer to the first `building` (or later) status it
# polls (every 10 ms) is printed beside it. Also prints the load average before and after: the
# figure is an absolute time on a shared machine, so a noisy run shows there.
# Exits non-zero only if something failed to run (a deployment that does not become ready).
# Usage: deploy-pickup.sh --bin BUILD/bin [--count N]
set -euo pipefail
bin="" count=40
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in curl python3 tar bwrap; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "deploy-pickup: $*" >&2
  [ -s "$work/meshdeckd.log" ] && { echo "meshdeckd's log:" >&2; tail -20 "$work/meshdeckd.log" >&2; }
  exit 1
}

"$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning --password-cost minimum \
  > "$work/ready" 2> "$work/meshdeckd.log" &
server=$!
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
[ -s "$work/ready" ] || fail "meshdeckd did not report ready within 10 s"
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")

mkdir -p "$work/site"
echo '<h1>pickup</h1>' > "$work/site/index.html"
tar -czf "$work/site.tar.gz" -C "$work/site" .

python3 - "$url" "$work/data/admin.token" "$work/site.tar.gz" "$count" <<'PY' || fail "the measurement failed"
import json, sys, time, urllib.request, urllib.error
from datetime import datetime

url, token_file, tarball, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
token = open(token_file).read().strip()
body = open(tarball, "rb").read()

def call(method, path, data=None, content_type="application/json"):
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")

def ms(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000

status, site = call("POST", "/v1/sites", json.dumps({"name": "pickup", "framework": "static",
    "installCommand": "", "buildCommand": "", "outputDirectory": ""}).encode())
if status != 201:
    sys.exit(f"creating the site answered {status}: {site}")
sid = site["id"]
server_ms, client_ms = [], []
for i in range(count):
    status, dep = call("POST", f"/v1/sites/{sid}/deployments", body, "application/gzip")
    if status != 201:
        sys.exit(f"upload {i} answered {status}: {dep}")
    answered = time.monotonic()
    seen = None
    deadline = answered + 60
    while time.monotonic() < deadline:
        status, d = call("GET", f"/v1/sites/{sid}/deployments/{dep['id']}")
        if status != 200:
            sys.exit(f"GET deployment answered {status}: {d}")
        if seen is None and d["status"] != "queued":
            seen = time.monotonic()
        if d["status"] in ("ready", "failed", "canceled"):
            break
        time.sleep(0.01)
    if d["status"] != "ready":
        sys.exit(f"deployment {i} ended {d['status']}: {d.get('reason')}")
    server_ms.append(ms(d["startedAt"]) - ms(d["createdAt"]))
    client_ms.append((seen - answered) * 1000)

def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]

print(f"deploy-pickup: {count} deployments, one at a time, idle in-process workers")
for label, v in (("server (startedAt - createdAt)", server_ms), ("client (answer -> first non-queued poll)", client_ms)):
    print(f"  {label}: p50 {pct(v, 50):.0f} ms, p95 {pct(v, 95):.0f} ms, p99 {pct(v, 99):.0f} ms, max {max(v):.0f} ms")
p99 = pct(server_ms, 99)
print(f"  target: p99 < 1000 ms -> {'met' if p99 < 1000 else 'NOT met'} ({p99:.0f} ms)")
PY
echo "  load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"

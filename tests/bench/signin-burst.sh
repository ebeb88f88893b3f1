#!/usr/bin/env bash
# Sign-in burst: does argon2id (the interactive cost: 64 MiB, 2 passes) stay off the serving
# threads? GET /healthz at full rate (wrk, no rate limit) first idle, then while a burst of correct
# sign-ins (POST /v1/auth/sessions from several concurrent clients, cycling over a few users) keeps
# the password hashing busy for the whole measurement. Prints the p99 and requests/s of /healthz
# in both phases and the p99 ratio (target: burst p99 within 2x of idle), the sign-ins completed
# during the measurement and every status code they got (all must be 201: correct passwords are
# never throttled). Rounds alternate idle and burst; the medians are compared.
# What the figure means: meshdeckd hashes on its own thread, so on an idle many-core machine
# /healthz would not notice the burst at all. On a 2-core machine that hashing thread takes its
# share of a core from the event loops and wrk, so the ratio measures the cost of that CPU share plus
# any blocking; a ratio far above 2x (or requests/s collapsing) would mean the hashing, or something
# else a sign-in does, runs on or stalls the serving threads. Two more lines say it directly: the
# slowest /healthz answer during the bursts against the time one sign-in takes alone (a request
# queued behind a hash would wait about that long), and where the server's CPU went per thread
# (argon2id belongs on "Thread (pooled)", the hashing pool, not on the http-N event loops).
# Exits non-zero only if something failed to run (including a sign-in that did not answer 201, or
# no sign-in completing during the burst measurement).
# Usage: signin-burst.sh --bin BUILD/bin [--duration S] [--rounds N] [--connections C]
#                        [--clients N] [--users N] [--threads N] [--pin]
# --clients: concurrent sign-in clients (each signs in again as soon as its last one answered).
# --pin: wrk and the sign-in clients on core 0, meshdeckd (all its threads, the hashing one
# included) on core 1.
set -euo pipefail
bin="" duration=10 rounds=3 connections=64 clients=4 users=4 threads=$(nproc) pin=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --pin) pin=1; threads=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "signin-burst: $*" >&2
  [ -s "$work/meshdeckd.log" ] && { echo "meshdeckd's log:" >&2; tail -20 "$work/meshdeckd.log" >&2; }
  exit 1
}

server_cpu=() client_cpu=() wrk_threads=2
if [ "$pin" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || { echo "--pin needs two cores" >&2; exit 2; }
  server_cpu=(taskset -c 1) client_cpu=(taskset -c 0) wrk_threads=1
fi

"${server_cpu[@]}" "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --threads "$threads" \
  --log-level warning --password-cost interactive > "$work/ready" 2> "$work/meshdeckd.log" &
server=$!
pids+=($server)
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
[ -s "$work/ready" ] || fail "meshdeckd did not report ready within 10 s"
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
admin=$(cat "$work/data/admin.token")

password=bench-burst-pw-4711
for i in $(seq "$users"); do
  code=$(curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"email\":\"burst$i@example.com\",\"name\":\"Burst $i\",\"password\":\"$password\",\"role\":\"support\"}" \
    "$url/v1/auth/users")
  [ "$code" = 201 ] || fail "creating user $i answered $code: $(cat "$work/body")"
done
# One sign-in alone: how long a /healthz request would wait if it queued behind one hash.
read -r code alone < <(curl -s -o "$work/body" -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
  -d "{\"email\":\"burst1@example.com\",\"password\":\"$password\"}" "$url/v1/auth/sessions")
[ "$code" = 201 ] || fail "a sign-in answered $code: $(cat "$work/body")"

# The burst: CLIENTS threads, each signing in (keep-alive) again and again until the file STOP
# appears (or, should this script die, SECONDS pass), then finishing the one in flight. Creates
# STARTED at the first answer (the hashing queue is full by then) and writes each answer's time and
# status to OUT.
cat > "$work/burst.py" <<'PY'
import http.client, json, os, sys, threading, time, urllib.parse
url, seconds, clients, users, password, started, stop, out = sys.argv[1:9]
seconds, clients, users = float(seconds), int(clients), int(users)
target = urllib.parse.urlsplit(url)
deadline = time.time() + seconds
answers, lock = [], threading.Lock()
def client(n):
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    i = n
    while time.time() < deadline and not os.path.exists(stop):
        body = json.dumps({"email": f"burst{i % users + 1}@example.com", "password": password})
        i += 1
        try:
            conn.request("POST", "/v1/auth/sessions", body, {"Content-Type": "application/json"})
            r = conn.getresponse(); r.read(); status = r.status
        except Exception as e:
            status = type(e).__name__
            conn.close(); conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        with lock:
            answers.append((time.time(), status))
            if len(answers) == 1:
                open(started, "w").close()
threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
json.dump(answers, open(out, "w"))
PY

# wrk prints latencies as 812.00us, 1.23ms or 1.02s; ms() turns one into milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v }'; }
# healthz OUT: wrk on /healthz; prints "requests/s p99-ms max-ms"; fails on non-2xx answers or
# socket errors.
healthz() {
  "${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$url/healthz" > "$1"
  if grep -qE 'Non-2xx|Socket errors' "$1"; then
    fail "wrk on /healthz: $(grep -E 'Non-2xx|Socket errors' "$1")"
  fi
  local rps p99 max
  rps=$(awk '/Requests\/sec/ {print $2}' "$1")
  p99=$(ms "$(awk '$1=="99%" {print $2}' "$1")")
  max=$(ms "$(awk '$1=="Latency" {print $4}' "$1")")
  [ -n "$rps" ] && [ -n "$p99" ] && [ -n "$max" ] || fail "wrk on /healthz printed no figures: $(cat "$1")"
  echo "$rps $p99 $max"
}

# threads OUT: the server's CPU clock ticks so far per thread name ("http-0", "Thread (pooled)", ...),
# as JSON; the difference of two tells where the CPU time of a phase went.
threads() {
  python3 - "$server" > "$1" <<'PY'
import glob, json, os, sys
ticks = {}
for task in glob.glob(f"/proc/{sys.argv[1]}/task/*"):
    try:
        name = open(os.path.join(task, "comm")).read().strip()
        rest = open(os.path.join(task, "stat")).read().rsplit(")", 1)[1].split()
    except OSError:
        continue  # the thread ended
    ticks[name] = ticks.get(name, 0) + int(rest[11]) + int(rest[12])
json.dump(ticks, sys.stdout)
PY
}

"${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d1s "$url/healthz" >/dev/null  # warm-up
rows=()
for round in $(seq "$rounds"); do
  threads "$work/idle-$round.before"
  figures=$(healthz "$work/idle.out")
  threads "$work/idle-$round.after"
  rows+=("idle $round $figures - -")
  # wrk starts once the first sign-in has answered (the others are queued for hashing by then) and
  # the burst stops when wrk has finished.
  rm -f "$work/started" "$work/stop"
  "${client_cpu[@]}" python3 "$work/burst.py" "$url" $((duration + 60)) "$clients" "$users" "$password" \
    "$work/started" "$work/stop" "$work/burst-$round.json" &
  burst=$!
  pids+=($burst)
  for _ in $(seq 600); do [ -e "$work/started" ] && break; kill -0 "$burst" 2>/dev/null || break; sleep 0.05; done
  [ -e "$work/started" ] || fail "no sign-in of the burst answered within 30 s"
  start=$(date +%s.%N)
  threads "$work/burst-$round.before"
  figures=$(healthz "$work/burst.out")
  threads "$work/burst-$round.after"
  end=$(date +%s.%N)
  touch "$work/stop"
  wait "$burst" || fail "the sign-in burst failed to run"
  summary=$(python3 - "$work/burst-$round.json" "$start" "$end" <<'PY'
import collections, json, sys
answers = json.load(open(sys.argv[1]))
start, end = float(sys.argv[2]), float(sys.argv[3])
codes = collections.Counter(str(s) for _, s in answers)
inside = sum(1 for t, _ in answers if start <= t <= end)
print(inside, len(answers), ",".join(f"{c}:{n}" for c, n in sorted(codes.items())))
PY
)
  read -r inside total codes <<< "$summary"
  [ "$codes" = "201:$total" ] || fail "sign-ins in round $round answered $codes (status:count); all must be 201"
  [ "$inside" -gt 0 ] || fail "no sign-in completed while /healthz was measured in round $round: no burst was measured"
  rows+=("burst $round $figures $inside $total")
done

layout="shared cores"; [ "$pin" = 1 ] && layout="wrk and sign-in clients pinned to core 0, server to core 1"
printf 'benchmark: GET /healthz, wrk -t%s -c%s -d%ss, idle vs during %s concurrent sign-in clients (argon2id interactive, %s users), %s rounds, %s server threads, %s cores, %s\n' \
  "$wrk_threads" "$connections" "$duration" "$clients" "$users" "$rounds" "$threads" "$(nproc)" "$layout"
printf '  load average before the run (other work on the machine skews every figure): %s\n' "$load"
printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
duration = float(sys.argv[1])
rows = [l.split() for l in sys.stdin if l.strip()]
print("  %-6s %6s %12s %10s %10s   %s" % ("phase", "round", "requests/s", "p99 ms", "max ms", "sign-ins during wrk"))
for phase, rnd, rps, p99, top, inside, total in rows:
    extra = "" if inside == "-" else "%s (%.1f/s; %s in all)" % (inside, int(inside) / duration, total)
    print("  %-6s %6s %12.0f %10.2f %10.2f   %s" % (phase, rnd, float(rps), float(p99), float(top), extra))
med = {ph: (statistics.median(float(r[2]) for r in rows if r[0] == ph),
            statistics.median(float(r[3]) for r in rows if r[0] == ph)) for ph in ("idle", "burst")}
for ph, (rps, p99) in med.items():
    print("  %-6s %6s %12.0f %10.2f" % (ph, "median", rps, p99))
signins = sum(int(r[6]) for r in rows if r[0] == "burst")
print(f"  sign-ins: {signins} in all, every one 201")
print("  p99 ratio burst/idle: %.2fx (medians; target <= 2.00x)" % (med["burst"][1] / med["idle"][1]))
print("  throughput ratio burst/idle: %.2fx (medians)" % (med["burst"][0] / med["idle"][0]))
slowest = max(float(r[4]) for r in rows if r[0] == "burst")
print("  slowest /healthz during the bursts: %.1f ms; one sign-in alone takes %.0f ms" % (slowest, float(sys.argv[2]) * 1000))
' "$duration" "$alone"
# Where the server's CPU went (seconds of CPU per second of measurement, all rounds): argon2id
# should show up on the hashing pool's thread ("Thread (pooled)"), not on the http-N event loops.
python3 - "$work" "$rounds" "$(getconf CLK_TCK)" "$duration" <<'PY'
import json, re, sys
work, rounds, hz, duration = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
for phase in ("idle", "burst"):
    use = {}
    for r in range(1, rounds + 1):
        before = json.load(open(f"{work}/{phase}-{r}.before"))
        after = json.load(open(f"{work}/{phase}-{r}.after"))
        for name, ticks in after.items():
            group = re.sub(r"-\d+$", "-N", name)
            use[group] = use.get(group, 0) + ticks - before.get(name, 0)
    parts = ", ".join(f"{n} {t / hz / (rounds * duration):.2f}" for n, t in sorted(use.items(), key=lambda i: -i[1]) if t > 0)
    print(f"  server CPU s/s by thread, {phase}: {parts}")
PY
if [ -s "$work/meshdeckd.log" ]; then
  echo "  meshdeckd logged $(wc -l < "$work/meshdeckd.log") line(s) of warnings/errors during the run; the first:"
  head -3 "$work/meshdeckd.log" | sed 's/^/    /'
fi

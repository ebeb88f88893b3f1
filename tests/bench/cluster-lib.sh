# shellcheck shell=bash
# Shared by the cluster benchmarks (sourced, not run): a throwaway PostgreSQL 15 and Redis, and
# meshdeckd nodes, all on 127.0.0.1, all stopped and removed on exit (also on failure).
# The caller sets: bin (the build's bin directory). It gets: work (a temporary directory).
pg_bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
chmod 711 "$work"  # PostgreSQL runs as nobody when we are root and must reach its directory
node_pids=()
pg_pid="" redis_pid=""

# stop PID [SIGNAL]: signals a process we started and waits for it, at most 20 s, then kills it.
stop() {
  kill -"${2:-TERM}" "$1" 2>/dev/null || return 0
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${node_pids[@]}"; do stop "$p"; done
  [ -n "$redis_pid" ] && stop "$redis_pid"
  # SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for clients).
  [ -n "$pg_pid" ] && stop "$pg_pid" INT
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 143" TERM INT  # a ctest timeout still cleans up

die() { echo "error: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# PostgreSQL refuses to run as root: then its tools run as nobody. setpriv execs in place, so
# "${as_pg_user[@]}" postgres ... & leaves the server itself in $! (a shell function would not).
as_pg_user=()
[ "$(id -u)" = 0 ] && as_pg_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# start_postgres: PostgreSQL 15 with fsync on (the benchmarks measure durable writes); sets pg_url
# to a fresh database "bench".
start_postgres() {
  [ -x "$pg_bin/postgres" ] || die "PostgreSQL 15 is not installed ($pg_bin): run installer/setup-deps.sh"
  mkdir "$work/pg"
  [ "$(id -u)" = 0 ] && chown nobody:nogroup "$work/pg"
  "${as_pg_user[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U meshdeck --auth=trust -E UTF8 --locale=C --no-sync \
    > "$work/pg/initdb.log" 2>&1 || die "initdb failed: $(cat "$work/pg/initdb.log")"
  local port
  port=$(free_port)
  "${as_pg_user[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$port" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$work/pg" -c max_connections=200 > "$work/pg/server.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 300); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U meshdeck -d postgres -t 1 && break
    kill -0 "$pg_pid" 2>/dev/null || die "postgres exited: $(cat "$work/pg/server.log")"
    sleep 0.1
  done
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$port" -U meshdeck -d postgres -c 'CREATE DATABASE bench' \
    || die "cannot create the database: $(cat "$work/pg/server.log")"
  pg_url="postgres://meshdeck@127.0.0.1:$port/bench"
}

# start_redis: a Redis without persistence (only wake-ups go through it); sets redis_url.
start_redis() {
  command -v redis-server >/dev/null || die "redis-server is needed (installer/setup-deps.sh)"
  local port
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --daemonize no --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  redis-cli -p "$port" ping >/dev/null 2>&1 || die "redis-server did not start: $(cat "$work/redis.log")"
  redis_url="redis://127.0.0.1:$port"
}

# start_node NAME [meshdeckd options...]: starts a node with its own data directory, waits for its
# ready line (bounded) and sets node_url and node_pid.
start_node() {
  local name=$1
  shift
  "$bin/meshdeckd" --data-dir "$work/$name" --listen 127.0.0.1:0 --log-level warning "$@" \
    > "$work/$name.ready" 2> "$work/$name.log" &
  node_pid=$!
  node_pids+=("$node_pid")
  for _ in $(seq 600); do
    [ -s "$work/$name.ready" ] && break
    kill -0 "$node_pid" 2>/dev/null || die "meshdeckd $name exited: $(cat "$work/$name.log")"
    sleep 0.05
  done
  [ -s "$work/$name.ready" ] || die "meshdeckd $name was not ready within 30 s: $(cat "$work/$name.log")"
  node_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/$name.ready")
}

# cluster_args: the options every node of the cluster shares.
cluster_args() {
  echo --database "$pg_url" --admin-token-file "$work/admin.token" --secret-key-file "$work/secret.key"
}

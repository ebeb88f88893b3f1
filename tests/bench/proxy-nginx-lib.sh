# Sourced by gateway-vs-nginx.sh and gateway-instructions.sh: the nginx pair both compare the
# gateway with, a static upstream and a `proxy_pass` to it, each on loopback in a directory of $work.
# proxy_nginx_confs WORKERS UP-PORT PROXY-PORT [MAIN-EXTRA [FORWARDING-PORT]]: writes
# $work/up/nginx.conf (answers `200 {"ok":true}`) and $work/proxy/nginx.conf (proxy_pass over HTTP/1.1
# to an `upstream` block with keepalive 64), each with WORKERS worker processes, its pid, its error
# log and no access log, in the foreground. MAIN-EXTRA goes into the main context of all
# (`master_process off;`: one process). With FORWARDING-PORT also $work/proxyfwd/nginx.conf: the same
# proxy_pass sending what the gateway sends besides the client's headers (X-Forwarded-For, -Proto
# and -Host, an X-Request-Id it makes, answered to the client too), as nginx is set up in front of
# services; of the gateway's headers only a new traceparent is left out (nginx makes none itself).
proxy_nginx_confs() {
  local workers=$1 up_port=$2 proxy_port=$3 main_extra=${4:-} forwarding_port=${5:-}
  # conf NAME PORT LOCATION-BODY [HTTP-EXTRA]
  conf() {
    mkdir -p "$work/$1"
    cat > "$work/$1/nginx.conf" <<CONF
$main_extra
worker_processes $workers;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  ${4:-}
  server {
    listen 127.0.0.1:$2;
    location / { $3 }
  }
}
CONF
  }
  conf up "$up_port" "default_type application/json; return 200 '{\"ok\":true}';"
  conf proxy "$proxy_port" 'proxy_pass http://static; proxy_http_version 1.1; proxy_set_header Connection "";' \
    "upstream static { server 127.0.0.1:$up_port; keepalive 64; }"
  [ -n "$forwarding_port" ] || return 0
  conf proxyfwd "$forwarding_port" 'proxy_pass http://static; proxy_http_version 1.1; proxy_set_header Connection "";
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Request-Id $request_id;
    add_header X-Request-Id $request_id always;' \
    "upstream static { server 127.0.0.1:$up_port; keepalive 64; }"
}

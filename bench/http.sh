#!/usr/bin/env bash
# HTTP benchmark: wrk against Second Server's /healthz and an authenticated JSON read route
# (GET /api/internal/info with the internal Bearer token), and against nginx answering a fixed 200
# on the same machine, in the same run. Prints requests/s, p50/p99 and the ratio to nginx; then the
# cold start to ready (all first-party plugins configured) and the idle RSS.
#
# Usage: bench/http.sh [seconds=10] [connections=64] [threads=2]
# Needs: wrk, nginx (apt), a release build (done here). Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"; conns="${2:-64}"; wthreads="${3:-2}"

for p in wrk nginx; do command -v "$p" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; break; }; done
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
token="bench-token-0123456789abcdef0123456789"

# nginx: 2 workers (the machine has 2 cores, shared with wrk, as our server's 2 HTTP threads are).
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18080;
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
NGINX
nginx -c "$work/nginx.conf"

# Second Server with every first-party plugin configured.
cat > "$work/deploy.yaml" <<YAML
server: {port: 18081}
worker: {port: 18082}
internal: {token: "$token"}
store: {data_dir: "$work/data"}
plugins:
  load: [second-auth-static-tokens, second-oauth-generic, second-runtime-command, second-telemetry-jsonl]
components:
  auth:
    static_tokens/bench: {tokens: [{token: "bench-user-token-0123456789", subject: bench}]}
  oauth:
    generic/example: {key: example, display_name: Example, authorization_url: "https://auth.example/authorize", token_url: "https://auth.example/token"}
  runtime:
    command/echo: {command: [/bin/echo]}
  telemetry:
    jsonl/bench: {path: "$work/telemetry.jsonl"}
YAML
start_ns=$(date +%s%N)
"$bin/second" serve --config "$work/deploy.yaml" 2>"$work/server.log" &
until grep -q '"msg":"ready"' "$work/server.log" 2>/dev/null; do sleep 0.005; done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
pid=$(pgrep -f "$bin/second serve --config $work/deploy.yaml" | head -1)
sleep 1
idle_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

run() { # url [header] → "rps p50_ms p99_ms"
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t"$wthreads" -c"$conns" -d"${duration}s" --latency -H "$2" "$1")
  else out=$(wrk -t"$wthreads" -c"$conns" -d"${duration}s" --latency "$1"); fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${errors:-none}"
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v/1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v } else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v*1000 } else print v }'; }

wrk -t1 -c4 -d1s http://127.0.0.1:18081/healthz >/dev/null   # warm-up
read -r n_rps n_p50 n_p99 n_err <<<"$(run http://127.0.0.1:18080/)"
read -r h_rps h_p50 h_p99 h_err <<<"$(run http://127.0.0.1:18081/healthz)"
read -r a_rps a_p50 a_p99 a_err <<<"$(run http://127.0.0.1:18081/api/internal/info "Authorization: Bearer $token")"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a/b }'; }
printf '%-38s %12s %9s %9s  %s\n' "target (wrk -t$wthreads -c$conns -d${duration}s)" "req/s" "p50 ms" "p99 ms" "ratio to nginx"
printf '%-38s %12s %9s %9s  %s\n' "nginx fixed 200" "$n_rps" "$n_p50" "$n_p99" "1.00"
printf '%-38s %12s %9s %9s  %s\n' "second GET /healthz" "$h_rps" "$h_p50" "$h_p99" "$(ratio "$h_rps" "$n_rps")"
printf '%-38s %12s %9s %9s  %s\n' "second GET /api/internal/info (auth)" "$a_rps" "$a_p50" "$a_p99" "$(ratio "$a_rps" "$n_rps")"
echo "errors: nginx=$n_err healthz=$h_err auth=$a_err"
echo "cold start to ready (4 first-party plugins, embedded store): ${ready_ms} ms"
echo "idle RSS after start: ${idle_rss_kb} KiB"
echo "targets: /healthz >= 0.70x nginx, authenticated read >= 0.40x nginx, p99 <= 5 ms at 64 connections"

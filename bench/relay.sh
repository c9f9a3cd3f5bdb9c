#!/usr/bin/env bash
# Run event relay benchmark: one runtime (runtime.command running bench/emit.c, K JSON lines with a
# CLOCK_REALTIME µs timestamp each) → worker SSE → the web's RunRelay → coordination bus replay
# buffer → N concurrent viewers of GET /api/workspaces/:ws/apps/:app/agent-runs/:run/events
# (bench/sse-viewers.c, one epoll thread). The viewers attach before the first event (emit pauses
# first). Measured: per-viewer events/s (K ÷ first-to-last event), aggregate delivered events/s,
# lost / duplicated / out-of-order ids per viewer, latency emit → viewer (p50/p99/max).
# Run with the in-process bus and with the Redis bus (REDIS_URL, a local redis-server), and, as the
# "no server" upper bound in the same run, the same viewers against nginx serving the same K
# events as a static SSE file. Prints figures and the ratio to nginx.
#
# Usage: bench/relay.sh [K=50000] [viewers=100] [rate=0 (lines/s, 0 = as fast as possible)] [pause_ms=1000]
# Needs: gcc, nginx, redis-server (apt; the Redis run is skipped without it), a release build (done here).
set -euo pipefail
cd "$(dirname "$0")/.."
K="${1:-50000}"; N="${2:-100}"; RATE="${3:-0}"; PAUSE="${4:-1000}"

for p in nginx redis-server gcc; do command -v "$p" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light redis-server gcc >/dev/null; break; }; done
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"; chmod 755 "$work"   # nginx workers read the event file
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
gcc -O2 -o "$work/emit" bench/emit.c
gcc -O2 -o "$work/sse-viewers" bench/sse-viewers.c
timeout_s=$(( 60 + K / 250 ))   # generous: the Redis bus ran at ~460 events/s per viewer with 100 viewers
json() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }

# ---- nginx reference: the same K events (same data shape and size, no timestamp) as a static SSE file.
python3 - "$K" "$work/events.sse" <<'PY'
import sys
k, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(1, k + 1):
        f.write('id: %d\ndata: {"v":1,"type":"json","seq":%d,"data":{"type":"bench","i":%d,"tx_us":1796425666526441}}\n\n' % (i, i, i))
    f.write('event: end\ndata: {"status":"completed"}\n\n')
PY
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  server {
    listen 127.0.0.1:18090;
    location = /events { default_type text/event-stream; alias $work/events.sse; }
  }
}
NGINX
nginx -c "$work/nginx.conf"
nginx_out=$("$work/sse-viewers" -n "$N" -k "$K" -t "$timeout_s" http://127.0.0.1:18090/events)

# ---- Second Server: trusted-header auth, runtime.command running emit, in-process or Redis bus.
owner=(-H "X-Forwarded-User: bench-owner" -H "X-Forwarded-Email: owner@bench.example" -H "X-Org: bench" -H "X-Role: owner")
api() { # method path [body] → body (fails on non-2xx)
  curl -sS --fail-with-body -X "$1" "http://127.0.0.1:18091$2" "${owner[@]}" -H 'Content-Type: application/json' ${3:+--data "$3"}
}

run_server() { # bus-label [redis-url] → viewer JSON on stdout
  local label="$1" redis="${2:-}" data="$work/data-$1"
  cat > "$work/deploy-$label.yaml" <<YAML
server: {port: 18091}
worker: {port: 18092}
internal: {token: "bench-token-0123456789abcdef0123456789"}
store: {data_dir: "$data"}
auth: {mode: external}
plugins:
  load: [second-auth-trusted-header, second-runtime-command]
components:
  auth:
    trusted_header/proxy: {trusted_proxies: ["127.0.0.1/32"], org_header: x-org, role_header: x-role}
  runtime:
    command/main: {command: ["$work/emit", "$K", "$PAUSE", "$RATE"], timeout_ms: 600000}
YAML
  local log="$work/server-$label.log"
  # PERF=1: record a CPU profile of the server (perf report -i <work>/perf-<label>.data; use with KEEP=1).
  local prof=(); [ -n "${PERF:-}" ] && prof=(perf record -q -F 499 -g -o "$work/perf-$label.data" --)
  if [ -n "$redis" ]; then REDIS_URL="$redis" "${prof[@]}" "$bin/second" serve --config "$work/deploy-$label.yaml" 2>"$log" &
  else env -u REDIS_URL "${prof[@]}" "$bin/second" serve --config "$work/deploy-$label.yaml" 2>"$log" & fi
  local spid=$!
  for _ in $(seq 1 1000); do grep -q '"msg":"ready"' "$log" 2>/dev/null && break; sleep 0.01; done
  grep -q '"msg":"ready"' "$log" || { echo "server ($label) did not start:" >&2; cat "$log" >&2; exit 1; }

  local ws=bench app runId
  app=$(api POST "/api/workspaces/$ws/apps" '{"name":"relay bench","runtimeId":"command"}' | json 'd.get("id") or d["_id"]')
  api PATCH "/api/workspaces/$ws/apps/$app" '{"runtimeId":"command"}' >/dev/null
  local agents='{"agents":[{"id":"bench","name":"Bench","systemPrompt":"x","tools":[{"type":"builtin","name":"WebSearch","enabled":false}]}]}'
  local files; files=$(python3 -c 'import json,sys; print(json.dumps({"files":{"agents.json":sys.argv[1]}}))' "$agents")
  local put; put=$(api PUT "/api/workspaces/$ws/apps/$app/source" "$files")
  [ "$(json 'd["agents"]["status"]' <<<"$put")" = presented ] || { echo "agents.json not presented: $put" >&2; exit 1; }
  api POST "/api/workspaces/$ws/apps/$app/agents/approve" '{}' >/dev/null
  runId=$(api POST "/api/workspaces/$ws/apps/$app/agent-runs" '{"agentId":"bench","prompt":"go","sourceVersion":"draft"}' | json 'd["runId"]')
  # emit is now sleeping $PAUSE ms: attach the viewers from cursor 0.
  local out
  out=$("$work/sse-viewers" -n "$N" -k "$K" -t "$timeout_s" "${owner[@]}" \
        "http://127.0.0.1:18091/api/workspaces/$ws/apps/$app/agent-runs/$runId/events?cursor=0")
  local status; status=$(api GET "/api/workspaces/$ws/apps/$app/agent-runs/$runId" | json 'd["status"]')
  local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
  kill "$spid"; wait "$spid" 2>/dev/null || true
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["run_status"]=sys.argv[2]; d["server_peak_rss_kib"]=int(sys.argv[3]); print(json.dumps(d))' "$out" "$status" "$rss"
}

inproc_out=$(run_server inproc)
redis_out=""
if command -v redis-server >/dev/null; then
  redis-server --port 18093 --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
  rpid=$!
  for _ in $(seq 1 200); do redis-cli -p 18093 ping 2>/dev/null | grep -q PONG && break; sleep 0.02; done
  redis_out=$(run_server redis "redis://127.0.0.1:18093")
  kill "$rpid"; wait "$rpid" 2>/dev/null || true
fi

# ---- Report.
echo "K=$K events, $N viewers, emitter rate ${RATE:-0} lines/s (0 = unpaced), pause ${PAUSE} ms"
python3 - "$nginx_out" "$inproc_out" "${redis_out:-null}" <<'PY'
import json, sys
ng, ip, rd = (json.loads(a) for a in sys.argv[1:4])
def lat(d, k): v = d.get(k); return "-" if v is None else "%.1f" % (v / 1000)
print("%-32s %14s %16s %6s %5s %5s %9s %9s %9s %7s" % ("target", "per-viewer ev/s", "aggregate ev/s", "lost", "dup", "ooo", "p50 ms", "p99 ms", "max ms", "ratio"))
for name, d in [("nginx static SSE file", ng), ("second, in-process bus", ip), ("second, Redis bus", rd)]:
    if d is None: continue
    r = d["per_viewer_events_per_s"] / ng["per_viewer_events_per_s"] if ng["per_viewer_events_per_s"] else 0
    print("%-32s %14.0f %16.0f %6d %5d %5d %9s %9s %9s %7.3f" % (name, d["per_viewer_events_per_s"], d["aggregate_events_per_s"], d["lost"], d["dup"], d["out_of_order"],
          lat(d, "latency_p50_us"), lat(d, "latency_p99_us"), lat(d, "latency_max_us"), r))
for name, d in [("nginx", ng), ("in-process", ip), ("redis", rd)]:
    if d is not None: print(name + ": " + json.dumps(d))
print("target: >= 20000 events/s to each of the viewers, lost == 0")
PY

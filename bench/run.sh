#!/usr/bin/env bash
# Whole-gateway overhead benchmark: the same chat-completion request sent
#   direct   straight to a mock upstream (nginx returning a fixed OpenAI response),
#   proxy    through nginx as a plain reverse proxy in front of that mock,
#   tollgate through Tollgate in front of that mock,
# measuring max throughput (wrk), latency at a fixed 1,000 req/s (bench/FixedRate.java, open loop)
# and SSE time to first byte. Prints a table with ratios and saves it to bench/results/<time>.md.
# Loopback only; every load phase has a fixed length; the whole run takes about 3 minutes.
# See bench/README.md. Knobs (environment): BENCH_DURATION, BENCH_WARMUP, BENCH_RATE,
# BENCH_WARMUP_ROUNDS, BENCH_RATE_CONNECTIONS, BENCH_WRK_THREADS, BENCH_WRK_CONNECTIONS, BENCH_TTFB_COUNT, BENCH_TTFB_WARMUP,
# BENCH_PIN (1|0), BENCH_SUT_CPUS, BENCH_LOAD_CPUS, BENCH_MOCK_PORT, BENCH_PROXY_PORT,
# BENCH_TOLLGATE_PORT, BENCH_KEEP_TMP, BENCH_ENFORCE (1: missed targets fail the run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

DURATION="${BENCH_DURATION:-15}"          # seconds of each measured wrk run and each fixed-rate run
WARMUP="${BENCH_WARMUP:-60}"              # seconds of unrecorded wrk load before each target's measurements (JIT: 15 s was not enough on one core)
WARMUP_ROUNDS="${BENCH_WARMUP_ROUNDS:-3}" # the warm-up as this many wrk runs: each closes its 64 connections and the next opens new ones,
                                          # so the JIT has met connection close and open before the measured run (one long warm-up
                                          # left them uncompiled: at the measured run's start the hot paths deoptimised and recompiled)
RATE="${BENCH_RATE:-1000}"                # requests per second in the latency phase
RATE_CONNS="${BENCH_RATE_CONNECTIONS:-32}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
WRK_CONNS="${BENCH_WRK_CONNECTIONS:-64}"
TTFB_COUNT="${BENCH_TTFB_COUNT:-200}"
TTFB_WARMUP="${BENCH_TTFB_WARMUP:-5000}" # unrecorded streaming requests first: the wrk warm-up does not compile the stream path
RATE_WARMUP=20                            # unrecorded requests per connection before the fixed-rate clock starts
MOCK_PORT="${BENCH_MOCK_PORT:-18080}"
PROXY_PORT="${BENCH_PROXY_PORT:-18081}"
TG_PORT="${BENCH_TOLLGATE_PORT:-4100}"
PIN="${BENCH_PIN:-1}"
SUT_CPUS="${BENCH_SUT_CPUS:-0}"           # the system under test: nginx proxy or Tollgate
LOAD_CPUS="${BENCH_LOAD_CPUS:-1}"         # wrk, FixedRate and the mock upstream
MASTER_KEY="${BENCH_MASTER_KEY:-sk-bench-master-0123456789abcdef}"
ENFORCE="${BENCH_ENFORCE:-0}"
TARGET_RPS_RATIO="0.4"                    # Tollgate max req/s >= 0.4 x nginx-as-proxy
TARGET_ADDED_P50_MS="0.5"                 # added p50 <= 0.5 ms at 1,000 req/s

T_START=$(date +%s)
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS_DIR="$here/results"
RESULT_MD="$RESULTS_DIR/$STAMP.md"
LOG_DIR="$RESULTS_DIR/$STAMP-logs"
FAILURES=()

say() { printf '[bench +%3ds] %s\n' "$(( $(date +%s) - T_START ))" "$*"; }
fail_later() { FAILURES+=("$*"); printf '\n[bench] !!! FAILURE: %s\n\n' "$*" >&2; }
die() { printf '[bench] FATAL: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- 1. tools (nginx, wrk, curl)
POLICY_CREATED=""
ensure_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing missing tools from Debian packages: ${missing[*]}"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]} (or install them yourself)"
  # Installing nginx must not start the system service: a policy-rc.d that says "no" (as in
  # containers). Only created when there is none, and removed right after.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    POLICY_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || say "apt-get update failed; trying the install anyway"
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    # nginx-light is a transitional package on newer Debian; plain nginx is the same binary.
    apt-get install -y -qq --no-install-recommends "${missing[@]/nginx-light/nginx}" || die "apt-get install failed"
  fi
  if [ -n "$POLICY_CREATED" ]; then rm -f /usr/sbin/policy-rc.d; POLICY_CREATED=""; fi
  command -v nginx >/dev/null && command -v wrk >/dev/null || die "nginx/wrk still missing after install"
}

# ---------------------------------------------------------------- helpers
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  return 1
}

# "cpu0:busy:total cpu1:busy:total ..." from /proc/stat (jiffies)
cpu_stat() { awk '/^cpu[0-9]+ /{b=$2+$3+$4+$7+$8+$9; printf "%s:%d:%d ", $1, b, b+$5+$6}' /proc/stat; }

cpu_busy() { # before after -> "cpu0 93% cpu1 41%"
  awk -v a="$1" -v b="$2" 'BEGIN{
    n=split(a, A, " "); split(b, B, " "); out="";
    for (i=1; i<=n; i++) { split(A[i], x, ":"); split(B[i], y, ":"); t=y[3]-x[3];
      out = out sprintf("%s%s %d%%", (out==""?"":" "), x[1], t>0 ? 100*(y[2]-x[2])/t : 0) }
    print out }'
}

proc_ticks() { # pid -> utime+stime (clock ticks) of pid and its direct children (nginx workers)
  local pid=$1 f line rest total=0
  for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    local p=${line%% *}
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest
    if [ "$p" = "$pid" ] || [ "$2" = "$pid" ]; then total=$((total + ${12} + ${13})); fi
  done
  echo "$total"
}

thread_ticks() { # java pid -> "event-loop N usage-writer N gc N jit N total N" (clock ticks per thread group)
  local pid=$1 t line comm rest
  for t in /proc/"$pid"/task/*; do
    read -r line < "$t/stat" 2>/dev/null || continue
    comm=${line#*(}; comm=${comm%)*}
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest
    case "$comm" in
      vert.x-eventloo*) echo "event-loop $((${12} + ${13}))" ;;
      tollgate-usage*) echo "usage-writer $((${12} + ${13}))" ;;
      C1\ Compil*|C2\ Compil*) echo "jit $((${12} + ${13}))" ;;
      Z*|G1*|GC*|VM\ Thread) echo "gc $((${12} + ${13}))" ;;
      *) echo "rest $((${12} + ${13}))" ;;
    esac
  done | awk '{a[$1]+=$2} END{printf "event-loop %d usage-writer %d gc %d jit %d rest %d", a["event-loop"], a["usage-writer"], a["gc"], a["jit"], a["rest"]}'
}

result_kv() { sed -n "s/^RESULT .* $2=\([^ ]*\).*/\1/p" "$1" | tail -n1; }

fmt_ms() { awk -v u="$1" 'BEGIN{ if (u=="") print "n/a"; else printf "%.3f", u/1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="" || b=="" || b+0==0) print "n/a"; else printf "%.2f", a/b }'; }
delta_ms() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="" || b=="") print "n/a"; else printf "%+.3f", (a-b)/1000 }'; }
wrk_ms() { # "1.23ms" / "456.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.3f", v/1000; else if (v ~ /ms$/) printf "%.3f", v+0;
    else if (v ~ /s$/) printf "%.3f", v*1000; else print "n/a" }'
}

# ---------------------------------------------------------------- cleanup
TMP=""
MOCK_PID="" PROXY_PID="" TG_PID=""
stop_pid() { # pid name
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$2 (pid $pid) did not stop in 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT
  stop_pid "$TG_PID" tollgate
  stop_pid "$PROXY_PID" "nginx proxy"
  stop_pid "$MOCK_PID" "nginx mock"
  if [ -n "$POLICY_CREATED" ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    mkdir -p "$LOG_DIR"
    cp "$TMP"/tollgate.log "$LOG_DIR/" 2>/dev/null || true
    cp "$TMP"/mock/error.log "$LOG_DIR/nginx-mock-error.log" 2>/dev/null || true
    cp "$TMP"/proxy/error.log "$LOG_DIR/nginx-proxy-error.log" 2>/dev/null || true
    cp "$TMP"/out-* "$LOG_DIR/" 2>/dev/null || true
    if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- start
ensure_tools
. "$here/jdk.sh"
JDK="$(find_jdk)" || die "no JDK 25 found (set JAVA_HOME); see ./tollgate"
JAVA="$JDK/bin/java"

NPROC=$(nproc)
CPU_MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
if [ "$PIN" = 1 ] && [ "$NPROC" -ge 2 ]; then
  PIN_SUT=(taskset -c "$SUT_CPUS")
  PIN_LOAD=(taskset -c "$LOAD_CPUS")
  SUT_N=$(taskset -c "$SUT_CPUS" nproc)
  PIN_DESC="gateway under test (nginx proxy / Tollgate) pinned to CPU $SUT_CPUS; load generators (wrk, FixedRate) and the mock upstream pinned to CPU $LOAD_CPUS"
else
  PIN_SUT=() PIN_LOAD=()
  SUT_N=$NPROC
  PIN_DESC="no pinning: everything shares all $NPROC CPUs"
fi
say "machine: $NPROC CPUs ($CPU_MODEL), $(uname -r); $PIN_DESC"
say "tools: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'), java $("$JAVA" -version 2>&1 | head -n1 | awk -F'"' '{print $2}') ($JDK)"

for f in bench/request.json bench/request-stream.json bench/mock/chat-completion.json bench/mock/chat-stream.sse; do
  [ -s "$f" ] || die "missing $f"
done
# The mock bodies go inside nginx '...' strings: no quote, backslash or $ allowed.
if grep -q "[\\\\'\$]" bench/mock/chat-completion.json bench/mock/chat-stream.sse; then
  die "bench/mock/* must not contain ' \\ or \$ (they are embedded in an nginx string)"
fi

for p in "$MOCK_PORT" "$PROXY_PORT" "$TG_PORT"; do
  port_open "$p" && die "port $p is already in use on 127.0.0.1 (set BENCH_MOCK_PORT / BENCH_PROXY_PORT / BENCH_TOLLGATE_PORT)"
done

say "building target/tollgate.jar if needed (not timed) ..."
./tollgate --version >/dev/null || die "./tollgate --version failed"

TMP="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
mkdir -p "$RESULTS_DIR"

# Background load before we start (other builds on the machine make the numbers noisy).
s0=$(cpu_stat); sleep 2; s1=$(cpu_stat)
BACKGROUND="$(cpu_busy "$s0" "$s1") busy over 2 s before the run; loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
BG_MAX=$(cpu_busy "$s0" "$s1" | grep -oE '[0-9]+%' | tr -d % | sort -n | tail -n1)
BG_WARN=""
if [ "${BG_MAX:-0}" -gt 25 ]; then
  BG_WARN="**Warning: the machine was already ${BG_MAX}% busy before the run (other work); these numbers are noisy — rerun on a quiet machine before drawing conclusions.**"
fi
say "background: $BACKGROUND"

# ---------------------------------------------------------------- 2./3. nginx: mock upstream and plain proxy
nginx_common() { # dir
  cat <<EOF
daemon off;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
EOF
}
nginx_http_common() { # dir
  cat <<EOF
  access_log off;
  server_tokens off;
  keepalive_timeout 75s;
  keepalive_requests 10000000;
  client_body_buffer_size 64k;
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
EOF
}

start_nginx() { # name dir workers -> sets REPLY to the master pid
  local name=$1 dir=$2 pin_var=$3
  nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || die "nginx $name config invalid: $dir/nginx.conf"
  if [ "$pin_var" = sut ]; then
    "${PIN_SUT[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  else
    "${PIN_LOAD[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  fi
  REPLY=$!
}

mkdir -p "$TMP/mock/tmp" "$TMP/proxy/tmp"
{
  echo "# mock upstream for bench/run.sh (generated)"
  echo "worker_processes 1;"
  nginx_common "$TMP/mock"
  echo "http {"
  nginx_http_common "$TMP/mock"
  cat <<EOF
  server {
    listen 127.0.0.1:$MOCK_PORT backlog=4096;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$(cat bench/mock/chat-completion.json)';
    }
    location = /stream/v1/chat/completions {
      default_type text/event-stream;
      add_header Cache-Control no-cache;
      return 200 '$(cat bench/mock/chat-stream.sse)\n\n';
    }
    location / { return 404; }
  }
}
EOF
} > "$TMP/mock/nginx.conf"

{
  echo "# nginx as a plain reverse proxy for bench/run.sh (generated)"
  echo "worker_processes $SUT_N;"
  nginx_common "$TMP/proxy"
  echo "http {"
  nginx_http_common "$TMP/proxy"
  cat <<EOF
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 256;
    keepalive_requests 10000000;
    keepalive_timeout 75s;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT backlog=4096;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location /stream/ {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
} > "$TMP/proxy/nginx.conf"

start_nginx mock "$TMP/mock" load; MOCK_PID=$REPLY
start_nginx proxy "$TMP/proxy" sut; PROXY_PID=$REPLY
wait_port "$MOCK_PORT" 10 || die "nginx mock did not listen on $MOCK_PORT: $(cat "$TMP/mock/error.log" "$TMP/mock/stdout.log" 2>/dev/null)"
wait_port "$PROXY_PORT" 10 || die "nginx proxy did not listen on $PROXY_PORT: $(cat "$TMP/proxy/error.log" "$TMP/proxy/stdout.log" 2>/dev/null)"
say "nginx mock upstream on :$MOCK_PORT (pid $MOCK_PID, 1 worker), nginx proxy on :$PROXY_PORT (pid $PROXY_PID, $SUT_N worker(s))"

# ---------------------------------------------------------------- 4. Tollgate
# Only our settings: no TOLLGATE_* from the caller's environment leaks into the gateway under test.
for v in $(env | sed -n 's/^\(TOLLGATE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export TOLLGATE_MASTER_KEY="$MASTER_KEY"
export BENCH_TOLLGATE_PORT="$TG_PORT" BENCH_MOCK_PORT="$MOCK_PORT" BENCH_EVENT_LOOPS="$SUT_N" BENCH_DUCKDB="$TMP/tollgate.duckdb"
"${PIN_SUT[@]}" ./tollgate serve --config bench/tollgate-bench.yaml >"$TMP/tollgate.log" 2>&1 &
TG_PID=$!
ready=""
for ((i = 0; i < 600; i++)); do
  kill -0 "$TG_PID" 2>/dev/null || { tail -n 40 "$TMP/tollgate.log" >&2; die "tollgate exited during start-up"; }
  if curl -fsS -m 2 "http://127.0.0.1:$TG_PORT/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { tail -n 40 "$TMP/tollgate.log" >&2; die "tollgate not ready after 60 s"; }
say "tollgate ready on :$TG_PORT (pid $TG_PID, $SUT_N event loop(s), store $TMP/tollgate.duckdb)"

# ---------------------------------------------------------------- targets
TARGETS=(direct proxy tollgate)
declare -A URL SURL PID_OF NAME
URL[direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
SURL[direct]="http://127.0.0.1:$MOCK_PORT/stream/v1/chat/completions"
URL[proxy]="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
SURL[proxy]="http://127.0.0.1:$PROXY_PORT/stream/v1/chat/completions"
URL[tollgate]="http://127.0.0.1:$TG_PORT/v1/chat/completions"
SURL[tollgate]="http://127.0.0.1:$TG_PORT/v1/chat/completions"
PID_OF[direct]=$MOCK_PID; PID_OF[proxy]=$PROXY_PID; PID_OF[tollgate]=$TG_PID
NAME[direct]="direct (mock)"; NAME[proxy]="nginx proxy"; NAME[tollgate]="Tollgate"

# Pre-flight: one request of each kind per target, checked by content.
for t in "${TARGETS[@]}"; do
  code=$(curl -sS -m 5 -o "$TMP/pre-$t.json" -D "$TMP/pre-$t.headers" -w '%{http_code}' \
    -H "Authorization: Bearer $MASTER_KEY" -H 'Content-Type: application/json' \
    --data-binary @bench/request.json "${URL[$t]}") || code="curl-failed"
  if [ "$code" != 200 ] || ! grep -q '"usage"' "$TMP/pre-$t.json"; then
    die "pre-flight ${NAME[$t]}: HTTP $code, body: $(head -c 400 "$TMP/pre-$t.json" 2>/dev/null)"
  fi
  code=$(curl -sS -m 5 -N -o "$TMP/pre-$t.sse" -w '%{http_code}' \
    -H "Authorization: Bearer $MASTER_KEY" -H 'Content-Type: application/json' \
    --data-binary @bench/request-stream.json "${SURL[$t]}") || code="curl-failed"
  if [ "$code" != 200 ] || ! grep -q 'data: \[DONE\]' "$TMP/pre-$t.sse"; then
    die "pre-flight stream ${NAME[$t]}: HTTP $code, body: $(head -c 400 "$TMP/pre-$t.sse" 2>/dev/null)"
  fi
done
if cmp -s "$TMP/pre-direct.json" "$TMP/pre-tollgate.json"; then
  say "pre-flight ok: all targets answer 200; Tollgate's body is byte-identical to the upstream's"
else
  say "pre-flight ok: all targets answer 200 (Tollgate's body differs from the upstream's; see logs)"
fi
say "pre-flight SSE events: direct $(grep -c '^data:' "$TMP/pre-direct.sse"), proxy $(grep -c '^data:' "$TMP/pre-proxy.sse"), tollgate $(grep -c '^data:' "$TMP/pre-tollgate.sse") (Tollgate hides the usage-only chunk the caller did not ask for)"

usage_depth() { curl -fsS -m 2 "http://127.0.0.1:$TG_PORT/health" 2>/dev/null | sed -n 's/.*"usage_queue_depth":\([0-9]*\).*/\1/p'; }
wait_usage_drained() { # Tollgate's usage queue empty, so the next phase does not share the core with ledger writes
  local i depth=""
  for ((i = 0; i < 300; i++)); do
    depth=$(usage_depth)
    if [ "$depth" = 0 ]; then
      [ "$i" -gt 5 ] && say "  (waited $((i / 10)).$((i % 10)) s for Tollgate's usage queue to drain)"
      return 0
    fi
    sleep 0.1
  done
  say "tollgate usage queue still at depth ${depth:-?} after 30 s"
}
TG_SENT=2     # requests sent to Tollgate and counted by a client (the 2 pre-flight requests so far)
TG_INFLIGHT=0 # requests that may have reached Tollgate after a client stopped counting (wrk stops mid-flight)

declare -A RPS REQS WRK_ERR WRK_P50 WRK_P99 CPU_SUT CPU_MOCK CPU_BUSY CPU_SHARE
declare -A L_P50 L_P90 L_P99 L_MAX L_ERR L_ACH L_LAG50 L_LAG99 S_P50 S_P99 S_ERR
CLK_TCK=$(getconf CLK_TCK)

run_wrk() { # target seconds outfile
  local t=$1 secs=$2 out=$3 body=bench/request.json rc=0
  BENCH_BODY_FILE=$body BENCH_AUTH=$MASTER_KEY timeout $((secs + 30)) "${PIN_LOAD[@]}" \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${secs}s" --latency -s bench/post.lua "${URL[$t]}" >"$out" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then fail_later "wrk against ${NAME[$t]} exited $rc: $(tail -n 3 "$out")"; fi
  if [ "$t" = tollgate ]; then
    TG_SENT=$((TG_SENT + $(awk '/ requests in /{print $1}' "$out" | head -n1) + 0))
    TG_INFLIGHT=$((TG_INFLIGHT + WRK_CONNS))
  fi
}

for t in "${TARGETS[@]}"; do
  say "=== ${NAME[$t]}: ${URL[$t]}"
  say "warm-up: wrk ${WARMUP}s in $WARMUP_ROUNDS run(s) (not recorded)"
  for ((round = 1; round <= WARMUP_ROUNDS; round++)); do
    run_wrk "$t" $(( (WARMUP + WARMUP_ROUNDS - 1) / WARMUP_ROUNDS )) "$TMP/out-$t-warmup-$round.txt"
  done
  if [ "$t" = tollgate ]; then wait_usage_drained; fi

  say "max throughput: wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s"
  if [ "$t" = tollgate ]; then th0=$(thread_ticks "$TG_PID"); fi
  c0=$(cpu_stat); p0=$(proc_ticks "${PID_OF[$t]}"); m0=$(proc_ticks "$MOCK_PID")
  run_wrk "$t" "$DURATION" "$TMP/out-$t-wrk.txt"
  c1=$(cpu_stat); p1=$(proc_ticks "${PID_OF[$t]}"); m1=$(proc_ticks "$MOCK_PID")
  if [ "$t" = tollgate ]; then th1=$(thread_ticks "$TG_PID"); TG_DEPTH_AFTER_WRK=$(usage_depth); fi
  out="$TMP/out-$t-wrk.txt"
  RPS[$t]=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$out")
  REQS[$t]=$(awk '/ requests in /{print $1}' "$out")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/{print $2}' "$out"); non2xx=${non2xx:-0}
  sock=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$out" | awk '{print $1+$2+$3+$4}')
  sock=${sock:-0}
  WRK_ERR[$t]=$((non2xx + sock))
  WRK_P50[$t]=$(wrk_ms "$(awk '$1=="50%"{print $2}' "$out")")
  WRK_P99[$t]=$(wrk_ms "$(awk '$1=="99%"{print $2}' "$out")")
  CPU_BUSY[$t]=$(cpu_busy "$c0" "$c1")
  if [ -n "${REQS[$t]}" ] && [ "${REQS[$t]}" -gt 0 ]; then
    CPU_SUT[$t]=$(awk -v d=$((p1 - p0)) -v n="${REQS[$t]}" -v hz="$CLK_TCK" 'BEGIN{printf "%.1f", d*1e6/hz/n}')
    CPU_MOCK[$t]=$(awk -v d=$((m1 - m0)) -v n="${REQS[$t]}" -v hz="$CLK_TCK" 'BEGIN{printf "%.1f", d*1e6/hz/n}')
    if [ "$t" = tollgate ]; then
      TG_THREADS=$(awk -v a="$th0" -v b="$th1" -v n="${REQS[$t]}" -v hz="$CLK_TCK" 'BEGIN{
        split(a, A, " "); split(b, B, " "); out="";
        for (i=1; i<=10; i+=2) out = out sprintf("%s%s %.1f", (out==""?"":", "), A[i], (B[i+1]-A[i+1])*1e6/hz/n);
        print out }')
    fi
  fi
  # Share of the wall-clock time of its own CPU(s) that the process under test got (the rest went to
  # the kernel's loopback networking, other processes on the machine, or idle).
  CPU_SHARE[$t]=$(awk -v d=$((p1 - p0)) -v a="$c0" -v b="$c1" -v cpus="$( [ "$t" = direct ] && echo "$LOAD_CPUS" || echo "$SUT_CPUS")" -v pin="${#PIN_SUT[@]}" 'BEGIN{
    n=split(a, A, " "); split(b, B, " "); tot=0; m=split(cpus, C, ",");
    for (i=1; i<=n; i++) { split(A[i], x, ":"); split(B[i], y, ":"); id=substr(x[1], 4);
      use=(pin==0); for (j=1; j<=m; j++) if (C[j]==id) use=1;
      if (use) tot += y[3]-x[3] }
    if (tot > 0) printf "%d%%", 100*d/tot; else print "n/a" }')
  say "  ${RPS[$t]:-?} req/s, ${REQS[$t]:-?} requests, non-2xx $non2xx, socket errors $sock; CPU ${CPU_BUSY[$t]}"
  if [ -z "${RPS[$t]}" ]; then fail_later "${NAME[$t]}: no wrk result"; fi
  if [ "${WRK_ERR[$t]}" != 0 ]; then
    fail_later "${NAME[$t]}: wrk saw $non2xx non-2xx responses and $sock socket errors under max load"
  fi
  if [ "$t" = tollgate ]; then wait_usage_drained; fi

  say "latency at a fixed $RATE req/s for ${DURATION}s over $RATE_CONNS connections (open loop)"
  out="$TMP/out-$t-rate.txt"; rc=0
  timeout $((DURATION + 90)) "${PIN_LOAD[@]}" "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m bench/FixedRate.java rate \
    --url "${URL[$t]}" --body bench/request.json --header "Authorization: Bearer $MASTER_KEY" \
    --rate "$RATE" --duration "$DURATION" --connections "$RATE_CONNS" --warmup "$RATE_WARMUP" --expect '"usage"' --label "$t" \
    >"$out" 2>&1 || rc=$?
  sed 's/^/    /' "$out" | grep -v '^    RESULT'
  L_P50[$t]=$(result_kv "$out" p50_us); L_P90[$t]=$(result_kv "$out" p90_us); L_P99[$t]=$(result_kv "$out" p99_us)
  L_MAX[$t]=$(result_kv "$out" max_us); L_ERR[$t]=$(result_kv "$out" errors); L_ACH[$t]=$(result_kv "$out" achieved)
  L_LAG50[$t]=$(result_kv "$out" lag_p50_us); L_LAG99[$t]=$(result_kv "$out" lag_p99_us)
  if [ "$t" = tollgate ]; then TG_SENT=$((TG_SENT + RATE_CONNS * (RATE_WARMUP > 0 ? RATE_WARMUP : 1) + $(result_kv "$out" requests) + 0)); fi
  if [ "$rc" != 0 ] || [ "${L_ERR[$t]:-x}" != 0 ]; then
    fail_later "${NAME[$t]}: fixed-rate run exited $rc with ${L_ERR[$t]:-?} errors"
  fi
  if [ "$t" = tollgate ]; then wait_usage_drained; fi

  say "SSE time to first byte: $TTFB_COUNT sequential streaming requests"
  out="$TMP/out-$t-ttfb.txt"; rc=0
  timeout 240 "${PIN_LOAD[@]}" "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m bench/FixedRate.java ttfb \
    --url "${SURL[$t]}" --body bench/request-stream.json --header "Authorization: Bearer $MASTER_KEY" \
    --count "$TTFB_COUNT" --warmup "$TTFB_WARMUP" --expect 'data: [DONE]' --label "$t-sse" >"$out" 2>&1 || rc=$?
  sed 's/^/    /' "$out" | grep -v '^    RESULT'
  S_P50[$t]=$(result_kv "$out" p50_us); S_P99[$t]=$(result_kv "$out" p99_us); S_ERR[$t]=$(result_kv "$out" errors)
  if [ "$t" = tollgate ]; then TG_SENT=$((TG_SENT + TTFB_WARMUP + TTFB_COUNT)); fi
  if [ "$rc" != 0 ] || [ "${S_ERR[$t]:-x}" != 0 ]; then
    fail_later "${NAME[$t]}: SSE TTFB run exited $rc with ${S_ERR[$t]:-?} errors"
  fi
done

# ---------------------------------------------------------------- logs: what went wrong inside the servers
wait_usage_drained
HEALTH="$(curl -sS -m 2 "http://127.0.0.1:$TG_PORT/health" 2>/dev/null || echo unreachable)"
# The gateway's memory after every phase (a JVM's resident set: heap in use, code, DuckDB's buffers).
TG_MEMORY="$(awk '/^VmRSS|^VmHWM/{printf "%s%s %.0f MiB", (n++ ? ", " : ""), ($1 == "VmRSS:" ? "resident" : "peak resident"), $2 / 1024}' "/proc/$TG_PID/status" 2>/dev/null || true)"
kill -0 "$TG_PID" 2>/dev/null || fail_later "tollgate died during the run"
TG_PROBLEMS=$(grep -cE ' (WARN|ERROR) |Exception|"level":"(WARN|ERROR)"' "$TMP/tollgate.log" || true)
NGX_PROBLEMS=$(cat "$TMP/mock/error.log" "$TMP/proxy/error.log" 2>/dev/null | grep -c . || true)
# Stop the gateway (its shutdown flushes the usage writer), then count the ledger: every request a client
# counted must have left a row; wrk may have had up to one request per connection in flight when it stopped.
say "stopping tollgate and counting its usage ledger ..."
stop_pid "$TG_PID" tollgate; TG_PID=""
LEDGER="$(timeout 60 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/lib/*" bench/LedgerCount.java "$TMP/tollgate.duckdb" 2>&1 | grep '^LEDGER' || true)"
LEDGER_ROWS=$(echo "$LEDGER" | sed -n 's/.*rows=\([0-9]*\).*/\1/p')
LEDGER_NON200=$(echo "$LEDGER" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')
if [ -z "$LEDGER_ROWS" ]; then
  fail_later "could not count Tollgate's usage ledger in $TMP/tollgate.duckdb"
  LEDGER_NOTE="ledger could not be read"
else
  LEDGER_NOTE="$LEDGER_ROWS ledger rows ($LEDGER_NON200 non-200) for $TG_SENT requests the clients counted (+ up to $TG_INFLIGHT in flight when wrk stopped)"
  if [ "$LEDGER_ROWS" -lt "$TG_SENT" ] || [ "$LEDGER_ROWS" -gt $((TG_SENT + TG_INFLIGHT)) ]; then
    fail_later "Tollgate usage ledger: $LEDGER_NOTE"
  fi
fi
say "ledger: $LEDGER_NOTE"
DROPPED_LINES=$(grep -c 'record(s) dropped' "$TMP/tollgate.log" || true)
if [ "$TG_PROBLEMS" != 0 ]; then
  fail_later "tollgate logged $TG_PROBLEMS warning/error/exception line(s) (see $LOG_DIR/tollgate.log)"
fi

# ---------------------------------------------------------------- 6. the table
pf() { [ "$1" = 1 ] && echo "PASS" || echo "MISS"; }
R_TG_PROXY=$(ratio "${RPS[tollgate]:-}" "${RPS[proxy]:-}")
R_TG_DIRECT=$(ratio "${RPS[tollgate]:-}" "${RPS[direct]:-}")
R_PROXY_DIRECT=$(ratio "${RPS[proxy]:-}" "${RPS[direct]:-}")
R_CPU=$(ratio "${CPU_SUT[proxy]:-}" "${CPU_SUT[tollgate]:-}")
ADD50_D=$(delta_ms "${L_P50[tollgate]:-}" "${L_P50[direct]:-}")
ADD99_D=$(delta_ms "${L_P99[tollgate]:-}" "${L_P99[direct]:-}")
ADD50_P=$(delta_ms "${L_P50[tollgate]:-}" "${L_P50[proxy]:-}")
ADD99_P=$(delta_ms "${L_P99[tollgate]:-}" "${L_P99[proxy]:-}")
PADD50_D=$(delta_ms "${L_P50[proxy]:-}" "${L_P50[direct]:-}")
PADD99_D=$(delta_ms "${L_P99[proxy]:-}" "${L_P99[direct]:-}")
SSE50_D=$(delta_ms "${S_P50[tollgate]:-}" "${S_P50[direct]:-}")
SSE99_D=$(delta_ms "${S_P99[tollgate]:-}" "${S_P99[direct]:-}")
SSE50_P=$(delta_ms "${S_P50[tollgate]:-}" "${S_P50[proxy]:-}")
SSE99_P=$(delta_ms "${S_P99[tollgate]:-}" "${S_P99[proxy]:-}")
OK_RPS=$(awk -v r="$R_TG_PROXY" -v t="$TARGET_RPS_RATIO" 'BEGIN{print (r!="n/a" && r+0 >= t) ? 1 : 0}')
OK_P50=$(awk -v d="$ADD50_D" -v t="$TARGET_ADDED_P50_MS" 'BEGIN{print (d!="n/a" && d+0 <= t) ? 1 : 0}')
ELAPSED=$(( $(date +%s) - T_START ))

{
  echo "# Tollgate overhead benchmark — $STAMP"
  echo
  echo "- Machine: $NPROC CPUs, $CPU_MODEL, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
  echo "- **Load generator, mock upstream, proxy and gateway all share these $NPROC cores.** Pinning: $PIN_DESC."
  echo "- Background load before the run: $BACKGROUND"
  if [ -n "$BG_WARN" ]; then echo "- $BG_WARN"; fi
  echo "- Tollgate $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?') ($SUT_N event loop(s), $(sed -n 's/.* \([a-z_]*\) transport,.*/\1/p' "$TMP/tollgate.log" | head -n1) transport, $(sed -n 's/.*-XX:+Use\([A-Za-z0-9]*GC\).*/\1/p' "$root/tollgate" | head -n1), DuckDB ledger); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') ($SUT_N worker(s) as proxy, 1 as mock); wrk 4.1; JDK $("$JAVA" -version 2>&1 | head -n1 | awk -F'"' '{print $2}')"
  echo "- Request: POST /v1/chat/completions, $(wc -c < bench/request.json)-byte JSON body, Bearer auth; response $(wc -c < bench/mock/chat-completion.json) bytes with usage. SSE: $(grep -c '^data:' bench/mock/chat-stream.sse) events, $(wc -c < bench/mock/chat-stream.sse) bytes."
  echo "- Throughput: wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s after a ${WARMUP}s warm-up in $WARMUP_ROUNDS wrk run(s). Latency: bench/FixedRate.java, $RATE req/s open loop for ${DURATION}s over $RATE_CONNS keep-alive connections, measured from the intended send time. SSE: $TTFB_COUNT sequential streaming requests on one connection, time to first body byte."
  echo "- Run took ${ELAPSED}s."
  echo
  echo "## Results"
  echo
  echo "| target | max req/s | wrk errors | gateway CPU µs/req | share of its core | mock CPU µs/req | CPU busy during wrk | p50 ms @${RATE}/s | p90 ms | p99 ms | max ms | errors | SSE TTFB p50 ms | SSE TTFB p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${TARGETS[@]}"; do
    gw="${CPU_SUT[$t]:-n/a}" share="${CPU_SHARE[$t]:-n/a}"
    if [ "$t" = direct ]; then gw="—" share="—"; fi
    echo "| ${NAME[$t]} | ${RPS[$t]:-n/a} | ${WRK_ERR[$t]:-n/a} | $gw | $share | ${CPU_MOCK[$t]:-n/a} | ${CPU_BUSY[$t]:-n/a} | $(fmt_ms "${L_P50[$t]:-}") | $(fmt_ms "${L_P90[$t]:-}") | $(fmt_ms "${L_P99[$t]:-}") | $(fmt_ms "${L_MAX[$t]:-}") | ${L_ERR[$t]:-n/a} | $(fmt_ms "${S_P50[$t]:-}") | $(fmt_ms "${S_P99[$t]:-}") |"
  done
  echo
  echo "## Ratios"
  echo
  echo "| measure | value | target |"
  echo "|---|---:|---|"
  echo "| Tollgate req/s ÷ nginx-proxy req/s | **$R_TG_PROXY** | ≥ $TARGET_RPS_RATIO — $(pf "$OK_RPS") |"
  echo "| Tollgate req/s ÷ direct req/s | $R_TG_DIRECT | |"
  echo "| nginx-proxy req/s ÷ direct req/s | $R_PROXY_DIRECT | (reference) |"
  echo "| CPU efficiency: nginx-proxy CPU µs/req ÷ Tollgate CPU µs/req | $R_CPU | (less sensitive to other load than req/s) |"
  echo "| Tollgate added p50 vs direct @${RATE}/s | **$ADD50_D ms** | ≤ $TARGET_ADDED_P50_MS ms — $(pf "$OK_P50") |"
  echo "| Tollgate added p99 vs direct @${RATE}/s | $ADD99_D ms | |"
  echo "| Tollgate added p50 vs nginx proxy | $ADD50_P ms | |"
  echo "| Tollgate added p99 vs nginx proxy | $ADD99_P ms | |"
  echo "| nginx proxy added p50 / p99 vs direct | $PADD50_D / $PADD99_D ms | (reference) |"
  echo "| SSE TTFB delta p50 / p99, Tollgate vs direct | $SSE50_D / $SSE99_D ms | |"
  echo "| SSE TTFB delta p50 / p99, Tollgate vs nginx proxy | $SSE50_P / $SSE99_P ms | |"
  echo
  echo "## Checks"
  echo
  for t in "${TARGETS[@]}"; do
    echo "- ${NAME[$t]}: wrk closed-loop latency p50 ${WRK_P50[$t]:-n/a} ms / p99 ${WRK_P99[$t]:-n/a} ms at $WRK_CONNS connections; fixed-rate achieved ${L_ACH[$t]:-n/a} req/s, generator send lag p50 $(fmt_ms "${L_LAG50[$t]:-}") / p99 $(fmt_ms "${L_LAG99[$t]:-}") ms"
  done
  echo "- Tollgate CPU µs per request during the wrk run, by thread: ${TG_THREADS:-n/a}. Usage queue depth when wrk stopped: ${TG_DEPTH_AFTER_WRK:-n/a}. Memory at the end: ${TG_MEMORY:-n/a}."
  echo "- Tollgate usage ledger: $LEDGER_NOTE; 'dropped' warnings: $DROPPED_LINES."
  echo "- Tollgate log: $TG_PROBLEMS warning/error/exception line(s); nginx error logs: $NGX_PROBLEMS line(s). Tollgate /health at the end: \`$HEALTH\`"
  if [ ${#FAILURES[@]} -gt 0 ]; then
    echo
    echo "## FAILURES"
    echo
    for f in "${FAILURES[@]}"; do echo "- $f"; done
  fi
  if [ "$TG_PROBLEMS" != 0 ]; then
    echo
    echo "### First Tollgate log problems"
    echo
    echo '```'
    grep -E ' (WARN|ERROR) |Exception|"level":"(WARN|ERROR)"' "$TMP/tollgate.log" | head -n 20 | cut -c1-400
    echo '```'
  fi
} > "$RESULT_MD"

echo
cat "$RESULT_MD"
echo
say "saved $RESULT_MD (raw outputs and logs in $LOG_DIR/)"
[ "$ELAPSED" -lt 360 ] || say "warning: the run took ${ELAPSED}s, over the 6-minute budget"

if [ ${#FAILURES[@]} -gt 0 ]; then
  echo "[bench] RUN FAILED: ${#FAILURES[@]} problem(s):" >&2
  for f in "${FAILURES[@]}"; do echo "  - $f" >&2; done
  exit 1
fi
if [ "$ENFORCE" = 1 ] && { [ "$OK_RPS" != 1 ] || [ "$OK_P50" != 1 ]; }; then
  echo "[bench] performance targets missed (BENCH_ENFORCE=1)" >&2
  exit 1
fi
exit 0

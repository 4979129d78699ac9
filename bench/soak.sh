#!/usr/bin/env bash
# Memory under sustained load: does Tollgate's heap keep growing? Starts the bench's nginx mock upstream (CPU 1)
# and Tollgate with bench/tollgate-bench.yaml (CPU 0), then runs ROUNDS wrk runs of SECONDS each (64 connections,
# a different "user" on every request: bench/soak.lua). After each round it forces a full GC (jcmd GC.run) and
# records the heap in use after it and the process's resident memory. A heap that keeps growing after the
# warm-up rounds is a leak; the script prints the growth between the second and the last round per 100k
# requests. Loopback only, bounded: ROUNDS x SECONDS plus start-up.
#   bench/soak.sh [ROUNDS=8] [SECONDS=20]
# Output in bench/results/soak-<UTC time>/ (git-ignored): table.md, server.log, wrk-<round>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-8}; SECS=${2:-20}
NAME=soak
source bench/pinned-mock.sh
taskset -c 0 ./tollgate serve --config bench/tollgate-bench.yaml >"$OUT/server.log" 2>&1 & pids+=($!)
for _ in $(seq 600); do
  curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/live" && break; sleep 0.1
done
JPID=$(pgrep -f 'tollgate.jar serve' | head -n1)
[ -n "$JPID" ] || { echo "tollgate did not start; see $OUT/server.log" >&2; exit 1; }

heap_after_gc() { # "used | committed": MiB of heap in use right after a forced full GC, and the heap the JVM holds
  "$JAVA_HOME/bin/jcmd" "$JPID" GC.run >/dev/null
  sleep 1
  "$JAVA_HOME/bin/jcmd" "$JPID" GC.heap_info | awk 'function mib(v) { sub(/,$/, "", v); if (v ~ /K$/) return v / 1024; if (v ~ /G$/) return v * 1024; return v + 0 }
    /used/{for (i = 1; i <= NF; i++) { if ($i == "used") u = mib($(i + 1)); if (($i == "capacity" && $(i - 1) != "max") || $i == "committed") c = mib($(i + 1)) }
      printf "%.0f | %.0f", u, c; exit}'
}
rss() { awk '/^VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$JPID/status"; }

{
  echo "| round | requests so far | req/s | heap in use after full GC (MiB) | heap committed (MiB) | resident (MiB) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  echo "| 0 (started) | 0 | — | $(heap_after_gc) | $(rss) |"
} | tee "$OUT/table.md"
total=0; second=""; secondReq=0
for ((r = 1; r <= ROUNDS; r++)); do
  BENCH_BODY_FILE=bench/request.json BENCH_AUTH=$TOLLGATE_MASTER_KEY timeout $((SECS + 30)) taskset -c 1 \
    wrk -t2 -c64 -d"${SECS}s" -s bench/soak.lua "http://127.0.0.1:$PORT/v1/chat/completions" >"$OUT/wrk-$r.txt" 2>&1
  if grep -q 'Non-2xx' "$OUT/wrk-$r.txt"; then echo "round $r: non-2xx answers, see $OUT/wrk-$r.txt" >&2; exit 1; fi
  n=$(awk '/ requests in /{print $1}' "$OUT/wrk-$r.txt"); total=$((total + n))
  both=$(heap_after_gc); heap=${both%% *}
  echo "| $r | $total | $(awk '/^Requests\/sec/{printf "%.0f", $2}' "$OUT/wrk-$r.txt") | $both | $(rss) |" | tee -a "$OUT/table.md"
  if [ "$r" = 2 ]; then second=$heap; secondReq=$total; fi
  last=$heap
done
if [ -n "$second" ] && [ "$total" -gt "$secondReq" ]; then
  awk -v a="$second" -v b="$last" -v n=$((total - secondReq)) 'BEGIN{printf "\nheap after full GC, round 2 to round last: %+.1f MiB over %d requests (%+.2f MiB per 100k requests)\n", b - a, n, (b - a) * 100000 / n}' | tee -a "$OUT/table.md"
fi
echo "saved $OUT" >&2

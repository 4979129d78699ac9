#!/usr/bin/env bash
# Where Tollgate's CPU goes under load: the bench's nginx mock upstream on CPU 1, Tollgate (bench/tollgate-bench.yaml)
# pinned to CPU 0, wrk on CPU 1 as the load. After a warm-up it measures req/s and CPU µs per request, then samples
# every thread with async-profiler (fetched from Maven Central: tools.profiler:async-profiler) and prints the
# share of each thread group and a tree of Tollgate's own frames (bench/profile-tree.py).
#   bench/profile.sh [WARMUP_S=60] [PROFILE_S=20]
# FLOOR=1 profiles bench/VertxFloor.java instead (VertxFloor's flags in FLOOR_FLAGS, e.g. "-Dweb=true -Djson=true").
# Output in bench/results/profile-<UTC time>/ (git-ignored): prof.collapsed (flame-graph input), tree.txt, summary.
# Numbers from a shared machine are noisy; compare shares within one run, or runs back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
WARM=${1:-60}; PROF=${2:-20}
NAME=profile EXTRA_TOOLS="python3 unzip"
source bench/pinned-mock.sh
AP_VERSION=4.2
AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[ -f "$AP_JAR" ] || ./mvnw -q -ntp dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >&2
unzip -o -q "$AP_JAR" 'linux-x64/libasyncProfiler.so' -d "$OUT"
AGENT="$PWD/$OUT/linux-x64/libasyncProfiler.so"
if [ -n "${FLOOR:-}" ]; then
  taskset -c 0 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseZGC \
    -Dio.netty.noUnsafe=false -Dport=$PORT ${FLOOR_FLAGS:-} -cp "$(ls target/lib/*.jar | tr '\n' ':')" bench/VertxFloor.java \
    >"$OUT/server.log" 2>&1 & pids+=($!)
else
  taskset -c 0 ./tollgate serve --config bench/tollgate-bench.yaml >"$OUT/server.log" 2>&1 & pids+=($!)
fi
for _ in $(seq 600); do
  curl -s -o /dev/null -m 1 -X POST "http://127.0.0.1:$PORT/v1/chat/completions" && break; sleep 0.1
done
JPID=$(pgrep -f 'tollgate.jar serve|VertxFloor' | head -n1)
load() { BENCH_BODY_FILE=bench/request.json BENCH_AUTH=$TOLLGATE_MASTER_KEY taskset -c 1 \
  wrk -t2 -c64 -d"${1}s" -s "${WRK_SCRIPT:-bench/post.lua}" "http://127.0.0.1:$PORT/v1/chat/completions"; }
echo "warm-up ${WARM}s ..." >&2
load "$WARM" >"$OUT/warmup.txt"
t0=$(awk '{print $14 + $15}' "/proc/$JPID/stat")
load 15 >"$OUT/wrk.txt"
t1=$(awk '{print $14 + $15}' "/proc/$JPID/stat")
req=$(awk '/ requests in /{print $1}' "$OUT/wrk.txt")
rps=$(awk '/^Requests\/sec/{print $2}' "$OUT/wrk.txt")
tck=$(getconf CLK_TCK)
summary="req/s $rps; CPU $(awk -v t=$((t1 - t0)) -v r="$req" -v k="$tck" 'BEGIN{printf "%.1f", t / k * 1e6 / r}') µs per request"
grep -q 'Non-2xx' "$OUT/wrk.txt" && summary="$summary; NON-2xx ANSWERS, see wrk.txt"
echo "$summary" | tee "$OUT/summary"
echo "profiling ${PROF}s ..." >&2
"$JAVA_HOME/bin/jcmd" "$JPID" JVMTI.agent_load "$AGENT" "\"start,event=itimer,threads\"" >/dev/null
load "$PROF" >"$OUT/wrk-profiled.txt"
"$JAVA_HOME/bin/jcmd" "$JPID" JVMTI.agent_load "$AGENT" "\"stop,file=$PWD/$OUT/prof.collapsed,collapsed\"" >/dev/null
sleep 1
python3 bench/profile-tree.py "$OUT/prof.collapsed" | tee "$OUT/tree.txt"
echo "saved $OUT" >&2

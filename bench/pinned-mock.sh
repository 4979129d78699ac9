# Sourced by bench/profile.sh and bench/soak.sh (not run on its own), from the repository root, with NAME set (the
# results folder's prefix) and EXTRA_TOOLS (commands the caller needs besides nginx, wrk, taskset and curl):
# exports JAVA_HOME (a JDK 25), sets PORT, MOCK_PORT and OUT (bench/results/NAME-<UTC time>, git-ignored), builds
# the jar if it is missing, writes and starts the nginx mock upstream pinned to CPU 1 (its pid in the pids array,
# stopped by the EXIT trap), and exports the environment bench/tollgate-bench.yaml reads, with any TOLLGATE_* of
# the caller's shell removed.
source bench/jdk.sh
JAVA_HOME=$(find_jdk) || { echo "no JDK 25 found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME
for tool in nginx wrk taskset curl ${EXTRA_TOOLS:-}; do
  command -v "$tool" >/dev/null || { echo "needs $tool (bench/run.sh installs nginx and wrk)" >&2; exit 1; }
done
PORT=4100; MOCK_PORT=18080
OUT="bench/results/$NAME-$(date -u +%Y%m%dT%H%M%SZ)"
[ -f target/tollgate.jar ] || ./mvnw -B -q -ntp -DskipTests package >&2
mkdir -p "$OUT/mock/tmp"
cat > "$OUT/mock/nginx.conf" <<NG
worker_processes 1; daemon off; pid $PWD/$OUT/mock/nginx.pid; error_log $PWD/$OUT/mock/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_timeout 75s; keepalive_requests 10000000; client_body_temp_path $PWD/$OUT/mock/tmp;
  server { listen 127.0.0.1:$MOCK_PORT backlog=4096;
    location = /v1/chat/completions { default_type application/json; return 200 '$(cat bench/mock/chat-completion.json)'; }
    location / { return 404; } } }
NG
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
taskset -c 1 nginx -p "$PWD/$OUT/mock" -c "$PWD/$OUT/mock/nginx.conf" -e "$PWD/$OUT/mock/error.log" & pids+=($!)
for v in $(env | sed -n 's/^\(TOLLGATE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export TOLLGATE_MASTER_KEY=sk-bench-master-0123456789 BENCH_DUCKDB="$PWD/$OUT/tollgate.duckdb" BENCH_EVENT_LOOPS=1
export BENCH_TOLLGATE_PORT=$PORT BENCH_MOCK_PORT=$MOCK_PORT

#!/usr/bin/env bash
# Writes a realistic usage ledger into a DuckDB file with the production schema.
#   bench/generate-ledger.sh FILE [ROWS=10000000] [DAYS=75] [END_DATE=today UTC] [SEED=42] [ROLLUPS=true]
# See src/test/java/dev/tollgate/bench/GenerateLedger.java for what the data looks like.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=${1:?usage: bench/generate-ledger.sh FILE [ROWS] [DAYS] [END_DATE] [SEED]}
ROWS=${2:-10000000}
DAYS=${3:-75}
END_DATE=${4:-$(date -u +%F)}
SEED=${5:-42}
ROLLUPS=${6:-true}
source bench/jdk.sh
JAVA_HOME=$(find_jdk) || { echo "no JDK 25 found" >&2; exit 1; }
export JAVA_HOME
if [[ ! -f target/bench.cp || ! -f target/test-classes/dev/tollgate/bench/GenerateLedger.class \
      || src/test/java/dev/tollgate/bench/GenerateLedger.java -nt target/test-classes/dev/tollgate/bench/GenerateLedger.class ]]; then
  ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g \
  -cp "target/test-classes:target/classes:$(cat target/bench.cp)" \
  dev.tollgate.bench.GenerateLedger "$FILE" "$ROWS" "$DAYS" "$END_DATE" "$SEED" "$ROLLUPS"

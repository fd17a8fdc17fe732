#!/usr/bin/env bash
# Fetch the Apache Kafka broker (KRaft) and its runtime jars from Maven Central into .kafka/libs
# (git-ignored), using Maven and scripts/kafka/pom.xml.
#   bash scripts/kafka/setup.sh
# Cached: a second run finds .kafka/libs/.complete for the same pom and downloads nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
POM="$ROOT/scripts/kafka/pom.xml"
LIBS="$ROOT/.kafka/libs"
STAMP="$LIBS/.complete"
WANT="$(sha256sum "$POM" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "kafka broker ready: $(ls "$LIBS" | grep -E '^kafka_2\.13-.*\.jar$')"
  exit 0
fi
command -v java >/dev/null 2>&1 || { echo "kafka/setup.sh: java not found; the broker needs a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "kafka/setup.sh: mvn not found; fetching the broker needs Maven (e.g. apt-get install maven)" >&2; exit 1; }
rm -rf "$LIBS"
mkdir -p "$LIBS"
mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS"
echo "$WANT" > "$STAMP"
echo "kafka broker ready: $(ls "$LIBS" | grep -E '^kafka_2\.13-.*\.jar$')"

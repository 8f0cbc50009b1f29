#!/usr/bin/env bash
# Builds (once) and runs, in the foreground, a real Apache Hadoop 3.4.1 YARN ResourceManager on 127.0.0.1: the
# reference Loom's YARN REST gateway is diffed and benchmarked against. Java is used for nothing else in Loom.
#
#   hack/yarn-rm/start.sh [--port N] [--build-only]     (N=0: any free port; default 18088 or $LOOM_REFERENCE_RM_PORT)
#
# Prints `READY http://127.0.0.1:<port> clusterTimestamp=<ts> ...` on stdout when the REST API answers; Hadoop's
# logs go to stderr. Stops cleanly on SIGTERM/SIGINT.
# The first run fetches ~125 MB of jars from Maven Central into ~/.m2 (about a minute); the build output lives in
# $LOOM_CACHE/yarn-rm (default ~/.cache/loom), never in the repository, and is reused while it is newer than the
# sources. The RM's working state goes to $LOOM_CACHE/yarn-rm/run-<port>, wiped at each start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${LOOM_CACHE:-$HOME/.cache/loom}/yarn-rm"
build="$cache/build"
jar="$build/reference-rm.jar"
classpath_file="$build/classpath.txt"

port="${LOOM_REFERENCE_RM_PORT:-18088}"
build_only=false
while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --build-only) build_only=true; shift ;;
    *) echo "usage: $0 [--port N] [--build-only]" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "start.sh: --port must be a number, got '$port'" >&2; exit 2; }

log() { printf '[yarn-rm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

up_to_date() {
  [[ -s "$jar" && -s "$classpath_file" ]] || return 1
  # Anything under the project newer than the jar or the classpath file means a rebuild.
  [[ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]] || return 1
  [[ -z "$(find "$here/pom.xml" -newer "$classpath_file" -print -quit)" ]] || return 1
}

if ! up_to_date; then
  command -v mvn >/dev/null || { echo "start.sh: mvn (Maven 3) is needed" >&2; exit 1; }
  command -v java >/dev/null || { echo "start.sh: java (17+) is needed" >&2; exit 1; }
  if [[ -d "$HOME/.m2/repository/org/apache/hadoop/hadoop-yarn-server-resourcemanager/3.4.1" ]]; then
    log "building the reference RM into $build (jars already in ~/.m2: ~10-20 s)"
  else
    log "first build: fetching Hadoop 3.4.1 and its dependencies (~125 MB) from Maven Central into ~/.m2," \
      "then compiling into $build (about 1 minute)"
  fi
  mkdir -p "$cache"
  started=$SECONDS
  # -ntp: no per-file download lines; Maven still logs each phase, which is the progress shown here.
  if ! nice -n 10 mvn -B -ntp -f "$here/pom.xml" -Dloom.build.dir="$build" package >"$cache/maven.log" 2>&1; then
    tail -40 "$cache/maven.log" >&2
    log "Maven failed; full log: $cache/maven.log"
    exit 1
  fi
  # Maven only rewrites classpath.txt when it changed: touch both so the freshness check above holds.
  touch "$jar" "$classpath_file"
  log "built in $((SECONDS - started)) s"
fi
$build_only && exit 0

run="$cache/run-$port"
rm -rf "$run"
mkdir -p "$run/tmp"
cd "$run" # anything Hadoop still writes relative to the working directory lands here
# --add-opens: the RM's Guice (web app injection) reflects into java.lang on Java 17.
# Heap: 512m by default; LOOM_RM_HEAP raises it (bench/gateway.ts uses 2g: 8 concurrent 10,000-app /apps answers).
exec java \
  -Xmx"${LOOM_RM_HEAP:-512m}" \
  -XX:+UseSerialGC \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  -Djava.net.preferIPv4Stack=true \
  -Djava.io.tmpdir="$run/tmp" \
  -Dlog4j.configuration=reference-rm-log4j.properties \
  -cp "$jar:$(cat "$classpath_file")" \
  dev.loom.hack.ReferenceRm --port "$port" --work-dir "$run"

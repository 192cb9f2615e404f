#!/usr/bin/env bash
# Runs the Quarkbar benchmark suite and writes bench/target/results/results.{md,json}.
#
#   bench/run.sh            the full suite, a few minutes on two cores
#   bench/run.sh --quick    every scenario and target, tiny: a smoke test (exit 1 on any error)
#
# Further options go to BenchMain (see its Javadoc), e.g. --targets quarkbar,raw-relay,
# --scenarios rpc --serializers json --profile. SKIP_BUILD=1 reuses what was built before.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

# The JDK's major version; empty for a JDK that does not run (e.g. JDK_JAVA_OPTIONS it rejects).
java_major() {
  { "$1/bin/java" -XshowSettings:properties -version 2>&1 || true; } |
    sed -n 's/^ *java.specification.version = //p' | head -n1
}

# A JDK of 21 or newer: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" || $(java_major "$JAVA_HOME") -lt 21 ]]; then
  JAVA_HOME=""
  best=0
  for jdk in /usr/lib/jvm/*; do
    [[ -x "$jdk/bin/java" && -x "$jdk/bin/jcmd" ]] || continue
    v=$(java_major "$jdk")
    if [[ "$v" =~ ^[0-9]+$ ]] && ((v >= 21 && v > best)); then
      best=$v
      JAVA_HOME=$jdk
    fi
  done
  if [[ -z "$JAVA_HOME" ]]; then
    echo "bench/run.sh: no JDK 21 or newer found (set JAVA_HOME)" >&2
    exit 1
  fi
fi
export JAVA_HOME

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # The router, the protocol library and the client extension (for bench/extension-callee) into
  # the local repository, then the bench modules, which build from bench/pom.xml whether or not the
  # root pom lists them.
  ./mvnw -B -q install -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -pl wamp/protocol,wamp/router,wamp/client/deployment,router-service -am
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -f bench/pom.xml
  if [[ ! -f bench/node_modules/.package-lock.json || bench/package-lock.json -nt bench/node_modules/.package-lock.json ]]; then
    (cd bench && npm ci --ignore-scripts --no-audit --no-fund)
  fi
fi

classpath="$root/bench/loadgen/target/bench-loadgen.jar:$root/bench/loadgen/target/deps/*"
# The targets get core 0 (BenchMain pins them); the load generator gets core 1.
pin=()
if command -v taskset >/dev/null && (($(grep -c ^processor /proc/cpuinfo) >= 2)); then
  pin=(taskset -c 1)
fi
exec "${pin[@]}" "$JAVA_HOME/bin/java" -cp "$classpath" io.quarkbar.bench.BenchMain \
  --root "$root" --classpath "$classpath" "$@"

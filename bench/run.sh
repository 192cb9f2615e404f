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

source "$root/bench/jdk.sh"

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

#!/usr/bin/env bash
# Events and calls across a cluster of three router nodes and a nats-server on this machine (not
# part of run.sh): fan-out and calls on one node against across nodes, and one event and one call
# at a time; writes bench/target/results/cluster.md. Options: see ClusterMain (--subscribers,
# --seconds, --events). SKIP_BUILD=1 reuses what was built before. Needs nats-server on the PATH (Debian:
# apt-get install nats-server) or $NATS_SERVER.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

source "$root/bench/jdk.sh"

source "$root/bench/loadgen.sh"
exec "$JAVA_HOME/bin/java" -cp "$classpath" io.quarkbar.bench.scale.ClusterMain \
  --root "$root" "$@"

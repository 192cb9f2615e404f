#!/usr/bin/env bash
# Sessions at scale: six packaged router nodes and six load-generator processes on this machine,
# 100,000 idle sessions in all; joins/s, live heap and RSS per session, idle CPU. Writes
# bench/target/results/scale.md. About two minutes on two cores.
#
#   bench/scale.sh                                  the defaults (6 nodes, 100,000 sessions)
#   bench/scale.sh --nodes 2 --sessions 2000 --idle 5s          a quick look
#   bench/scale.sh --router-option -Drouter.websocket.ping-interval=0   pings off
#
# See ScaleMain's Javadoc for every option. SKIP_BUILD=1 reuses what was built before.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

source "$root/bench/jdk.sh"

source "$root/bench/loadgen.sh"
exec "$JAVA_HOME/bin/java" -cp "$classpath" io.quarkbar.bench.scale.ScaleMain \
  --root "$root" --classpath "$classpath" "$@"

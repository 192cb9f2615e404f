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

java_major() {
  { "$1/bin/java" -XshowSettings:properties -version 2>&1 || true; } |
    sed -n 's/^ *java.specification.version = //p' | head -n1
}
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" || $(java_major "$JAVA_HOME") -lt 21 ]]; then
  JAVA_HOME=""
  for jdk in /usr/lib/jvm/*; do
    [[ -x "$jdk/bin/java" && -x "$jdk/bin/jcmd" ]] || continue
    v=$(java_major "$jdk")
    if [[ "$v" =~ ^[0-9]+$ ]] && ((v >= 21)); then
      JAVA_HOME=$jdk
      break
    fi
  done
  [[ -n "$JAVA_HOME" ]] || { echo "bench/scale.sh: no JDK 21 or newer found (set JAVA_HOME)" >&2; exit 1; }
fi
export JAVA_HOME

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  ./mvnw -B -q install -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -pl wamp/protocol,wamp/router,router-service -am
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -f bench/pom.xml -pl loadgen
fi

classpath="$root/bench/loadgen/target/bench-loadgen.jar:$root/bench/loadgen/target/deps/*"
exec "$JAVA_HOME/bin/java" -cp "$classpath" io.quarkbar.bench.scale.ScaleMain \
  --root "$root" --classpath "$classpath" "$@"

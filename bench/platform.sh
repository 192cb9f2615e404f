#!/usr/bin/env bash
# The platform benchmark: router-service, auth-service and forum-service as packaged applications
# on PostgreSQL, measured end to end (isolation of logins and presence from a saturated
# forum-service; forum.thread.get and forum.post.create throughput). Writes
# bench/target/results/platform.md.
#
#   bench/platform.sh           about two minutes
#   bench/platform.sh --quick   a smoke run: every step, few samples
#
# PostgreSQL: QUARKBAR_TEST_POSTGRES_URL (e.g. jdbc:postgresql://127.0.0.1:5432, with
# QUARKBAR_TEST_POSTGRES_USER), else a container where Docker runs, else an embedded one; the
# databases auth_bench and forum_bench are emptied first. SKIP_BUILD=1 reuses the last build.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

source "$root/bench/jdk.sh"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true \
    -pl router-service,auth-service,forum-service,testing/processes,testing/postgres,testing/wamp -am
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -f bench/pom.xml -pl platform
fi

exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$root/bench/platform/target/bench-platform-0.1.0-SNAPSHOT.jar:$root/bench/platform/target/deps/*" \
  io.quarkbar.bench.platform.PlatformBench "$root" "$@"

# Sourced by the multi-node bench scripts (scale.sh, cluster.sh) after jdk.sh, from the checkout's
# root: builds the packaged router and the load generator unless SKIP_BUILD=1, and sets classpath
# to the load generator's.
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  ./mvnw -B -q install -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -pl wamp/protocol,wamp/router,router-service -am
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -f bench/pom.xml -pl loadgen
fi

classpath="$root/bench/loadgen/target/bench-loadgen.jar:$root/bench/loadgen/target/deps/*"

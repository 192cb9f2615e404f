# Sourced by the bench scripts (run.sh, platform.sh, scale.sh, cluster.sh): sets and exports
# JAVA_HOME to a JDK of 21 or newer: JAVA_HOME itself if it is one, else the newest under
# /usr/lib/jvm that has jcmd (the benchmarks read the routers' heap with it). Exits with a message
# when there is none.

# The JDK's major version; empty for a JDK that does not run (e.g. JDK_JAVA_OPTIONS it rejects).
java_major() {
  { "$1/bin/java" -XshowSettings:properties -version 2>&1 || true; } |
    sed -n 's/^ *java.specification.version = //p' | head -n1
}

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
    echo "$(basename "$0"): no JDK 21 or newer found (set JAVA_HOME)" >&2
    exit 1
  fi
fi
export JAVA_HOME

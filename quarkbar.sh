#!/usr/bin/env bash
# Quarkbar on one machine, without Docker: `./quarkbar.sh run` builds what is missing and starts
# router-service, which starts and supervises the rest of the platform as its guests
# (infra/local/platform.yaml, docs/guests.md). `./quarkbar.sh help` says more.
#
# Written for bash 3.2 too (macOS): no associative arrays, no `wait -n`, lists as plain words.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
INVOKED_FROM=$(pwd)
cd "$ROOT"

# The guests of infra/local/platform.yaml, in their start order.
GUESTS="postgres auth-service forum-service web-ui"

ROUTER_PORT=${QUARKBAR_ROUTER_PORT:-8080}
AUTH_PORT=${QUARKBAR_AUTH_PORT:-8081}
FORUM_PORT=${QUARKBAR_FORUM_PORT:-8082}
WEB_PORT=${QUARKBAR_WEB_PORT:-8083}
POSTGRES_PORT=${QUARKBAR_POSTGRES_PORT:-5433}
POSTGRES_HEALTH_PORT=${QUARKBAR_POSTGRES_HEALTH_PORT:-8084}

# Where the local run keeps what it makes: PostgreSQL's data, the generated secrets. A relative
# path is taken from where the script was called.
STATE_DIR=${QUARKBAR_STATE_DIR:-$ROOT/.quarkbar}
case $STATE_DIR in
  /*) ;;
  *) STATE_DIR=$INVOKED_FROM/$STATE_DIR ;;
esac
SECRETS_FILE=$STATE_DIR/secrets.env

MIN_JAVA=21
MIN_NODE=20

usage() {
  cat <<EOF
Usage: ./quarkbar.sh COMMAND [OPTIONS]

Quarkbar on this machine, without Docker. It needs a JDK $MIN_JAVA or newer and Node.js $MIN_NODE or
newer (to build the web page); PostgreSQL comes with it.

Commands:
  run                 Build what is missing, then start router-service, which starts PostgreSQL,
                      auth-service, forum-service and web-ui as its guests (infra/local/platform.yaml)
                      and stops them when it stops. Prints the URL to open once all are ready;
                      Ctrl-C stops everything it started.
    --except GUEST    Start everything but GUEST (postgres, auth-service, forum-service or
                      web-ui), to run that one yourself, e.g. \`./mvnw -pl forum-service
                      quarkus:dev\`; prints the environment it needs. May be given more than once.
    --build           Build the applications first even if they are there (after a change).
  build               Build the applications the run needs (./mvnw package -DskipTests).
  check               Say which Java would be used and what is missing, without starting anything.
  help                This text.

Environment (all optional):
  JAVA_HOME                       The JDK to use, if it is $MIN_JAVA or newer; otherwise one is looked for
                                  in QUARKBAR_JDK_DIRS, then \`java\` on the PATH, then macOS' java_home.
  QUARKBAR_JDK_DIRS               Directories holding JDKs, ':'-separated (default:
                                  /usr/lib/jvm:/usr/java:/opt/java:/Library/Java/JavaVirtualMachines:
                                  ~/.sdkman/candidates/java:~/.jdks).
  QUARKBAR_DB_SERVER              An existing PostgreSQL, e.g. jdbc:postgresql://localhost:5432, with
                                  databases auth and forum; QUARKBAR_DB_USER (postgres) and
                                  QUARKBAR_DB_PASSWORD. Without it, an embedded PostgreSQL runs, its
                                  data kept in the state directory.
  QUARKBAR_STATE_DIR              Where data and generated secrets are kept (default: .quarkbar).
  QUARKBAR_AUTH_SERVICE_SECRET,   The services' WAMP-CRA secrets; without them, secrets are generated
  QUARKBAR_FORUM_SERVICE_SECRET   once into <state dir>/secrets.env and reused.
  QUARKBAR_ROUTER_PORT (8080), QUARKBAR_AUTH_PORT (8081), QUARKBAR_FORUM_PORT (8082),
  QUARKBAR_WEB_PORT (8083), QUARKBAR_POSTGRES_PORT (5433), QUARKBAR_POSTGRES_HEALTH_PORT (8084)
                                  The ports used, all on this machine.
  QUARKBAR_MAVEN_ARGS             More arguments for ./mvnw when building, e.g. -o (offline).
EOF
}

say() { printf 'quarkbar.sh: %s\n' "$*"; }
fail() {
  printf 'quarkbar.sh: %s\n' "$*" >&2
  exit 1
}

contains() { # contains WORD LIST: whether LIST (words) holds WORD
  case " $2 " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

# --- Java --------------------------------------------------------------------------------------

major_of() { # the major version in a Java version string: 1.8.0_292 -> 8, 21.0.2 -> 21, 25 -> 25
  local v=${1#1.}
  v=${v%%[!0-9]*}
  printf '%s' "$v"
}

java_version_of() { # the major version of the Java whose home is $1; nothing if it has no java
  local home=$1 version=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release" | head -n 1)
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = //p' | head -n 1) || true
  fi
  major_of "$version"
}

JAVA_SEEN="" # what was looked at, a line each, for the message when nothing fits

seen() { JAVA_SEEN="$JAVA_SEEN
  $1"; }

# Sets JAVA_HOME to a Java of MIN_JAVA or newer, or exits saying plainly what is missing.
choose_java() {
  local chosen="" chosen_version=0 home version dirs dir candidate note="" visited=" "

  if [ -n "${JAVA_HOME:-}" ]; then
    version=$(java_version_of "$JAVA_HOME")
    if [ -z "$version" ]; then
      seen "JAVA_HOME=$JAVA_HOME: no bin/java there"
      note="JAVA_HOME ($JAVA_HOME) has no bin/java: not used"
    elif [ "$version" -ge "$MIN_JAVA" ]; then
      chosen=$JAVA_HOME chosen_version=$version
    else
      seen "JAVA_HOME=$JAVA_HOME: Java $version"
      note="JAVA_HOME ($JAVA_HOME) is Java $version: not used"
    fi
  fi

  if [ -z "$chosen" ]; then
    dirs=${QUARKBAR_JDK_DIRS-/usr/lib/jvm:/usr/java:/opt/java:/Library/Java/JavaVirtualMachines:$HOME/.sdkman/candidates/java:$HOME/.jdks}
    local IFS=:
    for dir in $dirs; do
      [ -d "$dir" ] || continue
      for candidate in "$dir"/*; do
        home=$candidate
        # macOS keeps the Java home inside the bundle.
        [ -d "$candidate/Contents/Home" ] && home=$candidate/Contents/Home
        [ -x "$home/bin/java" ] || continue
        # Once each, however many links lead to it.
        home=$(cd -P "$home" && pwd)
        contains "$home" "$visited" && continue
        visited="$visited$home "
        version=$(java_version_of "$home")
        [ -n "$version" ] || continue
        if [ "$version" -ge "$MIN_JAVA" ] && [ "$version" -gt "$chosen_version" ]; then
          chosen=$home chosen_version=$version
        elif [ "$version" -lt "$MIN_JAVA" ]; then
          seen "$home: Java $version"
        fi
      done
    done
    unset IFS
    [ "$visited" != " " ] || seen "no Java in ${dirs:-(no directories)}"
  fi

  if [ -z "$chosen" ]; then
    if command -v java >/dev/null 2>&1; then
      home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n 1) || true
      version=$(java_version_of "${home:-/nonexistent}")
      if [ -n "$version" ] && [ "$version" -ge "$MIN_JAVA" ]; then
        chosen=$home chosen_version=$version
      else
        seen "java on the PATH ($(command -v java)): Java ${version:-of unknown version}"
      fi
    else
      seen "no java on the PATH"
    fi
  fi

  if [ -z "$chosen" ] && [ -x /usr/libexec/java_home ]; then
    home=$(/usr/libexec/java_home -v "$MIN_JAVA+" 2>/dev/null) || home=""
    if [ -n "$home" ]; then
      chosen=$home chosen_version=$(java_version_of "$home")
    else
      seen "/usr/libexec/java_home: no Java $MIN_JAVA or newer"
    fi
  fi

  if [ -z "$chosen" ]; then
    fail "Quarkbar needs Java $MIN_JAVA or newer (a JDK, to build it), and there is none here. Looked at:$JAVA_SEEN
Install a JDK $MIN_JAVA or newer (for example Eclipse Temurin from https://adoptium.net,
\`sudo apt install openjdk-21-jdk\`, or \`brew install openjdk@21\`), then set JAVA_HOME to it
(or leave it where this script looks: /usr/lib/jvm, /Library/Java/JavaVirtualMachines, ...)."
  fi
  export JAVA_HOME=$chosen
  JAVA=$JAVA_HOME/bin/java
  say "Java $chosen_version from $JAVA_HOME${note:+ ($note)}"
}

# --- What to run and build ---------------------------------------------------------------------

EXCEPT="" # guests not to start

# The modules the run needs, as words: module directory names.
needed_modules() {
  local modules="router-service"
  contains auth-service "$EXCEPT" || modules="$modules auth-service"
  contains forum-service "$EXCEPT" || modules="$modules forum-service"
  if [ -d web-ui ] && ! contains web-ui "$EXCEPT"; then modules="$modules web-ui"; fi
  if embedded_postgres; then modules="$modules infra/local/embedded-postgres"; fi
  printf '%s' "$modules"
}

embedded_postgres() { [ -z "${QUARKBAR_DB_SERVER:-}" ] && ! contains postgres "$EXCEPT"; }

artifact_of() { # the file a module's build makes, which the run starts
  case $1 in
    infra/local/embedded-postgres) printf '%s' "$1/target/quarkbar-embedded-postgres.jar" ;;
    *) printf '%s' "$1/target/quarkus-app/quarkus-run.jar" ;;
  esac
}

missing_modules() {
  local module missing=""
  for module in $(needed_modules); do
    [ -f "$(artifact_of "$module")" ] || missing="$missing $module"
  done
  printf '%s' "${missing# }"
}

# Says what building needs and is not there; prints nothing when all is there.
build_problems() { # build_problems MODULES
  local node_version
  [ -x "$JAVA_HOME/bin/javac" ] ||
    printf '%s\n' "$JAVA_HOME is a Java runtime without javac: building needs a JDK (set JAVA_HOME to one)"
  if contains web-ui "$1"; then
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
      printf '%s\n' "building web-ui needs Node.js $MIN_NODE or newer with npm, and node or npm is not on the PATH (https://nodejs.org)"
    else
      node_version=$(major_of "$(node --version 2>/dev/null | sed 's/^v//')")
      if [ -z "$node_version" ] || [ "$node_version" -lt "$MIN_NODE" ]; then
        printf '%s\n' "building web-ui needs Node.js $MIN_NODE or newer; node on the PATH is $(node --version 2>/dev/null)"
      fi
    fi
  fi
}

build() { # build MODULES
  local modules=$1 problems
  [ -n "$modules" ] || return 0
  problems=$(build_problems "$modules")
  [ -z "$problems" ] || fail "cannot build $modules:
$problems"
  say "building $modules (./mvnw package -DskipTests; the first build downloads Maven and the dependencies)"
  # shellcheck disable=SC2086 # QUARKBAR_MAVEN_ARGS holds separate words.
  ./mvnw -B -ntp package -DskipTests -pl "$(printf '%s' "$modules" | tr ' ' ',')" -am ${QUARKBAR_MAVEN_ARGS:-} ||
    fail "the build failed (its output is above)"
}

# --- Ports, secrets ----------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The ports of what will run, as "port:variable:who" words.
ports_needed() {
  local ports="$ROUTER_PORT:QUARKBAR_ROUTER_PORT:router-service"
  contains auth-service "$EXCEPT" || ports="$ports $AUTH_PORT:QUARKBAR_AUTH_PORT:auth-service"
  contains forum-service "$EXCEPT" || ports="$ports $FORUM_PORT:QUARKBAR_FORUM_PORT:forum-service"
  if [ -d web-ui ] && ! contains web-ui "$EXCEPT"; then ports="$ports $WEB_PORT:QUARKBAR_WEB_PORT:web-ui"; fi
  if embedded_postgres; then
    ports="$ports $POSTGRES_PORT:QUARKBAR_POSTGRES_PORT:postgres"
    ports="$ports $POSTGRES_HEALTH_PORT:QUARKBAR_POSTGRES_HEALTH_PORT:postgres-health"
  fi
  printf '%s' "$ports"
}

busy_ports() { # a line per port in use
  local entry port variable who
  for entry in $(ports_needed); do
    port=${entry%%:*} variable=${entry#*:} who=${variable#*:} variable=${variable%%:*}
    if port_in_use "$port"; then
      printf '%s\n' "port $port ($who) is in use: stop what uses it, or choose another with $variable=..."
    fi
  done
}

random_secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

secret_from_file() {
  [ -f "$SECRETS_FILE" ] || return 0
  sed -n "s/^$1=//p" "$SECRETS_FILE" | head -n 1
}

SECRETS_FROM_ENV=""

# The services' WAMP-CRA secrets: from the environment, else from the state directory's
# secrets.env, written once with new random values.
load_secrets() {
  local name value
  mkdir -p "$STATE_DIR"
  # The state directory is never to be committed, wherever it is.
  [ -f "$STATE_DIR/.gitignore" ] ||
    printf '# Made by quarkbar.sh: the local run'"'"'s data and secrets, never to be committed.\n*\n' >"$STATE_DIR/.gitignore"
  for name in QUARKBAR_AUTH_SERVICE_SECRET QUARKBAR_FORUM_SERVICE_SECRET; do
    value=$(eval "printf '%s' \"\${$name:-}\"")
    if [ -n "$value" ]; then
      SECRETS_FROM_ENV="$SECRETS_FROM_ENV $name"
      continue
    fi
    value=$(secret_from_file "$name")
    if [ -z "$value" ]; then
      value=$(random_secret)
      (
        umask 077
        printf '%s=%s\n' "$name" "$value" >>"$SECRETS_FILE"
      )
      say "generated $name into $SECRETS_FILE (kept for the next runs)"
    fi
    export "$name=$value"
  done
}

# --- Run ---------------------------------------------------------------------------------------

http_status() { # the status code of GET http://127.0.0.1:PORT/PATH, or nothing
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3
    IFS=' ' read -r -t 5 _ status _ <&3 || exit 0
    printf '%s' "$status"
  ) 2>/dev/null || true
}

# How to run an excepted guest against this platform, for a developer.
explain_except() {
  local guest=$1 secret_var db port
  case $guest in
    auth-service | forum-service)
      if [ "$guest" = auth-service ]; then
        secret_var=QUARKBAR_AUTH_SERVICE_SECRET db=auth port=$AUTH_PORT
      else
        secret_var=QUARKBAR_FORUM_SERVICE_SECRET db=forum port=$FORUM_PORT
      fi
      printf '\n%s is not started (--except %s). Run it yourself against this platform, e.g. in another\nterminal at %s:\n\n' "$guest" "$guest" "$ROOT"
      printf '  export QUARKBAR_WAMP_URL=ws://127.0.0.1:%s/ws QUARKBAR_WAMP_REALM=forum\n' "$ROUTER_PORT"
      printf '  export QUARKBAR_WAMP_AUTH_METHOD=wampcra QUARKBAR_WAMP_AUTH_AUTHID=%s\n' "$guest"
      if contains "$secret_var" "$SECRETS_FROM_ENV"; then
        printf '  export QUARKBAR_WAMP_AUTH_SECRET="$%s"\n' "$secret_var"
      else
        printf '  export QUARKBAR_WAMP_AUTH_SECRET="$(sed -n '"'"'s/^%s=//p'"'"' %s)"\n' "$secret_var" "$SECRETS_FILE"
      fi
      printf '  export QUARKBAR_DB_URL=%s/%s QUARKBAR_DB_USER=%s\n' \
        "${QUARKBAR_DB_SERVER:-jdbc:postgresql://localhost:$POSTGRES_PORT}" "$db" "${QUARKBAR_DB_USER:-postgres}"
      [ -z "${QUARKBAR_DB_PASSWORD:-}" ] || printf '  export QUARKBAR_DB_PASSWORD="$QUARKBAR_DB_PASSWORD"\n'
      printf '  export QUARKUS_HTTP_PORT=%s\n' "$port"
      printf '  ./mvnw -q install -DskipTests -pl %s -am   # once: the libraries it uses, into ~/.m2\n' "$guest"
      printf '  ./mvnw -pl %s quarkus:dev\n\n' "$guest"
      ;;
    web-ui)
      printf '\nweb-ui is not started (--except web-ui). Run it yourself, e.g. in another terminal at %s:\n\n' "$ROOT"
      printf '  export WEB_ROUTER_URL=ws://localhost:%s/ws WEB_REALM=forum QUARKUS_HTTP_PORT=%s\n' "$ROUTER_PORT" "$WEB_PORT"
      printf '  ./mvnw -q install -DskipTests -pl web-ui -am   # once: its parent pom, into ~/.m2\n'
      printf '  ./mvnw -pl web-ui quarkus:dev\n\n'
      ;;
    postgres)
      printf '\nPostgreSQL is not started (--except postgres): the services expect one at localhost:%s with the\n' "$POSTGRES_PORT"
      printf 'databases auth and forum (user %s). QUARKBAR_DB_SERVER=jdbc:postgresql://HOST:PORT names another.\n\n' "${QUARKBAR_DB_USER:-postgres}"
      ;;
  esac
}

ROUTER_PID=""
STOPPING=""

on_signal() {
  [ -n "$ROUTER_PID" ] || exit 130
  if [ -n "$STOPPING" ]; then
    say "stopping at once: SIGKILL to router-service (PostgreSQL stops by itself; other guests may be left)"
    kill -KILL "$ROUTER_PID" 2>/dev/null || true
    return
  fi
  STOPPING=1
  printf '\n'
  say "stopping: router-service stops its guests, then itself (Ctrl-C again to kill it at once)"
  kill -TERM "$ROUTER_PID" 2>/dev/null || true
}

run() {
  local rebuild="" guest missing problems status props="" url started=""
  while [ $# -gt 0 ]; do
    case $1 in
      --except)
        [ $# -ge 2 ] || fail "--except needs a guest: one of $GUESTS"
        contains "$2" "$GUESTS" || fail "--except $2: no such guest; the guests are $GUESTS"
        EXCEPT="$EXCEPT $2"
        shift 2
        ;;
      --except=*)
        guest=${1#--except=}
        contains "$guest" "$GUESTS" || fail "--except $guest: no such guest; the guests are $GUESTS"
        EXCEPT="$EXCEPT $guest"
        shift
        ;;
      --build) rebuild=1 && shift ;;
      *) fail "run: unknown option $1 (./quarkbar.sh help)" ;;
    esac
  done

  choose_java
  if [ -n "$rebuild" ]; then
    build "$(needed_modules)"
  else
    missing=$(missing_modules)
    build "$missing"
  fi

  problems=$(busy_ports)
  [ -z "$problems" ] || fail "cannot start:
$problems"

  load_secrets
  export QUARKBAR_STATE_DIR=$STATE_DIR QUARKBAR_ROUTER_PORT=$ROUTER_PORT QUARKBAR_AUTH_PORT=$AUTH_PORT \
    QUARKBAR_FORUM_PORT=$FORUM_PORT QUARKBAR_WEB_PORT=$WEB_PORT QUARKBAR_POSTGRES_PORT=$POSTGRES_PORT \
    QUARKBAR_POSTGRES_HEALTH_PORT=$POSTGRES_HEALTH_PORT
  if embedded_postgres; then
    export QUARKBAR_EMBEDDED_POSTGRES=true
    say "PostgreSQL: embedded, on localhost:$POSTGRES_PORT, its data in $STATE_DIR/postgres"
  else
    export QUARKBAR_EMBEDDED_POSTGRES=false
    [ -z "${QUARKBAR_DB_SERVER:-}" ] || say "PostgreSQL: $QUARKBAR_DB_SERVER (databases auth and forum)"
  fi
  if [ -d web-ui ]; then export QUARKBAR_WEB_UI=true; else export QUARKBAR_WEB_UI=false; fi
  for guest in $EXCEPT; do
    props="$props -Drouter.guests.$guest.enabled=false"
  done
  for guest in $GUESTS; do
    if contains "$guest" "$EXCEPT" || { [ "$guest" = postgres ] && ! embedded_postgres; } ||
      { [ "$guest" = web-ui ] && [ "$QUARKBAR_WEB_UI" = false ]; }; then
      continue
    fi
    started="$started${started:+, }$guest"
  done

  say "starting router-service on port $ROUTER_PORT, which starts its guests: ${started:-none}"
  trap on_signal INT TERM HUP
  # In the background, so that this script hears Ctrl-C and asks the router to stop; the router
  # (and so its guests) ignores the terminal's SIGINT, as every background command of a script does.
  # shellcheck disable=SC2086 # props holds separate words.
  "$JAVA" -Dquarkus.config.locations=router-service/config/forum.yaml,infra/local/platform.yaml \
    $props -jar router-service/target/quarkus-app/quarkus-run.jar &
  ROUTER_PID=$!

  while [ -z "$STOPPING" ] && kill -0 "$ROUTER_PID" 2>/dev/null; do
    [ "$(http_status "$ROUTER_PORT" /q/health/ready)" = 200 ] && break
    sleep 0.5
  done
  if [ -z "$STOPPING" ] && kill -0 "$ROUTER_PID" 2>/dev/null; then
    for guest in $EXCEPT; do explain_except "$guest"; done
    if [ "$QUARKBAR_WEB_UI" = true ] && ! contains web-ui "$EXCEPT"; then
      url=http://localhost:$WEB_PORT/
    else
      url="ws://localhost:$ROUTER_PORT/ws (realm forum; no web-ui started)"
    fi
    printf '\n'
    say "Quarkbar is ready: open $url"
    say "(router ws://localhost:$ROUTER_PORT/ws; data and secrets in $STATE_DIR; Ctrl-C stops everything)"
    printf '\n'
  fi

  status=0
  while kill -0 "$ROUTER_PID" 2>/dev/null; do
    status=0
    wait "$ROUTER_PID" || status=$?
  done
  trap - INT TERM HUP
  if [ -n "$STOPPING" ]; then
    say "stopped"
    exit 0
  fi
  fail "router-service exited with status $status (its log is above)"
}

check() {
  local missing problems="" busy
  choose_java
  missing=$(missing_modules)
  if [ -n "$missing" ]; then
    say "to build before a run: $missing"
    problems=$(build_problems "$missing")
  else
    say "built: $(needed_modules)"
  fi
  busy=$(busy_ports)
  if embedded_postgres; then
    say "PostgreSQL: embedded, data in $STATE_DIR/postgres"
  else
    say "PostgreSQL: ${QUARKBAR_DB_SERVER:-none started (--except postgres)}"
  fi
  problems=$problems${busy:+${problems:+
}$busy}
  [ -z "$problems" ] || fail "missing:
$problems"
  say "ready to run: ./quarkbar.sh run"
}

case ${1:-help} in
  run) shift && run "$@" ;;
  build)
    shift
    [ $# -eq 0 ] || fail "build takes no options"
    choose_java
    build "$(needed_modules)"
    ;;
  check)
    shift
    [ $# -eq 0 ] || fail "check takes no options"
    check
    ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac

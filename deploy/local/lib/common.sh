# shellcheck shell=bash
# Shared settings and helpers for deploy/local/*.sh. Sourced, never run.
# Every setting can be overridden by the environment variable of the same name.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

SOCLE_STACK_CACHE="${SOCLE_STACK_CACHE:-$LOCAL_DIR/.cache}"
SOCLE_STACK_RUN_DIR="${SOCLE_STACK_RUN_DIR:-$SOCLE_STACK_CACHE/run}"
SOCLE_STACK_TIMEOUT="${SOCLE_STACK_TIMEOUT:-120}"
SOCLE_M2_REPO="${SOCLE_M2_REPO:-$SOCLE_STACK_CACHE/m2}"

SOCLE_KAFKA_PORT="${SOCLE_KAFKA_PORT:-19092}"
SOCLE_KAFKA_CONTROLLER_PORT="${SOCLE_KAFKA_CONTROLLER_PORT:-19093}"
SOCLE_KAFKA_HEAP="${SOCLE_KAFKA_HEAP:-512m}"

SOCLE_ES_PORT="${SOCLE_ES_PORT:-19200}"
SOCLE_ES_TRANSPORT_PORT="${SOCLE_ES_TRANSPORT_PORT:-19300}"
SOCLE_ES_HEAP="${SOCLE_ES_HEAP:-512m}"
SOCLE_ES_USER="${SOCLE_ES_USER:-socle-es}"

log() { printf '[socle-stack] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The JDK for Kafka: SOCLE_JAVA_HOME, else JAVA_HOME, else the one `java` on PATH belongs to.
java_home() {
  if [ -n "${SOCLE_JAVA_HOME:-}" ]; then echo "$SOCLE_JAVA_HOME"; return; fi
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"; return; fi
  local java_bin
  java_bin="$(command -v java)" || die "no java on PATH; install a JDK 17+ or set SOCLE_JAVA_HOME"
  dirname "$(dirname "$(readlink -f "$java_bin")")"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven 3.6+ (Debian: apt-get install maven)"
}

# Fingerprint of the files a service was installed from: a changed pom means reinstall.
pom_fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

# mvn with the cache as local repository, so a second install needs no network.
# Its output goes to a log (Debian's Maven prints colour codes even in batch mode), shown when it fails.
mvn_cached() {
  local mvn_log="$SOCLE_STACK_CACHE/mvn.log"
  mkdir -p "$SOCLE_STACK_CACHE"
  if ! mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$SOCLE_M2_REPO" "$@" >"$mvn_log" 2>&1; then
    show_log_tail "$mvn_log" mvn
    die "mvn $* failed (full output: $mvn_log)"
  fi
}

# Serialises installs: two test runs starting at once must not unpack into the same folder together.
take_install_lock() {
  mkdir -p "$SOCLE_STACK_CACHE"
  exec 9>"$SOCLE_STACK_CACHE/.install.lock"
  flock 9
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_until TIMEOUT_SECONDS DESCRIPTION COMMAND...: polls COMMAND every second.
wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what: not ready after ${timeout}s"
      return 1
    fi
    sleep 1
  done
}

# stop_pid PIDFILE NAME: SIGTERM, wait up to 30 s, then SIGKILL.
stop_pid() {
  local pidfile="$1" name="$2" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: still running after 30 s, killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# kill_leftovers PATTERN NAME: processes whose command line holds PATTERN (a path unique to this run dir).
kill_leftovers() {
  local pattern="$1" name="$2" pids
  pids="$(pgrep -f -- "$pattern" || true)"
  [ -z "$pids" ] && return 0
  log "$name: killing leftover processes $pids"
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

show_log_tail() {
  local file="$1" name="$2"
  [ -f "$file" ] || { log "$name: no log at $file"; return 0; }
  log "$name: last 40 lines of $file"
  tail -n 40 "$file" >&2
}

#!/usr/bin/env bash
# The local test stack: Kafka (KRaft) and Elasticsearch, both from Maven Central, both on 127.0.0.1.
# Usage: deploy/local/stack.sh install|start|stop|status [kafka|elasticsearch]
#   install  download into deploy/local/.cache (a second run does no network)
#   start    fresh data dirs, start, wait until healthy (prints the log tail on failure)
#   stop     stop cleanly (pid files), then kill leftovers of this run dir
#   status   exit 0 when every service answers, 3 otherwise
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib/common.sh"

command="${1:-}"
services=("${@:2}")
[ "${#services[@]}" -gt 0 ] || services=(kafka elasticsearch)

script_for() {
  case "$1" in
    kafka) echo "$here/kafka.sh" ;;
    elasticsearch | es) echo "$here/elasticsearch.sh" ;;
    *) die "unknown service '$1' (expected kafka or elasticsearch)" ;;
  esac
}

case "$command" in
  install | status)
    rc=0
    for service in "${services[@]}"; do "$(script_for "$service")" "$command" || rc=$?; done
    exit "$rc"
    ;;
  start)
    # The services start side by side (each waits for its own health); if one fails, all are stopped.
    pids=()
    for service in "${services[@]}"; do
      "$(script_for "$service")" start &
      pids+=("$!")
    done
    failed=()
    for i in "${!services[@]}"; do
      wait "${pids[$i]}" || failed+=("${services[$i]}")
    done
    if [ "${#failed[@]}" -gt 0 ]; then
      for service in "${services[@]}"; do "$(script_for "$service")" stop || true; done
      die "stack: ${failed[*]} failed to start; stopped everything"
    fi
    log "stack: ready (kafka 127.0.0.1:$SOCLE_KAFKA_PORT, elasticsearch http://127.0.0.1:$SOCLE_ES_PORT)"
    ;;
  stop)
    for service in "${services[@]}"; do "$(script_for "$service")" stop; done
    ;;
  *)
    echo "usage: $0 install|start|stop|status [kafka|elasticsearch]" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Soak: mixed load (70 % look-ups, 30 % payment creations) through the packaged gateway for
# SOAK_MINUTES (default 10), sampling every 10 s into bench/results/soak-<time>.csv:
#   seconds, requests in the window, p99 ms, errors, gateway RSS MiB, open file descriptors.
# SOAK_JAVA_OPTS adds JVM options after the image's (a heap variant, or native memory tracking).
# Not part of CI. Needs nginx and wrk, like bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MINUTES=${SOAK_MINUTES:-10}
CONNECTIONS=${SOAK_CONNECTIONS:-64}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q -ntp package -DskipTests
RUN=$(mktemp -d)
mkdir -p bench/results
CSV=$ROOT/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ).csv
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$RUN"' EXIT
sed -e "s#__RUN__#$RUN#g" -e "s#__DIR__#$ROOT/bench#g" bench/nginx-upstream.conf > "$RUN/upstream.conf"
nginx -p "$RUN" -c "$RUN/upstream.conf" & PIDS+=($!)
KEY=soak-key-0123456789abcdef
echo "soak:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" > "$RUN/merchant-keys"
env GATEWAY_UPSTREAM_BASE_URL=http://127.0.0.1:18084 GATEWAY_AUTH_KEYS_FILE="$RUN/merchant-keys" \
    GATEWAY_BUDGET_LIMIT=1000000000 GATEWAY_BUDGET_WINDOW=1s \
    QUARKUS_HTTP_PORT=18080 QUARKUS_MANAGEMENT_PORT=19000 \
    java $(bench/image-jvm-options) ${SOAK_JAVA_OPTS:-} -jar "$JAR" > "$RUN/gateway.log" 2>&1 &
GATEWAY=$!; PIDS+=($GATEWAY)
for _ in $(seq 100); do curl -sf localhost:19000/q/health/ready >/dev/null && break; sleep 0.2; done
echo "seconds,requests,p99_ms,errors,rss_mib,open_fds" > "$CSV"
for i in $(seq $(( MINUTES * 6 ))); do
  line=$(BENCH_KEY=$KEY wrk -t2 -c"$CONNECTIONS" -d10s --timeout 5s -s bench/soak.lua http://127.0.0.1:18080 | tail -1)
  rss=$(( $(awk '/VmRSS/{print $2}' /proc/$GATEWAY/status) / 1024 ))
  fds=$(ls /proc/$GATEWAY/fd | wc -l)
  echo "$line" | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"$((i * 10)),{d['requests']},{d['p99']/1000:.2f},{d['errors']},$rss,$fds\")" >> "$CSV"
  tail -1 "$CSV"
done
echo "soak samples in $CSV"

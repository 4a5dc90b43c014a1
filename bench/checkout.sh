#!/usr/bin/env bash
# The checkout benchmark (issue #22): a merchant workload against the simulator with MixPay's limit on,
# the same workload in one run directly, through nginx as a careful operator configures it, through one
# gateway and through two gateway replicas sharing a Redis (each pair a Redis of its own); then the gateway again with MixPay in
# maintenance for a minute in the middle; then one gateway and two replicas receiving MixPay's payment
# callbacks (callbacks, callbacks-2). docs/benchmark.md, "Checkout benchmark", explains it.
#
#   bench/checkout.sh           full run (~24 min): 180 s per target (CHECKOUT_SECONDS), 24 merchants
#   bench/checkout.sh --smoke   ~20 s of workload, 4 s per target: everything starts, checkouts complete
#                               and the report is written (used by CI; the figures mean nothing)
#   CHECKOUT_TARGETS="gateway gateway-2" bench/checkout.sh
#                               only these targets, in the usual order (a gateway-only check while
#                               tuning; the ratios to direct and nginx need those targets in the run)
#   CHECKOUT_VARIANT_ENV="NAME=value ..." CHECKOUT_TARGETS="callbacks callbacks-variant" bench/checkout.sh
#                               callbacks-variant is the callbacks target with that extra gateway
#                               environment: both sides of a decision in one run (never in the default run)
#
# Scale: MixPay allows 60 calls per 60 s; here 20 per 10 s (CHECKOUT_LIMIT, CHECKOUT_WINDOW_S), so a run
# fits in minutes. What is timed against the budget is scaled by the same factor: mixpayjs' 20 s timeout
# (CHECKOUT_CLIENT_TIMEOUT_MS, 3300) and the gateway's 15 s per request (CHECKOUT_GATEWAY_TIMEOUT_MS, 2500;
# its 8 s per attempt 1500). The poll interval (2 s) and the payer's delay (5-30 s) are the merchant's and
# MixPay's real times. CHECKOUT_GATEWAY_ENV="NAME=value ..." adds gateway settings (e.g. the cache's).
#
# Needs nginx and redis-server (Debian packages), Java 17; builds the jar and test classes if missing.
# Writes bench/results/checkout-<time>/{results.csv,summary.md,chart.png,<target>.json,*.log}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SMOKE=false
[ "${1:-}" = "--smoke" ] && SMOKE=true

SECONDS_PER_TARGET=${CHECKOUT_SECONDS:-180}
WORKERS=${CHECKOUT_WORKERS:-24}
RESEND_SHARE=${CHECKOUT_RESEND_SHARE:-0.25}
LIMIT=${CHECKOUT_LIMIT:-20}
WINDOW_S=${CHECKOUT_WINDOW_S:-10}
PAY_AFTER=${CHECKOUT_PAY_AFTER:-5s-30s}
POLL_MS=${CHECKOUT_POLL_INTERVAL_MS:-2000}
CLIENT_TIMEOUT_MS=${CHECKOUT_CLIENT_TIMEOUT_MS:-3300}
GATEWAY_TIMEOUT_MS=${CHECKOUT_GATEWAY_TIMEOUT_MS:-2500}
GATEWAY_ATTEMPT_MS=${CHECKOUT_GATEWAY_ATTEMPT_MS:-1500}
MAINTENANCE_AT=${CHECKOUT_MAINTENANCE_AT_S:-60}
MAINTENANCE_FOR=${CHECKOUT_MAINTENANCE_FOR_S:-60}
PORT_BASE=${CHECKOUT_PORT_BASE:-28280}
# How long the merchants' receiver waits for relayed callbacks after the last checkout; the smoke's JVM options.
LATE_CALLBACKS_MS=3000
SMOKE_JAVA_OPTS=
# Merchants start one after another over as many windows as hold MixPay's own 60 calls (3 at 20 per
# 10 s), rather than in one millisecond or one window: the scale keeps MixPay's rate but not its burst.
# At MixPay, 24 merchants starting within a minute ask for 24 creations and their look-ups of one window
# of 60 calls; squeezed into one window of 20 they ask for more than any proxy can pass, and the run
# would measure the scaling, not the gateway.
RAMP_MS=${CHECKOUT_RAMP_MS:-$(( WINDOW_S * 1000 * ((60 + LIMIT - 1) / LIMIT) ))}
if $SMOKE; then
  # Short enough for CI, long enough for one checkout per merchant: payers pay within a second, merchants
  # poll twice a second, and the limit is raised so that the few seconds are not all 1429.
  SECONDS_PER_TARGET=3 WORKERS=4 PAY_AFTER=200ms-1000ms POLL_MS=500 LIMIT=200 MAINTENANCE_AT=1 MAINTENANCE_FOR=2 RAMP_MS=0
  LATE_CALLBACKS_MS=1000
  # Every JVM of the smoke compiles with C1 only, as the test JVMs do (pom.xml, test.jvm-options): they live
  # seconds, and nine of them start at once on two cores.
  SMOKE_JAVA_OPTS=-XX:TieredStopAtLevel=1
fi
# The poll-age target: twice the interval each answer came under (the gateway's X-Gateway-Poll-Interval,
# else the merchant's own), plus the longest a poll waits for budget in the gateway (its request timeout
# less the 250 ms it keeps to answer budget_exhausted in time).
BUDGET_WAIT_MS=$(( GATEWAY_TIMEOUT_MS - 250 ))

# The variant target and its environment go together: one without the other would measure nothing it says.
wants_variant=false has_variant=false
[[ " ${CHECKOUT_TARGETS:-} " == *" callbacks-variant "* ]] && wants_variant=true
[ -n "${CHECKOUT_VARIANT_ENV:-}" ] && has_variant=true
if [ "$wants_variant" != "$has_variant" ]; then
  echo "callbacks-variant and CHECKOUT_VARIANT_ENV go together (e.g. GATEWAY_CALLBACKS_VERIFY_CLASS=critical)" >&2; exit 2
fi
SIMULATOR=$((PORT_BASE + 1)) NGINX=$((PORT_BASE + 11)) LIMITER=$((PORT_BASE + 12)) MERCHANT_HOOKS=$((PORT_BASE + 21))
# Every gateway target has ports of its own (its management port 1000 above), so that in the smoke the
# next target's gateways start while one target runs, and a stopped gateway's port need not be free yet.
declare -A PORT_OF=([gateway]=$((PORT_BASE + 100)) [gateway-2-a]=$((PORT_BASE + 110)) [gateway-2-b]=$((PORT_BASE + 111))
  [gateway-maintenance]=$((PORT_BASE + 120)) [callbacks]=$((PORT_BASE + 130)) [callbacks-2-a]=$((PORT_BASE + 140))
  [callbacks-2-b]=$((PORT_BASE + 141)) [callbacks-variant]=$((PORT_BASE + 150)))
for port in $SIMULATOR $NGINX $LIMITER $MERCHANT_HOOKS "${PORT_OF[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { [ "$port" -ge $((PORT_BASE + 100)) ] && (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1000))") 2>/dev/null; }; then
    echo "port $port is taken (another benchmark?); CHECKOUT_PORT_BASE moves them all" >&2; exit 1
  fi
done

command -v nginx >/dev/null && command -v redis-server >/dev/null || { echo "needs nginx and redis-server: apt-get install nginx redis-server" >&2; exit 1; }
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q -ntp package -DskipTests
[ -f target/test-classes/me/mixpay/gateway/bench/CheckoutWorkload.class ] || ./mvnw -B -q -ntp test-compile
JVM_OPTS=$(bench/image-jvm-options)
CLASSPATH_BENCH=$(bench/test-classpath)

BUILD="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes)"
OUT=$ROOT/bench/results/checkout-$(date -u +%Y%m%dT%H%M%SZ)$($SMOKE && echo -smoke || true)
RUN=$(mktemp -d)
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT

wait_for() { # $1 URL $2 what
  for _ in $(seq 150); do curl -sf "$1" >/dev/null && return; sleep 0.2; done
  echo "$2 did not start" >&2; exit 1
}

# MixPay: the simulator, on its own, with MixPay's limit (scaled) and payers who pay after a while. Its
# callbacks go to each gateway's https public URL, mapped to a gateway's port as an ingress would: with
# two replicas, each one's callbacks to the other, so every callback crosses replicas through Redis.
CALLBACK=https://gateway.bench CALLBACK_A=https://gateway-a.bench CALLBACK_B=https://gateway-b.bench CALLBACK_VARIANT=https://gateway-variant.bench
CALLBACK_SECRET=bench-callback-token-secret-0123456789abcdef
SIGNING_SECRET="whsec_$(printf 'bench-relay-signing-key-32-bytes' | base64)"
java $SMOKE_JAVA_OPTS -Dgateway.simulator.rate-limit.limit="$LIMIT" -Dgateway.simulator.rate-limit.window="${WINDOW_S}s" \
    -Dgateway.simulator.callbacks.rewrite="$CALLBACK=http://127.0.0.1:${PORT_OF[callbacks]},$CALLBACK_A=http://127.0.0.1:${PORT_OF[callbacks-2-b]},$CALLBACK_B=http://127.0.0.1:${PORT_OF[callbacks-2-a]},$CALLBACK_VARIANT=http://127.0.0.1:${PORT_OF[callbacks-variant]}" \
    -Dgateway.simulator.pay-after="$PAY_AFTER" -cp "$CLASSPATH_BENCH" me.mixpay.gateway.simulator.MixPaySimulator "$SIMULATOR" \
    > "$OUT/simulator.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SIMULATOR/_simulator/maintenance" simulator

# nginx at MixPay's limit: the rate per second, with a burst of one window's worth.
RATE=$(awk -v l="$LIMIT" -v w="$WINDOW_S" 'BEGIN { r = l / w; if (r == int(r)) printf "%dr/s", r; else printf "%dr/m", l * 60 / w }')
sed -e "s#__RUN__#$RUN#g" -e "s#__SIMULATOR__#$SIMULATOR#g" -e "s#__LIMITER__#$LIMITER#g" -e "s#__NGINX__#$NGINX#g" \
    -e "s#__RATE__#$RATE#g" -e "s#__BURST__#$LIMIT#g" bench/nginx-checkout.conf > "$RUN/nginx-checkout.conf"
# nginx's workers run as another user when it is started as root: they must reach the cache under $RUN.
chmod 711 "$RUN"
nginx -p "$RUN" -c "$RUN/nginx-checkout.conf" & PIDS+=($!)

KEY=bench-key-0123456789abcdef
echo "bench:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" > "$RUN/merchant-keys"
read -r -a EXTRA_ENV <<< "${CHECKOUT_GATEWAY_ENV:-}"
read -r -a VARIANT_ENV <<< "${CHECKOUT_VARIANT_ENV:-}"
declare -A PIDS_OF=()
launch() { # $1 target $2 name (the target, or its replica's) [$3 Redis URL] [$4 callbacks' public URL]
  local target=$1 name=$2 port=${PORT_OF[$2]} redis=() callbacks=()
  [ -n "${3:-}" ] && redis=(GATEWAY_CLUSTER_REDIS_URL="$3")
  # With callbacks, the merchants ask for their own callbacks too, at the workload's receiver: the relay's lag.
  [ -n "${4:-}" ] && callbacks=(GATEWAY_CALLBACKS_PUBLIC_URL="$4" GATEWAY_CALLBACKS_TOKEN_SECRET="$CALLBACK_SECRET"
    GATEWAY_CALLBACKS_ALLOWED_TARGETS="http://127.0.0.1:$MERCHANT_HOOKS" GATEWAY_CALLBACKS_SIGNING_SECRET="$SIGNING_SECRET")
  local timeouts=() group variant=()
  [ "$target" = callbacks-variant ] && variant=("${VARIANT_ENV[@]}")
  for group in SETTINGS ESTIMATES PAYMENT_RESULTS PAYMENTS DEFAULT; do
    timeouts+=("GATEWAY_ROUTES_${group}_TIMEOUT_OVERALL=${GATEWAY_TIMEOUT_MS}ms" "GATEWAY_ROUTES_${group}_TIMEOUT_ATTEMPT=${GATEWAY_ATTEMPT_MS}ms")
  done
  # Shipped policies, MixPay's budget scaled as the simulator's limit is.
  env GATEWAY_UPSTREAM_BASE_URL="http://127.0.0.1:$SIMULATOR" GATEWAY_AUTH_KEYS_FILE="$RUN/merchant-keys" \
      GATEWAY_BUDGET_LIMIT="$LIMIT" GATEWAY_BUDGET_WINDOW="${WINDOW_S}s" "${timeouts[@]}" "${redis[@]}" "${callbacks[@]}" \
      QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$((port + 1000))" "${EXTRA_ENV[@]}" "${variant[@]}" \
      java $JVM_OPTS $SMOKE_JAVA_OPTS -jar "$JAR" > "$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  PIDS_OF[$target]="${PIDS_OF[$target]:-} $!"
}
# A Redis of its own for each target with two replicas: no budget window or cache entry of another run.
new_redis() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no > "$OUT/redis-$1.log" 2>&1 & PIDS+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  REDIS_URL="redis://127.0.0.1:$port"
}
start_target() { # $1 target: its gateways launched, not yet ready
  case $1 in
    gateway|gateway-maintenance) launch "$1" "$1" ;;
    gateway-2) new_redis "$1"; launch "$1" gateway-2-a "$REDIS_URL"; launch "$1" gateway-2-b "$REDIS_URL" ;;
    callbacks) launch "$1" callbacks "" "$CALLBACK" ;;
    callbacks-variant) launch "$1" callbacks-variant "" "$CALLBACK_VARIANT" ;;
    callbacks-2) new_redis "$1"; launch "$1" callbacks-2-a "$REDIS_URL" "$CALLBACK_A"; launch "$1" callbacks-2-b "$REDIS_URL" "$CALLBACK_B" ;;
  esac
}
await_target() { # $1 target: each of its gateways ready
  local name
  for name in "${!PORT_OF[@]}"; do
    if [[ $name == "$1" || $name == "$1"-[ab] ]]; then
      wait_for "http://127.0.0.1:$((PORT_OF[$name] + 1000))/q/health/ready" "gateway $name"
    fi
  done
}
bases_of() { # $1 target: its gateways' base URLs, the first replica first
  case $1 in
    gateway-2|callbacks-2) echo "http://127.0.0.1:${PORT_OF[$1-a]},http://127.0.0.1:${PORT_OF[$1-b]}" ;;
    *) echo "http://127.0.0.1:${PORT_OF[$1]}" ;;
  esac
}
STOPPING=()
stop_target() { # $1 target: its gateways told to stop (SIGTERM: they drain); await_stopped waits for them
  local p
  for p in ${PIDS_OF[$1]:-}; do kill "$p" 2>/dev/null || true; STOPPING+=("$p"); done
  PIDS_OF[$1]=
}
await_stopped() {
  local p
  for p in "${STOPPING[@]:-}"; do [ -n "$p" ] && { wait "$p" 2>/dev/null || true; }; done
  STOPPING=()
}
workload() { # $1 target $2 base URLs [$3... more settings]
  local target=$1 bases=$2
  shift 2
  java $SMOKE_JAVA_OPTS -cp "$CLASSPATH_BENCH" me.mixpay.gateway.bench.CheckoutWorkload target="$target" bases="$bases" \
      simulator="http://127.0.0.1:$SIMULATOR" out="$OUT" key="$KEY" workers="$WORKERS" seconds="$SECONDS_PER_TARGET" \
      resend-share="$RESEND_SHARE" poll-interval-ms="$POLL_MS" client-timeout-ms="$CLIENT_TIMEOUT_MS" ramp-ms="$RAMP_MS" late-callbacks-ms="$LATE_CALLBACKS_MS" "$@" \
      2>> "$OUT/workload.log" | tee -a "$OUT/workload.log"
}

ALL_TARGETS=(direct nginx gateway gateway-2 gateway-maintenance callbacks callbacks-2 callbacks-variant)
read -r -a WANTED <<< "${CHECKOUT_TARGETS:-${ALL_TARGETS[*]:0:7}}"
TARGETS=()
for target in "${ALL_TARGETS[@]}"; do
  [[ " ${WANTED[*]} " == *" $target "* ]] && TARGETS+=("$target")
done
[ ${#TARGETS[@]} -gt 0 ] || { echo "CHECKOUT_TARGETS names none of: ${ALL_TARGETS[*]}" >&2; exit 2; }
# The targets run one after another. A full run starts each target's gateways when its turn comes, so
# that nothing else uses the machine while one is measured. The smoke, whose figures mean nothing,
# starts them all at once at the beginning and stops each after its turn without waiting for it: about a
# third of its time was gateways starting and stopping.
if $SMOKE; then
  for target in "${TARGETS[@]}"; do start_target "$target"; done
fi
for target in "${TARGETS[@]}"; do
  extra=()
  case $target in
    direct) workload direct "http://127.0.0.1:$SIMULATOR"; continue ;;
    nginx) workload nginx "http://127.0.0.1:$NGINX"; continue ;;
    gateway-maintenance) extra=(maintenance-at="$MAINTENANCE_AT" maintenance-for="$MAINTENANCE_FOR") ;;
    callbacks|callbacks-2|callbacks-variant) extra=(merchant-callbacks-port="$MERCHANT_HOOKS") ;;
  esac
  $SMOKE || start_target "$target"
  await_target "$target"
  workload "$target" "$(bases_of "$target")" "${extra[@]}"
  stop_target "$target"
  $SMOKE || await_stopped
done
await_stopped

java $SMOKE_JAVA_OPTS -Djava.awt.headless=true -cp "$CLASSPATH_BENCH" me.mixpay.gateway.bench.CheckoutReport "$OUT" "$BUDGET_WAIT_MS" "${TARGETS[@]}"
COMMAND=${CHECKOUT_COMMAND:-${CHECKOUT_VARIANT_ENV:+CHECKOUT_VARIANT_ENV=\"$CHECKOUT_VARIANT_ENV\" }${CHECKOUT_TARGETS:+CHECKOUT_TARGETS=\"$CHECKOUT_TARGETS\" }bench/checkout.sh${1:+ $1}}
{ echo
  echo "Command: \`$COMMAND\`; limit $LIMIT per ${WINDOW_S} s, pay-after $PAY_AFTER, poll every $POLL_MS ms, mixpayjs timeout $CLIENT_TIMEOUT_MS ms, gateway timeout $GATEWAY_TIMEOUT_MS ms (attempt $GATEWAY_ATTEMPT_MS ms), maintenance from ${MAINTENANCE_AT} s for ${MAINTENANCE_FOR} s, merchants starting over ${RAMP_MS} ms, extra gateway environment: ${CHECKOUT_GATEWAY_ENV:-none}${CHECKOUT_VARIANT_ENV:+, callbacks-variant adds $CHECKOUT_VARIANT_ENV}; build $BUILD."; } >> "$OUT/summary.md"
if $SMOKE; then
  # The harness, not the gateway, is what the smoke checks: every target completed checkouts, and the
  # maintenance run's merchants called while MixPay was in maintenance (its breaker then stays open
  # longer than the smoke lasts, so that run need not complete any).
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
           $1 != "gateway-maintenance" && $column["checkouts_completed"] < 1 { print "smoke: no checkout completed for " $1; bad = 1 }
           $1 == "gateway-maintenance" && $column["maintenance_calls"] < 1 { print "smoke: no call during maintenance"; bad = 1 }
           END { exit bad }' "$OUT/results.csv"
fi
cat "$OUT/summary.md"
echo "results in $OUT"

#!/usr/bin/env bash
# mixpay-gateway benchmark: the gateway (packaged jar, prod-like policies), nginx as a plain reverse
# proxy, and the upstream called directly, driven by wrk on loopback in one run, alternating targets.
#
#   bench/run.sh            full run (~14 min): small and 20 KiB replies at 16/64/256 connections,
#                           a 30 % -1 run, and p99 at half the gateway's measured maximum (five rounds;
#                           BENCH_HALF_ROUNDS changes the count)
#   bench/run.sh --smoke    5-second check that everything starts and reports (used by CI)
#   bench/run.sh --quick    three alternating rounds of small replies at 64 connections (~3.5 min): the
#                           A/B check while working on the gateway's speed
#   BENCH_B_ENV="NAME=value ..." bench/run.sh --ab
#                           the shipped configuration (gateway) against the same jar with that extra
#                           environment (gateway-b), side by side, four alternating rounds at 64
#                           connections, rounds 3 and 4 on a fresh pair launched in the other order
#                           (~9 min): what a setting costs, measured in one run; BENCH_AB_ROUNDS=8 runs
#                           eight (the second four on the fresh pair), for effects near the noise;
#                           BENCH_AB_REPLY=big-20k and BENCH_AB_CONNECTIONS=256 measure another row;
#                           BENCH_AB_DELAY_MS=14 paces every connection (the half-load run's pacing) and
#                           adds the direct upstream to each round, for the p99 each gateway adds
#   BENCH_B_ENV="..." BENCH_C_ENV="NAME=value ..." bench/run.sh --ab
#                           the same with a third gateway (gateway-c, the shipped jar with that
#                           environment) in every round: both sides of a decision against the
#                           shipped configuration in one run (e.g. tracing sampled at 1.0 and at 0.1);
#                           six rounds, two on each of three fresh sets launched in rotating order (~18 min)
#   BENCH_B_JAR=/path/to/quarkus-app/quarkus-run.jar bench/run.sh --ab
#                           the same, with gateway-b another build (e.g. the previous commit's, copied
#                           aside): what a code change gains, measured in one run
#   BENCH_B_JAVA_OPTS="-XX:+UseSerialGC" bench/run.sh --ab
#                           the same, with extra JVM options for gateway-b (they follow the image's)
#   BENCH_B_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run.sh --ab
#                           the same, with gateway-b on another JVM
#   bench/run.sh --ceiling  the gateway, nginx and the thinnest Vert.x proxy (BareVertxProxy: the
#                           gateway's stack with nothing of the gateway in it), once on Vert.x's core
#                           HTTP client and once on the Mutiny Web Client the gateway uses, three
#                           alternating rounds at 64 connections, then five rounds paced at half the
#                           gateway's throughput with the direct call (~18 min): how near the stack gets to nginx;
#                           then, for each JVM, user and kernel CPU per 10k requests and system calls
#                           per request (strace -c), in cpu-split.md
#   bench/run.sh --profile  the gateway alone at 64 connections for 30 s under async-profiler (from
#                           Maven Central): CPU and allocation flame graphs, and the hottest frames
#
# Needs: nginx and wrk (Debian packages), Java 17, strace for --ceiling's CPU split; builds the jar if missing.
# Writes bench/results/<time>/{results.csv,results.json,chart.png,summary.md}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SMOKE=false
PROFILE=false
QUICK=false
AB=false
CEILING=false
[ "${1:-}" = "--smoke" ] && SMOKE=true
[ "${1:-}" = "--quick" ] && QUICK=true
[ "${1:-}" = "--profile" ] && PROFILE=true
[ "${1:-}" = "--ab" ] && AB=true
[ "${1:-}" = "--ceiling" ] && CEILING=true
if $AB && [ -z "${BENCH_B_ENV:-}${BENCH_B_JAR:-}${BENCH_B_JAVA_OPTS:-}${BENCH_B_JAVA:-}" ]; then
  echo "--ab needs BENCH_B_ENV (e.g. MP_FAULT_TOLERANCE_METRICS_ENABLED=false), BENCH_B_JAVA_OPTS (e.g. -XX:+UseSerialGC), BENCH_B_JAVA (another JVM) or BENCH_B_JAR (another build)" >&2; exit 2
fi
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
# The JVM needs about a minute of full load before C2 has compiled the request path; measured without
# it, the gateway ran at a fifth of its speed with the compiler thread taking one of the two cores.
# -XX:+PrintCompilation under load still showed 327 compilations between 60 and 90 s (6.6 % of the
# profile's samples in C2) and under 70 per 30 s from 120 s on: 90 s measures the steady state.
JIT_WARMUP=${BENCH_JIT_WARMUP:-90}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64 256"}
AB_CONNECTIONS=${BENCH_AB_CONNECTIONS:-64}
AB_DELAY=${BENCH_AB_DELAY_MS:-0}
case ${BENCH_AB_REPLY:-small} in
  small) AB_UPSTREAM=18081; AB_NGINX=18091 ;;
  big-20k) AB_UPSTREAM=18082; AB_NGINX=18092 ;;
  *) echo "BENCH_AB_REPLY is small or big-20k" >&2; exit 2 ;;
esac
if $SMOKE; then
  DURATION=1; WARMUP=1; JIT_WARMUP=1; CONNECTIONS=16
  # The smoke's figures mean nothing: its gateways compile with C1 only, as the test JVMs do (pom.xml).
  LAUNCH_JAVA_OPTS=${LAUNCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}
fi

# The gateway's JVM runs with the image's options; the bare proxy with the same heap and collector, so the
# ceiling compares code, not JVM settings.
JVM_OPTS=$(bench/image-jvm-options)
BARE_JVM_OPTS=$(bench/image-jvm-options --xx)

command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk: apt-get install nginx wrk" >&2; exit 1; }
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q -ntp package -DskipTests

OUT=$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)$($SMOKE && echo -smoke || true)$($PROFILE && echo -profile || true)$($QUICK && echo -quick || true)$($AB && echo -ab || true)$($CEILING && echo -ceiling || true)
RUN=$(mktemp -d)
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT

render() { sed -e "s#__RUN__#$RUN#g" -e "s#__DIR__#$ROOT/bench#g" "bench/$1" > "$RUN/$1"; }
render nginx-upstream.conf; render nginx-proxy.conf
nginx -p "$RUN" -c "$RUN/nginx-upstream.conf" & PIDS+=($!)
nginx -p "$RUN" -c "$RUN/nginx-proxy.conf" & PIDS+=($!)

KEY=bench-key-0123456789abcdef
echo "bench:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" > "$RUN/merchant-keys"
GATEWAY_PID=
GATEWAY_B_PID=
GATEWAY_C_PID=
LOG_SUFFIX=
BARE_PID=
WEBCLIENT_PID=
LAUNCHED=
launch() { # $1 upstream port $2 http port $3 management port $4 log name [$5... extra NAME=value]
  local upstream=$1 port=$2 management=$3 log=$4
  shift 4
  # Prod-like: every policy on, authentication on, JSON access log; limits sized for a benchmark
  # (the shipped 200/s per group would be the bottleneck, by design). The poll cache and coalescing are
  # off: every request here is the same poll, which they would answer without the upstream, and this
  # benchmark measures the forwarding path (bench/checkout.sh measures what the cache saves).
  env GATEWAY_UPSTREAM_BASE_URL="http://127.0.0.1:$upstream" GATEWAY_AUTH_KEYS_FILE="$RUN/merchant-keys" \
      GATEWAY_BUDGET_LIMIT=1000000000 GATEWAY_BUDGET_WINDOW=1s \
      GATEWAY_ROUTES_PAYMENT_RESULTS_POLL_ENABLED=false GATEWAY_CACHE_COALESCE=false \
      GATEWAY_ROUTES_PAYMENT_RESULTS_BULKHEAD_MAX_CONCURRENT=512 GATEWAY_ROUTES_PAYMENT_RESULTS_BULKHEAD_QUEUE=512 \
      GATEWAY_ROUTES_PAYMENT_RESULTS_RETRY_BUDGET_RATIO=0.5 GATEWAY_UPSTREAM_MAX_CONNECTIONS=256 \
      QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$management" "$@" \
      "${LAUNCH_JAVA:-java}" $JVM_OPTS ${LAUNCH_JAVA_OPTS:-} -jar "${LAUNCH_JAR:-$JAR}" > "$OUT/$log.log" 2>&1 &
  LAUNCHED=$!
  PIDS+=($LAUNCHED)
  for _ in $(seq 100); do
    if curl -sf "localhost:$management/q/health/ready" >/dev/null; then
      drive "$port" 64 "$JIT_WARMUP" >/dev/null
      return
    fi
    sleep 0.2
  done
  echo "gateway did not start" >&2; tail -20 "$OUT/$log.log" >&2; exit 1
}
start_gateway() { # $1 upstream port
  [ -n "$GATEWAY_PID" ] && { kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; }
  launch "$1" 18080 19000 "gateway-$1$LOG_SUFFIX"
  GATEWAY_PID=$LAUNCHED
}
pid_of() { case $1 in gateway) echo "$GATEWAY_PID" ;; gateway-b) echo "$GATEWAY_B_PID" ;; gateway-c) echo "$GATEWAY_C_PID" ;; vertx-bare) echo "$BARE_PID" ;; vertx-webclient) echo "$WEBCLIENT_PID" ;; esac; }
rss_kib() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
requests_in() { echo "$1" | sed 's/.*"requests":\([0-9]*\).*/\1/'; } # $1 a line of report.lua's

# Where a JVM's CPU per request goes: user or kernel time (one pass), and system calls per request
# (strace -c in a second pass, as tracing slows the process and inflates its kernel time).
cpu_split() { # $1 target $2 port
  local pid line ticks0 ticks1 reqs traced tracer
  pid=$(pid_of "$1")
  ticks0=$(awk '{print $14, $15}' "/proc/$pid/stat")
  line=$(drive "$2" 64 "$DURATION")
  ticks1=$(awk '{print $14, $15}' "/proc/$pid/stat")
  reqs=$(requests_in "$line")
  strace -c -f -q -p "$pid" -o "$OUT/strace-$1.txt" & tracer=$!
  sleep 1
  traced=$(requests_in "$(drive "$2" 64 "$DURATION")")
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  python3 - "$1" "$reqs" "$ticks0" "$ticks1" "$traced" "$OUT/strace-$1.txt" <<'PY'
import sys
target, reqs, t0, t1, traced, table = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split(), int(sys.argv[5]), sys.argv[6]
per10k = lambda i: (int(t1[i]) - int(t0[i])) / 100 / (reqs / 10000)
calls = {}
for row in open(table):
    f = row.split()
    if len(f) >= 5 and f[3].isdigit():
        calls[f[-1]] = int(f[3])
per = lambda name: f"{calls.get(name, 0) / traced:.2f}"
total = sum(v for k, v in calls.items() if k != "total")
print(f"| {target} | {per10k(0):.2f} | {per10k(1):.2f} | {per('read')} | {per('write')} | {per('writev')} | {per('epoll_wait')} | {total / traced:.2f} |")
PY
}

drive() { # $1 port $2 connections $3 seconds [$4 delay ms [$5 file for the latency quantiles]]
  BENCH_KEY=$KEY BENCH_DELAY_MS=${4:-0} BENCH_QUANTILES=${5:-} wrk -t2 -c"$2" -d"$3"s --timeout 5s -s bench/report.lua "http://127.0.0.1:$1" | tail -1
}

echo "scenario,target,connections,rps,p50_ms,p90_ms,p99_ms,p999_ms,errors,non2xx,gateway_rss_mib,gateway_cpu_s_per_10k" > "$OUT/results.csv"
measure() { # $1 scenario $2 target $3 port $4 connections [$5 delay]
  drive "$3" "$4" "$WARMUP" "${5:-0}" >/dev/null
  local c0 line rss=- cpu=- pid
  pid=$(pid_of "$2")
  [ -n "$pid" ] && c0=$(cpu_ticks "$pid")
  # Paced rounds keep their quantiles for summarise.py to pool; each paced scenario names one round.
  local quantiles=
  [ "${5:-0}" = 0 ] || { mkdir -p "$OUT/quantiles"; quantiles=$OUT/quantiles/$1-$2.json; }
  line=$(drive "$3" "$4" "$DURATION" "${5:-0}" "$quantiles")
  if [ -n "$pid" ]; then
    rss=$(( $(rss_kib "$pid") / 1024 ))
    local reqs; reqs=$(requests_in "$line")
    cpu=$(awk -v t="$(( $(cpu_ticks "$pid") - c0 ))" -v r="$reqs" 'BEGIN{printf "%.2f", (t/100)/(r/10000)}')
  fi
  echo "$line" | python3 -c "
import json,sys; d=json.loads(sys.stdin.read())
print(','.join(['$1','$2','$4','%.0f'%d['rps']]+['%.3f'%(d[k]/1000) for k in ('p50','p90','p99','p999')]+[str(d['errors']),str(d['non2xx']),'$rss','$cpu']))" >> "$OUT/results.csv"
  tail -1 "$OUT/results.csv"
}

# Each round starts at a random one of its targets and takes them in turn, so no target always
# runs on a cooler or hotter machine.
round() { # $1 scenario $2 connections $3... the targets as name:port
  local scenario=$1 connections=$2 first i spec
  shift 2
  local targets=("$@")
  first=$(( RANDOM % ${#targets[@]} ))
  for (( i = 0; i < ${#targets[@]}; i++ )); do
    spec=${targets[$(( (first + i) % ${#targets[@]} ))]}
    measure "$scenario" "${spec%%:*}" "${spec##*:}" "$connections" "${ROUND_DELAY:-0}"
  done
}
# Rounds at half the gateway's throughput, the p99 target's load: 64 connections paced by report.lua's
# think times so that together they ask for half of $2 req/s; one 10 s p99 on shared cores swings by
# milliseconds, so there are several rounds (BENCH_HALF_ROUNDS, five), which summarise.py also pools.
half_load_rounds() { # $1 scenario prefix $2 the gateway's measured req/s $3... the targets as name:port
  local prefix=$1 delay r
  delay=$(awk -v m="$2" 'BEGIN{printf "%d", 64*1000/(m/2)}')
  shift 2
  for r in $(seq "${BENCH_HALF_ROUNDS:-5}"); do ROUND_DELAY=$delay round "$prefix-r$r" 64 "$@"; done
}

start_gateway "$($AB && echo "$AB_UPSTREAM" || echo 18081)"
if $PROFILE; then
  # Attached after the JIT warm-up, so the profile shows the compiled request path, not the compiler.
  AP_VERSION=4.1
  ./mvnw -B -q -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:$AP_VERSION -DoutputDirectory=target/profiler
  (cd target/profiler && unzip -oq "async-profiler-$AP_VERSION.jar" 'linux-x64/*')
  AGENT=$ROOT/target/profiler/linux-x64/libasyncProfiler.so
  for event in cpu alloc; do
    # cpu falls back to itimer sampling where perf events are not allowed (perf_event_paranoid > 1).
    # jcmd splits its arguments on '=' unless the agent's option string is quoted.
    jcmd "$GATEWAY_PID" JVMTI.agent_load "$AGENT" "\"start,event=$event\"" >/dev/null
    drive 18080 64 30
    jcmd "$GATEWAY_PID" JVMTI.agent_load "$AGENT" "\"dump,file=$OUT/$event.collapsed,collapsed\"" >/dev/null
    jcmd "$GATEWAY_PID" JVMTI.agent_load "$AGENT" "\"stop,file=$OUT/$event.html\"" >/dev/null
    python3 bench/hot_frames.py "$OUT/$event.collapsed" | tee "$OUT/$event-top.txt"
  done
  echo "profiles in $OUT"
  exit 0
fi
if $AB; then
  read -r -a B_ENV <<< "${BENCH_B_ENV:-}"
  start_gateway_b() {
    [ -n "$GATEWAY_B_PID" ] && { kill "$GATEWAY_B_PID"; wait "$GATEWAY_B_PID" 2>/dev/null || true; }
    LAUNCH_JAR=${BENCH_B_JAR:-$JAR} LAUNCH_JAVA=${BENCH_B_JAVA:-java} LAUNCH_JAVA_OPTS=${BENCH_B_JAVA_OPTS:-} \
        launch "$AB_UPSTREAM" 18180 19100 "gateway-b$LOG_SUFFIX" "${B_ENV[@]}"
    GATEWAY_B_PID=$LAUNCHED
  }
  read -r -a C_ENV <<< "${BENCH_C_ENV:-}"
  start_gateway_c() {
    [ -n "$GATEWAY_C_PID" ] && { kill "$GATEWAY_C_PID"; wait "$GATEWAY_C_PID" 2>/dev/null || true; }
    [ -n "${BENCH_C_ENV:-}" ] || return 0
    launch "$AB_UPSTREAM" 18280 19200 "gateway-c$LOG_SUFFIX" "${C_ENV[@]}"
    GATEWAY_C_PID=$LAUNCHED
  }
  AB_TARGETS=(gateway gateway-b)
  [ -z "${BENCH_C_ENV:-}" ] || AB_TARGETS+=(gateway-c)
  n=${#AB_TARGETS[@]}
  { echo "gateway-b: ${BENCH_B_JAVA:-java} ${BENCH_B_JAR:-$JAR} ${BENCH_B_ENV:-} ${BENCH_B_JAVA_OPTS:-}; ${BENCH_AB_REPLY:-small} replies, $AB_CONNECTIONS connections, delay $AB_DELAY ms"
    [ -z "${BENCH_C_ENV:-}" ] || echo "gateway-c: java $JAR $BENCH_C_ENV"; } > "$OUT/b-env.txt"
  # The JVM launched second won ten rounds of twelve whichever build it ran (three runs, both orders;
  # docs/benchmark.md, "What was tried"): a suspected bias as large as the effects measured. So the run
  # is cut into as many parts as there are gateways, each on a fresh set launched in the next rotation
  # of the order (two: ab, ba; three: abc, bca, cab): every gateway is launched first, second (and
  # third) once. Four rounds for two, six for three, unless BENCH_AB_ROUNDS says more (a multiple of
  # the count): one run of four moved a ratio by 0.1 between two runs of the same builds.
  AB_ROUNDS=${BENCH_AB_ROUNDS:-$(( n == 2 ? 4 : 6 ))}
  (( AB_ROUNDS >= n && AB_ROUNDS % n == 0 )) || { echo "BENCH_AB_ROUNDS must be a multiple of $n with $n gateways" >&2; exit 2; }
  start_of() { case $1 in gateway) start_gateway "$AB_UPSTREAM" ;; gateway-b) start_gateway_b ;; gateway-c) start_gateway_c ;; esac; }
  pid_of_target() { case $1 in gateway) echo "$GATEWAY_PID" ;; gateway-b) echo "$GATEWAY_B_PID" ;; gateway-c) echo "$GATEWAY_C_PID" ;; esac; }
  launch_set() { # $1 the set's index: its launch order is the targets rotated by it
    local i target
    for (( i = 0; i < n; i++ )); do
      target=${AB_TARGETS[$(( ($1 + i) % n ))]}
      # The first set's shipped gateway is up already: launched first, above.
      [ -n "$(pid_of_target "$target")" ] || start_of "$target"
    done
  }
  launch_set 0
  port_of() { case $1 in gateway) echo 18080 ;; gateway-b) echo 18180 ;; gateway-c) echo 18280 ;; esac; }
  per_set=$(( AB_ROUNDS / n ))
  for r in $(seq "$AB_ROUNDS"); do
    if (( r > 1 && (r - 1) % per_set == 0 )); then
      for target in "${AB_TARGETS[@]}"; do
        pid=$(pid_of_target "$target"); kill "$pid"; wait "$pid" 2>/dev/null || true
      done
      GATEWAY_PID= GATEWAY_B_PID= GATEWAY_C_PID=
      LOG_SUFFIX=-set$(( (r - 1) / per_set + 1 ))
      launch_set $(( (r - 1) / per_set ))
    fi
    # Each round starts with the next target: over the run every one is measured first as often.
    for (( i = 0; i < n; i++ )); do
      target=${AB_TARGETS[$(( (r - 1 + i) % n ))]}
      measure "ab-r$r" "$target" "$(port_of "$target")" "$AB_CONNECTIONS" "$AB_DELAY"
    done
    measure "ab-r$r" nginx "$AB_NGINX" "$AB_CONNECTIONS" "$AB_DELAY"
    [ "$AB_DELAY" = 0 ] || measure "ab-r$r" direct "$AB_UPSTREAM" "$AB_CONNECTIONS" "$AB_DELAY"
  done
  python3 bench/summarise.py "$OUT"
  exit 0
fi
if $CEILING; then
  # Two bare proxies: on Vert.x's core HTTP client, and on the Mutiny Web Client the gateway is required
  # to use. The second is the ceiling of the gateway's stack; the gap between the two is the client's.
  CLASSPATH_BENCH=$(bench/test-classpath)
  java $BARE_JVM_OPTS -cp "$CLASSPATH_BENCH" me.mixpay.gateway.bench.BareVertxProxy 18070 18081 > "$OUT/vertx-bare.log" 2>&1 &
  BARE_PID=$!
  java $BARE_JVM_OPTS -cp "$CLASSPATH_BENCH" me.mixpay.gateway.bench.BareVertxProxy 18071 18081 webclient \
      > "$OUT/vertx-webclient.log" 2>&1 &
  WEBCLIENT_PID=$!
  PIDS+=($BARE_PID $WEBCLIENT_PID)
  for port in 18070 18071; do
    for _ in $(seq 100); do curl -sf "localhost:$port/" >/dev/null && break; sleep 0.2; done
    drive "$port" 64 "$JIT_WARMUP" >/dev/null
  done
  for r in 1 2 3; do round "ceiling-r$r" 64 vertx-bare:18070 vertx-webclient:18071 nginx:18091 gateway:18080; done
  # The p99 target's half load, with the stack's ceiling in it: half the gateway's median throughput in
  # the rounds above, so summarise.py gives the p99 the Web Client relay adds where the gateway is measured.
  max=$(awk -F, '$1 ~ /^ceiling-r/ && $2=="gateway" {print $4}' "$OUT/results.csv" | sort -n | sed -n 2p)
  half_load_rounds ceiling-half "$max" direct:18081 vertx-webclient:18071 nginx:18091 gateway:18080
  python3 bench/summarise.py "$OUT"
  if command -v strace >/dev/null; then
    { echo "| target | user CPU s/10k | kernel CPU s/10k | read/req | write/req | writev/req | epoll_wait/req | all syscalls/req |"
      echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
      for r in 1 2; do cpu_split vertx-bare 18070; cpu_split vertx-webclient 18071; cpu_split gateway 18080; done; } \
        | tee "$OUT/cpu-split.md"
  else
    echo "no strace (apt-get install strace): no user/kernel split" >&2
  fi
  exit 0
fi
if $QUICK; then
  for r in 1 2 3; do round "small-r$r" 64 direct:18081 nginx:18091 gateway:18080; done
  python3 bench/summarise.py "$OUT"
  exit 0
fi
for c in $CONNECTIONS; do round small "$c" direct:18081 nginx:18091 gateway:18080; done
if ! $SMOKE; then
  # p99 added by the gateway at half its maximum throughput. Five rounds, not three: with three, one
  # disturbed round could still move the median.
  max=$(awk -F, '$1=="small" && $2=="gateway" && $3==64 {print $4}' "$OUT/results.csv")
  half_load_rounds half-load "$max" direct:18081 nginx:18091 gateway:18080
  start_gateway 18082
  for c in $CONNECTIONS; do round big-20k "$c" direct:18082 nginx:18092 gateway:18080; done
  start_gateway 18083
  round retry-30pct 64 direct:18083 nginx:18093 gateway:18080
  echo "$(curl -s localhost:19000/q/metrics | grep -E '^mixpay_gateway_retries_total' | head -3)" > "$OUT/retries.txt"
fi

python3 bench/summarise.py "$OUT"
java -cp "$(bench/test-classpath)" me.mixpay.gateway.bench.BenchChart "$OUT/results.csv" "$OUT/chart.png"
echo "results in $OUT"

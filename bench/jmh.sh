#!/usr/bin/env bash
# JMH for the per-reply hot path (envelope inspection and classification): ns/op and, with the GC
# profiler, bytes allocated per op (gc.alloc.rate.norm). Extra arguments go to JMH.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp test-compile
java -cp "$(bench/test-classpath)" org.openjdk.jmh.Main EnvelopeInspectorBenchmark -prof gc "$@"

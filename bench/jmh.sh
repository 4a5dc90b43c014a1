#!/usr/bin/env bash
# JMH for the per-reply hot path (envelope inspection and classification): ns/op and, with the GC
# profiler, bytes allocated per op (gc.alloc.rate.norm). Extra arguments go to JMH.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp test-compile
CP=$(./mvnw -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
java -cp "target/test-classes:target/classes:$CP" org.openjdk.jmh.Main EnvelopeInspectorBenchmark -prof gc "$@"

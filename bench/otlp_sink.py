#!/usr/bin/env python3
"""An OTLP/HTTP collector that accepts every batch and keeps nothing, for the tracing A/B:

    python3 bench/otlp_sink.py 4318 &
    BENCH_B_ENV="QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf" bench/run.sh --ab

It prints the batches and bytes it received when stopped (SIGTERM or Ctrl-C).
"""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

batches = 0
received = 0


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        global batches, received
        length = int(self.headers.get("Content-Length", "0"))
        received += len(self.rfile.read(length))
        batches += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"otlp_sink: {batches} batches, {received} bytes", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 4318), Sink)
try:
    server.serve_forever()
except KeyboardInterrupt:
    stop()

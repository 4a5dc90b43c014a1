"""Summarises an async-profiler collapsed-stack file: the frames holding the most samples, both where
the time is spent (self) and what it is spent under (total), restricted to the gateway's own code and
the libraries on its request path."""
import collections
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
self_samples = collections.Counter()
total_samples = collections.Counter()
all_samples = 0
with open(path) as collapsed:
    for line in collapsed:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        count = int(count)
        all_samples += count
        frames = stack.split(";")
        self_samples[frames[-1]] += count
        for frame in set(frames):
            total_samples[frame] += count

def show(title, counter, keep=lambda f: True):
    print(f"## {title} (of {all_samples} samples)")
    shown = 0
    for frame, count in counter.most_common():
        if keep(frame):
            print(f"{100.0 * count / all_samples:6.2f}%  {frame}")
            shown += 1
            if shown == top:
                break

show("self", self_samples)
ours = ("me/mixpay", "io/smallrye/faulttolerance", "io/micrometer", "io/quarkus", "io/vertx", "com/fasterxml",
        "org/jboss/logmanager", "io/netty/handler/codec/http")
show("total, gateway and its libraries", total_samples, lambda f: f.startswith(ours))

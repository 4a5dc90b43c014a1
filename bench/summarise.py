"""Turns results.csv into results.json and a Markdown table with each proxy's ratios to nginx and to direct."""
import csv, json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
rows = list(csv.DictReader(open(out / "results.csv")))
json.dump(rows, open(out / "results.json", "w"), indent=1)
by = {(r["scenario"], r["target"], r["connections"]): r for r in rows}
lines = ["| scenario | conns | target | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | non-2xx | RSS MiB | CPU s/10k | ×nginx req/s | ×direct req/s |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for r in rows:
    ratio = lambda other: (f"{float(r['rps']) / float(by[(r['scenario'], other, r['connections'])]['rps']):.2f}"
                           if r["target"] not in ("nginx", "direct") and (r["scenario"], other, r["connections"]) in by else "")
    lines.append(f"| {r['scenario']} | {r['connections']} | {r['target']} | {r['rps']} | {r['p50_ms']} | {r['p90_ms']} | "
                 f"{r['p99_ms']} | {r['p999_ms']} | {r['errors']} | {r['non2xx']} | {r['gateway_rss_mib']} | "
                 f"{r['gateway_cpu_s_per_10k']} | {ratio('nginx')} | {ratio('direct')} |")
# The p99 each proxy adds to a direct call, round by round, where a round paced every target at the same
# rate (the half-load rounds, --ceiling's paced rounds, and --ab rounds run with BENCH_AB_DELAY_MS): one
# 10 s p99 on shared cores swings by milliseconds, so the verdict is the median of the rounds, each
# round's figures beside it.
paced = {}
for r in rows:
    if r["scenario"].startswith(("half-load", "ceiling-half", "ab-")):
        paced.setdefault(r["scenario"], {})[r["target"]] = r
added = {}
for scenario, targets in paced.items():
    if "direct" not in targets:
        continue
    for target, r in targets.items():
        if target != "direct":
            added.setdefault(target, []).append(
                (scenario, float(r["p99_ms"]) - float(targets["direct"]["p99_ms"]), r["rps"], r["p99_ms"], targets["direct"]["p99_ms"]))


def share_below(quantiles, x):
    """The percentage of a run's requests at or under x µs, interpolated between its quantiles."""
    below = 0.0
    for (p0, v0), (p1, v1) in zip([(0.0, 0)] + quantiles, quantiles):
        if x < v0:
            break
        below = p1 if x >= v1 else p0 + (p1 - p0) * (x - v0) / (v1 - v0)
    return below


def pooled_p99_ms(runs):
    """The p99 of all the requests of several runs, each weighed by its requests: bisection on the
    pooled distribution, to the microsecond."""
    total = sum(r["requests"] for r in runs)
    pooled = lambda x: sum(r["requests"] * share_below(r["quantiles_us"], x) for r in runs) / total
    low, high = 0.0, float(max(r["quantiles_us"][-1][1] for r in runs))
    while high - low > 1:
        middle = (low + high) / 2
        low, high = (middle, high) if pooled(middle) < 99 else (low, middle)
    return high / 1000


def quantiles_of(scenario, target):
    path = out / "quantiles" / f"{scenario}-{target}.json"
    return json.loads(path.read_text()) if path.exists() else None


for target in sorted(added, key=lambda t: (t == "nginx", t)):
    runs = added[target]
    median = statistics.median(a for _, a, _, _, _ in runs)
    rounds = "; ".join(f"{s} {a:+.3f} ms ({p99} vs {direct} ms at {rps} req/s)" for s, a, rps, p99, direct in runs)
    lines.append(f"\np99 added by {target} at a paced rate, median of {len(runs)}: {median:+.3f} ms. Rounds: {rounds}")
    # The same rounds pooled: the p99 of every request the target answered in them against the p99 of
    # every direct request, which a disturbed second in one round moves by its share of all requests
    # instead of by the whole round's p99.
    mine = [quantiles_of(s, target) for s, *_ in runs]
    direct = [quantiles_of(s, "direct") for s, *_ in runs]
    if all(mine) and all(direct):
        p99, direct_p99 = pooled_p99_ms(mine), pooled_p99_ms(direct)
        lines.append(f"\np99 added by {target} at a paced rate, pooled over the same {len(runs)} rounds: "
                     f"{p99 - direct_p99:+.3f} ms ({p99:.3f} ms over {sum(q['requests'] for q in mine)} requests "
                     f"vs {direct_p99:.3f} ms over {sum(q['requests'] for q in direct)})")
# --ab: each gateway against the shipped one (gateway), pooled over the rounds (the summed req/s, and CPU
# per request weighed the same way), with each round's ratio beside it: the figure the docs cite.
ab = {}
for r in rows:
    if r["scenario"].startswith("ab-r") and r["target"].startswith("gateway"):
        ab.setdefault(r["target"], {})[r["scenario"]] = r
for target in sorted(t for t in ab if t != "gateway" and "gateway" in ab):
    rounds = [s for s in ab[target] if s in ab["gateway"]]
    rps = lambda t: sum(float(ab[t][s]["rps"]) for s in rounds)
    if not rounds or rps("gateway") == 0 or rps(target) == 0 or any(float(ab["gateway"][s]["rps"]) == 0 for s in rounds):
        print(f"{target}: a round without requests, no pooled ratio", file=sys.stderr)
        continue
    cpu = lambda t: sum(float(ab[t][s]["rps"]) * float(ab[t][s]["gateway_cpu_s_per_10k"]) for s in rounds) / rps(t)
    each = ", ".join(f"{float(ab[target][s]['rps']) / float(ab['gateway'][s]['rps']):.2f}" for s in rounds)
    lines.append(f"\n{target} against gateway, pooled over {len(rounds)} rounds: **{rps(target) / rps('gateway'):.2f}x** the req/s "
                 f"({rps(target):.0f} against {rps('gateway'):.0f} summed; rounds {each}); CPU per request {cpu(target) / cpu('gateway'):.2f}x")
text = "\n".join(lines)
(out / "summary.md").write_text(text + "\n")
print(text)

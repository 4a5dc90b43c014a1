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
# rate (the half-load rounds, and --ab rounds run with BENCH_AB_DELAY_MS): one 10 s p99 on shared cores
# swings by milliseconds, so the verdict is the median of the rounds, each round's figures beside it.
paced = {}
for r in rows:
    if r["scenario"].startswith(("half-load", "ab-")):
        paced.setdefault(r["scenario"], {})[r["target"]] = r
added = {}
for scenario, targets in paced.items():
    if "direct" not in targets:
        continue
    for target, r in targets.items():
        if target != "direct":
            added.setdefault(target, []).append(
                (scenario, float(r["p99_ms"]) - float(targets["direct"]["p99_ms"]), r["rps"], r["p99_ms"], targets["direct"]["p99_ms"]))
for target in sorted(added, key=lambda t: (t == "nginx", t)):
    runs = added[target]
    median = statistics.median(a for _, a, _, _, _ in runs)
    rounds = "; ".join(f"{s} {a:+.3f} ms ({p99} vs {direct} ms at {rps} req/s)" for s, a, rps, p99, direct in runs)
    lines.append(f"\np99 added by {target} at a paced rate, median of {len(runs)}: {median:+.3f} ms. Rounds: {rounds}")
text = "\n".join(lines)
(out / "summary.md").write_text(text + "\n")
print(text)

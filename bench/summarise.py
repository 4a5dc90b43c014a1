"""Turns results.csv into results.json and a Markdown table with each proxy's ratios to nginx and to direct."""
import csv, json, sys, pathlib

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
half = {r["target"]: r for r in rows if r["scenario"] == "half-load"}
if "gateway" in half and "direct" in half:
    added = float(half["gateway"]["p99_ms"]) - float(half["direct"]["p99_ms"])
    lines.append(f"\np99 added by the gateway at half its maximum throughput: {added:.3f} ms "
                 f"(gateway {half['gateway']['p99_ms']} ms at {half['gateway']['rps']} req/s, direct {half['direct']['p99_ms']} ms)")
    if "nginx" in half:
        lines.append(f"p99 added by nginx at the same rate: {float(half['nginx']['p99_ms']) - float(half['direct']['p99_ms']):.3f} ms "
                     f"(nginx {half['nginx']['p99_ms']} ms)")
text = "\n".join(lines)
(out / "summary.md").write_text(text + "\n")
print(text)

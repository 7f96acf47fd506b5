"""Summarises one Stryker.NET JSON report (mutation-testing-report-schema) as a per-file Markdown table.

usage: mutation_summary.py GROUP REPORT.json DOC.md|-
Writes the table between `<!-- mutation:GROUP:begin -->` and `<!-- mutation:GROUP:end -->` in DOC.md ("-" prints it),
and prints the surviving and uncovered mutants so they can be read without opening the HTML report.
Score = (killed + timeout) / (killed + timeout + survived + no coverage); compile errors and ignored mutants (the
equivalent ones, disabled in the source with a reason) are outside the score, as in Stryker's own report.
"""
import datetime
import json
import re
import sys

group, report_path, doc = sys.argv[1], sys.argv[2], sys.argv[3]
with open(report_path, encoding="utf-8") as f:
    report = json.load(f)

STATUSES = ["Killed", "Survived", "Timeout", "NoCoverage", "Ignored", "CompileError", "RuntimeError"]


def score(c):
    valid = c["Killed"] + c["Timeout"] + c["Survived"] + c["NoCoverage"]
    return None if valid == 0 else 100.0 * (c["Killed"] + c["Timeout"]) / valid


def rel_of(path):
    return re.sub(r"^.*?src/Omni\.Engine/", "", path)


def fmt(s):
    return "n/a" if s is None else f"{s:.1f} %"


rows, total, undetected, ignored = [], {s: 0 for s in STATUSES}, [], []
for path, data in sorted(report["files"].items()):
    counts = {s: 0 for s in STATUSES}
    for m in data["mutants"]:
        st = m["status"]
        reason = m.get("statusReason") or ""
        if st == "Ignored" and reason.startswith("Removed by"):
            continue  # outside the run (mutate filter) or a duplicate Stryker itself dropped, not an equivalent mutant
        counts[st] = counts.get(st, 0) + 1
        line = m["location"]["start"]["line"]
        if st in ("Survived", "NoCoverage"):
            undetected.append(f"{st:10} {rel_of(path)}:{line} {m['mutatorName']}: {m.get('replacement', '')!r}")
        if st == "Ignored":
            ignored.append(f"{rel_of(path)}:{line} {m['mutatorName']}: {reason}")
    for s in STATUSES:
        total[s] += counts.get(s, 0)
    if sum(counts.values()) == 0:
        continue
    rel = rel_of(path)
    rows.append(f"| {rel} | {fmt(score(counts))} | {counts['Killed']} | {counts['Survived']} | {counts['Timeout']} "
                f"| {counts['NoCoverage']} | {counts['Ignored']} | {counts['CompileError']} |")

today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
table = "\n".join([
    f"**{group}**: {fmt(score(total))} ({today})",
    "",
    "| File (src/Omni.Engine/) | Score | Killed | Survived | Timeout | No coverage | Equivalent (excluded) | Compile error |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    *rows,
    f"| **all** | **{fmt(score(total))}** | {total['Killed']} | {total['Survived']} | {total['Timeout']} "
    f"| {total['NoCoverage']} | {total['Ignored']} | {total['CompileError']} |",
])

print("\n".join(undetected))
if ignored:
    print("equivalent (disabled in the source):\n" + "\n".join(ignored))
print(table)
if doc == "-":
    sys.exit(0)
with open(doc, encoding="utf-8") as f:
    text = f.read()
begin, end = f"<!-- mutation:{group}:begin -->", f"<!-- mutation:{group}:end -->"
block = f"{begin}\n{table}\n{end}"
if begin in text:
    text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
with open(doc, "w", encoding="utf-8") as f:
    f.write(text)

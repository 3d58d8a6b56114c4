#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count an upstream igt_runner results.json (make igt-guest).

  summary.py RESULTS.json [TESTLIST]     counts per result
  summary.py --compare A.json B.json     counts of both, and every subtest
                                         whose result differs
  summary.py --merge OUT.json A.json B.json...
                                         one results.json of runs over parts
                                         of a list (a later file's result of
                                         a subtest replaces an earlier one's)

A subtest is an igt@binary@subtest entry; dynamic subtests
(igt@binary@subtest@dynamic) are counted apart, since their number follows
the device (one per pipe, per plane...). Only "pass" counts as a pass;
"dmesg-warn" (passed, but the kernel logged a warning meanwhile) is also
added to it on a line of its own.
Entries of TESTLIST without a result are counted as "notrun".
"""
import json
import sys

ORDER = ["pass", "dmesg-warn", "warn", "fail", "dmesg-fail", "crash",
         "timeout", "abort", "incomplete", "skip", "notrun"]


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        tests = json.load(f).get("tests", {})
    top, dyn = {}, {}
    for name, t in tests.items():
        (dyn if name.count("@") > 2 else top)[name] = t.get("result", "?")
    return top, dyn


def listed(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line.startswith("igt@"):
                # igt_runner's results.json has lower-case names.
                names.append(line.lower())
    return names


def counts(results):
    c = {}
    for r in results.values():
        c[r] = c.get(r, 0) + 1
    return c


def fmt(c):
    keys = [k for k in ORDER if k in c] + sorted(k for k in c if k not in ORDER)
    return ", ".join("%s %d" % (k, c[k]) for k in keys)


def report(label, top, dyn):
    c = counts(top)
    print("%s: %d subtests: %s" % (label, len(top), fmt(c)))
    print("%s: PASS %d/%d (%d/%d counting dmesg-warn: passed, but the"
          " kernel logged a warning meanwhile)"
          % (label, c.get("pass", 0), len(top),
             c.get("pass", 0) + c.get("dmesg-warn", 0), len(top)))
    if dyn:
        print("%s: %d dynamic subtests: %s" % (label, len(dyn), fmt(counts(dyn))))


def merge(out, paths):
    tests = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            part = json.load(f).get("tests", {})
        # A subtest run again replaces its dynamic subtests too.
        for name in part:
            if name.count("@") == 2:
                for old in [n for n in tests if n.startswith(name + "@")]:
                    del tests[old]
        tests.update(part)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"merged_from": paths, "tests": tests}, f, indent=1)
    print("%s: %d entries from %d files" % (out, len(tests), len(paths)))


def main(argv):
    if len(argv) >= 4 and argv[1] == "--merge":
        merge(argv[2], argv[3:])
        return 0
    if len(argv) == 4 and argv[1] == "--compare":
        a, _ = load(argv[2])
        b, _ = load(argv[3])
        report(argv[2], a, {})
        report(argv[3], b, {})
        for name in sorted(set(a) | set(b)):
            ra, rb = a.get(name, "-"), b.get(name, "-")
            if ra != rb:
                print("  %-60s %-10s %s" % (name, ra, rb))
        return 0
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    top, dyn = load(argv[1])
    if len(argv) == 3:
        for name in listed(argv[2]):
            if name.count("@") == 2 and name not in top:
                top[name] = "notrun"
    report("igt-guest", top, dyn)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Compatibility matrix: build the freebsd target against each FreeBSD tree
given, run its tests, replay the seed repro and every recorded FreeBSD
finding, and print one row per tree.

  scripts/matrix.sh [--jobs=N] [--build-root=DIR] [--details] TREE...

--details adds a table: for each recorded finding, the oracle site each
tree's build ends at when replaying it (clean: no violation).

Builds are kept in <build-root>/<tree name> (default build/matrix) and
reused: CMake rebuilds only what changed.  A tree that configure refuses is a
row with configure's one-line reason.  A tree may carry a file .origin with
lines repository=<owner/name> and commit=<hash> (how it was obtained); they
are shown in the row.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "tests", "repros", "seed-215972.txt")
TESTS = r"freebsd|shim"


def die(msg):
    print("matrix: " + msg, file=sys.stderr)
    sys.exit(2)


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kw)


def config_value(path, name):
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r"#define %s (.*)$" % name, line)
                if m:
                    return m.group(1).strip().strip('"')
    except OSError:
        pass
    return "?"


def origin(tree):
    info = {}
    try:
        with open(os.path.join(tree, ".origin")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                info[k] = v
    except OSError:
        pass
    repo, commit = info.get("repository"), info.get("commit")
    return "%s `%s`" % (repo, commit[:12]) if repo and commit else "-"


def site_of(text):
    """The oracle site ('[site]' at the end of a violation line)."""
    m = re.search(r"VIOLATION .*\[([a-z0-9-]+)\]\s*$", text, re.M)
    return m.group(1) if m else None


def replay_site(replay, program):
    out = sh([replay, "--signature", program]).stdout
    if re.search(r"^invariant: clean$", out, re.M):
        return "clean"
    return site_of(out) or "error: " + " ".join(out.split())[:80]


def findings():
    """Recorded FreeBSD findings: (entry name, site its report names)."""
    rows = []
    for d in sorted(glob.glob(os.path.join(ROOT, "crashes", "freebsd-*"))):
        prog = os.path.join(d, "input.txt")
        if os.path.exists(prog):
            with open(prog) as f:
                rows.append((os.path.basename(d), site_of(f.read()), prog))
    return rows


def run_tree(tree, a):
    name = os.path.basename(os.path.normpath(tree))
    b = os.path.join(a.build_root, name)
    row = {"tree": name, "origin": origin(tree)}
    cfg = sh(
        [
            "cmake", "-S", ROOT, "-B", b, "-DVLF_TARGET=freebsd", "-DFREEBSD_SRC=" + os.path.abspath(tree),
            "-DCMAKE_C_COMPILER=" + a.cc, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        ]
    )
    fbh = os.path.join(b, "targets", "freebsd", "fb_config.h")
    if cfg.returncode != 0:
        err = re.search(r"CMake Error[^\n]*:\n((?:  .*\n?)+)", cfg.stdout)
        why = " ".join(err.group(1).split()) if err else "configure failed"
        # The tree by its name, not by where it lies on this machine.
        row["result"] = "refused: " + why.replace(os.path.abspath(tree), name)
        return row
    row["revision"] = config_value(fbh, "VLF_FB_TREE_DESC")
    row["version"] = config_value(fbh, "VLF_FB_VERSION")
    row["api"] = config_value(os.path.join(b, "targets", "freebsd", "derived", "fb_derived.h"), "VLF_FB_API_DESC")
    row["inj"] = "V_IRQ" if config_value(fbh, "VLF_FB_LAPIC_VIA_VIRQ") == "1" else "EVENTINJ"
    bld = sh(["cmake", "--build", b, "-j", str(a.jobs)])
    if bld.returncode != 0:
        first = next((l for l in bld.stdout.splitlines() if "error" in l), "build failed")
        row["result"] = "BUILD FAILED: " + first.strip()
        return row
    junit = os.path.join(b, "matrix-ctest.xml")
    sh(["ctest", "--test-dir", b, "-R", TESTS, "-j", str(a.jobs), "--output-junit", junit])
    passed = failed = skipped = 0
    failures = []
    try:
        for case in ET.parse(junit).getroot().iter("testcase"):
            status = case.get("status", "")
            if case.find("skipped") is not None or status == "notrun":
                skipped += 1
            elif case.find("failure") is not None or status == "fail":
                failed += 1
                failures.append(case.get("name"))
            else:
                passed += 1
    except (OSError, ET.ParseError):
        failures.append("(no CTest report)")
        failed += 1
    row["tests"] = "%d/%d passed%s" % (passed, passed + failed, ", %d skipped" % skipped if skipped else "")
    row["failures"] = failures
    replay = os.path.join(b, "targets", "freebsd", "vlf-replay-freebsd")
    seed = sh([replay, "--signature", SEED]).stdout
    m = re.search(r"^invariant: (\S+)", seed, re.M)
    row["seed"] = m.group(1) if m else "error"
    repro = []
    for entry, site, prog in findings():
        got = replay_site(replay, prog)
        if got == site:
            repro.append(entry)
        row.setdefault("finding_sites", []).append((entry, got))
    row["findings"] = repro
    row["result"] = "ok" if failed == 0 else "TESTS FAILED"
    return row


def main():
    ap = argparse.ArgumentParser(usage="scripts/matrix.sh [--jobs=N] [--build-root=DIR] [--details] TREE...")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--build-root", default=os.path.join(ROOT, "build", "matrix"))
    ap.add_argument("--cc", default="clang")
    ap.add_argument("--details", action="store_true", help="also list, per tree, each finding's verdict")
    ap.add_argument("trees", nargs="*")
    a = ap.parse_args()
    if not a.trees:
        die("no tree given (usage: scripts/matrix.sh TREE...)")
    for t in a.trees:
        if not os.path.isdir(t):
            die("%s: not a directory" % t)
    print("| tree | revision | __FreeBSD_version | vCPUs passed as | LAPIC injection | build | tests | seed 215972 | findings reproduced | obtained from |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for t in a.trees:
        r = run_tree(t, a)
        rows.append(r)
        if "revision" not in r or r["result"].startswith("BUILD"):
            print("| %s | %s | | | | %s | | | | %s |" % (r["tree"], r.get("revision", ""), r["result"], r["origin"]))
        else:
            print(
                "| %s | %s | %s | `%s` | %s | ok | %s | %s | %d of %d | %s |"
                % (
                    r["tree"], r["revision"], r["version"], r["api"], r["inj"], r["tests"], r["seed"],
                    len(r["findings"]), len(r["finding_sites"]), r["origin"],
                )
            )
        sys.stdout.flush()
    if a.details:
        # Per finding, the site each tree's build ends at.
        built = [r for r in rows if r.get("finding_sites")]
        print("\n| entry | " + " | ".join(r["revision"] for r in built) + " |")
        print("|---|" + "---|" * len(built))
        for k, (entry, _, _) in enumerate(findings()):
            print("| `%s` | %s |" % (entry, " | ".join(r["finding_sites"][k][1] for r in built)))
        for r in rows:
            for f in r.get("failures", []):
                print("\n%s: FAILED test %s" % (r["tree"], f))
    return 1 if any(r["result"] not in ("ok",) and not r["result"].startswith("refused") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

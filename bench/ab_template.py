#!/usr/bin/env python3
"""A/B of two cairn binaries on a template change at 10,000 pages,
interleaved (A, B, A, B...), on tmpfs and on a settled disk (`sync`, then
--settle seconds of rest before each build, so no recently freed inode is
in the way).
Usage: python3 bench/ab_template.py A_BINARY B_BINARY [--runs 5] [--settle 60]
         [--env-a K=V] [--env-b K=V]
Issue 17 used it to decide on the inode-recycling writer: A built from
commit 68b6580 (recycler on), B the same with CAIRN_RECYCLE=0 (plain
temporary file and rename); see bench/results-session5.md."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def one(site, binary, env, pause, edit):
    t = bench.cairn_tool(site)
    t.cmd[0] = binary
    t.edits = edit
    if pause:
        subprocess.run(["sync"], check=True)
        time.sleep(pause)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return t.template_change()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--settle", type=int, default=60)
    ap.add_argument("--env-a", action="append", default=[])
    ap.add_argument("--env-b", action="append", default=[])
    args = ap.parse_args()
    arms = {"A": (args.a, dict(kv.split("=", 1) for kv in args.env_a)),
            "B": (args.b, dict(kv.split("=", 1) for kv in args.env_b))}
    edit = int(time.time())
    for where, work, pause in [("tmpfs", "/dev/shm/cairn-ab", 0),
                               (f"disk, settled {args.settle} s", "/tmp/cairn-ab", args.settle)]:
        site = os.path.join(work, "site")
        bench.make_cairn_site(10000, site)
        bench.set_search(site, False)
        subprocess.run([args.b, "build", "--root", site, "--output", os.path.join(site, "public")],
                       check=True, capture_output=True)
        res = {k: [] for k in arms}
        for _ in range(args.runs):
            for k, (binary, env) in arms.items():
                edit += 1
                res[k].append(one(site, binary, env, pause, edit))
        for k in arms:
            walls = [w for w, _, _ in res[k]]
            print(f"{where}: {k} wall median {statistics.median(walls):.2f} s "
                  f"(runs {' '.join('%.2f' % w for w in walls)}), "
                  f"cpu median {statistics.median(c for _, c, _ in res[k]):.2f} s", flush=True)
        if work.startswith("/dev/shm"):
            shutil.rmtree(work)


if __name__ == "__main__":
    main()

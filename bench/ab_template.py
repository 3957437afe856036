#!/usr/bin/env python3
"""A/B of two cairn binaries on a template change at 10,000 pages,
interleaved (A, B, A, B...), on tmpfs and on a settled disk (`sync`, then
--settle seconds of rest before each build, so no recently freed inode is
in the way).
Usage: python3 bench/ab_template.py A_BINARY B_BINARY [--runs 5] [--settle 60]
         [--env-a K=V] [--env-b K=V] [--cold] [--disk-only | --tmpfs-only]
With --cold, first builds into an empty folder instead (the previous
output moved aside, not deleted).
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


def one(site, binary, env, pause, edit, cold):
    t = bench.cairn_tool(site)
    t.cmd[0] = binary
    t.edits = edit
    if cold and os.path.exists(t.out):
        # Moved aside, not deleted: no freed inode in the build's way.
        trash = os.path.join(os.path.dirname(site), "trash")
        os.makedirs(trash, exist_ok=True)
        os.rename(t.out, os.path.join(trash, str(edit)))
    if pause:
        subprocess.run(["sync"], check=True)
        time.sleep(pause)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return bench.run(t.cmd) if cold else t.template_change()
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
    ap.add_argument("--cold", action="store_true",
                    help="time first builds into an empty folder instead of template changes")
    ap.add_argument("--disk-only", action="store_true")
    ap.add_argument("--tmpfs-only", action="store_true")
    args = ap.parse_args()
    arms = {"A": (args.a, dict(kv.split("=", 1) for kv in args.env_a)),
            "B": (args.b, dict(kv.split("=", 1) for kv in args.env_b))}
    edit = int(time.time())
    places = [("tmpfs", "/dev/shm/cairn-ab-work", 0),
              (f"disk, settled {args.settle} s", "/tmp/cairn-ab-work", args.settle)]
    if args.disk_only:
        places = places[1:]
    if args.tmpfs_only:
        places = places[:1]
    for where, work, pause in places:
        site = os.path.join(work, "site")
        bench.make_cairn_site(10000, site)
        bench.set_search(site, False)
        subprocess.run([args.b, "build", "--root", site, "--output", os.path.join(site, "public")],
                       check=True, capture_output=True)
        res = {k: [] for k in arms}
        for _ in range(args.runs):
            for k, (binary, env) in arms.items():
                edit += 1
                res[k].append(one(site, binary, env, pause, edit, args.cold))
        for k in arms:
            walls = [w for w, _, _ in res[k]]
            print(f"{where}: {k} wall median {statistics.median(walls):.2f} s "
                  f"(runs {' '.join('%.2f' % w for w in walls)}), "
                  f"cpu median {statistics.median(c for _, c, _ in res[k]):.2f} s", flush=True)
        shutil.rmtree(os.path.join(work, "trash"), ignore_errors=True)
        if work.startswith("/dev/shm"):
            shutil.rmtree(work)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Rebuild latency of `cairn serve` and `cairn watch`: time from saving one
entry to its new output being served (serve, from memory) or written to the
output folder (watch), on a generated site.

Usage: rebuild_latency.py [--pages N] [--edits K] [--mode serve,watch]
                          [--cairn PATH]

Generates an N-page site (bench/gen_site.py), then for each mode starts
cairn on it and K times appends a unique sentence to one entry's body,
polling every 2 ms until the sentence appears (over HTTP for serve, in the
output file for watch). Prints the median, p90 and max latency of each
mode, and cairn's own rebuild times.
"""
import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def start(cmd, ready_pattern):
    """Starts cmd; returns (process, output lines, match of ready_pattern)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, box, ready = [], {}, threading.Event()

    def reader():
        for line in proc.stdout:
            lines.append(line.rstrip())
            m = re.search(ready_pattern, line)
            if m and not ready.is_set():
                box["m"] = m
                ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(300):
        proc.kill()
        sys.exit(f"{' '.join(cmd)} did not start:\n" + "\n".join(lines))
    return proc, lines, box["m"]


def measure(mode, site, cairn, edits):
    page = os.path.join(site, "content", "roles", "role-7.md")
    if mode == "serve":
        proc, lines, m = start([cairn, "serve", "--root", site, "--port", "0"],
                               r"serving .* at http://127\.0\.0\.1:(\d+)/")
        conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=10)

        def current():
            conn.request("GET", "/roles/role-7/")
            return conn.getresponse().read().decode("utf-8", "replace")
    else:
        out = os.path.join(site, "public")
        proc, lines, _ = start([cairn, "watch", "--root", site, "--output", out], r"^watching ")
        target = os.path.join(out, "roles", "role-7", "index.html")

        def current():
            with open(target, encoding="utf-8", errors="replace") as f:
                return f.read()
    latencies = []
    try:
        for k in range(edits):
            token = f"Latency probe {mode} number {k} {time.time_ns()}."
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n{token}\n")
            t0 = time.perf_counter()
            while token not in current():
                if time.perf_counter() - t0 > 30:
                    sys.exit(f"{mode}: timed out waiting for the edit")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.25)
    finally:
        proc.kill()
        proc.wait()
    rebuilds = [int(m.group(1)) for l in lines for m in [re.search(r"rebuilt in (\d+) ms", l)] if m]
    return sorted(latencies), rebuilds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--mode", default="serve,watch")
    ap.add_argument("--cairn", default=os.path.join(HERE, "..", "target", "release", "cairn"))
    args = ap.parse_args()

    site = tempfile.mkdtemp(prefix="cairn-latency-")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_site.py"), str(args.pages), site], check=True)
    print(f"pages: {args.pages}, edits: {args.edits}")
    for mode in [m for m in args.mode.split(",") if m]:
        lat, rebuilds = measure(mode, site, args.cairn, args.edits)
        p90 = lat[int(len(lat) * 0.9) - 1] if len(lat) >= 10 else lat[-1]
        what = "served" if mode == "serve" else "written"
        print(f"{mode}: save -> {what}: median {statistics.median(lat):.1f} ms, p90 {p90:.1f} ms, max {lat[-1]:.1f} ms")
        if rebuilds:
            print(f"{mode}: rebuild itself (incremental): median {statistics.median(rebuilds)} ms, max {max(rebuilds)} ms")
    print("note: about 30 ms of every figure is the watcher waiting for the save to settle (10 ms debounce + 20 ms merge window)")
    shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()

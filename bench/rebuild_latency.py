#!/usr/bin/env python3
"""Rebuild latency of `cairn serve`: time from saving one entry's body to the
new content being served, on a generated site.

Usage: rebuild_latency.py [--pages N] [--edits K] [--cairn PATH]

Generates an N-page site (bench/gen_site.py), starts `cairn serve` on it,
then K times appends a unique sentence to one entry's body and polls that
page over HTTP every 2 ms until the sentence appears. Prints the median,
p90 and max latency, and the server's own rebuild times.
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--cairn", default=os.path.join(HERE, "..", "target", "release", "cairn"))
    args = ap.parse_args()

    site = tempfile.mkdtemp(prefix="cairn-latency-")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_site.py"), str(args.pages), site], check=True)
    proc = subprocess.Popen([args.cairn, "serve", "--root", site, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    port_box = {}
    ready = threading.Event()

    def reader():
        for line in proc.stdout:
            lines.append(line.rstrip())
            m = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port_box["port"] = int(m.group(1))
                ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(120):
        proc.kill()
        sys.exit("server did not start:\n" + "\n".join(lines))
    port = port_box["port"]
    page = os.path.join(site, "content", "roles", "role-7.md")
    url = "/roles/role-7/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies = []
    try:
        for k in range(args.edits):
            token = f"Latency probe number {k} {time.time_ns()}."
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n{token}\n")
            t0 = time.perf_counter()
            while True:
                conn.request("GET", url)
                body = conn.getresponse().read().decode("utf-8", "replace")
                if token in body:
                    break
                if time.perf_counter() - t0 > 30:
                    sys.exit("timed out waiting for the edit to be served")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.25)
    finally:
        proc.kill()
    rebuilds = [int(m.group(1)) for l in lines for m in [re.search(r"rebuilt in (\d+) ms", l)] if m]
    lat = sorted(latencies)
    p90 = lat[int(len(lat) * 0.9) - 1] if len(lat) >= 10 else lat[-1]
    print(f"pages: {args.pages}, edits: {len(lat)}")
    print(f"save -> served: median {statistics.median(lat):.1f} ms, p90 {p90:.1f} ms, max {lat[-1]:.1f} ms")
    if rebuilds:
        print(f"server rebuild (incremental): median {statistics.median(rebuilds)} ms, max {max(rebuilds)} ms")
    print("note: about 30 ms of every figure is the watcher waiting for the save to settle (10 ms debounce + 20 ms merge window)")


if __name__ == "__main__":
    main()

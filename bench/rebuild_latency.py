#!/usr/bin/env python3
"""Save-to-served latency and memory of `cairn serve` (and `cairn watch`),
against Hugo's server on the same generated site, in one run.

Usage: rebuild_latency.py [--pages N] [--edits K] [--mode serve,watch]
                          [--entries leaf,hub] [--hugo] [--cairn PATH]

Generates an N-page site (bench/gen_site.py), then for each entry and each
tool starts the server on it and K times appends a unique sentence to that
entry's body, polling its URL every 2 ms over one kept-alive connection
until the sentence appears (for `watch`, the output file instead). Two
entries: the leaf, a framework page nothing refers to, and the hub,
`roles/role-0`, which every generated page links to (so its title shows on
all of them: backlinks, listings, comparisons). With --hugo, `hugo server`
(default settings: it renders to memory and re-renders what changed) runs
on the same Markdown with bench/hugo-layouts, interleaved entry by entry.
Prints the median, p90 and max latency, cairn's own rebuild times, and
each server's resident memory (VmRSS) after startup and after the edits.
cairn's share cards are off unless --cards is given, as in bench/bench.py's
rows against Hugo (Hugo draws none).
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


ENTRIES = {
    # name: (content file, URL path)
    "leaf": ("frameworks/fw-7.md", "/frameworks/fw-7/"),
    "hub": ("roles/role-0.md", "/roles/role-0/"),
}


def free_port():
    """A loopback port nothing listens on now."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid):
    """The resident memory of process pid, in MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(tool, mode, site, entry, edits, cairn):
    """Latencies (ms, sorted), cairn's rebuild times and (rss after start,
    rss after the edits) of `tool` (cairn or hugo) in `mode` on `entry`."""
    rel, url = ENTRIES[entry]
    page = os.path.join(site, "content", rel)
    if tool == "hugo":
        proc, lines, m = start(["hugo", "server", "--source", site, "--port", str(free_port()),
                                "--bind", "127.0.0.1", "--disableLiveReload"],
                               r"Web Server is available at http://(?:localhost|127\.0\.0\.1):(\d+)/")
        mode = "serve"
    elif mode == "serve":
        proc, lines, m = start([cairn, "serve", "--root", site, "--port", "0"],
                               r"serving .* at http://127\.0\.0\.1:(\d+)/")
    if mode == "serve":
        conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=10)

        def current():
            conn.request("GET", url)
            return conn.getresponse().read().decode("utf-8", "replace")
        current()
    else:
        out = os.path.join(site, "public")
        proc, lines, _ = start([cairn, "watch", "--root", site, "--output", out], r"^watching ")
        target = os.path.join(out, url.strip("/"), "index.html")

        def current():
            with open(target, encoding="utf-8", errors="replace") as f:
                return f.read()
    time.sleep(1)
    rss_start = rss_mb(proc.pid)
    latencies = []
    try:
        for k in range(edits):
            token = f"Latency probe {tool} {mode} {entry} number {k} {time.time_ns()}."
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n{token}\n")
            t0 = time.perf_counter()
            while token not in current():
                if time.perf_counter() - t0 > 60:
                    sys.exit(f"{tool} {mode} {entry}: timed out waiting for the edit")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.25)
        time.sleep(1)
        rss_end = rss_mb(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    rebuilds = [int(m.group(1)) for l in lines for m in [re.search(r"rebuilt in (\d+) ms", l)] if m]
    return sorted(latencies), rebuilds, (rss_start, rss_end)


def hugo_site(site, n):
    """The Hugo twin of the generated cairn site (as bench/bench.py makes it)."""
    sys.path.insert(0, HERE)
    import bench
    import gen_site
    hugo = site + "-hugo"
    shutil.rmtree(hugo, ignore_errors=True)
    os.makedirs(hugo)
    shutil.copytree(os.path.join(site, "content"), os.path.join(hugo, "content"))
    gen_site.hugo_comparisons(n, os.path.join(hugo, "content"))
    shutil.copytree(os.path.join(HERE, "hugo-layouts"), os.path.join(hugo, "layouts"))
    os.makedirs(os.path.join(hugo, "static"))
    shutil.copy(os.path.join(bench.REPO, "themes", "default", "static", "style.css"),
                os.path.join(hugo, "static", "style.css"))
    with open(os.path.join(hugo, "hugo.toml"), "w") as f:
        f.write('baseURL = "https://example.org/"\ntitle = "Generated Atlas"\nlanguageCode = "en"\n'
                'disableKinds = []\n[taxonomies]\ntag = "tags"\n'
                '[markup.tableOfContents]\nstartLevel = 2\nendLevel = 4\n')
    return hugo


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--mode", default="serve,watch")
    ap.add_argument("--entries", default="leaf,hub")
    ap.add_argument("--hugo", action="store_true", help="time hugo server in the same run")
    ap.add_argument("--json", help="also write the figures to this file as JSON (bench/bench.py reads it)")
    ap.add_argument("--cards", action="store_true",
                    help="leave cairn's share cards on (off by default: Hugo draws none)")
    ap.add_argument("--cairn", default=os.path.join(HERE, "..", "target", "release", "cairn"))
    args = ap.parse_args()

    site = tempfile.mkdtemp(prefix="cairn-latency-")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_site.py"), str(args.pages), site], check=True)
    if not args.cards:
        with open(os.path.join(site, "site.toml"), "a") as f:
            f.write("\n[images]\ncards = false\n")
    hugo = hugo_site(site, args.pages) if args.hugo else None
    print(f"pages: {args.pages}, edits: {args.edits} per entry and tool")
    medians = {}
    figures = []
    for entry in [e for e in args.entries.split(",") if e]:
        runs = [("cairn", m) for m in args.mode.split(",") if m]
        if hugo:
            runs.insert(1, ("hugo", "serve"))
        for tool, mode in runs:
            lat, rebuilds, (rss0, rss1) = measure(tool, mode, hugo if tool == "hugo" else site,
                                                  entry, args.edits, args.cairn)
            p90 = lat[int(len(lat) * 0.9) - 1] if len(lat) >= 10 else lat[-1]
            what = "served" if mode == "serve" else "written"
            medians[(tool, mode, entry)] = statistics.median(lat)
            figures.append({"tool": tool, "mode": mode, "entry": entry,
                            "median_ms": statistics.median(lat), "p90_ms": p90, "max_ms": lat[-1],
                            "rss_start_mb": rss0, "rss_end_mb": rss1,
                            "rebuild_ms": statistics.median(rebuilds) if rebuilds else None})
            print(f"{tool} {mode}, {entry} ({ENTRIES[entry][0]}): save -> {what}: median "
                  f"{statistics.median(lat):.1f} ms, p90 {p90:.1f} ms, max {lat[-1]:.1f} ms; "
                  f"memory {rss0:.0f} MB after start, {rss1:.0f} MB after {args.edits} edits")
            if rebuilds:
                print(f"{tool} {mode}, {entry}: rebuild itself (incremental): median "
                      f"{statistics.median(rebuilds)} ms, max {max(rebuilds)} ms")
        if hugo and ("cairn", "serve", entry) in medians:
            ratio = medians[("cairn", "serve", entry)] / medians[("hugo", "serve", entry)]
            print(f"{entry}: cairn serve / hugo server = {ratio:.2f}")
    print("note: about 30 ms of every cairn figure is the watcher waiting for the save to settle "
          "(10 ms debounce + 20 ms merge window)")
    if args.json:
        import json
        with open(args.json, "w") as f:
            json.dump({"pages": args.pages, "edits": args.edits, "figures": figures}, f, indent=1)
    shutil.rmtree(site, ignore_errors=True)
    if hugo:
        shutil.rmtree(hugo, ignore_errors=True)


if __name__ == "__main__":
    main()

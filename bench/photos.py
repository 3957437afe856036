#!/usr/bin/env python3
"""Images at build time: a site of N entries, each showing one photo
(generated: 3000 x 2000 JPEG at quality 90, smooth colour fields with
grain, about 1 MB each), built by cairn with its image cache cold and warm.

Usage: photos.py [--photos 200] [--runs 3] [--cairn PATH] [--work DIR]

Scenarios (medians of --runs, wall seconds, CPU seconds, peak RSS):
  cold cache    first build into an empty folder, `.cairn/cache/` removed
  warm cache    first build into an empty folder, the cache kept
  no change     a second build with nothing changed
  text edit     a build after one page's text changed (cache warm)
and, for `cairn serve`, the time from saving a text edit to the page being
served with it (median of 10 edits, polled every 2 ms), and from saving an
edit that shows a new photo to the page showing it (the original), then
its resized copies (made in the background).

Needs Pillow and numpy (pip install pillow numpy).
"""
import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import run  # noqa: E402  (wall, cpu, peak)


def photo(seed, path):
    rng = np.random.default_rng(seed)
    h, w = 2000, 3000
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        fx, fy, ph = rng.uniform(0.5, 3, 3)
        img[..., c] = 128 + 90 * np.sin(x / w * fx * 6.28 + ph) * np.cos(y / h * fy * 6.28)
    img += rng.normal(0, 9, (h, w, 3))
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, quality=90)


def make_site(site, n):
    if os.path.exists(os.path.join(site, "site.toml")):
        return
    os.makedirs(os.path.join(site, "content", "photos"), exist_ok=True)
    open(os.path.join(site, "site.toml"), "w").write(
        'title = "Photos"\nbase_url = "https://example.org/"\nsearch = false\n'
        '[collections.photos]\n[collections.photos.fields]\n'
        'team = { type = "enum", values = ["product", "design", "engineering"] }\n')
    open(os.path.join(site, "content", "_index.md"), "w").write("---\ntitle: Photos\n---\nA gallery.\n")
    for i in range(n):
        photo(i, os.path.join(site, "content", "photos", f"photo-{i}.jpg"))
        open(os.path.join(site, "content", "photos", f"p{i}.md"), "w").write(
            f"---\ntitle: Photo {i}\nteam: {['product', 'design', 'engineering'][i % 3]}\n---\n\n"
            f"Some words about photo {i}.\n\n![Photo {i}, a planning session](photo-{i}.jpg)\n")


def build(cairn, site, cold_cache, clear_output=True):
    if clear_output:
        shutil.rmtree(os.path.join(site, "public"), ignore_errors=True)
    if cold_cache:
        shutil.rmtree(os.path.join(site, ".cairn"), ignore_errors=True)
    return run([cairn, "build", "--root", site])


def serve_latency(cairn, site, edits=10):
    proc = subprocess.Popen([cairn, "serve", "--root", site, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port, ready = {}, threading.Event()

    def reader():
        for line in proc.stdout:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m and not ready.is_set():
                port["p"] = int(m.group(1))
                ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(600):
        proc.kill()
        sys.exit("serve did not start")
    conn = http.client.HTTPConnection("127.0.0.1", port["p"], timeout=10)

    def get(path):
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")

    def wait_for(path, needle):
        t0 = time.perf_counter()
        while True:
            status, body = get(path)
            if status == 200 and needle in body:
                return time.perf_counter() - t0
            time.sleep(0.002)

    page = os.path.join(site, "content", "photos", "p7.md")
    original = open(page).read()
    text_times = []
    for k in range(edits):
        with open(page, "a") as f:
            f.write(f"\nEdit number {k} of the text.\n")
        text_times.append(wait_for("/photos/p7/", f"Edit number {k} of"))
        time.sleep(0.3)
    # A new photo shown by an edited page: the page shows the original at
    # once, and its copies once they are made in the background.
    # A seed of its own each run: a photo seen before would be in the cache.
    new = os.path.join(site, "content", "photos", "fresh.jpg")
    photo(10_000 + int(time.time()) % 1_000_000, new)
    time.sleep(2)
    t0 = time.perf_counter()
    with open(page, "a") as f:
        f.write("\n![A fresh photo](fresh.jpg)\n")
    wait_for("/photos/p7/", "fresh.jpg")
    t_shown = time.perf_counter() - t0
    wait_for("/photos/p7/", "fresh-800w.jpg")
    t_copies = time.perf_counter() - t0
    proc.terminate()
    proc.wait()
    # The site as it was, for the next run.
    with open(page, "w") as f:
        f.write(original)
    os.remove(new)
    return statistics.median(text_times), max(text_times), t_shown, t_copies


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cairn", default=os.path.join(HERE, "..", "target", "release", "cairn"))
    ap.add_argument("--work", default="/tmp/cairn-photos")
    a = ap.parse_args()
    site = os.path.join(a.work, str(a.photos))
    t0 = time.time()
    make_site(site, a.photos)
    print(f"site of {a.photos} photos ready ({time.time() - t0:.0f} s)", file=sys.stderr)
    rows = {"cold cache": [], "warm cache": [], "no change": [], "text edit": []}
    page = os.path.join(site, "content", "photos", "p3.md")
    for r in range(a.runs):
        rows["cold cache"].append(build(a.cairn, site, True))
        rows["no change"].append(build(a.cairn, site, False, clear_output=False))
        rows["warm cache"].append(build(a.cairn, site, False))
        with open(page, "a") as f:
            f.write(f"\nMore words, run {r}.\n")
        rows["text edit"].append(build(a.cairn, site, False, clear_output=False))
    print(f"| {a.photos} photos | wall s | CPU s | peak MB |")
    print("|---|---:|---:|---:|")
    for name, values in rows.items():
        w = statistics.median(v[0] for v in values)
        c = statistics.median(v[1] for v in values)
        m = statistics.median(v[2] for v in values)
        print(f"| {name} | {w:.2f} | {c:.2f} | {m:.0f} |")
    med, worst, shown, copies = serve_latency(a.cairn, site)
    print(f"\nserve: text edit saved to served {med * 1000:.0f} ms median ({worst * 1000:.0f} ms worst of 10); "
          f"a new photo shown by an edited page {shown * 1000:.0f} ms, its copies {copies * 1000:.0f} ms")


if __name__ == "__main__":
    main()

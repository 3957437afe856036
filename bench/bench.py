#!/usr/bin/env python3
"""cairn against Hugo on the same generated product-career sites, in one run.

Usage: python3 bench/bench.py [--sizes 1000,10000] [--cairn-only 50000]
                              [--tmpfs-sizes 10000] [--tmpfs-cairn-only 1000,50000]
                              [--latency-pages 10000] [--latency-edits 30]
                              [--runs 3] [--out bench/results.md] [--baseline OLD_BINARY]
                              [--no-extras]

For each size it generates a cairn site (bench/gen_site.py, search off) and
a Hugo site from the same Markdown (front-matter as params, layouts in
bench/hugo-layouts/ doing the same page work: fields, refs resolved to
linked titles, TOC, tags, neighbours, section lists). Then, interleaving the
two tools, it times three scenarios several times each:

  cold      output folder removed first (removal not timed)
  no-change build again with nothing changed
  template  a template edited so that every entry page changes

and, at --settled-sizes, the cold scenario once more on a settled disk:
the previous output moved aside instead of deleted, then `sync` and
--settle seconds of rest before each build (see below for why).

Each run records wall time, CPU time (user + system of the child) and peak
memory (max RSS). The table shows medians and the cairn/Hugo ratio, plus a
row with cairn's search index switched on, one with glossary auto-links
on (roles and KPIs: 10 % of the pages are entries whose titles are
looked for, and 30 KPIs claim a common word each as a term, so that
nearly every page links 30 words), one with the JSON export of every
collection on, one with a second language (German) for 10 % of the pages
(`[languages.de]` and a `PATH.de.md` for every tenth file), and cairn alone at the
--cairn-only size to show how cost grows.

The --tmpfs-sizes comparison repeats the runs in /dev/shm (memory, no
disk), and --tmpfs-cairn-only runs cairn alone there: on this machine's
ext4 (no journal) every new inode is slow to allocate for minutes after
files were deleted, which sets the floor of the disk runs; tmpfs shows the
tools' own work, and the settled rows show the disk without that penalty,
as on a fresh checkout. The 50,000-page tmpfs site is removed afterwards (it holds
about 1.3 GB of memory). Last, bench/rebuild_latency.py
runs the preview scenarios at --latency-pages against `hugo server` in the
same run: save-to-served for a leaf entry and for the entry every page
refers to (--latency-edits edits each), and each server's resident memory
after startup and after the edits (share cards off, as in the rows
above); `cairn watch`'s save-to-written is timed too. Needs `hugo` on
PATH (apt-get install hugo) and a release build of cairn.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_site  # noqa: E402
REPO = os.path.dirname(HERE)
CAIRN = os.path.join(REPO, "target", "release", "cairn")
WORK = os.environ.get("CAIRN_BENCH_DIR", "/tmp/cairn-bench")
# --baseline: another cairn binary (an earlier commit) timed in the same
# interleaving, on its own copy of the site, for before/after figures.
BASELINE = None
# --no-extras: only the rows against Hugo (no search, auto-link, export,
# languages or share-card rows).
EXTRAS = True


def run(cmd, cwd=None):
    """Runs cmd; returns (wall s, cpu s, peak MB).

    The peak is read by /usr/bin/time, which starts the tool itself: the
    maximum RSS a wait4 reports for a child of this script counts the
    script's own memory, copied at the fork before the tool was started
    (about 25 MB of Python, or more with numpy), so small peaks would be
    the script's."""
    timed = os.path.exists("/usr/bin/time")
    with tempfile.TemporaryFile() as errf, tempfile.NamedTemporaryFile("r") as peakf:
        full = ["/usr/bin/time", "-f", "%M", "-o", peakf.name] + cmd if timed else cmd
        # stderr goes to a file: a pipe read only after the exit would block a
        # tool that prints more than the pipe holds.
        t0 = time.perf_counter()
        p = subprocess.Popen(full, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            errf.seek(0)
            sys.exit(f"{' '.join(cmd)} failed:\n{errf.read().decode('utf-8', 'replace')}")
        peak = int(peakf.read().split()[-1]) / 1024 if timed else usage.ru_maxrss / 1024
    return wall, usage.ru_utime + usage.ru_stime, peak


def make_cairn_site(n, site):
    """Generates the n-page cairn site at site unless it is there."""
    if not os.path.exists(os.path.join(site, "site.toml")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_site.py"), str(n), site], check=True)
        # A site template to edit in the template scenario: the default
        # theme's page.html, unchanged.
        os.makedirs(os.path.join(site, "templates"), exist_ok=True)
        shutil.copy(os.path.join(REPO, "themes", "default", "templates", "page.html"),
                    os.path.join(site, "templates", "page.html"))


def make_sites(n, work=WORK):
    base = os.path.join(work, str(n))
    cairn_site = os.path.join(base, "cairn")
    hugo_site = os.path.join(base, "hugo")
    make_cairn_site(n, cairn_site)
    if not os.path.exists(os.path.join(hugo_site, "hugo.toml")):
        os.makedirs(hugo_site, exist_ok=True)
        shutil.copytree(os.path.join(cairn_site, "content"), os.path.join(hugo_site, "content"), dirs_exist_ok=True)
        # cairn generates its comparison pages from site.toml; Hugo gets them
        # as content pages with a layout doing the same lookups.
        gen_site.hugo_comparisons(n, os.path.join(hugo_site, "content"))
        shutil.copytree(os.path.join(HERE, "hugo-layouts"), os.path.join(hugo_site, "layouts"), dirs_exist_ok=True)
        os.makedirs(os.path.join(hugo_site, "static"), exist_ok=True)
        shutil.copy(os.path.join(REPO, "themes", "default", "static", "style.css"), os.path.join(hugo_site, "static", "style.css"))
        with open(os.path.join(hugo_site, "hugo.toml"), "w") as f:
            f.write('baseURL = "https://example.org/"\ntitle = "Generated Atlas"\nlanguageCode = "en"\n'
                    'disableKinds = []\n[taxonomies]\ntag = "tags"\n'
                    '[markup.tableOfContents]\nstartLevel = 2\nendLevel = 4\n')
    return cairn_site, hugo_site


def set_search(site, on):
    path = os.path.join(site, "site.toml")
    text = open(path).read()
    text = text.replace("search = true", "search = false") if not on else text.replace("search = false", "search = true")
    open(path, "w").write(text)


def set_autolink(site, on):
    """Glossary auto-links for roles and KPIs (titles and the KPIs' terms)."""
    path = os.path.join(site, "site.toml")
    text = open(path).read().replace("autolink = true\n", "")
    if on:
        for c in ("roles", "kpis"):
            text = text.replace(f"[collections.{c}]\n", f"[collections.{c}]\nautolink = true\n", 1)
    open(path, "w").write(text)


def set_export(site, on):
    """The JSON export of every collection (`[export] json = true`)."""
    path = os.path.join(site, "site.toml")
    text = open(path).read().replace("\n[export]\njson = true\n", "")
    if on:
        text += "\n[export]\njson = true\n"
    open(path, "w").write(text)


def set_cards(site, on, cold_cache=False):
    """Share cards (on by default in cairn; off in the rows against Hugo,
    which draws none). With cold_cache, the image cache is emptied."""
    path = os.path.join(site, "site.toml")
    text = open(path).read().replace("\n[images]\ncards = false\n", "")
    if not on:
        text += "\n[images]\ncards = false\n"
    open(path, "w").write(text)
    if cold_cache:
        shutil.rmtree(os.path.join(site, ".cairn"), ignore_errors=True)


def set_languages(site, on):
    """A second language for 10 % of the pages: `[languages.de]` and a
    translation `PATH.de.md` of every tenth content file (its own title,
    the original's body and fields)."""
    path = os.path.join(site, "site.toml")
    text = open(path).read().replace('\n[languages.de]\ntitle = "Generierter Atlas"\n', "")
    content = os.path.join(site, "content")
    files = []
    for root, _, names in os.walk(content):
        for name in names:
            if name.endswith(".de.md"):
                os.remove(os.path.join(root, name))
            elif name.endswith(".md"):
                files.append(os.path.join(root, name))
    if on:
        text += '\n[languages.de]\ntitle = "Generierter Atlas"\n'
        for i, f in enumerate(sorted(files)):
            if i % 10:
                continue
            src = open(f).read()
            if src.startswith("---\ntitle: "):
                src = src.replace("---\ntitle: ", "---\ntitle: DE ", 1)
            open(f[:-3] + ".de.md", "w").write(src)
    open(path, "w").write(text)


class Tool:
    def __init__(self, name, template, out, cmd):
        self.name, self.template, self.out, self.cmd = name, template, out, cmd
        self.edits = 0

    def cold(self):
        shutil.rmtree(self.out, ignore_errors=True)
        return run(self.cmd)

    def no_change(self):
        return run(self.cmd)

    def template_change(self):
        self.edits += 1
        marker = "<!-- bench edit"
        lines = [l for l in open(self.template).read().split("\n") if marker not in l]
        text = "\n".join(lines)
        # Inside the page's main block, so every entry page changes.
        end = "{% endblock content %}" if "{% endblock content %}" in text else "{{ end }}"
        k = text.rindex(end)
        text = text[:k] + f"{marker} {self.edits} -->\n" + text[k:]
        open(self.template, "w").write(text)
        return run(self.cmd)


def cairn_tool(site, label="cairn"):
    out = os.path.join(site, "public")
    return Tool(label, os.path.join(site, "templates", "page.html"), out, [CAIRN, "build", "--root", site, "--output", out])


def hugo_tool(site):
    out = os.path.join(site, "public")
    return Tool("hugo", os.path.join(site, "layouts", "_default", "single.html"), out,
                ["hugo", "--quiet", "--source", site, "--destination", out])


SCENARIOS = [("cold", "first build into an empty folder"), ("no_change", "rebuild, nothing changed"),
             ("template_change", "rebuild after a template change")]


def measure(tools, runs):
    results = {(t.name, s): [] for t in tools for s, _ in SCENARIOS}
    for r in range(runs):
        # Interleaved (cairn, hugo, cairn, hugo...), and the order turned
        # each round: on a disk, a tool pays for the files the one before
        # it just freed, so no tool may always come after the same one.
        order = tools[r % len(tools):] + tools[:r % len(tools)]
        for scenario, _ in SCENARIOS:
            for t in order:
                results[(t.name, scenario)].append(getattr(t, scenario)())
    return results


def med(values, k):
    return statistics.median(v[k] for v in values)


def settled_cold(tools, runs, trash, pause):
    """First builds into an empty folder on a settled disk: the previous
    output is moved aside (deleted at the very end), and before each build
    the disk is synced and left alone for `pause` seconds, so that no inode
    freed in the last minute is around (see the module docstring)."""
    os.makedirs(trash, exist_ok=True)
    results = {t.name: [] for t in tools}
    for _ in range(runs):
        for t in tools:
            if os.path.exists(t.out):
                os.rename(t.out, tempfile.mkdtemp(prefix=t.name + "-", dir=trash))
            subprocess.run(["sync"], check=True)
            time.sleep(pause)
            results[t.name].append(run(t.cmd))
    return results


def compare(n, runs, work=WORK, where="", settle=0):
    """cairn against Hugo at n pages under work; returns table rows."""
    rows = []
    cairn_site, hugo_site = make_sites(n, work)
    set_search(cairn_site, False)
    set_cards(cairn_site, False)
    c, h = cairn_tool(cairn_site), hugo_tool(hugo_site)
    tools = [c, h]
    if BASELINE:
        base_site = os.path.join(work, str(n), "cairn-baseline")
        make_cairn_site(n, base_site)
        set_search(base_site, False)
        b = cairn_tool(base_site, "baseline")
        b.cmd[0] = BASELINE
        tools = [c, b, h]
    res = measure(tools, runs)
    for scenario, label in SCENARIOS:
        cr, hr = res[("cairn", scenario)], res[("hugo", scenario)]
        rows.append((n, label + where, cr, hr))
        if BASELINE:
            rows.append((n, label + where + " [baseline]", res[("baseline", scenario)], hr))
    if settle:
        res = settled_cold(tools, runs, os.path.join(work, "trash"), settle)
        rows.append((n, f"first build into an empty folder, disk settled {settle} s" + where,
                     res["cairn"], res["hugo"]))
        if BASELINE:
            rows.append((n, f"first build into an empty folder, disk settled {settle} s" + where
                         + " [baseline]", res["baseline"], res["hugo"]))
    if not EXTRAS:
        for t in tools:
            shutil.rmtree(t.out, ignore_errors=True)
        return rows
    set_search(cairn_site, True)
    cs = cairn_tool(cairn_site, "cairn+search")
    rows.append((n, "first build, search index on" + where, [cs.cold() for _ in range(runs)], None))
    set_search(cairn_site, False)
    set_autolink(cairn_site, True)
    ca = cairn_tool(cairn_site, "cairn+autolink")
    rows.append((n, "first build, glossary auto-links on" + where, [ca.cold() for _ in range(runs)], None))
    set_autolink(cairn_site, False)
    set_export(cairn_site, True)
    ce = cairn_tool(cairn_site, "cairn+export")
    rows.append((n, "first build, JSON export on" + where, [ce.cold() for _ in range(runs)], None))
    set_export(cairn_site, False)
    set_languages(cairn_site, True)
    cl = cairn_tool(cairn_site, "cairn+languages")
    rows.append((n, "first build, German for 10 % of the pages" + where, [cl.cold() for _ in range(runs)], None))
    set_languages(cairn_site, False)
    set_cards(cairn_site, True)
    cc = cairn_tool(cairn_site, "cairn+cards")

    def cards_cold():
        set_cards(cairn_site, True, cold_cache=True)
        return cc.cold()

    rows.append((n, "first build, share cards on, image cache empty" + where,
                 [cards_cold() for _ in range(runs)], None))
    rows.append((n, "first build, share cards on, image cache warm" + where,
                 [cc.cold() for _ in range(runs)], None))
    set_cards(cairn_site, False, cold_cache=True)
    for t in tools:
        shutil.rmtree(t.out, ignore_errors=True)
    return rows


def cairn_alone(n, runs, work=WORK, where=""):
    """cairn alone at n pages under work (to show how cost grows)."""
    base = os.path.join(work, str(n), "cairn")
    make_cairn_site(n, base)
    res = measure([cairn_tool(base)], runs)
    shutil.rmtree(os.path.join(base, "public"), ignore_errors=True)
    return [(n, label + where, res[("cairn", scenario)], None) for scenario, label in SCENARIOS]


def machine():
    """One line describing this machine."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    fs = subprocess.run(["df", "-T", WORK if os.path.exists(WORK) else "/"], capture_output=True, text=True).stdout.split("\n")[1:2]
    fs = fs[0].split()[1] if fs and fs[0] else "?"
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split(" ")[1:2]
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Linux {os.uname().release}, "
            f"{fs} for the disk runs; Hugo {hugo[0] if hugo else '?'}")


def serve_table(data):
    """The save-to-served and serve-memory rows of rebuild_latency.py's
    figures: cairn serve against hugo server, entry by entry."""
    by = {(f["tool"], f["mode"], f["entry"]): f for f in data["figures"]}
    n, k = data["pages"], data["edits"]
    lines = [f"Preview at {n:,} pages (`cairn serve` against `hugo server`, {k} edits per entry, "
             "median save-to-served polled every 2 ms; memory = VmRSS):", "",
             "| scenario | cairn | Hugo | cairn/Hugo |", "|---|---:|---:|---:|"]
    for entry, what in [("leaf", "a leaf entry"), ("hub", "the most-referenced entry")]:
        c, h = by.get(("cairn", "serve", entry)), by.get(("hugo", "serve", entry))
        if c and h:
            lines.append(f"| save to served, {what} | {c['median_ms']:.0f} ms | {h['median_ms']:.0f} ms "
                         f"| {c['median_ms'] / h['median_ms']:.2f} |")
    for key, what in [("rss_start_mb", "after startup"), ("rss_end_mb", f"after {k} edits")]:
        c = [f[key] for (t, m, _), f in by.items() if t == "cairn" and m == "serve"]
        h = [f[key] for (t, _, _), f in by.items() if t == "hugo"]
        if c and h:
            lines.append(f"| memory {what} (largest) | {max(c):.0f} MB | {max(h):.0f} MB "
                         f"| {max(c) / max(h):.2f} |")
    w = [f for (t, m, _), f in by.items() if t == "cairn" and m == "watch"]
    for f in w:
        lines.append(f"| `cairn watch`, save to written, {f['entry']} | {f['median_ms']:.0f} ms | | |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--cairn-only", default="50000")
    ap.add_argument("--tmpfs-sizes", default="10000")
    ap.add_argument("--tmpfs-cairn-only", default="1000,50000")
    ap.add_argument("--tmpfs-dir", default="/dev/shm/cairn-bench")
    ap.add_argument("--latency-pages", type=int, default=10000)
    ap.add_argument("--latency-edits", type=int, default=30)
    ap.add_argument("--settled-sizes", default="10000")
    ap.add_argument("--settle", type=int, default=65)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--baseline", help="another cairn binary to time in the same runs")
    ap.add_argument("--no-extras", action="store_true",
                    help="only the rows against Hugo (no search, auto-link, export, languages, cards)")
    args = ap.parse_args()
    global BASELINE, EXTRAS
    BASELINE = args.baseline
    EXTRAS = not args.no_extras
    if not os.path.exists(CAIRN):
        sys.exit("build cairn first: cargo build --release")
    rows = []
    settled = {int(s) for s in args.settled_sizes.split(",") if s}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        rows += compare(n, args.runs, settle=args.settle if n in settled else 0)
    for n in [int(s) for s in args.cairn_only.split(",") if s]:
        rows += cairn_alone(n, max(1, args.runs - 1))
    tmpfs = os.path.dirname(args.tmpfs_dir.rstrip("/"))
    if os.path.isdir(tmpfs):
        for n in [int(s) for s in args.tmpfs_sizes.split(",") if s]:
            rows += compare(n, args.runs, args.tmpfs_dir, " (tmpfs)")
        for n in [int(s) for s in args.tmpfs_cairn_only.split(",") if s]:
            rows += cairn_alone(n, max(1, args.runs - 1), args.tmpfs_dir, " (tmpfs)")
            shutil.rmtree(os.path.join(args.tmpfs_dir, str(n)), ignore_errors=True)
    else:
        print(f"no {tmpfs}: skipping the tmpfs runs", file=sys.stderr)
    latency, serve_rows = "", ""
    if args.latency_pages:
        with tempfile.NamedTemporaryFile(suffix=".json") as j:
            latency = subprocess.run([sys.executable, os.path.join(HERE, "rebuild_latency.py"),
                                      "--pages", str(args.latency_pages), "--cairn", CAIRN,
                                      "--mode", "serve,watch", "--entries", "leaf,hub", "--hugo",
                                      "--edits", str(args.latency_edits), "--json", j.name],
                                     check=True, capture_output=True, text=True).stdout
            serve_rows = serve_table(json.load(open(j.name)))

    # Moved-aside outputs of the settled runs go last, when nothing is timed.
    shutil.rmtree(os.path.join(WORK, "trash"), ignore_errors=True)

    lines = ["| pages | scenario | cairn wall | cairn CPU | cairn peak | Hugo wall | Hugo CPU | Hugo peak | wall ratio | CPU ratio |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, label, cr, hr in rows:
        cw, cc, cm = med(cr, 0), med(cr, 1), max(v[2] for v in cr)
        if hr:
            hw, hc, hm = med(hr, 0), med(hr, 1), max(v[2] for v in hr)
            lines.append(f"| {n:,} | {label} | {cw:.2f} s | {cc:.2f} s | {cm:.0f} MB | {hw:.2f} s | {hc:.2f} s | {hm:.0f} MB | {cw / hw:.2f} | {cc / hc:.2f} |")
        else:
            lines.append(f"| {n:,} | {label} | {cw:.2f} s | {cc:.2f} s | {cm:.0f} MB | | | | | |")
    table = "\n".join(lines)
    head = f"Machine: {machine()}.\nMedians of {args.runs} interleaved runs; peak = max RSS.\n"
    text = f"{head}\n{table}\n"
    if serve_rows:
        text += "\n" + serve_rows
    if latency:
        text += "\nIncremental rebuilds (bench/rebuild_latency.py):\n\n" + "".join(
            f"    {l}\n" for l in latency.strip().split("\n"))
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()

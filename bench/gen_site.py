#!/usr/bin/env python3
"""Generate a synthetic product-career knowledge base of N pages for benchmarks.

Usage: gen_site.py N OUT_DIR

The cairn site has typed collections (roles, kpis, frameworks) with refs
between them, tags, comparisons of pairs of roles (one per 100 pages), and
Markdown bodies with headings, lists, tables and links. The first 30 KPIs
each list one word of the bodies' vocabulary as a glossary term (`terms`),
which auto-links it once per page when bench/bench.py turns `autolink` on
for the roles and KPIs. Output is
deterministic for a given N. `hugo_comparisons` writes the same comparisons
as Hugo content pages (bench/bench.py calls it).
"""
import os
import random
import shutil
import sys

WORDS = ("product owner manager backlog sprint roadmap vision market customer "
         "team velocity revenue churn retention metric strategy stakeholder "
         "delivery story acceptance criteria release discovery research "
         "experiment hypothesis outcome growth pricing segment funnel").split()


def para(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def body(rng, links):
    out = []
    for h in range(4):
        out.append(f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {h}\n")
        out.append(para(rng, 60) + "\n")
        out.append("".join(f"- {para(rng, 8)}\n" for _ in range(4)))
        out.append("| Dimension | Value |\n|---|---|\n" + "".join(
            f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} |\n" for _ in range(3)))
        out.append(f"See also [{links[h % len(links)][1]}]({links[h % len(links)][0]}).\n")
        out.append(para(rng, 80) + "\n")
    return "\n".join(out)


COMPARED = ["summary", "stakeholders", "kpis", "salary", "track"]


def counts(n):
    """How many KPIs, frameworks and roles an n-page site has."""
    n_kpis = max(1, n // 10)
    n_fw = max(1, n // 20)
    return n_kpis, n_fw, max(1, n - n_kpis - n_fw - 1)


def comparison_pairs(n):
    """The pairs of role slugs compared in an n-page site."""
    n_roles = counts(n)[2]
    return [(f"role-{2 * k}", f"role-{2 * k + 1}") for k in range(min(n // 100, n_roles // 2))]


def hugo_comparisons(n, content):
    """The comparisons of an n-page site as Hugo pages under content/compare/."""
    os.makedirs(f"{content}/compare", exist_ok=True)
    with open(f"{content}/compare/_index.md", "w") as f:
        f.write("---\ntitle: Comparisons\n---\n")
    for a, b in comparison_pairs(n):
        with open(f"{content}/compare/{a}-vs-{b}.md", "w") as f:
            f.write(f"---\ntitle: {a} vs {b}\nlayout: compare\nitems: [{a}, {b}]\n---\n")


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    if os.path.exists(out):
        shutil.rmtree(out)
    rng = random.Random(42)
    n_kpis, n_fw, n_roles = counts(n)
    os.makedirs(f"{out}/content/roles")
    os.makedirs(f"{out}/content/kpis")
    os.makedirs(f"{out}/content/frameworks")
    with open(f"{out}/site.toml", "w") as f:
        f.write('''title = "Generated Atlas"
base_url = "https://example.org/"
search = false

[collections.roles]
title = "Roles"
[collections.roles.fields]
summary = { type = "string", required = true }
stakeholders = { type = "list" }
kpis = { type = "refs", to = "kpis" }
salary = { type = "range", unit = "USD" }
track = { type = "enum", values = ["strategy", "execution"] }

[collections.kpis]
title = "KPIs"
[collections.kpis.fields]
summary = { type = "string", required = true }
owners = { type = "refs", to = "roles" }

[collections.frameworks]
title = "Frameworks"
[collections.frameworks.fields]
summary = { type = "string", required = true }
''')
        for a, b in comparison_pairs(n):
            f.write(f'\n[[comparisons]]\ncollection = "roles"\nitems = ["{a}", "{b}"]\n'
                    f'fields = {COMPARED!r}\n'.replace("'", '"'))
    with open(f"{out}/content/_index.md", "w") as f:
        f.write("---\ntitle: Generated Atlas\n---\n\nA generated site.\n")
    links = [("/roles/role-0/", "Role 0"), ("/kpis/kpi-0/", "KPI 0")]
    for i in range(n_kpis):
        with open(f"{out}/content/kpis/kpi-{i}.md", "w") as f:
            owners = ", ".join(f"role-{rng.randrange(n_roles)}" for _ in range(2))
            terms = f"terms: [{WORDS[i]}]\n" if i < len(WORDS) else ""
            f.write(f"---\ntitle: KPI {i}\n{terms}summary: {para(rng, 8)}\nowners: [{owners}]\n"
                    f"tags: [{rng.choice(WORDS)}]\n---\n\n{body(rng, links)}")
    for i in range(n_fw):
        with open(f"{out}/content/frameworks/fw-{i}.md", "w") as f:
            f.write(f"---\ntitle: Framework {i}\nsummary: {para(rng, 8)}\n---\n\n{body(rng, links)}")
    for i in range(n_roles):
        with open(f"{out}/content/roles/role-{i}.md", "w") as f:
            kpis = ", ".join(f"kpi-{rng.randrange(n_kpis)}" for _ in range(3))
            lo = rng.randrange(60, 150) * 1000
            f.write(f"---\ntitle: Role {i}\nsummary: {para(rng, 10)}\n"
                    f"stakeholders: [Engineering, Sales, Design]\nkpis: [{kpis}]\n"
                    f"salary: {{ min: {lo}, max: {lo + 30000} }}\n"
                    f"track: {rng.choice(['strategy', 'execution'])}\n"
                    f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n---\n\n{body(rng, links)}")


if __name__ == "__main__":
    main()

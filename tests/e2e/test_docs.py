"""The README and docs/ stay true: links resolve (anchors too), every command and option of the CLI is
documented in docs/cli.md, every scenario field of the schema in docs/scenarios.md, every summary key a
bundled scenario writes in docs/results.md or docs/services.md, and every repository path they name
exists."""
import json
import re
import subprocess

import pytest

from conftest import ROOT, capsim_bin

PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def text(name):
    return (ROOT / name).read_text()


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(page):
    out, fence = set(), False
    for line in page.read_text().splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            out.add(slug(line.lstrip("#")))
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_resolve(page):
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if re.match(r"[a-z]+://", target) or target.startswith("mailto:"):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.exists(), f"{page.name}: link to {target}: no such file"
        if anchor and dest.suffix == ".md":
            assert anchor in anchors(dest), f"{page.name}: link to {target}: no such heading in {dest.name}"


def test_every_command_and_option_is_in_docs_cli():
    cli = text("docs/cli.md")
    usage = subprocess.run([capsim_bin(), "--help"], capture_output=True, text=True).stdout
    commands = re.findall(r"^  ([\w-]+)\s{2,}", usage, flags=re.M)
    assert len(commands) >= 10, usage
    missing = []
    for cmd in commands:
        assert f"capsim {cmd}" in cli, f"docs/cli.md does not show 'capsim {cmd}'"
        helptext = subprocess.run([capsim_bin(), cmd, "--help"], capture_output=True, text=True).stdout
        # Positional arguments are options to Boost's parser too (--scenario): they show in the usage line.
        positional = {"--scenario", "--spec", "--baseline", "--results", "--inputs", "--merge-dirs", "--scenarios",
                      "--capacity-csv"}
        for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", helptext)) - {"--help"} - positional):
            if option not in cli:
                missing.append(f"capsim {cmd} {option}")
    assert missing == [], f"docs/cli.md does not mention: {missing}"


def proto_fields(path, messages=None):
    fields, current = {}, None
    for line in text(path).splitlines():
        m = re.match(r"\s*message (\w+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"\s*(?:repeated |optional )?[\w.]+ (\w+) = \d+;", line)
        if m and current and (messages is None or current in messages):
            fields.setdefault(current, []).append(m.group(1))
    return fields


def test_every_scenario_field_is_in_docs():
    docs = (text("docs/scenarios.md") + text("docs/cost.md") + text("docs/spot.md") + text("docs/services.md") +
            text("docs/colocation.md") + text("docs/topology.md"))
    missing = [f"{msg}.{f}" for msg, fs in proto_fields("sim/io/scenario.proto").items() for f in fs
               if not re.search(rf"\b{f}\b", docs)]
    assert missing == [], f"scenario fields no page documents: {missing}"


def test_every_sweep_field_is_in_docs_sweeps():
    docs = text("docs/sweeps.md")
    missing = [f"{msg}.{f}" for msg, fs in proto_fields("sim/io/sweep.proto").items() for f in fs
               if not re.search(rf"`{f}`", docs)]
    assert missing == [], missing


def normalize(key, teams, pools):
    if key.startswith("service.") and ".promotion." in key:
        return "service.NAME.promotion.K." + key.split(".")[-1]
    for prefix in ("team.", "class.", "shape.", "source.", "service.", "cluster."):
        if key.startswith(prefix):
            return prefix + "NAME." + key.split(".")[-1]
    for prefix in ("cost_pool_", "cost_team_", "tco_reserved_", "tco_breakeven_month.reserved_"):
        if key.startswith(prefix):
            return prefix
    return key


def expand_braces(token):
    m = re.search(r"\{([^{}]*)\}", token)
    if not m:
        return [token]
    return [x for alt in m.group(1).split(",")
            for x in expand_braces(token[:m.start()] + alt.strip() + token[m.end():])]


def documented_names(docs):
    names = set()
    docs = re.sub(r"```.*?```", "", docs, flags=re.S)  # fences would pair backticks wrongly
    for span in re.findall(r"`([^`]+)`", docs, flags=re.S):
        names.update(expand_braces(re.sub(r"\s+", "", span)))
    return names


def test_every_summary_key_of_the_bundled_scenarios_is_documented():
    docs = (text("docs/results.md") + text("docs/services.md") + text("docs/spot.md") + text("docs/cost.md") +
            text("docs/colocation.md") + text("docs/topology.md"))
    names = documented_names(docs)
    wildcards = [n[:-1] for n in names if n.endswith(".*")]
    recorded = json.loads(text("tests/baselines/scenario_summaries.json"))
    keys = set()
    for runs in recorded.values():
        for summary in runs.values():
            if isinstance(summary, dict):  # else the error an input-error scenario exits with
                keys |= {normalize(k, None, None) for k in summary}
    missing = [k for k in sorted(keys)
               if k not in names and not any(k.startswith(w) for w in wildcards)
               and re.search(rf"\b{re.escape(k)}", docs) is None]
    assert missing == [], f"summary keys no page documents: {missing}"


REPO_PATH = re.compile(r"`((?:scenarios|traces|tests|scripts|bench|notebooks|sim|experiments|policies|workloads|"
                       r"bindings|cli|docs)/[\w./-]+)`")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_named_repository_paths_exist(page):
    for path in REPO_PATH.findall(page.read_text()):
        if "*" in path or path.endswith("/") or re.search(r"\b[A-Z]{3,}\b", path):  # globs, placeholders
            continue
        assert (ROOT / path).exists(), f"{page.name} names {path}, which does not exist"

"""Mutation testing by hand: mutmut over the modules that guard safety and data, and a report of the score.

    .venv/bin/python benchmarks/mutation.py                    # every module of DEFAULT_MODULES
    .venv/bin/python benchmarks/mutation.py generator.periods  # one module or more; a package: all its files
    .venv/bin/python benchmarks/mutation.py --again generator.periods  # its survivors, after tests were added
    .venv/bin/python benchmarks/mutation.py --report-only      # rewrite the report from the last runs

Each module runs in its own copy of the project under .cache/mutation/, against the fast tests that matter
for it (TESTS: no browser, no site build), with one worker process: the machine is shared. The report,
benchmarks/mutation-report.md, gives per module the mutants, killed, survived and the score, and lists every
survivor with its diff and the reason it is equivalent (EQUIVALENT in benchmarks/mutation_equivalents.py),
or "unexplained" when a test should kill it. Not in CI: a module takes minutes.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import difflib
import filecmp
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / ".cache" / "mutation"
REPORT = HERE / "mutation-report.md"
sys.path.insert(0, str(HERE))
from mutation_equivalents import EQUIVALENT  # noqa: E402

# The modules that guard safety and data. Of generator.records, every module that validates; LEFT_OUT says
# why the others are not run (the report says it too).
RECORDS = (
    "tree", "decode", "chars", "frontmatter", "yamlnodes", "fields", "addresses", "abstract_links", "paper",
    "vocabulary", "across", "slugs", "problems", "content", "gitbase",
)  # fmt: skip
LEFT_OUT = {
    "generator.records.__init__": "re-exports only: no function to mutate",
    "generator.records.commonmark": (
        "the abstract's renderer, not a check: what it makes goes through the sanitizer of abstracts.py,"
        " which is run; its nesting count, which the check uses, is tested in test_abstracts.py"
    ),
}
DEFAULT_MODULES = (
    "generator.periods",
    "generator.mail.ledger",
    "generator.contributing.pathcheck",
    "generator.mail.mailer",
    "generator.records.abstracts",
    *(f"generator.records.{name}" for name in RECORDS),
    "generator.data.feeds",
)
# Not test_records_build.py: it runs MkDocs over each invalid fixture, which check's tests already read.
RECORDS_TESTS = (
    "tests/test_records_fixtures.py",
    "tests/test_records_rules.py",
    "tests/test_records_tree.py",
    "tests/test_records_collector.py",
    "tests/test_records_one_rule.py",
    "tests/test_records_fields.py",
    "tests/test_records_reading.py",
    "tests/test_records_addresses.py",
    "tests/test_records_paper.py",
    "tests/test_records_chars.py",
    "tests/test_records_vocabulary.py",
    "tests/test_records_across.py",
    "tests/test_records_slugs.py",
    "tests/test_records_walk.py",
    "tests/test_records_content.py",
    "tests/test_records_links.py",
    "tests/test_records_gitbase.py",
    "tests/test_yamlnodes.py",
)
# The tests that matter for each module, by the longest prefix of its name (pytest arguments: test files,
# and -k to leave some out): fast ones only, since every mutant runs the ones that reach the mutated function.
TESTS: dict[str, tuple[str, ...]] = {
    # Not test_site_safety.py: it builds whole sites, and its fixtures would be built again for each test.
    "generator.records.abstracts": ("tests/test_abstracts.py",),
    # The link reader: the check's tests, and test_abstracts.py's, which read links as CommonMark does.
    "generator.records.abstract_links": (*RECORDS_TESTS, "tests/test_abstracts.py"),
    "generator.records": RECORDS_TESTS,
    "generator.data.feeds": (
        "tests/test_feeds.py",
        "tests/test_trending.py",
        "-k",
        "not test_the_shipped_feeds and not builds_a_site and not stops_the_build",  # whole site builds
    ),
    "generator.mail.ledger": ("tests/test_digest_ledger.py", "tests/test_digest.py"),
    "generator.mail.mailer": (
        "tests/test_digest_smtp.py",
        "tests/test_digest_smtp_replies.py",
        "tests/test_digest.py",
    ),
    # Not the tests that run the checker as CI does, one file under `python3 -I -S`: mutmut's copy of it
    # imports mutmut, so it cannot run alone (nor pass the stdlib-only test).
    "generator.contributing.pathcheck": (
        "tests/test_pathcheck.py",
        "-k",
        "not test_the_job_ and not test_the_checker_imports_nothing_but_the_standard_library",
    ),
    "generator.periods": ("tests/test_periods.py", "tests/test_digest.py", "tests/test_digest_ledger.py"),
}
# What the tests read besides the package and tests/ (mutmut copies those itself).
ALSO_COPY = ("content", "mkdocs.yml", "theme", "benchmarks", ".github", "README.md", "CONTRIBUTING.md")
# A pytest plugin for the runs. mutmut forks each mutant's run from a process that has run the tests once,
# so a cache filled then (functools.lru_cache: abstracts.render, say) would answer for the mutant's code.
# mutmut sees only the calls made in the test process: a test that runs the code in a child process kills
# a mutant only when it also calls the mutated function itself.
PLUGIN = "mutation_plugin"
PLUGIN_SOURCE = '''"""For benchmarks/mutation.py: every test starts with the generator's caches empty, and no
child process records mutmut's statistics (it would need mutmut's settings, read from the current folder)."""

import os
import re
import subprocess
import sys

import pytest

_popen_init = subprocess.Popen.__init__


def _init(self, *args, env=None, **kwargs):
    given = os.environ if env is None else env
    if given.get("MUTANT_UNDER_TEST") == "stats":
        env = {k: v for k, v in given.items() if k != "MUTANT_UNDER_TEST"}
    _popen_init(self, *args, env=env, **kwargs)


subprocess.Popen.__init__ = _init


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("generator"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
'''
# mutmut runs a mutant against the tests that called the mutated function when it ran them once. A
# fixture shared by a module's tests is made in the first one's setup, so the others would not count as
# calling it, and would not run: in the copy, every fixture of the tests named is made for each test.
SHARED_SCOPES = ('scope="module"', 'scope="session"', 'scope="package"')
# The path check's tests run the checker as CI does, in a child process, which mutmut does not see: in the
# copy, their run_module() calls its main() in the test process instead (the same arguments, output and
# exit code), so that those tests count.
RUN_MODULE = '''\
def run_module(repo: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """The checker's main() in this process, where mutmut sees it (benchmarks/mutation.py's copy)."""
    import contextlib
    import io

    out, err, old = io.StringIO(), io.StringIO(), Path.cwd()
    saved = os.environ.get("GITHUB_ACTIONS")
    os.environ["GITHUB_ACTIONS"] = ""
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = pathcheck.main(list(args), io.StringIO(stdin or ""))
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
    finally:
        os.chdir(old)
        if saved is None:
            del os.environ["GITHUB_ACTIONS"]
        else:
            os.environ["GITHUB_ACTIONS"] = saved
    return code, out.getvalue(), err.getvalue()
'''
IN_PROCESS: dict[str, tuple[str, str, str]] = {
    "generator.contributing.pathcheck": ("tests/test_pathcheck.py", "def run_module(", RUN_MODULE),
}
# mutmut's exit codes, as its `results` command names them.
KILLED = {1, 3}
TIMEOUT = {36, 24, -24, 152, 255}
NO_TESTS = {5, 33}


@dataclass
class Result:
    module: str
    mutants: int = 0
    killed: int = 0
    timeout: int = 0
    survivors: list[str] = field(default_factory=list)  # survived, or reached by no test
    untested: set[str] = field(default_factory=set)  # of the survivors, those no selected test reaches
    other: int = 0  # suspicious, segfault
    not_run: list[str] = field(default_factory=list)  # the run was stopped, or is going on

    @property
    def unchecked(self) -> int:
        return len(self.not_run)

    @property
    def score(self) -> float:
        """Killed (timeouts included: the mutant hung a test) over every mutant."""
        return (self.killed + self.timeout) / self.mutants if self.mutants else 1.0


def module_files(name: str) -> list[Path]:
    """The source files of a dotted module name or path; a package is all its .py files."""
    path = ROOT / name.removesuffix(".py").replace(".", "/")
    if path.is_dir():
        return sorted(p.relative_to(ROOT) for p in path.rglob("*.py"))
    if path.with_suffix(".py").is_file():
        return [path.with_suffix(".py").relative_to(ROOT)]
    sys.exit(f"{name}: no such module under {ROOT.name}/; give a dotted name such as generator.periods")


def dotted(name: str) -> str:
    return name.removesuffix(".py").replace("/", ".")


def tests_for(name: str) -> tuple[str, ...]:
    for prefix in sorted(TESTS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            # A test file named here that does not exist (yet) is left out, not an error of the whole run.
            return tuple(t for t in TESTS[prefix] if not t.startswith("tests/") or (ROOT / t).is_file())
    sys.exit(f"{name}: no tests are named for it in TESTS of {Path(__file__).name}; add them there")


def prepare(name: str) -> Path:
    """A fresh copy of the project for one module's run, with mutmut's settings in its setup.cfg."""
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    _copy(work, ("generator", "tests", *ALSO_COPY))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    (work / f"{PLUGIN}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    _adapt_tests(name, work)
    _settings(name, work)
    return work


def refresh(name: str) -> Path:
    """The last run's copy with the current tests, for running its survivors again (--again). mutmut then
    finds the new tests itself, and runs them for the functions they reach. The package must be as that
    run had it: a changed function has other mutants, so a change to generator/ needs a whole run."""
    work = WORK / name
    if not has_results(name):
        sys.exit(f"{name}: no run to take up again; run it whole first")
    compare = filecmp.dircmp(ROOT / "generator", work / "generator", ignore=["__pycache__"])
    if _differs(compare):
        sys.exit(f"{name}: generator/ changed since its last run: run the module whole")
    for part in ("tests", *ALSO_COPY):
        if (work / part).is_dir():
            shutil.rmtree(work / part)
    _copy(work, ("tests", *ALSO_COPY))
    _adapt_tests(name, work)
    _settings(name, work)
    return work


def _differs(compare: filecmp.dircmp[str]) -> bool:
    if compare.left_only or compare.right_only or compare.funny_files:
        return True
    _, mismatch, errors = filecmp.cmpfiles(compare.left, compare.right, compare.common_files, shallow=False)
    return bool(mismatch or errors) or any(_differs(sub) for sub in compare.subdirs.values())


def _copy(work: Path, parts: tuple[str, ...]) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, work / part, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, work / part)


def _adapt_tests(name: str, work: Path) -> None:
    """Fixtures made for each test, and IN_PROCESS's replacement, in the copy's tests."""
    for test in tests_for(name):
        if test.startswith("tests/"):
            path = work / test
            text = path.read_text(encoding="utf-8")
            for scope in SHARED_SCOPES:
                text = text.replace(scope, 'scope="function"')
            path.write_text(text, encoding="utf-8")
    if name in IN_PROCESS:
        test, start, replacement = IN_PROCESS[name]
        text = (work / test).read_text(encoding="utf-8")
        at = text.find(start)
        end = text.find("\n\n\n", at)
        if at < 0 or end < 0:
            sys.exit(f"{name}: {test} has no {start.strip()}...: update IN_PROCESS in {Path(__file__).name}")
        (work / test).write_text(text[:at] + replacement.rstrip("\n") + text[end:], encoding="utf-8")


def _settings(name: str, work: Path) -> None:
    lines = [
        "[mutmut]",
        "source_paths = generator",
        "only_mutate =",
        *(f"    {p}" for p in module_files(name)),
        "pytest_add_cli_args_test_selection =",
        *(f"    {t}" for t in tests_for(name)),
        "pytest_add_cli_args =",
        *(f"    {a}" for a in ("-m", "not browser", "-p", "no:cacheprovider", "-p", "no:xdist")),
        f"    -p\n    {PLUGIN}",
        "also_copy =",
        *(f"    {p}" for p in ALSO_COPY if (ROOT / p).exists()),
        f"    {PLUGIN}.py",
        "use_git_change_detection = false",
        # mutmut stops a mutant after (its tests' time + 1 s) x this, in wall-clock seconds, and counts it
        # as killed ("timeout"). Its tests' time is what they took in the clean run, the call phase only:
        # not their fixtures (a site copied, a Git origin, feeds rendered), not a machine shared with other
        # runs. At 4, mutants that the tests let through were stopped while the tests still passed, and
        # counted as killed; at 10 a mutant that loops costs a minute or so, and a slow run is not a kill.
        "timeout_multiplier = 10",
    ]
    (work / "setup.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(name: str, again: bool = False) -> None:
    """mutmut over one module: every mutant in a fresh copy, or (again) the last run's survivors and the
    mutants it did not get to, against the current tests."""
    work = refresh(name) if again else prepare(name)
    names = retry(name) if again else []
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    print(f"== {name}: mutmut in {work.relative_to(ROOT)}", flush=True)
    log = work / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", "1", *names],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:  # reported, and the other modules still run
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        print(f"{name}: mutmut failed ({done.returncode}), see {log.relative_to(ROOT)}:", *tail, sep="\n")


def retry(name: str) -> list[str]:
    """The mutants of the last run to run again: the survivors, and those it did not get to."""
    result = collect(name)
    return [*result.survivors, *result.not_run]


def has_results(name: str) -> bool:
    return all((WORK / name / "mutants" / (str(p) + ".meta")).is_file() for p in module_files(name))


def collect(name: str) -> Result:
    """The results of the last run of a module, from mutmut's .meta files."""
    result = Result(name)
    for path in module_files(name):
        meta = WORK / name / "mutants" / (str(path) + ".meta")
        if not meta.is_file():
            sys.exit(f"{name}: no results in {meta.relative_to(ROOT)}; run it first")
        codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for mutant, code in sorted(codes.items(), key=lambda kv: _mutant_order(kv[0])):
            result.mutants += 1
            if code in KILLED:
                result.killed += 1
            elif code in TIMEOUT:
                result.timeout += 1
            elif code == 0 or code in NO_TESTS:
                result.survivors.append(mutant)
                if code in NO_TESTS:
                    result.untested.add(mutant)
            elif code is None:
                result.not_run.append(mutant)
            else:
                result.other += 1
    return result


def _mutant_order(mutant: str) -> tuple[str, int]:
    base, _, number = mutant.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


@cache
def functions(path: Path) -> dict[str, list[str]]:
    """The lines of every function of a file (methods too), by name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {
        node.name: lines[node.lineno - 1 : node.end_lineno]
        for node in ast.walk(ast.parse("\n".join(lines)))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def diff(name: str, mutant: str) -> str:
    """The lines a mutant changes, from the functions mutmut wrote into the mutated copy of its module."""
    module, _, function = mutant.rpartition(".")
    path = WORK / name / "mutants" / (module.replace(".", "/") + ".py")
    if not path.is_file():
        path = path.with_suffix("") / "__init__.py"
    defs = functions(path)
    original = defs.get(function.rpartition("__mutmut_")[0] + "__mutmut_orig", [])[1:]
    mutated = defs.get(function, [])[1:]  # not the def line: its name differs
    changed = difflib.unified_diff(original, mutated, lineterm="", n=0)
    return "\n".join(line for line in changed if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def earlier(text: str) -> dict[str, tuple[str, str]]:
    """Each module's table row and survivors section in an earlier report, by module."""
    rows = {m.group(1): m.group(0) for m in re.finditer(r"(?m)^\| `([^`]+)` \|.*$", text)}
    sections = {
        part.split("`", 1)[0]: "## `" + part.rstrip("\n") for part in re.split(r"(?m)^## `", text)[1:]
    }
    return {m: (row, sections.get(m, "")) for m, row in rows.items()}


def report(results: list[Result], kept: dict[str, tuple[str, str]] | None = None) -> str:
    """The report of `results`, with the rows and sections in `kept` for the modules they do not cover:
    modules run in another copy of the project, whose results this one does not have."""
    kept = {m: v for m, v in (kept or {}).items() if m not in {r.module for r in results}}
    order = list(dict.fromkeys([*DEFAULT_MODULES, *(r.module for r in results), *kept]))
    by_module = {r.module: r for r in results}
    version = importlib.metadata.version("mutmut")
    out = [
        "# Mutation report",
        "",
        f"mutmut {version}, one worker, written by `.venv/bin/python benchmarks/mutation.py` on "
        f"{dt.date.today().isoformat()}. Score: mutants killed (a timeout counts) over all mutants. A module"
        " with mutants not run had its run stopped: its score is not final. The rows of modules run in"
        " another copy of the project are kept as the report had them.",
        "",
        "| module | tests | mutants | killed | timeout | survived | score | equivalent | unexplained"
        " | not run |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for module in order:
        if module in kept:
            out.append(kept[module][0])
            continue
        if (r := by_module.get(module)) is None:
            continue
        explained = [m for m in r.survivors if m in EQUIVALENT]
        tests = ", ".join(Path(t).name for t in tests_for(r.module) if t.startswith("tests/"))
        out.append(
            f"| `{r.module}` | {tests} | {r.mutants} | {r.killed} | {r.timeout} | {len(r.survivors)} "
            f"| {r.score:.1%} | {len(explained)} | {len(r.survivors) - len(explained) + r.other} "
            f"| {r.unchecked or ''} |"
        )
    missing = [m for m in DEFAULT_MODULES if m not in by_module and m not in kept]
    if missing:
        out += ["", "Not run yet: " + ", ".join(f"`{m}`" for m in missing) + "."]
    out += ["", "Left out on purpose:", "", *(f"- `{m}`: {why}." for m, why in LEFT_OUT.items())]
    for module in order:
        if module in kept:
            out += ["", kept[module][1], ""] if kept[module][1] else []
            continue
        if (r := by_module.get(module)) is None:
            continue
        out += ["", f"## `{r.module}`: {len(r.survivors)} survivors", ""]
        for mutant in r.survivors:
            reason = EQUIVALENT.get(mutant, "**unexplained**: a test should kill it")
            if mutant in r.untested:
                reason += " (no test of the run reaches it)"
            out += [
                f"- `{mutant}`: {reason}",
                "",
                "  ```diff",
                *("  " + line for line in diff(r.module, mutant).splitlines()),
                "  ```",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="dotted module names (default: DEFAULT_MODULES)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last runs")
    parser.add_argument(
        "--again",
        action="store_true",
        help="run the last run's survivors (and the mutants it did not get to) against the current tests",
    )
    args = parser.parse_args()
    names = [dotted(m) for m in args.modules] or list(DEFAULT_MODULES)
    if not args.report_only:
        for name in names:
            run(name, again=args.again)
    # The report covers every module that has results here; the rows of the others (run in another copy
    # of the project, or not in this one yet) are kept as the report had them.
    ran = [m for m in dict.fromkeys([*DEFAULT_MODULES, *names]) if has_results(m)]
    results = [collect(m) for m in ran]
    before = earlier(REPORT.read_text(encoding="utf-8")) if REPORT.is_file() else {}
    REPORT.write_text(report(results, before), encoding="utf-8")
    for r in results:
        killed = r.killed + r.timeout
        print(f"{r.module}: {r.mutants} mutants, {killed} killed, {len(r.survivors)} survived, {r.score:.1%}")
    print(f"report: {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

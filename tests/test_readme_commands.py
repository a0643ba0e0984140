"""The README's two set-up commands are the ones CI runs (a missing step must fail CI)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_a_play_and_a_test_command() -> None:
    play, test = readme_commands()[:2]
    assert play.startswith("python3 -m venv .venv") and play.endswith(".venv/bin/tradegame")
    assert test.startswith("python3 -m venv .venv") and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test = readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (underscores and hyphens
    kept), spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_slug(h) for h in re.findall(r"(?m)^#{1,6} (.+)$", text)}


def test_every_link_in_the_readme_and_docs_leads_somewhere() -> None:
    broken = []
    for page in PAGES:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        text = re.sub(r"`[^`\n]*`", "", text)  # code spans hold no links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def _doc_commands() -> list[tuple[str, list[str]]]:
    """Every `tradegame ...` line of a bash or sh block in the README and docs/."""
    found = []
    for page in PAGES:
        blocks = re.findall(
            r"```(?:bash|sh)\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL
        )
        for block in blocks:
            for line in block.replace("\\\n", " ").splitlines():
                # An optional part shown in brackets is checked as if given.
                words = shlex.split(re.sub(r"\[([^\]]*)\]", r"\1", line), comments=True)
                if words and words[0] in ("tradegame", ".venv/bin/tradegame"):
                    found.append((f"{page.name}: {line.strip()}", words[1:]))
    return found


def test_the_docs_commands_parse_with_the_real_options() -> None:
    from tradegame.cli import build_parser

    commands = _doc_commands()
    assert len(commands) > 20  # the bash blocks of README, docs/playing, teaching, bots...
    wrong = []
    for shown, argv in commands:
        try:
            args = build_parser().parse_args(argv or ["play"])
        except SystemExit:
            wrong.append(shown)
            continue
        if args.command is None:
            wrong.append(shown)
    assert not wrong, wrong


def test_a_command_with_a_wrong_option_would_be_caught() -> None:
    from tradegame.cli import build_parser

    try:
        build_parser().parse_args(["match", "april-2025", "--seats", "US=random"])
    except SystemExit:
        return
    raise AssertionError("a misspelt option parsed")

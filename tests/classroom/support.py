"""Games shared by the classroom tests: a random game of the default scenario (saved), and
small-scenario games built through the engine's public API only."""

from __future__ import annotations

import itertools
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from tradegame.agents.base import play_match
from tradegame.engine import Game, Rules, Term, parse
from tradegame.engine.scoring import play_out_passing
from tradegame.saves import save_game
from tradegame.scenario import load_rules, rules_from_text
from tradegame.scenario.loader import load_scenario_text

ROOT = Path(__file__).resolve().parents[2]
SMALL_PATH = ROOT / "tests" / "engine" / "small.yaml"
APRIL_SEED = 22
APRIL_SEATS = {"US": "random", "JP": "random", "EU": "random"}
SMALL_SEED = 3


@cache
def april_rules() -> Rules:
    return load_rules("april-2025")


@cache
def april_text() -> str:
    return load_scenario_text("april-2025")[0]


def april_game(seed: int = APRIL_SEED) -> Game:
    return play_match(april_rules(), seed, APRIL_SEATS)


def save_april(path: Path, seed: int = APRIL_SEED) -> Game:
    game = april_game(seed)
    save_game(path, game, APRIL_SEATS, scenario_text=april_text(), scenario_name="april-2025")
    return game


@cache
def small_text() -> str:
    return SMALL_PATH.read_text(encoding="utf-8")


@cache
def small_rules() -> Rules:
    return rules_from_text(small_text(), str(SMALL_PATH))


def save_small(path: Path, game: Game) -> None:
    save_game(
        path,
        game,
        {"A": "human", "B": "human", "C": "passive"},
        scenario_text=small_text(),
        scenario_name="small.yaml",
    )


def play_script(lines: list[str], seed: int = SMALL_SEED) -> Game:
    """A small game from notation, then everyone passes to the end."""
    game = Game.new(small_rules(), seed)
    for line in lines:
        game.apply(parse(line))
    play_out_passing(game)
    return game


def nobody_agrees(seed: int = SMALL_SEED) -> Game:
    return play_script([], seed)


def agreed(terms: str, seed: int = SMALL_SEED) -> Game:
    """B proposes ``terms`` in the scheduled round-1 talks, A accepts, then everyone passes."""
    return play_script([f"B propose A {terms}", "A accept"], seed)


def terms_text(terms: tuple[Term, ...]) -> str:
    return ",".join(str(t) for t in terms)


def all_pair_deals(rules: Rules, a: str, b: str) -> list[str]:
    """Every deal between a and b from the catalogue (brute force, for the search tests)."""
    options = [
        [f"{it.id}={lv.value:g}" for lv in it.levels]
        for it in rules.items
        if (it.owner == a and it.can_go_to(b)) or (it.owner == b and it.can_go_to(a))
    ]
    out = []
    for n in range(1, rules.limits.max_terms + 1):
        for items in itertools.combinations(options, n):
            for choice in itertools.product(*items):
                out.append(",".join(choice))
    return out


BLOCKS = {
    "p",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "br",
    "caption",
    "figcaption",
    "ul",
    "ol",
    "table",
    "nav",
    "title",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("style", "svg"):
            self.skip += 1
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg"):
            self.skip -= 1
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees (tags dropped, entities decoded, spaces collapsed)."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def plain(text: str) -> str:
    return " ".join(text.split())


LOADING_TAGS = {
    "script",
    "link",
    "img",
    "iframe",
    "frame",
    "object",
    "embed",
    "audio",
    "video",
    "source",
    "track",
    "image",
    "use",
    "base",
    "meta",
}
LOADING_ATTRS = {"src", "srcset", "poster", "data", "background", "xlink:href", "action"}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv", "").lower() != "refresh":
            pass  # charset, viewport, CSP, generator: nothing to load
        elif tag in LOADING_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name in LOADING_ATTRS:
                self.problems.append(f"<{tag} {name}=>")
            if value and re.search(r"url\(|@import|javascript:", value, re.IGNORECASE):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
            if value and re.search(r"https?://", value) and not (tag == "a" and name == "href"):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and re.search(r"url\(|@import|https?://", data, re.IGNORECASE):
            self.problems.append("<style> loads something")


def resource_problems(html: str) -> list[str]:
    """What in a page could make a browser load something (empty list: self-contained).
    A link (``<a href>``) loads nothing until it is clicked."""
    parser = _Resources()
    parser.feed(html)
    return parser.problems

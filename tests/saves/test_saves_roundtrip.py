"""Round trips: any reachable game -> save -> load gives an equal game (same state hash, same
actions, same round hashes), with awkward values: huge and negative seeds, seats with quotes,
backslashes and non-ASCII text, scenario texts with CRLF line ends and non-ASCII comments,
instructor injects, games stopped anywhere (mid-talks, mid-orders, over)."""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradegame.engine import Game, Inject, Rules
from tradegame.saves import load_game, save_game
from tradegame.saves.store import rules_for_text
from tradegame.scenario import load_rules
from tradegame.scenario.loader import load_scenario_text

from .support import small_text

seats_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
seat = st.one_of(
    st.sampled_from(["human", "random", "passive", "my bots/bot ü.py:Bot", 'q"uote\\back:Cls']),
    seats_text,
)
comment = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), max_size=60
)


@lru_cache(maxsize=64)
def rules_of(text: str) -> Rules:
    return rules_for_text(text, "<test>")


def play(rules: Rules, seed: int, steps: int, rng: random.Random, inject_every: int) -> Game:
    game = Game.new(rules, seed)
    injects = [e.id for e in rules.events if e.trigger == "inject"]
    for n in range(steps):
        if game.is_over():
            break
        if inject_every and injects and n % inject_every == inject_every - 1:
            inject = Inject("!", rng.choice(injects))
            if game.can(inject):  # an inject whose news the game contradicts is refused
                game.apply(inject)
                continue
        game.apply(game.legal_actions().sample(rng))
    return game


def check_round_trip(path: Path, game: Game, seats: dict[str, str], text: str) -> None:
    save_game(path, game, seats, scenario_text=text, scenario_name="<test>")
    loaded = load_game(path)
    assert loaded.game.state_hash() == game.state_hash()
    assert loaded.game.actions == game.actions
    assert loaded.game.round_hashes == game.round_hashes
    assert loaded.game.seed == game.seed and loaded.seats == seats
    assert loaded.scenario_text == text
    assert loaded.meta.checksum_verified
    assert list(loaded.meta.round_ends) == [
        r["actions"] for r in json.loads(path.read_text("utf-8"))["rounds"]
    ]
    # Saving the loaded game again gives the same document but for the timestamps.
    again = path.with_suffix(".again.json")
    save_game(
        again,
        loaded.game,
        loaded.seats,
        created=loaded.meta.created,
        scenario_text=loaded.scenario_text,
        scenario_name=loaded.meta.scenario_name,
    )
    first, second = (json.loads(p.read_text("utf-8")) for p in (path, again))
    first.pop("saved"), second.pop("saved")
    assert first == second


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


@given(
    seed=st.one_of(st.integers(0, 2**31), st.integers(-(2**80), 2**80)),
    steps=st.integers(0, 90),
    rng=st.randoms(use_true_random=False),
    inject_every=st.sampled_from([0, 0, 4, 11]),
    seats=st.fixed_dictionaries({"A": seat, "B": seat, "C": seat}),
    note=comment,
    crlf=st.booleans(),
)
def test_any_reachable_small_game_round_trips(
    folder: Path,
    seed: int,
    steps: int,
    rng: random.Random,
    inject_every: int,
    seats: dict[str, str],
    note: str,
    crlf: bool,
) -> None:
    text = small_text() + f"# {note}\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    game = play(rules_of(text), seed, steps, rng, inject_every)
    check_round_trip(folder / "small.json", game, seats, text)


APRIL_TEXT = load_scenario_text("april-2025")[0]


@settings(max_examples=8)
@given(
    seed=st.integers(0, 2**63 - 1), steps=st.integers(0, 400), rng=st.randoms(use_true_random=False)
)
def test_reachable_games_of_the_default_scenario_round_trip(
    folder: Path, seed: int, steps: int, rng: random.Random
) -> None:
    game = play(rules_of(APRIL_TEXT), seed, steps, rng, 0)
    seats = {p: "random" for p in game.rules.player_ids}
    check_round_trip(folder / "april.json", game, seats, APRIL_TEXT)


def test_a_bundled_scenario_is_found_by_its_hash(tmp_path: Path) -> None:
    """save_game without scenario_text finds a bundled scenario's text by the rules' digest."""
    rules = load_rules("april-2025")
    game = Game.new(rules, 1)
    path = tmp_path / "g.json"
    save_game(path, game, {p: "passive" for p in rules.player_ids})
    doc = json.loads(path.read_text("utf-8"))
    assert doc["scenario"]["name"] == "april-2025"
    assert doc["scenario"]["text"] == APRIL_TEXT
    assert load_game(path).game.state_hash() == game.state_hash()


def test_a_game_with_messages_round_trips_and_replays(tmp_path: Path) -> None:
    """Messages are actions of the notation: saved, loaded and replayed like any move (the
    text, its spaces, quotes and non-ASCII characters, exactly)."""
    from tradegame.cli import main
    from tradegame.engine import Message

    text = small_text()
    rules = rules_of(text)
    game = Game.new(rules, 3)
    rng = random.Random(3)
    sent = 0
    while not game.is_over() and sent < 6:
        session = game.session
        mover = game.to_move()
        if session is not None and mover is not None:
            partner = session.responder if mover == session.requester else session.requester
            game.apply(Message(mover, partner, f'Wir "bieten" {sent} -- 50% ü, ok?'))
            sent += 1
        game.apply(game.legal_actions().sample(rng))
    assert sent
    path = tmp_path / "messages.json"
    check_round_trip(path, game, dict.fromkeys(rules.player_ids, "human"), text)
    loaded = load_game(path).game
    assert [a for a in loaded.actions if isinstance(a, Message)] == [
        a for a in game.actions if isinstance(a, Message)
    ]
    assert main(["replay", str(path)]) == 0

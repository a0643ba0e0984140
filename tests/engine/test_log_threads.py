"""The lazy log read by two threads at once (a room's bot and its page): each reader, and a
copy made meanwhile, has every line.

The log's lines are made when it is first read (State.log). A reader held in the middle of
making them (a line's text function waits) lets another thread read the log or copy the
game at that very moment. On 856630c the first reader emptied the raw lines before it had
added the made ones, so the other reader got a log without them and a copy lost them for
good (atk22; seen without the wait too, in 1 of ~1,500 copies of random games).
"""

from __future__ import annotations

import random
import threading

import pytest

from tradegame.engine import Game
from tradegame.scenario import load_rules


def _played(name: str, seed: int, moves: int) -> Game:
    rng = random.Random(seed)
    game = Game.new(load_rules(name), seed)
    for _ in range(moves):
        player = game.to_move()
        assert player is not None
        game.apply(game.legal_actions(player).sample(rng))
    return game


@pytest.mark.parametrize("read_first", [True, False])
def test_a_log_read_while_another_thread_makes_it_is_whole(read_first: bool) -> None:
    game = _played("april-2025", 3, 40)
    if read_first:
        assert game.log  # made up to here: only the lines below are made by the readers
    making, go_on = threading.Event(), threading.Event()
    calls: list[int] = []

    def held(text: str) -> str:
        calls.append(1)
        if len(calls) == 1:  # the first reader waits here, in the middle of making lines
            making.set()
            assert go_on.wait(10)
        return text

    game._logf("news", held, ("a line made slowly",))
    game._log("news", "a line after it")
    first: list[list[str]] = []
    reader = threading.Thread(target=lambda: first.append([e.text for e in game.log]))
    reader.start()
    assert making.wait(10)
    meanwhile = [e.text for e in game.log]
    copy = game.copy()
    go_on.set()
    reader.join(10)
    whole = [e.text for e in game.log]
    assert whole[-2:] == ["a line made slowly", "a line after it"]
    assert first == [whole]
    assert meanwhile == whole
    assert [e.text for e in copy.log] == whole
    # The copy's log is its own: a line logged in the game is not in the copy's.
    game._log("news", "the game's own")
    assert [e.text for e in copy.log] == whole
    assert [e.text for e in game.log] == [*whole, "the game's own"]


def test_a_history_read_by_two_threads_at_once_has_each_round_once() -> None:
    # History records are made from the rounds kept unread when it is first read; two
    # threads reading at once both made them and both appended them to one list (856630c:
    # every game of /tmp/atk22/thhist.py, 22 records for 15 rounds). A reader held in the
    # middle of making them (a date's text waits) lets the main thread read and copy.
    game = _played("with-china", 1, 60)
    rounds = len(Game.replay(game.rules, game.seed, game.actions).history)
    assert rounds > 1
    making, go_on = threading.Event(), threading.Event()
    date_of = game.date_of
    calls: list[int] = []

    def held(day: int) -> str:
        calls.append(1)
        if len(calls) == 1:
            making.set()
            assert go_on.wait(10)
        return date_of(day)

    game.date_of = held  # type: ignore[method-assign]
    first: list[int] = []
    reader = threading.Thread(target=lambda: first.append(len(game.history)))
    reader.start()
    assert making.wait(10)
    meanwhile = len(game.history)
    copy = game.copy()
    go_on.set()
    reader.join(10)
    assert first == [rounds]
    assert meanwhile == rounds
    assert len(game.history) == rounds
    assert len(copy.history) == rounds


def test_round_hashes_asked_by_two_threads_at_once_are_each_rounds_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bot-played game captures its rounds when round_hashes is first asked for; two
    # threads asking at once both added their hashes to one list, and a later ask found a
    # replay that "did not end the same rounds" (856630c: /tmp/atk22/thrh.py, every game).
    # A reader held in the middle of hashing lets the main thread ask and copy.
    from tradegame.engine import state

    game = Game.new(load_rules("april-2025"), 5)
    game.defer_round_captures()
    rng = random.Random(5)
    for _ in range(70):
        player = game.to_move()
        assert player is not None
        game.apply(game.legal_actions(player).sample(rng))
    alone = Game.replay(game.rules, game.seed, game.actions).round_hashes
    assert len(alone) > 1
    making, go_on = threading.Event(), threading.Event()
    hash_json = state._hash_json
    calls: list[int] = []

    def held(data: dict[str, object]) -> str:
        calls.append(1)
        if len(calls) == 1:
            making.set()
            assert go_on.wait(10)
        return hash_json(data)

    monkeypatch.setattr(state, "_hash_json", held)
    first: list[list[str]] = []
    reader = threading.Thread(target=lambda: first.append(game.round_hashes))
    reader.start()
    assert making.wait(10)
    meanwhile = game.round_hashes
    copy = game.copy()
    go_on.set()
    reader.join(10)
    assert first == [alone]
    assert meanwhile == alone
    assert game.round_hashes == alone
    assert copy.round_hashes == alone

"""Hidden information (DESIGN §3.7, §8): differential tests.

Two rule sets differ only in player B's private data (objectives, political costs of its
items and gains of items only it receives, its win-set, its confidential briefing). The same
actions are played in both; every other player's view (JSON and text), visible log, error
messages and ``what_if`` projections must be identical. Negative controls check that the
difference is real (B and the instructor do see it), so an identical result means "hidden",
not "the variant changed nothing".

Also: other players' pending orders and talks contents never reach a third party's view, and
``what_if`` does not read them either.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradegame.engine import (
    SPECTATOR,
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Game,
    Glance,
    IllegalActionError,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    Rules,
    SetTariff,
    Statement,
    Term,
    parse,
)
from tradegame.engine.rules import Effect, Level, Objective, Ratification
from tradegame.engine.view import SECTIONS, build_sections
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

RULES = load_rules(Path(__file__).with_name("small.yaml"))
SECRET = "B"
OTHERS = tuple(p for p in RULES.player_ids if p != SECRET)


def fresh(rules: Rules, **changes: Any) -> Rules:
    """A new Rules value (with an empty look-up cache: BATNA and indexes are cached there)."""
    return dataclasses.replace(rules, **changes)


def with_private(
    rules: Rules,
    who: str,
    *,
    objectives: bool = False,
    costs: bool = False,
    win_set: Ratification | None = None,
    briefing: str | None = None,
) -> Rules:
    """``rules`` with ``who``'s private data changed."""
    players = []
    for p in rules.players:
        if p.id == who:
            if objectives:
                # Different weights, and different best/worst for every objective.
                weights = [0.0] * (len(p.objectives) - 1) + [1.0]
                objs = [
                    dataclasses.replace(
                        o,
                        weight=w,
                        best=o.best + 0.5 * (o.best - o.worst),
                        worst=o.worst - 0.25 * (o.best - o.worst),
                    )
                    for o, w in zip(p.objectives, weights, strict=True)
                ]
                objs.append(Objective("credibility", None, None, 100.0, 0.0, 0.0, "secret"))
                p = dataclasses.replace(p, objectives=tuple(objs))
            if win_set is not None:
                p = dataclasses.replace(p, ratification=win_set)
            if briefing is not None:
                p = dataclasses.replace(p, briefing_confidential=briefing)
        players.append(p)
    items = []
    for it in rules.items:
        if costs and it.owner == who:  # what it gives: costs private to the giver
            it = dataclasses.replace(
                it, levels=tuple(Level(lv.value, lv.cost * 3 + 1.5, lv.gain) for lv in it.levels)
            )
        if costs and it.to == (who,):  # what only it can receive: gains private to it
            it = dataclasses.replace(
                it, levels=tuple(Level(lv.value, lv.cost, lv.gain * 2 + 0.75) for lv in it.levels)
            )
        items.append(it)
    return fresh(rules, players=tuple(players), items=tuple(items))


def _b_ratification() -> Ratification:
    rat = RULES.player(SECRET).ratification
    assert rat is not None
    return rat


VARIANTS: dict[str, Rules] = {
    "objectives": with_private(RULES, SECRET, objectives=True),
    "costs": with_private(RULES, SECRET, costs=True),
    "win_set": with_private(
        RULES,
        SECRET,
        win_set=Ratification(_b_ratification().body, _b_ratification().win_set_base + 37.0, 1.3),
    ),
    "briefing": with_private(RULES, SECRET, briefing="Secret: we would give 80 to close."),
}
# Variants whose data never moves a public number unless B gives, gets or ratifies something.
TOUCHY = {"costs", "win_set"}


def touches_secret(game: Game, action: Action) -> bool:
    """Would ``action`` let B's political numbers move a public poll (legitimately)?"""
    session = game.session
    if isinstance(action, Accept) and session is not None and SECRET in session.pair:
        return True
    if isinstance(action, Concede) and SECRET in (action.player, action.partner):
        return True
    return False


def play_both(
    rules_a: Rules, rules_b: Rules, seed: int, steps: int, avoid_secret: bool
) -> Iterator[tuple[Game, Game]]:
    """Play the same sampled legal actions in two games; yield both after each action."""
    ga, gb = Game.new(rules_a, seed), Game.new(rules_b, seed)
    rng = random.Random(seed)
    yield ga, gb
    for _ in range(steps):
        if ga.is_over():
            return
        mover = ga.to_move()
        legal = ga.legal_actions(mover)
        for _ in range(50):
            action = legal.sample(rng)
            if not (avoid_secret and touches_secret(ga, action)):
                break
        else:  # pragma: no cover - Done / Pass / Reject are always there
            raise AssertionError("no action avoids the secret")
        assert gb.can(action), f"{action} legal in one variant only"
        ga.apply(action)
        gb.apply(action)
        yield ga, gb


def public_part(view: dict[str, Any]) -> dict[str, Any]:
    """A finished game's view also reports every score: the debrief's business (§3.7)."""
    return {k: v for k, v in view.items() if k not in ("scores", "batna")}


def probe_actions(game: Game, player: str, rng: random.Random) -> list[Action]:
    """Illegal-or-not actions by ``player`` that mention B's items, deals and instruments."""
    b_items = [it.id for it in RULES.items if it.owner == SECRET]
    other = rng.choice([p for p in RULES.player_ids if p != player])
    out: list[Action] = [
        Propose(player, SECRET, (Term(rng.choice(b_items), 80.0),)),
        Counter(player, SECRET, (Term(rng.choice(b_items), 40.0),)),
        Concede(player, SECRET, (Term(rng.choice(b_items), 5.0),)),
        Statement(player, "public_demand", SECRET, "b-invest=80"),
        Statement(player, "fact_check", other, "a-claim"),
        Statement(player, "threat", SECRET, "b-cm"),
        Renege(player, rng.choice([d.id for d in game.deals] or ["d1"])),
        SetTariff(player, "a-on-b", 0.3),
        Countermeasure(player, "b-cm", True),
        ExtendDeadline(player, 7),
        RequestTalks(player, SECRET, "leader"),
        Accept(player),
        Reject(player),
        Pass(player),
        Done(player),
    ]
    mover = game.to_move()
    if mover == player and not game.is_over():
        out.append(game.legal_actions(player).sample(rng))
    return out


def errors(game: Game, actions: list[Action]) -> list[str | None]:
    out: list[str | None] = []
    for a in actions:
        try:
            game.verify(a)
            out.append(None)
        except IllegalActionError as exc:
            out.append(str(exc))
    return out


def projection(game: Game, player: str, rng: random.Random) -> dict[str, Any]:
    hypo: list[Action] = []
    if game.to_move() == player:
        hypo = [game.legal_actions(player).sample(rng)]
    return {"hypo": [str(a) for a in hypo], **game.what_if(player, hypo).to_json()}


def compare_outsiders(ga: Game, gb: Game, rng_seed: int, check_what_if: bool) -> None:
    for other in OTHERS:
        va, vb = ga.view(other), gb.view(other)
        ja, jb = va.to_json(), vb.to_json()
        if ga.is_over():
            ja, jb = public_part(ja), public_part(jb)
        else:
            assert str(va) == str(vb), other
            assert ga.glance(other) == gb.glance(other), other  # part of the view (RL vectors)
            # Sections of the view made alone (what built-in agents read).
            assert build_sections(ga, other, SECTIONS) == build_sections(gb, other, SECTIONS)
        assert ja == jb, other
        assert json.dumps(ja, sort_keys=True) == json.dumps(jb, sort_keys=True)
        assert [e.to_json() for e in ga.log if e.visible_to(other)] == [
            e.to_json() for e in gb.log if e.visible_to(other)
        ]
        probes = probe_actions(ga, other, random.Random(rng_seed))
        assert errors(ga, probes) == errors(gb, probes), other
        if check_what_if and not ga.is_over():
            assert projection(ga, other, random.Random(rng_seed)) == projection(
                gb, other, random.Random(rng_seed)
            ), other


def test_a_glance_is_part_of_the_players_view() -> None:
    """Every field of ``glance(p)`` equals the view's field of the same name, for every player
    on every state of random games (so the differential tests of views cover glances)."""
    fields = [f.name for f in dataclasses.fields(Glance)]
    for rules in (RULES, load_rules("april-2025")):
        for seed in range(3):
            game = Game.new(rules, seed)
            rng = random.Random(seed)
            while True:
                for p in rules.player_ids:
                    view, glance = game.view(p), game.glance(p)
                    for name in fields:
                        assert getattr(glance, name) == getattr(view, name), (name, p)
                if game.is_over():
                    break
                game.apply(game.legal_actions().sample(rng))


def test_sections_made_alone_are_the_players_view() -> None:
    """``build_sections(game, p, names)`` is each named section of ``view(p).to_json()``, for
    every player on every state of random games in every bundled scenario (so the differential
    tests of views cover them); asked for one at a time or all at once."""
    for rules in (RULES, *(load_rules(name) for name in sorted(bundled_scenarios()))):
        for seed in range(2):
            game = Game.new(rules, seed)
            rng = random.Random(seed)
            while True:
                for p in rules.player_ids:
                    data = game.view(p).to_json()
                    together = build_sections(game, p, sorted(SECTIONS))
                    assert together == {name: data[name] for name in sorted(SECTIONS)}, p
                    for name in SECTIONS:
                        assert build_sections(game, p, [name]) == {name: data[name]}, (name, p)
                if game.is_over():
                    break
                game.apply(game.legal_actions().sample(rng))


# -- the differential tests ---------------------------------------------------------------


def test_variants_really_differ() -> None:
    """Negative control: B itself, and the instructor, see every variant's difference."""
    base = Game.new(RULES, 0)
    for name, rules in VARIANTS.items():
        g = Game.new(rules, 0)
        assert g.view(SECRET).to_json() != base.view(SECRET).to_json(), name
        assert g.view(None).to_json() != base.view(None).to_json(), name


@settings(max_examples=8)
@given(seed=st.integers(0, 2**32 - 1), name=st.sampled_from(sorted(VARIANTS)))
def test_outsiders_cannot_tell_private_data_apart(seed: int, name: str) -> None:
    variant = VARIANTS[name]
    for step, (ga, gb) in enumerate(
        play_both(RULES, variant, seed, steps=80, avoid_secret=name in TOUCHY)
    ):
        compare_outsiders(ga, gb, rng_seed=seed + step, check_what_if=step % 4 == 0)


def test_outsiders_cannot_tell_private_data_apart_in_a_full_game() -> None:
    """One complete game per variant, every state compared (what_if every few states)."""
    for name, variant in sorted(VARIANTS.items()):
        last = None
        for step, (ga, gb) in enumerate(
            play_both(RULES, variant, 2024, steps=500, avoid_secret=name in TOUCHY)
        ):
            compare_outsiders(ga, gb, rng_seed=step, check_what_if=step % 6 == 0)
            last = ga
        assert last is not None and last.is_over(), name


def _sequence(rules: Rules, texts: list[str], seed: int = 1) -> Game:
    game = Game.new(rules, seed)
    for t in texts:
        game.apply(parse(t))
    return game


def test_failed_ratification_hides_the_win_set() -> None:
    """A deal beyond B's win-set fails publicly; how far beyond is B's business."""
    # B's win-set at approval 40 is 10 + 0.2 × (40 − 50) = 8; in the variant, 9.
    # The deal costs B 4 + 9 = 13 points: it fails in both.
    rat = _b_ratification()
    variant = with_private(
        RULES, SECRET, win_set=Ratification(rat.body, rat.win_set_base + 1, rat.win_set_slope)
    )
    moves = ["B propose A b-farm=10,b-invest=80", "A accept", "A done", "B done", "C done"]
    ga, gb = _sequence(RULES, moves), _sequence(variant, moves)
    assert ga.deal("d1").status == gb.deal("d1").status == "failed"
    compare_outsiders(ga, gb, rng_seed=0, check_what_if=True)
    # Negative control: B's own log explains the failure with its (different) win-set.
    b_log_a = [e.text for e in ga.log if e.audience == frozenset({SECRET})]
    b_log_b = [e.text for e in gb.log if e.audience == frozenset({SECRET})]
    assert b_log_a != b_log_b
    assert any("8.0" in t for t in b_log_a) and any("9.0" in t for t in b_log_b)
    public = " ".join(e.text for e in ga.log if e.visible_to("C"))
    assert "fails ratification" in public
    assert "13.0" not in public and "8.0" not in public


def test_what_if_does_not_read_the_partners_win_set() -> None:
    """A's projection of a deal with B assumes B ratifies: B's win-set must not matter."""
    generous = with_private(RULES, SECRET, win_set=Ratification("the Assembly", 100.0, 0.0))
    strict = with_private(RULES, SECRET, win_set=Ratification("the Assembly", -50.0, 0.0))
    ga = _sequence(generous, ["B propose A b-invest=40"])
    gb = _sequence(strict, ["B propose A b-invest=40"])
    offer = [parse("A counter B b-farm=10,b-invest=80")]
    pa, pb = ga.what_if("A", offer).to_json(), gb.what_if("A", offer).to_json()
    assert pa == pb
    assert pa["score"] > pa["baseline"]  # investment received counts for A
    # Negative control: B's own projection does use B's own win-set.
    ga2 = _sequence(generous, ["B pass"])
    gb2 = _sequence(strict, ["B pass"])
    assert ga2.what_if("B", []).to_json() == gb2.what_if("B", []).to_json()
    ga3, gb3 = Game.new(generous, 1), Game.new(strict, 1)
    hypo = [parse("B propose A b-invest=40")]
    assert ga3.what_if("B", hypo).notes != gb3.what_if("B", hypo).notes


# -- pending orders and talks contents ----------------------------------------------------


def _json(view: Any) -> str:
    return json.dumps(view.to_json(), sort_keys=True)


def test_pending_orders_are_secret_until_resolution() -> None:
    # Round 1: B opens the scheduled talks with A and passes; then orders, A first.
    ga = _sequence(RULES, ["B pass", "A tariff a-on-b 0.35", "A say threat B a-on-b"])
    gb = _sequence(RULES, ["B pass", "A tariff a-on-b 0.45", "A say claim_progress C"])
    assert ga.to_move() == "A"
    for viewer in ("B", "C"):
        assert _json(ga.view(viewer)) == _json(gb.view(viewer)), viewer
        assert str(ga.view(viewer)) == str(gb.view(viewer)), viewer
        text = _json(ga.view(viewer)) + str(ga.view(viewer))
        assert "0.35" not in text and "35%" not in text, viewer
        assert "threat" not in text, viewer
    # A and the instructor see A's pending orders.
    assert ga.view("A").to_json()["you"]["pending_orders"] == [
        "A tariff a-on-b 0.35",
        "A say threat B a-on-b",
    ]
    assert ga.view(None).to_json()["private"]["A"]["pending_orders"] == [
        "A tariff a-on-b 0.35",
        "A say threat B a-on-b",
    ]
    # B's and C's projections do not read them either.
    for viewer in ("B", "C"):
        assert ga.what_if(viewer).to_json() == gb.what_if(viewer).to_json(), viewer
    # After A is done, B moves; A's orders are still secret to B and C.
    for g in (ga, gb):
        g.apply(parse("A done"))
    for viewer in ("B", "C"):
        assert _json(ga.view(viewer)) == _json(gb.view(viewer)), viewer
    # At resolution they are revealed to everyone.
    for g in (ga, gb):
        g.apply(parse("B done"))
        g.apply(parse("C done"))
    assert any("35%" in e["text"] for e in ga.view("C").to_json()["log"])


def test_talks_contents_are_secret_to_third_parties() -> None:
    ga = _sequence(RULES, ["B propose A b-invest=80,a-cap-b=0.2"])
    gb = _sequence(RULES, ["B propose A b-farm=5"])
    for viewer in ("C",):
        va = ga.view(viewer).to_json()
        assert _json(ga.view(viewer)) == _json(gb.view(viewer))
        assert str(ga.view(viewer)) == str(gb.view(viewer))
        for talk in va["talks"]:
            assert "offer" not in talk and "offer_by" not in talk, talk
        text = _json(ga.view(viewer)) + str(ga.view(viewer))
        assert "$80bn" not in text and "a-cap-b=0.2" not in text
        assert "proposes" not in text
    # The parties and the instructor see the offer.
    for viewer in ("A", "B", None):
        talks = ga.view(viewer).to_json()["talks"]
        assert talks[0]["offer"] == [["a-cap-b", 0.2], ["b-invest", 80.0]], viewer
    # A counter, then an acceptance: C learns only that an agreement was reached.
    for g, counter in ((ga, "A counter B b-invest=80,a-cap-b=0.1"), (gb, "A counter B b-farm=10")):
        g.apply(parse(counter))
        g.apply(parse("B accept"))
    assert _json(ga.view("C")) == _json(gb.view("C"))
    assert any("reached an agreement" in e["text"] for e in ga.view("C").to_json()["log"])
    assert not any(d["id"] == "d1" for d in ga.view("C").to_json()["deals"])
    assert any(d["id"] == "d1" and d["status"] == "agreed" for d in ga.view("A").to_json()["deals"])


def test_deal_terms_become_public_at_resolution() -> None:
    game = _sequence(RULES, ["B propose A b-invest=40", "A accept", "A done", "B done", "C done"])
    deals = {d["id"]: d for d in game.view("C").to_json()["deals"]}
    assert deals["d1"]["status"] == "in_force"
    assert deals["d1"]["terms"][0]["item"] == "b-invest"
    assert "political_cost_to_you" not in deals["d1"]


def test_what_if_does_not_read_an_unpublished_deal() -> None:
    """C's projection must not depend on the terms A and B agreed but have not published.

    Until resolution C knows only that A and B reached an agreement (its views are
    identical below); a projection that enters the actual terms into force reveals them.
    """
    ga = _sequence(RULES, ["B propose A b-invest=40", "A accept"])
    gb = _sequence(RULES, ["B propose A a-cap-b=0.1", "A accept"])
    assert _json(ga.view("C")) == _json(gb.view("C"))
    assert ga.what_if("C").to_json() == gb.what_if("C").to_json()


def test_what_if_does_not_depend_on_how_long_others_talked() -> None:
    """The number of exchanges in A–B talks is private; C's projection must not vary with it.

    A scenario variant whose random event moves market stress (a metric C's projection
    reports) makes any dependence of the projection's chance stream on private talk moves
    visible.
    """
    events = tuple(
        dataclasses.replace(e, effects=(Effect("shift_market_stress", by=20.0),))
        if e.trigger == "random"
        else e
        for e in RULES.events
    )
    rules = fresh(RULES, events=events)
    short = ["B propose A b-invest=40", "A reject"]
    long = ["B propose A b-invest=40", "A counter B b-invest=80", "B reject"]
    for seed in range(20):
        ga, gb = _sequence(rules, short, seed), _sequence(rules, long, seed)
        assert _json(ga.view("C")) == _json(gb.view("C")), seed
        assert ga.what_if("C").to_json() == gb.what_if("C").to_json(), seed


def test_instructor_sees_everything() -> None:
    game = _sequence(RULES, ["B propose A b-invest=80", "A counter B b-invest=40"])
    view = game.view(None).to_json()
    assert view["viewer"] == "instructor"
    assert view["talks"][0]["offer"] == [["b-invest", 40.0]]
    assert all(e in view["log"] for e in (x.to_json() for x in game.log))
    for p in RULES.players:
        assert view["private"][p.id]["objectives"]
        assert "confidential_briefing" in view["private"][p.id]
    for item in view["catalogue"]:
        assert "political_cost" in item and "political_gain" in item


def test_catalogue_costs_and_gains_shown_only_to_their_owners() -> None:
    view = Game.new(RULES, 0).view("C").to_json()
    for entry in view["catalogue"]:
        item = RULES.item(entry["id"])
        assert ("political_cost" in entry) == (item.owner == "C"), entry["id"]
        assert ("political_gain" in entry) == item.can_go_to("C"), entry["id"]
    you = view["you"]
    assert you["win_set"] is not None  # C ratifies: it sees its own win-set
    assert "private" not in view
    text = json.dumps(view)
    b = RULES.player("B")
    assert "Assembly" in text  # that B ratifies, and by whom, is public
    assert json.dumps([o.weight for o in b.objectives]) not in text


BUNDLED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def test_bundled_scenarios_hide_a_ratifiers_private_data() -> None:
    """For every bundled scenario (none is fine): change one ratifying player's private data
    (objectives, briefing, win-set, political costs and gains); the others cannot tell."""
    for path in BUNDLED:
        rules = load_rules(path)
        secret = next(
            (p.id for p in rules.players if p.ratification is not None), rules.player_ids[-1]
        )
        rat = rules.player(secret).ratification
        variant = with_private(
            rules,
            secret,
            objectives=True,
            costs=True,
            briefing="Confidential: anything goes.",
            win_set=Ratification(rat.body, rat.win_set_base + 17.0, 0.7) if rat else None,
        )
        outsiders = [p for p in rules.player_ids if p != secret]
        ga, gb = Game.new(rules, 5), Game.new(variant, 5)
        rng = random.Random(5)
        step = 0
        while not ga.is_over() and step < 250:
            for other in outsiders:
                ja, jb = ga.view(other).to_json(), gb.view(other).to_json()
                assert ja == jb, (path.name, other, step)
                assert str(ga.view(other)) == str(gb.view(other)), (path.name, other, step)
                if step % 25 == 0:
                    assert ga.what_if(other).to_json() == gb.what_if(other).to_json(), (
                        path.name,
                        other,
                        step,
                    )
                # The moves that touch the secret player are projected too: a what_if reads
                # only what its viewer can see (issue 19 b).
                hypo = _touching_move(ga, other, secret, rng) if step % 5 == 0 else None
                if hypo is not None:
                    assert (
                        ga.what_if(other, [hypo]).to_json() == gb.what_if(other, [hypo]).to_json()
                    ), (path.name, other, step, str(hypo))
            mover = ga.to_move()
            legal = ga.legal_actions(mover)
            for _ in range(50):
                action = legal.sample(rng)
                session = ga.session
                touches = (
                    isinstance(action, Accept) and session is not None and secret in session.pair
                ) or (isinstance(action, Concede) and secret in (action.player, action.partner))
                if not touches:
                    break
            ga.apply(action)
            gb.apply(action)
            step += 1


def _touching_move(game: Game, player: str, secret: str, rng: random.Random) -> Action | None:
    """A legal move of ``player`` that gives the secret player something or takes its offer."""
    if game.to_move() != player:
        return None
    legal = game.legal_actions(player)
    for _ in range(50):
        action = legal.sample(rng)
        session = game.session
        if (
            isinstance(action, (Accept, Propose, Counter))
            and session is not None
            and secret in session.pair
        ) or (isinstance(action, Concede) and secret == action.partner):
            return action
    return None


# -- the public view (a spectator) -----------------------------------------------------------


def _public(game: Game) -> dict[str, Any]:
    view = game.view(SPECTATOR).to_json()
    return public_part(view) if game.is_over() else view


def test_the_public_view_does_not_change_with_anyones_private_data() -> None:
    """Each player in turn gets other objectives and another confidential briefing; in every
    state of a whole game the spectator's view (JSON and text) stays the same."""
    for who in RULES.player_ids:
        variant = with_private(RULES, who, objectives=True, briefing="Secret: 80 would do.")
        assert Game.new(variant, 0).view(who).to_json() != Game.new(RULES, 0).view(who).to_json()
        last = None
        for ga, gb in play_both(RULES, variant, 11, steps=500, avoid_secret=False):
            assert _public(ga) == _public(gb), who
            if not ga.is_over():
                assert str(ga.view(SPECTATOR)) == str(gb.view(SPECTATOR)), who
            last = ga
        assert last is not None and last.is_over()


def test_the_public_view_holds_no_pending_orders_or_talks_contents() -> None:
    orders_a = _sequence(RULES, ["B pass", "A tariff a-on-b 0.35", "A say threat B a-on-b"])
    orders_b = _sequence(RULES, ["B pass", "A tariff a-on-b 0.45", "A say claim_progress C"])
    talks_a = _sequence(RULES, ["B propose A b-invest=80,a-cap-b=0.2"])
    talks_b = _sequence(RULES, ["B propose A b-farm=5"])
    for ga, gb in ((orders_a, orders_b), (talks_a, talks_b)):
        assert _json(ga.view(SPECTATOR)) == _json(gb.view(SPECTATOR))
        assert str(ga.view(SPECTATOR)) == str(gb.view(SPECTATOR))
        # Negative control: a party to it sees the difference.
        assert _json(ga.view("A")) != _json(gb.view("A"))
    view = talks_a.view(SPECTATOR).to_json()
    assert view["viewer"] == "spectator"
    assert "you" not in view and "private" not in view
    assert all("offer" not in talk for talk in view["talks"])
    assert all("political_cost" not in e and "political_gain" not in e for e in view["catalogue"])
    # Nothing addressed to one player reaches the public log.
    assert len(view["log"]) < len(talks_a.view("A").to_json()["log"])


def test_statements_and_their_audience_costs_hide_private_data() -> None:
    """Statements of every kind by and about B, what they add and how it fades, and the
    audience costs charged when the game ends (issue 19): outsiders cannot tell B's private
    data apart, nor do their projections of a statement depend on it."""
    round1 = [
        "B pass",
        "A say threat B a-on-b",
        "A say claim_progress B",
        "A done",
        "B say public_demand A a-cap-b=0.1",
        "B say claim_progress A",
        "B done",
        "C say reassure B",
        "C say claim_progress A",
        "C done",
    ]
    for name, variant in sorted(VARIANTS.items()):
        ga, gb = _sequence(RULES, round1), _sequence(variant, round1)
        assert len(ga.pledges) == 5
        step = 0
        while True:
            compare_outsiders(ga, gb, rng_seed=step, check_what_if=True)
            if ga.is_over():
                break
            mover = ga.to_move()
            assert mover is not None
            if mover in OTHERS and ga.session is None:
                hypo = [
                    Statement(mover, "reassure", SECRET),
                    Statement(mover, "threat", SECRET, "a-on-b" if mover == "A" else "c-cm"),
                ]
                hypo = [a for a in hypo if ga.can(a)][:1]
                assert ga.what_if(mover, hypo).to_json() == gb.what_if(mover, hypo).to_json()
            session = ga.session
            action: Action = (
                Done(mover)
                if session is None
                else Pass(mover)
                if session.offer is None
                else Reject(mover)
            )
            ga.apply(action)
            gb.apply(action)
            step += 1
        assert all(pl.settled for pl in ga.pledges), name
        # Negative control: the charges happened (A's threat was tested by the snap-back).
        assert any("did not carry out its threat" in e.text for e in ga.log), name


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), name=st.sampled_from(sorted(VARIANTS)))
def test_a_players_own_projections_leave_nothing_for_others_to_read(seed: int, name: str) -> None:
    """The engine remembers per scenario what projections compute (rates, terms, snapshots,
    chance streams, talks held, deal tables). B's own what_if, view and glance read B's
    private data; they run first in one game only, each game with rules (caches) of its own:
    the outsiders' projections must be the same in both."""
    ra, rb = fresh(RULES), fresh(VARIANTS[name])
    for step, (ga, gb) in enumerate(play_both(ra, rb, seed, steps=60, avoid_secret=name in TOUCHY)):
        if step % 3 or ga.is_over():
            continue
        projection(gb, SECRET, random.Random(step))  # B's own, every metric read
        gb.view(SECRET)
        gb.glance(SECRET)
        for other in OTHERS:
            assert projection(ga, other, random.Random(step)) == projection(
                gb, other, random.Random(step)
            ), other

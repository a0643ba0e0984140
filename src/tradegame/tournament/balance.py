"""The balance benchmark: a round robin of agents on repeated seeds, its analysis, and the
rule probes of issue 19 — measured, each with its threshold, met or not met.

The analysis functions are pure and work on plain tables, so tests can check them on
hand-made tables with known answers:

* :func:`mean_ci` — a mean with its 95% Student-t confidence interval (the tournament
  summary's ``ci95``);
* :func:`payoff_table` — surplus over BATNA per role × agent, with intervals;
* :func:`lineup_means` — the meta-game: line-up (one agent per role) → each role's mean surplus;
* :func:`dominated` — per role, the agents another agent does at least as well as against every
  sampled line-up of the other roles (and better against one);
* :func:`pure_equilibria` and :func:`best_response_dynamics` — the meta-game's pure equilibria,
  and where best responses lead from a starting line-up (an equilibrium or a cycle);
* :func:`variance_split` — a two-way split of a role's surplus into line-up (choice), seed
  (luck common to every line-up) and their interaction (luck that depends on the line-up).

:func:`run_benchmark` plays the games (the round robin and the probes' line-ups through the
tournament runner, with workers; the few probes that read a game's state in this process) and
returns a JSON-ready report; :func:`render_markdown` writes it as ``docs/balance.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradegame.tournament.plan import GameTask, game_seed
from tradegame.tournament.results import ci95

Lineup = tuple[str, ...]
"""One agent spec per role, in the scenario's role order."""

STATEMENTS_GAIN_MAX = 3.0
WRAP_GAIN_MAX = 2.0
SELLOFF_RANGE = (0.20, 0.40)
SELLOFF_EVENT = "bond_selloff"
CALENDAR_TARGETS = {"JP": "2025-07-22", "EU": "2025-07-27"}
EXTENDED_TO = "2025-08-01"
TIE = 0.1
"""Points within which settle-early and hold-out tie against a US agent (neither wins)."""
ROUND1_MARGIN = 1.0
"""Points of the US's projected score by which a Japanese round-1 offer the default US accepts
may fall short of the historical package (see the report's note on the probe)."""


# ---------------------------------------------------------------------- statistics


@dataclass(frozen=True, slots=True)
class Stat:
    """A mean with its confidence interval (``lo``/``hi`` None with fewer than two values)."""

    n: int
    mean: float
    lo: float | None
    hi: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": _r(self.mean),
            "ci95": None if self.lo is None else [_r(self.lo), _r(self.hi)],
        }

    def text(self) -> str:
        if self.n == 0:
            return "—"
        if self.lo is None or self.hi is None:
            return f"{self.mean:+.1f}"
        return f"{self.mean:+.1f} ±{(self.hi - self.lo) / 2:.1f}"


def _r(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def mean_ci(values: Sequence[float]) -> Stat:
    """The mean of ``values`` (independent games) and its 95% Student-t interval (the
    tournament summary's own, :func:`tradegame.tournament.results.ci95`)."""
    n = len(values)
    if n == 0:
        return Stat(0, math.nan, None, None)
    mean = math.fsum(values) / n
    half = ci95(values, range(n))
    if half is None:
        return Stat(n, mean, None, None)
    return Stat(n, mean, mean - half, mean + half)


# ---------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class Row:
    """One game: its line-up, seed and each role's surplus over BATNA (role order)."""

    lineup: Lineup
    seed: int
    surplus: tuple[float, ...]


def payoff_table(rows: Iterable[Row], roles: Sequence[str]) -> dict[str, dict[str, Stat]]:
    """Role → agent → the surplus that agent made in that role, with its interval."""
    cells: dict[tuple[int, str], list[float]] = defaultdict(list)
    for row in rows:
        for i, agent in enumerate(row.lineup):
            cells[(i, agent)].append(row.surplus[i])
    out: dict[str, dict[str, Stat]] = {}
    for i, role in enumerate(roles):
        agents = sorted({a for (j, a) in cells if j == i})
        out[role] = {a: mean_ci(cells[(i, a)]) for a in agents}
    return out


def lineup_means(rows: Iterable[Row]) -> dict[Lineup, tuple[float, ...]]:
    """The meta-game's payoffs: each line-up's mean surplus per role over its games."""
    sums: dict[Lineup, list[list[float]]] = defaultdict(list)
    for row in rows:
        sums[row.lineup].append(list(row.surplus))
    return {
        lineup: tuple(math.fsum(col) / len(col) for col in zip(*games, strict=True))
        for lineup, games in sums.items()
    }


def _swap(lineup: Lineup, i: int, agent: str) -> Lineup:
    return (*lineup[:i], agent, *lineup[i + 1 :])


def dominated(
    means: Mapping[Lineup, Sequence[float]], n_roles: int, eps: float = 0.0
) -> list[list[tuple[str, str]]]:
    """Per role index, the pairs (dominated, by): ``by`` scores at least as much as the
    dominated agent (within ``eps``) against every line-up of the other roles where both
    were played, and more (by over ``eps``) against at least one."""
    out: list[list[tuple[str, str]]] = []
    for i in range(n_roles):
        agents = sorted({lu[i] for lu in means})
        pairs = []
        for a, b in itertools.permutations(agents, 2):
            compared = better = 0
            worse = False
            for lu, payoff in means.items():
                if lu[i] != a:
                    continue
                other = means.get(_swap(lu, i, b))
                if other is None:
                    continue
                compared += 1
                if other[i] < payoff[i] - eps:
                    worse = True
                    break
                if other[i] > payoff[i] + eps:
                    better += 1
            if compared and not worse and better:
                pairs.append((a, b))
        out.append(pairs)
    return out


def best_response(
    means: Mapping[Lineup, Sequence[float]], lineup: Lineup, i: int, agents: Sequence[str]
) -> str:
    """Role ``i``'s best agent against the others of ``lineup`` (its own agent when that is
    among the best; else the first best in ``agents`` order)."""
    options = [(means[_swap(lineup, i, a)][i], a) for a in agents if _swap(lineup, i, a) in means]
    top = max(v for v, _ in options)
    best = [a for v, a in options if v >= top]
    return lineup[i] if lineup[i] in best else best[0]


def pure_equilibria(means: Mapping[Lineup, Sequence[float]], n_roles: int) -> list[Lineup]:
    """Line-ups in which no role gains by changing agent alone (among the sampled agents)."""
    agents = [sorted({lu[i] for lu in means}) for i in range(n_roles)]
    out = []
    for lu in sorted(means):
        if all(best_response(means, lu, i, agents[i]) == lu[i] for i in range(n_roles)):
            out.append(lu)
    return out


@dataclass(frozen=True, slots=True)
class Dynamics:
    """Where best responses lead: ``equilibrium`` (path ends in it) or ``cycle`` (the
    line-ups of the cycle, first one repeated at the end)."""

    kind: str
    path: tuple[Lineup, ...]
    cycle: tuple[Lineup, ...] = ()


def best_response_dynamics(
    means: Mapping[Lineup, Sequence[float]], start: Lineup, max_steps: int = 1000
) -> Dynamics:
    """Roles in turn switch to their best response; stop at a line-up where nobody moves
    (an equilibrium) or when a line-up comes back with the same role to move (a cycle)."""
    n_roles = len(start)
    agents = [sorted({lu[i] for lu in means}) for i in range(n_roles)]
    lineup = start
    path = [lineup]
    seen: dict[tuple[Lineup, int], int] = {}
    still = 0
    step = 0
    while step < max_steps:
        i = step % n_roles
        key = (lineup, i)
        if key in seen and still < n_roles:
            first = seen[key]
            return Dynamics("cycle", tuple(path), tuple(path[first:]))
        seen[key] = len(path) - 1
        br = best_response(means, lineup, i, agents[i])
        if br == lineup[i]:
            still += 1
            if still >= n_roles:
                return Dynamics("equilibrium", tuple(path))
        else:
            still = 0
            lineup = _swap(lineup, i, br)
            path.append(lineup)
        step += 1
    return Dynamics("unresolved", tuple(path))


@dataclass(frozen=True, slots=True)
class VarianceSplit:
    """Sums of squares of one role's surplus: by line-up (choice), by seed (luck shared by
    every line-up) and their interaction (luck that depends on the line-up)."""

    total: float
    lineup: float
    seed: float
    interaction: float
    lineups: int
    seeds: int

    def share(self, part: float) -> float:
        return part / self.total if self.total > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "lineups": self.lineups,
            "seeds": self.seeds,
            "ss_total": _r(self.total),
            "choice_share": _r(self.share(self.lineup)),
            "seed_share": _r(self.share(self.seed)),
            "interaction_share": _r(self.share(self.interaction)),
        }


def variance_split(rows: Iterable[Row], i: int) -> VarianceSplit:
    """Two-way split (line-up × seed, one game per cell) of role ``i``'s surplus, over the
    line-ups played on every seed (others are left out)."""
    cells: dict[tuple[Lineup, int], float] = {}
    for row in rows:
        cells[(row.lineup, row.seed)] = row.surplus[i]
    seeds = sorted({s for _, s in cells})
    lineups = sorted({lu for lu, _ in cells if all((lu, s) in cells for s in seeds)})
    if not lineups or not seeds:
        return VarianceSplit(0.0, 0.0, 0.0, 0.0, 0, 0)
    y = {(lu, s): cells[(lu, s)] for lu in lineups for s in seeds}
    grand = math.fsum(y.values()) / len(y)
    by_lineup = {lu: math.fsum(y[(lu, s)] for s in seeds) / len(seeds) for lu in lineups}
    by_seed = {s: math.fsum(y[(lu, s)] for lu in lineups) / len(lineups) for s in seeds}
    total = math.fsum((v - grand) ** 2 for v in y.values())
    ss_lineup = len(seeds) * math.fsum((m - grand) ** 2 for m in by_lineup.values())
    ss_seed = len(lineups) * math.fsum((m - grand) ** 2 for m in by_seed.values())
    return VarianceSplit(
        total, ss_lineup, ss_seed, max(0.0, total - ss_lineup - ss_seed), len(lineups), len(seeds)
    )


def paired_gain(
    cells: Mapping[tuple[Lineup, int], Sequence[float]],
    i: int,
    pairs: Iterable[tuple[Lineup, Lineup]],
    seeds: Sequence[int],
) -> Stat:
    """Role ``i``'s surplus in line-up ``b`` minus in ``a``, paired by seed, over ``pairs``."""
    diffs = []
    for a, b in pairs:
        for s in seeds:
            if (a, s) in cells and (b, s) in cells:
                diffs.append(cells[(b, s)][i] - cells[(a, s)][i])
    return mean_ci(diffs)


# ---------------------------------------------------------------------- the benchmark


@dataclass(frozen=True, slots=True)
class Config:
    """What the benchmark plays (the defaults fit 10 minutes on two cores)."""

    scenario: str = "april-2025"
    agents: tuple[str, ...] = (
        "passive",
        "hawk",
        "dove",
        "tit-for-tat",
        "boulware",
        "greedy",
        "historical",
    )
    seeds: int = 2
    seed: int = 2025
    panel: tuple[str, ...] = ()  # the probes' opponents; () = default agent, greedy, historical
    selloff_games: int = 49
    workers: int = 1
    round_robin: bool = True  # False: only the probes' line-ups (no payoff tables, meta-game)
    news_games: int = 1000  # random games for the news checker


def default_panel(default: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((default, "greedy", "historical")))


@dataclass(slots=True)
class Plan:
    """Every line-up the benchmark plays (on every seed), and what each probe compares."""

    roles: tuple[str, ...]
    seeds: tuple[int, ...]
    agents: tuple[str, ...]
    panel: tuple[str, ...]
    round_robin: bool = True
    lineups: list[Lineup] = field(default_factory=list)
    statements: dict[str, list[tuple[Lineup, Lineup]]] = field(default_factory=dict)
    wrapped: dict[tuple[str, str], list[tuple[Lineup, Lineup]]] = field(default_factory=dict)
    timing: dict[tuple[str, str], list[tuple[Lineup, Lineup]]] = field(default_factory=dict)

    def tasks(self, scenario: str) -> list[GameTask]:
        out = []
        for k, (lineup, seed) in enumerate(itertools.product(self.lineups, self.seeds)):
            out.append(GameTask(k, scenario, seed, tuple(zip(self.roles, lineup, strict=True))))
        return out


def _others(roles: Sequence[str], i: int, panel: Sequence[str]) -> list[dict[int, str]]:
    idx = [j for j in range(len(roles)) if j != i]
    return [
        dict(zip(idx, combo, strict=True)) for combo in itertools.product(panel, repeat=len(idx))
    ]


def _lineup(n: int, fixed: Mapping[int, str]) -> Lineup:
    return tuple(fixed[j] for j in range(n))


def make_plan(
    roles: Sequence[str], config: Config, panel: Sequence[str], us: str | None = "US"
) -> Plan:
    """The round robin (every line-up of ``config.agents``) and the probes' line-ups."""
    roles = tuple(roles)
    n = len(roles)
    seeds = tuple(game_seed(config.seed, k) for k in range(config.seeds))
    plan = Plan(roles, seeds, tuple(config.agents), tuple(panel), config.round_robin)
    wanted: dict[Lineup, None] = (
        dict.fromkeys(itertools.product(config.agents, repeat=n)) if config.round_robin else {}
    )
    negotiators = [a for a in config.agents if a not in ("passive", "random")]
    for i, role in enumerate(roles):
        for others in _others(roles, i, panel):
            base = _lineup(n, {**others, i: "passive"})
            probe = _lineup(n, {**others, i: "statements"})
            plan.statements.setdefault(role, []).append((base, probe))
            wanted.update(dict.fromkeys((base, probe)))
            for agent in negotiators:
                plain = _lineup(n, {**others, i: agent})
                wrapped = _lineup(n, {**others, i: f"{agent}+statements"})
                plan.wrapped.setdefault((role, agent), []).append((plain, wrapped))
                wanted.update(dict.fromkeys((plain, wrapped)))
    if us in roles:
        u = roles.index(us)
        for i, role in enumerate(roles):
            if i == u:
                continue
            rest = [j for j in range(n) if j not in (i, u)]
            for us_agent in negotiators:
                for combo in itertools.product(panel, repeat=len(rest)):
                    fixed = {u: us_agent, **dict(zip(rest, combo, strict=True))}
                    early = _lineup(n, {**fixed, i: "settle-early"})
                    late = _lineup(n, {**fixed, i: "hold-out"})
                    plan.timing.setdefault((role, us_agent), []).append((early, late))
                    wanted.update(dict.fromkeys((early, late)))
    plan.lineups = list(wanted)
    return plan


def rows_of(results: Iterable[Any], roles: Sequence[str]) -> list[Row]:
    """Rows from tournament results (:class:`GameResult`)."""
    out = []
    for r in results:
        lineup = tuple(r.seats[p] for p in roles)
        surplus = r.surplus
        out.append(Row(lineup, r.seed, tuple(surplus[p] for p in roles)))
    return out


def _verdict(ok: bool | None) -> str:
    return "not available" if ok is None else ("met" if ok else "not met")


def meta_game(rr: Sequence[Row], roles: Sequence[str], default: str) -> dict[str, Any]:
    """The round robin's payoff tables, dominance, meta-game and variance split."""
    n = len(roles)
    agents = sorted({a for r in rr for a in r.lineup})
    table = payoff_table(rr, roles)
    means = lineup_means(rr)
    dom = dominated(means, n)
    eq = pure_equilibria(means, n)
    start = tuple(default if default in agents else agents[0] for _ in roles)
    dyn = best_response_dynamics(means, start) if start in means else Dynamics("unresolved", ())
    split = {role: variance_split(rr, i) for i, role in enumerate(roles)}
    return {
        "payoffs": {role: {a: s.to_json() for a, s in table[role].items()} for role in roles},
        "dominated": {
            role: [{"agent": a, "by": b} for a, b in dom[i]] for i, role in enumerate(roles)
        },
        "equilibria": [dict(zip(roles, lu, strict=True)) for lu in eq],
        "dynamics": {
            "start": dict(zip(roles, start, strict=True)),
            "kind": dyn.kind,
            "path": [dict(zip(roles, lu, strict=True)) for lu in dyn.path],
            "cycle": [dict(zip(roles, lu, strict=True)) for lu in dyn.cycle],
        },
        "variance": {role: split[role].to_json() for role in roles},
    }


def analyse(plan: Plan, rows: Sequence[Row], default: str) -> dict[str, Any]:
    """Everything the report says about the games played (probes that read game states
    are added by :func:`run_benchmark`)."""
    roles = plan.roles
    n = len(roles)
    cells = {(r.lineup, r.seed): r.surplus for r in rows}
    out: dict[str, Any] = {"round_robin": plan.round_robin}
    rr_set = set(itertools.product(plan.agents, repeat=n)) if plan.round_robin else set()
    rr = [r for r in rows if r.lineup in rr_set]
    if rr:
        out.update(meta_game(rr, roles, default))
    out["games"] = {"round_robin": len(rr), "all": len(rows)}
    probes: list[dict[str, Any]] = []
    for i, role in enumerate(roles):
        gain = paired_gain(cells, i, plan.statements.get(role, []), plan.seeds)
        probes.append(
            {
                "id": f"statements:{role}",
                "probe": f"statements-only gain over passive, {role}",
                "threshold": f"≤ {STATEMENTS_GAIN_MAX:g}",
                "value": gain.to_json(),
                "verdict": _verdict(None if gain.n == 0 else gain.mean <= STATEMENTS_GAIN_MAX),
            }
        )
    wrap_rows: list[dict[str, Any]] = []
    for (role, agent), pairs in plan.wrapped.items():
        i = roles.index(role)
        gain = paired_gain(cells, i, pairs, plan.seeds)
        wrap_rows.append(
            {
                "role": role,
                "agent": agent,
                "value": gain.to_json(),
                "ok": gain.n > 0 and gain.mean <= WRAP_GAIN_MAX,
            }
        )
    worst = max(wrap_rows, key=lambda w: w["value"]["mean"], default=None)
    probes.append(
        {
            "id": "wrapped",
            "probe": "each built-in + statements vs the same built-in (largest gain)",
            "threshold": f"≤ {WRAP_GAIN_MAX:g} in every role",
            "value": None if worst is None else worst["value"],
            "detail": wrap_rows,
            "worst": None if worst is None else f"{worst['agent']} as {worst['role']}",
            "verdict": _verdict(None if not wrap_rows else all(w["ok"] for w in wrap_rows)),
        }
    )
    for role in [r for r in roles if any(k[0] == r for k in plan.timing)]:
        i = roles.index(role)
        versus = []
        for (r2, us_agent), pairs in plan.timing.items():
            if r2 != role:
                continue
            gain = paired_gain(cells, i, pairs, plan.seeds)  # hold-out minus settle-early
            if gain.n == 0 or abs(gain.mean) < TIE:
                best = "tie"
            else:
                best = "hold-out" if gain.mean > 0 else "settle-early"
            versus.append(
                {"us": us_agent, "hold_out_minus_settle_early": gain.to_json(), "best": best}
            )
        bests = {v["best"] for v in versus}
        probes.append(
            {
                "id": f"timing:{role}",
                "probe": f"settle-early vs hold-out as {role}, against each US agent",
                "threshold": "each best against some US agent",
                "value": {
                    "hold-out best against": sorted(
                        v["us"] for v in versus if v["best"] == "hold-out"
                    )
                },
                "detail": versus,
                "verdict": _verdict(None if not versus else {"hold-out", "settle-early"} <= bests),
            }
        )
    probes += holdout_probes(plan, cells, default)
    out["probes"] = probes
    return out


def holdout_probes(
    plan: Plan, cells: Mapping[tuple[Lineup, int], Sequence[float]], default: str
) -> list[dict[str, Any]]:
    """For each role with a timing probe: is holding out (the ``hold-out`` probe) strictly
    dominant against the default US agent? Met when some engaged agent of the round robin
    (every agent but ``passive``) does at least as well in that role, the other roles played
    by the panel, on the same seeds (the line-ups the round robin and the probes play)."""
    roles = plan.roles
    n = len(roles)
    timed = list(dict.fromkeys(role for role, _ in plan.timing))
    us = next((agent_role for agent_role in roles if agent_role not in timed), None)
    if us is None:
        return []
    u = roles.index(us)
    out: list[dict[str, Any]] = []
    for role in timed:
        i = roles.index(role)
        rest = [j for j in range(n) if j not in (i, u)]

        def against_default(agent: str, i: int = i, rest: list[int] = rest) -> Stat:
            values = []
            for combo in itertools.product(plan.panel, repeat=len(rest)):
                lineup = _lineup(n, {u: default, i: agent, **dict(zip(rest, combo, strict=True))})
                values += [cells[(lineup, s)][i] for s in plan.seeds if (lineup, s) in cells]
            return mean_ci(values)

        hold = against_default("hold-out")
        engaged = {
            a: st
            for a in plan.agents
            if a not in ("passive", "random") and (st := against_default(a)).n
        }
        best = max(engaged, key=lambda a: (engaged[a].mean, a), default=None)
        ok = None if hold.n == 0 or best is None else engaged[best].mean >= hold.mean
        out.append(
            {
                "id": f"holdout:{role}",
                "probe": f"hold-out as {role} against the default US ({default}): strictly "
                "dominant?",
                "threshold": "no: some engaged agent does at least as well",
                "value": hold.to_json(),
                "best": best,
                "detail": [{"agent": a, "value": st.to_json()} for a, st in engaged.items()],
                "verdict": _verdict(ok),
            }
        )
    return out


# ---------------------------------------------------------------------- probes on game states


def _advance(game: Any, stop: Callable[[Any], bool], max_round: int = 1) -> bool:
    """Play passive moves until ``stop(game)`` (True) or past ``max_round`` (False)."""
    from tradegame.agents.base import passive_move

    while not game.is_over() and game.round <= max_round:
        if stop(game):
            return True
        player = game.to_move()
        if player is None:
            break
        game.apply(passive_move(game, player))
    return False


def car_hike_probe(rules: Any, seeds: Sequence[int], us: str = "US") -> dict[str, Any]:
    """What the US projects, in round 1's orders, for raising each of its car tariffs to
    the top of its range (``what_if`` from the US's own view): it must be a loss."""
    from tradegame.engine import Game, SetTariff

    if us not in rules.player_ids:
        return {"verdict": _verdict(None), "detail": []}
    layers = [
        (ins, rules.layer(ins.layer))
        for ins in rules.player(us).tariffs
        if rules.layer(ins.layer).sectors and "autos" in rules.layer(ins.layer).sectors
    ]
    detail = []
    for seed in seeds:
        game = Game.new(rules, seed)
        if not _advance(game, lambda g: g.phase == "orders" and g.to_move() == us):
            continue
        for ins, layer in layers:
            change = game.what_if(us, [SetTariff(us, ins.layer, ins.max)]).change
            detail.append(
                {
                    "seed": seed,
                    "layer": ins.layer,
                    "on": layer.exporter,
                    "to": ins.max,
                    "change": _r(change),
                }
            )
    ok = None if not detail else all(d["change"] < 0 for d in detail)
    return {"detail": detail, "verdict": _verdict(ok)}


def _nearest_terms(rules: Any, wanted: Mapping[str, float]) -> tuple[Any, ...]:
    from tradegame.engine import Term
    from tradegame.engine.actions import deal_terms

    terms = []
    for item_id, value in wanted.items():
        if not rules.has_item(item_id):
            continue
        levels = [lv.value for lv in rules.item(item_id).levels]
        terms.append(Term(item_id, min(levels, key=lambda v: (abs(v - value), v))))
    return deal_terms(terms)


ROUND1_OFFERS: dict[str, dict[str, float]] = {
    "cars 15%, the rest 10%, $100bn": {
        "us_autos_cap_jp": 0.15,
        "us_cap_jp": 0.10,
        "jp_investment": 100,
    },
    "caps 25% cars / 20% overall, nothing for the US": {"us_autos_cap_jp": 0.25, "us_cap_jp": 0.20},
    "caps 15% / 15%, $100bn": {"us_autos_cap_jp": 0.15, "us_cap_jp": 0.15, "jp_investment": 100},
}
"""Japan's round-1 offers the probe puts to the default US (the first two from issue 19)."""


def round1_probe(
    rules: Any, seeds: Sequence[int], defaults: Mapping[str, str], jp: str = "JP", us: str = "US"
) -> dict[str, Any]:
    """Does the default US accept, in round 1, a Japanese offer worth less to it (its own
    ``what_if``) than the historical package? Also asks the default Japanese agent for its
    own opening offer and puts that to the US too."""
    from tradegame.agents.base import Turn, agent_rng, make_agent
    from tradegame.agents.historical import historical_deals
    from tradegame.engine import Accept, Game, Propose

    if not {jp, us} <= set(rules.player_ids):
        return {"verdict": _verdict(None), "detail": []}
    spec = defaults[us]
    jp_spec = defaults[jp]
    detail: list[dict[str, Any]] = []
    for seed in seeds:
        game = Game.new(rules, seed)

        def at_offer(g: Any) -> bool:
            s = g.session
            return s is not None and g.to_move() == jp and us in s.pair and s.offer is None

        if not _advance(game, at_offer):
            continue
        view = game.view(us).to_json()
        history = [d for d in historical_deals(view, rules.limits.max_terms) if d.pair == {jp, us}]
        offers: dict[str, tuple[Any, ...]] = {}
        if history:
            offers["historical package"] = history[0].terms
        for name, wanted in ROUND1_OFFERS.items():
            terms = _nearest_terms(rules, wanted)
            if terms:
                offers[name] = terms
        opener = make_agent(jp_spec, agent_rng(seed, jp, jp_spec))
        move = opener.act(Turn(game, jp))
        if isinstance(move, Propose):
            offers[f"{jp_spec} (Japan's default) opening"] = move.terms
        reference = None
        for name, terms in offers.items():
            trial = game.copy()
            proposal = Propose(jp, us, terms)
            try:
                trial.apply(proposal)
            except ValueError:
                continue
            value = trial.what_if(us, [Accept(us)]).change
            agent = make_agent(spec, agent_rng(seed, us, spec))
            hook = getattr(agent, "start", None)
            if callable(hook):
                hook(us, trial.view(us))
            answer = agent.act(Turn(trial, us))
            if name == "historical package":
                reference = value
            detail.append(
                {
                    "seed": seed,
                    "offer": name,
                    "terms": " ".join(f"{t.item}={t.value:g}" for t in terms),
                    "value_to_us": _r(value),
                    "accepted": isinstance(answer, Accept),
                    "answer": str(answer),
                }
            )
        for d in detail:
            if d["seed"] == seed:
                d["historical_value"] = _r(reference)
    bad = [
        d
        for d in detail
        if d["accepted"]
        and d["historical_value"] is not None
        and d["value_to_us"] < d["historical_value"] - ROUND1_MARGIN
    ]
    ok = None if not detail else not bad
    return {
        "us_agent": spec,
        "jp_agent": jp_spec,
        "margin": ROUND1_MARGIN,
        "detail": detail,
        "verdict": _verdict(ok),
    }


def _entry_dates(game: Any) -> dict[frozenset[str], str]:
    """The date each pair's last substantive deal in force entered force (from the log)."""
    kinds = {it.id: it.kind for it in game.rules.items}
    out = {}
    for d in game.deals_in_force():
        if d.unilateral or all(kinds[t.item] == "process" for t in d.terms):
            continue
        for entry in game.log:
            if (
                entry.kind == "deal"
                and entry.text.startswith(f"{d.id} between")
                and ("enters force" in entry.text)
            ):
                out[frozenset(d.parties)] = game.date_of(entry.day)
    return out


def calendar_probe(rules: Any, seeds: Sequence[int], us: str = "US") -> dict[str, Any]:
    """Historical agents in every seat: when each deal with the US enters force, and the
    deadline at the end (2025: Japan 22 July, the EU 27 July, extended to 1 August)."""
    from tradegame.agents.base import play_match

    detail = []
    for seed in seeds:
        game = play_match(rules, seed, dict.fromkeys(rules.player_ids, "historical"))
        dates = _entry_dates(game)
        row: dict[str, Any] = {"seed": seed, "deadline": game.date_of(game.deadline_day)}
        for partner in CALENDAR_TARGETS:
            row[partner] = dates.get(frozenset((us, partner)))
        detail.append(row)

    def near(date: str | None, target: str) -> bool:
        if date is None:
            return False
        gap = dt.date.fromisoformat(date) - dt.date.fromisoformat(target)
        return abs(gap.days) <= rules.calendar.round_days

    present = [p for p in CALENDAR_TARGETS if p in rules.player_ids]
    ok = None
    if detail and present and us in rules.player_ids:
        ok = all(
            all(near(row[p], CALENDAR_TARGETS[p]) for p in present)
            and row["deadline"] == EXTENDED_TO
            for row in detail
        )
    return {
        "targets": CALENDAR_TARGETS,
        "extended_to": EXTENDED_TO,
        "detail": detail,
        "verdict": _verdict(ok),
    }


def selloff_probe(
    rules: Any, agents: Sequence[str], seed: int, games: int, us: str = "US"
) -> dict[str, Any]:
    """How often the bond sell-off (the scenario's conditional event ``bond_selloff``, kept
    in the game's ``fired`` record) fires with a ``hawk`` US, the other seats cycling
    through every line-up of ``agents``."""
    from tradegame.agents.base import play_match

    has_event = any(ev.id == SELLOFF_EVENT for ev in rules.events)
    if us not in rules.player_ids or not has_event or games <= 0:
        return {"games": 0, "fired": 0, "rate": None, "verdict": _verdict(None)}
    others = [p for p in rules.player_ids if p != us]
    combos = list(itertools.product(agents, repeat=len(others)))
    fired = 0
    peaks: list[float] = []
    for k in range(games):
        seats = {us: "hawk", **dict(zip(others, combos[k % len(combos)], strict=True))}
        game = play_match(rules, game_seed(seed + 1, k), seats)
        fired += game.fired.get(SELLOFF_EVENT, 0) > 0
        peaks.append(max([float(h["market_stress"]) for h in game.history] or [game.stress]))
    rate = fired / games
    lo, hi = SELLOFF_RANGE
    threshold = next((ev.at_least for ev in rules.events if ev.id == SELLOFF_EVENT), None)
    return {
        "games": games,
        "fired": fired,
        "rate": _r(rate),
        "range": list(SELLOFF_RANGE),
        "stress_threshold": threshold,
        "peak_stress_median": _r(statistics.median(peaks)),
        "peak_stress_max": _r(max(peaks)),
        "verdict": _verdict(lo <= rate <= hi),
    }


NEWS_CHECKER = "tradegame.engine.newscheck"
"""The module of the news-contradiction checker (issue 19 f): ``check_game(game)`` lists the
news items that contradicted the state when they were published."""


def news_probe(rules: Any, seed: int, games: int) -> dict[str, Any]:
    """The news checker over ``games`` random games (``random`` in every seat), when the
    engine has one; "not available" otherwise."""
    import importlib

    from tradegame.agents.base import play_match

    try:
        checker = importlib.import_module(NEWS_CHECKER)
    except ImportError:
        return {
            "verdict": _verdict(None),
            "note": f"no news-contradiction checker ({NEWS_CHECKER}) in this version",
        }
    if games <= 0:
        return {"games": 0, "verdict": _verdict(None)}
    bad_games = 0
    found: list[str] = []
    for k in range(games):
        game = play_match(rules, game_seed(seed + 2, k), dict.fromkeys(rules.player_ids, "random"))
        problems = list(checker.check_game(game))
        if problems:
            bad_games += 1
            found += [f"game {k} (seed {game.seed}): {p}" for p in problems[:2]]
    return {
        "games": games,
        "games_with_contradictions": bad_games,
        "examples": found[:5],
        "value": bad_games,
        "verdict": _verdict(bad_games == 0),
    }


# ---------------------------------------------------------------------- running it


def run_benchmark(
    config: Config,
    defaults: Mapping[str, str],
    on_result: Callable[[Any], None] | None = None,
    planned: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Play the benchmark and return its report (JSON-ready). ``defaults`` is the agent
    ``tradegame`` seats by default in each role (session/match.py). ``planned`` hears the
    number of tournament games before they start, ``on_result`` each one as it finishes."""
    from tradegame.tournament.results import GameResult
    from tradegame.tournament.runner import Unfinished, rules_for, run

    rules = rules_for(config.scenario)
    roles = tuple(rules.player_ids)
    us = "US" if "US" in roles else None
    default = defaults[us or roles[0]]
    agents = tuple(dict.fromkeys((*config.agents, default)))
    panel = tuple(config.panel) or default_panel(default)
    config = dataclasses.replace(config, agents=agents, panel=panel)
    plan = make_plan(roles, config, panel, us=us)
    tasks = plan.tasks(config.scenario)
    if planned is not None:
        planned(len(tasks))
    results: list[GameResult] = []
    unfinished: list[str] = []
    for outcome in run(tasks, workers=config.workers, on_result=on_result):
        if isinstance(outcome, Unfinished):
            unfinished.append(outcome.message())
        else:
            results.append(outcome)
    rows = rows_of(results, roles)
    report: dict[str, Any] = {
        "scenario": config.scenario,
        "roles": list(roles),
        "agents": list(agents),
        "panel": list(panel),
        "default_agent": default,
        "seed": config.seed,
        "seeds": list(plan.seeds),
        "tournament_games": len(tasks),
        "unfinished": unfinished,
        "incidents": sum(len(r.incidents) for r in results),
    }
    report.update(analyse(plan, rows, default))
    probes = report["probes"]
    selloff = selloff_probe(rules, agents, config.seed, config.selloff_games, us=us or "US")
    probes.append(
        {
            "id": "selloff",
            "probe": "bond sell-off rate with a hawk US",
            "threshold": f"{SELLOFF_RANGE[0]:.0%}–{SELLOFF_RANGE[1]:.0%} of games",
            "value": selloff.get("rate"),
            "detail": selloff,
            "verdict": selloff["verdict"],
        }
    )
    hike = car_hike_probe(rules, plan.seeds, us=us or "US")
    probes.append(
        {
            "id": "car_hike",
            "probe": "round-1 US car-tariff hike to its maximum, US what_if",
            "threshold": "a loss for the US",
            "value": max((d["change"] for d in hike["detail"]), default=None),
            "detail": hike["detail"],
            "verdict": hike["verdict"],
        }
    )
    r1 = round1_probe(rules, plan.seeds, defaults, us=us or "US")
    accepted = [d for d in r1["detail"] if d["accepted"]]
    probes.append(
        {
            "id": "round1",
            "probe": f"default US ({r1.get('us_agent', '?')}) in round 1: accepts a Japanese offer "
            "worth less to it than the historical package",
            "threshold": f"never (margin {ROUND1_MARGIN:g} point)",
            "value": min((d["value_to_us"] for d in accepted), default=None),
            "detail": r1["detail"],
            "verdict": r1["verdict"],
        }
    )
    cal = calendar_probe(rules, plan.seeds, us=us or "US")
    probes.append(
        {
            "id": "calendar",
            "probe": "historical agents in every seat: deals enter force near 22 July (JP) and "
            "27 July (EU), deadline extended to 1 August",
            "threshold": "within a round of each date; deadline 2025-08-01",
            "value": cal["detail"][0] if cal["detail"] else None,
            "detail": cal["detail"],
            "verdict": cal["verdict"],
        }
    )
    news = news_probe(rules, config.seed, config.news_games)
    probes.append(
        {
            "id": "news",
            "probe": "scripted news contradicts the state when it fires "
            f"({news.get('games', 0)} random games)",
            "threshold": "in no game",
            "value": news.get("value"),
            "detail": news,
            "verdict": news["verdict"],
        }
    )
    report["verdicts"] = {p["id"]: p["verdict"] for p in probes}
    return report


# ---------------------------------------------------------------------- the report


def _stat_text(value: Mapping[str, Any] | None) -> str:
    if not value or not value.get("n"):
        return "—"
    ci = value.get("ci95")
    if ci is None:
        return f"{value['mean']:+.1f}"
    return f"{value['mean']:+.1f} [{ci[0]:+.1f}, {ci[1]:+.1f}]"


def _lineup_text(lineup: Mapping[str, str]) -> str:
    return ", ".join(f"{role} {agent}" for role, agent in lineup.items())


def _probe_value(p: Mapping[str, Any]) -> str:
    v = p.get("value")
    pid = p["id"]
    if v is None:
        return "—"
    if isinstance(v, dict) and "n" in v:
        text = _stat_text(v)
        if pid == "wrapped" and p.get("worst"):
            text += f" ({p['worst']})"
        if pid.startswith("holdout:") and p.get("best"):
            best = next(d["value"] for d in p["detail"] if d["agent"] == p["best"])
            text = f"hold-out {text}; best engaged `{p['best']}` {_stat_text(best)}"
        return text
    if pid == "selloff":
        d = p["detail"]
        text = f"{d['fired']} of {d['games']} games ({v:.0%})"
        if d.get("peak_stress_median") is not None:
            text += (
                f"; peak market stress median {d['peak_stress_median']:.0f}, "
                f"max {d['peak_stress_max']:.0f} (fires at {d['stress_threshold']:g})"
            )
        return text
    if pid == "car_hike":
        return f"highest US projection {v:+.2f} points"
    if pid == "round1":
        return f"lowest accepted offer {v:+.1f} points"
    if pid.startswith("timing:"):
        return "hold-out best against: " + (", ".join(v["hold-out best against"]) or "none")
    if pid == "news":
        return f"{v} game(s) with a contradiction"
    if pid == "calendar":
        return ", ".join(f"{k} {v[k]}" for k in ("JP", "EU", "deadline") if k in v)
    return str(v)


def render_markdown(report: Mapping[str, Any]) -> str:
    """``docs/balance.md`` from a report of :func:`run_benchmark` (with ``run`` added by the
    command: commit, command line, time taken)."""
    roles = report["roles"]
    agents = report["agents"]
    meta = report.get("run", {})
    out: list[str] = []
    w = out.append
    w("# Balance: what the built-in agents and the probes say about the rules\n")
    w(
        "Generated by `tradegame balance` (`benchmarks/balance.py` runs it and rewrites this "
        "page); do not edit by hand. Figures are surplus over BATNA (score minus the score "
        "when nobody agrees to anything), in points out of 100, with 95% confidence intervals "
        "(Student t over games).\n"
    )
    w("## How it was measured\n")
    w("```bash\n" + str(meta.get("command", "tradegame balance")) + "\n```\n")
    n_rr = report["games"]["round_robin"]
    if report.get("round_robin", True):
        sample = (
            f"Round robin: every line-up of {len(agents)} agents "
            f"({', '.join(f'`{a}`' for a in agents)}) on the same {len(report['seeds'])} "
            f"seed(s) — {n_rr} games."
        )
    else:
        sample = "No round robin (`--probes-only`)."
    cpu = meta.get("cpu_seconds")
    cpu_text = f" ({cpu:.0f} s of processor time)" if cpu is not None else ""
    w(
        f"* Scenario `{report['scenario']}`; roles {', '.join(roles)}. {sample} The probes' "
        f"line-ups add {report['games']['all'] - n_rr} games on the same seeds; their "
        f"opponents (the *panel*) are {', '.join(f'`{a}`' for a in report['panel'])}.\n"
        f"* The default agent (`tradegame` seats it) is `{report['default_agent']}`.\n"
        f"* Engine and agents at commit `{meta.get('commit', '?')}`; "
        f"{meta.get('seconds', 0):.0f} s on {meta.get('workers', 1)} worker(s){cpu_text}; "
        f"{len(report['unfinished'])} game(s) unfinished, {report['incidents']} agent "
        f"incident(s).\n"
    )
    w("## Rule probes (issue 19)\n")
    w("| probe | threshold | measured | verdict |")
    w("|---|---|---|---|")
    for p in report["probes"]:
        w(f"| {p['probe']} | {p['threshold']} | {_probe_value(p)} | **{p['verdict']}** |")
    w("")
    wrapped = next((p for p in report["probes"] if p["id"] == "wrapped"), None)
    if wrapped and wrapped.get("detail"):
        w("### Statements added to each built-in (gain over the same built-in)\n")
        w("| agent | " + " | ".join(roles) + " |")
        w("|---|" + "---|" * len(roles))
        by = {(d["agent"], d["role"]): d["value"] for d in wrapped["detail"]}
        for agent in dict.fromkeys(d["agent"] for d in wrapped["detail"]):
            w(f"| `{agent}` | " + " | ".join(_stat_text(by.get((agent, r))) for r in roles) + " |")
        w("")
    for p in report["probes"]:
        if p["id"].startswith("timing:") and p.get("detail"):
            role = p["id"].split(":", 1)[1]
            w(f"### Settle early or hold out, as {role} (hold-out minus settle-early)\n")
            w("| US agent | hold-out − settle-early | better |")
            w("|---|---|---|")
            for d in p["detail"]:
                w(f"| `{d['us']}` | {_stat_text(d['hold_out_minus_settle_early'])} | {d['best']} |")
            w("")
    r1 = next((p for p in report["probes"] if p["id"] == "round1"), None)
    if r1 and r1.get("detail"):
        w("### Japan's round-1 offers to the default US\n")
        w(
            f"Value to the US is its own `what_if` of accepting; an accepted offer fails the "
            f"probe when it is worth more than {ROUND1_MARGIN:g} point less to the US than "
            "the historical package in the same game. The margin is about what one level of "
            "one term of the historical package is worth to the US (on april-2025, moving one "
            "term one level moves the package's value by 0.1–1.7 points): an offer within it "
            "is the historical package, give or take a step of the catalogue.\n"
        )
        w("| seed | offer | value to the US | historical | US answer |")
        w("|---|---|---|---|---|")
        for d in r1["detail"]:
            hist = "—" if d.get("historical_value") is None else f"{d['historical_value']:+.1f}"
            w(
                f"| {d['seed']} | {d['offer']} | {d['value_to_us']:+.1f} | {hist} | "
                f"`{d['answer']}` |"
            )
        w("")
    if report.get("payoffs") is None:
        w("## The round robin\n")
        w(
            "Not played (`--probes-only`): no payoff tables, dominance, meta-game or "
            "luck-against-choice split in this run.\n"
        )
    else:
        _render_meta_game(report, w)
    if report["unfinished"]:
        w("## Games that did not finish\n")
        for line in report["unfinished"]:
            w(f"* {line}")
        w("")
    return "\n".join(out).rstrip() + "\n"


def _render_meta_game(report: Mapping[str, Any], w: Callable[[str], None]) -> None:
    roles = report["roles"]
    agents = report["agents"]
    w("## Payoffs per role and agent (round robin)\n")
    w("| agent | " + " | ".join(roles) + " |")
    w("|---|" + "---|" * len(roles))
    for a in agents:
        w(f"| `{a}` | " + " | ".join(_stat_text(report["payoffs"][r].get(a)) for r in roles) + " |")
    w("")
    w("## Dominated agents\n")
    w(
        "An agent is dominated in a role when another does at least as well against every "
        "line-up of the other roles that was sampled, and better against one (mean over seeds).\n"
    )
    for role in roles:
        pairs = report["dominated"][role]
        dominators: dict[str, list[str]] = defaultdict(list)
        for d in pairs:
            dominators[d["agent"]].append(d["by"])
        text = "; ".join(
            f"`{a}` (by {', '.join(f'`{b}`' for b in bs)})" for a, bs in dominators.items()
        )
        w(f"* **{role}**: {text or 'none'}")
    w("")
    w("## The meta-game: each role chooses an agent\n")
    eq = report["equilibria"]
    if eq:
        w("Pure equilibria (no role gains by changing its agent alone):\n")
        for lu in eq:
            w(f"* {_lineup_text(lu)}")
    else:
        w("No pure equilibrium among the sampled agents.")
    dyn = report["dynamics"]
    w("")
    w(f"Best responses from {_lineup_text(dyn['start'])} (roles in turn):\n")
    for lu in dyn["path"]:
        w(f"1. {_lineup_text(lu)}")
    if dyn["kind"] == "cycle":
        w(f"\n… and round again: a best-response cycle of {len(dyn['cycle']) - 1} step(s).")
    elif dyn["kind"] == "equilibrium":
        w("\n… where nobody moves: an equilibrium.")
    w("")
    w("## Luck against choice\n")
    w(
        "Per role, the round robin's surplus split two ways (every line-up on every seed): "
        "by line-up (the agents chosen), by seed (luck shared by every line-up: random news, "
        "the agents' own random draws) and the rest (luck that depends on the line-up).\n"
    )
    w("| role | choice (line-up) | seed | seed × line-up | line-ups × seeds |")
    w("|---|---|---|---|---|")
    for role in roles:
        v = report["variance"][role]
        w(
            f"| {role} | {v['choice_share']:.0%} | {v['seed_share']:.0%} | "
            f"{v['interaction_share']:.0%} | {v['lineups']} × {v['seeds']} |"
        )
    w("")

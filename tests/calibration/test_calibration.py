"""The economy of the default scenario against published estimates (DESIGN §3.9, facts.md §5).

One shared parameter set: the sector elasticities, the value-added share and one
``economy.gdp_multiplier`` apply to every player alike; no player carries a factor of its own
fitted to a target. Two parameters were fitted, the shared ``gdp_multiplier`` and the autos
elasticity, on the two Japan targets of NRI (``FITTED``); every other figure is a check out of
sample (``OUT_OF_SAMPLE``), never used to choose a number.

Each target is a one-year effect against the 2024 flows, computed with ``tradegame whatif``'s
calculator. Tolerance ±30% (DESIGN §3.9).
"""

from __future__ import annotations

import json
import math

import pytest

from tradegame.agents.historical import HISTORICAL_DEALS
from tradegame.cli import main
from tradegame.engine.actions import Term
from tradegame.engine.calculator import Override, tariff_effects
from tradegame.engine.kinds import DealStatus, LayerStatus
from tradegame.engine.machine import Machine
from tradegame.engine.records import Deal
from tradegame.scenario import load_rules

TOLERANCE = 0.30
RULES = load_rules("april-2025")


def effects(*specs: str) -> dict[str, dict[str, float]]:
    overrides = []
    for spec in specs:
        cell, rate = spec.split("=")
        importer, exporter, sector = cell.split(":")
        overrides.append(Override(importer, exporter, sector, float(rate)))
    return tariff_effects(RULES, overrides)["players"]  # type: ignore[no-any-return]


def within(value: float, target: float) -> bool:
    return abs(value - target) <= TOLERANCE * abs(target)


NRI_24 = ("US:JP:all=0.24", "US:JP:autos=0.025")
NRI_24_CARS = ("US:JP:all=0.24", "US:JP:autos=0.275")

# (cells, player, target % of GDP, source)
FITTED = [
    # NRI (Kiuchi), 3 Apr 2025: 24% reciprocal, cars left at their MFN rate.
    (NRI_24, "JP", -0.59, "NRI 24% (facts §5a)"),
    # NRI: 24% plus cars and parts at 27.5% all-in: -0.71 to -0.76% (midpoint).
    (NRI_24_CARS, "JP", -0.735, "NRI 24% + autos (facts §5a)"),
]
OUT_OF_SAMPLE = [
    # NRI after the deal: 15% all-in including cars, steel at 50%.
    (("US:JP:all=0.15", "US:JP:steel=0.5"), "JP", -0.55, "NRI after the deal (facts §5a)"),
    # Kiel Institute, 27 Feb: 25% on EU goods: the US loses 0.17% of GDP.
    (("US:EU:all=0.25",), "US", -0.17, "Kiel 25%, US (facts §5b)"),
    # Kiel Institute, 27 Feb: 25% on EU goods: EU GDP -0.4% in the first year. The shared
    # set misses it: per $ of exports lost, NRI's Japan loses about twice what Kiel's EU
    # loses (a macro model with spill-overs against a trade model), and one multiplier
    # fitted on Japan cannot give both. See docs/scenario-format.md, "Calibration".
    pytest.param(
        ("US:EU:all=0.25",),
        "EU",
        -0.4,
        "Kiel 25%, EU (facts §5b)",
        marks=pytest.mark.xfail(
            strict=True, reason="one shared multiplier fitted on Japan gives the EU about -0.72%"
        ),
        id="Kiel 25%, EU (facts §5b)",
    ),
]


@pytest.mark.parametrize(
    ("cells", "player", "target", "source"), FITTED, ids=[t[3] for t in FITTED]
)
def test_fitted_target(cells: tuple[str, ...], player: str, target: float, source: str) -> None:
    value = effects(*cells)[player]["gdp_effect_pct"]
    assert within(value, target), f"{source}: model {value:.3f}% vs {target}% ±30%"


@pytest.mark.parametrize(("cells", "player", "target", "source"), OUT_OF_SAMPLE)
def test_out_of_sample_target(
    cells: tuple[str, ...], player: str, target: float, source: str
) -> None:
    value = effects(*cells)[player]["gdp_effect_pct"]
    assert within(value, target), f"{source}: model {value:.3f}% vs {target}% ±30%"


def test_no_player_carries_a_multiplier_of_its_own() -> None:
    # DESIGN §3.9: one shared set. A player's own factor would have to be a sourced quantity;
    # none of the bundled scenarios has one.
    for name in ("april-2025", "with-china", "classroom-lesson", "us-japan-primer"):
        rules = load_rules(name)
        assert {p.gdp_multiplier for p in rules.players} == {1.0}, name
        assert rules.economy.gdp_multiplier == RULES.economy.gdp_multiplier, name


def test_car_step_matches_nri() -> None:
    # Out of sample in the sense of the issue: the step from cars at 2.5% to 27.5% (with 24%
    # on the rest) must be NRI's -0.12…-0.17pp, ±30% (the fit used the two levels, and the
    # old per-player multiplier gave -0.33pp).
    step = effects(*NRI_24_CARS)["JP"]["gdp_effect_pct"] - effects(*NRI_24)["JP"]["gdp_effect_pct"]
    assert -0.17 * (1 + TOLERANCE) <= step <= -0.12 * (1 - TOLERANCE), step


def test_eu_exports_fall_as_kiel_estimates() -> None:
    # Out of sample. Kiel: EU exports to the US -15 to -17% under a 25% tariff (facts §5b).
    change = effects("US:EU:all=0.25")["EU"]["exports_change_pct"]
    assert -17.0 * (1 + TOLERANCE) <= change <= -15.0 * (1 - TOLERANCE), change


def historical_outcome() -> Machine:
    """The tariffs after the July letters, with the two 2025 deals in force."""
    game = Machine(RULES, 0)
    for la in RULES.layers:
        if game.layer_status[la.id] == LayerStatus.PAUSED:
            game.layer_status[la.id] = LayerStatus.IN_FORCE
    game.layer_rate["us_jp_country"] = 0.25  # the 7 July letter (facts §1a)
    game.layer_rate["us_eu_country"] = 0.30  # the 12 July letter (facts §1a)
    game.layer_status["us_steel_232_50"] = LayerStatus.IN_FORCE  # 50% from 4 June
    for n, hd in enumerate(d for d in HISTORICAL_DEALS if "China" not in d.name):
        terms = tuple(Term(i, v) for i, v in hd.terms if RULES.has_item(i))
        parties = tuple(sorted({RULES.item(t.item).owner for t in terms}))
        assert len(parties) == 2
        game.deals.append(
            Deal(f"h{n}", parties, terms, 1, "leader", 1.0, status=DealStatus.IN_FORCE)
        )
    game._invalidate()
    return game


def test_us_loses_under_the_historical_outcome() -> None:
    # Out of sample. Published estimates after the deals are negative for the US (Yale
    # Budget Lab, 3 Sep: -0.5pp of 2025 growth for all US tariffs; facts §5c). Pledges count
    # at credibility and at their realised pace (economy.purchase_realisation,
    # investment_realisation), not at face value: at face value the US gained +0.64%/yr.
    snap = historical_outcome().snapshot()
    assert snap.gdp_pct["US"] < 0.0, snap.gdp_pct["US"]
    # The model covers US trade with Japan and the EU only (about a quarter of US imports),
    # so its loss is smaller than Yale's for all US tariffs.
    assert snap.gdp_pct["US"] > -0.5
    # The pledges still count in full (times credibility) as what the US is promised.
    assert snap.investment_received["US"] > 100.0
    assert snap.purchases_received["US"] > 100.0


def test_us_import_response_is_in_the_short_run_literature_range() -> None:
    # Short-run trade elasticity 0.76 (Boehm-Levchenko-Pandalai-Nayar) to 1.3 (Amiti-Redding-
    # Weinstein, logs), facts §5d: the implied elasticity of US imports from Japan and the EU
    # to (1+t) under 25% on everything must lie in that range.
    result = tariff_effects(
        RULES, [Override("US", "JP", "all", 0.25), Override("US", "EU", "all", 0.25)]
    )
    num = den = 0.0
    for flow in result["flows"]:
        if flow["importer"] == "US" and flow["base_bn"] > 0:
            mfn = next(
                f.mfn
                for f in RULES.flows
                if (f.exporter, f.importer, f.sector) == (flow["exporter"], "US", flow["sector"])
            )
            eps = -math.log(flow["value_bn"] / flow["base_bn"]) / math.log(1.25 / (1 + mfn))
            num += eps * flow["base_bn"]
            den += flow["base_bn"]
    assert 0.76 <= num / den <= 1.3, num / den


def test_higher_tariffs_hurt_more() -> None:
    steps = [effects(f"US:JP:all={r}")["JP"]["gdp_effect_pct"] for r in (0.1, 0.2, 0.3, 0.5)]
    assert steps == sorted(steps, reverse=True)


def test_whatif_command_reports_the_same_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", "april-2025", "--tariff", "US:EU:all=25%", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["players"]["EU"]["gdp_effect_pct"]
    assert printed == pytest.approx(effects("US:EU:all=0.25")["EU"]["gdp_effect_pct"])

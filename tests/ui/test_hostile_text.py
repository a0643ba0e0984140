"""Scenario and save text reaches the screen as the words it is, never as Rich markup: an
objective's label "tariff faced (US) [autos]" keeps its sector, and a deal's terms written as
``[@click=app.quit]`` or ``[bold]`` show those characters and do nothing."""

from __future__ import annotations

from rich.console import Console

from tradegame.ui.screens.end import breakdown_table, deals_table

HOSTILE = "[@click=app.quit]quit[/] [bold]x[/bold] [link=file:///etc/passwd]y[/link]"


def _render(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_an_objective_label_with_a_sector_in_brackets_keeps_it() -> None:
    view = {"deadline": "2025-07-08", "date": "2025-07-08"}
    parts = [
        {
            "metric": "tariff_faced",
            "label": "tariff faced (US) [autos]",
            "value": 0.275,
            "best": 0.025,
            "worst": 0.275,
            "weight": 0.35,
            "points": -0.0,
        },
        {
            "metric": "approval",
            "label": HOSTILE,
            "value": 40.0,
            "best": 45.0,
            "worst": 25.0,
            "weight": 0.15,
            "points": 11.25,
        },
    ]
    text = _render(breakdown_table("JP", f"Japan {HOSTILE}", parts, 38.0, view))
    assert f"Japan {HOSTILE} (JP): 38.0 points" in text
    assert "tariff faced (US) [autos]" in text
    assert "[@click=app.quit]quit[/]" in text and "[bold]x[/bold]" in text
    assert "-0.0" not in text


def test_deal_terms_from_a_save_or_scenario_are_shown_as_written() -> None:
    view = {
        "deals": [
            {
                "id": "d1",
                "parties": ["JP", "US"],
                "round": 1,
                "status": "in_force",
                "terms": [{"text": HOSTILE}, {"text": "Car tariff relief [autos] 15%"}],
            }
        ]
    }
    text = _render(deals_table(view))
    assert "[@click=app.quit]quit[/]" in text
    assert "[link=file:///etc/passwd]y[/link]" in text
    assert "relief [autos] 15%" in text


def test_an_offers_terms_are_counted_even_when_a_name_holds_a_semicolon() -> None:
    from tradegame.ui.widgets.report import result_lines

    entry = {
        "kind": "talks",
        "phase": "talks",
        "audience": ["JP", "US"],
        "text": "US counters: Tariff ceiling; all [autos] goods [US] 15%; "
        "US farm goods [JP] $4bn/yr; "
        "Investment and financing vehicle for the US [JP] $250bn; Extend the pause [US] 7 days",
    }
    assert result_lines([entry], "JP", where=True) == [
        "US made a counter-offer of 4 terms: read it on the Talks tab (2)."
    ]

"""The new-game screen: choose a scenario (bundled or a file), read its summary, give each seat
to a person or an AI agent, set the seed — or resume a save.

The scenario is parsed in a worker thread, so this screen is up at once.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tradegame.session.choices import HUMAN, parse_seed, random_seed
from tradegame.ui.widgets.common import SteadyInput
from tradegame.ui.widgets.keys import KeyFooter, TitleHeader
from tradegame.untrusted import printable

if TYPE_CHECKING:  # the engine comes with the first scenario, after the first paint
    from tradegame.session.match import Scenario
    from tradegame.ui.app import TradeGameApp

OPEN_FILE = "<open-file>"


def scenario_summary(sc: Scenario) -> Text:
    from tradegame.session.text import player_text

    rules = sc.rules
    cal = rules.calendar
    text = Text()
    text.append(rules.title, style="bold")
    text.append(f"\n{sc.source}", style="dim")
    text.append("\n\n" + player_text(rules.summary, rules))
    text.append("\n\nPlayers: ", style="bold")
    text.append(", ".join(f"{p.name} ({p.id})" for p in rules.players))
    game_days = cal.deadline_day + cal.after_deadline_days - cal.start_day + 1
    rounds = max(1, -(-game_days // cal.round_days))
    text.append("\nClock: ", style="bold")
    text.append(f"{rounds} rounds of {cal.round_days} days; deadline on day {cal.deadline_day}")
    if rules.deadline_holder:
        text.append(
            f" (held by {rules.deadline_holder}, who may extend it by up to "
            f"{cal.max_extension_days} days)"
        )
    text.append("\nSectors: ", style="bold")
    text.append(", ".join(s.name for s in rules.sectors))
    return text


def code_seats_message(seats: dict[str, str]) -> str:
    """Why these seats cannot start in a browser (empty if they can): an agent that runs code
    (``cmd:``, ``module:Class``, ``path.py:Class``) may only be named at the host's keyboard."""
    from tradegame.agents.base import runs_code

    bad = [f"{p}: {printable(spec)!r}" for p, spec in seats.items() if runs_code(spec)]
    if not bad:
        return ""
    return (
        "These seats name agents that run code (a command or a Python module): "
        + "; ".join(bad)
        + ". In a browser a seat is a person or a built-in agent; only "
        "the person who runs tradegame serve can name such an agent, with --seat on its "
        "command line."
    )


class SeatSelect(Select[str]):
    """A seat: human or an agent. ←/→ step through the choices without opening the list."""

    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
    ]

    def __init__(self, options: list[tuple[str, str]], value: str, **kwargs: Any) -> None:
        super().__init__(options, value=value, allow_blank=False, **kwargs)
        self.values = [v for _, v in options]

    def action_step(self, step: int) -> None:
        if self.expanded or not self.values:
            return
        current = self.value if isinstance(self.value, str) else self.values[0]
        index = self.values.index(current) if current in self.values else 0
        self.value = self.values[(index + step) % len(self.values)]


GUIDED_SCENARIO, GUIDED_PLAYER, GUIDED_OPPONENT = "us-japan-primer", "JP", "dove"
"""The guided first game: the primer's two players, the newcomer as Japan against the dove
(it accepts any offer that raises its projected score, so a first deal is within reach)."""


class SetupScreen(Screen[None]):
    """Scenario, seats and seed; ``s`` starts, ``o`` resumes a save."""

    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("g", "guided", "Guided first game"),
        Binding("o", "app.load", "Resume a save"),
        Binding("r", "random_seed", "Random seed", show=False),
    ]
    DEFAULT_CSS = """
    SetupScreen #setup { padding: 0 1; }
    SetupScreen .heading { text-style: bold; margin-top: 1; }
    SetupScreen #setup-top { height: auto; }
    SetupScreen #scenario-list { width: 32; height: auto; max-height: 10; }
    SetupScreen #scenario-summary { width: 1fr; height: auto; padding: 0 1; }
    SetupScreen #seats { height: auto; }
    SetupScreen .seat { height: auto; }
    SetupScreen .seat Label { width: 16; padding: 1 1 0 0; }
    SetupScreen .seat Select { width: 24; }
    SetupScreen .seat .desc { width: 1fr; padding: 1 0 0 1; color: $text-muted; }
    SetupScreen #seed-row { height: auto; }
    SetupScreen #seed-row Label { padding: 1 1 0 0; }
    SetupScreen #seed { width: 20; }
    SetupScreen #setup-buttons { height: auto; margin-top: 1; }
    SetupScreen #setup-buttons Button { margin-right: 2; }
    """

    def __init__(
        self,
        scenario: str | None = None,
        seats: dict[str, str] | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(id="setup")
        self.initial_source = scenario
        self.preset_seats = dict(seats or {})
        self.initial_seed = seed
        self.scenario: Scenario | None = None
        self._loading: str | None = None  # the scenario being loaded (none shown meanwhile)
        self._opened: str | None = None  # the last file named in "Open a scenario file…"
        self._start_when_loaded: str | None = None  # s pressed while it loads
        self._seat_players: list[str] = []
        # The seats as chosen, kept here: a seat menu has no value until it has mounted, and
        # s may come before that (right after a scenario loads).
        self._seat_values: dict[str, str] = {}
        self._seat_menus: dict[Select[Any], str] = {}  # the current menus and their players

    @property
    def tg_app(self) -> TradeGameApp:
        return cast("TradeGameApp", self.app)  # this screen runs only in TradeGameApp

    def compose(self) -> ComposeResult:
        from tradegame.scenario.bundled import DEFAULT_SCENARIO, bundled_scenarios

        yield TitleHeader()
        with VerticalScroll(id="setup"):
            yield Static(
                Text(
                    "New game — choose a scenario (↑/↓), who plays each country "
                    "(tab to a seat, ←/→ or enter to choose) and a seed. s starts, "
                    "o resumes a save, F1 help.",
                    style="italic",
                )
            )
            yield Static(
                Text.assemble(
                    ("Never played? ", "bold"),
                    (
                        "g starts a guided first game: the two-player primer "
                        "as Japan against a friendly United States, with a "
                        "one-line hint on what to try next (h hides them).",
                        "",
                    ),
                ),
                id="guided-intro",
            )
            yield Label("Scenario", classes="heading")
            with Horizontal(id="setup-top"):
                names = list(bundled_scenarios())
                source = self.initial_source or DEFAULT_SCENARIO
                options = [Option(n, id=n) for n in names]
                web = self.tg_app.options.web
                # In a browser: the bundled scenarios and the host's files, shown by file
                # name; no "open a file" (a browser user names no path on this machine).
                hosts = list(self.tg_app.options.scenarios) if web else []
                options += [Option(Path(h).name, id=h) for h in hosts if h not in names]
                if source not in names and source not in hosts:
                    options.append(Option(source, id=source))
                if not web:
                    options.append(
                        Option(Text("Open a scenario file…", style="italic"), id=OPEN_FILE)
                    )
                yield OptionList(*options, id="scenario-list", markup=False)  # paths, not markup
                yield Static(Text("loading…", style="italic"), id="scenario-summary")
            yield Label("Seats — a person at this keyboard, or an AI agent", classes="heading")
            yield Vertical(id="seats")
            with Horizontal(id="seed-row"):
                yield Label("Seed")
                seed = self.initial_seed if self.initial_seed is not None else random_seed()
                yield SteadyInput(str(seed), id="seed", restrict=r"[0-9_]*", max_length=20)
                yield Button("Random seed (r)", id="random-seed")
            with Horizontal(id="setup-buttons"):
                yield Button("Start (s)", id="start", variant="primary")
                yield Button("Guided first game (g)", id="guided")
                yield Button("Resume a save (o)", id="resume")
        yield KeyFooter()

    def on_resize(self) -> None:
        from tradegame.ui.screens.too_small import check_size

        check_size(self)

    def on_mount(self) -> None:
        from tradegame.scenario.bundled import DEFAULT_SCENARIO

        source = self.initial_source or DEFAULT_SCENARIO
        olist = self.query_one("#scenario-list", OptionList)
        try:
            olist.highlighted = olist.get_option_index(source)
        except Exception:  # noqa: BLE001 - an unknown id just leaves the first highlighted
            olist.highlighted = 0
        olist.focus()
        self.call_after_refresh(self.choose, source)  # first paint, then load (start-up)

    # ------------------------------------------------------------------ scenario

    def choose(self, source: str) -> None:
        if source == OPEN_FILE or self.tg_app.options.web and not self._offered(source):
            return  # in a browser only the listed scenarios load
        if source != self._start_when_loaded:
            self._start_when_loaded = None  # s was for another scenario
        cached = self.tg_app.scenario_cache.get(source)
        if cached is not None:
            self._loading = source  # a load still on its way is for a scenario left behind
            self._loaded(cached, source)
            return
        # Until it is loaded no scenario is chosen: s must not start the one shown before.
        self.scenario = None
        self._loading = source
        self.query_one("#scenario-summary", Static).update(
            Text("loading " + source + "…", style="italic")
        )
        # After the next paint: the load imports the engine (and, on a cold cache, PyYAML and
        # pydantic) in a thread, which would hold the GIL while the first screen is drawn.
        self.tg_app.call_after_paint(functools.partial(self._load, source))

    def _offered(self, source: str) -> bool:
        olist = self.query_one("#scenario-list", OptionList)
        return any(o.id == source for o in olist.options)

    @work(thread=True, exclusive=True, group="scenario", exit_on_error=False)
    def _load(self, source: str) -> None:
        from tradegame.scenario.loader import ScenarioError
        from tradegame.session.match import load_scenario

        try:
            sc = load_scenario(source)
        except ScenarioError as exc:
            self.app.call_from_thread(self._failed, source, str(exc), source)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the player, never a traceback
            self.app.call_from_thread(self._failed, source, f"{type(exc).__name__}: {exc}", source)
            return
        self.app.call_from_thread(self._loaded, sc, source)

    def _stale(self, asked: str | None) -> bool:
        """A load that ended after another scenario was chosen (a load is not stopped when
        the next one starts): the default scenario's, started at mount, ended under load
        after a file had been opened, and was taken for that file's."""
        return asked is not None and asked != self._loading

    def _loaded(self, sc: Scenario, asked: str | None = None) -> None:
        self.tg_app.scenario_cache[sc.source] = sc
        if self._stale(asked):
            return  # kept in the cache: choosing it again is at once
        olist = self.query_one("#scenario-list", OptionList)
        option = olist.highlighted_option
        if option is not None and option.id not in (sc.source, OPEN_FILE):
            return  # the player has moved on to another scenario
        self._loading = None
        if option is not None and option.id == OPEN_FILE and asked == self._opened:
            # The file just opened: listed and highlighted. (The default scenario's load
            # ending while the highlight rests on "Open a scenario file…" leaves it there:
            # it moved back to the default, and enter chose that instead of opening a file.)
            ids = [o.id for o in olist.options]
            if sc.source not in ids:
                olist.add_option(Option(sc.source, id=sc.source))
            olist.highlighted = olist.get_option_index(sc.source)
        self.scenario = sc
        self.query_one("#scenario-summary", Static).update(scenario_summary(sc))
        self._build_seats(sc)
        if self._start_when_loaded == sc.source:
            self._start_when_loaded = None
            self.action_start()

    def _failed(self, source: str, message: str, asked: str | None = None) -> None:
        from tradegame.ui.screens.dialogs import MessageDialog

        if self._stale(asked):
            return  # another scenario has been chosen since
        self.query_one("#scenario-summary", Static).update(
            Text(f"{source} cannot be used: see the message.", style="bold")
        )
        self.scenario = None
        self._loading = self._start_when_loaded = None
        self.app.push_screen(MessageDialog("This scenario has problems", message))

    def _build_seats(self, sc: Scenario) -> None:
        from tradegame.session.match import agent_descriptions, default_agent

        players = list(sc.rules.player_ids)
        container = self.query_one("#seats", Vertical)
        current = dict(self._seat_values)
        if players == self._seat_players:
            return
        container.remove_children()
        descriptions = agent_descriptions()
        agent_default = default_agent()
        preset = self.preset_seats or current
        if not preset:
            human = "JP" if "JP" in players else players[0]
            preset = {human: HUMAN}
        options: list[tuple[str, str]] = [("human", HUMAN)]
        options += [(name, name) for name in descriptions]
        rows = []
        values: dict[str, str] = {}
        menus: dict[Select[Any], str] = {}
        for n, pid in enumerate(players):
            value = values[pid] = preset.get(pid, agent_default)
            if value not in (HUMAN, *descriptions):
                options_here = [*options, (value, value)]
            else:
                options_here = options
            select = SeatSelect(options_here, value, id=f"seat-{n}")
            menus[select] = pid
            desc = Static(self._describe(value, descriptions), classes="desc", id=f"seat-desc-{n}")
            row = Horizontal(
                Label(Text(f"{sc.rules.player(pid).name} ({pid})")), select, desc, classes="seat"
            )
            rows.append(row)
        container.mount_all(rows)
        self._seat_players, self._seat_values, self._seat_menus = players, values, menus

    @staticmethod
    def _describe(spec: str, descriptions: dict[str, str]) -> str:
        if spec == HUMAN:
            return "a person at this keyboard"
        return descriptions.get(spec, "an agent loaded from " + printable(spec))

    @on(Select.Changed)
    def _seat_changed(self, event: Select.Changed) -> None:
        from tradegame.session.match import agent_descriptions

        sid = event.select.id or ""
        if not sid.startswith("seat-"):
            return
        pid = self._seat_menus.get(event.select)
        if pid is None:
            return  # a menu of the scenario shown before, being removed
        n = sid.removeprefix("seat-")
        value = event.value if isinstance(event.value, str) else ""
        if value:
            self._seat_values[pid] = value
        self.query_one(f"#seat-desc-{n}", Static).update(
            self._describe(value, agent_descriptions())
        )

    @on(OptionList.OptionHighlighted, "#scenario-list")
    def _scenario_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # keys typed together: the highlight has moved on since
        if event.option.id and event.option.id not in (OPEN_FILE, self._chosen()):
            self.choose(event.option.id)

    def _chosen(self) -> str | None:
        """The scenario shown or being loaded."""
        return self._loading or (self.scenario.source if self.scenario is not None else None)

    @on(OptionList.OptionSelected, "#scenario-list")
    def _scenario_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OPEN_FILE:
            from tradegame.ui.screens.dialogs import PathDialog

            def opened(path: str | None) -> None:
                if path:
                    self._opened = path
                    self.choose(path)

            self.app.push_screen(
                PathDialog(
                    "Open a scenario file (YAML)",
                    placeholder="path/to/scenario.yaml",
                    button="Open",
                ),
                opened,
            )
        else:
            self.focus_next()

    # ------------------------------------------------------------------ start

    def seats(self) -> dict[str, str]:
        return {p: self._seat_values.get(p, "") for p in self._seat_players}

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        from tradegame.ui.screens.dialogs import MessageDialog

        # Keys typed together: s is handled before the list's messages saying where the
        # highlight went, so the list itself says which scenario is meant.
        highlighted = self.query_one("#scenario-list", OptionList).highlighted_option
        if highlighted is not None and highlighted.id not in (None, OPEN_FILE, self._chosen()):
            self.choose(highlighted.id)
        sc = self.scenario
        if sc is None:
            if self._loading is not None:
                self._start_when_loaded = self._loading
                self.notify(
                    f"Loading {printable(self._loading)}: the game starts once it is loaded."
                )
            else:
                self.notify(
                    "No scenario to start: choose one that loads (the one shown has problems).",
                    severity="warning",
                )
            return
        seed = parse_seed(self.query_one("#seed", Input).value)
        if seed is None:
            self.app.push_screen(
                MessageDialog(
                    "Bad seed", "The seed is a whole number from 0 to 9223372036854775807."
                )
            )
            return
        seats = self.seats()
        if len(seats) != len(sc.rules.player_ids) or not all(seats.values()):
            self.notify("Give every seat to a person or an agent.", severity="warning")
            return
        if self.tg_app.options.web:
            refused = code_seats_message(seats)
            if refused:
                self.app.push_screen(MessageDialog("A seat cannot run code here", refused))
                return
        self.tg_app.start_new_match(sc, seed, seats)

    @on(Button.Pressed, "#guided")
    def action_guided(self) -> None:
        """The first-game path: the primer as Japan against the dove, hints on."""
        if self.tg_app.options.web and not self._offered(GUIDED_SCENARIO):
            return
        self._load_guided()

    @work(thread=True, exclusive=True, group="scenario", exit_on_error=False)
    def _load_guided(self) -> None:
        from tradegame.session.match import load_scenario

        try:
            sc = self.tg_app.scenario_cache.get(GUIDED_SCENARIO) or load_scenario(GUIDED_SCENARIO)
        except Exception as exc:  # noqa: BLE001 - shown to the player, never a traceback
            self.app.call_from_thread(self._failed, GUIDED_SCENARIO, str(exc))
            return
        self.app.call_from_thread(self._start_guided, sc)

    def _start_guided(self, sc: Scenario) -> None:
        self.tg_app.scenario_cache[sc.source] = sc
        seats = {p: GUIDED_OPPONENT for p in sc.rules.player_ids}
        seats[GUIDED_PLAYER] = HUMAN
        self.tg_app.start_new_match(sc, random_seed(), seats, guided=True)

    @on(Input.Submitted, "#seed")
    def _seed_submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#random-seed")
    def action_random_seed(self) -> None:
        self.query_one("#seed", Input).value = str(random_seed())

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        self.tg_app.action_load()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        return True


__all__ = ["SetupScreen", "scenario_summary"]

"""Talks: read the offer on the table, build a deal from the catalogue, see its preview, send.

Keys (when the panel has focus): ↑/↓ choose an item, ←/→ change its level (past either end it
leaves the deal), space puts it in or out, ``s`` sends the draft as a proposal or counter-offer,
``e`` copies the offer on the table into the draft, ``c`` clears the draft. Accept (``a``),
reject (``r``) and pass (``p``) are the game screen's keys, so they work from every tab.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tradegame.engine import Accept, Counter, Propose, Term
from tradegame.ui.match import OfferDraft
from tradegame.ui.text import level_text, player_text, signed
from tradegame.ui.widgets.common import ActionChosen, Frame, PreviewBox, PreviewWanted
from tradegame.ui.widgets.dashboard import own_session


def political_cost(frame: Frame, terms: list[Term] | tuple[Term, ...]) -> float | None:
    """The viewer's political cost of ``terms`` from its own view (costs of what it gives,
    minus gains of what it gets); None when the view does not carry the numbers."""
    total = 0.0
    for t in terms:
        entry = frame.names.items.get(t.item)
        if entry is None:
            return None
        try:
            index = entry["levels"].index(t.value)
        except ValueError:
            return None
        if entry["owner"] == frame.viewer:
            costs = entry.get("political_cost")
            if costs is None:
                return None
            total += costs[index]
        else:
            gains = entry.get("political_gain")
            if gains is None:
                return None
            total -= gains[index]
    return total


class TermList(OptionList):
    """The catalogue items of one session, each in or out of the draft at some level."""

    BINDINGS = [
        Binding("right", "level(1)", "Level +", show=True, key_display="→"),
        Binding("left", "level(-1)", "Level −", show=True, key_display="←"),
        Binding("space", "toggle_term", "In/out", show=True),
    ]

    class Adjust(Message):
        """Change the draft: ``step`` ±1 moves the level, 0 toggles the item."""

        def __init__(self, item: str, step: int) -> None:
            super().__init__()
            self.item = item
            self.step = step

    def _item(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def action_level(self, step: int) -> None:
        item = self._item()
        if item:
            self.post_message(self.Adjust(item, step))

    def action_toggle_term(self) -> None:
        item = self._item()
        if item:
            self.post_message(self.Adjust(item, 0))

    def action_select(self) -> None:
        self.action_toggle_term()


class TalksPanel(Vertical):
    """The viewer's talks session: the offer on the table, the draft, the previews."""

    BINDINGS = [
        Binding("s", "send", "Send offer"),
        Binding("e", "edit_offer", "Edit offer", show=False),
        Binding("c", "clear", "Clear", show=False),
    ]

    DEFAULT_CSS = """
    TalksPanel { height: 1fr; }
    TalksPanel #talks-session { height: auto; max-height: 40%; padding: 0 1; overflow-y: auto; }
    TalksPanel TermList { height: 1fr; min-height: 3; }
    TalksPanel #talks-about { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    TalksPanel #talks-draft { height: auto; padding: 0 1; }
    TalksPanel PreviewBox { max-height: 9; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft = OfferDraft()
        self.frame: Frame | None = None
        self._session_key: tuple[Any, ...] | None = None
        self._item_ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="talks-session")
        yield TermList(id="talks-terms")
        yield Static(id="talks-about")  # what the highlighted item is
        yield Static(id="talks-draft")
        yield PreviewBox("Preview", id="talks-preview")

    # ------------------------------------------------------------------ state from the screen

    @property
    def session(self) -> dict[str, Any] | None:
        if self.frame is None or not self.frame.my_turn or self.frame.phase != "talks":
            return None
        return own_session(self.frame)

    def update_frame(self, frame: Frame) -> None:
        self.frame = frame
        session = self.session
        terms = self.query_one(TermList)
        if session is None:
            terms.display = False
            self.query_one("#talks-about", Static).display = False
            self.query_one("#talks-draft", Static).display = False
            self.query_one(PreviewBox).display = False
            self.query_one("#talks-session", Static).update(self._waiting_text(frame))
            self._session_key = None
            return
        terms.display = True
        self.query_one("#talks-about", Static).display = True
        self.query_one("#talks-draft", Static).display = True
        self.query_one(PreviewBox).display = True
        key = (frame.view["round"], tuple(session["pair"]))
        fresh = key != self._session_key
        if fresh:
            self._session_key = key
            self.draft.clear()
        self.query_one("#talks-session", Static).update(self._session_text(frame, session))
        self._rebuild_terms(frame, keep_highlight=not fresh)
        self._update_draft_line()
        self._request_previews(accept=True)

    # ------------------------------------------------------------------ drawing

    def _waiting_text(self, frame: Frame) -> Text:
        text = Text()
        talks = frame.view.get("talks", [])
        if frame.phase != "talks":
            text.append("No talks are under way.", style="bold")
            text.append("\nTalks happen at the start of a round: request them with an order "
                        "(tab 3) and they open next round.")
        else:
            text.append("Talks this round", style="bold")
            for s in talks:
                text.append(f"\n  {'–'.join(s['pair'])} ({s['level']}): {s['status']}")
                if s.get("offer") and frame.viewer in s["pair"]:
                    text.append(f"; offer from {s.get('offer_by')}")
            if frame.mover and not frame.my_turn:
                text.append(f"\n\nWaiting for {frame.names.player(frame.mover)}…", style="italic")
        mine = [s for s in talks if frame.viewer in s["pair"] and s["status"] != "open"]
        for s in mine:
            text.append(f"\nYour {s['level']} talks with "
                        f"{[p for p in s['pair'] if p != frame.viewer][0]}: {s['status']}.")
        return text

    def _session_text(self, frame: Frame, s: dict[str, Any]) -> Text:
        partner = frame.partner or "?"
        text = Text()
        text.append(f"{s['level'].capitalize()} talks with {frame.names.player(partner)} "
                    f"({partner})", style="bold")
        text.append(f" — exchange {s['exchanges']} of {s['max_exchanges']}"
                    f" · at most {frame.max_terms} terms")
        offer = s.get("offer")
        if offer is None:
            text.append("\nYou open: build an offer below and send it (s), or pass (p).")
        else:
            terms = [Term(i, v) for i, v in offer]
            text.append(f"\n{s['offer_by']} offers:", style="bold")
            for t in terms:
                text.append(f"\n  • {frame.names.term(t)}")
            cost = political_cost(frame, terms)
            ws = frame.you.get("win_set")
            if cost is not None:
                text.append(f"\n  political cost to you {signed(cost)}")
                if ws is not None:
                    fits = "fits" if cost <= ws else "EXCEEDS"
                    text.append(f" — {fits} your win-set ({ws:.1f})",
                                style="bold" if cost > ws else "")
            text.append("\nAccept (a), reject (r), or change the draft and counter (s); "
                        "e copies the offer into the draft.")
            if s["exchanges"] >= s["max_exchanges"]:
                text.append(" This is the last exchange: a counter now would lapse.",
                            style="italic")
        return text

    def _row(self, frame: Frame, item_id: str) -> Text:
        entry = frame.names.items[item_id]
        chosen = self.draft.levels.get(item_id)
        mine = entry["owner"] == frame.viewer
        text = Text()
        text.append("■ " if chosen is not None else "□ ", style="bold")
        text.append(f"{entry['owner']} gives ", style="dim")
        levels = entry["levels"]
        for n, value in enumerate(levels):
            label = level_text(entry["kind"], value)
            if chosen is not None and value == chosen:
                text.append(f"[{label}]", style="bold reverse")
            else:
                text.append(f" {label} ", style="dim")
            if n < len(levels) - 1:
                text.append("·", style="dim")
        text.append("  ")
        text.append(entry["name"], style="bold" if chosen is not None else "")
        if chosen is not None:
            index = levels.index(chosen)
            if mine and entry.get("political_cost") is not None:
                text.append(f"  (cost to you {entry['political_cost'][index]:g})",
                            style="italic")
            elif not mine and entry.get("political_gain") is not None:
                text.append(f"  (gain to you {entry['political_gain'][index]:g})",
                            style="italic")
        return text

    def _rebuild_terms(self, frame: Frame, keep_highlight: bool) -> None:
        terms = self.query_one(TermList)
        ids = [i for i in frame.deal_items if i in frame.names.items]
        # What the viewer gets first (the asks), then what it gives.
        ids = sorted(ids, key=lambda i: frame.names.items[i]["owner"] == frame.viewer)
        highlighted = terms.highlighted if keep_highlight else 0
        if ids != self._item_ids:
            terms.clear_options()
            terms.add_options([Option(self._row(frame, i), id=i) for i in ids])
            self._item_ids = ids
        else:
            for n, i in enumerate(ids):
                terms.replace_option_prompt_at_index(n, self._row(frame, i))
        if ids:
            terms.highlighted = min(highlighted or 0, len(ids) - 1)
        self._show_about()

    def _show_about(self) -> None:
        """The highlighted item's description, from the scenario."""
        about = self.query_one("#talks-about", Static)
        terms = self.query_one(TermList)
        entry = None
        if self.frame is not None and terms.highlighted is not None \
                and terms.highlighted < len(self._item_ids):
            entry = self.frame.names.items.get(self._item_ids[terms.highlighted])
        about.update(Text(player_text(entry.get("description") or ""), style="italic")
                     if entry else "")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "talks-terms":
            self._show_about()

    def _refresh_rows(self) -> None:
        if self.frame is None:
            return
        terms = self.query_one(TermList)
        for n, i in enumerate(self._item_ids):
            terms.replace_option_prompt_at_index(n, self._row(self.frame, i))

    def _update_draft_line(self) -> None:
        frame = self.frame
        line = self.query_one("#talks-draft", Static)
        if frame is None:
            return
        n = len(self.draft)
        text = Text()
        text.append("Your draft: ", style="bold")
        if not n:
            text.append("empty — space or → puts the highlighted item in.", style="italic")
        else:
            text.append(f"{n} term{'s' if n != 1 else ''} (at most {frame.max_terms})")
            cost = political_cost(frame, self.draft.terms())
            ws = frame.you.get("win_set")
            if cost is not None:
                text.append(f" · political cost to you {signed(cost)}")
                if ws is not None:
                    text.append(f" · {'fits' if cost <= ws else 'EXCEEDS'} your win-set "
                                f"({ws:.1f})")
            text.append(" · s sends it")
        line.update(text)

    # ------------------------------------------------------------------ actions

    def draft_action(self) -> Propose | Counter | None:
        session = self.session
        frame = self.frame
        if session is None or frame is None or frame.viewer is None or not len(self.draft):
            return None
        terms = self.draft.terms()
        if session.get("offer") is None:
            return Propose(frame.viewer, frame.partner or "", terms)
        return Counter(frame.viewer, session.get("offer_by") or "", terms)

    def _request_previews(self, accept: bool = False) -> None:
        frame = self.frame
        session = self.session
        if frame is None or session is None or frame.viewer is None:
            return
        action = self.draft_action()
        preview = self.query_one(PreviewBox)
        if action is not None:
            preview.show_message("computing…")
            self.post_message(PreviewWanted("talks-draft", [action]))
        elif session.get("offer") is not None:
            if accept:
                preview.show_message("computing what accepting would do…")
                self.post_message(PreviewWanted("talks-accept", [Accept(frame.viewer)]))
        else:
            preview.show_message("put items in your draft to see what the deal would do for "
                                 "you (it assumes the partner accepts).")

    def show_preview(self, key: str, projection: Any, error: str | None) -> None:
        preview = self.query_one(PreviewBox)
        if error is not None:
            preview.show_message(error)
            return
        if key == "talks-accept":
            if self.draft_action() is None:
                preview.show_projection(projection, "if you accept the offer")
        else:
            preview.show_projection(projection, "if your draft is agreed")

    def on_term_list_adjust(self, event: TermList.Adjust) -> None:
        event.stop()
        frame = self.frame
        if frame is None or event.item not in frame.names.items:
            return
        levels = frame.names.items[event.item]["levels"]
        if event.step == 0:
            self.draft.toggle(event.item, levels)
        else:
            self.draft.cycle(event.item, levels, event.step)
        self._refresh_rows()
        self._update_draft_line()
        self._request_previews(accept=True)

    def action_send(self) -> None:
        action = self.draft_action()
        if action is None:
            self.notify("Your draft is empty: put at least one item in it (space).",
                        severity="warning")
            return
        self.post_message(ActionChosen(action))

    def action_edit_offer(self) -> None:
        session = self.session
        if session is None or session.get("offer") is None:
            return
        self.draft.load(Term(i, v) for i, v in session["offer"])
        self._refresh_rows()
        self._update_draft_line()
        self._request_previews()

    def action_clear(self) -> None:
        self.draft.clear()
        self._refresh_rows()
        self._update_draft_line()
        self._request_previews(accept=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        if action in ("send", "edit_offer", "clear"):
            if session is None:
                return False
            if action == "edit_offer":
                return session.get("offer") is not None
        return True


__all__ = ["TalksPanel", "TermList", "political_cost"]

"""Talks: read the offer on the table, build a deal from the catalogue, see its preview, send.

Keys (when the panel has focus): ↑/↓ choose an item, ←/→ change its level (past either end it
leaves the deal), space puts it in or out, ``s`` sends the draft as a proposal or counter-offer,
``e`` copies the offer on the table into the draft, ``d`` starts from the deal in force with
this partner, ``c`` clears the draft, ``]``/``[`` scroll a long offer. Accept (``a``), reject
(``r``) and pass (``p``) are the game screen's keys, so they work from every tab.

Nothing a player may agree to is off screen: the verdict (cost against the win-set) and any
deal the offer would replace are always shown above the terms, and terms that do not fit are
counted in a "▼ N more" line with the key that shows them.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tradegame.engine import Accept, Counter, Propose, Term
from tradegame.session.match import OfferDraft
from tradegame.session.text import player_text
from tradegame.ui.widgets.common import (
    ActionChosen,
    BulletedText,
    Frame,
    Hanging,
    PreviewBox,
    PreviewWanted,
    deal_term_text,
)
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


def cost_words(cost: float) -> str:
    """A political cost (from :func:`political_cost`) as a player reads it: "cost to you 13.0",
    or "gain to you 13.0" for a deal whose gains outweigh its costs ("cost to you −13.0" read
    oddly). Rounded as shown, so a cost of −0.04 is "cost to you 0.0", not "gain to you 0.0"."""
    shown = round(cost, 1)
    if shown < 0:
        return f"gain to you {-shown:.1f}"
    return f"cost to you {abs(shown):.1f}"  # abs: no "−0.0"


class TermList(OptionList):
    """The catalogue items of one session, each in or out of the draft at some level."""

    BINDINGS = [
        # One footer key for both arrows: "← Level −  → Level +" took 22 of 80 columns, and
        # "r Reject" was cut to "r Rejec" while answering an offer (a click presses →).
        Binding("right", "level(1)", "Level", show=True, key_display="←→"),
        Binding("left", "level(-1)", "Level −", show=False, key_display="←"),
        Binding("space", "toggle_term", "In/out", show=True),
    ]

    class Adjust(Message):
        """Change the draft: ``step`` ±1 moves the level, 0 toggles the item."""

        def __init__(self, item: str, step: int) -> None:
            super().__init__()
            self.item = item
            self.step = step

    def on_resize(self) -> None:
        # The list shrinks when the draft line or the preview under it grows: the highlighted
        # row (the one the keys change) stays in view.
        self.call_after_refresh(self.scroll_to_highlight)

    def rows_changed(self) -> None:
        """Rows were redrawn (a level chosen adds "(cost to you 2)", which may wrap): the
        highlighted row is shown whole."""
        self.call_after_refresh(self.scroll_to_highlight)

    def _item(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def _adjust(self, item: str, step: int) -> None:
        # At once, not by a message: a message would reach the talks panel after a key typed
        # next (s sends) had already acted on the draft as it was.
        panel = next((a for a in self.ancestors if isinstance(a, TalksPanel)), None)
        if panel is not None:
            panel.adjust(item, step)
        else:
            self.post_message(self.Adjust(item, step))

    def action_level(self, step: int) -> None:
        item = self._item()
        if item:
            self._adjust(item, step)

    def action_toggle_term(self) -> None:
        item = self._item()
        if item:
            self._adjust(item, 0)

    def action_select(self) -> None:
        self.action_toggle_term()


def deal_in_force(frame: Frame, partner: str | None) -> dict[str, Any] | None:
    """The viewer's substantive deal in force with ``partner`` (a new substantive deal
    between them replaces it at ratification), or None."""
    if partner is None or frame.viewer is None:
        return None
    pair = {frame.viewer, partner}
    for d in frame.view.get("deals", []):
        if d.get("status") != "in_force" or d.get("unilateral") or set(d["parties"]) != pair:
            continue
        kinds = [frame.names.items.get(t["item"], {}).get("kind") for t in d["terms"]]
        if any(k != "process" for k in kinds):
            return dict(d)
    return None


def replace_warning(deal: dict[str, Any]) -> str:
    n = len(deal["terms"])
    return (
        f"⚠ Agreeing replaces deal {deal['id']} in force ({n} term{'s' if n != 1 else ''}):"
        f" whatever the new deal leaves out ends. d: start from the deal in force."
    )


class OfferTerms(VerticalScroll, can_focus=False):
    """The terms of the offer on the table, one line each; ``]`` and ``[`` scroll."""

    DEFAULT_CSS = """
    OfferTerms { height: auto; max-height: 5; padding: 0 1; scrollbar-size-vertical: 1; }
    OfferTerms > Static { height: auto; }
    """

    def show(self, lines: list[Text]) -> None:
        self.remove_children()
        # A term that wraps goes on under its words, not under the bullet (read as a term).
        self.mount_all([Static(BulletedText(line), classes="term") for line in lines])
        # At once: deferred to the next refresh, the scroll back to the top came after the
        # count of the terms out of view (the line under the offer), which then still
        # counted from where the last offer had been scrolled to.
        self.scroll_home(animate=False, immediate=True)

    def hidden_counts(self) -> tuple[int, int]:
        """(terms above the window, terms below it) — wholly or partly out of view."""
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        above = below = 0
        for child in self.children:
            region = child.virtual_region
            if region.y < top:
                above += 1
            elif region.bottom > bottom:
                below += 1
        return above, below

    def scroll_terms(self, step: int) -> None:
        above, below = self.hidden_counts()
        if step > 0 and below:
            self.scroll_to(
                y=self.scroll_offset.y + max(1, self.scrollable_content_region.height - 1),
                animate=False,
            )
        elif step < 0 and above:
            self.scroll_to(
                y=max(0, self.scroll_offset.y - max(1, self.scrollable_content_region.height - 1)),
                animate=False,
            )


class TalksPanel(Vertical):
    """The viewer's talks session: the offer on the table, the draft, the previews."""

    BINDINGS = [
        Binding("s", "send", "Send offer"),
        Binding("e", "edit_offer", "Edit offer", show=False),
        Binding("d", "from_deal", "Deal in force", show=False),
        Binding("c", "clear", "Clear", show=False),
        # Not in the footer: the offer says it where the terms go on ("▼ 2 more (])"), and at
        # 80 columns the footer had no room left for "^s Save" while answering an offer.
        Binding("right_square_bracket", "more(1)", "More", key_display="]", show=False),
        Binding("left_square_bracket", "more(-1)", "Terms above", key_display="[", show=False),
        Binding("m", "about", "About item", show=False),
    ]

    DEFAULT_CSS = """
    TalksPanel { height: 1fr; }
    TalksPanel #talks-body { height: 1fr; }
    TalksPanel #talks-main { height: 1fr; }
    TalksPanel #talks-side { height: auto; }
    TalksPanel #talks-session { height: auto; padding: 0 1; }
    TalksPanel #talks-more { height: 1; padding: 0 1; color: $text-muted; }
    TalksPanel TermList { height: 1fr; min-height: 3; }
    TalksPanel #talks-about { height: auto; max-height: 1; padding: 0 1; color: $text-muted; }
    TalksPanel #talks-draft { height: auto; padding: 0 1; }
    TalksPanel PreviewBox { height: 4; }
    TalksPanel.-wide #talks-body { layout: horizontal; }
    TalksPanel.-wide #talks-main { width: 1fr; height: 1fr; }
    TalksPanel.-wide #talks-side { width: 46%; height: 1fr; border-left: solid $primary-muted; }
    TalksPanel.-wide #talks-side PreviewBox { background: $surface; }
    """

    WIDE = 120
    """From this many columns the preview sits beside the offer and the catalogue."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft = OfferDraft()
        self.frame: Frame | None = None
        self._session_key: tuple[Any, ...] | None = None
        self._item_ids: list[str] = []
        self._offer_shown: tuple[Any, ...] | None = None
        self._more_text: Text | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="talks-body"):
            with Vertical(id="talks-main"):
                yield Static(id="talks-session")
                yield OfferTerms(id="talks-offer")
                yield Static(id="talks-more")
                yield TermList(id="talks-terms")
                yield Static(id="talks-about")  # what the highlighted item is
                yield Static(id="talks-draft")
            with Vertical(id="talks-side"):
                yield PreviewBox("Preview", id="talks-preview")

    def on_mount(self) -> None:
        # The line under the offer counts terms by where they were laid out: a new offer's
        # terms may be laid out after the refresh that call_after_refresh waits for (their
        # layout is asked for from their own message queues: on a loaded machine, later), and
        # the line then said nothing was out of view until the next move.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def _laid_out(self, _screen: object) -> None:
        if self.query_one(OfferTerms).display:
            self._update_more()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Two panes from :attr:`WIDE` columns; the offer gets the rows the rest leaves."""
        width, height = self.size
        if not width or not height:
            width, height = self.app.size.width, self.app.size.height - 7
        wide = self.app.size.width >= self.WIDE
        self.set_class(wide, "-wide")
        preview_rows = 4 if height < 20 else 6 if height < 30 else 8
        about_rows = 1 if height < 20 else 2 if height < 30 else 3
        preview = self.query_one(PreviewBox)
        if not wide:
            preview.styles.height = preview_rows
        else:
            preview.styles.height = "1fr"
        self.query_one("#talks-about").styles.max_height = about_rows
        self.call_after_refresh(self._show_about)
        # session header 2-3, the more line 1, catalogue 3, about, draft 1, the preview
        rest = 8 + (about_rows - 1) + (0 if wide else preview_rows)
        self.query_one(OfferTerms).styles.max_height = max(2, height - rest)
        self.call_after_refresh(self._update_more)

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
        parts = [
            terms,
            self.query_one("#talks-about", Static),
            self.query_one("#talks-draft", Static),
            self.query_one("#talks-side"),
            self.query_one(OfferTerms),
            self.query_one("#talks-more", Static),
        ]
        if session is None:
            for part in parts:
                part.display = False
            # (an offer's bullets wrap under their words)
            self.query_one("#talks-session", Static).update(BulletedText(self._waiting_text(frame)))
            self._session_key = None
            self._offer_shown = None
            return
        for part in parts:
            part.display = True
        if not frame.deal_items:
            # Nothing can be offered (the session's text says so): no empty list, draft or
            # preview, whose keys did nothing (an instructor's space, taken by the empty list,
            # neither put anything in nor paused).
            # (the preview stays for an offer on the table: what accepting it would do; with
            # none, the keys' line goes too: the session's text says "Pass (p).")
            catalogue, about, draft, side, _offer, keys = parts
            gone = [catalogue, about, draft] + (
                [] if session.get("offer") is not None else [side, keys]
            )
            for part in gone:
                part.display = False
        key = (frame.view["round"], tuple(session["pair"]))
        fresh = key != self._session_key
        if fresh:
            self._session_key = key
            self.draft.clear()
        self.query_one("#talks-session", Static).update(self._session_text(frame, session))
        self._show_offer(frame, session)
        self._rebuild_terms(frame, keep_highlight=not fresh)
        self._update_draft_line()
        self._request_previews(accept=True)
        self._fit()

    # ------------------------------------------------------------------ drawing

    def _waiting_text(self, frame: Frame) -> Text:
        text = Text()
        talks = frame.view.get("talks", [])
        if frame.phase == "over":
            text.append("The game is over: no more talks.", style="bold")
        elif frame.phase != "talks":
            text.append("No talks are under way.", style="bold")
            text.append(
                "\nTalks happen at the start of a round: request them with an order "
                "(tab 3) and they open next round."
            )
        else:
            text.append("Talks this round", style="bold")
            for s in talks:
                text.append(f"\n  {'–'.join(s['pair'])} ({s['level']}): {s['status']}")
                if s.get("offer") and frame.viewer in s["pair"]:
                    # The terms too: this view holds them (a watcher viewing as a party
                    # read "offer from US" and nothing of what was offered).
                    text.append(f"; offer from {s.get('offer_by')}:")
                    for item, value in s["offer"]:
                        text.append(f"\n    • {frame.names.term(Term(item, value))}")
            if frame.mover and not frame.my_turn:
                text.append(f"\n\nWaiting for {frame.names.player(frame.mover)}…", style="italic")
        mine = [s for s in talks if frame.viewer in s["pair"] and s["status"] != "open"]
        for s in mine:
            text.append(
                f"\nYour {s['level']} talks with "
                f"{[p for p in s['pair'] if p != frame.viewer][0]}: {s['status']}."
            )
        return text

    def _session_text(self, frame: Frame, s: dict[str, Any]) -> Text:
        """The session's header and, with an offer on the table, its verdict: how many
        terms, their cost against the win-set, and the deal in force it would replace."""
        partner = frame.partner or "?"
        text = Text()
        text.append(
            f"{s['level'].capitalize()} talks with {frame.names.player(partner)} ({partner})",
            style="bold",
        )
        text.append(f" · exchange {s['exchanges']}/{s['max_exchanges']} · ≤{frame.max_terms} terms")
        offer = s.get("offer")
        if offer is None and not frame.deal_items:
            text.append("\nYou open.")  # nothing to build an offer from: said below
        elif offer is None:
            text.append("\nYou open: build an offer below and send it (s), or pass (p).")
        else:
            terms = [Term(i, v) for i, v in offer]
            n = len(terms)
            text.append(f"\n{s['offer_by']} offers {n} term{'s' if n != 1 else ''}", style="bold")
            cost = political_cost(frame, terms)
            ws = frame.you.get("win_set")
            if cost is not None:
                text.append(f" · {cost_words(cost)}")
                if ws is not None:
                    fits = "fits" if cost <= ws else "EXCEEDS"
                    text.append(
                        f" — {fits} your win-set ({ws:.1f})",
                        style="bold reverse" if cost > ws else "bold",
                    )
            if s["exchanges"] >= s["max_exchanges"]:
                text.append(" · last exchange: a counter now lapses", style="italic")
        deal = deal_in_force(frame, partner)
        if deal is not None:
            text.append("\n" + replace_warning(deal), style="bold")
        if not frame.deal_items:
            text.append(
                "\nNothing can be offered in these talks: the scenario's catalogue "
                "has no item either of you may give the other now. Pass (p)"
                + (", or answer the offer on the table." if offer is not None else "."),
                style="italic",
            )
        return text

    def _show_offer(self, frame: Frame, s: dict[str, Any]) -> None:
        offer_terms = self.query_one(OfferTerms)
        offer = s.get("offer")
        key = (self._session_key, tuple(map(tuple, offer)) if offer else None)
        if offer is None:
            offer_terms.display = False
            self._offer_shown = key
            self._update_more()
            return
        offer_terms.display = True
        if key != self._offer_shown:
            self._offer_shown = key
            offer_terms.show([Text(f"• {frame.names.term(Term(i, v))}") for i, v in offer])
        self.call_after_refresh(self._update_more)

    def _update_more(self) -> None:
        """The line under the offer: what is out of view and the keys to answer it."""
        more = self.query_one("#talks-more", Static)
        session = self.session
        if session is None:
            return
        text = Text()
        if session.get("offer") is not None:
            above, below = self.query_one(OfferTerms).hidden_counts()
            if below:
                text.append(f"▼ {below} more (])", style="bold reverse")
                text.append(" ")
            if above:
                text.append(f"▲ {above} above ([)", style="bold")
                text.append(" ")
            text.append("a accept · r reject")
            if self.frame is not None and self.frame.deal_items:
                text.append(" · e edit it · s counter")
        else:
            text.append("↑↓ item · ←→ level · space in/out · s send · p pass")
        if text != self._more_text:  # (updating it lays the screen out again)
            self._more_text = text
            more.update(text)
            self.refresh_bindings()  # ] and [ apply only while terms are out of view

    def action_more(self, step: int) -> None:
        self.query_one(OfferTerms).scroll_terms(step)
        self.call_after_refresh(self._update_more)

    def _row(self, frame: Frame, item_id: str) -> Hanging:
        """The item's row: what is in the draft and its levels, then its name (which wraps
        under itself)."""
        entry = frame.names.items[item_id]
        chosen = self.draft.levels.get(item_id)
        mine = entry["owner"] == frame.viewer
        text = Text()
        text.append("■ " if chosen is not None else "□ ", style="bold")
        text.append(f"{entry['owner']} gives ", style="dim")
        levels = entry["levels"]
        for n, value in enumerate(levels):
            label = frame.names.level(item_id, value)
            if chosen is not None and value == chosen:
                text.append(f"[{label}]", style="bold reverse")
            else:
                text.append(f" {label} ", style="dim")
            if n < len(levels) - 1:
                text.append("·", style="dim")
        text.append("  ")
        head, text = text, Text()
        text.append(entry["name"], style="bold" if chosen is not None else "")
        if entry.get("red_line"):  # declared in public: a deal with it is never ratified
            text.append("  RED LINE", style="bold reverse")
        if chosen is not None:
            index = levels.index(chosen)
            if mine and entry.get("political_cost") is not None:
                text.append(f"  (cost to you {entry['political_cost'][index]:g})", style="italic")
            elif not mine and entry.get("political_gain") is not None:
                text.append(f"  (gain to you {entry['political_gain'][index]:g})", style="italic")
        return Hanging(head, text)

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
            terms.rows_changed()
        self._show_about()

    def _about_entry(self) -> dict[str, Any] | None:
        terms = self.query_one(TermList)
        if (
            self.frame is None
            or terms.highlighted is None
            or terms.highlighted >= len(self._item_ids)
        ):
            return None
        entry: dict[str, Any] | None = self.frame.names.items.get(self._item_ids[terms.highlighted])
        return entry

    def _show_about(self) -> None:
        """The highlighted item's description, from the scenario: as much as its rows hold,
        ending "… m: read all" when that is not all of it."""
        about = self.query_one("#talks-about", Static)
        entry = self._about_entry()
        if entry is None or self.frame is None:
            about.update("")
            return
        description = self._description(entry, self.frame)
        if not description.strip():  # a blank line read like a screen not drawn yet
            description = "The scenario gives no description of this item."
        text = Text(description, style="italic")
        rows = about.styles.max_height
        limit = max(1, int(rows.value)) if rows is not None else 1
        width = about.size.width or self.app.size.width - 2
        lines: list[Text] = list(text.wrap(self.app.console, width)) if width > 0 else []
        if len(lines) > limit:
            tail = " … m: read all"
            shown = [line.plain.rstrip() for line in lines[: limit - 1]]
            rest = Text(" ".join(line.plain.strip() for line in lines[limit - 1 :]))
            shown.append(rest.wrap(self.app.console, max(1, width - len(tail)))[0].plain.rstrip())
            text = Text("\n".join(shown), style="italic")
            text.append(tail, style="bold")
        about.update(text)

    @staticmethod
    def _description(entry: dict[str, Any], frame: Frame) -> str:
        """The item's description, after what its levels do when its unit needs saying."""
        text = player_text(entry.get("description") or "", frame.view)
        meaning = frame.names.level_meaning(str(entry.get("id", "")))
        return f"{meaning} {text}".strip() if meaning else text

    def action_about(self) -> None:
        """The highlighted item's whole description, in a dialog."""
        from tradegame.ui.screens.dialogs import MessageDialog

        entry = self._about_entry()
        if entry is None or self.frame is None:
            return
        description = self._description(entry, self.frame)
        self.app.push_screen(
            MessageDialog(str(entry.get("name", "")), description or "No description.", error=False)
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "talks-terms":
            self._show_about()

    def _refresh_rows(self) -> None:
        if self.frame is None:
            return
        terms = self.query_one(TermList)
        for n, i in enumerate(self._item_ids):
            terms.replace_option_prompt_at_index(n, self._row(self.frame, i))
        terms.rows_changed()

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
            text.append(f"{n} term{'s' if n != 1 else ''} (≤{frame.max_terms})")
            cost = political_cost(frame, self.draft.terms())
            ws = frame.you.get("win_set")
            if cost is not None:
                text.append(f" · {cost_words(cost)}")
                if ws is not None:
                    text.append(f" · {'fits' if cost <= ws else 'EXCEEDS'} your win-set ({ws:.1f})")
            deal = deal_in_force(frame, frame.partner)
            if deal is not None:
                text.append(f" · replaces {deal['id']}", style="bold")
            # (not " · s sends it": the keys above and the footer say it, and at 80×24 with a
            # talks result in the status bar its second line was cut)
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
            preview.show_pending()
            self.post_message(PreviewWanted("talks-draft", [action]))
        elif session.get("offer") is not None:
            if accept:
                preview.show_pending("computing what accepting would do…")
                self.post_message(PreviewWanted("talks-accept", [Accept(frame.viewer)]))
        else:
            preview.show_message(
                "put items in your draft to see what the deal would do for "
                "you (it assumes the partner accepts)."
            )

    def show_preview(self, key: str, projection: Any, error: str | None) -> None:
        preview = self.query_one(PreviewBox)
        if error is not None:
            preview.show_message(error)
            return
        # (no "replaces deal d1 in force" line: the talks' header and the draft line say
        # it, and at 80×24 it pushed the preview's last line out of its box)
        if key == "talks-accept":
            if self.draft_action() is None:
                preview.show_projection(projection, "if you accept the offer")
        elif self.draft_action() is not None:
            # A draft emptied asks for no preview, so the one asked for before (an item put
            # in and taken out again at once: → space) was still the latest when it came.
            preview.show_projection(projection, "if your draft is agreed")

    def on_term_list_adjust(self, event: TermList.Adjust) -> None:
        event.stop()
        self.adjust(event.item, event.step)

    def adjust(self, item: str, step: int) -> None:
        """Change the draft: ``step`` ±1 moves ``item``'s level, 0 puts it in or out."""
        frame = self.frame
        if frame is None or item not in frame.names.items:
            return
        levels = frame.names.items[item]["levels"]
        if step == 0:
            self.draft.toggle(item, levels)
        else:
            self.draft.cycle(item, levels, step)
        self._refresh_rows()
        self._update_draft_line()
        self._request_previews(accept=True)

    def action_send(self) -> None:
        action = self.draft_action()
        if action is None:
            self.notify(
                "Your draft is empty: put at least one item in it (space).", severity="warning"
            )
            return
        frame = self.frame
        deal = deal_in_force(frame, frame.partner) if frame is not None else None
        if deal is None or frame is None:
            self.post_message(ActionChosen(action))
            return
        from tradegame.ui.screens.dialogs import ConfirmDialog

        kept = {t["item"] for t in deal["terms"]}
        dropped = [
            deal_term_text(t, frame.names)
            for t in deal["terms"]
            if t["item"] not in {term.item for term in action.terms}
        ]
        what = "counter-offer" if isinstance(action, Counter) else "offer"
        lines = [f"Send this {what} to {frame.names.player(frame.partner)}?", ""]
        lines += [
            f"  • {frame.names.term(t)}" + ("" if t.item in kept else "  (new)")
            for t in action.terms
        ]
        lines += ["", replace_warning(deal)]
        if dropped:
            lines += ["It would end: " + "; ".join(dropped) + "."]

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(ActionChosen(action))

        self.app.push_screen(
            ConfirmDialog("\n".join(lines), yes="Send", no="Back", id="confirm-replace"), answered
        )

    def action_from_deal(self) -> None:
        """Put the terms of the deal in force with this partner into the draft."""
        frame = self.frame
        deal = deal_in_force(frame, frame.partner) if frame is not None else None
        if deal is None or self.session is None:
            return
        self.draft.load(Term(t["item"], t["level"]) for t in deal["terms"])
        self._refresh_rows()
        self._update_draft_line()
        self._request_previews()

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
        if action in ("send", "edit_offer", "clear", "from_deal", "more"):
            if session is None:
                return False
            if action == "edit_offer":
                return session.get("offer") is not None
            if action == "more":
                # Only while terms are out of view that way: "] More" showed in the
                # footer under an offer whose every term fitted.
                if session.get("offer") is None or not self.is_mounted:
                    return False
                above, below = self.query_one(OfferTerms).hidden_counts()
                step = parameters[0] if parameters else 1
                return bool(below if isinstance(step, int) and step > 0 else above)
            if action == "from_deal":
                return (
                    self.frame is not None
                    and deal_in_force(self.frame, self.frame.partner) is not None
                )
        return True


__all__ = [
    "OfferTerms",
    "TalksPanel",
    "TermList",
    "cost_words",
    "deal_in_force",
    "political_cost",
]

"""Toasts: plain text always, never stacked twice, and out of a dialog's way.

Shared by the local game's app and the room client's (both show the game screen, which raises
talks toasts with :meth:`Toasts.notify_after_dialogs`; dialogs and the help screen hold and
release the toasts up when they open: :class:`HoldsToasts`).
"""

from __future__ import annotations

from typing import Any

from textual.app import App

MIN_TOAST = 0.5
"""Seconds: a toast a dialog held with less time left than this is not shown again."""


class HoldsToasts:
    """Mixin for a screen over the game (a dialog, the help screen): the toasts shown when it
    opens, and the game's toasts raised while it is open, wait until it closes
    (:meth:`Toasts.hold_toasts`); at 80×24 a toast covered a dialog's buttons, or the help's
    keys."""

    # Dispatched along the class's MRO: a screen's own on_mount and on_unmount run too.
    def on_mount(self) -> None:
        screen: Any = self
        hold = getattr(screen.app, "hold_toasts", None)
        if hold is not None:
            hold(self)

    def on_unmount(self) -> None:
        screen: Any = self
        release = getattr(screen.app, "release_toasts", None)
        if release is not None:
            release(self)


class Toasts(App[None]):
    """The toast rules of the game's apps (a base class before :class:`textual.app.App`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # see hold_toasts: per dialog, its toasts with the seconds each had left to show
        self._held_toasts: list[tuple[int, list[tuple[Any, float]]]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text, never markup: messages quote file names, typed moves,
        scenario names and bots' words (``[@click=app.quit]`` in one is shown, not run), with
        control characters neutralised."""
        from tradegame.untrusted import printable

        message, title = printable(message), printable(title)
        # The same toast while it is still shown is not stacked again: a browser sending a
        # key thousands of times (each refused with a toast) grew its game by 100 MB.
        if any(
            n.message == message and n.title == title and n.severity == severity
            for n in self._notifications
        ):
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def hold_toasts(self, dialog: object) -> None:
        """A dialog opens: the toasts shown now wait until it closes, then show again for the
        time they had left (so a toast is seen for its time in all, however many dialogs
        come and go). At 80×24 a toast covered a dialog's buttons ("Saved" over the load
        dialog's Cancel, a talks line over the round report's Continue). Toasts raised while
        it is open (its own warnings) show at once."""
        held = [(note, note.time_left) for note in self._notifications if not note.has_expired]
        if not held:
            return
        for note, _ in held:
            self._unnotify(note, refresh=False)
        self._refresh_notifications()
        self._held_toasts.append((id(dialog), held))

    def release_toasts(self, dialog: object) -> None:
        """The dialog has closed: the toasts it held show again (at once, not by a message:
        a report opened next must find them, to hold them in turn)."""
        from textual.notifications import Notification

        for entry in [e for e in self._held_toasts if e[0] == id(dialog)]:
            self._held_toasts.remove(entry)
            for note, left in entry[1]:
                if left >= MIN_TOAST and not any(
                    n.message == note.message and n.title == note.title for n in self._notifications
                ):
                    self._notifications.add(
                        Notification(note.message, note.title, note.severity, left, markup=False)
                    )
            self._refresh_notifications()

    def notify_after_dialogs(
        self, message: str, *, title: str = "", timeout: float | None = None
    ) -> None:
        """A toast about the game (a talks line): with a dialog open (a round report, the Done
        summary, the help screen), it waits until that dialog closes, as the toasts shown when
        it opened do (an AI's offer made while the round report was open covered its button at
        80×24)."""
        from textual.notifications import Notification

        from tradegame.untrusted import printable

        top = self.screen
        if not isinstance(top, HoldsToasts):
            self.notify(message, title=title, timeout=timeout)
            return
        note = Notification(
            printable(message),
            printable(title),
            "information",
            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
            markup=False,
        )
        for key, held in self._held_toasts:
            if key == id(top):
                held.append((note, note.timeout))
                return
        self._held_toasts.append((id(top), [(note, note.timeout)]))

    def clear_notifications(self) -> None:
        """Every toast goes, those a dialog holds too (they are about a game now left)."""
        self._held_toasts.clear()
        super().clear_notifications()

    def withdraw_toasts(self, title: str) -> None:
        """Take down every toast titled ``title``, shown or held by a dialog (a talks toast
        once the Talks tab, which shows the offer, is shown)."""
        for note in list(self._notifications):
            if note.title == title:
                self._unnotify(note)
        for _, held in self._held_toasts:
            held[:] = [(note, left) for note, left in held if note.title != title]

    def withdraw_notice(self, message: str) -> None:
        """Take down the toast ``message`` once it is no longer true ("Loading …" after the
        load ended: left up, it covered the error's dialog and its OK button). Queued after
        the toast's own message, so a toast not shown yet goes too."""
        from tradegame.untrusted import printable

        shown = printable(message)

        def withdraw() -> None:
            for note in list(self._notifications):
                if note.message == shown:
                    self._unnotify(note)
            for _, held in self._held_toasts:
                held[:] = [(note, left) for note, left in held if note.message != shown]

        self.call_later(withdraw)

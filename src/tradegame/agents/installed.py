"""Agents installed as packages: the entry-point group ``tradegame.agents``.

A package registers an agent class in its ``pyproject.toml``::

    [project.entry-points."tradegame.agents"]
    opportunist = "mybots.opportunist:Opportunist"

and, once installed, ``--seat JP=opportunist`` plays it. Finding the names reads the
installed packages' metadata only (``importlib.metadata``); nothing is imported until an
agent is built, and building one runs the package's code, so only the person at the keyboard
may name one (``make_agent(..., allow_code=True)``), like ``module:Class``. A built-in agent's
name always means the built-in: a package cannot take ``greedy`` over, and a save that
records ``greedy`` never imports anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from tradegame.untrusted import printable

GROUP = "tradegame.agents"


@dataclass(frozen=True, slots=True)
class InstalledAgent:
    """One registration of an agent by an installed package (read from its metadata)."""

    name: str
    value: str  # module:attribute
    distribution: str  # the package that registered it ("?" if its metadata has no name)
    version: str
    entry_point: EntryPoint

    @property
    def where(self) -> str:
        """``the package 'mybots' 1.2 (mybots.opportunist:Opportunist)``, escaped."""
        return printable(
            f"the package {self.distribution!r} {self.version} ({self.value})".replace("  ", " ")
        )


def installed_agents() -> dict[str, list[InstalledAgent]]:
    """Every agent name registered by an installed package, with each registration (two
    packages may register one name), in name order. Imports nothing."""
    found: dict[str, list[InstalledAgent]] = {}
    for ep in entry_points(group=GROUP):
        dist: Any = getattr(ep, "dist", None)
        meta = getattr(dist, "metadata", None)
        name = (meta["Name"] if meta is not None else None) or "?"
        version = str(getattr(dist, "version", "") or "")
        found.setdefault(ep.name, []).append(
            InstalledAgent(ep.name, ep.value, str(name), version, ep)
        )
    return dict(sorted(found.items()))


def installed_names() -> set[str]:
    """The names installed packages register (metadata only)."""
    return {ep.name for ep in entry_points(group=GROUP)}


class InstalledAgentError(Exception):
    """An installed agent that cannot be used: its name is registered twice, or its code
    fails to import (the message names the package and the error, no traceback)."""


def load_installed(name: str) -> Any:
    """Import and return what ``name`` registers (a class or a factory). Runs the package's
    code: callers make sure the person at the keyboard named it."""
    registrations = installed_agents().get(name, [])
    if not registrations:
        raise KeyError(name)
    if len(registrations) > 1:
        listed = "; ".join(r.where for r in registrations)
        raise InstalledAgentError(
            printable(
                f"the agent {name!r} is registered by more than one installed package "
                f"({listed}); name the one you mean as module:Class"
            )
        )
    [agent] = registrations
    try:
        return agent.entry_point.load()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of the package's
        # code (a sys.exit() at import too) is one clear line, never a traceback
        raise InstalledAgentError(
            printable(
                f"cannot load the installed agent {name!r} from {agent.where}: "
                f"{type(exc).__name__}: {exc}"
            )
        ) from None


__all__ = [
    "GROUP",
    "InstalledAgent",
    "InstalledAgentError",
    "installed_agents",
    "installed_names",
    "load_installed",
]

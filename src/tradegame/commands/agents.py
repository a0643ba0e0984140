"""``tradegame agents``: the built-in agents a seat can be given, with what each does, and
the agents installed packages register (entry-point group ``tradegame.agents``)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TextIO

from tradegame.errors import EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Print each registered agent's name and one-line description, and how to use one."""
    from tradegame.agents.base import registry
    from tradegame.session.match import agent_descriptions, default_agent

    described = agent_descriptions()
    known = registry()
    probes = {n for n in described if getattr(known.get(n), "probe", False)}
    width = max((len(name) for name in described), default=0)
    default = default_agent()
    out = sys.stdout

    def listing(names: list[str]) -> None:
        for name in names:
            label = f"{name} (default)" if name == default else name
            text = described[name] or "(no description)"
            lines = textwrap.wrap(text, width=max(40, 76 - width - 12), break_on_hyphens=False)
            out.write(f"  {label:<{width + 10}}  {lines[0]}\n")
            for line in lines[1:]:
                out.write(f"  {'':<{width + 10}}  {line}\n")

    out.write("Built-in agents (give one to a seat: --seat PLAYER=AGENT):\n\n")
    listing([n for n in described if n not in probes])
    if probes:
        head = (
            "Probes (strategies the balance benchmark, tradegame balance, plays to test the "
            "rules; AGENT+statements wraps any agent, e.g. greedy+statements):"
        )
        out.write("\n" + "\n".join(textwrap.wrap(head, width=78)) + "\n\n")
        listing([n for n in described if n in probes])
    _installed(out, set(described))
    also = (
        "Also: human (a person at the keyboard), cmd:COMMAND (a bot in another process, "
        "any language), module:Class or path.py:Class (Python code: trusted only) and "
        "llm or llm:model=NAME,url=URL (a language model over the OpenAI-compatible chat "
        "API; the key from TRADEGAME_LLM_KEY or OPENAI_API_KEY); "
        "docs/bots-and-tournaments.md says how to write one."
    )
    out.write("\n" + "\n".join(textwrap.wrap(also, width=78)) + "\n")
    return EXIT_OK


def _installed(out: TextIO, built_in: set[str]) -> None:
    """The agents installed packages register (entry-point group tradegame.agents), with
    the package that registers each. Read from their metadata: nothing is imported, so a
    broken package cannot break this list (it fails when a seat names it)."""
    from tradegame.agents.installed import GROUP, installed_agents
    from tradegame.untrusted import printable

    found = installed_agents()
    if not found:
        note = (
            f"Installed agents: none. A package registers one in the entry-point group "
            f"{GROUP!r}; it then plays by its name, like a built-in."
        )
        out.write("\n" + "\n".join(textwrap.wrap(note, width=78)) + "\n")
        return
    out.write(
        "\nInstalled agents (from packages; they run the package's code, so only --seat or "
        "--agent on\nthe command line may name them):\n\n"
    )
    for name, registrations in found.items():
        shown = printable(name)
        for agent in registrations:
            if name in built_in:
                why = "hidden by the built-in agent of that name; name it as " + printable(
                    agent.value
                )
            elif len(registrations) > 1:
                why = "registered by more than one package; name it as " + printable(agent.value)
            else:
                why = printable(agent.value)
            version = f" {printable(agent.version)}" if agent.version else ""
            out.write(f"  {shown}  (package {printable(agent.distribution)}{version}): {why}\n")

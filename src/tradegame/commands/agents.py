"""``tradegame agents``: the built-in agents a seat can be given, with what each does."""

from __future__ import annotations

import argparse
import sys
import textwrap

from tradegame.errors import EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Print each registered agent's name and one-line description, and how to use one."""
    from tradegame.session.match import agent_descriptions, default_agent

    described = agent_descriptions()
    width = max((len(name) for name in described), default=0)
    default = default_agent()
    out = sys.stdout
    out.write("Built-in agents (give one to a seat: --seat PLAYER=AGENT):\n\n")
    for name, description in described.items():
        label = f"{name} (default)" if name == default else name
        lines = textwrap.wrap(description or "(no description)", width=max(40, 76 - width - 12))
        out.write(f"  {label:<{width + 10}}  {lines[0]}\n")
        for line in lines[1:]:
            out.write(f"  {'':<{width + 10}}  {line}\n")
    also = (
        "Also: human (a person at the keyboard), cmd:COMMAND (a bot in another process, "
        "any language) and module:Class or path.py:Class (Python code: trusted only); "
        "docs/bots-and-tournaments.md says how to write one."
    )
    out.write("\n" + "\n".join(textwrap.wrap(also, width=78)) + "\n")
    return EXIT_OK

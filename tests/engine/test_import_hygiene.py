"""The engine is pure (DESIGN §5) and knows no country by name (DESIGN §3.2).

Guards: an engine module importing the UI, YAML or pydantic (directly or through a helper),
and a bundled scenario's country or sector id creeping into engine code.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import tradegame.engine

ENGINE_DIR = Path(tradegame.engine.__file__).parent
HEAVY = ("textual", "yaml", "pydantic")


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout))


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_importing_the_engine_loads_no_ui_yaml_or_pydantic() -> None:
    loaded = _top(_modules_after("import tradegame.engine"))
    assert "tradegame" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_every_engine_module_is_pure_on_its_own() -> None:
    modules = sorted(p.stem for p in ENGINE_DIR.glob("*.py") if p.stem != "__init__")
    assert {"game", "actions", "legal", "economy", "scoring", "view", "rules"} <= set(modules)
    statement = "\n".join(f"import tradegame.engine.{m}" for m in modules)
    loaded = _top(_modules_after(statement))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_played_game_loads_nothing_heavy() -> None:
    """Lazy imports inside methods (views, scoring, legal actions) count too."""
    rules_code = (
        "import pickle, tradegame.engine as e\n"
        "from tradegame.engine import Game\n"
        "rules = pickle.loads(bytes.fromhex(sys.argv[1]))\n"
    )
    import pickle

    from tradegame.scenario import load_rules

    rules = load_rules(Path(__file__).with_name("small.yaml"))
    blob = pickle.dumps(rules).hex()
    code = (
        "import json, random, sys\n" + rules_code +
        "g = Game.new(rules, 1)\nrng = random.Random(1)\n"
        "while not g.is_over():\n"
        "    p = g.to_move(); g.what_if(p, []); g.view(p); str(g.view(None))\n"
        "    g.apply(g.legal_actions(p).sample(rng))\n"
        "g.scores(); g.batna(); g.state_hash()\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code, blob], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    loaded = _top(set(json.loads(proc.stdout)))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # Negative control: the check can see a heavy import when there is one.
    assert "yaml" in _top(_modules_after("import tradegame.engine, yaml"))


# Ids and names of the bundled scenarios' countries and sectors (DESIGN §2, §3.2).
FORBIDDEN_WORDS = ("Japan", "JP", "rice", "autos", "United States", "EU", "US", "CN", "China",
                   "Japanese", "European Union", "Diet", "Treasury", "Treasuries", "LNG",
                   "Section 232")


def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])")


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """Identifiers and string literals that are code, not docstrings (with line numbers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.append((node.lineno, node.name))
    return out


def test_engine_code_knows_no_country_or_sector() -> None:
    """No identifier or string literal in engine code names a bundled country or sector."""
    hits = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        for line, text in _code_strings(path):
            for word in FORBIDDEN_WORDS:
                if _word(word).search(text):
                    hits.append(f"{path.name}:{line}: {word!r} in {text!r}")
    assert not hits, "\n".join(hits)


def test_engine_files_do_not_mention_a_country_or_sector() -> None:
    """Not even docstrings and comments: examples use neutral ids (A, B, a-on-b), so nothing
    in the engine suggests that a bundled id is special."""
    hits = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for word in FORBIDDEN_WORDS:
                if _word(word).search(line):
                    hits.append(f"{path.name}:{n}: {word!r}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_word_check_would_catch_a_country() -> None:
    """Negative control for the check above (word boundaries, not substrings)."""
    pattern = _word("JP")
    assert pattern.search('if player == "JP":')
    assert not pattern.search("JPEG = 1")
    assert not pattern.search("self.jp_cap")  # different case: not the id
    assert _word("United States").search("the United States holds")
    # The code check sees string literals but not docstrings.
    code = [text for _, text in _code_strings(Path(__file__))]
    assert "JP" in code
    assert test_word_check_would_catch_a_country.__doc__ not in code

"""The engine is pure (DESIGN §5) and knows no country by name (DESIGN §3.2).

Guards: an engine module importing the UI, YAML or pydantic (directly or through a helper),
anything but the standard library and itself, an import cycle inside the engine (or an import
hidden in a function to break one), and a bundled scenario's country or sector id creeping
into engine code.
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
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout))


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_importing_the_engine_loads_no_ui_yaml_or_pydantic() -> None:
    loaded = _top(_modules_after("import tradegame.engine"))
    assert "tradegame" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_every_engine_module_is_pure_on_its_own() -> None:
    modules = sorted(_name(p) for p in ENGINE_DIR.rglob("*.py") if p.stem != "__init__")
    assert {
        "game",
        "actions",
        "legal",
        "economy",
        "scoring",
        "view",
        "rules",
        "phases.orders",
    } <= set(modules)
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
        "import json, random, sys\n"
        + rules_code
        + "g = Game.new(rules, 1)\nrng = random.Random(1)\n"
        "while not g.is_over():\n"
        "    p = g.to_move(); g.what_if(p, []); g.view(p); str(g.view(None))\n"
        "    g.apply(g.legal_actions(p).sample(rng))\n"
        "g.scores(); g.batna(); g.state_hash()\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, blob], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    loaded = _top(set(json.loads(proc.stdout)))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # Negative control: the check can see a heavy import when there is one.
    assert "yaml" in _top(_modules_after("import tradegame.engine, yaml"))


def _name(path: Path) -> str:
    """``phases/orders.py`` -> ``phases.orders`` (relative to the engine package)."""
    return ".".join(path.relative_to(ENGINE_DIR).with_suffix("").parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import statement in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{path.name}: a relative import"
            module = node.module
            for a in node.names:  # "from tradegame.engine import economy" names a module
                sub = f"{module}.{a.name}"
                out.append(
                    (
                        sub
                        if sub.startswith("tradegame.engine.")
                        and (ENGINE_DIR / _rel(sub)).with_suffix(".py").exists()
                        else module,
                        id(node) in top,
                    )
                )
    return out


def _rel(module: str) -> Path:
    return Path(*module.removeprefix("tradegame.engine.").split("."))


def _engine_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ENGINE_DIR.rglob("*.py"):
        if path.stem == "__init__":
            continue  # the package's re-exports import everything; nothing imports them
        graph[_name(path)] = {
            m.removeprefix("tradegame.engine.")
            for m, _ in _imports(path)
            if m.startswith("tradegame.engine.")
        }
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_engine_imports_only_the_standard_library_and_itself() -> None:
    foreign = [
        f"{_name(p)}: {m}"
        for p in sorted(ENGINE_DIR.rglob("*.py"))
        for m, _ in _imports(p)
        if m.split(".")[0] not in sys.stdlib_module_names
        and not m.startswith("tradegame.engine")
        and m != "__future__"
    ]
    assert not foreign, foreign


def test_no_import_cycle_inside_the_engine_and_none_hidden_in_a_function() -> None:
    hidden = [
        f"{_name(p)}: {m}"
        for p in sorted(ENGINE_DIR.rglob("*.py"))
        for m, top in _imports(p)
        if not top
    ]
    assert not hidden, f"imports inside functions or TYPE_CHECKING blocks: {hidden}"
    graph = _engine_graph()
    assert {"game", "machine", "state", "phases.orders"} <= set(graph)
    assert _cycle(graph) is None, _cycle(graph)
    # Negative control: the search finds a cycle when there is one.
    assert _cycle({**graph, "state": {*graph["state"], "game"}}) is not None


# Ids and names of the bundled scenarios' countries and sectors (DESIGN §2, §3.2).
FORBIDDEN_WORDS = (
    "Japan",
    "JP",
    "rice",
    "autos",
    "United States",
    "EU",
    "US",
    "CN",
    "China",
    "Japanese",
    "European Union",
    "Diet",
    "Treasury",
    "Treasuries",
    "LNG",
    "Section 232",
)


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
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
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
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        for line, text in _code_strings(path):
            for word in FORBIDDEN_WORDS:
                if _word(word).search(text):
                    hits.append(f"{path.name}:{line}: {word!r} in {text!r}")
    assert not hits, "\n".join(hits)


def test_engine_files_do_not_mention_a_country_or_sector() -> None:
    """Not even docstrings and comments: examples use neutral ids (A, B, a-on-b), so nothing
    in the engine suggests that a bundled id is special."""
    hits = []
    for path in sorted(ENGINE_DIR.rglob("*.py")):
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

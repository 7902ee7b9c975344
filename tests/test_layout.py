"""The layout the README's table describes: imports point one way (verify -> numerics -> theory, DESIGN.md), no import
circle among the project's modules, and every package exports the names the README's Python examples use."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "numerics", "verify")
#: what each layer may import from the project (DESIGN.md, "Layers")
ALLOWED = {"theory": {"theory"}, "numerics": {"theory", "numerics"}, "verify": {"theory", "numerics", "verify"}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Project modules imported by `path` (relative imports resolved); with top_level_only, only the imports run when
    the module is imported (not those inside functions, which are how a lazy import breaks a circle)."""
    tree = ast.parse(path.read_text())
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # `from package import submodule` imports the submodule
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path):
    layer = path.relative_to(ROOT).parts[0]
    wrong = {m for m in _imports(path, top_level_only=False) if m.split(".")[0] not in ALLOWED[layer]}
    assert not wrong, f"{layer} may import only {sorted(ALLOWED[layer])}, {path.name} imports {sorted(wrong)}"


def test_no_import_circle():
    """Module-level imports among the project's modules form no cycle (a package is its __init__)."""
    modules = {_module_name(p): p for p in _sources()}
    graph = {name: {m for m in _imports(path, top_level_only=True) if m in modules and m != name}
             for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_readme_python_examples_import_only_public_names():
    """The README's Python blocks import from the packages' __init__ only, and every name they import exists there."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.ImportFrom) and node.module.split(".")[0] in PACKAGES:
                assert node.module in PACKAGES, f"README imports from a submodule: from {node.module} import ..."
                package = importlib.import_module(node.module)
                for alias in node.names:
                    assert alias.name in package.__all__, f"{node.module} does not export {alias.name}"

"""Issue 11: the apps are layers — accounts and calendars at the bottom, then plans,
orders, support, billing, and insight (which shows what the others record) on top — and
no app imports one above it; orders' services have no
import circle (function-level imports count). The project modules that wire the apps
together (slaportal/urls.py, settings, demo, seeding, admin_base, health) may import
any app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {  # app package → the packages above it, which it must not import
    "slaportal/accounts": ("slaportal.plans", "orders", "support", "billing", "insight"),
    "slaportal/calendars": ("slaportal.plans", "orders", "support", "billing", "insight"),
    "slaportal/plans": ("orders", "support", "billing", "insight"),
    "orders": ("support", "billing", "insight"),
    "support": ("billing", "insight"),
    "billing": ("insight",),
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _sources(package: str):
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_no_app_imports_an_app_above_it(package):
    above = LAYERS[package]
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources(package)
        for line, module in _imports(path)
        if any(module == name or module.startswith(name + ".") for name in above)
    ]
    assert found == []


def test_orders_services_have_no_import_circle():
    base = ROOT / "orders" / "services"
    modules = {p.stem for p in base.glob("*.py")} - {"__init__"}
    graph = {}
    for name in modules:
        deps = set()
        for node in ast.walk(ast.parse((base / f"{name}.py").read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 and node.module in modules:
                    deps.add(node.module)
                elif node.level == 0 and (node.module or "").startswith("orders.services."):
                    deps.add(node.module.rsplit(".", 1)[1])
                elif (node.level == 1 and node.module is None) or (
                        node.level == 0 and node.module == "orders.services"):
                    deps.add("__init__")
        graph[name] = deps - {name}
    assert all("__init__" not in deps for deps in graph.values()), graph
    visiting, done = set(), set()

    def visit(name, trail):
        if name in done:
            return
        assert name not in visiting, " → ".join([*trail, name])
        visiting.add(name)
        for dep in graph.get(name, ()):
            visit(dep, [*trail, name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [])

import ast
from pathlib import Path

import billing

BILLING_DIR = Path(billing.__file__).parent


def _sources():
    return [p for p in BILLING_DIR.rglob("*.py") if "migrations" not in p.parts]


def test_no_float_in_billing_money_paths():
    """BIL-3/BIL-12: money is Decimal only — no float() call or float literal in billing."""
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                offenders.append(f"{path.name}:{node.lineno} float()")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno} float literal {node.value}")
    assert len(_sources()) > 10
    assert offenders == []


def test_the_scan_would_catch_a_float():
    """BIL-12: the scan above is not vacuous."""
    tree = ast.parse("amount = float(total) * 0.95")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func.id == "float"]
    literals = [n for n in ast.walk(tree) if isinstance(n, ast.Constant)
                and isinstance(n.value, float)]
    assert calls and literals

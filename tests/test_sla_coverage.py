import pytest

from scripts import sla_coverage


@pytest.mark.skipif(
    not sla_coverage.SPEC.exists(), reason="../shared/SPEC.md is not beside the repo"
)
def test_sla_coverage_document_is_up_to_date():
    """docs/sla-coverage.md maps every SPEC rule to the tests that cite it."""
    assert sla_coverage.OUTPUT.read_text(encoding="utf-8") == sla_coverage.render(), (
        "run: python scripts/sla_coverage.py"
    )


def test_rule_ids_are_found_in_names_and_docstrings(tmp_path):
    (tmp_path / "test_x.py").write_text(
        'def test_bil_9_cap():\n    """BIL-12 and ACC-1."""\n\ndef helper():\n    """SUP-1"""\n'
    )
    cited = sla_coverage.cited_rules(tmp_path)
    assert set(cited) == {"BIL-9", "BIL-12", "ACC-1"}

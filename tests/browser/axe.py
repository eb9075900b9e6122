"""axe-core in the browser tests (issue 16): the vendored script, served by the portal
itself (the CSP allows scripts from the portal only), run on the page as it is."""

AXE_URL = "/static/vendor/axe-core/axe.min.js"
BLOCKING = ("critical", "serious")


def axe_violations(page) -> list[str]:
    """The critical and serious violations on the current page, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: "
                           "['violations']})")
    assert result["testEngine"]["name"] == "axe-core" and result["url"].startswith("http")
    return [f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}: "
            f"{v['nodes'][0]['target']})"
            for v in result["violations"] if v["impact"] in BLOCKING]

"""Headless Chromium for the template tests: how it starts, and what it looks for on a page.

Every page a test opens is checked the same way: the Content-Security-Policy
violations the document reported (CSP_RECORDER, added before any page script),
and axe-core's serious and critical accessibility findings.
"""

from playwright.sync_api import Page

from tests.helpers import npm_package

FLAGS = [
    "--no-sandbox",  # the sandbox needs user namespaces that root and some CI runners lack
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Runs before any page script: keep each violation the document reports.
CSP_RECORDER = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));"""
AXE_CORE_VERSION = "4.11.0"
# The findings that stop or seriously hinder someone using the page; "minor" and
# "moderate" ones are advice.
AXE_BLOCKING = ("serious", "critical")


def csp_violations(page: Page, console: list[str]) -> list[str]:
    """What the page's policy blocked so far; `console` holds the page's console messages."""
    page.wait_for_timeout(300)  # violation events are queued and can follow "load"
    recorded: list[str] = page.evaluate("window.__csp || []")
    # Workers and frames report to the console only.
    return recorded or [text for text in console if "Content Security Policy" in text]


def accessibility_findings(page: Page, upstream: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, less the `upstream` rules'."""
    # Evaluated through the DevTools protocol, so the page's policy does not apply to it.
    page.evaluate((npm_package("axe-core", AXE_CORE_VERSION) / "axe.min.js").read_text())
    results = page.evaluate(
        """(upstream) => axe.run(document, {
          resultTypes: ["violations"],
          rules: Object.fromEntries(upstream.map((rule) => [rule, {enabled: false}])),
        })""",
        list(upstream),
    )
    return [
        f"{finding['id']} ({finding['impact']}): {', '.join(str(node['target']) for node in finding['nodes'])}"
        for finding in results["violations"]
        if finding["impact"] in AXE_BLOCKING
    ]

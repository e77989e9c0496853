"""Headless Chromium loads every kind of page of a production bake: zero CSP violations.

gunicorn serves the bake with production settings (DEBUG off, collected static
files, behind an HTTPS proxy as far as Django can tell). Chromium, driven by
Playwright, records every `securitypolicyviolation` event and every console
message about the Content-Security-Policy, on each page as anyone and as a
signed-in administrator. One page per test.
"""

import contextlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.helpers import free_port, manage, production_env, serving, sync_environment
from tests.options import Combo, combo_id, defaults

# The policy differs with DRF (its docs pages need more); the example app adds pages.
COMBOS = [defaults(), {**defaults(), "use_drf": "n"}]
PASSWORD = secrets.token_urlsafe(16)
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the sandbox needs user namespaces that root and some CI runners lack
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Runs before any page script: keep each violation the document reports.
RECORD = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));"""
# Pages that draw themselves after "load": a policy that breaks them shows here too.
RENDERED = {"/api/docs/": ".swagger-ui .opblock", "/api/redoc/": ".api-content h2"}


def pages(combo: dict[str, str]) -> list[tuple[str, bool]]:
    """(path, signed in) for every kind of page this combination has."""
    anonymous = ["/", "/admin/login/"]
    signed_in = ["/admin/", "/admin/users/user/1/change/"]
    if combo["example_app"] == "y":
        anonymous += ["/books/", "/books/1/"]
        signed_in += ["/admin/library/book/add/", "/admin/library/book/1/change/"]
    if combo["use_drf"] == "y":
        anonymous += ["/api/", "/api/docs/", "/api/redoc/", "/api/auth/login/"]
        signed_in += ["/api/"] + (["/api/books/"] if combo["example_app"] == "y" else [])
    return [(path, False) for path in anonymous] + [(path, True) for path in signed_in]


PARAMS = [
    pytest.param(combo, path, signed_in, id=f"{'admin' if signed_in else 'anyone'}{path}-{combo_id(combo)}")
    for combo in COMBOS
    for path, signed_in in pages(combo)
]


@pytest.fixture(scope="module")
def chromium(browser: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=browser, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def sites(baked, envs_dir, tmp_path_factory) -> Iterator[Callable[[Combo], str]]:
    """The URL of a combination's bake, served in production mode (started on first use)."""
    started: dict[str, str] = {}
    with contextlib.ExitStack() as servers:

        def site(combo: Combo) -> str:
            key = combo_id(combo)
            if key not in started:
                data = tmp_path_factory.mktemp(f"browser-{key}")
                started[key] = serve(servers, baked("browser", combo), combo, envs_dir, data)
            return started[key]

        yield site


def serve(servers: contextlib.ExitStack, project: Path, combo: Combo, envs_dir: Path, data: Path) -> str:
    """Set up the bake as a deployment would, start gunicorn, return its URL."""
    venv = sync_environment(project, combo["python_version"], envs_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        venv,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # The browser posts the login form from http://; Django sees https:// (the proxy header).
        DJANGO_CSRF_TRUSTED_ORIGINS=base,
        DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    commands = [["migrate"], ["collectstatic", "--noinput"]]
    commands.append(["createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"])
    if combo["example_app"] == "y":
        commands.append(["load_sample_books"])
    for command in commands:
        manage(venv, project, env, *command)
    gunicorn = [str(venv / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    servers.enter_context(serving(gunicorn, project, env, base))
    return base


def violations(chromium: Browser, base: str, path: str, signed_in: bool) -> list[str]:
    context: BrowserContext = chromium.new_context(base_url=base, extra_http_headers={"X-Forwarded-Proto": "https"})
    try:
        context.add_init_script(RECORD)
        if signed_in:
            login = context.new_page()
            login.goto("/admin/login/")
            login.fill("#id_username", "admin")
            login.fill("#id_password", PASSWORD)
            login.click("input[type=submit]")
            login.wait_for_url("**/admin/")
            login.close()
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        response = page.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        if path in RENDERED:
            page.wait_for_selector(RENDERED[path], timeout=15_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # violation events are queued and can follow "load"
        recorded: list[str] = page.evaluate("window.__csp")
        # Workers and frames report to the console only.
        return recorded or [text for text in console if "Content Security Policy" in text]
    finally:
        context.close()


@pytest.mark.parametrize(("combo", "path", "signed_in"), PARAMS)
def test_page_loads_with_no_csp_violation(chromium, sites, combo, path, signed_in):
    assert violations(chromium, sites(combo), path, signed_in) == []

"""Headless Chromium loads every kind of page of a production bake: no CSP violation, no serious a11y finding.

gunicorn serves the bake with production settings (DEBUG off, collected static
files, behind an HTTPS proxy as far as Django can tell). Chromium, driven by
Playwright, records every `securitypolicyviolation` event and every console
message about the Content-Security-Policy, on each page as anyone and as a
signed-in administrator; axe-core looks at the same pages for serious and
critical accessibility findings (tests/chromium.py). One page and one check
per test.
"""

import contextlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.chromium import CSP_RECORDER, accessibility_findings, csp_violations
from tests.helpers import free_port, manage, production_env, serving, sync_environment
from tests.options import Combo, combo_id, defaults

# The policy differs with DRF (its docs pages need more); the example app adds pages.
COMBOS = [defaults(), {**defaults(), "use_drf": "n"}]
PASSWORD = secrets.token_urlsafe(16)
# Pages that draw themselves after "load": a policy that breaks them shows here too.
RENDERED = {"/api/docs/": ".swagger-ui .opblock", "/api/redoc/": ".api-content h2"}
# The axe-core rules a page fails for what another project draws into it, listed:
# Swagger UI's operations have its own colours and put buttons in buttons.
UPSTREAM = {"/api/docs/": ("color-contrast", "nested-interactive")}


def pages(combo: dict[str, str]) -> list[tuple[str, bool]]:
    """(path, signed in) for every kind of page this combination has."""
    anonymous = ["/", "/admin/login/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    signed_in = ["/admin/", "/admin/users/user/1/change/", "/accounts/email/", "/accounts/password/change/"]
    if combo["example_app"] == "y":
        anonymous += ["/books/", "/books/1/"]
        signed_in += ["/books/add/", "/books/1/edit/", "/books/1/delete/"]
        signed_in += ["/admin/library/book/add/", "/admin/library/book/1/change/"]
    if combo["use_drf"] == "y":
        anonymous += ["/api/", "/api/docs/", "/api/redoc/"]
        signed_in += ["/api/"] + (["/api/books/"] if combo["example_app"] == "y" else [])
    return [(path, False) for path in anonymous] + [(path, True) for path in signed_in]


PARAMS = [
    pytest.param(combo, path, signed_in, id=f"{'admin' if signed_in else 'anyone'}{path}-{combo_id(combo)}")
    for combo in COMBOS
    for path, signed_in in pages(combo)
]

# The admin's pages are Django's own templates, not the project's.
OUR_PAGES = [param for param in PARAMS if not param.values[1].startswith("/admin/")]


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


@contextlib.contextmanager
def opened(chromium: Browser, base: str, path: str, signed_in: bool) -> Iterator[tuple[Page, list[str]]]:
    """The page at `path`, loaded and drawn, and its console messages so far."""
    context: BrowserContext = chromium.new_context(base_url=base, extra_http_headers={"X-Forwarded-Proto": "https"})
    try:
        context.add_init_script(CSP_RECORDER)
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
        yield page, console
    finally:
        context.close()


@pytest.mark.parametrize(("combo", "path", "signed_in"), PARAMS)
def test_page_loads_with_no_csp_violation(chromium, sites, combo, path, signed_in):
    with opened(chromium, sites(combo), path, signed_in) as (page, console):
        assert csp_violations(page, console) == []


@pytest.mark.parametrize(("combo", "path", "signed_in"), OUR_PAGES)
def test_page_has_no_serious_accessibility_finding(chromium, sites, combo, path, signed_in):
    with opened(chromium, sites(combo), path, signed_in) as (page, _):
        assert accessibility_findings(page, upstream=UPSTREAM.get(path, ())) == []

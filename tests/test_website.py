"""The website, used in headless Chromium as a person uses it, on a default bake served as deployed.

gunicorn (several workers, production settings, PostgreSQL) serves the bake,
and a local SMTP server keeps the email it sends (tests/served.py). Chromium,
driven by Playwright:

- signs up, follows the link of the verification email, logs in, adds a book,
  edits it, deletes it and logs out; no page on the way has a
  Content-Security-Policy violation or a serious or critical axe-core finding;
- searches and pages through the books with JavaScript on (htmx puts the list
  in place: the page is never reloaded) and off (the form loads a whole page);
- saves screenshots of the main pages at a phone's and a desktop's width, in
  $TEMPLATE_TEST_OUTPUT or the test run's folder (its path is in the report).

Lockout is proven across processes: two gunicorn servers (replicas, each with
several workers) share one database; wrong passwords spread over both lock the
account on either, even with the right password, on the site's login, the
admin's and the API's.
"""

import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.chromium import CSP_RECORDER, accessibility_findings, csp_violations
from tests.helpers import Browsing, fetch, free_port, serving
from tests.served import Served, gunicorn, served_bake

PASSWORD = "a-long-test-password-42"
WRONG = "not-the-password"
# The widths the screenshots are taken at: a phone's and a desktop's.
WIDTHS = (375, 1280)
# Books enough for two pages of the list (20 a page), all found by one word.
PAGED_BOOKS = 25
PAGED_WORD = "Pagination"


@pytest.fixture(scope="module")
def site(synced_defaults) -> Iterator[Served]:
    """The default bake served with its own limits (5 wrong passwords), and books for two pages."""
    with served_bake(*synced_defaults("website")) as served:
        served.manage_shell(
            "from library.models import Book; "
            f"Book.objects.bulk_create(Book(title=f'{PAGED_WORD} {{n:02}}', author='Paging Author', "
            f"isbn=f'97800000{{n:05}}') for n in range({PAGED_BOOKS}))"
        )
        yield served


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("TEMPLATE_TEST_OUTPUT") or tmp_path_factory.getbasetemp()) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """A browser context on the site that checks every page it lands on (CSP and axe-core)."""

    def __init__(self, context: BrowserContext, javascript: bool) -> None:
        self.context = context
        # Both checks run in the page, which needs its scripts on.
        self.checking = javascript
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.findings: dict[str, list[str]] = {}

    def check(self) -> None:
        """Look at the page as it is now; keep what is wrong with it under its path."""
        if not self.checking:
            return
        path = urllib.parse.urlsplit(self.page.url).path
        found = csp_violations(self.page, self.console) + accessibility_findings(self.page)
        self.console.clear()
        if found:
            self.findings.setdefault(path, []).extend(found)

    def go(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        self.check()

    def submit(self, button: str) -> None:
        """Press a submit button, wait for the page it leads to, and check that page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.check()


@contextmanager
def visiting(chromium: Browser, site: Served, *, javascript: bool = True) -> Iterator[Visit]:
    # The browser speaks http://; Django, told by the proxy header, sees https:// as deployed.
    context = chromium.new_context(
        base_url=site.url, extra_http_headers={"X-Forwarded-Proto": "https"}, java_script_enabled=javascript
    )
    context.add_init_script(CSP_RECORDER)
    try:
        yield Visit(context, javascript)
    finally:
        context.close()


def shoot(page: Page, folder: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)


def test_a_visitor_signs_up_and_looks_after_a_book(chromium, site, screenshots, record_property):
    record_property("screenshots of the website (375 and 1280 px wide)", str(screenshots))
    with visiting(chromium, site) as visit:
        page = visit.page
        visit.go("/")
        shoot(page, screenshots, "home")
        page.get_by_role("link", name="Sign up").click()
        visit.check()
        page.fill("#id_email", "reader@example.com")
        page.fill("#id_username", "reader")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        shoot(page, screenshots, "sign-up")
        visit.submit("Sign Up")
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

        # The link the email carries; its host is the site's as Django saw it.
        [link] = site.mail.links_to("reader@example.com", "/accounts/confirm-email/")
        visit.go(urllib.parse.urlsplit(link).path)
        visit.submit("Confirm")
        expect(page.get_by_role("status")).to_contain_text("You have confirmed reader@example.com")

        page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in").click()
        visit.check()
        shoot(page, screenshots, "log-in")
        page.fill("#id_login", "reader")
        page.fill("#id_password", PASSWORD)
        visit.submit("Sign In")
        expect(page.get_by_role("navigation", name="Site")).to_contain_text("reader")

        visit.go("/books/")
        shoot(page, screenshots, "books")
        page.get_by_role("link", name="Add a book").click()
        visit.check()
        page.get_by_label("Title").fill("A Book of One's Own")
        page.get_by_label("Author").fill("Reader")
        page.get_by_label("ISBN").fill("9780306406157")
        page.get_by_label("Published on").fill("2026-11-30")
        shoot(page, screenshots, "book-form")
        visit.submit("Add the book")
        expect(page.get_by_role("status")).to_have_text("Added “A Book of One's Own”.")
        shoot(page, screenshots, "book")

        page.get_by_role("link", name="Edit").click()
        visit.check()
        page.get_by_label("Title").fill("A Book of One's Own, Revised")
        visit.submit("Save")
        expect(page.get_by_role("heading", level=1)).to_have_text("A Book of One's Own, Revised")
        expect(page.get_by_role("status")).to_have_text("Saved “A Book of One's Own, Revised”.")

        page.get_by_role("link", name="Delete").click()
        visit.check()
        visit.submit("Delete")
        expect(page.get_by_role("status")).to_have_text("Deleted “A Book of One's Own, Revised”.")
        assert site.book_count("Revised") == 0

        visit.submit("Log out")
        expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in")).to_be_visible()

    assert visit.findings == {}, "pages with CSP violations or serious accessibility findings"


def test_search_and_pages_update_the_list_in_place_with_javascript(chromium, site):
    with visiting(chromium, site) as visit:
        page = visit.page
        visit.go("/books/")
        # A mark on the window: a page load would wipe it.
        page.evaluate("window.__same_page = true")
        page.get_by_label("Search titles, authors and ISBNs").fill(PAGED_WORD)
        # The found books' list, in place of the whole one, and its address in the history.
        expect(page).to_have_url(re.compile(rf"\?q={PAGED_WORD}$"))
        expect(page.locator("#results li").first).to_contain_text(PAGED_WORD)
        page.get_by_role("navigation", name="Pages of books").get_by_role("link", name="Next").click()
        expect(page).to_have_url(re.compile(r"&page=2$"))
        expect(page.locator("#results")).to_contain_text("Page 2 of 2")
        visit.check()

        assert page.evaluate("window.__same_page === true"), "the list was not updated in place"
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == {"q": [PAGED_WORD], "page": ["2"]}
        assert page.locator("#results li").count() == PAGED_BOOKS - 20
    assert visit.findings == {}


def test_search_and_pages_work_with_javascript_off(chromium, site):
    with visiting(chromium, site, javascript=False) as visit:
        page = visit.page
        visit.go("/books/")
        page.get_by_label("Search titles, authors and ISBNs").fill(PAGED_WORD)
        visit.submit("Search")
        expect(page.locator("#results")).to_contain_text("Page 1 of 2")
        with page.expect_navigation():
            page.get_by_role("link", name="Next").click()

        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == {"q": [PAGED_WORD], "page": ["2"]}
        assert page.locator("#results li").count() == PAGED_BOOKS - 20


# Lockout, across processes: each login path with its own account.


@contextmanager
def replica(site: Served) -> Iterator[str]:
    """A second server of the same bake on the same database, as another replica would be: its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(gunicorn(site.venv, port), site.project, site.env, url):
        yield url


class Unfollowed(urllib.request.HTTPRedirectHandler):
    """Redirects are answers here: a login by form that works is a 302."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def form_login(url: str, form: dict[str, str]) -> int:
    """Post a login form as a browser does, its CSRF token from the form's page; the status."""
    client = Browsing()
    status, page = client.fetch(url)
    assert status == 200, page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    # The cookies are Secure, as deployed: sent back by hand over plain HTTP.
    headers = {"Cookie": client.cookie_header()}
    opener = urllib.request.build_opener(Unfollowed)
    status, _ = fetch(url, {"csrfmiddlewaretoken": token[1], **form}, headers, opener=opener)
    return status


def site_login(url: str, username: str, password: str) -> int:
    return form_login(f"{url}/accounts/login/", {"login": username, "password": password})


def admin_login(url: str, username: str, password: str) -> int:
    return form_login(f"{url}/admin/login/", {"username": username, "password": password})


def api_login(url: str, username: str, password: str) -> int:
    return fetch(f"{url}/api/auth/login/", json_body={"username": username, "password": password})[0]


LOGINS = {"site": site_login, "admin": admin_login, "api": api_login}
# What each answers: logged in (a redirect after a form), and a wrong password
# (the form again, with its error; the API's 400).
LOGGED_IN = {"site": 302, "admin": 302, "api": 200}
WRONG_PASSWORD = {"site": 200, "admin": 200, "api": 400}


@pytest.mark.parametrize("path", list(LOGINS))
def test_wrong_passwords_on_two_replicas_lock_the_account_on_both(site, path):
    login = LOGINS[path]
    username = f"locked-{path}"
    site.create_user(username, PASSWORD, is_staff=True)
    with replica(site) as other:
        servers = [site.url, other]
        answers = [login(servers[0], username, PASSWORD)]
        # The limit (AXES_FAILURE_LIMIT, 5), spread over both replicas; the fifth locks.
        answers += [login(servers[attempt % 2], username, WRONG) for attempt in range(5)]
        answers += [login(server, username, PASSWORD) for server in servers]

    # Logged in; four wrong passwords; the fifth locks; the right one is refused by both.
    assert answers == [LOGGED_IN[path], *[WRONG_PASSWORD[path]] * 4, 429, 429, 429]


def test_the_api_lockout_answer_is_json_in_the_error_format(site):
    site.create_user("locked-json", PASSWORD)
    for _ in range(5):
        api_login(site.url, "locked-json", WRONG)
    status, body = fetch(f"{site.url}/api/auth/login/", json_body={"username": "locked-json", "password": PASSWORD})

    assert (status, json.loads(body)["errors"][0]["code"]) == (429, "throttled")

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_root_links_to_each_endpoint(api_client):
    response = api_client.get(reverse("api-root"))

    assert response.status_code == 200
    expected = {
{%- if cookiecutter.example_app is yes %}
        "books",
{%- endif %}
{%- if cookiecutter.example_app is yes and cookiecutter.background_tasks != "none" %}
        "books_import",
{%- endif %}
        "me",
        "login",
        "logout",
{%- if cookiecutter.api_auth == "jwt" %}
        "token_refresh",
{%- endif %}
        "register",
        "password_reset",
        "schema",
        "docs",
        "redoc",
    }
    assert set(response.json()) == expected
    assert response.json()["me"] == "http://testserver/api/users/me/"


def test_browsable_api_renders_html_with_a_link_to_the_sites_login(api_client):
    response = api_client.get(reverse("api-root"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert f'href="{reverse("account_login")}?next=/api/"' in response.content.decode()

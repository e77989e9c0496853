"""Every answer says what browsers may do with it: OWASP's secure headers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_deny_the_browser_features_they_do_not_use(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]

    assert {"camera=()", "geolocation=()", "microphone=()", "payment=()"} <= set(policy.split(", "))


def test_pages_may_not_be_embedded_by_other_sites(client):
    assert client.get(reverse("home"))["Cross-Origin-Resource-Policy"] == "same-origin"


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page/")

    assert (response.status_code, response["Cross-Origin-Resource-Policy"]) == (404, "same-origin")
{%- if cookiecutter.use_drf is yes %}


def test_a_front_end_on_another_origin_may_still_call_the_api(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    response = client.get(reverse("api-root"), headers={"Origin": "https://app.example.com"})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
{%- endif %}

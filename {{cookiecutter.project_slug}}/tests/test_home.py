import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_links_to_each_part_of_the_site(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    for name in [{% if cookiecutter.example_app is yes %}"library:book-list", {% endif %}{% if cookiecutter.use_drf is yes %}"api-root", "api-docs", {% endif %}"admin:index"]:
        assert f'href="{reverse(name)}"' in response.text


def test_stylesheet_is_served(client):
    response = client.get(reverse("home"))

    assert 'href="/static/css/site.css"' in response.text


def test_pages_carry_a_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy

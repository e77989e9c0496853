import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from api.tests.conftest import NOT_AUTHENTICATED

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(api_client):
    response = api_client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/users/me/" in schema["paths"]
{%- if cookiecutter.example_app == "y" %}
    assert "/api/books/" in schema["paths"]
{%- endif %}


def test_schema_documents_the_errors_each_operation_can_give(api_client):
    paths = api_client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]

    def statuses(path: str, method: str) -> set[str]:
        return {status for status in paths[path][method]["responses"] if not status.startswith("2")}

    assert statuses("/api/users/me/", "patch") == {"400", str(NOT_AUTHENTICATED), "403", "413", "415", "429"}
    assert statuses("/api/users/me/", "get") == {str(NOT_AUTHENTICATED), "429"}
    assert statuses("/api/", "get") >= {"429"}
    assert "400" not in statuses("/api/", "get")
{%- if cookiecutter.example_app == "y" %}
    assert statuses("/api/books/", "get") >= {"400", "404", "429"}
    assert statuses("/api/books/{id}/", "delete") >= {"403", "404"}
    assert "400" not in statuses("/api/books/{id}/", "delete")
{%- endif %}
    error = api_client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any endpoint drf-spectacular cannot describe into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


@pytest.mark.parametrize(
    ("url_name", "asset"),
    [
        ("api-docs", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("api-redoc", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ],
)
def test_docs_pages_use_assets_served_by_this_site(api_client, url_name, asset):
    response = api_client.get(reverse(url_name))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"/static/{asset}" in page
    assert not re.search(r"""(?:src|href)=["']https?://""", page), "the page loads files from another site"
    assert not re.search(r"jsdelivr|unpkg|cdnjs", page), "the page names a CDN"
    assert finders.find(asset), f"{asset} is not among the static files"


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_docs_pages_inline_blocks_carry_the_policys_nonce(api_client, url_name):
    response = api_client.get(reverse(url_name))

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, "the policy names this response's nonce"
    page = response.content.decode()
    inline_blocks = re.findall(r"<(?:script|style)(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline_blocks
    assert all(f'nonce="{nonce.group(1)}"' in attributes for attributes in inline_blocks)


def test_swagger_ui_start_up_script_is_a_file_of_this_site(api_client):
    response = api_client.get(reverse("api-docs"), {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")

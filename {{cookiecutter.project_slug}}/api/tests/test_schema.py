import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from api.schema import empty_query_values_allowed
from api.tests.conftest import NOT_AUTHENTICATED

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(api_client):
    response = api_client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/users/me/" in schema["paths"]
{%- if cookiecutter.example_app is yes %}
    assert "/api/books/" in schema["paths"]
{%- endif %}


def operations(api_client) -> dict[tuple[str, str], set[str]]:
    """(path, method) -> the error statuses the schema documents for it."""
    paths = api_client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    return {
        (path, method): {status for status in operation["responses"] if not status.startswith("2")}
        for path, methods in paths.items()
        for method, operation in methods.items()
    }


def test_schema_documents_the_errors_each_operation_can_give(api_client):
    errors = operations(api_client)

    assert errors["/api/users/me/", "patch"] >= {"400", str(NOT_AUTHENTICATED), "403", "413", "415", "429"}
    assert errors["/api/users/me/", "get"] >= {str(NOT_AUTHENTICATED), "429"}
    assert errors["/api/", "get"] >= {"429", "500"}
{%- if cookiecutter.example_app is yes %}
    assert errors["/api/books/", "get"] >= {"400", "404", "429"}
    assert errors["/api/books/{id}/", "delete"] >= {"403", "404"}
{%- endif %}


def test_only_operations_with_a_body_can_answer_413(api_client):
    with_413 = {operation for operation, statuses in operations(api_client).items() if "413" in statuses}

    assert with_413 == {operation for operation in operations(api_client) if operation[1] in ("put", "patch", "post")}


def test_error_bodies_are_documented_with_their_codes(api_client):
    schemas = api_client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]

    assert schemas["Error413CodeEnum"]["enum"] == ["request_too_large"]
    assert schemas["Error403CodeEnum"]["enum"] == ["permission_denied", "not_authenticated"]
    assert "description" not in schemas["ErrorResponse403"], "no docstring of this project's code shows in the schema"


def test_query_parameters_may_be_empty():
    """An empty value (`?search=`) filters by nothing, as DRF and django-filter read it."""
    schema = {"paths": {"/a/": {"get": {"parameters": [{"name": "q", "in": "query"}, {"name": "id", "in": "path"}]}}}}

    marked = empty_query_values_allowed(schema)

    assert marked["paths"]["/a/"]["get"]["parameters"] == [
        {"name": "q", "in": "query", "allowEmptyValue": True},
        {"name": "id", "in": "path"},
    ]
{%- if cookiecutter.example_app is yes %}


def test_the_schemas_query_parameters_may_be_empty(api_client):
    paths = api_client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    parameters = [parameter for parameter in paths["/api/books/"]["get"]["parameters"] if parameter["in"] == "query"]

    assert parameters
    assert all(parameter["allowEmptyValue"] for parameter in parameters)
{%- endif %}


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

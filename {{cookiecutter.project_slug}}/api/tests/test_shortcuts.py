"""The API's shortcuts give what DRF's own classes give, only sooner.

Links are reversed once per list, fields built once per serializer class and
time zones found once (api/serializers.py), and django-filter is skipped when
a request names no filter (api/filters.py). The routes here are
this module's own (pytest's `urls` mark), so each kind of route is tried.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.filters import DjangoFilterBackend
from api.serializers import HyperlinkedIdentityField, ModelSerializer
from users.models import User


def page(request: HttpRequest, pk: str) -> HttpResponse:
    return HttpResponse(pk)


urlpatterns = [
    path("numbered/<int:pk>/", page, name="numbered"),
    re_path(r"^any/(?P<pk>[^/.]+)/$", page, name="any"),
    re_path(r"^short/(?P<pk>[0-9]{1,3})/$", page, name="short"),
]

pytestmark = pytest.mark.urls(__name__)


def links(view_name: str, objects: list[object]) -> list[str | None]:
    class LinkSerializer(serializers.Serializer[object]):
        url = HyperlinkedIdentityField(view_name=view_name)

    request = Request(APIRequestFactory().get("/"))
    return [row["url"] for row in LinkSerializer(objects, many=True, context={"request": request}).data]


def drf_link(view_name: str, key: object) -> str:
    request = Request(APIRequestFactory().get("/"))
    return reverse(view_name, kwargs={"pk": key}, request=request)


@pytest.mark.parametrize("view_name", ["numbered", "any", "short"])
def test_links_are_the_ones_drf_reverses(view_name):
    objects = [{"pk": 7}, SimpleNamespace(pk=12), {"pk": 345}]

    assert links(view_name, objects) == [drf_link(view_name, key) for key in (7, 12, 345)]


def test_a_link_leads_to_its_page(client):
    assert client.get(links("numbered", [{"pk": 7}])[0]).content == b"7"


def test_keys_that_are_not_numbers_are_reversed_one_by_one():
    assert links("any", [{"pk": "abc"}, {"pk": -4}]) == [drf_link("any", "abc"), drf_link("any", -4)]


def test_an_unsaved_object_has_no_link():
    assert links("numbered", [SimpleNamespace(pk=None)]) == [None]


class UserFilterView(APIView):
    filterset_fields = ["username"]


def filtered(query: dict[str, str], view: APIView) -> list[str]:
    request = Request(APIRequestFactory().get("/", query))
    queryset = DjangoFilterBackend().filter_queryset(request, User.objects.order_by("username"), view)
    return list(queryset.values_list("username", flat=True))


@pytest.mark.django_db
def test_filters_apply_only_when_named():
    User.objects.create_user("ada")
    User.objects.create_user("grace")

    assert filtered({}, UserFilterView()) == ["ada", "grace"]
    assert filtered({"page": "1"}, UserFilterView()) == ["ada", "grace"]
    assert filtered({"username": "grace"}, UserFilterView()) == ["grace"]
    assert filtered({"username": "grace"}, APIView()) == ["ada", "grace"]


class UserNames(ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["username", "date_joined"]


def test_fields_built_once_are_still_each_serializers_own():
    first, second = UserNames(), UserNames()

    assert list(first.fields) == list(second.fields) == ["username", "date_joined"]
    assert first.fields["username"] is not second.fields["username"]
    assert first.fields["username"].parent is first
    assert second.fields["username"].parent is second


def test_date_times_are_written_as_drf_writes_them():
    joined = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)

    ours = UserNames().fields["date_joined"].to_representation(joined)

    assert ours == serializers.DateTimeField().to_representation(joined)

"""The API's serializer bases, and the one of dj-rest-auth's the project changes.

A serializer of the API subclasses one of the bases as it would DRF's; its
fields then take only the JSON the schema names (api/fields.py).
"""

from typing import Any

from allauth.account.utils import user_pk_to_url_str
from dj_rest_auth import serializers as account_serializers
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from rest_framework import serializers

from api.fields import PrimaryKeyRelatedField, strict
from users.models import User


class ModelSerializer[M: models.Model](serializers.ModelSerializer[M]):
    serializer_field_mapping = strict(serializers.ModelSerializer.serializer_field_mapping)
    serializer_related_field = PrimaryKeyRelatedField


class HyperlinkedModelSerializer[M: models.Model](serializers.HyperlinkedModelSerializer[M]):
    serializer_field_mapping = strict(serializers.HyperlinkedModelSerializer.serializer_field_mapping)


def reset_page_url(request: HttpRequest, user: User, key: str) -> str:
    """The site's page that sets a new password (allauth's), for the link in the email."""
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return request.build_absolute_uri(path)


class PasswordResetSerializer(account_serializers.PasswordResetSerializer):
    """dj-rest-auth's, whose email links to the site's own page for a new password."""

    def get_email_options(self) -> dict[str, Any]:
        return {"url_generator": reset_page_url}

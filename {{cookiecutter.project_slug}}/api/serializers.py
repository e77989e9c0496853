"""The API's serializer bases: DRF's own, with the fields of api/fields.py in place of DRF's.

A serializer of the API subclasses one of these as it would DRF's; its
fields then take only the JSON the schema names.
"""

from django.db import models
from rest_framework import serializers

from api.fields import PrimaryKeyRelatedField, strict


class ModelSerializer[M: models.Model](serializers.ModelSerializer[M]):
    serializer_field_mapping = strict(serializers.ModelSerializer.serializer_field_mapping)
    serializer_related_field = PrimaryKeyRelatedField


class HyperlinkedModelSerializer[M: models.Model](serializers.HyperlinkedModelSerializer[M]):
    serializer_field_mapping = strict(serializers.HyperlinkedModelSerializer.serializer_field_mapping)

from rest_framework import generics, permissions
from rest_framework.exceptions import NotAuthenticated

from api.serializers import ModelSerializer
from users.models import User


class UserSerializer(ModelSerializer[User]):
    """What a user may see and change about their own account."""

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "date_joined"]
        read_only_fields = ["id", "username", "date_joined"]


class MeView(generics.RetrieveUpdateAPIView[User]):
    """The account of whoever sends the request."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self) -> User:
        # request.user is an AnonymousUser until someone signs in; the
        # permission above turns those away first, and this makes sure of it.
        user = self.request.user
        if not isinstance(user, User):
            raise NotAuthenticated
        return user

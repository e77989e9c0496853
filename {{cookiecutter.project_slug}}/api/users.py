from rest_framework import generics, permissions, serializers

from users.models import User


class UserSerializer(serializers.ModelSerializer):
    """What a user may see and change about their own account."""

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "date_joined"]
        read_only_fields = ["id", "username", "date_joined"]


class MeView(generics.RetrieveUpdateAPIView):
    """The account of whoever sends the request."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self) -> User:
        return self.request.user

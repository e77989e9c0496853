"""The REST API, built with Django REST Framework on top of the Django apps."""

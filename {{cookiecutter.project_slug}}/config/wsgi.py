"""WSGI entry point, used by gunicorn: `gunicorn config.wsgi`.

https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from config import telemetry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Before the handler is built, so its requests are traced (when traces are on).
telemetry.instrument()
application = get_wsgi_application()

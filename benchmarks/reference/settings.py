"""The project's settings, with one more route: the reference view (see urls.py)."""

from config.settings import *  # noqa: F403 - the baked project's settings, unchanged

ROOT_URLCONF = "benchmark_reference.urls"

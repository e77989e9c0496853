"""Test infrastructure: a Docker engine and stand-in images, the machine's own settings, locks."""

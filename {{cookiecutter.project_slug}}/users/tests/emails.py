"""What the tests read in the emails the project sends (Django's outbox)."""

import re

from django.core import mail


def link_in_the_last_email() -> str:
    match = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0)

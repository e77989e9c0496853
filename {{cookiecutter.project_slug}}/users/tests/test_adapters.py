from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from users import tasks

pytestmark = pytest.mark.django_db


class Queue:
    """The email task, as the adapter sees it: what it queues is noted, then queued."""

    def __init__(self) -> None:
        self.queued: list[tuple[Any, ...]] = []

    def {% if cookiecutter.background_tasks == "celery" %}delay{% else %}enqueue{% endif %}(self, *arguments: Any) -> None:
        self.queued.append(arguments)
        tasks.send_email.{% if cookiecutter.background_tasks == "celery" %}delay{% else %}enqueue{% endif %}(*arguments)


def test_account_emails_go_through_a_background_task(client, user, monkeypatch):
    queue = Queue()
    monkeypatch.setattr("users.adapters.send_email", queue)

    client.post(reverse("account_reset_password"), {"email": user.email})

    assert [arguments[3] for arguments in queue.queued] == [[user.email]]
    assert mail.outbox[-1].to == [user.email], "and the task sent it (at once, in tests)"


def test_the_task_sends_the_html_version_too():
    send = tasks.send_email{% if cookiecutter.background_tasks != "celery" %}.call{% endif %}

    send("Hello", "Hello in text", "site@example.com", ["ada@example.com"], "<p>Hello</p>")
    send("Plain", "Only text", "site@example.com", ["ada@example.com"])

    html, plain = mail.outbox
    assert isinstance(html, EmailMultiAlternatives)
    assert isinstance(plain, EmailMultiAlternatives)
    assert [content for content, _ in html.alternatives] == ["<p>Hello</p>"]
    assert plain.alternatives == []

"""How the accounts (django-allauth) send their emails: from a background task, not in the request."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from users.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """As allauth's, but queued: a sign-up or a password reset never waits for the mail server.

        https://docs.allauth.org/en/latest/account/advanced.html#sending-email
        """
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None
        )
        send_email.{% if cookiecutter.background_tasks == "celery" %}delay{% else %}enqueue{% endif %}(message.subject, message.body, message.from_email, message.to, html)

{%- if cookiecutter.background_tasks == "celery" -%}
"""The users' background tasks, run by a Celery worker (at once, without a broker)."""
{%- else -%}
"""The users' background tasks: Django's tasks, which a worker (`manage.py db_worker`) runs."""
{%- endif %}

{% if cookiecutter.background_tasks == "celery" %}from celery import shared_task
from django.core.mail import EmailMultiAlternatives
{%- else %}from django.core.mail import EmailMultiAlternatives
from django.tasks import task
{%- endif %}


@{% if cookiecutter.background_tasks == "celery" %}shared_task{% else %}task{% endif %}
def send_email(subject: str, body: str, from_email: str, to: list[str], html: str | None = None) -> None:
    """Send one email, with its HTML version when it has one: the account emails, out of the request."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()

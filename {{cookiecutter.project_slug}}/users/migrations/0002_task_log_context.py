"""The table where a request leaves its log context for the tasks it queues.

It holds the "django_structlog" cache (config/settings.py): a worker reads a
task's request id from it, so the task's log lines carry that id. A
migration, so that `migrate` makes it wherever the database is set up.
"""

from django.core.management import call_command
from django.db import migrations


def create_table(apps, schema_editor):
    call_command("createcachetable", "task_log_context", database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('task_log_context')}")


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_table, drop_table),
    ]

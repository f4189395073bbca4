# The managers' indicators read one kind of timeline row in a period: (kind, at), with the request's id on
# PostgreSQL, replaces the index on `at` alone, which PostgreSQL preferred and then filtered a year's rows with;
# (case, at, id) with the kind replaces the index on `case` alone: a request's rows in order, from the index.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_portal_waiting_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="events", to="cases.case"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["case", "at", "id"], include=("kind",), name="case_event_case_at_idx"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="الوقت"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["kind", "at"], include=("case",), name="case_event_kind_at_idx"),
        ),
    ]

"""The decision clock's start kept with each decision (the days to decision read from the decisions alone).

Decisions recorded before this get it from the timeline: the request's latest `submitted` or `appealed` row at or
before the decision, as the indicator computed it until now (one UPDATE; the (case, at, id) timeline index serves
its subquery)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Decision = apps.get_model("committee", "Decision")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    start = (CaseEvent.objects.filter(case_id=OuterRef("case_id"), kind__in=["submitted", "appealed"],
                                      at__lte=OuterRef("decided_at"))
             .order_by("-at", "-pk").values("at")[:1])
    Decision.objects.filter(clock_started_at__isnull=True).update(clock_started_at=Subquery(start))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_caseevent_case_event_kind_at_idx'),
        ('committee', '0005_minutes_close_appeals'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='clock_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='بدء عداد القرار'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name='decision', name='decision_decided_idx'),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(fields=['decided_at', 'within_response_period'], include=('outcome', 'clock_started_at'),
                               name='decision_decided_idx'),
        ),
    ]

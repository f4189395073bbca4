"""The deadlines page's decisions by day (`DecisionDayCount`), filled from the decisions."""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone


def fill(apps, schema_editor):
    Decision = apps.get_model("committee", "Decision")
    DecisionDayCount = apps.get_model("committee", "DecisionDayCount")
    rows = (Decision.objects.order_by()
            .annotate(decided_on=TruncDate("decided_at", tzinfo=timezone.get_default_timezone()))
            .values("decided_on", "case__branch_id", "within_response_period")
            .annotate(total=Count("pk")))
    DecisionDayCount.objects.bulk_create([
        DecisionDayCount(day=r["decided_on"], branch_id=r["case__branch_id"],
                         within_response_period=r["within_response_period"], n=r["total"])
        for r in rows.iterator(chunk_size=5000)
    ], batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0006_decision_clock_start'),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionDayCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('branch_id', models.IntegerField()),
                ('within_response_period', models.BooleanField()),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'branch_id', 'within_response_period'),
                                                        name='decision_day_count_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

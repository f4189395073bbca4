"""The name sets (`BeneficiaryNameSet`) with their GIN index on PostgreSQL, filled from the name index rows."""

from django.db import migrations, models
import django.db.models.deletion

import mustafid.beneficiaries.models


def fill(apps, schema_editor):
    connection = schema_editor.connection
    Link = apps.get_model("beneficiaries", "BeneficiaryNameToken")
    Set = apps.get_model("beneficiaries", "BeneficiaryNameSet")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Set._meta.db_table} (beneficiary_id, tokens) "
                f"SELECT beneficiary_id, array_agg(token_id) || "
                f"COALESCE(array_agg(-token_id) FILTER (WHERE position = 0), '{{}}') "
                f"FROM {Link._meta.db_table} GROUP BY beneficiary_id"
            )
            cursor.execute(f"CREATE INDEX name_set_tokens_gin ON {Set._meta.db_table} USING gin (tokens)")
        return
    sets = {}
    for beneficiary_id, token_id, position in Link.objects.values_list("beneficiary_id", "token_id", "position"):
        sets.setdefault(beneficiary_id, []).append(token_id)
        if position == 0:
            sets[beneficiary_id].append(-token_id)
    Set.objects.bulk_create([Set(beneficiary_id=pk, tokens=ids) for pk, ids in sets.items()], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0005_messaging_preferences'),
    ]

    operations = [
        migrations.CreateModel(
            name='BeneficiaryNameSet',
            fields=[
                ('beneficiary', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='beneficiaries.beneficiary')),
                ('tokens', mustafid.beneficiaries.models.TokenIdsField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

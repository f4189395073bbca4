"""Index the names of the beneficiaries registered before the name index existed (search.py)."""

from django.db import migrations


def build(apps, schema_editor):
    from mustafid.beneficiaries.search import rebuild_name_index

    rebuild_name_index(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0002_name_index'),
    ]

    operations = [
        migrations.RunPython(build, migrations.RunPython.noop),
    ]

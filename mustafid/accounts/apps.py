from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "mustafid.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401  (sign-in failures and lockouts in the audit trail)
        from .models import ensure_role_rows

        # After every migrate and flush (a transactional test empties every table), like Django's permissions.
        post_migrate.connect(ensure_role_rows, sender=self, dispatch_uid="mustafid.accounts.role_rows")

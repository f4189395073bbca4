"""Changes to staff accounts: passwords. Each is audited; no password or hash ever reaches the trail."""

from django.contrib.auth import password_validation
from django.db import transaction

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .models import User


@transaction.atomic
def record_password_set(user, *, by, new_account=False):
    """Someone set `user`'s password (the settings screens): audit it, and unless it was the owner,
    make the owner choose their own at the next sign-in, so whoever set it cannot keep using the account."""
    by_someone_else = by.pk != user.pk
    User.objects.filter(pk=user.pk).update(must_change_password=by_someone_else and user.has_usable_password())
    user.must_change_password = by_someone_else and user.has_usable_password()
    record(EventType.PASSWORD_SET, actor=by, target=user,
           data={"new_account": new_account, "usable": user.has_usable_password(),
                 "must_change": user.must_change_password})


@transaction.atomic
def change_own_password(user, *, new_password):
    """The owner chose a new password (after a reset, or of their own accord)."""
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(EventType.PASSWORD_CHANGED, actor=user, target=user)

"""Summary tables kept by the actions: a row per key with its count `n` (`CaseStatusCount`, `CaseOpenedCount`,
`DecisionDayCount`), changed in the step's own transaction so a page reads a few rows instead of counting."""

from django.db.models import F


def add_to(model, key, delta):
    """Add `delta` to the `n` of `model`'s row for `key` (the fields of its unique constraint), in the caller's
    transaction; the row is made, at 0, the first time. Two transactions at once: the second waits for the first's
    row lock and adds to what it wrote; a row both make at once is made once (`ignore_conflicts`)."""
    rows = model.objects.filter(**key)
    if not rows.update(n=F("n") + delta):
        model.objects.bulk_create([model(n=0, **key)], ignore_conflicts=True)
        rows.update(n=F("n") + delta)

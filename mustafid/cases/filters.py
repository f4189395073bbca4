"""The requests list's filters and sorts (cases/views.py `case_list`).

Only sorts an index serves are offered: by received date either way (`case_received_idx`, or
`case_status_received_idx` with a state, read backwards for the oldest first) and by decision due
date (`case_due_idx`, the requests that have one). Dates are typed in either calendar (`DualDateField`).
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import BRANCHES, Branch
from mustafid.lib.forms import DualDateField, ShortModelChoiceField, refuse_reversed_range, within_days

from .models import SUPPORT_TYPES, Status, SupportType

# sort -> the keyset order of `lib.paging` (a key and the primary key, the same way).
SORTS = {
    "new": ("-received_at", "-pk"),
    "old": ("received_at", "pk"),
    "due": ("decision_due_on", "pk"),
}
# The filters' options are the copies each process keeps for 30 seconds (`BRANCHES`, `SUPPORT_TYPES`, lib/kept.py):
# two queries fewer on every page of the list.
SORT_CHOICES = [("new", _("الأحدث استلامًا")), ("old", _("الأقدم استلامًا")), ("due", _("أقرب موعد قرار"))]


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("الحالة"), required=False, choices=[
        ("", _("الكل")), ("overdue", _("متأخرة عن مدة الرد")), ("due_soon", _("قريبة الموعد")), *Status.choices,
    ])
    q = forms.CharField(label=_("المستفيد (الاسم أو الهوية أو الجوال)"), required=False, max_length=100)
    branch = ShortModelChoiceField(label=_("المكتب"), queryset=Branch.objects.order_by("pk"), required=False,
                                    empty_label=_("كل المكاتب"), kept=BRANCHES)
    support_type = ShortModelChoiceField(label=_("نوع الدعم"), queryset=SupportType.objects.order_by("pk"),
                                          required=False, empty_label=_("كل الأنواع"), kept=SUPPORT_TYPES)
    received_from = DualDateField(label=_("استُلم من تاريخ"), required=False)
    received_to = DualDateField(label=_("إلى تاريخ"), required=False)
    sort = forms.ChoiceField(label=_("الترتيب"), required=False, choices=SORT_CHOICES)

    def clean(self):
        return refuse_reversed_range(self, super().clean(), "received_from", "received_to")

    def valid_filters(self):
        """The filters that were understood (an unknown or mistyped one is left out, with its message on the form)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors and value not in (None, "")}

    @staticmethod
    def url_params(filters):
        """The filters as the list's link carries them (never the typed search: that stays in the session)."""
        params = {}
        for name, value in filters.items():
            if name == "q":
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif hasattr(value, "pk"):
                value = value.pk
            if name == "sort" and value == "new":
                continue
            params[name] = value
        return params


def apply_filters(cases, filters):
    """The requests matching `filters`, and the keyset order of the chosen sort."""
    status = filters.get("status", "")
    if status == "overdue":
        cases = cases.overdue()
    elif status == "due_soon":
        cases = cases.due_soon()
    elif status:
        cases = cases.filter(status=status)
    if filters.get("branch"):
        cases = cases.filter(beneficiary__branch=filters["branch"])
    if filters.get("support_type"):
        cases = cases.filter(support_type=filters["support_type"])
    cases = within_days(cases, "received_at", filters.get("received_from"), filters.get("received_to"))
    sort = filters.get("sort") or "new"
    if sort == "due":
        cases = cases.filter(decision_due_on__isnull=False)
    return cases, SORTS[sort]

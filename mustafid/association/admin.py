from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mustafid.audit.admin_base import ManagerAdmin
from mustafid.lib.forms import DualDateField, LocalizedIntegerField

from .models import Association, Branch, Channel, PolicyVersion, StaffTool

admin.site.site_header = pgettext_lazy("اسم النظام", "إعدادات مستفيد")
admin.site.site_title = pgettext_lazy("اسم النظام", "مستفيد")
admin.site.index_title = _("إعدادات الجمعية")


@admin.register(Association)
class AssociationAdmin(ManagerAdmin):
    list_display = ["name_ar", "region", "city", "registration_number"]


@admin.register(Branch)
class BranchAdmin(ManagerAdmin):
    list_display = ["name_ar", "city", "is_head_office"]


class PolicyVersionForm(forms.ModelForm):
    approved_on = DualDateField(label=_("تاريخ الاعتماد"), required=False, max_today=True)
    effective_from = DualDateField(label=_("نافذة من"))
    response_days = LocalizedIntegerField(label=_("مدة الرد على الطلب (بالأيام)"), min_value=1, max_value=365)
    channels = forms.MultipleChoiceField(
        label=_("قنوات التواصل المفعلة"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PolicyVersion
        fields = "__all__"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ManagerAdmin):
    form = PolicyVersionForm
    list_display = ["version", "board_meeting", "approved_on", "effective_from", "response_days"]


@admin.register(StaffTool)
class StaffToolAdmin(ManagerAdmin):
    list_display = ["title_ar", "kind", "version", "published_on"]
    list_filter = ["kind"]

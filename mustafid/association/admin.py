from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mustafid.audit.admin_base import ManagerAdmin
from mustafid.lib.forms import DualDateField, LocalizedIntegerField
from mustafid.lib.uploads import check_logo, check_staff_tool
from mustafid.lib.workdays import parse_holidays

from .models import Association, Branch, Channel, PolicyVersion, StaffTool

admin.site.site_header = pgettext_lazy("اسم النظام", "إعدادات مستفيد")
admin.site.site_title = pgettext_lazy("اسم النظام", "مستفيد")
admin.site.index_title = _("إعدادات الجمعية")


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = "__all__"

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            check_logo(logo)
        return logo


@admin.register(Association)
class AssociationAdmin(ManagerAdmin):
    form = AssociationForm
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

    def clean_holidays(self):
        holidays = self.cleaned_data.get("holidays", "")
        try:
            parse_holidays(holidays)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return holidays


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ManagerAdmin):
    form = PolicyVersionForm
    list_display = ["version", "board_meeting", "approved_on", "effective_from", "response_days", "count_working_days"]


class StaffToolForm(forms.ModelForm):
    class Meta:
        model = StaffTool
        fields = "__all__"

    def clean_file(self):
        # Judged by its content, not its name: PDF, Word, Excel or a JPEG/PNG image.
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            check_staff_tool(file)
        return file


@admin.register(StaffTool)
class StaffToolAdmin(ManagerAdmin):
    form = StaffToolForm
    list_display = ["title_ar", "kind", "version", "published_on"]
    list_filter = ["kind"]

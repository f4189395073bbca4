"""The settings screen's way of counting the response period: calendar days (default) or working days with holidays."""

from mustafid.association.admin import PolicyVersionForm
from mustafid.association.models import PolicyVersion
from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT


def _data(policy, **changes):
    data = {
        "association": policy.association_id, "version": "2.0", "board_meeting": "", "board_meeting_en": "",
        "approved_on": "", "approval_note": "", "approval_note_en": "", "effective_from": "2027-01-01",
        "response_days": "14", "channels": policy.channels, "referral_step": "on",
        "general_goal_ar": policy.general_goal_ar, "general_goal_en": "", "detailed_goals_ar": policy.detailed_goals_ar,
        "detailed_goals_en": "", "holidays": DEFAULT_HOLIDAYS_TEXT,
    }
    data.update(changes)
    return data


def test_a_policy_counts_calendar_days_with_the_two_eids_ready_by_default(association):
    policy = PolicyVersion.objects.get()
    assert policy.count_working_days is False
    assert "10/1-10/3" in policy.holidays and "12/10-12/13" in policy.holidays


def test_the_settings_form_takes_working_days_and_holiday_lines(association):
    policy = PolicyVersion.objects.get()
    form = PolicyVersionForm(data=_data(policy, count_working_days="on",
                                        holidays="١٠/١-١٠/٤ عيد الفطر\n12/9-12/13 عرفة وعيد الأضحى"))
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.count_working_days and "12/9-12/13" in saved.holidays


def test_the_settings_form_refuses_an_unreadable_holiday_line_with_a_message(association):
    policy = PolicyVersion.objects.get()
    form = PolicyVersionForm(data=_data(policy, holidays="عيد الفطر في شوال"))
    assert not form.is_valid()
    assert "10/1-10/3" in form.errors["holidays"][0]

"""Every form renders its errors one way: a summary linking to each field, each error tied to its field."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from mustafid.lib.forms import DualDateField


class VisitForm(forms.Form):
    name = forms.CharField(label="الاسم")
    kind = forms.ChoiceField(label="النوع", choices=[("a", "أ"), ("b", "ب")], widget=forms.RadioSelect)
    visit_date = DualDateField(label="تاريخ الزيارة")
    agreed = forms.BooleanField(label="موافق")

    def clean(self):
        raise forms.ValidationError("خطأ في النموذج كله")


def render(template, **context):
    return Template(template).render(Context(context))


def failed_form():
    form = VisitForm(data={"visit_date": "1446/08/30"})
    assert not form.is_valid()
    return form


def ids(html):
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_every_error_of_a_field_is_an_element_its_aria_describedby_names():
    html = render('{% include "includes/form.html" %}', form=failed_form())
    present = ids(html)
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described, "no field points to its error"
    for value in described:
        for target in value.split():
            assert target in present, f"aria-describedby names #{target}, which is not on the page"
    assert 'id="id_visit_date_error"' in html
    assert "التاريخ الهجري 1446/8/30 غير موجود في تقويم أم القرى" in html


def test_a_field_with_an_error_is_marked_invalid_for_sight_and_for_screen_readers():
    html = render('{% include "includes/field.html" %}', field=failed_form()["name"])
    field = re.search(r"<input[^>]*name=\"name\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert "is-invalid" in field
    assert 'aria-describedby="id_name_error"' in field
    assert 'class="invalid-feedback d-block" id="id_name_error"' in html


def test_a_field_without_an_error_is_not_marked():
    form = VisitForm(data={"name": "سالم"})
    form.is_valid()
    html = render('{% include "includes/field.html" %}', field=form["name"])
    assert "aria-invalid" not in html
    assert "is-invalid" not in html


def test_the_summary_lists_the_form_error_and_links_each_field_error_to_its_field():
    html = render('{% include "includes/form_errors.html" %}', form=failed_form())
    assert 'class="alert alert-danger error-summary" role="alert" tabindex="-1"' in html
    assert "<li>خطأ في النموذج كله</li>" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_kind_0"' in html  # a radio group: its first button
    assert 'href="#id_visit_date"' in html
    assert 'href="#id_agreed"' in html


def test_a_form_without_errors_has_no_summary():
    assert render('{% include "includes/form_errors.html" %}', form=VisitForm()).strip() == ""


def test_the_date_hint_keeps_each_example_left_to_right_inside_the_arabic_sentence():
    html = render('{% include "includes/field.html" %}', field=VisitForm()["visit_date"])
    assert (
        'اكتب التاريخ بالهجري أو بالميلادي، مثال: <bdi dir="ltr">1446/08/28</bdi> أو <bdi dir="ltr">2025-02-27</bdi>'
        in html
    )


def test_a_date_field_has_a_live_region_for_the_other_calendar():
    html = render('{% include "includes/field.html" %}', field=VisitForm()["visit_date"])
    assert '<div class="form-text date-reading" id="id_visit_date_reading" aria-live="polite"></div>' in html
    assert f'data-dual-date="{reverse("convert_date")}"' in html


@pytest.mark.django_db
def test_a_failed_sign_in_shows_the_summary_and_offers_to_show_the_password(client, association):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    assert 'error-summary" role="alert"' in html
    assert "اسم المستخدم أو كلمة المرور غير صحيحة." in html
    assert re.search(r'<button[^>]*data-reveal-password aria-controls="id_password" aria-pressed="false"', html)
    assert "إظهار كلمة المرور" in html


@pytest.mark.parametrize(
    "url_name, section_link",
    [("reports:home", "reports:home"), ("beneficiaries:list", "beneficiaries:list"), ("cases:list", "cases:list")],
)
def test_the_menu_marks_the_current_section(client, officer, url_name, section_link):
    client.force_login(officer)
    html = client.get(reverse(url_name)).content.decode()
    current = re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page">', html)
    assert current == [reverse(section_link)]

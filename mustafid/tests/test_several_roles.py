"""A staff member with several roles sees what each of their roles sees, together, and nothing more."""

from mustafid.accounts.models import Role
from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import Case
from mustafid.research.actions import refer_to_researcher


def test_a_researcher_on_the_committee_sees_referred_and_submitted_requests(make_case, staff, officer):
    referred, submitted, other = make_case("received"), make_case("with_committee"), make_case("received")
    refer_to_researcher(researcher=staff["researcher"], question="ما المطلوب؟", by=officer, case=referred)
    researcher = staff["researcher"]
    assert set(Case.objects.visible_to(researcher)) == {referred}
    researcher.roles.add(Role.COMMITTEE_MEMBER)
    researcher.refresh_from_db()
    both = Case.objects.visible_to(researcher)
    assert set(both) == {referred, submitted} and other not in both
    assert both.count() == len(list(both)) == 2  # no duplicate rows
    assert set(Beneficiary.objects.visible_to(researcher)) == {referred.beneficiary, submitted.beneficiary}


def test_a_volunteer_who_is_also_an_officer_opens_the_requests_list(client, make_case, staff):
    case = make_case("received")
    volunteer = staff["volunteer"]
    client.force_login(volunteer)
    assert client.get("/cases/").status_code == 403
    volunteer.roles.add(Role.OFFICER)
    page = client.get("/cases/")
    assert page.status_code == 200 and case.reference in page.content.decode()

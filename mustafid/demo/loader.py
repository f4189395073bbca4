"""Loading a preset association and, for demonstrations, its demo staff."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from mustafid.accounts.models import User
from mustafid.association.models import Association, Branch, PolicyVersion, Region, StaffTool
from mustafid.beneficiaries.models import Category
from mustafid.cases.models import DocumentType, SupportType
from mustafid.lib.hijri import from_hijri
from mustafid.services.models import Service

from .presets import DEMO_PASSWORD, DEMO_STAFF, DETAILED_GOALS_AR, DETAILED_GOALS_EN, DOCUMENT_TYPES, PRESETS, SERVICES, general_goal


@transaction.atomic
def load_preset(name):
    """Create the association of a preset with its policy, branches, library and catalogues.

    Does nothing (and returns the existing association) when one is already configured:
    a deployment serves one association.
    """
    existing = Association.objects.current()
    if existing is not None:
        return existing, False
    preset = PRESETS[name]
    region = Region.objects.get(code=preset["region"])
    association = Association.objects.create(
        region=region,
        **{k: preset[k] for k in ("name_ar", "name_en", "short_name_ar", "short_name_en", "registration_number",
                                  "city", "address", "phone", "email", "website")},
    )
    for name_ar, name_en, city, head in preset["branches"]:
        Branch.objects.create(association=association, name_ar=name_ar, name_en=name_en, city=city,
                              region=region, is_head_office=head)
    policy = preset["policy"]
    approved_on = policy.get("approved_on")
    if "approved_hijri" in policy:
        approved_on = from_hijri(*policy["approved_hijri"])
    goal_ar, goal_en = general_goal(*policy["goal_word"])
    PolicyVersion.objects.create(
        association=association,
        version="1.0",
        board_meeting=policy["board_meeting"],
        board_meeting_en=policy["board_meeting_en"],
        approved_on=approved_on,
        effective_from=approved_on or policy["effective_from"],
        response_days=policy["response_days"],
        channels=policy["channels"],
        referral_step=policy.get("referral_step", True),
        general_goal_ar=goal_ar,
        general_goal_en=goal_en,
        detailed_goals_ar=DETAILED_GOALS_AR,
        detailed_goals_en=DETAILED_GOALS_EN,
    )
    for kind, title_ar, title_en, summary_ar, summary_en in preset["tools"]:
        StaffTool.objects.create(association=association, kind=kind, title_ar=title_ar, title_en=title_en,
                                 version="1.0", published_on=approved_on or policy["effective_from"],
                                 summary_ar=summary_ar, summary_en=summary_en)
    for order, (name_ar, name_en) in enumerate(preset["categories"]):
        Category.objects.create(name_ar=name_ar, name_en=name_en, order=order)
    documents = {}
    for code, (name_ar, name_en, expiry) in DOCUMENT_TYPES.items():
        documents[code] = DocumentType.objects.create(name_ar=name_ar, name_en=name_en, requires_expiry=expiry)
    for name_ar, name_en, required in preset["support_types"]:
        support_type = SupportType.objects.create(name_ar=name_ar, name_en=name_en)
        support_type.required_documents.set([documents[code] for code in required])
    for name_ar, name_en, measure, unit_ar, unit_en in SERVICES:
        Service.objects.create(name_ar=name_ar, name_en=name_en, measure=measure, unit_ar=unit_ar, unit_en=unit_en)
    return association, True


@transaction.atomic
def load_demo_staff():
    """One demo user per role (the chair is `chair`), sharing the demo password. Only for demonstrations and tests."""
    branches = list(Branch.objects.order_by("-is_head_office", "pk"))
    # One hash for all: the demo password is public anyway, and hashing is deliberately slow.
    password = make_password(DEMO_PASSWORD)
    users = []
    for username, first, last, role, branch_index in DEMO_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            # A demo address, so staff reminders appear in the demo's messages folder (var/messages/).
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.mustafid.invalid",
                        branch=branches[min(branch_index, len(branches) - 1)] if branch_index is not None else None)
            user.password = password
            user.save()
            user.roles.set([role])
        users.append(user)
    return users

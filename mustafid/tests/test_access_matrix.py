"""Access for every view × every role: allowed, 403 or 404, and where anonymous visitors are sent.

`MATRIX` below is the specification, one line per (view, object, method), one column per
persona. It follows the design:

* anonymous visitors are sent to the sign-in page, except for the public policy, the logo and
  the health check; the settings screens (Django admin) send them to the admin's own sign-in;
* 404 when the role may not know the record exists (other branch, not referred to this
  researcher, never submitted to the committee, a request for a volunteer);
* 403 when the role may see the record but not take this step (read-only roles writing,
  an officer deciding for the committee, someone answering a referral not assigned to them);
* a refused POST changes nothing and writes no audit row of that action; an allowed POST
  writes the audit row of its action; every read of a sensitive record is audited with
  the reader and the client address.

Cell tokens: a status code, `login` (302 to the sign-in page, /accounts/login/), `admin`
(302 to /settings/login/: what Django admin does for anonymous visitors and for signed-in
users who are not staff; only managers are staff) or `portal` (302 to /portal/, the
beneficiary portal's sign-in).

The objects live in one module-wide `world`, built once through the real actions inside a
transaction that is rolled back at the end; each test runs in its own savepoint, so an
allowed POST never leaks into the next test.
"""

import datetime
import io
import types
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mustafid.accounts.models import Role, User
from mustafid.association.models import Association, Branch, PolicyVersion, Region, StaffTool
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import add_guardian, add_household_member, register_self
from mustafid.beneficiaries.models import Beneficiary, Category, Guardian, HouseholdMember
from mustafid.cases import actions as case_actions
from mustafid.cases.models import Case, CaseDocument, CaseEvent, Declaration, SupportType
from mustafid.committee import letters
from mustafid.committee.actions import close_meeting, create_meeting, record_attendance, vote_by_circulation
from mustafid.committee.models import (
    AgendaItem, Attendance, Circulation, Conflict, Decision, Meeting, RejectionReason, Vote, committee_members,
)
from mustafid.conftest import PDF_BYTES, case_at, make_beneficiary, pdf_file, signature_data_url, valid_dates
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.demo.presets import DEMO_PASSWORD
from mustafid.interactions.actions import log_interaction
from mustafid.interactions.faq import add_faq_entry
from mustafid.interactions.models import FaqEntry, Interaction
from mustafid.interactions.tests.messages import failed_message
from mustafid.lib.saudi import generate_national_id, mask_national_id
from mustafid.notifications.models import Message, MessageTemplate
from mustafid.portal import public
from mustafid.portal.apply import lacking
from mustafid.research.actions import refer_to_researcher, save_report
from mustafid.reports import board_report
from mustafid.reports.models import BoardRecommendation, BoardReport, PolicyNotice
from mustafid.reports.periods import period_of
from mustafid.research.models import Referral, ResearchReport
from mustafid.services.models import Service, ServiceDelivery
from mustafid.feedback import actions as feedback_actions
from mustafid.feedback import register as feedback_register
from mustafid.feedback.models import Feedback, FeedbackCategory, FeedbackEvent, FollowUp, Survey, SurveyResponse, \
    SurveySettings

CLIENT_IP = "198.51.100.23"

ROLES = ("anonymous", "officer", "researcher", "committee", "chair", "branch_rep", "volunteer", "manager",
         "auditor", "outsider")

# Who is who: officer, researcher, committee (member), chair (of the committee, who records decisions),
# branch_rep (of the second branch), volunteer, manager, auditor, and outsider (a branch rep of the third
# branch). Objects:
#   beneficiary_referred   head office; their request `case_received` is referred to the researcher
#   beneficiary_submitted  head office; their request `case_with_committee` is with the committee
#   beneficiary_branch     branch_rep's branch; their request is `case_branch`
#   beneficiary_awaiting   head office; registered themselves in the portal, awaiting an officer's verification
#   member_*               a household member of that beneficiary
#   guardian_*             a guardian (ولي أمر) of that beneficiary, who may act for them in the portal
#   case_<status>          a head-office request walked to that status through the real actions; none is
#                          referred but case_received; those from with_committee on were submitted
#                          (case_returned: returned by the chair for information)
#   document_received      a pending document of case_received (document_branch: of case_branch)
#   document_with_committee / declaration_with_committee: files of case_with_committee
#   referral_researcher    case_received referred by the officer to the researcher
#   referral_branch        beneficiary_branch referred by the officer to another researcher
#   referral_volunteer     beneficiary_referred referred by the volunteer to another researcher
#   interaction_volunteer  a contact logged by the volunteer with beneficiary_referred
#   interaction_officer    a contact logged by the officer with someone not yet registered
#   interaction_portal     a written contact beneficiary_referred sent from the portal, not answered yet
#   ?beneficiary_branch    the query string ?beneficiary=<beneficiary_branch>
#   message_failed         a message to beneficiary_referred that failed (message_failed_branch: to beneficiary_branch)
#   hook_secret            the Unifonic delivery-report URL with the configured secret
#   faq_entry              the first of two published frequently asked questions (it can move down)
#   policy_version         the first policy version (the one in force: its page reads it as approved)
MATRIX = """
# view                         object                     method anon  offi  rsch  cmte  chai  brep  volu  mngr  audt  outs
healthz                        -                          GET    200   200   200   200   200   200   200   200   200   200
association:policy             -                          GET    200   200   200   200   200   200   200   200   200   200
association:policy_version     policy_version             GET    200   200   200   200   200   200   200   200   200   200
reports:public_statistics      -                          GET    200   200   200   200   200   200   200   200   200   200
convert_date                   -                          GET    login 200   200   200   200   200   200   200   200   200
association:logo               -                          GET    200   200   200   200   200   200   200   200   200   200
accounts:login                 -                          GET    200   302   302   302   302   302   302   302   302   302
accounts:login                 -                          POST   200   302   302   302   302   302   302   302   302   302
accounts:logout                -                          POST   login login login login login login login login login login
accounts:password              -                          GET    login 200   200   200   200   200   200   200   200   200
accounts:password              -                          POST   login 302   302   302   302   302   302   302   302   400
reports:home                   -                          GET    login 200   200   200   200   200   200   200   200   200
association:staff_tools        -                          GET    login 200   200   200   200   200   200   200   200   200
association:staff_tool_file    staff_tool                 GET    login 200   200   200   200   200   200   200   200   200
audit:list                     -                          GET    login 403   403   403   403   403   403   200   200   403
audit:list                     -                          POST   login 403   403   403   403   403   403   302   302   403
admin:index                    -                          GET    admin admin admin admin admin admin admin 200   admin admin
settings_login                 -                          GET    login login login login login login login login login login

beneficiaries:list             -                          GET    login 200   200   200   200   200   200   200   200   200
beneficiaries:list             -                          POST   login 302   302   302   302   302   302   302   302   302
beneficiaries:new              -                          GET    login 200   403   403   403   200   403   403   403   200
beneficiaries:new              -                          POST   login 302   403   403   403   302   403   403   403   302
beneficiaries:detail           beneficiary_referred       GET    login 200   200   404   404   404   200   200   200   404
beneficiaries:detail           beneficiary_submitted      GET    login 200   404   200   200   404   200   200   200   404
beneficiaries:detail           beneficiary_branch         GET    login 200   404   404   404   200   200   200   200   404
beneficiaries:edit             beneficiary_referred       GET    login 200   403   404   404   404   403   403   403   404
beneficiaries:edit             beneficiary_referred       POST   login 302   403   404   404   404   403   403   403   404
beneficiaries:edit             beneficiary_submitted      POST   login 302   404   403   403   404   403   403   403   404
beneficiaries:edit             beneficiary_branch         GET    login 200   404   404   404   200   403   403   403   404
beneficiaries:edit             beneficiary_branch         POST   login 302   404   404   404   302   403   403   403   404
beneficiaries:household_add    beneficiary_referred       POST   login 302   403   404   404   404   403   403   403   404
beneficiaries:household_add    beneficiary_branch         POST   login 302   404   404   404   302   403   403   403   404
beneficiaries:household_remove member_referred            POST   login 302   403   404   404   404   403   403   403   404
beneficiaries:household_remove member_branch              POST   login 302   404   404   404   302   403   403   403   404
beneficiaries:guardian_add     beneficiary_referred       POST   login 302   403   404   404   404   403   403   403   404
beneficiaries:guardian_add     beneficiary_branch         POST   login 302   404   404   404   302   403   403   403   404
beneficiaries:guardian_end     guardian_referred          POST   login 302   403   404   404   404   403   403   403   404
beneficiaries:guardian_end     guardian_branch            POST   login 302   404   404   404   302   403   403   403   404
# A self-registration from the portal: verified or rejected by those who register beneficiaries (their branch's).
beneficiaries:detail           beneficiary_awaiting       GET    login 200   404   404   404   404   200   200   200   404
beneficiaries:verify           beneficiary_awaiting       POST   login 302   404   404   404   404   403   403   403   404
beneficiaries:reject           beneficiary_awaiting       POST   login 302   404   404   404   404   403   403   403   404
# The import keeps its file in the manager's session: without an upload, its later steps send back to the upload (302).
beneficiaries:import           -                          GET    login 403   403   403   403   403   403   200   403   403
beneficiaries:import           -                          POST   login 403   403   403   403   403   403   302   403   403
beneficiaries:import_preview   -                          GET    login 403   403   403   403   403   403   302   403   403
beneficiaries:import_preview   -                          POST   login 403   403   403   403   403   403   302   403   403
beneficiaries:import_run       -                          POST   login 403   403   403   403   403   403   302   403   403
beneficiaries:import_done      -                          GET    login 403   403   403   403   403   403   302   403   403
beneficiaries:import_rejected  -                          GET    login 403   403   403   403   403   403   302   403   403

interactions:list              -                          GET    login 200   200   403   403   200   200   200   200   200
interactions:new               -                          GET    login 200   200   403   403   200   200   403   403   200
interactions:new               -                          POST   login 302   302   403   403   302   302   403   403   302
interactions:new               ?beneficiary_branch        GET    login 200   404   403   403   200   200   403   403   404
interactions:new               ?beneficiary_branch        POST   login 302   404   403   403   302   302   403   403   404
# The caller lookup on the contact form (htmx): a registry search, answered with the people found (or none).
interactions:lookup            -                          POST   login 200   200   403   403   200   200   403   403   200
# One contact's page (a read of personal data, audited); «الرد» on a written contact for the officers and the manager.
interactions:detail            interaction_portal         GET    login 200   404   403   403   404   404   200   200   404
interactions:detail            interaction_portal         POST   login 302   404   403   403   404   404   302   403   404
interactions:detail            interaction_volunteer      GET    login 200   404   403   403   404   200   200   200   404
interactions:detail            interaction_volunteer      POST   login 403   404   403   403   404   403   403   403   404
interactions:detail            interaction_officer        GET    login 200   404   403   403   404   404   200   200   404

cases:list                     -                          GET    login 200   200   200   200   200   403   200   200   200
cases:list                     -                          POST   login 302   302   302   302   302   403   302   302   302
cases:new                      beneficiary_referred       GET    login 200   403   404   404   404   403   403   403   404
cases:new                      beneficiary_referred       POST   login 302   403   404   404   404   403   403   403   404
cases:new                      beneficiary_branch         POST   login 302   404   404   404   302   403   403   403   404
cases:detail                   case_received              GET    login 200   200   404   404   404   404   200   200   404
cases:detail                   case_with_committee        GET    login 200   404   200   200   404   404   200   200   404
cases:detail                   case_branch                GET    login 200   404   404   404   200   404   200   200   404
cases:upload_document          case_received              POST   login 302   403   404   404   404   404   403   403   404
cases:upload_document          case_branch                POST   login 302   404   404   404   302   404   403   403   404
cases:document_file            document_received          GET    login 200   200   404   404   404   404   200   200   404
cases:document_file            document_with_committee    GET    login 200   404   200   200   404   404   200   200   404
cases:document_file            document_branch            GET    login 200   404   404   404   200   404   200   200   404
cases:verify_document          document_received          POST   login 302   403   404   404   404   404   403   403   404
cases:verify_document          document_branch            POST   login 302   404   404   404   302   404   403   403   404
cases:refuse_document          document_received          POST   login 302   403   404   404   404   404   403   403   404
cases:mark_incomplete          case_received              POST   login 302   403   404   404   404   404   403   403   404
cases:record_declaration       case_documents_complete    POST   login 302   404   404   404   404   404   403   403   404
cases:declaration_form_pdf     case_documents_complete    GET    login 200   404   404   404   404   404   200   200   404
cases:declaration_file         declaration_with_committee GET    login 200   404   200   200   404   404   200   200   404
cases:submit                   case_declared              POST   login 302   404   404   404   404   404   403   403   404
cases:register                 case_approved              POST   login 302   404   403   403   404   404   403   403   404
services:record_delivery       case_registered            POST   login 302   404   403   403   404   404   403   403   404
# Satisfaction surveys (feedback/): results and follow-ups for managers and auditors (read-only); the surveys, the
# settings and closing a follow-up for managers. The beneficiary's link opens for anyone holding it, without signing in
# (an empty answer is shown again: 400; the answer itself is feedback/tests/test_answer_page.py).
feedback:results               -                          GET    login 403   403   403   403   403   403   200   200   403
feedback:follow_ups            -                          GET    login 403   403   403   403   403   403   200   200   403
feedback:follow_up_done        follow_up                  POST   login 403   403   403   403   403   403   302   403   403
feedback:surveys               -                          GET    login 403   403   403   403   403   403   200   403   403
feedback:survey_new            -                          GET    login 403   403   403   403   403   403   200   403   403
feedback:survey_new            -                          POST   login 403   403   403   403   403   403   302   403   403
feedback:survey_edit           survey                     GET    login 403   403   403   403   403   403   200   403   403
feedback:survey_edit           survey                     POST   login 403   403   403   403   403   403   302   403   403
feedback:settings              -                          GET    login 403   403   403   403   403   403   200   403   403
feedback:settings              -                          POST   login 403   403   403   403   403   403   302   403   403
survey:answer                  survey_link                GET    200   200   200   200   200   200   200   200   200   200
survey:answer                  survey_link                POST   400   400   400   400   400   400   400   400   400   400
cases:close                    case_in_service            POST   login 302   404   403   403   404   404   403   403   404
# The complaints register (feedback/register_views.py): managers and auditors see everything (auditors read-only),
# officers the items that are not confidential, branch representatives those of their branch, no one else anything;
# an item about a staff member is the managers' and auditors' only. The sender's rating link opens for anyone
# holding it (an empty answer is shown again: 400).
feedback:register              -                          GET    login 200   403   403   403   200   403   200   200   200
feedback:register_new          -                          GET    login 200   403   403   403   200   403   200   403   200
feedback:register_new          -                          POST   login 302   403   403   403   302   403   302   403   302
feedback:register_item         feedback_hq                GET    login 200   404   404   404   404   404   200   200   404
feedback:register_item         feedback_confidential      GET    login 404   404   404   404   404   404   200   200   404
feedback:register_step         feedback_hq_answer         POST   login 302   404   404   404   404   404   302   403   404
feedback:register_step         feedback_confidential_ans POST    login 404   404   404   404   404   404   302   403   404
feedback:categories            -                          GET    login 403   403   403   403   403   403   200   200   403
feedback:category_new          -                          GET    login 403   403   403   403   403   403   200   403   403
feedback:category_new          -                          POST   login 403   403   403   403   403   403   302   403   403
feedback:category_edit         feedback_category          GET    login 403   403   403   403   403   403   200   403   403
feedback:category_edit         feedback_category          POST   login 403   403   403   403   403   403   302   403   403
feedback:category_move         feedback_category          POST   login 403   403   403   403   403   403   302   403   403
feedback:rate                  rating_link                GET    200   200   200   200   200   200   200   200   200   200
feedback:rate                  rating_link                POST   400   400   400   400   400   400   400   400   400   400

committee:agenda               -                          GET    login 200   403   200   200   403   403   200   200   403
# The committee as a body: members and the chair see the meetings and vote, the chair records attendance and
# outcomes, the chair or the manager calls a meeting, managers and auditors read. `meeting` has the chair and
# the member present (quorum); `meeting_case` is case_with_committee on its agenda, which the chair and the
# member have also voted on by circulation (the quorum of three members).
committee:meetings             -                          GET    login 403   403   200   200   403   403   200   200   403
committee:meeting_new          -                          GET    login 403   403   403   200   403   403   200   403   403
committee:meeting_new          -                          POST   login 403   403   403   302   403   403   302   403   403
committee:meeting              meeting                    GET    login 404   404   200   200   404   404   200   200   404
committee:attendance           meeting                    POST   login 404   404   403   302   404   404   403   403   404
committee:vote                 meeting_case               POST   login 404   404   302   302   404   404   403   403   404
committee:outcome              meeting_case               POST   login 404   404   403   302   404   404   403   403   404
# The minutes are read by who sees the meeting; the chair closes it; the chair or the manager adds a request to
# an open meeting's agenda (`case_for_agenda`, with the committee and on no open agenda) and attaches the signed
# minutes of a closed one (`meeting_closed`).
committee:minutes              meeting                    GET    login 404   404   200   200   404   404   200   200   404
committee:close                meeting                    POST   login 404   404   403   302   404   404   403   403   404
committee:agenda_add           meeting                    POST   login 404   404   403   302   404   404   302   403   404
committee:minutes_scan         meeting_closed             POST   login 404   404   403   302   404   404   302   403   404
committee:conflict             case_with_committee        POST   login 403   404   302   302   404   404   403   403   404
committee:circulation_vote     case_with_committee        POST   login 403   404   302   302   404   404   403   403   404
committee:circulation_decide   case_with_committee        POST   login 403   404   403   302   404   404   403   403   404
# Returned for information: the committee's chair returns (as it decides); the intake staff record the answer.
cases:return                   case_with_committee        POST   login 403   404   403   302   404   404   403   403   404
cases:provide_information      case_returned              POST   login 302   404   403   403   404   404   403   403   404
# An appeal against a rejection (within APPEAL_DAYS): the intake staff record it; its page shows the decision.
committee:appeal               case_rejected              GET    login 200   404   403   403   404   404   403   403   404
committee:appeal               case_rejected              POST   login 302   404   403   403   404   404   403   403   404
# The decision letter: whoever sees the request and its personal data (never a volunteer); the applicant's signed
# link opens it for anyone holding it, signed in or not, and is audited as the beneficiary's read.
committee_letters:download     decision_approved          GET    login 200   404   200   200   404   404   200   200   404
committee_letters:signed       letter_link                GET    200   200   200   200   200   200   200   200   200   200
# Requests at risk and overdue, and the share decided within the period: as the agenda.
reports:deadlines              -                          GET    login 200   403   200   200   403   403   200   200   403
# The indicators: managers and auditors only (docs/reports.md).
reports:indicators             -                          GET    login 403   403   403   403   403   403   200   200   403
# The lists' exports follow their list's access: the requests (not a volunteer), the registry (everyone, masked),
# the contacts log (those who log contacts, and who read everything).
reports:export_cases           -                          GET    login 200   200   200   200   200   403   200   200   200
reports:export_beneficiaries   -                          GET    login 200   200   200   200   200   200   200   200   200
reports:export_contacts        -                          GET    login 200   200   403   403   200   200   200   200   200

research:list                  -                          GET    login 200   200   200   200   200   200   200   200   200
research:detail                referral_researcher        GET    login 200   200   404   404   404   404   200   200   404
research:detail                referral_researcher        POST   login 403   302   404   404   404   404   403   403   404
research:detail                referral_branch            GET    login 200   404   404   404   200   404   200   200   404
research:detail                referral_branch            POST   login 403   404   404   404   403   404   403   403   404
research:detail                referral_volunteer         GET    login 200   404   404   404   404   200   200   200   404
research:refer_case            case_received              POST   login 302   403   404   404   404   404   403   403   404
research:refer_case            case_branch                POST   login 302   404   404   404   302   404   403   403   404
research:refer_beneficiary     beneficiary_referred       GET    login 200   403   403   403   404   200   403   403   404
research:refer_beneficiary     beneficiary_referred       POST   login 302   403   403   403   404   302   403   403   404
research:refer_beneficiary     beneficiary_branch         GET    login 200   403   403   403   200   200   403   403   404
research:refer_interaction     interaction_volunteer      GET    login 200   403   403   403   404   200   403   403   404
research:refer_interaction     interaction_volunteer      POST   login 302   403   403   403   404   302   403   403   404
research:refer_interaction     interaction_officer        GET    login 200   403   403   403   404   404   403   403   404
# The social research report: read by whoever sees the request (never a volunteer: health and income), written by
# the researcher it was referred to; its housing photos served to the same readers.
research:report                case_received              GET    login 200   200   404   404   404   404   200   200   404
research:report                case_received              POST   login 403   302   404   404   404   404   403   403   404
research:report                case_with_committee        GET    login 200   404   200   200   404   404   200   200   404
research:report                case_with_committee        POST   login 403   404   403   403   404   404   403   403   404
research:report                case_branch                GET    login 200   404   404   404   200   404   200   200   404
research:report                case_branch                POST   login 403   404   404   404   403   404   403   403   404
research:report_photo          photo_received             GET    login 200   200   404   404   404   404   200   200   404

# «إرسال رسالة» to one beneficiary: those who log contacts and see the numbers (not a volunteer alone, not the
# read-only roles); 404 where the beneficiary is unknown to them.
interactions:send_message      beneficiary_referred       GET    login 200   200   404   404   404   403   403   403   404
interactions:send_message      beneficiary_referred       POST   login 302   302   404   404   404   403   403   403   404
interactions:send_message      beneficiary_submitted      GET    login 200   404   403   403   404   403   403   403   404
interactions:send_message      beneficiary_branch         GET    login 200   404   404   404   200   403   403   403   404
interactions:send_message      beneficiary_branch         POST   login 302   404   404   404   302   403   403   403   404

# «الأسئلة الشائعة» (interactions/faq_views.py): the public page and the suggestions beside a question being typed are
# open to everyone (published entries only; the suggestions are posted, so what is typed stays out of URLs); managers
# edit the entries in the settings area, auditors read the list.
faq:page                       -                          GET    200   200   200   200   200   200   200   200   200   200
faq:suggest                    -                          POST   200   200   200   200   200   200   200   200   200   200
faq:manage                     -                          GET    login 403   403   403   403   403   403   200   200   403
faq:new                        -                          GET    login 403   403   403   403   403   403   200   403   403
faq:new                        -                          POST   login 403   403   403   403   403   403   302   403   403
faq:edit                       faq_entry                  GET    login 403   403   403   403   403   403   200   403   403
faq:edit                       faq_entry                  POST   login 403   403   403   403   403   403   302   403   403
faq:publish                    faq_entry                  POST   login 403   403   403   403   403   403   302   403   403
faq:move                       faq_entry                  POST   login 403   403   403   403   403   403   302   403   403

# «نصوص الرسائل» (settings): managers change the wording, auditors read it.
wording:list                   -                          GET    login 403   403   403   403   403   403   200   200   403
wording:edit                   message_key                GET    login 403   403   403   403   403   403   200   200   403
wording:edit                   message_key                POST   login 403   403   403   403   403   403   302   403   403
wording:preview                message_key                POST   login 403   403   403   403   403   403   200   403   403
wording:restore                message_key                POST   login 403   403   403   403   403   403   302   403   403

# The failed messages: officers, branch reps (their branch's beneficiaries), managers; auditors read, never resend.
outbox:failed                  -                          GET    login 200   403   403   403   200   403   200   200   200
outbox:resend                  message_failed             POST   login 302   403   403   403   404   403   302   403   404
outbox:resend                  message_failed_branch      POST   login 302   403   403   403   302   403   302   403   404
# Delivery reports: the providers' secret or signature, not a session. An empty report is unreadable (400);
# the matrix cannot sign a WhatsApp report (403; notifications/tests/test_webhooks.py signs them).
notifications:unifonic_hook    hook_secret                POST   400   400   400   400   400   400   400   400   400   400
notifications:whatsapp_hook    -                          GET    403   403   403   403   403   403   403   403   403   403
notifications:whatsapp_hook    -                          POST   403   403   403   403   403   403   403   403   403   403
# Replies to our SMS (the digit that rates a contact): the configured secret in the path; a reply with no sender is
# taken as nothing (200), as the provider must not retry it (notifications/tests/test_reply_by_digit.py).
notifications:sms_reply_hook   hook_secret                POST   200   200   200   200   200   200   200   200   200   200
# The beneficiary's portal (docs/portal.md): its own sign-in by a one-time code, never a staff sign-in. Its pages send
# anyone without a portal session, staff included, to the portal's sign-in (`portal`: 302 to /portal/). The sign-in
# answers every ID alike (302 to the code page). The owner and another beneficiary: mustafid/tests/test_portal_access.py.
portal:start                   -                          GET    200   200   200   200   200   200   200   200   200   200
portal:start                   -                          POST   302   302   302   302   302   302   302   302   302   302
portal:code                    -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:code                    -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:choose                  -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:choose                  -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:sign_out                -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:requests                -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:request                 case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:letter                  case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:messages                -                          GET    portal portal portal portal portal portal portal portal portal portal
# Open to everyone (portal/public_views.py): «تواصل معنا» (the matrix posts a robot's form: its honeypot filled, it
# looks sent and records nothing) and «تتبع طلبي» (any number gets the code page; without a code asked for, the
# code and the status pages go back to the number: 302 to /portal/track/). A beneficiary's own contacts and services
# send everyone else to the portal's sign-in.
portal:contact                 -                          GET    200   200   200   200   200   200   200   200   200   200
portal:contact                 -                          POST   302   302   302   302   302   302   302   302   302   302
portal:contact_sent            -                          GET    302   302   302   302   302   302   302   302   302   302
portal:track                   -                          GET    200   200   200   200   200   200   200   200   200   200
portal:track                   -                          POST   302   302   302   302   302   302   302   302   302   302
portal:track_code              -                          GET    302   302   302   302   302   302   302   302   302   302
portal:track_code              -                          POST   302   302   302   302   302   302   302   302   302   302
portal:track_status            -                          GET    302   302   302   302   302   302   302   302   302   302
# «تتبع شكواي» (portal/complaints.py): the same rules as the request's tracking, for an item of the register.
portal:feedback_track          -                          GET    200   200   200   200   200   200   200   200   200   200
portal:feedback_track          -                          POST   302   302   302   302   302   302   302   302   302   302
portal:feedback_track_code     -                          GET    302   302   302   302   302   302   302   302   302   302
portal:feedback_track_code     -                          POST   302   302   302   302   302   302   302   302   302   302
portal:feedback_track_status   -                          GET    302   302   302   302   302   302   302   302   302   302
portal:contacts                -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:services                -                          GET    portal portal portal portal portal portal portal portal portal portal
# Applying from home (portal/apply_views.py): only a signed-in beneficiary; staff are sent to the portal's sign-in.
portal:apply                   -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:apply                   -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:apply_details           -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:apply_details           -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:sent                    case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:upload                  case_received              POST   portal portal portal portal portal portal portal portal portal portal
# The beneficiary's own acts (portal/account_views.py): signing the declaration, answering the committee, contact details.
portal:declare                 case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:declare                 case_approved              POST   portal portal portal portal portal portal portal portal portal portal
portal:declare_code            case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:declare_code            case_approved              POST   portal portal portal portal portal portal portal portal portal portal
portal:answer                  case_approved              GET    portal portal portal portal portal portal portal portal portal portal
portal:answer                  case_approved              POST   portal portal portal portal portal portal portal portal portal portal
portal:details                 -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:details                 -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:details_mobile          -                          GET    portal portal portal portal portal portal portal portal portal portal
portal:details_mobile          -                          POST   portal portal portal portal portal portal portal portal portal portal
# «التسجيل لأول مرة» (portal/register_views.py): open to everyone; its code and last pages need the step before.
portal:register                -                          GET    200   200   200   200   200   200   200   200   200   200
portal:register                -                          POST   302   302   302   302   302   302   302   302   302   302
portal:register_code           -                          GET    302   302   302   302   302   302   302   302   302   302
portal:register_code           -                          POST   302   302   302   302   302   302   302   302   302   302
portal:register_received       -                          GET    302   302   302   302   302   302   302   302   302   302
# Accessibility (portal/aids_views.py): a form's draft is the signed-in beneficiary's only (everyone else to the
# portal's sign-in, nothing kept); «معاني الكلمات» is open to everyone.
portal:draft                   -                          POST   portal portal portal portal portal portal portal portal portal portal
portal:glossary                -                          GET    200   200   200   200   200   200   200   200   200   200
# «إشعار المستفيدين بالسياسة الجديدة» (reports/policy_notice_views.py): managers send it, auditors read the evidence.
reports:policy_notice          -                          GET    login 403   403   403   403   403   403   200   200   403
reports:policy_notice          -                          POST   login 403   403   403   403   403   403   302   403   403
# «تقرير الفترة لمجلس الإدارة» (reports/board_views.py): managers issue it and record and publish the board's
# recommendations; auditors read and download; no one else knows of it (as the indicators).
reports:board                  -                          GET    login 403   403   403   403   403   403   200   200   403
reports:board                  -                          POST   login 403   403   403   403   403   403   302   403   403
reports:board_report           board_report               GET    login 403   403   403   403   403   403   200   200   403
reports:board_pdf              board_report               GET    login 403   403   403   403   403   403   200   200   403
reports:board_recommend        board_report               POST   login 403   403   403   403   403   403   302   403   403
reports:board_publish          board_recommendation       POST   login 403   403   403   403   403   403   302   403   403
"""

# Cells the code still gets wrong, keyed (view, object, method, role): the reason, reported to the lead.
# Such cells are strict xfails: they turn red the day the bug is fixed, so the entry is removed.
KNOWN_BUGS = {}


class Row(types.SimpleNamespace):
    pass


def parse_matrix(text):
    rows = []
    for line in text.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        view, target, method, *cells = line.split()
        assert len(cells) == len(ROLES), f"{view} {target} {method}: {len(cells)} cells for {len(ROLES)} roles"
        rows.append(Row(view=view, target=target, method=method, expected=dict(zip(ROLES, cells))))
    return rows


ROWS = parse_matrix(MATRIX)


# ---------------------------------------------------------------------------------------------
# The world: built once for the module, rolled back at its end.
# ---------------------------------------------------------------------------------------------

def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 110, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_world():
    load_preset("aoun")
    users = {user.username: user for user in load_demo_staff()}
    hq, branch, third = Branch.objects.order_by("-is_head_office", "pk")[:3]
    outsider = User(username="outsider", first_name="فهد", last_name="الدوسري", branch=third)
    outsider.set_unusable_password()
    outsider.save()
    outsider.roles.set([Role.BRANCH_REP])
    users["outsider"] = outsider
    other_researcher = User(username="researcher2", first_name="منى", branch=hq)
    other_researcher.set_unusable_password()
    other_researcher.save()
    other_researcher.roles.set([Role.RESEARCHER])
    officer, volunteer = users["officer"], users["volunteer"]

    def beneficiary(first_name, at=hq):
        return make_beneficiary(by=officer, branch=at, first_name=first_name)

    def walked(status, first_name, at=hq):
        return case_at(status, beneficiary=beneficiary(first_name, at), officer=officer,
                       committee_member=users["chair"])

    def pending_document(case):
        return case_actions.upload_document(
            case, document_type=case.support_type.required_documents.first(), uploaded_file=pdf_file(),
            by=officer, **valid_dates())

    w = types.SimpleNamespace(users=users, hq=hq, branch=branch, other_researcher=other_researcher)
    w.case_received = walked("received", "ريان")
    w.document_received = pending_document(w.case_received)
    w.beneficiary_referred = w.case_received.beneficiary
    w.member_referred = add_household_member(w.beneficiary_referred, by=officer, name="سارة", relation="daughter")
    w.guardian_referred = add_guardian(w.beneficiary_referred, by=officer, name="سعد المطيري", relation="father",
                                       national_id=generate_national_id("1", 61_000_001), mobile="0551230001")
    w.referral_researcher = refer_to_researcher(researcher=users["researcher"], question="ما المستندات المطلوبة؟",
                                                by=officer, case=w.case_received)

    w.case_documents_complete = walked("documents_complete", "بدر")
    w.case_declared = walked("declared", "تركي")
    w.case_with_committee = walked("with_committee", "زياد")
    w.beneficiary_submitted = w.case_with_committee.beneficiary
    w.document_with_committee = w.case_with_committee.documents.first()
    w.declaration_with_committee = w.case_with_committee.current_declaration
    w.case_returned = walked("returned", "وليد")
    # A meeting with case_with_committee on its agenda, its quorum present; the same request voted by circulation.
    chair, member = users["chair"], users["committee"]
    w.meeting = create_meeting(starts_at=timezone.now(), invited=list(committee_members()), place="مقر الجمعية",
                               by=chair)
    record_attendance(w.meeting, present=[chair, member], by=chair)
    for voter in (chair, member):
        vote_by_circulation(w.case_with_committee, choice="approve", by=voter)
    w.meeting_closed = close_meeting(create_meeting(starts_at=timezone.now(), invited=[chair, member],
                                                   place="مقر الجمعية", by=chair), by=chair)
    w.case_for_agenda = walked("with_committee", "سامي")
    w.case_approved = walked("approved", "ماجد")
    w.case_rejected = walked("rejected", "خالد")
    w.case_registered = walked("registered", "نايف")
    w.case_in_service = walked("in_service", "هشام")
    w.beneficiary_in_service = w.case_in_service.beneficiary

    w.beneficiary_awaiting = register_self(
        national_id=generate_national_id("1", 98_700_001), first_name="منيرة", father_name="سالم",
        grandfather_name="فهد", family_name="الشهري", mobile="+966557000001", birth_date=datetime.date(1992, 1, 9),
        gender="female", nationality="سعودي", region=hq.region, city="أبها")
    w.case_branch = walked("received", "عادل", at=branch)
    w.document_branch = pending_document(w.case_branch)
    w.beneficiary_branch = w.case_branch.beneficiary
    w.member_branch = add_household_member(w.beneficiary_branch, by=officer, name="ليلى", relation="mother")
    w.guardian_branch = add_guardian(w.beneficiary_branch, by=officer, name="منى العتيبي", relation="mother",
                                     national_id=generate_national_id("1", 61_000_002), mobile="0551230002")
    w.referral_branch = refer_to_researcher(researcher=other_researcher, question="متى يصل الدعم؟", by=officer,
                                            beneficiary=w.beneficiary_branch)

    w.interaction_volunteer = log_interaction(channel="phone", direction="in", kind="inquiry",
                                              summary="سأل عن مواعيد الجلسات", by=volunteer,
                                              beneficiary=w.beneficiary_referred)
    w.interaction_officer = log_interaction(channel="phone", direction="in", kind="inquiry",
                                            summary="يسأل عن التسجيل", by=officer, contact_name="سلطان",
                                            contact_mobile="+966551234567")
    w.interaction_portal = public.send_contact(kind="inquiry", text="متى يصل الدعم؟",
                                               beneficiary=w.beneficiary_referred).contact
    w.referral_volunteer = refer_to_researcher(researcher=other_researcher, question="لم يفهم خطوات الطلب",
                                               by=volunteer, beneficiary=w.beneficiary_referred)
    w.report_received = save_report(w.case_received, by=users["researcher"], fields={"needs": "سداد الإيجار"},
                                    rows={}, photo=SimpleUploadedFile("house.png", png_bytes()))
    w.photo_received = w.report_received.photos.get()
    w.message_failed = failed_message(w.beneficiary_referred)
    w.message_failed_branch = failed_message(w.beneficiary_branch)
    # The default survey, active; two deliveries to case_in_service: one invitation left open (its link), one
    # answered with a low rating (its follow-up).
    w.survey = feedback_actions.save_survey(
        None, fields={"name": "استبيان الرضا", "trigger": "delivery", "active": True},
        questions=feedback_actions.default_questions(), by=users["manager"])
    w.survey_token = feedback_actions.new_token()
    for _ in range(2):
        delivery = ServiceDelivery.objects.create(case=w.case_in_service, service=Service.objects.first(), quantity=1,
                                                  delivered_on=timezone.localdate(), delivered_by=officer)
        invitation = feedback_actions.invite("delivery", w.beneficiary_in_service, delivery, by=officer)
    feedback_actions.answer(invitation, values={w.survey.questions.asked().first().pk: 1})
    invitation.__class__.objects.exclude(pk=invitation.pk).update(
        token_digest=feedback_actions.token_digest(w.survey_token))
    w.follow_up = FollowUp.objects.get()

    w.faq_entry = add_faq_entry(question_ar="ما الإقرار؟", answer_ar="تعهد بصحة البيانات.", by=users["manager"])
    add_faq_entry(question_ar="متى يصل الرد؟", answer_ar="خلال مدة الرد.", by=users["manager"])

    # The complaints register: an item logged at the head office, one about the researcher (confidential), one
    # answered and closed (its rating link), and two categories (the first can move down).
    w.feedback_category = feedback_register.save_category(
        None, fields={"name_ar": "الخدمات", "response_days": 5, "active": True}, by=users["manager"])
    feedback_register.save_category(None, fields={"name_ar": "المواعيد", "response_days": 3, "active": True},
                                    by=users["manager"])
    w.feedback_hq = feedback_register.receive(kind="complaint", text="تأخر الرد على اتصالي", channel="phone",
                                              by=officer, sender_name="سارة", sender_mobile="+966551230009")
    w.feedback_confidential = feedback_register.receive(kind="complaint", text="تعامل غير لائق", channel="phone",
                                                        by=officer, about_staff=users["researcher"])
    closed = feedback_register.receive(kind="suggestion", text="تمديد ساعات الاستقبال", channel="phone", by=officer,
                                       sender_mobile="+966551230010")
    feedback_register.answer(closed, "شكرًا لاقتراحك", by=officer)
    w.feedback_closed, _message = feedback_register.close(closed, by=officer)
    association = Association.objects.current()
    association.logo.save("logo.png", ContentFile(png_bytes()))
    w.staff_tool = StaffTool.objects.order_by("pk").first()
    w.staff_tool.file.save("bylaws.pdf", ContentFile(PDF_BYTES))
    # The board's report of this month, with one recommendation not yet published.
    w.board_report = board_report.issue_report(period_of(f"g-m-{timezone.localdate():%Y-%-m}"), by=users["manager"])
    w.board_recommendation = board_report.record_recommendation(w.board_report, text="رفع نسبة الاستجابة",
                                                                by=users["manager"])

    # One signed-in session per persona, made once (force_login for every test is the slow part).
    w.sessions = {}
    for role, user in users.items():
        signed_in = Client()
        signed_in.force_login(user)
        w.sessions[role] = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    return w


MATRIX_HOOK_SECRET = "matrix-hook-secret"


def rolled_back_world(build, django_db_blocker, media_root):
    """Build a world once for a module, inside a transaction rolled back when the module is done.

    Its files go to `media_root`, and the personas' sessions outlive the idle timeout however long the
    module runs (every test's writes to them are rolled back). Shared with test_no_server_errors.py.
    """
    media = override_settings(MEDIA_ROOT=media_root, SESSION_IDLE_MINUTES=24 * 60, SESSION_COOKIE_AGE=24 * 60 * 60,
                              UNIFONIC_WEBHOOK_SECRET=MATRIX_HOOK_SECRET, SMS_REPLY_WEBHOOK_SECRET=MATRIX_HOOK_SECRET)
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The personas' sessions are made once, and every test's writes to them are rolled back: keep them from
    # reaching the idle timeout however long the module runs.
    yield from rolled_back_world(build_world, django_db_blocker, tmp_path_factory.mktemp("access-matrix-media"))


@pytest.fixture(autouse=True)
def _media_in_tmp(world):
    """Overrides the shared fixture: files stay in the world's own folder (never var/) for the whole module."""


# ---------------------------------------------------------------------------------------------
# How each object of the table becomes URL arguments, and what each POST sends.
# ---------------------------------------------------------------------------------------------

def _pk(name):
    return lambda w: {"args": [getattr(w, name).pk], "query": "", "obj": getattr(w, name)}


TARGETS = {
    "-": lambda w: {"args": [], "query": "", "obj": None},
    "?beneficiary_branch": lambda w: {"args": [], "query": f"?beneficiary={w.beneficiary_branch.pk}",
                                      "obj": w.beneficiary_branch},
    "member_referred": lambda w: {"args": [w.beneficiary_referred.pk, w.member_referred.pk], "query": "",
                                  "obj": w.member_referred},
    "member_branch": lambda w: {"args": [w.beneficiary_branch.pk, w.member_branch.pk], "query": "",
                                "obj": w.member_branch},
    "guardian_referred": lambda w: {"args": [w.beneficiary_referred.pk, w.guardian_referred.pk], "query": "",
                                    "obj": w.guardian_referred},
    "guardian_branch": lambda w: {"args": [w.beneficiary_branch.pk, w.guardian_branch.pk], "query": "",
                                  "obj": w.guardian_branch},
    "hook_secret": lambda w: {"args": [MATRIX_HOOK_SECRET], "query": "", "obj": None},
    "message_key": lambda w: {"args": ["request_received", "ar"], "query": "", "obj": None},
    "meeting_case": lambda w: {"args": [w.meeting.pk, w.case_with_committee.pk], "query": "",
                               "obj": w.case_with_committee},
    "decision_approved": lambda w: {"args": [w.case_approved.decisions.get().pk], "query": "",
                                    "obj": w.case_approved.decisions.get()},
    "letter_link": lambda w: {"args": [letters.signed_token(w.case_approved.decisions.get())], "query": "",
                              "obj": w.case_approved.decisions.get()},
}
for _name in ("staff_tool", "beneficiary_referred", "beneficiary_submitted", "beneficiary_branch", "beneficiary_awaiting",
              "case_received",
              "case_documents_complete", "case_declared", "case_with_committee", "case_returned", "case_approved", "case_registered",
              "case_in_service", "case_branch", "document_received", "document_with_committee", "document_branch",
              "declaration_with_committee", "referral_researcher", "referral_branch", "referral_volunteer",
              "interaction_volunteer", "interaction_officer", "interaction_portal", "message_failed", "message_failed_branch",
              "photo_received", "meeting", "case_rejected", "faq_entry"):
    TARGETS[_name] = _pk(_name)
TARGETS["meeting_closed"] = _pk("meeting_closed")
TARGETS["policy_version"] = lambda w: {"args": [PolicyVersion.objects.order_by("pk").first().version], "query": "",
                                       "obj": None}
TARGETS["survey"] = _pk("survey")
TARGETS["board_report"] = _pk("board_report")
TARGETS["board_recommendation"] = _pk("board_recommendation")
TARGETS["follow_up"] = _pk("follow_up")
TARGETS["survey_link"] = lambda w: {"args": [w.survey_token], "query": "", "obj": None}
TARGETS["feedback_hq"] = _pk("feedback_hq")
TARGETS["feedback_confidential"] = _pk("feedback_confidential")
TARGETS["feedback_category"] = _pk("feedback_category")
TARGETS["feedback_hq_answer"] = lambda w: {"args": [w.feedback_hq.pk, "answer"], "query": "", "obj": w.feedback_hq}
TARGETS["feedback_confidential_ans"] = lambda w: {"args": [w.feedback_confidential.pk, "answer"], "query": "",
                                                  "obj": w.feedback_confidential}
TARGETS["rating_link"] = lambda w: {"args": [feedback_register.rating_token(w.feedback_closed)], "query": "",
                                    "obj": w.feedback_closed}


def survey_data(w, obj, user):
    questions = feedback_actions.default_questions()
    data = {"name": "استبيان بعد الخدمة", "trigger": "delivery", "active": "on",
            "questions-TOTAL_FORMS": str(len(questions)), "questions-INITIAL_FORMS": "0"}
    for index, question in enumerate(questions):
        data.update({f"questions-{index}-{name}": question[name] for name in ("kind", "text_ar", "text_en", "role")})
    return data


def beneficiary_data(beneficiary, **changes):
    data = {
        "first_name": beneficiary.first_name, "father_name": beneficiary.father_name,
        "grandfather_name": beneficiary.grandfather_name, "family_name": beneficiary.family_name,
        "national_id": beneficiary.national_id, "mobile": beneficiary.mobile,
        "birth_date": beneficiary.birth_date.isoformat(), "gender": beneficiary.gender,
        "nationality": beneficiary.nationality, "region": beneficiary.region_id, "city": beneficiary.city,
        "branch": beneficiary.branch_id, "category": beneficiary.category_id,
        "preferred_channel": beneficiary.preferred_channel, "language": beneficiary.language,
    }
    data.update(changes)
    return data


def new_beneficiary_data(w, obj, user):
    return {
        "first_name": "يوسف", "father_name": "أحمد", "grandfather_name": "علي", "family_name": "الشمراني",
        "national_id": generate_national_id("1", 99_999_991), "mobile": "0559876543", "birth_date": "1988-03-02",
        "gender": "male", "nationality": "سعودي", "region": Region.objects.get(code="asir").pk, "city": "أبها",
        "branch": w.hq.pk, "category": Category.objects.first().pk,
        "preferred_channel": "sms", "language": "ar",
    }


def referral_data(w, obj, user):
    return {"researcher": w.users["researcher"].pk, "question": "يحتاج شرح خطوات الطلب"}


def case_file_upload(w, obj, user):
    doc_type = obj.support_type.required_documents.order_by("pk").last()
    today = timezone.localdate()
    return {"document_type": doc_type.pk, "file": pdf_file(),
            "issued_on": (today - datetime.timedelta(days=30)).isoformat(),
            "expires_on": (today + datetime.timedelta(days=300)).isoformat()}


PAYLOADS = {
    "accounts:login": lambda w, obj, user: {},
    "accounts:logout": lambda w, obj, user: {},
    # The outsider has no password to give (400: the form again, nothing changed).
    "accounts:password": lambda w, obj, user: {"old_password": DEMO_PASSWORD, "new_password1": "ورد-الربيع-2031",
                                               "new_password2": "ورد-الربيع-2031"},
    "beneficiaries:list": lambda w, obj, user: {"q": "ريان"},
    "audit:list": lambda w, obj, user: {"subject": "ريان"},
    "beneficiaries:new": new_beneficiary_data,
    "beneficiaries:edit": lambda w, obj, user: beneficiary_data(obj, city="خميس مشيط"),
    "beneficiaries:household_add": lambda w, obj, user: {"name": "عمر", "relation": "son"},
    "beneficiaries:household_remove": lambda w, obj, user: {},
    "beneficiaries:guardian_add": lambda w, obj, user: {
        "guardian-name": "فهد القحطاني", "guardian-national_id": generate_national_id("1", 61_000_003),
        "guardian-mobile": "0551230003", "guardian-relation": "brother"},
    "beneficiaries:guardian_end": lambda w, obj, user: {},
    "beneficiaries:verify": lambda w, obj, user: {"category": Category.objects.first().pk, "branch": obj.branch_id},
    "beneficiaries:reject": lambda w, obj, user: {"reason": "البيانات لا تطابق الهوية"},
    "beneficiaries:import": lambda w, obj, user: {"file": ContentFile(
        "\ufefffirst_name,national_id\nيوسف,1000000008\n".encode(), name="list.csv")},
    "beneficiaries:import_preview": lambda w, obj, user: {},
    "beneficiaries:import_run": lambda w, obj, user: {},
    "interactions:new": lambda w, obj, user: {
        "channel": "phone", "direction": "in", "kind": "inquiry", "summary": "استفسار عن الدعم",
        **({} if obj else {"contact_name": "سلمان", "contact_mobile": "0501112233"}),
    },
    "interactions:lookup": lambda w, obj, user: {"lookup": "ريان"},
    "interactions:detail": lambda w, obj, user: {"answer": "يصل الدعم خلال أسبوع."},
    "cases:list": lambda w, obj, user: {"q": "ريان", "status": "received"},
    "cases:new": lambda w, obj, user: {"support_type": SupportType.objects.first().pk, "channel": "phone",
                                       "need": "يحتاج إلى دعم العلاج"},
    "cases:upload_document": case_file_upload,
    "cases:verify_document": lambda w, obj, user: {},
    "cases:refuse_document": lambda w, obj, user: {"reason": "الصورة غير واضحة"},
    "cases:mark_incomplete": lambda w, obj, user: {"note": "ينقص تقرير طبي"},
    "cases:record_declaration": lambda w, obj, user: {
        "method": "on_screen", "signer_name": obj.beneficiary.full_name, "signature": signature_data_url(),
        "read_aloud": "on",
    },
    "cases:submit": lambda w, obj, user: {},
    "cases:register": lambda w, obj, user: {},
    "cases:close": lambda w, obj, user: {"note": "تم تقديم الخدمة"},
    "feedback:follow_up_done": lambda w, obj, user: {"note": "اتصلت بالمستفيد واعتذرت عن التأخير"},
    "feedback:survey_new": survey_data,
    "feedback:survey_edit": survey_data,
    "feedback:settings": lambda w, obj, user: {"expiry_days": "10", "reminder_days": "3", "anonymity_threshold": "5",
                                               "follow_up_rating": "2", "follow_up_days": "3"},
    # An empty answer: the questions shown again (400), for every visitor alike.
    "survey:answer": lambda w, obj, user: {},
    "feedback:register_new": lambda w, obj, user: {"kind": "complaint", "channel": "phone",
                                                   "text": "لم يصلني رد على طلبي", "sender_name": "سارة"},
    "feedback:register_step": lambda w, obj, user: {"response": "نعتذر عن التأخير، وتمت معالجة ما ذكرت."},
    "feedback:category_new": lambda w, obj, user: {"name_ar": "السلوك", "response_days": "5", "active": "on"},
    "feedback:category_edit": lambda w, obj, user: {"name_ar": "الخدمات العامة", "response_days": "4", "active": "on"},
    "feedback:category_move": lambda w, obj, user: {"direction": "down"},
    "feedback:rate": lambda w, obj, user: {},
    "services:record_delivery": lambda w, obj, user: {"service": Service.objects.first().pk, "quantity": "500",
                                                      "delivered_on": timezone.localdate().isoformat()},
    "committee:meeting_new": lambda w, obj, user: {
        "date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(), "time": "10:30",
        "place": "مقر الجمعية", "invited": [member.pk for member in committee_members()]},
    "committee:attendance": lambda w, obj, user: {"present": [w.users["chair"].pk, w.users["committee"].pk]},
    "committee:vote": lambda w, obj, user: {"choice": "approve", "note": "مستحق"},
    "committee:outcome": lambda w, obj, user: {"outcome": "rejected", "reasons": "غير مستوفٍ",
                                               "rejection_reason": RejectionReason.objects.first().pk},
    "committee:conflict": lambda w, obj, user: {"note": "قريب المتقدم"},
    "committee:close": lambda w, obj, user: {"confirm": "on"},
    "committee:agenda_add": lambda w, obj, user: {"case": w.case_for_agenda.pk},
    "committee:minutes_scan": lambda w, obj, user: {"file": pdf_file("محضر موقع.pdf")},
    "committee:circulation_vote": lambda w, obj, user: {"choice": "reject"},
    "committee:circulation_decide": lambda w, obj, user: {"outcome": "rejected", "reasons": "غير مستوفٍ",
                                                          "rejection_reason": RejectionReason.objects.first().pk},
    "cases:return": lambda w, obj, user: {"asked": "صورة عقد الإيجار الساري", "of_whom": "applicant"},
    "cases:provide_information": lambda w, obj, user: {"note": "أحضر المستفيد عقد الإيجار"},
    "committee:appeal": lambda w, obj, user: {"reason": "تغيّر دخل الأسرة بعد القرار"},
    "research:detail": lambda w, obj, user: {"answer": "شرحت له الخطوات"},
    "research:refer_case": referral_data,
    "research:refer_beneficiary": referral_data,
    "research:refer_interaction": referral_data,
    "research:report": lambda w, obj, user: {
        **{f"{section}-{name}": value for section in ("members", "incomes", "expenses", "debts")
           for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        "needs": "سداد الإيجار وفواتير الكهرباء", "action": "save",
    },
    "outbox:resend": lambda w, obj, user: {},
    "notifications:unifonic_hook": lambda w, obj, user: {},
    "notifications:whatsapp_hook": lambda w, obj, user: {},
    "notifications:sms_reply_hook": lambda w, obj, user: {},
    # An ID that is not registered: the same answer as a registered one (no enumeration).
    "portal:start": lambda w, obj, user: {"national_id": generate_national_id("2", 98_765_432)},
    "portal:code": lambda w, obj, user: {"code": "123456"},
    "portal:choose": lambda w, obj, user: {"choice": "0"},
    "portal:sign_out": lambda w, obj, user: {},
    # A robot's form: the honeypot filled (portal/tests/test_public.py posts real ones).
    "portal:contact": lambda w, obj, user: {"name": "زائر", "mobile": "0551234567", "kind": "inquiry",
                                            "text": "سؤال", "website": "http://spam.example"},
    "portal:track": lambda w, obj, user: {"number": "R-2020-99999"},
    "portal:track_code": lambda w, obj, user: {"code": "123456"},
    "portal:feedback_track": lambda w, obj, user: {"reference": "FB-2020-99999", "mobile": "0551234567"},
    "portal:feedback_track_code": lambda w, obj, user: {"code": "123456"},
    "portal:apply": lambda w, obj, user: {"support_type": SupportType.objects.filter(active=True).first().pk},
    "portal:apply_details": lambda w, obj, user: {"need": "أحتاج مساعدة في دفع إيجار البيت"},
    "portal:upload": lambda w, obj, user: {
        # A document the request still lacks (the only ones the portal offers).
        "document_type": (lacking(obj) or list(obj.support_type.required_documents.all()))[0].pk, "file": pdf_file(),
        "expires_on": valid_dates()["expires_on"].isoformat(),
    },
    "portal:declare": lambda w, obj, user: {"signer_name": obj.beneficiary.full_name, "agreed": "on"},
    "portal:declare_code": lambda w, obj, user: {"code": "123456"},
    "portal:answer": lambda w, obj, user: {"note": "أرفقت عقد الإيجار", "send": "1"},
    # The owner's own mobile (nothing to confirm) and a new e-mail.
    "portal:details": lambda w, obj, user: {
        "mobile": w.owner.mobile if hasattr(w, "owner") else "0551234567", "email": "owner@example.org",
        "preferred_channel": "sms", "language": "ar"},
    "portal:details_mobile": lambda w, obj, user: {"code": "123456"},
    "portal:register": lambda w, obj, user: {
        "national_id": generate_national_id("1", 98_765_433), "first_name": "سارة", "father_name": "أحمد",
        "grandfather_name": "علي", "family_name": "القحطاني", "mobile": "0551112233", "birth_date": "1995-03-14",
        "gender": "female", "region": w.hq.region_id, "city": "أبها"},
    "portal:register_code": lambda w, obj, user: {"code": "123456"},
    "portal:draft": lambda w, obj, user: {"draft_form": "contact", "kind": "inquiry", "text": "متى يصل الدعم؟"},
    "interactions:send_message": lambda w, obj, user: {
        "message": "appointment_reminder", "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "time": "10:30 ص", "place": "مقر الجمعية", "channel": "sms", "send": "1",
    },
    "wording:edit": lambda w, obj, user: {"subject": "استلام طلبك", "save": "1",
                                          "body": "{{ association }}: وصلنا طلبك {{ reference }}."},
    "wording:preview": lambda w, obj, user: {"subject": "استلام طلبك", "body": "وصلنا طلبك {{ reference }}."},
    # Nothing to restore: the shipped text is in force (302 back to the page, nothing changed).
    "wording:restore": lambda w, obj, user: {},
    "faq:suggest": lambda w, obj, user: {"q": "الاقرار", "for": "staff"},
    "faq:new": lambda w, obj, user: {"question_ar": "هل أستطيع تعديل طلبي؟", "answer_ar": "نعم، قبل رفعه للجنة.",
                                     "published": "on"},
    "faq:edit": lambda w, obj, user: {"question_ar": "ما الإقرار ولماذا أوقعه؟", "answer_ar": "تعهد بصحة البيانات."},
    "faq:publish": lambda w, obj, user: {"published": "0"},
    "faq:move": lambda w, obj, user: {"direction": "down"},
    "reports:policy_notice": lambda w, obj, user: {},
    # A year with no report yet (this month's is the world's).
    "reports:board": lambda w, obj, user: {"period": "g-y-2025"},
    "reports:board_recommend": lambda w, obj, user: {"text": "متابعة الشكاوى المتأخرة", "board_meeting": "الثالث"},
    "reports:board_publish": lambda w, obj, user: {},
}

# The audit row an allowed POST must write (None: an allowed POST that changes nothing).
WRITTEN = {
    "accounts:login": None,
    "accounts:logout": EventType.SIGNED_OUT,
    "accounts:password": EventType.PASSWORD_CHANGED,
    # A search is posted (so IDs stay out of URLs) and changes nothing.
    "beneficiaries:list": None,
    "cases:list": None,
    # The audit trail's filters are posted (a person's ID stays out of URLs) and change nothing.
    "audit:list": None,
    "beneficiaries:new": EventType.BENEFICIARY_CREATED,
    "beneficiaries:edit": EventType.BENEFICIARY_UPDATED,
    "beneficiaries:household_add": EventType.HOUSEHOLD_MEMBER_ADDED,
    "beneficiaries:household_remove": EventType.HOUSEHOLD_MEMBER_REMOVED,
    "beneficiaries:guardian_add": EventType.GUARDIAN_ADDED,
    "beneficiaries:guardian_end": EventType.GUARDIAN_ENDED,
    "beneficiaries:verify": EventType.BENEFICIARY_VERIFIED,
    "beneficiaries:reject": EventType.SELF_REGISTRATION_REJECTED,
    # A code asked for the typed mobile (no record yet), and a code page without one: nothing of the registry changes.
    "portal:register": None,
    "portal:register_code": None,
    # An upload, a dry run, or an import with no file (the matrix never has one in the session): no change.
    "beneficiaries:import": None,
    "beneficiaries:import_preview": None,
    "beneficiaries:import_run": None,
    "interactions:new": EventType.INTERACTION_LOGGED,
    # A search: changes nothing (its audit row is a read, REGISTRY_SEARCHED).
    "interactions:lookup": None,
    "interactions:detail": EventType.INTERACTION_ANSWERED,
    "cases:new": EventType.CASE_OPENED,
    "cases:upload_document": EventType.DOCUMENT_UPLOADED,
    "cases:verify_document": EventType.DOCUMENT_VERIFIED,
    "cases:refuse_document": EventType.DOCUMENT_REFUSED,
    "cases:mark_incomplete": EventType.CASE_MARKED_INCOMPLETE,
    "cases:record_declaration": EventType.DECLARATION_RECORDED,
    "cases:submit": EventType.CASE_SUBMITTED,
    "cases:register": EventType.BENEFICIARY_REGISTERED,
    "cases:close": EventType.CASE_CLOSED,
    "services:record_delivery": EventType.SERVICE_DELIVERED,
    "feedback:follow_up_done": EventType.FOLLOW_UP_DONE,
    "feedback:survey_new": EventType.SURVEY_CHANGED,
    "feedback:survey_edit": EventType.SURVEY_CHANGED,
    "feedback:settings": EventType.SURVEY_CHANGED,
    "survey:answer": EventType.SURVEY_ANSWERED,
    "feedback:register_new": EventType.FEEDBACK_RECEIVED,
    "feedback:register_step": EventType.FEEDBACK_ANSWERED,
    "feedback:category_new": EventType.SETTINGS_CHANGED,
    "feedback:category_edit": EventType.SETTINGS_CHANGED,
    "feedback:category_move": EventType.SETTINGS_CHANGED,
    "feedback:rate": EventType.FEEDBACK_CLOSED,
    "committee:meeting_new": EventType.MEETING_CREATED,
    "committee:attendance": EventType.ATTENDANCE_RECORDED,
    "committee:vote": EventType.VOTE_CAST,
    "committee:outcome": EventType.DECISION_RECORDED,
    "committee:conflict": EventType.CONFLICT_DECLARED,
    "committee:close": EventType.MEETING_CLOSED,
    "committee:agenda_add": EventType.AGENDA_ITEM_ADDED,
    "committee:minutes_scan": EventType.MINUTES_SIGNED,
    "committee:circulation_vote": EventType.VOTE_CAST,
    "committee:circulation_decide": EventType.DECISION_RECORDED,
    "cases:return": EventType.CASE_RETURNED,
    "cases:provide_information": EventType.INFORMATION_PROVIDED,
    "committee:appeal": EventType.APPEAL_FILED,
    "research:detail": EventType.REFERRAL_ANSWERED,
    "research:refer_case": EventType.REFERRAL_CREATED,
    "research:refer_beneficiary": EventType.REFERRAL_CREATED,
    "research:refer_interaction": EventType.REFERRAL_CREATED,
    "research:report": EventType.RESEARCH_REPORT_SAVED,
    "outbox:resend": EventType.MESSAGE_RESENT,
    # Delivery reports change a message's status (no audit row); the matrix's reports are refused.
    "notifications:unifonic_hook": None,
    "notifications:whatsapp_hook": None,
    "notifications:sms_reply_hook": None,
    # Asking for a code writes its rate-limit row (no audit row: codes are not audited, sign-ins are); without a
    # code asked for, a code or a sign-out changes nothing.
    "portal:start": None,
    "portal:code": None,
    # Without a right code just typed, the chooser offers nobody and changes nothing.
    "portal:choose": None,
    "portal:sign_out": None,
    # A robot's contact is not recorded; asking for a tracking code writes its rate-limit row only (as the sign-in);
    # without a code asked for, a code changes nothing.
    "portal:contact": None,
    "portal:track": None,
    "portal:track_code": None,
    "portal:feedback_track": None,
    "portal:feedback_track_code": None,
    # Applying from home: every staff persona is sent to the portal's sign-in, so nothing is written here (the
    # beneficiary's own writes, audited as theirs: test_portal_access.py and portal/tests/test_apply.py).
    "portal:apply": None,
    "portal:apply_details": None,
    "portal:upload": None,
    # The beneficiary's own acts: no staff member gets in (what the owner writes: test_portal_access.py).
    "portal:declare": None,
    "portal:declare_code": None,
    "portal:answer": None,
    "portal:details": None,
    "portal:details_mobile": None,
    # A draft is kept for a signed-in beneficiary only (what the owner keeps: test_portal_access.py).
    "portal:draft": None,
    "interactions:send_message": EventType.MESSAGE_SENT_BY_HAND,
    "wording:edit": EventType.MESSAGE_TEMPLATE_CHANGED,
    # The draft filled in with sample values: nothing saved.
    "wording:preview": None,
    "wording:restore": None,
    # The suggestions: a search of the published questions, nothing changed.
    "faq:suggest": None,
    "faq:new": EventType.FAQ_CHANGED,
    "faq:edit": EventType.FAQ_CHANGED,
    "faq:publish": EventType.FAQ_CHANGED,
    "faq:move": EventType.FAQ_CHANGED,
    "reports:policy_notice": EventType.POLICY_NOTICE_SENT,
    "reports:board": EventType.BOARD_REPORT_ISSUED,
    "reports:board_recommend": EventType.BOARD_RECOMMENDATION_RECORDED,
    "reports:board_publish": EventType.BOARD_RECOMMENDATION_PUBLISHED,
}

# The audit row every allowed read of a sensitive record must write.
READ = {
    "beneficiaries:detail": EventType.BENEFICIARY_VIEWED,
    "cases:detail": EventType.CASE_VIEWED,
    "cases:declaration_form_pdf": EventType.CASE_VIEWED,
    "cases:document_file": EventType.DOCUMENT_VIEWED,
    "cases:declaration_file": EventType.DECLARATION_VIEWED,
    "research:detail": EventType.REFERRAL_VIEWED,
    "research:report": EventType.RESEARCH_REPORT_VIEWED,
    "research:report_photo": EventType.RESEARCH_REPORT_VIEWED,
    # The page shows the full mobile or e-mail the message would go to.
    "interactions:send_message": EventType.BENEFICIARY_VIEWED,
    # A contact's page: what was said and by whom, a read of the contacts log.
    "interactions:detail": EventType.CONTACTS_LISTED,
    "committee_letters:download": EventType.DECISION_LETTER_VIEWED,
    "committee:minutes": EventType.MINUTES_VIEWED,
    # The appeal's page shows the applicant and the decision appealed.
    "committee:appeal": EventType.CASE_VIEWED,
}

# Reads through a signed link, without signing in: audited as the beneficiary's, whoever holds the link.
BENEFICIARY_READ = {
    "committee_letters:signed": EventType.DECISION_LETTER_VIEWED,
}

# The audit row every allowed view of a list showing personal data must write (one per page view).
LISTED = {
    "beneficiaries:list": EventType.REGISTRY_LISTED,
    "cases:list": EventType.CASES_LISTED,
    "interactions:list": EventType.CONTACTS_LISTED,
    "research:list": EventType.REFERRALS_LISTED,
    "committee:agenda": EventType.AGENDA_VIEWED,
    "committee:meeting": EventType.AGENDA_VIEWED,
    "reports:deadlines": EventType.DEADLINES_VIEWED,
    "reports:export_cases": EventType.LIST_EXPORTED,
    "reports:export_beneficiaries": EventType.LIST_EXPORTED,
    "reports:export_contacts": EventType.LIST_EXPORTED,
    "outbox:failed": EventType.MESSAGES_LISTED,
}

# Writes are numbered from 200; the failed-messages list's read sits with the other message rows (32x).
# Opening a confidential complaint (FEEDBACK_VIEWED) is a read, numbered with the register's events.
WRITE_EVENTS = [value for value in EventType.values if value >= 200 and value != EventType.FEEDBACK_VIEWED]


def state():
    """Everything a POST could change, as plain values."""
    return {
        "cases": sorted(Case.objects.values_list("pk", "status", "submitted_at", "closed_at")),
        "documents": sorted(CaseDocument.objects.values_list("pk", "status")),
        "beneficiaries": sorted(Beneficiary.objects.values_list("pk", "updated_at", "registered_at")),
        "household": sorted(HouseholdMember.objects.values_list("pk", flat=True)),
        "guardians": sorted(Guardian.objects.values_list("pk", "ended_at")),
        "declarations": sorted(Declaration.objects.values_list("pk", flat=True)),
        "referrals": sorted(Referral.objects.values_list("pk", "answered_at")),
        "research_reports": sorted(ResearchReport.objects.values_list("pk", "state", "updated_at", "needs")),
        "interactions": sorted(Interaction.objects.values_list("pk", "answered_at")),
        "decisions": sorted(Decision.objects.values_list("pk", flat=True)),
        "meetings": sorted(Meeting.objects.values_list("pk", "closed_at", "minutes_signed_at")),
        "attendance": sorted(Attendance.objects.values_list("pk", "present")),
        "agenda": sorted(AgendaItem.objects.values_list("pk", "outcome")),
        "votes": sorted(Vote.objects.values_list("pk", "choice", "note")),
        "conflicts": sorted(Conflict.objects.values_list("pk", flat=True)),
        "circulations": sorted(Circulation.objects.values_list("pk", "closed_at")),
        "deliveries": sorted(ServiceDelivery.objects.values_list("pk", flat=True)),
        "surveys": sorted(Survey.objects.values_list("pk", "name", "active", "updated_at")),
        "survey_settings": sorted(SurveySettings.objects.values_list("pk", "expiry_days", "anonymity_threshold")),
        "survey_responses": sorted(SurveyResponse.objects.values_list("pk", flat=True)),
        "follow_ups": sorted(FollowUp.objects.values_list("pk", "done_at")),
        "feedback": sorted(Feedback.objects.values_list("pk", "status", "assignee_id", "answered_at", "sender_rating")),
        "feedback_events": FeedbackEvent.objects.count(),
        "feedback_categories": sorted(FeedbackCategory.objects.values_list("pk", "name_ar", "position", "active")),
        # Not the code «التسجيل لأول مرة» sends to the mobile typed (to its code row: no one of the registry).
        "messages": sorted(Message.objects.exclude(person_type="portal.signincode").values_list("pk", "status")),
        "wording": sorted(MessageTemplate.objects.values_list("key", "language", "body")),
        "faq": sorted(FaqEntry.objects.values_list("pk", "question_ar", "answer_ar", "published", "order")),
        "policy_notices": sorted(PolicyNotice.objects.values_list("pk", flat=True)),
        "board_reports": sorted(BoardReport.objects.values_list("pk", flat=True)),
        "board_recommendations": sorted(BoardRecommendation.objects.values_list("pk", "published_at")),
        "case_events": CaseEvent.objects.count(),
        "written_audit": AuditEvent.objects.filter(event_type__in=WRITE_EVENTS).count(),
    }


def request(client, w, row, role):
    user = w.users.get(role)
    if user is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = w.sessions[role]
    target = TARGETS[row.target](w)
    url = reverse(row.view, args=target["args"]) + target["query"]
    if row.method == "GET":
        response = client.get(url, REMOTE_ADDR=CLIENT_IP)
    else:
        response = client.post(url, PAYLOADS[row.view](w, target["obj"], user), REMOTE_ADDR=CLIENT_IP)
    if response.streaming:
        # Reading a file response to the end closes it (and its file) the way the test client expects;
        # calling response.close() again would fire request_finished and close the database connection.
        b"".join(response.streaming_content)
    return response, target, user


def assert_status(response, expected):
    location = urlparse(response.get("Location", "")).path
    if expected == "login":
        assert (response.status_code, location) == (302, "/accounts/login/")
    elif expected == "admin":
        assert (response.status_code, location) == (302, "/settings/login/")
    elif expected == "portal":
        assert (response.status_code, location) == (302, "/portal/")
    else:
        assert response.status_code == int(expected), response.content[:300]


def _cells():
    for row in ROWS:
        for role in ROLES:
            expected = row.expected[role]
            marks = ()
            reason = KNOWN_BUGS.get((row.view, row.target, row.method, role))
            if reason:
                marks = (pytest.mark.xfail(strict=True, reason=reason),)
            label = f"{role} {row.method} {row.view} on {row.target} gets {expected}"
            yield pytest.param(row, role, id=label, marks=marks)


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("row, role", list(_cells()))
def test_every_role_gets_the_designed_answer_from_every_view(world, client, row, role):
    expected = row.expected[role]
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = state() if row.method == "POST" else None

    response, target, user = request(client, world, row, role)

    assert_status(response, expected)
    new_audit = AuditEvent.objects.filter(pk__gt=last_audit)
    refused = user is None or expected in ("400", "403", "404", "405")
    if row.method == "GET":
        # Every write is audited (see the actions), so a GET that wrote no audit row changed nothing.
        assert not new_audit.filter(event_type__in=WRITE_EVENTS).exists()
    elif refused or WRITTEN[row.view] is None:
        # A refusal, or an allowed POST that changes nothing: nothing changed at all.
        assert state() == before
        assert not new_audit.filter(event_type__in=WRITE_EVENTS).exists()
    else:
        assert new_audit.filter(event_type=WRITTEN[row.view], actor=user, ip_address=CLIENT_IP).exists(), (
            f"an allowed {row.view} must write its {EventType(WRITTEN[row.view]).label} audit row"
        )
    if expected == "404" or (user is None and row.view not in BENEFICIARY_READ):
        # Not even a read is recorded for what the user may not know exists.
        assert not new_audit.exists()
    if row.method == "GET" and expected == "200" and row.view in BENEFICIARY_READ:
        assert new_audit.filter(event_type=BENEFICIARY_READ[row.view], actor=None, actor_kind="beneficiary",
                                ip_address=CLIENT_IP, target_id=str(target["obj"].pk)).count() == 1
    if row.method == "GET" and expected == "200" and row.view in READ:
        assert new_audit.filter(event_type=READ[row.view], actor=user, actor_label=user.username,
                                ip_address=CLIENT_IP, target_id=str(target["obj"].pk)).count() == 1
    if row.method == "GET" and expected == "200" and row.view in LISTED:
        listed = new_audit.filter(event_type=LISTED[row.view], actor=user, ip_address=CLIENT_IP)
        assert listed.count() == 1 and "results" in listed.get().data


def _project_url_names(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            urlconf = getattr(pattern.urlconf_name, "__name__", pattern.urlconf_name)
            if pattern.namespace == "admin" or urlconf == "django.conf.urls.i18n":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _project_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                continue
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_pattern_of_the_project_is_in_the_access_table():
    in_project = set(_project_url_names(get_resolver()))
    in_table = {row.view for row in ROWS}
    assert in_project - in_table == set(), "views without access tests: add them to MATRIX"
    assert in_table - in_project == {"admin:index"}


def test_every_post_line_of_the_table_says_what_it_sends_and_which_audit_row_it_writes():
    post_views = {row.view for row in ROWS if row.method == "POST"}
    assert post_views == set(PAYLOADS)
    assert post_views == set(WRITTEN)


GET_VIEWS = {row.view for row in ROWS if row.method == "GET"}
POST_VIEWS = {row.view for row in ROWS if row.method == "POST"}


@pytest.mark.django_db
@pytest.mark.parametrize("view", sorted(POST_VIEWS - GET_VIEWS))
def test_a_view_that_only_takes_post_answers_get_with_405_and_changes_nothing(world, client, view):
    row = next(r for r in ROWS if r.view == view)
    client.force_login(world.users["officer"])
    before = state()
    response = client.get(reverse(view, args=TARGETS[row.target](world)["args"]))
    assert response.status_code == 405
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("view", sorted(GET_VIEWS - POST_VIEWS - {"admin:index"}))
def test_a_view_without_a_post_line_answers_post_with_405_and_changes_nothing(world, client, view):
    """So no view takes a POST that the table does not check."""
    row = next(r for r in ROWS if r.view == view)
    client.force_login(world.users["officer"])
    before = state()
    response = client.post(reverse(view, args=TARGETS[row.target](world)["args"]), {})
    assert response.status_code == 405
    assert state() == before


# ---------------------------------------------------------------------------------------------
# Reads are audited; volunteers see masked numbers
# ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "researcher", "volunteer", "manager", "auditor"])
def test_every_read_of_a_beneficiary_record_is_audited_with_the_reader_and_their_address(world, client, role):
    user = world.users[role]
    beneficiary = world.beneficiary_referred
    client.force_login(user)
    before = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_VIEWED).count()

    client.get(reverse("beneficiaries:detail", args=[beneficiary.pk]), REMOTE_ADDR="203.0.113.9")
    client.get(reverse("beneficiaries:detail", args=[beneficiary.pk]), REMOTE_ADDR="203.0.113.10")

    reads = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_VIEWED).order_by("pk")
    assert reads.count() == before + 2
    assert [(e.actor, e.actor_label, e.target_type, e.target_id, e.ip_address) for e in reads[before:]] == [
        (user, user.username, "beneficiaries.beneficiary", str(beneficiary.pk), "203.0.113.9"),
        (user, user.username, "beneficiaries.beneficiary", str(beneficiary.pk), "203.0.113.10"),
    ]


@pytest.mark.django_db
def test_a_volunteer_sees_a_beneficiary_record_with_the_id_and_mobile_masked(world, client):
    beneficiary = world.beneficiary_referred
    client.force_login(world.users["volunteer"])
    html = client.get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert beneficiary.full_name in html
    assert beneficiary.national_id not in html
    assert mask_national_id(beneficiary.national_id) in html
    assert beneficiary.mobile[-9:] not in html.replace(" ", "")
    assert "••• ••• " + beneficiary.mobile[-4:] in html
    assert "سارة" not in html  # household
    assert world.case_received.reference not in html  # requests and their timeline


@pytest.mark.django_db
def test_a_volunteer_sees_the_beneficiary_list_with_ids_and_mobiles_masked(world, client):
    client.force_login(world.users["volunteer"])
    html = client.get(reverse("beneficiaries:list")).content.decode()
    for beneficiary in Beneficiary.objects.all():
        assert beneficiary.full_name in html
        assert beneficiary.national_id not in html
        assert mask_national_id(beneficiary.national_id) in html
        assert beneficiary.mobile[-9:] not in html.replace(" ", "")


@pytest.mark.django_db
def test_the_officer_sees_the_full_id_where_the_volunteer_sees_it_masked(world, client):
    beneficiary = world.beneficiary_referred
    client.force_login(world.users["officer"])
    html = client.get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert beneficiary.national_id in html


# ---------------------------------------------------------------------------------------------
# Lists show only what the role may see (the same rule as the detail pages)
# ---------------------------------------------------------------------------------------------

ALL_HQ = {"ريان", "بدر", "تركي", "زياد", "ماجد", "نايف", "هشام"}
SUBMITTED = {"زياد", "ماجد", "نايف", "هشام"}
LISTED_BENEFICIARIES = {
    "officer": ALL_HQ | {"عادل"},
    "researcher": {"ريان"},
    "committee": SUBMITTED,
    "chair": SUBMITTED,
    "branch_rep": {"عادل"},
    "volunteer": ALL_HQ | {"عادل"},
    "manager": ALL_HQ | {"عادل"},
    "auditor": ALL_HQ | {"عادل"},
    "outsider": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(LISTED_BENEFICIARIES))
def test_the_beneficiary_list_shows_each_role_only_the_records_it_may_open(world, client, role):
    client.force_login(world.users[role])
    html = client.get(reverse("beneficiaries:list")).content.decode()
    shown = {first for first in ALL_HQ | {"عادل"} if f">{first} " in html}
    assert shown == LISTED_BENEFICIARIES[role]


LISTED_REFERRALS = {
    "officer": {"referral_researcher", "referral_branch", "referral_volunteer"},
    "researcher": {"referral_researcher"},
    "committee": set(),
    "chair": set(),
    "branch_rep": {"referral_branch"},
    "volunteer": {"referral_volunteer"},
    "manager": {"referral_researcher", "referral_branch", "referral_volunteer"},
    "auditor": {"referral_researcher", "referral_branch", "referral_volunteer"},
    "outsider": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(LISTED_REFERRALS))
def test_the_referral_list_shows_each_role_only_the_referrals_it_may_open(world, client, role):
    client.force_login(world.users[role])
    html = client.get(reverse("research:list") + "?state=all").content.decode()
    names = ("referral_researcher", "referral_branch", "referral_volunteer")
    shown = {name for name in names if reverse("research:detail", args=[getattr(world, name).pk]) in html}
    assert shown == LISTED_REFERRALS[role]


# ---------------------------------------------------------------------------------------------
# Referrals and branches (the visible_to fix)
# ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_branch_rep_does_not_see_a_referral_about_another_branch_made_by_a_colleague_of_their_branch(world):
    # An officer posted at the branch may still refer a head-office beneficiary.
    colleague = User.objects.create(username="officer_at_branch", branch=world.branch)
    colleague.roles.set([Role.OFFICER])
    referral = refer_to_researcher(researcher=world.other_researcher, question="سؤال عن الدعم", by=colleague,
                                   beneficiary=world.beneficiary_submitted)
    assert not Referral.objects.visible_to(world.users["branch_rep"]).filter(pk=referral.pk).exists()


@pytest.mark.django_db
def test_a_branch_rep_sees_every_referral_about_a_request_of_their_branch(world):
    referral = refer_to_researcher(researcher=world.other_researcher, question="سؤال", by=world.users["officer"],
                                   case=world.case_branch)
    assert Referral.objects.visible_to(world.users["branch_rep"]).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(world.users["outsider"]).filter(pk=referral.pk).exists()


@pytest.mark.django_db
def test_a_household_member_cannot_be_removed_through_another_beneficiarys_address(world, client):
    client.force_login(world.users["officer"])
    url = reverse("beneficiaries:household_remove", args=[world.beneficiary_referred.pk, world.member_branch.pk])
    assert client.post(url).status_code == 404
    assert HouseholdMember.objects.filter(pk=world.member_branch.pk).exists()


# ---------------------------------------------------------------------------------------------
# Reads that must not leak, and refusals that must not leave a read in the trail
# ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_beneficiary_page_shows_only_the_events_of_requests_the_reader_may_see(world, client):
    officer = world.users["officer"]
    hidden = case_actions.open_case(beneficiary=world.beneficiary_submitted, support_type=SupportType.objects.first(),
                                    channel="phone", need="طلب آخر", by=officer)
    case_actions.mark_incomplete(hidden, note="ملاحظة لا تخص اللجنة", by=officer)
    client.force_login(world.users["committee"])
    html = client.get(reverse("beneficiaries:detail", args=[world.beneficiary_submitted.pk])).content.decode()
    assert world.case_with_committee.reference in html  # the request the committee has
    assert "ملاحظة لا تخص اللجنة" not in html
    assert reverse("cases:detail", args=[hidden.pk]) not in html


@pytest.mark.django_db
def test_opening_the_edit_form_of_a_beneficiary_is_audited_as_a_read(world, client):
    client.force_login(world.users["officer"])
    response = client.get(reverse("beneficiaries:edit", args=[world.beneficiary_referred.pk]), REMOTE_ADDR=CLIENT_IP)
    assert world.beneficiary_referred.national_id in response.content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_VIEWED, actor=world.users["officer"],
                                     target_id=str(world.beneficiary_referred.pk), ip_address=CLIENT_IP).exists()


@pytest.mark.django_db
def test_a_refused_referral_of_a_request_leaves_no_row_in_the_audit_trail(world, client):
    client.force_login(world.users["researcher"])
    before = AuditEvent.objects.count()
    response = client.post(reverse("research:refer_case", args=[world.case_received.pk]),
                           {"researcher": world.users["researcher"].pk, "question": "؟"})
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def _full_numbers():
    """Every full national ID and mobile in the registry, in each form a page or a PDF could print it."""
    from mustafid.lib.saudi import format_mobile_local

    numbers = set()
    for national_id, mobile in Beneficiary.objects.values_list("national_id", "mobile"):
        numbers |= {national_id, mobile, mobile.replace("+966", "0"), format_mobile_local(mobile)}
    numbers |= {nid for nid in HouseholdMember.objects.values_list("national_id", flat=True) if nid}
    return numbers


@pytest.mark.django_db
@pytest.mark.parametrize("row", [row for row in ROWS if row.method == "GET" and row.expected["volunteer"] == "200"],
                         ids=lambda row: f"{row.view} on {row.target}")
def test_no_response_a_volunteer_can_open_holds_a_full_id_or_mobile(world, client, row):
    """Volunteers see names and the last four digits only (beneficiaries/disclosure.py), on every page they open."""
    response, _target, _user = request(client, world, row, "volunteer")
    assert response.status_code == 200
    body = b"" if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    leaked = sorted(number for number in _full_numbers() if number in text)
    assert leaked == [], f"{row.view} shows a volunteer {leaked}"


@pytest.mark.django_db
def test_a_volunteer_searching_the_registry_sees_masked_numbers_only(world, client):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions["volunteer"]
    response = client.post(reverse("beneficiaries:list"), {"q": world.beneficiary_referred.first_name}, follow=True)
    text = response.content.decode()
    assert world.beneficiary_referred.first_name in text
    assert world.beneficiary_referred.national_id[-4:] in text
    assert [number for number in _full_numbers() if number in text] == []

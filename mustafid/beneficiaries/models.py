"""The beneficiary registry.

Beneficiaries of these associations are vulnerable (addiction recovery, mental
health, prisoners' families): every read goes through `access_beneficiary`,
which writes an audit row, and volunteers see names and masked numbers only.
"""

import json
import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import BRANCHES, REGIONS, Branch, Region, bilingual
from mustafid.lib import arabic, saudi
from mustafid.lib.kept import Kept, rows_with
from mustafid.notifications.models import Channel as MessageChannel
from mustafid.notifications.outbox import Recipient


class Category(models.Model):
    """The association's beneficiary groups (الفئات المستفيدة), configured per association."""

    name_ar = models.CharField(_("الفئة"), max_length=100)
    name_en = models.CharField(_("الفئة بالإنجليزية"), max_length=100, blank=True)
    active = models.BooleanField(_("مفعلة"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("فئة المستفيدين")
        verbose_name_plural = _("فئات المستفيدين")
        ordering = ["order", "pk"]

    def __str__(self):
        return bilingual(self, "name")


# The categories as the registry's rows show them, kept by each process for 30 seconds (lib/kept.py).
CATEGORIES = Kept(lambda: list(Category.objects.order_by("pk")), Category)
_KeptRows = rows_with(branch=BRANCHES, category=CATEGORIES, region=REGIONS)


class Gender(models.TextChoices):
    MALE = "male", _("ذكر")
    FEMALE = "female", _("أنثى")


class BeneficiaryQuerySet(models.QuerySet):
    def rows(self):
        """The people as the registry's rows show them: the office, category and region from the copies each
        process keeps of them (`lib.kept.rows_with`), not a join."""
        rows = self._chain()
        rows._iterable_class = _KeptRows
        return rows

    def visible_to(self, user):
        """What a staff member may know exists. The one rule behind lists and `access_beneficiary`."""
        if user.reads_everything or user.is_officer or user.is_volunteer:
            return self
        # Several roles: what each of them sees, together. Subqueries rather than joins keep the rows unique.
        seen = Q(pk__in=[])
        if user.is_branch_rep and user.branch_id:
            seen |= Q(branch_id=user.branch_id)
        if user.is_researcher:
            seen |= Q(pk__in=Beneficiary.objects.filter(referrals__researcher=user).values("pk"))
        if user.is_committee_member:
            seen |= Q(pk__in=Beneficiary.objects.filter(cases__submitted_at__isnull=False).values("pk"))
        return self.filter(seen)

    def search(self, query, *, user, limit=None):
        """The people a typed search means, best first: an exact national ID, mobile (any format),
        request reference («2026-00042»: that request's beneficiary) or registration number; then
        national IDs beginning with the digits; or, for words, the people whose name holds every word
        — whole words first, then beginnings of words, then words with one typo (see `search.py`).

        Returns a queryset of at most `limit` people (default `SEARCH_LIMIT`) in that order, read
        from indexes only: no count and no scan of the registry. An empty query returns `self`.

        Roles that see masked numbers may not search by them, not even exactly: digits match nothing
        for them (else 64 prefix searches recover any full ID, and a guessed mobile is confirmed).
        Every list of people found with this goes through `search`, so the rule holds for all of them.
        """
        from .search import find_by_name

        query = arabic.clean_query(query)
        if not query:
            return self
        if has_digits(query) and not may_search_by_number(user):
            return self.none()
        limit = SEARCH_LIMIT if limit is None else max(0, min(int(limit), SEARCH_LIMIT_MAX))
        number = _number_part(query)
        if REFERENCE.fullmatch(number) or re.fullmatch(r"\+?[0-9]+", number):
            if limit and _whole_national_id(number):
                # A whole national ID is never a mobile and is unique: one indexed equality, read with the page,
                # with no ORDER BY (one row has no order; compiling the model's ordering was a third of the search).
                return self.filter(national_id=number.lstrip("+")).order_by()
            mobile = _only_a_mobile(number)
            if limit and mobile:
                # Only a mobile (it can be no ID, whole or begun): one statement, newest first, read with the page.
                newest = self.filter(mobile=mobile).order_by("-pk").values("pk")[:limit]
                return self.filter(pk__in=newest).order_by("-pk")
            ids = self._find_by_number(number, limit=limit)
        else:
            ids = find_by_name(arabic.name_tokens(query), limit=limit, scope=self)
        return self.in_order(ids)

    def in_order(self, ids):
        """These beneficiaries, in the order of `ids`."""
        if not ids:
            return self.none()
        rank = models.Case(*[models.When(pk=pk, then=models.Value(i)) for i, pk in enumerate(ids)],
                           output_field=models.IntegerField())
        return self.filter(pk__in=ids).order_by(rank)

    def _find_by_number(self, number, *, limit):
        reference = REFERENCE.fullmatch(number)
        exact = []
        if reference:
            year, serial = reference.group(1), int(reference.group(2))
            # A request's reference is its year of receipt and its number (cases.Case.reference).
            for pk, received_at in self.filter(cases__pk=serial).values_list("pk", "cases__received_at"):
                if f"{received_at:%Y}" == year:
                    exact.append(pk)
            exact += self.filter(registration_number=f"{year}-{serial:05d}").values_list("pk", flat=True)
            return list(dict.fromkeys(exact))[:limit]
        digits = number.lstrip("+")
        if _may_be_national_id(digits):
            exact += self.filter(national_id=digits).values_list("pk", flat=True)
        try:
            mobile = saudi.clean_mobile(number)
        except Exception:
            mobile = None
        if mobile:
            exact += self.filter(mobile=mobile).order_by("-pk").values_list("pk", flat=True)[:limit]
        if len(digits) >= ID_PREFIX_MIN and len(digits) < 10:
            # No ORDER BY … LIMIT in SQL (PostgreSQL would walk the primary key backwards filtering every row):
            # the IDs beginning with four digits or more are few; read them from the index alone (a bounded
            # number), keep the first by ID here, then fetch those people.
            begins = self.filter(national_id__startswith=digits).order_by().values_list("national_id", flat=True)
            first = sorted(begins[:ID_PREFIX_READ])[:limit]
            rows = dict(self.filter(national_id__in=first).values_list("national_id", "pk"))
            exact += [rows[national_id] for national_id in first if national_id in rows]
        return list(dict.fromkeys(exact))[:limit]


# How many people a search returns at most (a page of the registry asks for what it shows, plus one).
SEARCH_LIMIT = 200
SEARCH_LIMIT_MAX = 1000
# An ID search by its first digits needs this many (fewer would read a large part of the registry).
ID_PREFIX_MIN = 4
ID_PREFIX_READ = 2000
# A request reference or a registration number: year, dash, number («2026-00042», «2026-42»); a request's
# reference is shown with an R («R-2026-00042», cases.Case.reference), typed with or without it.
REFERENCE = re.compile(r"(?:[Rr]-?)?([0-9]{4})[-/]([0-9]{1,9})")


NUMBER_SEARCH_REFUSED = _("البحث برقم الهوية أو الجوال غير متاح لدورك؛ ابحث بالاسم")


def _number_part(query):
    """The query as a number: ASCII digits, no spaces; dashes dropped except in a reference «2026-00042»."""
    text = arabic.to_ascii_digits(query).replace(" ", "")
    if REFERENCE.fullmatch(text):
        return text
    return text.replace("-", "")


def _may_be_national_id(digits):
    """Whether these digits can be a stored national ID or iqama (`saudi.clean_national_id`: 10 digits, 1 or 2
    first), so a mobile typed «05…» or «9665…» costs no lookup by ID."""
    return len(digits) == 10 and digits[0] in "12"


def _whole_national_id(number):
    """Whether the typed number is a whole national ID or iqama (and so not a mobile, a reference or a prefix)."""
    if REFERENCE.fullmatch(number) or not _may_be_national_id(number.lstrip("+")):
        return False
    try:
        saudi.clean_mobile(number)
    except Exception:
        return True
    return False


def _only_a_mobile(number):
    """The mobile (E.164) the typed number is, when it can be nothing else: no national ID, whole or by its first
    digits (`_find_by_number`), and no reference. Else ""."""
    digits = number.lstrip("+")
    if REFERENCE.fullmatch(number) or _may_be_national_id(digits):
        return ""
    if ID_PREFIX_MIN <= len(digits) < 10 and digits[0] in "12":
        return ""
    try:
        return saudi.clean_mobile(number)
    except Exception:
        return ""


def has_digits(query):
    """Whether a query holds any digit (ASCII or Arabic-Indic): an ID or mobile, whole or in part."""
    return any(ch.isdigit() for ch in arabic.to_ascii_digits(query or ""))


def may_search_by_number(user):
    """Only roles that see full IDs and mobiles may search by them."""
    return user.sees_sensitive_data


def number_search_refused(user, query):
    """Whether the page should say that this role may not search by ID or mobile."""
    return bool(arabic.clean_query(query)) and has_digits(query) and not may_search_by_number(user)


class Beneficiary(models.Model):
    first_name = models.CharField(_("الاسم الأول"), max_length=40)
    father_name = models.CharField(_("اسم الأب"), max_length=40)
    grandfather_name = models.CharField(_("اسم الجد"), max_length=40)
    family_name = models.CharField(_("اسم العائلة"), max_length=40)
    # The four parts after Arabic normalisation, written with the name. Not indexed: name search reads the
    # name index (search.py), and two b-trees of 200-character keys made every registration and import slower.
    name_key = models.CharField(max_length=200, editable=False)
    national_id = models.CharField(_("رقم الهوية الوطنية / الإقامة"), max_length=10, unique=True)
    mobile = models.CharField(_("رقم الجوال"), max_length=16)
    # How the association's messages reach them (notifications): the channel they prefer, their language,
    # and their consent to awareness messages (service messages about their own requests need none; PDPL).
    email = models.EmailField(_("البريد الإلكتروني"), blank=True)
    preferred_channel = models.CharField(
        _("قناة الرسائل المفضلة"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.SMS
    )
    language = models.CharField(
        _("لغة الرسائل"), max_length=2, choices=[("ar", "العربية"), ("en", "English")], default="ar"
    )
    awareness_consent = models.BooleanField(
        _("يوافق على تلقي الرسائل التوعوية"), default=False,
        help_text=_("تُرسل رسائل الطلبات للجميع؛ أما الرسائل التوعوية فبموافقة المستفيد ويمكنه إلغاؤها متى شاء."),
    )
    birth_date = models.DateField(_("تاريخ الميلاد"))
    gender = models.CharField(_("الجنس"), max_length=6, choices=Gender.choices)
    nationality = models.CharField(_("الجنسية"), max_length=40, default="سعودي")
    region = models.ForeignKey(Region, verbose_name=_("المنطقة"), on_delete=models.PROTECT)
    city = models.CharField(_("المدينة"), max_length=60)
    branch = models.ForeignKey(
        Branch, verbose_name=_("المكتب الفرعي"), on_delete=models.PROTECT, related_name="beneficiaries"
    )
    # Null only while a self-registration awaits the officer (portal): the officer sets it when verifying.
    category = models.ForeignKey(
        Category, verbose_name=_("الفئة"), on_delete=models.PROTECT, related_name="beneficiaries",
        null=True, blank=True,
    )
    # Set by the `register_beneficiary` action once the committee approves a request.
    registration_number = models.CharField(_("رقم التسجيل"), max_length=20, blank=True)
    registered_at = models.DateTimeField(_("تاريخ التسجيل"), null=True, blank=True)
    created_at = models.DateTimeField(_("تاريخ الإضافة"), default=timezone.now)
    # The staff member who added the record; null when the beneficiary registered themselves in the portal
    # (the audit trail names the beneficiary through the portal as its actor).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("أضافه"),
        null=True, blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)
    # A first-time applicant may register themselves in the portal (ID, name, mobile confirmed by a code, birth
    # date, region): the record is «بانتظار تحقق الموظف» until an officer checks it against the ID and sets what
    # only staff set (the category); a request of theirs is not submitted to the committee before that.
    self_registered = models.BooleanField(_("سجّل نفسه عبر البوابة"), default=False)
    awaiting_verification = models.BooleanField(_("بانتظار تحقق الموظف"), default=False)
    verified_at = models.DateTimeField(_("تاريخ التحقق"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("تحقق منه"),
        null=True, blank=True,
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("مستفيد")
        verbose_name_plural = _("المستفيدون")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The registry list, newest first, a page at a time (keyset on created_at, pk).
            models.Index(fields=["created_at", "id"], name="beneficiary_created_idx"),
            # Search by mobile, newest first (equality only: no pattern index beside it).
            models.Index(fields=["mobile", "id"], name="beneficiary_mobile_idx"),
            # A registration number typed in the search (equality only).
            models.Index(fields=["registration_number"], name="beneficiary_registration_idx"),
            # The officer's list of self-registrations awaiting verification, oldest first (a few rows).
            models.Index(
                fields=["created_at", "id"], name="beneficiary_awaiting_idx", condition=Q(awaiting_verification=True)
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        from .search import NAME_PARTS, index_names

        self.name_key = arabic.search_key(self.first_name, self.father_name, self.grandfather_name, self.family_name)
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            # The name index (search.py) follows every change of the name, whoever saves it.
            if update_fields is None or set(update_fields) & set(NAME_PARTS):
                index_names([self])

    def get_absolute_url(self):
        return reverse("beneficiaries:detail", args=[self.pk])

    def as_recipient(self):
        """Who the association's messages go to, and how (see notifications.outbox)."""
        return Recipient(
            person_type=self._meta.label_lower, person_id=self.pk, mobile=self.mobile, email=self.email,
            preferred_channel=self.preferred_channel, language=self.language,
            awareness_consent=self.awareness_consent,
        )

    @property
    def full_name(self):
        return " ".join(p for p in (self.first_name, self.father_name, self.grandfather_name, self.family_name) if p)

    @property
    def id_kind_label(self):
        return _("هوية وطنية") if saudi.national_id_kind(self.national_id) == "citizen" else _("إقامة")

    @property
    def is_registered(self):
        return self.registered_at is not None

    def fingerprint_data(self):
        """The data the applicant's declaration vouches for (see cases.Declaration)."""
        return {
            "name": [self.first_name, self.father_name, self.grandfather_name, self.family_name],
            "national_id": self.national_id,
            "mobile": self.mobile,
            "birth_date": self.birth_date.isoformat(),
            "gender": self.gender,
            "nationality": self.nationality,
            "region": self.region.code,
            "city": self.city,
            "category": self.category_id,
            "household": [m.fingerprint_data() for m in self.household.order_by("pk")],
        }


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("زوج / زوجة")
        SON = "son", _("ابن")
        DAUGHTER = "daughter", _("ابنة")
        FATHER = "father", _("أب")
        MOTHER = "mother", _("أم")
        BROTHER = "brother", _("أخ")
        SISTER = "sister", _("أخت")
        OTHER = "other", _("أخرى")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("الاسم"), max_length=120)
    relation = models.CharField(_("صلة القرابة"), max_length=10, choices=Relation.choices)
    birth_date = models.DateField(_("تاريخ الميلاد"), null=True, blank=True)
    # Indexed for the duplicate check at registration: a new person may be someone's household member.
    national_id = models.CharField(_("رقم الهوية / الإقامة"), max_length=10, blank=True, db_index=True)

    class Meta:
        verbose_name = _("فرد أسرة")
        verbose_name_plural = _("أفراد الأسرة")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"

    def fingerprint_data(self):
        return [self.name, self.relation, self.birth_date.isoformat() if self.birth_date else "", self.national_id]


class Guardian(models.Model):
    """Someone who may act for a beneficiary in the portal: a parent for a minor, a spouse, a son for an elderly
    parent, a legal guardian. Added and ended by staff (with the audit trail); signs in with their own ID and a
    code to their own mobile, and everything they do there is recorded as done by the guardian (`Actor`
    kind «ولي أمر المستفيد عبر البوابة», with their name)."""

    class Relation(models.TextChoices):
        FATHER = "father", _("أب")
        MOTHER = "mother", _("أم")
        SPOUSE = "spouse", _("زوج / زوجة")
        SON = "son", _("ابن")
        DAUGHTER = "daughter", _("ابنة")
        BROTHER = "brother", _("أخ")
        SISTER = "sister", _("أخت")
        LEGAL = "legal", _("ولي أمر شرعي أو وكيل")
        OTHER = "other", _("أخرى")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("اسم ولي الأمر"), max_length=120)
    # Indexed: the portal's sign-in looks a typed ID up among guardians as well as beneficiaries.
    national_id = models.CharField(_("رقم هوية ولي الأمر"), max_length=10, db_index=True)
    mobile = models.CharField(_("جوال ولي الأمر"), max_length=16)
    relation = models.CharField(_("صلته بالمستفيد"), max_length=10, choices=Relation.choices)
    added_at = models.DateTimeField(_("تاريخ الإضافة"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("أضافه")
    )
    # Ended, not deleted: what a guardian did stays attributable to them.
    ended_at = models.DateTimeField(_("تاريخ الإلغاء"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ألغاه"),
        null=True, blank=True,
    )

    class Meta:
        verbose_name = _("ولي أمر")
        verbose_name_plural = _("أولياء الأمور")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "national_id"], condition=Q(ended_at__isnull=True),
                name="guardian_one_active_per_id",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"

    @property
    def active(self):
        return self.ended_at is None


class NameToken(models.Model):
    """A word of the vocabulary of names: one row per distinct normalised word (`arabic.name_tokens`)
    in the registry's names, and how many beneficiaries' names hold it. Written by `search.index_names`."""

    token = models.CharField(max_length=40, unique=True)
    # Read to start a search from its rarest word; moved by `index_names`, recomputed by `rebuild_name_index`.
    frequency = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.token


class NameTokenVariant(models.Model):
    """A vocabulary word with one letter deleted: the words one typo away from a typed word are those
    sharing a variant with it (symmetric delete). Written with the word by `search.vocabulary_ids`."""

    variant = models.CharField(max_length=40)
    token = models.ForeignKey(NameToken, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["variant", "token"], name="name_variant_unique")]


class BeneficiaryNameToken(models.Model):
    """That a beneficiary's four-part name holds a word, and the part it first appears in (0 first name
    … 3 family name). Searches read it by (token, beneficiary); `search.index_names` writes it."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.ForeignKey(NameToken, on_delete=models.PROTECT, related_name="+", db_index=False)
    position = models.PositiveSmallIntegerField()

    class Meta:
        # One row per (beneficiary, token): `index_names` writes them from a dict, under the beneficiary's lock.
        # Both indexes end with `position` so the reads and the probes are index-only scans.
        indexes = [
            # The people holding a word, newest first (read backwards, stopping at the page's end).
            models.Index(fields=["token", "beneficiary", "position"], name="name_token_people_idx"),
            # The search's probes (does this person hold one of these words?) and the rewrite of a name.
            models.Index(fields=["beneficiary", "token", "position"], name="beneficiary_tokens_idx"),
        ]


class TokenIdsField(models.Field):
    """The vocabulary ids of a name's words: `bigint[]` on PostgreSQL, where a GIN index intersects them
    (`search.people_holding`); elsewhere the same list kept as JSON text, written but never searched."""

    description = "name token ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        ids = [int(pk) for pk in value]
        return ids if connection.vendor == "postgresql" else json.dumps(ids)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)


@TokenIdsField.register_lookup
class Overlaps(models.Lookup):
    """`tokens__overlaps=[ids]`: the array holds one of these ids (PostgreSQL's `&&`, served by the GIN index)."""

    lookup_name = "overlaps"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}::bigint[]", [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [[int(pk) for pk in value]])


class BeneficiaryNameSet(models.Model):
    """A beneficiary's name words as one array: each word's vocabulary id, and the first name's words
    negated too (-id), so «first name is …» is one more overlap. Written with the `BeneficiaryNameToken`
    rows by `search.index_names`; on PostgreSQL a GIN index on `tokens` finds the few people holding a word
    of every typed word's expansion in one bitmap intersection, where a join of the (token, beneficiary)
    rows would merge long posting lists of common names."""

    beneficiary = models.OneToOneField(Beneficiary, primary_key=True, on_delete=models.CASCADE, related_name="+")
    tokens = TokenIdsField()

    def __str__(self):
        return str(self.beneficiary_id)

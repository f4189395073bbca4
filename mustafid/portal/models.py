"""The portal's sign-in by one-time code: the codes asked for, and the wrong codes tried.

Both tables hold no secret and no national ID in the clear: the ID and the mobile are kept as keyed
digests (HMAC-SHA256 with the deployment's SECRET_KEY), enough to count requests per ID and per mobile
for the rate limits, and the code as the digest of a per-row nonce and the code. A code asked for an ID
that is not registered gets its row too (no beneficiary, a digest of a code never sent), so sending and
trying cost the same and are limited the same whether or not the ID is known (no enumeration).

Rows older than a day are deleted by the periodic sweep (`actions.prune`); the audit trail keeps the
sign-ins, failures and lockouts (without the code).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.beneficiaries.models import Beneficiary, Guardian


class CodePurpose(models.TextChoices):
    """What a one-time code confirms: signing in, or, once signed in, an act that needs a fresh code."""

    SIGN_IN = "sign_in", _("الدخول")
    DECLARE = "declare", _("توقيع الإقرار")
    MOBILE = "mobile", _("تغيير رقم الجوال")
    TRACK = "track", _("تتبع طلب")
    REGISTER = "register", _("التسجيل لأول مرة")


class SignInCode(models.Model):
    """One code asked for on the sign-in page (or to confirm a declaration or a new mobile): valid
    `CODE_MINUTES`, used once, a few tries. Limits are counted per purpose."""

    # The typed ID's digest, the mobile on record's digest ("" when the ID is unknown), the asking address.
    id_digest = models.CharField(max_length=64)
    mobile_digest = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    beneficiary = models.ForeignKey(Beneficiary, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Set when the typed ID is a guardian's (the code went to the guardian's own mobile): signing in with it
    # acts for `beneficiary` as that guardian.
    guardian = models.ForeignKey(Guardian, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices, default=CodePurpose.SIGN_IN)
    # What a confirming code is for, as a keyed digest: the request and the fingerprint of its data (a
    # declaration), or the new mobile; a code confirms only that ("" for a sign-in).
    subject = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("رمز دخول")
        verbose_name_plural = _("رموز الدخول")
        indexes = [
            # The sending limits (actions.py `wait_seconds`): the latest rows of one ID, one mobile, one address.
            models.Index(fields=["id_digest", "-created_at"], name="portal_code_id_idx"),
            models.Index(fields=["mobile_digest", "-created_at"], name="portal_code_mobile_idx"),
            models.Index(fields=["ip_address", "-created_at"], name="portal_code_ip_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class SignInFailure(models.Model):
    """One wrong (or expired, or used) code tried: the lockout counts these per ID, per mobile and per address."""

    id_digest = models.CharField(max_length=64)
    mobile_digest = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices, default=CodePurpose.SIGN_IN)

    class Meta:
        verbose_name = _("محاولة دخول خاطئة")
        verbose_name_plural = _("محاولات الدخول الخاطئة")
        indexes = [
            models.Index(fields=["id_digest", "-at"], name="portal_failure_id_idx"),
            models.Index(fields=["mobile_digest", "-at"], name="portal_failure_mobile_idx"),
            models.Index(fields=["ip_address", "-at"], name="portal_failure_ip_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"


class PortalAccount(models.Model):
    """What the portal keeps of a beneficiary beyond the sign-in rows: when they last signed out everywhere.

    A portal session started before `sessions_ended_at` is over (session.py `current`): «الخروج من جميع الأجهزة»
    ends the sessions on a lost phone or a relative's computer without knowing where they are.
    """

    beneficiary = models.OneToOneField(Beneficiary, on_delete=models.CASCADE, related_name="+")
    sessions_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("حساب في خدمات المستفيد")
        verbose_name_plural = _("حسابات خدمات المستفيد")

    def __str__(self):
        return str(self.beneficiary_id)


class PortalDraft(models.Model):
    """A form the beneficiary began and has not sent: kept on the server (never in the browser of a shared phone)
    as they type, so no form has a time limit; restored when they come back, deleted when the form is sent or
    they discard it. Files are not kept in a draft (they are checked and stored only when the form is sent)."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    # Which form: "apply:<support type pk>", "contact", "answer:<request pk>", ...
    form = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("مسودة نموذج")
        verbose_name_plural = _("مسودات النماذج")
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "form"], name="portal_draft_one_per_form"),
        ]

    def __str__(self):
        return self.form

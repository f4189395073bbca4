"""Nothing secret is ever written to the audit trail: password hashes, one-time codes, tokens."""

from mustafid.audit.log import record
from mustafid.audit.models import AuditEvent, EventType


def test_secret_looking_keys_are_blanked_at_any_depth_and_the_rest_is_kept(officer):
    record(EventType.SETTINGS_CHANGED, actor=officer, data={
        "password": "pbkdf2_sha256$1000000$salt$hash",
        "changed": {"password": {"old": "md5$a$b", "new": "md5$c$d"}, "city": {"old": "أبها", "new": "بيشة"}},
        "portal": [{"otp_code": "482913", "mobile": "+966500000000"}, {"access_token": "eyJhbGci"}],
        "new_password1": "secret-1", "client_secret": "s3", "hashed": "h", "code": "1234", "decision_number": 7,
    })
    data = AuditEvent.objects.get().data
    text = str(data)
    for secret in ("pbkdf2", "md5$", "482913", "eyJhbGci", "secret-1", "s3", "'h'", "1234"):
        assert secret not in text
    assert data["changed"]["city"] == {"old": "أبها", "new": "بيشة"}
    assert data["portal"][0]["mobile"] == "+966500000000" and data["decision_number"] == 7
    assert data["password"] == data["code"] == "[محجوب]"

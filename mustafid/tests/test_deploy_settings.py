"""Production settings pass Django's deployment check; development stays on plain HTTP.

Each case runs `manage.py` in a fresh process with the environment an operator would set, because the
settings are read from the environment once, at start-up.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8Qx-2vZ_pW7mN4rT9yL3bH6cJ1fD5gS0aE8uI2oP7qR4wV6zX1n"


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                                  "TRUSTED_PROXY_COUNT", "SECURE_COOKIES", "DJANGO_SETTINGS_MODULE")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def setting_values(names, **env):
    code = "from django.conf import settings; print(repr([getattr(settings, n) for n in %r]))" % (names,)
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 (our own repr of plain values)


def test_the_deployment_check_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="mustafid.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_and_sends_hsts_for_a_year_while_development_stays_on_http():
    redirect, hsts, subdomains, proxy_header = setting_values(
        ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER"],
        DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="a")
    assert (redirect, hsts, subdomains, proxy_header) == (True, 365 * 24 * 3600, True, None)
    redirect, hsts, secure_cookie = setting_values(
        ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"], DEBUG="true")
    assert (redirect, hsts, secure_cookie) == (False, 0, False)  # make run


def test_behind_a_trusted_proxy_its_forwarded_protocol_is_believed():
    (proxy_header,) = setting_values(["SECURE_PROXY_SSL_HEADER"], DEBUG="false", SECRET_KEY=STRONG_KEY,
                                     ALLOWED_HOSTS="a", TRUSTED_PROXY_COUNT="1")
    assert proxy_header == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_idle_time_is_configurable():
    minutes, age, at_close = setting_values(
        ["SESSION_IDLE_MINUTES", "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE"],
        DEBUG="true", SESSION_IDLE_MINUTES="15")
    assert (minutes, at_close) == (15, True) and age <= 20 * 60

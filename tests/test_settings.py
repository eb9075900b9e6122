"""Production mode: required variables and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "ACCESS_DETAILS_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


KEY = "q0bLJqnUD6VvTn3OTwQdD4iXy8bLr4o0aZ9bdqAeGqE="  # a Fernet key for these runs only


def test_production_refuses_to_start_without_secret_key():
    result = _run(
        "check", DJANGO_DEBUG="false", ALLOWED_HOSTS="portal.example.com",
        ACCESS_DETAILS_KEYS=KEY,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run("check", DJANGO_DEBUG="false", SECRET_KEY="x" * 64, ACCESS_DETAILS_KEYS=KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_without_access_details_keys():
    """ORD-14: credentials are never stored without a key from the environment."""
    result = _run(
        "check", DJANGO_DEBUG="false", SECRET_KEY="x" * 64, ALLOWED_HOSTS="portal.example.com"
    )
    assert result.returncode != 0
    assert "ACCESS_DETAILS_KEYS must be set" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY="k3y-" + "a1B2c3D4e5" * 6,
        ALLOWED_HOSTS="portal.example.com",
        ACCESS_DETAILS_KEYS=KEY,
        PAYPRO_IPN_ALLOWED_IPS="198.51.100.10",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_of_an_empty_ipn_allowlist_unless_meant():
    """BIL-2/issue 14: production hears IPNs from PayPro Global's addresses only, or
    says explicitly that the signature alone is relied on."""
    prod = {"DJANGO_DEBUG": "false", "SECRET_KEY": "k3y-" + "a1B2c3D4e5" * 6,
            "ALLOWED_HOSTS": "portal.example.com", "ACCESS_DETAILS_KEYS": KEY,
            "PAYPRO_IPN_ALLOWED_IPS": ""}
    warned = _run("check", "--deploy", "--fail-level", "WARNING", **prod)
    assert warned.returncode != 0 and "billing.W001" in warned.stderr + warned.stdout
    meant = _run("check", "--deploy", "--fail-level", "WARNING", PAYPRO_IPN_ANY_ADDRESS="true",
                 **prod)
    assert meant.returncode == 0, meant.stdout + meant.stderr


def test_production_settings_create_nothing_as_they_load(tmp_path):
    """Issue 14: in production mode the settings only read the environment — no var/
    directory, no key file, no broker folders, no static root appear on import."""
    var = tmp_path / "var-not-created"
    result = _run(
        "check", DJANGO_DEBUG="false", SECRET_KEY="k3y-" + "a1B2c3D4e5" * 6,
        ALLOWED_HOSTS="portal.example.com", ACCESS_DETAILS_KEYS=KEY, VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", CELERY_BROKER_URL="filesystem://",
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_embedded_run_keeps_its_files_under_var_dir(tmp_path):
    """The development default: keys, the local broker and static root under VAR_DIR."""
    var = tmp_path / "var"
    result = _run("check", DJANGO_DEBUG="true", VAR_DIR=str(var), DATABASE_URL="",
                  CELERY_BROKER_URL="filesystem://")
    assert result.returncode == 0, result.stderr
    assert {"secret_key", "access_details_key", "celery", "static"} <= {
        p.name for p in var.iterdir()}


def test_the_connection_pool_is_used_when_asked():
    """Issue 14: DATABASE_POOL puts psycopg's pool under Django (persistent connections
    off); the portal then serves requests from it."""
    script = ("from django.conf import settings; from django.db import connection; "
              "d = settings.DATABASES['default']; print(d['OPTIONS']['pool'], d['CONN_MAX_AGE']); "
              "connection.ensure_connection(); print(type(connection.pool).__name__)")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        import pytest
        pytest.skip("the pool is PostgreSQL's")
    from urllib.parse import urlsplit, urlunsplit

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))  # a database that exists
    result = _run("shell", "-c", script, DATABASE_URL=server, DATABASE_POOL="true",
                  DATABASE_POOL_MAX_SIZE="4")
    assert result.returncode == 0, result.stderr
    assert "'max_size': 4" in result.stdout and " 0\n" in result.stdout
    assert "ConnectionPool" in result.stdout


def test_an_empty_broker_url_is_the_embedded_broker_with_every_folder_under_var_dir(tmp_path):
    """Issue 16: copying .env.example (CELERY_BROKER_URL=) keeps the filesystem broker,
    and its control tables (worker pings) go under VAR_DIR, not ./control."""
    script = ("from django.conf import settings as s; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
              "print(s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND); print(o['control_folder'])")
    result = _run("shell", "--no-imports", "-c", script, VAR_DIR=str(tmp_path),
                  CELERY_BROKER_URL="",
                  CELERY_RESULT_BACKEND="", DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "filesystem:// None"
    assert result.stdout.splitlines()[1] == str(tmp_path / "celery" / "control")

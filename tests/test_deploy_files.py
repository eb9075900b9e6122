"""Issue 14: the deployment files say what docs/deploy.md says — one image, non-root,
web/worker/beat/release with PostgreSQL and Redis, health checks, volumes, one beat —
and every variable the settings read is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_from_the_environment_is_in_env_example():
    settings = (ROOT / "slaportal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.[a-z_]+)?\("([A-Z][A-Z0-9_]+)"', settings))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(),
                                re.MULTILINE))
    assert len(read) > 30
    assert read - documented == set()


def test_the_image_is_multi_stage_and_runs_as_a_user_without_privileges():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.MULTILINE)
    assert stages == ["build", "runtime"]
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    users = re.findall(r"^USER (\S+)", runtime, re.MULTILINE)
    assert users == ["portal"]
    assert "collectstatic" in runtime and "HEALTHCHECK" in runtime
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"' in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", ".env"} <= set(ignored)


def test_compose_runs_web_worker_beat_and_the_release_step_on_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/health/ready/" in " ".join(services["web"]["healthcheck"]["test"])
    assert " ".join(services["migrate"]["command"]).count("migrate --noinput") == 1
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        environment = services[name]["environment"]
        assert environment["DJANGO_DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["beat"]["command"][:4] == ["celery", "-A", "slaportal", "beat"]
    worker_queues = next(arg for arg in services["worker"]["command"]
                         if arg.startswith("--queues="))
    procfile_worker = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                           if line.startswith("worker:"))
    assert worker_queues in procfile_worker


def test_the_systemd_units_run_the_same_commands():
    folder = ROOT / "deploy" / "systemd"
    units = {path.stem: path.read_text() for path in folder.glob("*.service")}
    assert set(units) == {"slaportal-web", "slaportal-worker", "slaportal-beat"}
    assert "gunicorn -c gunicorn.conf.py slaportal.wsgi:application" in units["slaportal-web"]
    assert "--queues=celery,mail,sweeps,recompute" in units["slaportal-worker"]
    assert "celery -A slaportal beat" in units["slaportal-beat"]
    for text in units.values():
        assert "User=portal" in text and "EnvironmentFile=/etc/slaportal/env" in text
        assert "NoNewPrivileges=true" in text

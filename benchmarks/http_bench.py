"""HTTP under load: gunicorn with production settings against the scale database.

Starts gunicorn (``gunicorn.conf.py``, 2 workers, worker recycling off), signs in a
typical customer and a support engineer through real sessions, then measures requests
per second and p50/p95 of a typical customer page and of the ticket queue under 8
concurrent connections, and the resident memory of one worker over 1,000 requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slaportal_bench \\
        .venv/bin/python benchmarks/http_bench.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8765
TYPICAL_EMAIL = "customer00042@scale.example"


def production_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "false")
    env.setdefault("SECRET_KEY", "http-benchmark-only-" + "y" * 40)
    env.setdefault("ACCESS_DETAILS_KEYS", Fernet.generate_key().decode())
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    return env


def session_cookie(email: str, env: dict[str, str]) -> str:
    """A signed-in session for ``email``, made the way login makes one."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slaportal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from slaportal.accounts.models import User

    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_staff:  # a staff session that passed its second factor, as in production
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Benchmark",
                                                     defaults={"confirmed": True})
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def get(path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def load(path: str, cookie: str, *, requests: int, concurrency: int) -> tuple[float, float, float]:
    for _ in range(concurrency):
        get(path, cookie)  # warm every worker
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        times = sorted(pool.map(lambda _: get(path, cookie), range(requests)))
    took = time.perf_counter() - started
    return requests / took, statistics.median(times), times[int(0.95 * (len(times) - 1))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def workers_of(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = production_env()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    env.update(WEB_CONCURRENCY=str(args.workers), GUNICORN_MAX_REQUESTS="0",
               GUNICORN_BIND=f"127.0.0.1:{PORT}", GUNICORN_ACCESS_LOG="/dev/null")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "slaportal.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        customer = session_cookie(TYPICAL_EMAIL, env)
        from slaportal.accounts.models import User

        engineer = session_cookie(
            User.objects.filter(is_superuser=True).values_list("email", flat=True)[0], env)
        for _ in range(100):
            try:
                get("/accounts/login/", "")
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for name, path, cookie in (
            ("typical customer: tickets", "/support/", customer),
            ("typical customer: payments", "/billing/payments/", customer),
            ("ticket queue (admin)", "/admin/support/ticket/", engineer),
        ):
            rps, p50, p95 = load(path, cookie, requests=args.requests,
                                 concurrency=args.concurrency)
            rows.append((name, rps, p50, p95))
            print(f"{name:<30} {rps:7.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms "
                  f"({args.concurrency} connections, {args.workers} workers)", flush=True)
        pids = workers_of(server.pid)
        before = {pid: rss_kib(pid) for pid in pids}
        for i in range(1000):
            get("/support/" if i % 2 else "/admin/support/ticket/", customer if i % 2 else
                engineer)
        after = {pid: rss_kib(pid) for pid in pids}
        for pid in pids:
            print(f"worker {pid}: RSS {before[pid] / 1024:.1f} MiB before, "
                  f"{after[pid] / 1024:.1f} MiB after 1,000 more requests "
                  f"({(after[pid] - before[pid]) / 1024:+.1f} MiB)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

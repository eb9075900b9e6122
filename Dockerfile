# SLA Portal: one image for the web server, the Celery worker and beat (docs/deploy.md).
# Build: docker build -t slaportal .   Run all of it: docker compose up

# --- build: the virtual environment with every runtime dependency -------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# --- runtime: the code, the collected static files, a user without privileges -------
FROM python:3.11-slim-bookworm AS runtime
# Pango and a font for WeasyPrint (the PDF statements).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin portal
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=false \
    STATIC_ROOT=/app/staticfiles \
    VAR_DIR=/tmp/slaportal \
    LOG_FORMAT=json
WORKDIR /app
COPY . /app
# Static files are part of the image (hashed names, compressed; served by WhiteNoise).
# The settings need a key and hosts to load; these throwaway values never leave the step.
RUN SECRET_KEY=collectstatic ALLOWED_HOSTS=localhost \
    ACCESS_DETAILS_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --noinput -v0 \
 && python -m compileall -q /app/slaportal /app/orders /app/support /app/billing
# The code stays owned by root: the portal's user can read it, not change it.
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/health/live/', headers={'Host': 'localhost'}), timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "slaportal.wsgi:application"]

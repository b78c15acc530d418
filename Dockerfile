# Samling: one image for the web process (uvicorn) and the Celery worker.
FROM python:3.13-slim

# PYTHONPATH: the app runs from /app, where its templates, static files and translations are;
# the copy `pip install .` puts in site-packages has only the Python modules.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    MEDIA_ROOT=/app/media

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts for the lederplakat PDF; DejaVu and
# Liberation cover æ, ø and å and stand in for the fonts the stylesheets name. poppler-utils
# draws the picture of a poster's first page (pdftoppm).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fontconfig fonts-dejavu-core fonts-liberation poppler-utils \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 10001 --user-group samling

WORKDIR /app

# The dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

# Static files are collected at build with the production storage (hashed, compressed names).
# This SECRET_KEY exists only for this command; the real one comes from the environment.
RUN DEBUG=false SECRET_KEY=build-time-placeholder-for-collectstatic-never-used-at-runtime \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown samling:samling /app/media

USER samling
EXPOSE 8000

# --proxy-headers: client address and scheme come from the reverse proxy in front; uvicorn trusts
# them only from the addresses in FORWARDED_ALLOW_IPS (default 127.0.0.1).
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]

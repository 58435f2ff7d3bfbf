# Harbour production image: gunicorn serving Django, static files by whitenoise.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json Makefile ./
RUN npm ci --no-audit --no-fund --loglevel=error
RUN mkdir -p static && apt-get update -qq && apt-get install -y -qq make >/dev/null \
    && make static/vendor/.built

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home harbour
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /build/static/vendor static/vendor
# collectstatic needs settings to load; these build-time placeholders are not secrets and
# are not in the final environment.
RUN DEBUG=false SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
    ALLOWED_HOSTS=build FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktLS0tLS0tLS0tLS0= \
    python manage.py collectstatic --no-input
USER harbour
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --timeout 60 --access-logfile - --access-logformat '%(h)s %(m)s %(U)s %(s)s %(b)s %(M)sms'"]

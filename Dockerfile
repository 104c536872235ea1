# One image for both roles: `newsflow api` and `newsflow worker` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# a C toolchain for the few dependencies without wheels (pycld2)
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# dependencies first (cached layer), then the code
COPY pyproject.toml README.md ./
RUN mkdir -p services workers shared \
    && touch cli.py services/__init__.py workers/__init__.py shared/__init__.py \
    && pip install . \
    && pip uninstall -y newsflow
COPY . .
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 newsflow \
    && mkdir -p /app/var && chown newsflow /app/var
USER newsflow

ENV NEWSFLOW_HOST=0.0.0.0 \
    NEWSFLOW_PORT=8080 \
    NEWSFLOW_DATA_DIR=/app/var
EXPOSE 8080
CMD ["newsflow", "api"]

# Outpost as a service: `docker build -t outpost . && docker run -v outpost-data:/data outpost`
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OUTPOST_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY adapters ./adapters
COPY bot ./bot
COPY locales ./locales
RUN pip install --no-cache-dir . \
 && useradd --system --uid 1000 --home-dir /data outpost \
 && mkdir -p /data && chown outpost /data

USER outpost
VOLUME ["/data"]
ENTRYPOINT ["outpost"]
CMD ["run"]

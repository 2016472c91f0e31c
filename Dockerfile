# The ConflictGraph service and command line, for docker compose (Neo4j store).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY api ./api
COPY cypher ./cypher
COPY seed_data ./seed_data
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["conflictgraph", "stats"]

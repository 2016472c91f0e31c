# The ConflictGraph service and command line, for docker compose (Neo4j store).

# The Explorer's page, built from the locked npm packages (no CDN at run time).
FROM node:20-slim AS explorer
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY explorer ./explorer
RUN npm run build:explorer

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY api ./api
COPY cypher ./cypher
COPY seed_data ./seed_data
RUN pip install --no-cache-dir .
COPY --from=explorer /src/explorer/dist ./explorer/dist
ENV CONFLICTGRAPH_EXPLORER_DIR=/app/explorer/dist
EXPOSE 8000
CMD ["conflictgraph", "stats"]

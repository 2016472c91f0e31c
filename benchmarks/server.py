"""The API under test, plus `/_floor`: a constant response of the same size as a small API
response, served by the same server — the HTTP floor no endpoint can beat.

    python -m benchmarks.server STORE PORT FLOOR_JSON_FILE
"""
from __future__ import annotations

import sys

import uvicorn
from fastapi.responses import Response

from conflictgraph.api.app import create_app
from conflictgraph.api.connections import prepare_process, uvicorn_options


def main() -> None:
    store, port, floor_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import os
    os.environ["CONFLICTGRAPH_STORE"] = store
    app = create_app()
    body = open(floor_file, "rb").read()

    @app.get("/_floor", include_in_schema=False)
    def floor():
        return Response(body, media_type="application/json")

    prepare_process()   # as `serve` does
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options())


if __name__ == "__main__":
    main()

"""Print, as one JSON line, each benchmarked path's status and the queries Django runs for it.

Run in the benchmark's bake: `manage.py shell -c "from benchmark_reference.probe import main; main()"`,
with the paths (name -> path) as JSON in BENCHMARK_PATHS. Each path is asked
twice and the second answer counted, as a server that has been running a while
would answer it.
"""

import json
import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def main() -> None:
    paths: dict[str, str] = json.loads(os.environ["BENCHMARK_PATHS"])
    # The benchmark's requests come "through an HTTPS proxy", as in production.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    found = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found[name] = {"status": response.status_code, "queries": len(queries)}
    print(json.dumps(found))

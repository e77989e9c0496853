"""The served benchmark (benchmarks/served.py) still runs: one round of one second.

Its figures are not checked (these machines are noisy), only that it bakes,
serves, finds the API's document equal to the reference's and reports a
round without a refused answer.
"""

import sys

from tests.helpers import TEMPLATE_DIR, run


def test_served_benchmark_runs_a_round():
    result = run([sys.executable, "benchmarks/served.py", "--smoke"], TEMPLATE_DIR, timeout=600)

    assert "postgresql: ratio to the reference, median of 1 rounds" in result.stdout, result.stdout[-3000:]

"""The benchmarks still run: served.py's one round of one second, pages.py's two small catalogues.

Their figures are not checked (these machines are noisy), only that served.py
bakes, serves, finds the API's document equal to the reference's and reports a
round without a refused answer, and that pages.py bakes, seeds, finds every
page answering what it should (the cursor pages equal to the offset pages) and
reports its ratios and plans.
"""

import sys

from tests.helpers import TEMPLATE_DIR, run


def test_served_benchmark_runs_a_round():
    result = run([sys.executable, "benchmarks/served.py", "--smoke"], TEMPLATE_DIR, timeout=600)

    assert "postgresql: ratio to the reference, median of 1 rounds" in result.stdout, result.stdout[-3000:]


def test_pages_benchmark_measures_two_catalogues():
    result = run([sys.executable, "benchmarks/pages.py", "--smoke"], TEMPLATE_DIR, timeout=600)

    assert "target: api_first at 1,000 books within" in result.stdout, result.stdout[-3000:]

"""The benchmarks' pure helpers are scripts beside each other in bench/ (run as
``python bench/NAME.py``, importing their siblings by name): their folder goes on the path."""

from __future__ import annotations

import os
import sys

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)

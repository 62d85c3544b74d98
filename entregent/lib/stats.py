"""Small statistics in plain Python, for pages that must not load numpy."""

from __future__ import annotations

import math


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion ``successes / total``, as (low, high);
    (0.0, 1.0) when there is nothing to go on. Unlike the normal approximation it stays
    within [0, 1] and is honest about small samples: 2 agrees out of 2 is (0.34, 1.0)."""
    if total <= 0:
        return 0.0, 1.0
    p = successes / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)

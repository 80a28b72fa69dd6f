"""npskit holds no global state: calls from many threads give serial results."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

import npskit


def test_concurrent_tallies_match_serial_ones() -> None:
    rng = np.random.default_rng(3)
    datasets = []
    for i in range(16):
        values = rng.integers(0, 11, 200_000).astype(float)
        values[rng.random(values.size) < 0.01 * (i % 4)] = np.nan
        datasets.append(values)
    weights = [rng.random(d.size) + 0.5 for d in datasets]
    serial = [npskit.tally(d, weights=w) for d, w in zip(datasets, weights, strict=True)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(
            pool.map(
                lambda dw: npskit.tally(dw[0], weights=dw[1]), zip(datasets, weights, strict=True)
            )
        )
    assert threaded == serial

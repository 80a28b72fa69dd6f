"""Suite-wide pytest configuration."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the engine tests last.

    Their session fixtures start local Dask and Spark clusters whose background
    threads keep running until the session ends. Hypothesis notices those
    threads using the global ``random`` module during its generation and warns,
    which ``filterwarnings = error`` turns into failures of unrelated property
    tests. With the engine tests last, no other test runs beside the clusters;
    the engine tests' own property tests ignore that one warning, which comes
    from the clusters' threads, not from the strategies.
    """
    del config
    items.sort(key=lambda item: item.get_closest_marker("engines") is not None)
    for item in items:
        if item.get_closest_marker("engines") is not None:
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:Do not use the `random` module inside strategies"
                    ":hypothesis.errors.HypothesisDeprecationWarning"
                )
            )

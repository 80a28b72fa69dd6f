"""One session-scoped fixture per engine, started once and stopped at the end.

Each fixture skips (with the reason) when the engine's package is not
installed, and the Spark fixture also when Java is missing. Every local
cluster binds to 127.0.0.1 only. Third-party warnings raised while an engine
starts or stops (PySpark about pandas 3, for example) are silenced there, so
that ``filterwarnings = error`` keeps applying to npskit's own code.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

Columns = dict[str, list[Any]]
Types = dict[str, str]  # column name -> "str", "int", "float", "date" or "datetime"


@dataclass(frozen=True)
class Engine:
    """How to build a native frame of one engine from Python lists."""

    name: str
    make: Callable[[Columns, Types], Any]


@pytest.fixture(scope="session")
def polars_engine() -> Engine:
    pl = pytest.importorskip("polars", reason="polars is not installed")
    pytest.importorskip("narwhals", reason="narwhals is not installed")
    kinds = {
        "str": pl.String,
        "int": pl.Int64,
        "float": pl.Float64,
        "date": pl.Date,
        "datetime": pl.Datetime("us"),
    }

    def make(columns: Columns, types: Types) -> Any:
        return pl.LazyFrame(columns, schema={name: kinds[types[name]] for name in columns})

    return Engine("polars", make)


@pytest.fixture(scope="session")
def polars_eager_engine(polars_engine: Engine) -> Engine:
    return Engine("polars-eager", lambda c, t: polars_engine.make(c, t).collect())


@pytest.fixture(scope="session")
def duckdb_engine() -> Iterator[Engine]:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    pytest.importorskip("narwhals", reason="narwhals is not installed")
    connection = duckdb.connect()
    kinds = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us"),
    }
    keep: list[Any] = []  # the arrow tables the relations read from

    def make(columns: Columns, types: Types) -> Any:
        table = pa.table({n: pa.array(v, type=kinds[types[n]]) for n, v in columns.items()})
        keep.append(table)
        return connection.from_arrow(table)

    yield Engine("duckdb", make)
    connection.close()


@pytest.fixture(scope="session")
def dask_engine() -> Iterator[Engine]:
    dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed")
    distributed = pytest.importorskip("distributed", reason="distributed is not installed")
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    pytest.importorskip("narwhals", reason="narwhals is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            host="127.0.0.1",
            protocol="tcp",
            dashboard_address="127.0.0.1:0",
            n_workers=2,
            threads_per_worker=1,
            processes=False,
        )
        client = distributed.Client(cluster)
    kinds = {
        "str": object,
        "int": "Int64",
        "float": "float64",
        "date": "datetime64[ns]",
        "datetime": "datetime64[ns]",
    }

    def make(columns: Columns, types: Types) -> Any:
        frame = pd.DataFrame({n: pd.Series(v, dtype=kinds[types[n]]) for n, v in columns.items()})
        return dd.from_pandas(frame, npartitions=2)

    yield Engine("dask", make)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.close()
        cluster.close()


def _java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[Engine]:
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    pytest.importorskip("narwhals", reason="narwhals is not installed")
    if not _java_available():
        pytest.skip("Java is not installed (PySpark needs Java 17: openjdk-17-jre-headless)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .appName("npskit-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.pyspark.python", sys.executable)  # workers use this venv too
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
    kinds = {
        "str": "string",
        "int": "bigint",
        "float": "double",
        "date": "date",
        "datetime": "timestamp",
    }

    def make(columns: Columns, types: Types) -> Any:
        schema = ", ".join(f"`{n}` {kinds[types[n]]}" for n in columns)
        rows = list(zip(*columns.values(), strict=True))
        return spark.createDataFrame(rows, schema=schema)

    yield Engine("spark", make)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spark.stop()


ENGINES = ["polars-eager", "polars", "duckdb", "dask", "spark"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn (its session fixture starts on first use)."""
    name = str(request.param).replace("-", "_")
    value = request.getfixturevalue(f"{name}_engine")
    assert isinstance(value, Engine)
    return value

"""Reading answers from files (CSV, Parquet, compressed, standard input) and the bundled example."""

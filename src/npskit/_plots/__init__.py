"""Charts (matplotlib, imported lazily)."""

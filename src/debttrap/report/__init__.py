"""Charts and the self-contained HTML report (the edge of the package)."""

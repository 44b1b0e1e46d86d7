"""Versioned cell maps of the LIC-DSF Excel template (read by debttrap.io.workbook)."""

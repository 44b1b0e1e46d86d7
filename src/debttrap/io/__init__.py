"""The edge of the package: files in and out. The core never imports this."""

from debttrap.io.files import load_loan, load_loans, read_document, validation_error_to_input_error

__all__ = ["load_loan", "load_loans", "read_document", "validation_error_to_input_error"]

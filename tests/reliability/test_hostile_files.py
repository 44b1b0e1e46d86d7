"""Issue 13, finding 5 (and 7): hostile files get one line naming the file, never a
traceback; a byte-order mark (as Windows Notepad saves UTF-8) is accepted."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from debttrap.country.model import Country
from debttrap.errors import InputError
from debttrap.io.files import MAX_FILE_BYTES, load_loans, parse_model, read_document

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
LOAN_TOML = """\
name = "probe"
amount_m = 100
signing_year = 2025
rate_pct = 2
grace_years = 5
maturity_years = 20
[creditor]
name = "Lender"
type = "bilateral_other"
"""


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "loan.toml"
    path.write_bytes(b"\xef\xbb\xbf" + LOAN_TOML.encode())
    assert load_loans(path)[0].amount_m == 100.0
    js = tmp_path / "loan.json"
    js.write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
    assert read_document(js) == {"a": 1}


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("deep.toml", ("a = " + "[" * 5000 + "]" * 5000).encode(), "nested"),  # RecursionError
    ("deep.json", ("[" * 100_000 + "]" * 100_000).encode(), "nested"),
    ("deep2.json", ('{"a": ' * 40 + "1" + "}" * 40).encode(), "nested more than"),
    ("bigint.toml", ("amount_m = " + "9" * 5000).encode(), "4,300 digits"),  # ValueError
    ("utf16.toml", LOAN_TOML.encode("utf-16"), "UTF-16"),
    ("latin1.toml", 'name = "caf\xe9"\n'.encode("latin-1"), "UTF-8"),
])
def test_hostile_files_are_one_line(name: str, content: bytes, needle: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=needle) as info:
        read_document(path)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_huge_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match="limited to"):
        read_document(path)


def test_a_device_is_not_an_input_file() -> None:
    with pytest.raises(InputError):
        read_document("/dev/zero.toml" if Path("/dev/zero.toml").exists() else "/dev/null")


def test_huge_integer_in_a_loan_via_the_cli(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "loan.toml"
    path.write_text(LOAN_TOML.replace("amount_m = 100", "amount_m = " + "9" * 4000))
    code, out, err = run_cli(["grant-element", str(path)])
    assert code == 2 and out == "" and err.count("\n") == 1 and "amount_m" in err, err


def test_gdp_of_1e308_names_the_input_field() -> None:
    """Finding 7: GDP 1e308 gave 45 numpy warnings and then named a derived field."""
    doc = tomllib.loads((ROOT / "examples" / "lic-dsf-illustrative.toml").read_text())
    doc.pop("stress", None)
    year = next(iter(doc["macro"]["nominal_gdp_usd_m"]))
    doc["macro"]["nominal_gdp_usd_m"][year] = 1e308
    with pytest.raises(InputError) as info:
        parse_model(Country, doc, source="country.toml")
    assert info.value.field is not None
    assert info.value.field.startswith("macro.nominal_gdp_usd_m"), str(info.value)

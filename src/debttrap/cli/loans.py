"""``debttrap schedule`` and ``debttrap grant-element``."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from debttrap.cashflows import grant_element, schedule
from debttrap.cli import app
from debttrap.cli._common import check_table_finite, console, print_json
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.errors import InputError
from debttrap.io.files import load_loan, validation_error_to_input_error
from debttrap.terms.loan import Loan

# Model fields and library arguments as the user typed them on the command line.
_FLAG_OF = {
    "interest.rate_pct": "--rate-pct",
    "rate_pct": "--rate-pct",
    "maturity_years": "--maturity-years",
    "grace_years": "--grace-years",
    "payments_per_year": "--payments-per-year",
    "amortization": "--amortization",
    "management_fee_pct": "--management-fee-pct",
    "commitment_fee_pct": "--commitment-fee-pct",
    "disbursement_shares": "--disbursement-shares",
    "method": "--method",
    "income_group": "--income-group",
    "discount_rate_pct": "--discount-rate-pct",
}


def _as_flag_error(err: InputError) -> InputError:
    """The same one-line error, naming the command-line flag instead of the model field."""
    text = str(err)
    if err.field in _FLAG_OF:
        return InputError(text.split(": ", 1)[1], field=_FLAG_OF[err.field])
    for field, flag in _FLAG_OF.items():  # model-level checks name the field in the text
        if err.field is None and "." not in field and text.startswith(f"{field} ("):
            return InputError(text, field=flag)
    return err


@app.command("schedule")
def schedule_cmd(
    loan_file: Annotated[Path, typer.Argument(help="Loan file (.toml or .json).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    by_year: Annotated[
        bool, typer.Option("--by-year", help="Sum flows by calendar year instead of per period.")
    ] = False,
) -> None:
    """Print a loan's schedule: disbursements, interest, principal, fees and balance."""
    if as_json and as_csv:
        raise InputError("choose one of --json and --csv", field="--json/--csv")
    loan = load_loan(loan_file)
    sched = schedule(loan)
    frame = sched.by_year() if by_year else sched.to_frame()
    if as_csv:
        check_table_finite(frame, where="the schedule")  # no documented gaps
        buf = io.StringIO()
        frame.to_csv(buf, float_format="%.10g")
        sys.stdout.write(buf.getvalue())
        return
    if as_json:
        index_name = "year" if by_year else "years_after_signing"
        rows = [
            {index_name: idx, **record}
            for idx, record in zip(frame.index.tolist(), frame.to_dict("records"), strict=True)
        ]
        ge = grant_element(loan)
        print_json(
            {
                "loan": loan.name,
                "currency": loan.currency,
                "amount_m": loan.amount_m,
                "units": f"millions of {loan.currency}",
                "rows": rows,
                "totals": sched.totals(),
                "grant_element_pct": ge.grant_element_pct,
            }
        )
        return
    title = (f"{loan.name}: {loan.creditor.name}, {loan.amount_m:,.1f} m {loan.currency}, "
             f"{loan.interest.describe()}, grace {loan.grace_years:g} y, "
             f"maturity {loan.maturity_years:g} y")
    header = ["year" if by_year else "t (years)", *(c.replace("_", " ") for c in frame.columns)]
    cells: list[list[Cell]] = []
    for idx, row in frame.iterrows():
        label = str(idx) if by_year else f"{idx:g}"
        cells.append([
            label, *[f"{row[c]:,.3f}" if c != "year" else str(int(row[c])) for c in frame.columns]
        ])
    print_table(console, TableSpec(header, cells, title))
    ge = grant_element(loan)
    console.print(
        f"Grant element (IMF, 5%): [bold]{ge.grant_element_pct:.2f}%[/bold] -> "
        f"{'concessional' if ge.concessional else 'not concessional'} (threshold 35%)"
    )


def _parse_shares(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InputError(
            f"'{text}' is not a comma-separated list of numbers", field="--disbursement-shares"
        ) from None


@app.command("grant-element")
def grant_element_cmd(
    loan_file: Annotated[
        Path | None, typer.Argument(help="Loan file (.toml or .json), instead of the flags.")
    ] = None,
    rate_pct: Annotated[float | None, typer.Option(help="Fixed interest rate, % a year.")] = None,
    maturity_years: Annotated[
        float | None, typer.Option(help="Maturity, years from signing.")
    ] = None,
    grace_years: Annotated[
        float | None,
        typer.Option(help="Grace: no principal before this; first repayment at grace + 1/a."),
    ] = None,
    payments_per_year: Annotated[int | None, typer.Option(help="1, 2 or 4 (default 2).")] = None,
    amortization: Annotated[
        str | None, typer.Option(help="equal-principal (default) | annuity | bullet")
    ] = None,
    management_fee_pct: Annotated[
        float | None, typer.Option(help="Front-end fee, % of commitment (default 0).")
    ] = None,
    commitment_fee_pct: Annotated[
        float | None, typer.Option(help="% a year on the undisbursed balance (default 0).")
    ] = None,
    disbursement_shares: Annotated[
        str | None, typer.Option(help="Shares by year after signing, e.g. 0.3,0.4,0.3.")
    ] = None,
    method: Annotated[str, typer.Option(help="imf | oecd-dac")] = "imf",
    income_group: Annotated[
        str | None, typer.Option(help="ldc | lic | lmic | umic (needed for oecd-dac)")
    ] = None,
    discount_rate_pct: Annotated[
        float | None, typer.Option(help="Override the method's discount rate, %.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Grant element of a loan by the IMF or the OECD-DAC method."""
    # the terms a loan from flags needs, and which a LOAN_FILE already gives
    terms = {
        "--rate-pct": rate_pct, "--maturity-years": maturity_years, "--grace-years": grace_years
    }
    # flags that describe a loan: a LOAN_FILE already gives them, so they must not be ignored
    loan_flags = {
        **terms,
        "--payments-per-year": payments_per_year,
        "--amortization": amortization,
        "--management-fee-pct": management_fee_pct,
        "--commitment-fee-pct": commitment_fee_pct,
        "--disbursement-shares": disbursement_shares,
    }
    if loan_file is not None:
        given = [k for k, v in loan_flags.items() if v is not None]
        if given:
            raise InputError(
                f"give either LOAN_FILE or {', '.join(given)}, not both", field=given[0]
            )
        loan = load_loan(loan_file)
    else:
        payments_per_year = 2 if payments_per_year is None else payments_per_year
        amortization = "equal-principal" if amortization is None else amortization
        missing = [k for k, v in terms.items() if v is None]
        if missing:
            raise InputError("is required when no LOAN_FILE is given", field=", ".join(missing))
        data: dict[str, object] = {
            "name": "loan from flags",
            "creditor": {"name": "unspecified", "type": "bilateral_other"},
            "amount_m": 100.0,
            "signing_year": 2025,
            "rate_pct": rate_pct,
            "maturity_years": maturity_years,
            "grace_years": grace_years,
            "payments_per_year": payments_per_year,
            "amortization": amortization,
            "management_fee_pct": management_fee_pct or 0.0,
            "commitment_fee_pct": commitment_fee_pct or 0.0,
        }
        shares = _parse_shares(disbursement_shares)
        if shares is not None:
            data["disbursement_shares"] = shares
        if amortization.strip().lower().replace("-", "_") not in (
            "equal_principal",
            "annuity",
            "bullet",
        ):
            raise InputError(
                f"unknown amortization '{amortization}' (use equal-principal, annuity or bullet)",
                field="--amortization",
            )
        if payments_per_year not in (1, 2, 4):
            raise InputError("must be 1, 2 or 4", field="--payments-per-year")
        try:
            loan = Loan.model_validate(data)
        except ValidationError as exc:
            raise _as_flag_error(validation_error_to_input_error(exc)) from None
    try:
        ge = grant_element(
            loan, method=method, income_group=income_group, discount_rate_pct=discount_rate_pct
        )
    except InputError as exc:
        raise _as_flag_error(exc) from None
    if as_json:
        print_json(ge.to_dict())
        return
    console.print(
        f"Grant element ({ge.method}, discount {ge.discount_rate_pct:g}%): "
        f"[bold]{ge.grant_element_pct:.2f}%[/bold] -> "
        f"{'concessional' if ge.concessional else 'not concessional'} "
        f"(threshold {ge.threshold_pct:g}%)"
    )

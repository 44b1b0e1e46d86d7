"""ISO 4217 currency codes that debttrap accepts (plus SDR, the IMF's unit)."""

from __future__ import annotations

__all__ = ["KNOWN_CURRENCIES", "validate_currency"]

# ISO 4217 active codes for the currencies sovereign debt is written in, plus the
# currencies of the low- and middle-income borrowers in the bundled data.
KNOWN_CURRENCIES: frozenset[str] = frozenset(
    """
    USD EUR JPY GBP CHF CNY SDR XDR CAD AUD KRW SAR AED KWD QAR INR RUB TRY BRL ZAR
    AFN ALL AMD AOA ARS AZN BAM BDT BGN BHD BIF BND BOB BTN BWP BYN BZD CDF CLP COP
    CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB FJD GEL GHS GMD GNF GTQ GYD HNL HTG
    HUF IDR ILS IQD IRR ISK JMD JOD KES KGS KHR KMF KPW KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD
    OMR PAB PEN PGK PHP PKR PLN PYG RON RSD RWF SBD SCR SDG SEK SGD SLE SLL SOS SRD
    SSP STN SYP SZL THB TJS TMT TND TOP TTD TWD TZS UAH UGX UYU UZS VES VND VUV WST
    XAF XCD XOF XPF YER ZMW ZWL HKD
    """.split()
)


def validate_currency(code: str) -> str:
    """Return the upper-cased code, or raise ``ValueError`` naming the unknown code."""
    norm = code.strip().upper()
    if norm not in KNOWN_CURRENCIES:
        raise ValueError(f"unknown currency '{code}' (use an ISO 4217 code such as USD, EUR, CNY)")
    return norm

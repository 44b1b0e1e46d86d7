"""The project's shared vocabulary: the risk scale, creditor groups and the breach rule.

Every layer speaks these words; each is defined once, here, and nowhere else:

* :class:`Risk` — the LIC-DSF's risk of debt distress (low, moderate, high, in
  distress), used for a country's rating (``dsa``) and for the rating before and
  after an offer (``leverage``), ordered and coded as the template codes it;
* :class:`CreditorType` — the creditor types of a loan contract, as the World
  Bank's debt statistics and the LIC-DSF split them;
* :class:`CreditorGroup` — the groups a country's debt is tabled by (who a country
  owes), carried by every debt line so that no layer recovers a group from a
  line's name;
* :data:`MIN_BREACH_YEARS` — a path breaches a threshold only when it is above it
  in at least this many years of the window (LIC-DSF Guidance Note 2018, ¶ 83).

The module imports nothing from the package, so every layer may import it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CREDITOR_GROUPS",
    "MIN_BREACH_YEARS",
    "CreditorGroup",
    "CreditorType",
    "Risk",
]

#: A path breaches only if it is above its threshold in at least this many years.
MIN_BREACH_YEARS = 2


class Risk(StrEnum):
    """Risk of debt distress, ordered low < moderate < high < in distress."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    IN_DISTRESS = "in_distress"

    @property
    def code(self) -> int:
        """1 low, 2 moderate, 3 high (the template's scale), 4 in distress."""
        return _RISK_CODE[self]

    @property
    def label(self) -> str:
        """The rating in words ("in distress", not ``in_distress``)."""
        return self.value.replace("_", " ")

    @classmethod
    def from_code(cls, code: int) -> Risk:
        """The rating with the template's code ``code`` (1-4)."""
        try:
            return _CODE_RISK[int(code)]
        except (KeyError, TypeError, ValueError):
            from debttrap.errors import InputError

            raise InputError(
                f"no risk rating has code {code!r} (1 low, 2 moderate, 3 high, 4 in distress)",
                field="risk",
            ) from None


_RISK_CODE = {Risk.LOW: 1, Risk.MODERATE: 2, Risk.HIGH: 3, Risk.IN_DISTRESS: 4}
_CODE_RISK = {v: k for k, v in _RISK_CODE.items()}


class CreditorType(StrEnum):
    """Creditor types of a loan contract, as the World Bank's debt statistics and the
    LIC-DSF split them."""

    MULTILATERAL = "multilateral"
    BILATERAL_PARIS_CLUB = "bilateral_paris_club"
    BILATERAL_OTHER = "bilateral_other"
    COMMERCIAL_BANK = "commercial_bank"
    BONDHOLDERS = "bondholders"
    SUPPLIER = "supplier"


class CreditorGroup(StrEnum):
    """Who a country owes: the groups its PPG external debt is tabled by.

    The first seven are mutually exclusive and add up to the World Bank's PPG total
    (see :mod:`debttrap.country.creditors` for their definitions); ``not_itemised``
    holds debt known in total only, whose creditor is not known.
    """

    CHINA = "china"
    MULTILATERAL = "multilateral"
    PARIS_CLUB = "paris_club"
    OTHER_BILATERAL = "other_bilateral"
    BONDHOLDERS = "bondholders"
    COMMERCIAL_BANKS = "commercial_banks"
    OTHER_PRIVATE = "other_private"
    NOT_ITEMISED = "not_itemised"

    @property
    def label(self) -> str:
        """The group in words, for tables and reports."""
        return _GROUP_LABEL[self]

    @classmethod
    def of_creditor_type(cls, creditor_type: CreditorType | str) -> CreditorGroup:
        """The group a creditor of this contract type belongs to when nothing else is known
        (a Chinese lender is tabled as ``china`` only when its line says so)."""
        return _GROUP_OF_TYPE[CreditorType(creditor_type)]


_GROUP_LABEL = {
    CreditorGroup.CHINA: "China",
    CreditorGroup.MULTILATERAL: "Multilateral",
    CreditorGroup.PARIS_CLUB: "Paris Club",
    CreditorGroup.OTHER_BILATERAL: "Other bilateral",
    CreditorGroup.BONDHOLDERS: "Bondholders",
    CreditorGroup.COMMERCIAL_BANKS: "Commercial banks",
    CreditorGroup.OTHER_PRIVATE: "Other private",
    CreditorGroup.NOT_ITEMISED: "Creditor not itemised",
}

_GROUP_OF_TYPE = {
    CreditorType.MULTILATERAL: CreditorGroup.MULTILATERAL,
    CreditorType.BILATERAL_PARIS_CLUB: CreditorGroup.PARIS_CLUB,
    CreditorType.BILATERAL_OTHER: CreditorGroup.OTHER_BILATERAL,
    CreditorType.COMMERCIAL_BANK: CreditorGroup.COMMERCIAL_BANKS,
    CreditorType.BONDHOLDERS: CreditorGroup.BONDHOLDERS,
    CreditorType.SUPPLIER: CreditorGroup.OTHER_PRIVATE,
}

#: The seven itemised groups, in the order every creditor table uses.
CREDITOR_GROUPS: tuple[str, ...] = tuple(
    g.value for g in CreditorGroup if g is not CreditorGroup.NOT_ITEMISED
)

#: The number of Monte Carlo paths a user may ask for (``--paths``, a scenario's
#: ``settings.n_paths``): below 100, a probability moves in steps of more than 1 pp;
#: above a million, memory rather than precision is the limit. The one rule, checked
#: by :func:`debttrap.io.scenario.check_n_paths` and the scenario model.
MIN_PATHS = 100
MAX_PATHS = 1_000_000

"""Public sources for the report, in place of the project's own reference notes.

Scenario files and bundled data cite the project's compiled reference notes
(``lending-terms.md §5``, ``syria-2025-facts.md §6``, ``lic-dsf-method.md``), which a
reader of the report cannot open. Each section of those notes compiles published
documents; :func:`cite_public` replaces a citation of a note with short citations of
those documents, and :func:`public_sources` lists the ones a report cited, with their
titles and addresses, for its "Public sources" table. Only the words change: every
number stays as its source note gave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "PUBLIC_DOCUMENTS",
    "PublicDocument",
    "citation_context",
    "cite_public",
    "public_sources",
]


@dataclass(frozen=True, slots=True)
class PublicDocument:
    key: str
    short: str  # the citation in the text
    title: str  # author, title, publisher, date
    url: str


_DOCS = (
    PublicDocument("imf-dlp", "IMF Debt Limits Policy",
                   "IMF, Debt Limits Policy and the grant-element calculator (discount rate 5%, "
                   "concessional from a 35% grant element), 2013-2021",
                   "https://www.imf.org/en/Topics/sovereign-debt/debt-limits-policy"),
    PublicDocument("oecd-oda", "OECD ODA rules",
                   "OECD, Official development assistance: definition and coverage "
                   "(grant-equivalent system from 2018)",
                   "https://www.oecd.org/en/topics/sub-issues/oda-eligibility-and-conditions/"
                   "official-development-assistance--definition-and-coverage.html"),
    PublicDocument("hcl", "Gelpern et al. 2021",
                   "Gelpern, Horn, Morris, Parks and Trebesch, How China Lends: A Rare Look "
                   "into 100 Debt Contracts with Foreign Governments, AidData, Kiel Institute, "
                   "PIIE and CGD, March 2021",
                   "https://docs.aiddata.org/reports/how-china-lends.html"),
    PublicDocument("aiddata-bri", "Malik et al. 2021",
                   "Malik, Parks, Russell et al., Banking on the Belt and Road: Insights from "
                   "a new global dataset of 13,427 Chinese development projects, AidData, "
                   "September 2021",
                   "https://www.aiddata.org/publications/banking-on-the-belt-and-road"),
    PublicDocument("hrt", "Horn, Reinhart and Trebesch 2021",
                   "Horn, Reinhart and Trebesch, China's Overseas Lending, Journal of "
                   "International Economics 133 (2021)",
                   "https://www.kielinstitut.de/publications/chinas-overseas-lending-16963"),
    PublicDocument("cgd", "Morris, Parks and Gardner 2020",
                   "Morris, Parks and Gardner, Chinese and World Bank Lending Terms: A "
                   "Systematic Comparison Across 157 Countries and 15 Years, CGD Policy "
                   "Paper 170, 2020",
                   "https://ideas.repec.org/p/cgd/ppaper/170.html"),
    PublicDocument("ida-terms", "World Bank Treasury, IDA terms",
                   "World Bank Treasury, IDA lending rates and fees (IDA20, IDA21 terms)",
                   "https://treasury.worldbank.org/en/about/unit/treasury/"
                   "ida-financial-products/lending-rates-and-fees"),
    PublicDocument("ibrd", "World Bank Treasury, IBRD Flexible Loan",
                   "World Bank Treasury, IBRD Flexible Loan: pricing and terms",
                   "https://treasury.worldbank.org/en/about/unit/treasury/"
                   "ibrd-financial-products/ibrd-flexible-loan"),
    PublicDocument("paris-club", "Paris Club, Naples terms",
                   "Paris Club, Naples terms (e.g. the treatment of Bolivia, 15 Dec 1995)",
                   "https://clubdeparis.org/en/traitements/bolivia-15-12-1995/en"),
    PublicDocument("eurobond", "Eurobond issues 2024",
                   "Kenya's 2031 Eurobond (Feb 2024, 9.75% coupon) and Cote d'Ivoire's 2033 "
                   "and 2037 Eurobonds (Jan 2024), as reported",
                   "https://khusoko.com/?p=41567"),
    PublicDocument("fhb2002", "Flyvbjerg, Holm and Buhl 2002",
                   "Flyvbjerg, Holm and Buhl, Underestimating Costs in Public Works Projects: "
                   "Error or Lie?, Journal of the American Planning Association 68(3), 2002",
                   "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=2238050"),
    PublicDocument("ansar2014", "Ansar et al. 2014",
                   "Ansar, Flyvbjerg, Budzier and Lunn, Should we build more large dams? The "
                   "actual costs of hydropower megaproject development, Energy Policy 69, 2014",
                   "https://www.bsg.ox.ac.uk/news/should-we-build-more-large-dams"),
    PublicDocument("ansar2016", "Ansar et al. 2016",
                   "Ansar, Flyvbjerg, Budzier and Lunn, Does infrastructure investment lead "
                   "to economic growth or economic fragility? Evidence from China, Oxford "
                   "Review of Economic Policy 32(3), 2016",
                   "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=2834326"),
    PublicDocument("hambantota", "AidData projects 33256 and 39023",
                   "AidData, Global Chinese Development Finance: Hambantota port phase I "
                   "(project 33256) and phase II (project 39023)",
                   "https://china.aiddata.org/projects/33256"),
    PublicDocument("hambantota-2017", "Seatrade, July 2017",
                   "Seatrade Maritime News, China Merchants Port seals $1.12bn concession "
                   "agreement for Sri Lanka's Hambantota, July 2017",
                   "http://www.seatrade-maritime.com/news/asia/china-merchants-port-seals-1-"
                   "12bn-concession-agreement-for-sri-lanka-s-hambantota.html"),
    PublicDocument("zambia-cf", "Africanews, 23 June 2023",
                   "Africanews, Zambia: deal reached on debt restructuring (Common Framework "
                   "terms), 23 June 2023",
                   "https://www.africanews.com/2023/06/23/zambia-deal-reached-on-debt-"
                   "restructuring/"),
    PublicDocument("zambia-china", "Nation, 2021",
                   "Nation (Kenya), Zambia finds $2bn more debt on books with China major "
                   "creditor, 2021",
                   "https://nation.africa/kenya/news/africa/zambia-finds-2-bn-more-debt-on-"
                   "books-with-china-major-creditor-3576472"),
    PublicDocument("laos-rail", "AidData project 85304",
                   "AidData, Global Chinese Development Finance: China-Laos railway "
                   "(project 85304)",
                   "https://china.aiddata.org/projects/85304"),
    PublicDocument("laos-lowy", "Lowy Institute, Laos",
                   "Lowy Institute, Trapped in debt: China's role in Laos' economic crisis",
                   "https://www.lowyinstitute.org/publications/trapped-debt-china-s-role-laos-"
                   "economic-crisis"),
    PublicDocument("wb-syria-rdna", "World Bank, Oct 2025",
                   "World Bank, Syria Physical Damage and Reconstruction Assessment 2011-2024, "
                   "press release of 21 Oct 2025 (as reported)",
                   "https://www.miragenews.com/syrias-rebuild-cost-pegged-at-216-billion-"
                   "1554642"),
    PublicDocument("wb-syria-mfa", "World Bank, Jul 2025",
                   "World Bank, Syria Macro Fiscal Assessment 2025, 7 Jul 2025 (as reported)",
                   "https://www.developmentaid.org/news-stream/post/197622/world-bank-syrias-"
                   "economy-set-for-modest-growth-amid-obstacles-in-2025"),
    PublicDocument("syria-budget", "Syrian Observer, Dec 2024",
                   "Syrian Observer, People's Assembly approves draft budget law 2025, Dec 2024",
                   "https://syrianobserver.com/society/peoples-assembly-approves-draft-budget-"
                   "law-2025.html"),
    PublicDocument("syria-debt", "Al Jazeera Mubasher, Jan 2025",
                   "Caretaker finance minister Abazid on Syria's external debt (US$20-23bn), "
                   "Al Jazeera Mubasher interview, Jan 2025 (as reported)",
                   "https://manhattantribune.com/?p=41855"),
    PublicDocument("syria-arrears", "Zawya, Apr 2025",
                   "Zawya, Saudi Arabia, Qatar to clear Syria's $15mln World Bank debt, "
                   "April 2025",
                   "https://www.zawya.com/en/world/middle-east/saudi-arabia-qatar-to-clear-"
                   "syrias-15mln-world-bank-debt-j8wielmx"),
    PublicDocument("syria-seep", "World Bank SEEP grant, Jun 2025",
                   "World Bank, US$146m IDA grant for the Syria Electricity Emergency Project, "
                   "approved 25 Jun 2025 (as reported)",
                   "https://www.devdiscourse.com/article/headlines/3480866-world-banks-146-"
                   "million-aid-boosts-syrias-power"),
    PublicDocument("syria-qatar", "Al Mayadeen, Jun 2025",
                   "Al Mayadeen, Qatar to allocate $87mln for salaries of civil servants in "
                   "Syria, 2025",
                   "https://english.almayadeen.net/news/politics/qatar-to-allocate--87mln-for-"
                   "salaries-of-civil-servants-in-s"),
    PublicDocument("syria-deals", "The Media Line, 2025",
                   "The Media Line, Qatar, UAE lead $14 billion investment push to rebuild "
                   "Syrian infrastructure (5,000 MW power deal for US$7bn), 2025",
                   "https://themedialine.org/headlines/qatar-uae-lead-14-billion-investment-"
                   "push-to-rebuild-syrian-infrastructure/"),
    PublicDocument("syria-china", "Xinhua, 18 Nov 2025",
                   "People's Daily / Xinhua, Wang Yi holds talks with Syrian Foreign Minister "
                   "al-Shaibani, Beijing, 17 Nov 2025",
                   "http://en.people.cn/n3/2025/1118/c90000-20391798.html"),
    PublicDocument("lic-dsf-gn", "IMF-World Bank LIC-DSF Guidance Note 2018",
                   "IMF and World Bank, Guidance Note on the Bank-Fund Debt Sustainability "
                   "Framework for Low Income Countries, IMF Policy Paper 2018/009, Feb 2018",
                   "https://www.imf.org/en/publications/policy-papers/issues/2018/02/14/"
                   "pp122617guidance-note-on-lic-dsf"),
)
#: Every public document the report may cite, by key.
PUBLIC_DOCUMENTS: dict[str, PublicDocument] = {d.key: d for d in _DOCS}

#: What each section of the reference notes compiles.
_LENDING_TERMS: dict[str, tuple[str, ...]] = {
    "1": ("imf-dlp",),
    "1.4": ("oecd-oda",),
    "2": ("hcl",),
    "3": ("aiddata-bri", "cgd", "hrt", "ida-terms", "paris-club"),
    "4": ("fhb2002", "ansar2014", "ansar2016"),
}
#: The worked grant-element examples: where their terms come from (and the method).
_EXAMPLES: dict[str, tuple[str, ...]] = {
    "E1": ("ida-terms",), "E2": ("hambantota",), "E3": ("hambantota",),
    "E4": ("laos-rail",), "E5": ("eurobond",), "E6": ("hambantota",),
    "E7": ("aiddata-bri",), "C1": ("ida-terms",), "C2": ("ibrd",), "C3": ("eurobond",),
    "C4": ("zambia-cf",),
}
#: The case facts (lending-terms §5), by the case the text or the country names.
_CASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Hambantota", "Sri Lanka", "CHEC", "LKA"), ("hambantota", "hambantota-2017")),
    (("Zambia", "ZMB"), ("zambia-cf", "zambia-china")),
    (("Laos", "Lao", "LAO"), ("laos-rail", "laos-lowy")),
)
#: Within one section, the words of the citing text that pick one of its documents.
_BY_WORD: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "hambantota-2017": ((("concession", "2017", "CMPort", "99 years"), "hambantota-2017"),),
    "zambia-cf": ((("Common Framework", "2023", "restructur"), "zambia-cf"),),
    "zambia-china": ((("Chinese", "China"), "zambia-china"),),
    "laos-lowy": ((("public debt", "deferral", "crisis"), "laos-lowy"),),
    "syria-debt": ((("external debt", "debt stock", "US$20-23bn"), "syria-debt"),),
    "syria-arrears": ((("arrears",), "syria-arrears"),),
    "syria-seep": ((("IDA", "SEEP", "World Bank", "electricity"), "syria-seep"),),
    "syria-qatar": ((("Qatar", "salary", "salaries"), "syria-qatar"),),
}


def _pick(keys: tuple[str, ...], context: str) -> tuple[str, ...]:
    """Of a section's documents, those the text's words point to (all when none does)."""
    named = [k for k in keys if k in _BY_WORD
             and any(w in context for words, _ in _BY_WORD[k] for w in words)]
    if not named:
        return keys
    # documents without keywords of their own stay (the section's main source)
    return tuple(k for k in keys if k in named or k not in _BY_WORD)
_SYRIA: dict[str, tuple[str, ...]] = {
    "1": ("wb-syria-rdna", "wb-syria-mfa"), "2": ("wb-syria-mfa",), "3": ("wb-syria-mfa",),
    "4": ("syria-budget",), "5": ("syria-debt", "syria-arrears"),
    "6": ("syria-seep", "syria-qatar"), "7": ("syria-deals",), "8": ("wb-syria-mfa",),
    "9": ("syria-china",), "10": ("wb-syria-rdna",),
}

_REF = re.compile(
    r"(?:the project's )?(?P<doc>lending-terms|syria-2025-facts|lic-dsf-method)"
    r"(?:\.md)?(?: reference| table)?"
    r"(?P<secs>(?:(?:\s*(?:,|and|/)?\s*)(?:§\s*\d+(?:\.\d+)?(?:\s*-\s*\d+(?:\.\d+)?)?"
    r"|\b[EC]\d+b?\b|\([A-Z]\d+b?(?:,\s*[A-Z]\d+b?)*\)))*)"
)
_SECTION = re.compile(r"§\s*(\d+)(\.\d+)?(?:\s*-\s*(\d+))?")
#: Within lending-terms §3, the comparators a text names pick the documents.
_TERMS_BY_WORD: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Paris Club", "Naples"), ("paris-club",)),
    (("IDA",), ("ida-terms",)),
    (("IBRD",), ("ibrd",)),
    (("Chinese", "China", "Eximbank", "CDB", "AidData"), ("aiddata-bri", "cgd", "hrt")),
)
_EXAMPLE = re.compile(r"\b([EC]\d+)b?\b")


def _case(context: str) -> tuple[str, ...]:
    for words, keys in _CASES:
        if any(w in context for w in words):
            return _pick(keys, context)
    return ("hambantota", "zambia-cf", "laos-rail")


def _keys(doc: str, secs: str, context: str) -> list[str]:
    keys: list[str] = []
    sections: list[str] = []
    for m in _SECTION.finditer(secs):
        lo = int(m.group(1))
        hi = int(m.group(3)) if m.group(3) else lo
        if m.group(2) and f"{lo}{m.group(2)}" in _LENDING_TERMS:
            sections.append(f"{lo}{m.group(2)}")
            continue
        sections += [str(s) for s in range(lo, max(hi, lo) + 1)]
    examples = [m.group(1) for m in _EXAMPLE.finditer(secs)]
    if doc == "lic-dsf-method":
        return ["lic-dsf-gn"]
    if doc == "syria-2025-facts":
        for s in sections or ["1"]:
            keys += _pick(_SYRIA.get(s, ("wb-syria-rdna",)), context)
        return keys
    for e in examples:
        keys += _EXAMPLES.get(e, ())
    for s in sections:
        if s == "5":
            keys += _case(context)
        elif s == "3":
            named = [k for words, ks in _TERMS_BY_WORD if any(w in context for w in words)
                     for k in ks]
            keys += named or list(_LENDING_TERMS["3"])
        else:
            keys += _LENDING_TERMS.get(s, ())
    if not keys:  # the whole note, or its table of typical terms
        keys = ["aiddata-bri", "imf-dlp", "hcl"]
    return keys


def _cited(text: str, context: str) -> tuple[str, list[str]]:
    found: list[str] = []

    def swap(m: re.Match[str]) -> str:
        tail = m.group("secs")
        trail = re.search(r"(\s*(?:,|and|/)\s*)$", tail)
        keys = _keys(m.group("doc"), tail, f"{text} {context}")
        unique = list(dict.fromkeys(keys))
        found.extend(unique)
        cite = "; ".join(PUBLIC_DOCUMENTS[k].short for k in unique)
        return cite + (trail.group(1) if trail else "")

    return _REF.sub(swap, text), found


def citation_context(country_name: str, code: object) -> str:
    """The context that picks a case for an assessment: the country's name and, when the
    scenario named one, its ISO3 code (the report and the workbook use the same)."""
    return f"{country_name} {code if isinstance(code, str) else ''}"


def cite_public(text: str, context: str = "") -> str:
    """``text`` with citations of the reference notes replaced by the public documents.

    ``context`` (e.g. the country's ISO3 code) picks the case when a note's case
    section (lending-terms §5) is cited without naming it.
    """
    return _cited(text, context)[0]


def public_sources(texts: Iterable[str], context: str = "") -> list[PublicDocument]:
    """The public documents that :func:`cite_public` cites in ``texts``, in order of first use."""
    keys: list[str] = []
    for t in texts:
        keys += _cited(t, context)[1]
    return [PUBLIC_DOCUMENTS[k] for k in dict.fromkeys(keys)]

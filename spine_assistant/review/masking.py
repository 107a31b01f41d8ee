"""Masks obvious personal identifiers in what visitors typed, before anything is written.

The review report, its summary and the candidates file hold real messages and are read
by people who do not need to know who asked: e-mail addresses, phone numbers, NHS
numbers, hospital/record numbers, dates (a date of birth identifies) and UK postcodes
become placeholders such as "[phone]". Medical text must survive: vertebra levels
("T12", "L4-L5"), percentages, stages, doses and durations are never masked. The
patterns err towards masking a long number: a reviewer loses little, a patient a lot.
"""

from __future__ import annotations

import re

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL = r"(?:st|nd|rd|th)?"

# (replacement, pattern), applied in this order: e-mails and dates before the digit
# patterns that would otherwise eat parts of them. A keyword ("MRN") is kept, its number not.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "[date]",
        re.compile(
            r"(?<![\w/.-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))"
            r"(?![\w/-]|\.\d)"
        ),
    ),
    (
        "[date]",
        re.compile(
            rf"\b\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}\b"
            rf"|\b{_MONTHS}\.?\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}\b",
            re.IGNORECASE,
        ),
    ),
    (
        r"\1[ID]",
        re.compile(
            r"(\b(?:MRN|hospital\s+(?:number|no\.?)|patient\s+(?:id|number|no\.?)|"
            r"CHI\s+(?:number|no\.?)|record\s+number)\s*(?:is\s*|:\s*|#\s*)?)"
            r"[A-Z]{0,4}[ -]?\d(?:[ -]?\d){3,}[A-Z]?\b",
            re.IGNORECASE,
        ),
    ),
    # international phone numbers before NHS numbers: "+1 212 555 0199" ends in ten digits
    (
        "[phone]",
        re.compile(
            r"(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)\s?)?(?:\(?\d{1,5}\)?[\s.-]?){2,5}\d{2,4}"
            r"(?!\w)"
        ),
    ),
    ("[NHS number]", re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])")),
    (
        "[phone]",
        re.compile(
            r"(?<![\w+])\(?0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?![\w-])"
            r"|(?<![\w+])\(\d{3}\)\s?\d{3}-\d{4}(?!\w)"
        ),
    ),
    # letters then a long digit run: hospital numbers, prescriptions ("RX1234567")
    ("[ID]", re.compile(r"\b[A-Z]{1,4}-?\d{6,12}[A-Z]?\b", re.IGNORECASE)),
    (
        "[postcode]",
        re.compile(
            r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d(?!(?-i:st|nd|rd|th)\b)[ABD-HJLNP-UW-Z]{2}\b",
            re.IGNORECASE,
        ),
    ),
    # any other run of 7 or more digits is some kind of number that identifies
    ("[number]", re.compile(r"(?<!\w)\d(?:[ -]?\d){6,}(?!\w)")),
)


def mask(text: str) -> str:
    """`text` with every obvious personal identifier replaced by a placeholder."""
    for placeholder, pattern in _RULES:
        text = pattern.sub(placeholder, text)
    return text


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask(text)

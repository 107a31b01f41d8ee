"""Personal identifiers are masked before the review writes anything; medical text is not."""

from __future__ import annotations

import pytest

from spine_assistant.review.masking import mask

pytestmark = pytest.mark.safety

IDENTIFIERS = [
    ("write to jane.doe+clinic@example.co.uk please", "jane.doe+clinic@example.co.uk", "[email]"),
    ("call me on 07700 900123", "07700 900123", "[phone]"),
    ("my number is +44 7700 900123", "+44 7700 900123", "[phone]"),
    ("ring 020 7946 0958 tomorrow", "020 7946 0958", "[phone]"),
    ("office +44 (0)20 7946 0958", "+44 (0)20 7946 0958", "[phone]"),
    ("in the US: +1 212 555 0199", "+1 212 555 0199", "[phone]"),
    ("NHS number 943 476 5919", "943 476 5919", "[NHS number]"),
    ("nhs no is 943-476-5919", "943-476-5919", "[NHS number]"),
    ("it is 9434765919", "9434765919", "[NHS number]"),
    ("MRN 12345678 at the front desk", "12345678", "[ID]"),
    ("my hospital number: RX1234567", "RX1234567", "[ID]"),
    ("reference AB1234567 on the letter", "AB1234567", "[ID]"),
    ("born 12/03/1958", "12/03/1958", "[date]"),
    ("dob 1958-03-12", "1958-03-12", "[date]"),
    ("born on 12 March 1958, is that relevant", "12 March 1958", "[date]"),
    ("scan on March 12th, 2026", "March 12th, 2026", "[date]"),
    ("seen on 3.4.26 by the team", "3.4.26", "[date]"),
    ("I live at SW1A 1AA", "SW1A 1AA", "[postcode]"),
    ("postcode m1 1ae", "m1 1ae", "[postcode]"),
    ("near B33 8TH", "B33 8TH", "[postcode]"),
]

MEDICAL_TEXT = [
    "pain at T12 and L4-L5 since 2019",
    "T1-T12 and C1-C7 are involved",
    "30% of patients have stage 4 cancer",
    "a 6mm lesion at C5",
    "the 3rd time at T12",
    "8 Gy in 1 fraction or 20 Gy/5 fractions",
    "it takes 2-3 weeks in 1/3 of cases",
    "PSA 4.5 ng/ml, ECOG 2, aged 67",
    "1 in 3 people, 150 mg twice a day",
    "ICD-10 C79.51, covid-19",
    "level S1 and L5 5th lumbar",
    "born in 1958",
]


@pytest.mark.parametrize(("text", "identifier", "placeholder"), IDENTIFIERS)
def test_identifiers_are_masked(text: str, identifier: str, placeholder: str) -> None:
    masked = mask(text)
    assert identifier not in masked
    assert placeholder in masked


@pytest.mark.parametrize("text", MEDICAL_TEXT)
def test_medical_text_is_left_alone(text: str) -> None:
    assert mask(text) == text


def test_the_rest_of_the_message_is_kept() -> None:
    masked = mask("I'm jo@example.com, MRN 12345678, pain at L4 for 3 weeks, can I drive?")
    assert masked == "I'm [email], MRN [ID], pain at L4 for 3 weeks, can I drive?"

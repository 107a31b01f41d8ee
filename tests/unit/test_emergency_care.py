"""A message naming emergency care gets the refusal that lists the signs needing it now
(hazard H12); other refusals and every answer are unchanged. Checked with Rasa's own
slot extraction and response generator, as the server runs them."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.emergency_care import (
    EMERGENCY_CARE_ENTITY,
    EMERGENCY_CARE_VALUE,
    EmergencyCareMention,
)
from tests.unit.test_citations import render, slots_after, user_says

pytestmark = pytest.mark.safety

SIGNS = ("leg weakness", "can't walk", "bladder or bowel control", "pass urine", "numbness")


def entities_of(text: str) -> list[dict[str, object]]:
    message = Message(data={TEXT: text})
    EmergencyCareMention({}).process([message])
    return list(message.get(ENTITIES, []))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("should I ring 999?", "999"),
        ("When should we go to A&E", "A&E"),
        ("a & e or wait for the clinic", "a & e"),
        ("Call 911.", "911"),
        ("is it an emergency if my back hurts?", "emergency"),
        ("do we need an ambulance (or the GP)", "ambulance"),
        ("ring triple zero or my oncologist?", "triple zero"),
        ("should i phone 111 or 999", "111"),
        ("is this urgent", "urgent"),
    ],
)
def test_a_message_naming_emergency_care_is_marked(text: str, named: str) -> None:
    [entity] = entities_of(text)

    assert entity["entity"] == EMERGENCY_CARE_ENTITY
    assert entity["value"] == EMERGENCY_CARE_VALUE
    assert text[int(str(entity["start"])) : int(str(entity["end"]))] == named


@pytest.mark.parametrize(
    "text",
    [
        "what are the symptoms?",
        "more than 10,000 people a year",
        "my PIN is 99999",
        "the emergent phase of recovery",
        "",
    ],
)
def test_other_messages_are_not_marked(text: str) -> None:
    assert entities_of(text) == []


async def test_naming_emergency_care_lists_the_signs_in_both_refusals(
    project_domain: Domain,
) -> None:
    entity = {EMERGENCY_CARE_ENTITY: EMERGENCY_CARE_VALUE}
    for intent, response in (
        ("personal_advice", "utter_personal_advice"),
        ("out_of_scope", "utter_out_of_scope"),
    ):
        slots = await slots_after(project_domain, user_says(intent, entity))
        text = (await render(project_domain, response, slots))["text"]

        assert all(sign in text for sign in SIGNS), text
        assert "emergency department" in text
        assert text.endswith("please contact your clinician.")


async def test_the_next_message_gets_the_usual_refusal(project_domain: Domain) -> None:
    entity = {EMERGENCY_CARE_ENTITY: EMERGENCY_CARE_VALUE}
    events = user_says("personal_advice", entity) + user_says("personal_advice")

    slots = await slots_after(project_domain, events)
    text = (await render(project_domain, "utter_personal_advice", slots))["text"]

    assert slots[EMERGENCY_CARE_ENTITY] == "not named"
    assert "emergency" not in text
    assert text.startswith("I'm sorry, I can't give personal medical advice.")


async def test_a_refusal_without_emergency_care_keeps_its_reason(project_domain: Domain) -> None:
    plain = await render(
        project_domain,
        "utter_out_of_scope",
        await slots_after(project_domain, user_says("out_of_scope")),
    )
    reasoned = await render(
        project_domain,
        "utter_out_of_scope",
        {"not_on_page": "mention “proton therapy”", EMERGENCY_CARE_ENTITY: "not named"},
    )

    assert "doesn't cover that" in plain["text"] and "emergency" not in plain["text"]
    assert "doesn't mention “proton therapy”" in reasoned["text"]
    assert "emergency" not in reasoned["text"]

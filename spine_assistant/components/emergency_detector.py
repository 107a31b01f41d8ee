"""Puts possible spinal cord compression first, and only when it is described.

A missed emergency is the one error this assistant must not make, so red-flag phrases
found by the project's spaCy pipeline (span ruler, data/knowledge/lexicon.yml)
override the predicted intent. Over-alarming frightens people and teaches them to
ignore the warning, so each flag is read in its context first (the ConText algorithm,
Harkema et al. 2009, on the cue spans the pipeline marks): a negated ("no leg
weakness"), past and resolved ("two years ago ... it cleared up"), hypothetical ("what
should we watch for?"), learning ("nursing student revising red flags") or reported
("my GP said leg weakness could be an infection") mention is not an emergency, and
neither is a general question ("is incontinence a symptom?") or a sign said of a group
("a trial for patients whose legs have gone weak"). Reported speech about
someone ("mum says she can't feel her legs", "the nurse said that he can't pass urine")
is a report, unless it is a second-hand story (relayed_stories.py): someone outside the
writer's circle, in the past, passed on or dated, with nothing said to be so now and a
question about the page after it ("a lady in my group said her husband ended up
paralysed. Which cancers spread to the spine?").
A function said to be there ("she's in control of her bladder") holds no red flag; said
to be gone ("he doesn't have control of his bladder"), it is one, whatever the negation.
The classifier's own `emergency` prediction stands when no red flag is found and it is
sure enough, and is withdrawn when every red flag found is one of those mentions, or
when there is none and every symptom word is ("no numbness or weakness at all").
When a sign is said to be so now is read in flag_times.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import ProjectComponent
from spine_assistant.components.flag_spans import (
    CLAUSE_BREAKS,
    NEGATION_BREAKS,
    NEGATIONS,
    POSSESSIVES,
    SCOPE_BREAKS,
    STATE_NEGATIONS,
    WRITER_WORDS,
    WRITERS_OWN,
    breaks,
    inside,
    overlaps,
    spans,
    word_before,
)
from spine_assistant.components.flag_times import ANAPHORS, TimeReading
from spine_assistant.components.questions import closes_a_question, is_question
from spine_assistant.components.relayed_stories import RelayedStories
from spine_assistant.knowledge.lexicon import (
    CONTEXT_SPANS_KEY,
    CURRENT_LABEL,
    DIRECTIONS,
    FICTION_LABEL,
    GENERAL_HERE_LABEL,
    GENERAL_LABEL,
    KNOWN_TO_TEAM_LABEL,
    MODIFIERS,
    NORMAL_STATE_LABEL,
    PERSON_LABEL,
    PSEUDO_NEGATION_LABEL,
    RED_FLAG_LABEL,
    RETRACTED_LABEL,
    SAFETY_SPANS_KEY,
    SYMPTOM_LABEL,
    TERMINATE_LABEL,
    WHAT_TO_DO_LABEL,
    cue_label,
)

EMERGENCY_INTENT = "emergency"
# How far a cue reaches (tokens; a negation less far than a time or a condition), and
# how near a person must be to a flag to make it "said of someone" ("my legs", "he
# can't walk", "loss of bladder control in dad").
CUE_WINDOW = 16
NEGATION_WINDOW = 8
PERSON_WINDOW = 3
# negation words that deny a function is there ("he doesn't have control of his bladder")
FUNCTION_NEGATIONS = STATE_NEGATIONS | {"without", "doesnt", "dont", "hasnt", "havent", "nor"}
LOSS_WORDS = frozenset({"lose", "lost", "losing", "loss"})
AND_WORDS = frozenset({"and", "n", "&", "+"})  # "cant pee n legs r wobbly"
# a reason starts a clause of its own ("couldn't get up because her legs went numb")
BECAUSE = frozenset({"because", "cos", "coz", "cuz", "bc"})
CLAUSE_WORDS = AND_WORDS | BECAUSE
# after a comma, a finding that changes is not part of a negated list ("no UO 10h, also
# new reduced power both legs"; "not PU since 0800, legs weaker than yesterday")
CHANGE_WORDS = frozenset(
    {"new", "also", "now", "worse", "worsening", "weaker", "increasing", "progressive", "plus"}
)
# a clinical note's word for a sign that has just begun ("known ca, new bilat leg weakness,
# retaining - mgmt?"): said before the question, in a clause of its own, it is reported
ONSET_WORDS = frozenset({"new", "acute", "worsening", "progressive", "increasing"})
ONSET_REACH = 2
# present-time words that say a sign goes on, not when it began ("weak for months now")
LASTING_PRESENT = frozenset({"now", "currently"})
# what "the team know about …" may point back to: the sign said before it
SAID_BEFORE = frozenset({"it", "this", "that", "them", "these", "those", "all"})
# "I don't now", "he doesn't now", "she isn't now": not so now (not "can't now")
DENYING_AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "am", "has", "have"})
# words from a bare "since" to the past time it dates from ("since my diagnosis last year")
SINCE_REACH = 4
# a sign this close after a comma opens its own clause, which what was said or seen
# before the comma does not reach ("saw a documentary, cant feel legs")
CLAUSE_OPENING = 1
# words that may come before a time opening a sentence ("three months ago", "a few weeks ago")
AMOUNT_WORDS = frozenset({"a", "few", "couple", "of", "about", "around", "some", "over", "nearly"})
# a past time right before these dates the clause they open
DATED_CLAUSE_OPENERS = frozenset({"after", "when"})
# the last word of a negation that denies what follows ("it's not like", "it's not as if",
# "not that I've got leg weakness")
DENIAL_ENDS = frozenset({"like", "if", "that"})
# kinds of red flag whose own words may be a negation ("can't walk", "can't pee")
NEGATION_IN_FLAG = frozenset(
    {"cannot_walk", "bladder_bowel", "saddle_numbness", "uncontrolled_back_pain"}
)
LINKING_WORDS = frozenset({"in", "of", "for", "with", "on"})
# an aside about someone ("her dad, who's being treated for prostate cancer, hasn't …")
ASIDE_WORDS = frozenset({"who", "whose", "which"})
ASIDE_LENGTH = 12
# words from "which" to the ending it tells of ("which then cleared up")
ENDING_REACH = 2
ANYONE = frozenset({"a", "an", "any", "every", "each", "one"})  # "a patient", "one pt … another"
THEY = frozenset({"they", "them", "their"})
PEOPLE = frozenset(
    {"people", "patients", "someone", "somebody", "anyone", "anybody", "everyone", "children"}
)
# "a trial for patients whose legs have gone weak", "people who are paralysed": a sign
# said of a group, a few words into the clause that names it
GROUPS = (PEOPLE - {"someone", "somebody"}) | {"those", "men", "women"}
RELATIVES = frozenset({"who", "whose", "that"})
# a group someone has in front of them: "these patients with new weakness"
PARTICULAR_GROUP = POSSESSIVES | {"these", "the", "both", "several"}
GROUP_REACH = 4
CANCER_TYPE = "cancer_type"  # the entity the project's spaCy pipeline gives a named cancer


@dataclass(frozen=True)
class RedFlag:
    span: Any  # spacy.tokens.Span
    modifiers: frozenset[str]
    of_someone: bool

    @property
    def is_active(self) -> bool:
        return not self.modifiers


class FlagContext(TimeReading):
    """The cue spans of one message, and which of them reach a given red flag."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.people = spans(doc, SAFETY_SPANS_KEY, PERSON_LABEL)
        signs = spans(doc, SAFETY_SPANS_KEY, RED_FLAG_LABEL)
        # a comma inside a sign ("sudden, terrible back pain") separates no list items
        self.inside_signs = {index for sign in signs for index in range(sign.start, sign.end)}
        # "a patient", "any cancer patient": no one in particular; in a story being
        # written only the writer and the writer's own are someone ("my character can't
        # walk" is made up, "my husband can't walk" is not)
        fiction = bool(spans(doc, CONTEXT_SPANS_KEY, FICTION_LABEL))
        self.retracted = bool(spans(doc, CONTEXT_SPANS_KEY, RETRACTED_LABEL))
        self.what_to_do = spans(doc, CONTEXT_SPANS_KEY, WHAT_TO_DO_LABEL)
        self.particular_people = [
            p for p in self.people if not self._anyone(p) and (not fiction or self._writers(p))
        ]
        self.normal_states = spans(doc, CONTEXT_SPANS_KEY, NORMAL_STATE_LABEL)
        pseudo = self.pseudo_cues = spans(doc, CONTEXT_SPANS_KEY, PSEUDO_NEGATION_LABEL)

        def cues(label: str) -> list[Any]:
            """The cues of `label` outside a pseudo-cue ("no idea", "on exam", "a while")."""
            return [cue for cue in spans(doc, CONTEXT_SPANS_KEY, label) if not inside(cue, pseudo)]

        current = spans(doc, CONTEXT_SPANS_KEY, CURRENT_LABEL)  # "ever since", "exam today"

        # "on exam today" is a clinician's examination, not a student's
        # "I'm a med student but this is about my own dad": not learning after all
        self.is_learning = not self.retracted and (fiction or bool(cues(GENERAL_LABEL)))
        self.learning_sentences = {
            cue.sent.start for cue in cues(GENERAL_HERE_LABEL) if not self.retracted
        }
        self.findings = [
            span.start
            for span in doc.spans.get(SAFETY_SPANS_KEY, [])
            if span.label_ in (SYMPTOM_LABEL, RED_FLAG_LABEL)
        ]
        found = {
            (modifier, direction): cues(cue_label(modifier, direction))
            for modifier in MODIFIERS
            for direction in DIRECTIONS
        }
        # the negation of a sign that is one ("cannot walk, legs feel drunk") is the
        # sign's own word and negates nothing after it
        signs_with_negation = [span for span in signs if span.id_ in NEGATION_IN_FLAG]
        for direction in DIRECTIONS:
            negations = found[("negated", direction)]
            found[("negated", direction)] = [
                cue for cue in negations if not inside(cue, signs_with_negation)
            ]
        resolved = found[("historical", "backward")] + found[("negated", "backward")]
        # "but that's …", "but it was …" goes on about what came before it, and so does
        # "which" before an ending ("retention after her op, which sorted itself in a day")
        self.terminators = [
            cue
            for cue in cues(TERMINATE_LABEL)
            if not (cue.text == "but" and doc[cue.end : cue.end + 1].text in ANAPHORS)
            and not (
                cue.text.lower() == "which"
                and any(0 <= end.start - cue.end <= ENDING_REACH for end in resolved)
            )
        ]
        # "he's fine now" says nothing is happening now; "since last month" is not over;
        # "I didn't then and I don't now" says it is not so now
        self.current = [
            cue for cue in current if not inside(cue, resolved) and not self._denied_now(cue)
        ]
        self.cues = {
            key: [cue for cue in cues if key[0] != "historical" or not inside(cue, current)]
            for key, cues in found.items()
        }
        # a time that opens the sentence dates what follows ("Last Christmas he couldn't
        # stand", "Three months ago my legs gave way"), and so does one right before the
        # clause it dates ("A&E sent her home last month after her legs gave way")
        self.cues[("historical", "forward")] += [
            cue
            for cue in self.cues[("historical", "backward")]
            if all(t.like_num or t.lower_ in AMOUNT_WORDS for t in doc[cue.sent.start : cue.start])
            or doc[cue.end : cue.end + 1].text.lower() in DATED_CLAUSE_OPENERS
        ]
        # every past time or ending, whichever way it reaches ("turned out", "years ago")
        self.past_times = [cue for d in DIRECTIONS for cue in self.cues[("historical", d)]]
        # "the same ache I've had since my diagnosis last year": a "since" that reaches a
        # past time says how long, not now
        self.current = [cue for cue in self.current if not self._since_a_past_time(cue)]

        # "the team know about it", not "the doctors know about the mets"
        self.known_to_team = [
            cue
            for cue in cues(KNOWN_TO_TEAM_LABEL)
            if doc[cue.end : cue.end + 1].text.lower() not in {"about", "of"}
            or doc[cue.end + 1 : cue.end + 2].text.lower() in SAID_BEFORE
        ]
        self.stories = RelayedStories(self)

    def _denied_now(self, cue: Any) -> bool:
        """ "I don't now", "she doesn't now": a negated auxiliary right before "now"."""
        before = [t.lower_ for t in self.doc[max(cue.start - 2, 0) : cue.start]]
        return (
            cue.text.lower() == "now"
            and len(before) == 2
            and before[1] in {"n't", "nt", "not"}
            and before[0] in DENYING_AUXILIARIES
        )

    def _since_a_past_time(self, cue: Any) -> bool:
        return cue.text.lower() == "since" and any(
            past.sent.start == cue.sent.start
            and 0 <= past.start - cue.end <= SINCE_REACH
            and not any(breaks(t, SCOPE_BREAKS) for t in self.doc[cue.end : past.start])
            for past in self.past_times
        )

    def _ends_negation(self, start: int, end: int, flag_end: int, denial: bool = False) -> bool:
        """Where a negation's clause ends: "and" or "because", a dash or colon, a comma followed by
        someone ("no, she can't walk") or by a change ("no UO, new leg weakness"), a comma
        after a negated clause that named no symptom (a list of symptoms goes on: "no
        weakness, numbness or incontinence"), or someone acting in between ("I don't know
        what to do my dad can't walk"; a possessive, "in my bottom", does not, nor the
        person a denial names: "it's not like I can't walk")."""
        for index in range(start, end):
            token = self.doc[index]
            if token.lower_ in CLAUSE_WORDS or breaks(token, NEGATION_BREAKS):
                return True
            if token.text == "," and any(self.person_at(i) for i in range(index + 1, index + 3)):
                return True
            if token.text == "," and any(
                self.doc[i].lower_ in CHANGE_WORDS for i in range(index + 1, flag_end)
            ):
                return True
            if token.text == "," and not any(start <= f < index for f in self.findings):
                return True  # "can't climb the stairs since yesterday, legs too weak"
            if self.person_at(index) and token.lower_ not in POSSESSIVES and not denial:
                return True
        return False

    def reaching(self, flag: Any, modifier: str, direction: str = "forward") -> list[Any]:
        """The cues of `modifier` that reach the flag from `direction`."""
        return [
            cue
            for cue in self.cues[(modifier, direction)]
            if self.reaches(cue, flag, modifier, direction)
        ]

    def reaches(self, cue: Any, flag: Any, modifier: str, direction: str) -> bool:
        if cue.sent.start != flag.sent.start or overlaps(cue, flag):
            return False
        start, end = (cue.end, flag.start) if direction == "forward" else (flag.end, cue.start)
        window = NEGATION_WINDOW if modifier == "negated" else CUE_WINDOW
        if not 0 <= end - start <= window:
            return False
        if any(start <= term.start and term.end <= end for term in self.terminators):
            return False
        if any(breaks(self.doc[index], CLAUSE_BREAKS) for index in range(start, end)):
            return False
        if (
            modifier == "historical"
            and direction == "forward"
            and self._dates_another_item(cue, start, end)
        ):
            return False
        if modifier == "reported" and self._opens_a_clause(flag, start):
            return False  # "saw a documentary, cant feel legs": the writer's own news
        if direction == "backward" and self._new_clause(start, end):
            return False  # "he can't hold his wee, he had surgery two years ago"
        # "it's not like I can't walk": a denial names the person it denies of
        denial = cue[-1].lower_ in DENIAL_ENDS
        return modifier != "negated" or not self._ends_negation(start, end, flag.end, denial)

    def _dates_another_item(self, cue: Any, start: int, end: int) -> bool:
        """A past-time cue whose part of a comma-separated list names a cancer dates that
        cancer, not the signs in the later parts, which a clinical note gives as what is
        happening now: "hx of prostate ca, bilateral leg weakness, retention", "had breast
        ca in 2015, legs weak and numb bum". Without a cancer in its part the cue dates
        what follows as before ("previous stroke, left leg weak ever since", "in 2019 my
        legs went weak, then I couldn't pee")."""
        if not any(
            self.doc[index].text == "," and index not in self.inside_signs
            for index in range(start, end)
        ):
            return False
        sentence = cue.sent
        before = [i for i in range(sentence.start, cue.start) if self.doc[i].text == ","]
        after = [i for i in range(cue.end, sentence.end) if self.doc[i].text == ","]
        part_start = before[-1] + 1 if before else sentence.start
        part_end = after[0] if after else sentence.end
        return any(
            entity.label_ == CANCER_TYPE and part_start <= entity.start and entity.end <= part_end
            for entity in self.doc.ents
        )

    def _opens_a_clause(self, flag: Any, start: int) -> bool:
        """The flag comes at most CLAUSE_OPENING words after a comma that follows `start`."""
        return any(
            self.doc[index].text == ","
            for index in range(max(start, flag.start - 1 - CLAUSE_OPENING), flag.start)
        )

    def negates(self, state: Any) -> bool:
        """A plain negation word reaches a normal state ("doesn't have control"; not "no
        problems with", which says a function is fine), with no loss in between ("hasn't
        lost any bladder control"); a state holding its own negation ("no trouble") is
        normal whatever comes before it."""
        if any(token.lower_ in FUNCTION_NEGATIONS for token in state):
            return False
        return any(
            len(cue) == 1
            and cue[0].lower_ in FUNCTION_NEGATIONS
            and self.reaches(cue, state, "negated", "forward")
            and not any(t.lemma_ in LOSS_WORDS for t in self.doc[cue.end : state.start])
            for cue in self.cues[("negated", "forward")]
        )

    def _new_clause(self, start: int, end: int) -> bool:
        """A comma or "and" followed by someone before `end`: another clause, with its own
        time ("he can't hold his wee, he had surgery two years ago"); not someone inside
        the cue that ends there ("retention before, now he is fine")."""
        return any(
            self.doc[index].lower_ in {",", "and"}
            and any(self.person_at(i) for i in range(index + 1, min(index + 3, end)))
            for index in range(start, end)
        )

    def of_someone(self, flag: Any) -> bool:
        """Someone just before or inside the flag, or right after it through a linking
        word ("weakness in my dad's legs", "loss of control in him"), with no
        punctuation in between ("for my essay: loss of bladder control" is not). In a
        learning message only someone right at the flag counts ("I can't walk", not
        "I know leg weakness is a red flag"). Anyone is no one in particular ("is sudden
        back pain in a cancer patient always spinal mets?")."""
        after = flag.end if flag.end < len(self.doc) else None
        linked = after is not None and self.doc[after].lower_ in LINKING_WORDS
        window = 1 if self.learning_at(flag) else PERSON_WINDOW

        def unbroken(start: int, end: int) -> bool:
            return not any(breaks(token, SCOPE_BREAKS) for token in self.doc[start:end])

        return any(
            (flag.start - window <= p.start < flag.end and unbroken(p.end, flag.start))
            or (linked and flag.end < p.start <= flag.end + PERSON_WINDOW)
            or self._just_before_an_aside(p, flag)
            for p in self.particular_people
            if not self._owns_something_else(p, flag)
        )

    def _just_before_an_aside(self, person: Any, flag: Any) -> bool:
        """ "her husband, who has thyroid cancer, suddenly can't walk": the person right
        before an aside between commas that opens with "who", "whose" or "which", and the
        flag a few words after it."""
        opening = person.end
        if opening + 1 >= flag.start or self.doc[opening].text != ",":
            return False
        if self.doc[opening + 1].lower_ not in ASIDE_WORDS:
            return False
        closing = next(
            (t.i for t in self.doc[opening + 1 : flag.start] if breaks(t, SCOPE_BREAKS)), None
        )
        return (
            closing is not None
            and self.doc[closing].text == ","
            and closing - opening <= ASIDE_LENGTH
            and flag.start - closing <= PERSON_WINDOW
            and not any(breaks(t, SCOPE_BREAKS) for t in self.doc[closing + 1 : flag.start])
        )

    def _owns_something_else(self, person: Any, flag: Any) -> bool:
        """ "My GP said leg weakness…": a possessive two or more words before the flag,
        not followed by someone ("my dad's legs"), is about something else ("my left
        leg" is about the leg)."""
        return (
            person.text.lower() in POSSESSIVES
            and flag.start - person.end > 1
            and not self.person_at(person.end)
        )

    def _writers(self, person: Any) -> bool:
        """The writer ("I", "my") or someone of theirs ("my husband", "our son")."""
        return (
            person.text.lower() in WRITER_WORDS
            or word_before(self.doc, person.start) in WRITERS_OWN
        )

    def learning_at(self, span: Any) -> bool:
        """A learning cue in the message, or a weaker one in the span's sentence."""
        return self.is_learning or span.sent.start in self.learning_sentences

    def _anyone(self, person: Any) -> bool:
        """An article up to two words before the person, or "they" after people in
        general ("people with spinal mets can lose control of their bowels")."""
        before = self.doc[max(person.start - 2, 0) : person.start]
        if any(token.lower_ in ANYONE for token in before):
            return True
        earlier = self.doc[max(person.sent.start, person.start - CUE_WINDOW) : person.start]
        return person.text.lower() in THEY and any(t.lower_ in PEOPLE for t in earlier)

    def modifiers(self, flag: Any) -> frozenset[str]:
        found = {
            modifier
            for modifier, direction in self.cues
            if self.reaching(flag, modifier, direction)
        }
        if flag.id_ not in NEGATION_IN_FLAG and any(t.lower_ in NEGATIONS for t in flag):
            found.add("negated")  # "his legs aren't weak"
        if self._said_of_a_group(flag):
            found.add("possibility")
        if any(pair == ("used", "to") for pair in pairwise(t.lower_ for t in flag)):
            found.add("historical")  # "my legs used to give way"
        if "historical" in found and (
            self._still_so_after(flag)
            or self._worsening_after(flag)
            or (self._now_before(flag) and not self._ended_right_after(flag))
            or self._dated_now(flag)
        ):
            # "… before his diagnosis and still can't", "… getting worse", "cancer for two
            # years and since the weekend he can't walk"; not "now the weakness has gone"
            found -= {"historical"}
        second_hand = self.stories.second_hand(flag)
        if second_hand:
            found.add("reported")  # "my friend's husband went numb, turned out it was a disc"
        if self.of_someone(flag):
            if not second_hand:
                found -= {"reported"}  # "mum says she can't feel her legs"
            if self._now_near(flag) or self.stories.relayed_as_fact(flag):
                # "what if my legs have gone weak since Monday", "mum said that she can't
                # feel her legs"
                found -= {"hypothetical"}
        elif self.learning_at(flag):
            found.add("learning")
        elif not second_hand and self.stories.speakers_own_sign(flag):
            found -= {"reported"}  # "a friend of mine … said both legs went dead"
        elif self._now_right_after(flag.sent):
            found -= {"hypothetical"}  # "is it serious if…? It's new since last night."
        if self._now_at(flag):
            # "need 2 know if i shud go, cant pee since last nite", "supposing his legs
            # have gone weak since last night"
            found -= {"hypothetical", "possibility"}
        if self.retracted:
            # "hypothetically if someone … - ok not hypothetically, it's me"
            found -= {"hypothetical", "possibility", "learning"}
        if self._claimed(flag):
            # "Your page says 'loss of control of the bladder'. That's exactly what's been
            # happening to me since Saturday."
            found -= {"reported", "hypothetical", "possibility", "learning"}
        if self._known_to_team(flag):
            found.add("known")  # "his legs have been weak for months, the doctors know"
        return frozenset(found)

    def _known_to_team(self, flag: Any) -> bool:
        """The message says the care team knows of the sign (not "about the mets"),
        and neither an onset word at it nor a time in its sentence says when it began
        ("since Friday")."""
        return (
            bool(self.known_to_team)
            and not self._onset_at(flag, ONSET_REACH)
            and not any(
                cue.sent.start == flag.sent.start
                and self._a_point_of_now(cue)
                and cue.text.lower() not in LASTING_PRESENT
                for cue in self.current
            )
        )

    def _dated_now(self, flag: Any) -> bool:
        """The flag's own clause says it is new (a present time right after it, or an
        onset word at it), and no past time reaching it dates the flag itself: "had a
        stroke in 2016, new leg weakness today", "can't walk since 6am, had polio in
        2019"; not "new leg weakness in 2019 that cleared up", "legs weak yesterday,
        fine now"."""
        return (self._onset_at(flag, reach=1) or self._now_just_after(flag)) and all(
            self._dates_something_else(cue, flag)
            for cue in self.reaching(flag, "historical", "backward")
        )

    def _onset_at(self, flag: Any, reach: int) -> bool:
        """An onset word opening the flag ("new leg weakness") or at most `reach` words
        before it in its clause ("new bilat leg weakness")."""
        before = self.doc[max(flag.sent.start, flag.start - reach) : flag.start]
        return flag[0].lower_ in ONSET_WORDS or (
            any(t.lower_ in ONSET_WORDS for t in before)
            and not any(breaks(t, SCOPE_BREAKS) for t in before)
        )

    def _dates_something_else(self, cue: Any, flag: Any) -> bool:
        """A past time after the flag in a clause of its own that names something else
        before it ("…, had polio in 2019", "…, breast ca dx 2019")."""
        clause_breaks = [t.i for t in self.doc[flag.end : cue.start] if breaks(t, SCOPE_BREAKS)]
        if not clause_breaks:
            return False
        return any(
            t.is_alpha and not t.is_stop for t in self.doc[clause_breaks[-1] + 1 : cue.start]
        )

    def _ended_right_after(self, flag: Any) -> bool:
        """An ending right after the flag, in its sentence ("the weakness has gone")."""
        return any(
            cue.sent.start == flag.sent.start and 0 <= cue.start - flag.end <= ENDING_REACH
            for cue in self.cues[("historical", "backward")]
        )

    def _said_of_a_group(self, flag: Any) -> bool:
        """A group and "who", "whose", "that" or "with" at most GROUP_REACH words before
        the flag, in its clause ("a trial for patients whose legs have gone weak", "we
        scan a lot of patients with leg weakness"), unless someone is said to be one of
        the group, or the group is a counted or particular one ("two patients with new
        weakness on the ward", "our patients with …")."""
        start = max(flag.sent.start + 1, flag.start - GROUP_REACH)
        for index in range(flag.start - 1, start - 1, -1):
            token = self.doc[index]
            if breaks(token, SCOPE_BREAKS):
                return False
            if token.lower_ in RELATIVES | {"with"} and self.doc[index - 1].lower_ in GROUPS:
                before = list(self.doc[max(index - 4, 0) : index - 1])
                # "mum is one of those patients who can't walk" is about mum
                if any(pair == ("one", "of") for pair in pairwise(t.lower_ for t in before)):
                    return False
                return token.lower_ != "with" or not any(
                    t.like_num or t.lower_ in PARTICULAR_GROUP for t in before[-2:]
                )
        return False

    def is_described(self, flag: RedFlag) -> bool:
        """Said of someone, stated rather than asked, said to be happening now, or asked
        about and then claimed ("why would someone get sudden neck pain? That's what my
        mum's got right now")."""
        sentence = flag.span.sent
        return (
            flag.of_someone
            or self.says_now(sentence)
            or not is_question(sentence)
            or self._now_right_after(sentence)
            or self._noted_before_the_question(flag.span)
            or self._claimed(flag.span)
        )

    def _noted_before_the_question(self, flag: Any) -> bool:
        """A sign in a clause before the one that asks, with an onset word ("known ca, new
        bilat leg weakness, retaining - mgmt?") or a last clause asking what to do ("bladder
        scan 750, known spinal mets - escalate?"); not "is new leg weakness a red flag?",
        nor "leg weakness, incontinence - are these symptoms?"."""
        sentence = flag.sent
        clause_breaks = [
            t.i for t in self.doc[flag.end : sentence.end - 1] if breaks(t, SCOPE_BREAKS)
        ]
        if not clause_breaks:
            return False
        return self._onset_at(flag, ONSET_REACH) or any(
            clause_breaks[-1] < cue.start and cue.end <= sentence.end for cue in self.what_to_do
        )


def _normal_state(flag: Any, context: FlagContext) -> str | None:
    """ "normal" when the flag's words are part of a function said to be there ("has
    control of her bladder") or never there ("never had"), "lost" when a negation reaches
    that state ("doesn't have control of his bladder"); None for a flag with its own
    negation ("not in control of her bladder") or outside any such state. A state that
    holds the flag's negation ("not having any trouble passing urine") makes it "normal"."""
    if any(token.lower_ in STATE_NEGATIONS for token in flag):
        # the state starts with the flag's negation and ends elsewhere: inside it ("not
        # having any trouble passing urine") or after it ("no wee problems")
        negation_is_the_states = any(
            s.start <= flag.start < s.end and s.end != flag.end for s in context.normal_states
        )
        return "normal" if negation_is_the_states else None
    states = [s for s in context.normal_states if overlaps(s, flag)]
    if not states:
        return None
    lost = any(context.negates(state) and not lifelong(state) for state in states)
    return "lost" if lost else "normal"


def lifelong(state: Any) -> bool:
    """ "has never had bladder control", "I've never had normal bladder control" (spina
    bifida): a function never there is no new sign."""
    words = [t.lower_ for t in state.doc[max(state.start - 2, 0) : state.start + 1]]
    return ("never", "had") in pairwise(words)


def _red_flag(span: Any, context: FlagContext) -> RedFlag | None:
    state = _normal_state(span, context)
    if state == "normal":
        return None
    modifiers = context.modifiers(span)
    if state == "lost":
        modifiers -= {"negated"}  # the negation was of the function, not of the flag
    return RedFlag(span, modifiers, context.of_someone(span))


def red_flags(doc: Any) -> tuple[list[RedFlag], FlagContext]:
    """The red flags of the message; a question mark that ends a question opens none
    ("radio or surgery? MSCC from prostate ca" is no "? MSCC", suspected compression)."""
    context = FlagContext(doc)
    found = (
        _red_flag(span, context)
        for span in spans(doc, SAFETY_SPANS_KEY, RED_FLAG_LABEL)
        if not closes_a_question(span[0])
    )
    return [flag for flag in found if flag is not None], context


def symptom_words_only_mentioned(doc: Any, context: FlagContext) -> bool:
    """Symptom words are there, and each is negated, past, hypothetical or learnt about
    ("no numbness or weakness at all"): nothing is said to be happening."""
    words = spans(doc, SAFETY_SPANS_KEY, SYMPTOM_LABEL)
    return bool(words) and all(context.modifiers(word) for word in words)


def describes_emergency(doc: Any) -> bool:
    """True when some red flag is described as happening, not asked or told about."""
    return raises_alarm(*red_flags(doc))


def raises_alarm(flags: list[RedFlag], context: FlagContext) -> bool:
    """Some red flag is described as happening, or the writer says "the same" is
    happening now after a sign they only told of ("a friend said her aunt went numb in
    the legs. Same thing is happening to me right now"), or that a sign they were only
    warned of has begun ("… ring if your legs feel heavy. They've been like that since
    lunch")."""
    return any(flag.is_active and context.is_described(flag) for flag in flags) or (
        bool(flags) and context.the_same_now(min(flag.span.end for flag in flags))
    )


MISSING_PIPELINE = (
    "EmergencyDetector reads the red flags that the project's spaCy pipeline marks: put "
    "SpacyNLP with model build/spacy/en_spine_assistant (`make spacy`) before it in "
    "config.yml. Without them no emergency would ever be detected."
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyDetector(ProjectComponent):
    """Puts `emergency` first when a message describes a red flag of spinal cord
    compression happening now, and takes it away when red flags are only mentioned."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Without any red flag, the classifier alone must be this sure of `emergency`
        # (below it, "right, thanks, going now" could get urgent advice).
        return {"classifier_only_confidence": 0.5}

    def __init__(self, config: dict[str, Any], *args: Any) -> None:
        super().__init__(config, *args)
        self._classifier_only = float(self._config["classifier_only_confidence"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None and not message.get(TEXT):
                continue  # "/intent" payloads and empty messages have no text to read
            if doc is None or SAFETY_SPANS_KEY not in doc.spans:
                raise InvalidConfigException(MISSING_PIPELINE)
            flags, context = red_flags(doc)
            confidence = self._classifier_confidence(message)
            if raises_alarm(flags, context):
                self._set(message, [{INTENT_NAME_KEY: EMERGENCY_INTENT, "confidence": 1.0}])
            elif confidence and (
                flags
                or confidence < self._classifier_only
                or symptom_words_only_mentioned(doc, context)
            ):
                self._set(message, [])  # only mentioned, or too unsure
        return messages

    @staticmethod
    def _classifier_confidence(message: Message) -> float:
        return max(
            (
                float(entry.get("confidence") or 0.0)
                for entry in message.get(INTENT_RANKING_KEY, [])
                if entry.get(INTENT_NAME_KEY) == EMERGENCY_INTENT
            ),
            default=0.0,
        )

    @staticmethod
    def _set(message: Message, emergency: list[dict[str, Any]]) -> None:
        """The ranking with `emergency` first or not at all; the top entry is the intent."""
        others = [
            entry
            for entry in message.get(INTENT_RANKING_KEY, [])
            if entry.get(INTENT_NAME_KEY) != EMERGENCY_INTENT
        ]
        ranking = emergency + others
        if ranking:
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

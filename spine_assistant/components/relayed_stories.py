"""Tells a story someone passes on from news someone passes on.

"A lady in my group said her husband ended up paralysed. Which cancers spread to the
spine?" is a story: it gets its answer. "My neighbour says her husband can't walk", "mum
said that she can't feel her legs" and "a friend of mine fell over and said both legs
went dead" are news: they get the urgent advice. The emergency detector's FlagContext
asks this module about each red flag it reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spine_assistant.components.flag_spans import (
    POSSESSIVE_S,
    POSSESSIVES,
    SCOPE_BREAKS,
    THIRD_PARTY_OWNERS,
    WRITER,
    WRITERS_OWN,
    breaks,
    overlaps,
    word_before,
)
from spine_assistant.components.questions import is_question

if TYPE_CHECKING:
    from spine_assistant.components.emergency_detector import FlagContext

# ... also written without the apostrophe ("my friends husband", "my neighbours wife")
ACQUAINTANCES = frozenset("friend neighbour neighbor colleague mate cousin".split())
# someone the writer does not know: "a man at work", "a guy on a forum", "someone"
STRANGER_ARTICLES = frozenset({"a", "an", "another", "some"})
# the words for a man or a woman that "he" or "she" can stand for (a patient is either)
MEN = frozenset(
    "man guy bloke chap gentleman fella husband father dad brother son uncle grandad "
    "granddad grandpa grandfather nephew boyfriend stepdad fiance hubby patient character".split()
)
WOMEN = frozenset(
    "woman lady wife mother mum mom mam sister daughter aunt auntie grandma grandmother "
    "granny nan nana niece girlfriend stepmum stepmom fiancee missus patient character".split()
)
# "he" and "she" (not "his" or "her", which only own something) stand for them
GENDERED = {"he": MEN, "him": MEN, "she": WOMEN}
SOMEONE = frozenset({"someone", "somebody"})
# ... and every pronoun of one man or one woman, as it may come back in what that
# person says ("Dad rang saying his legs …")
SAME_PERSON = {**GENDERED, "his": MEN, "himself": MEN, "her": WOMEN, "herself": WOMEN}
# every word for a man, a woman or "someone" that a story may be about or told by
OTHERS = MEN | WOMEN | SOMEONE
# how far after a flag that is a noun its story's verb may come ("her paralysis was")
VERB_AFTER_FLAG = 2
# a second-hand story is told in the past ("became paralysed", "couldn't pee for weeks")
PAST_FORMS = frozenset("became went was were had ended lost left got could".split())
# ... and says nothing is so now ("her husband can't walk", "has gone numb")
PRESENT_FORMS = frozenset("is are am 's ’s has have 've can ca cannot wo keeps does".split())
# words of the reported cues for something watched or read ("a drama", "a post on a forum")
MEDIA = frozenset(
    "tv television programme show series documentary radio forum forums online facebook "
    "youtube tiktok instagram media news paper newspaper article magazine film movie book "
    "podcast drama episode video reel soap post thread blog".split()
)
# a story passed on by phone or message is news, not a second-hand story
CONTACT_WORDS = frozenset(
    "call called calling rang ring rung phone phoned phoning text texted texting message "
    "messaged email emailed knocked voicemail whatsapp whatsapped facetimed".split()
)
# a question after the story that asks for help, not about the page ("is this urgent?")
HELP_WORDS = frozenset(
    "urgent urgently emergency hospital a&e ambulance 999 911 112 serious worried wait "
    "doctor gp do now today tonight help treat treated fix fixed done reversed recover".split()
)
# what makes a relayed sign a possibility, not news ("said that his legs could go weak")
MODALS = frozenset("could might may will would can ca should shall 'll must wo".split())
# a "do" after these is the action asked for ("what should we do?", "what to do", "what do
# doctors do?"); after anything else it only makes the question ("what symptoms do these
# tumours cause?")
DOERS = MODALS | frozenset("to i we you he she they one doctors docs drs surgeons people".split())


class RelayedStories:
    """The story reading of one message, on top of its FlagContext's cues."""

    def __init__(self, context: FlagContext) -> None:
        self.context = context
        self.doc = context.doc

    def relayed_as_fact(self, flag: Any) -> bool:
        """ "Mum said that she can't feel her legs": every hypothetical cue that reaches
        the flag relays something said ("said that", "wrote that"), and no "could",
        "might" or "will" makes it a possibility ("my GP said that my legs could go
        weak"); the "can" of "can't walk" is the sign's own."""
        reported = self.context.cues[("reported", "forward")]
        reaching = self.context.reaching(flag, "hypothetical")
        if not reaching or not all(any(overlaps(cue, r) for r in reported) for cue in reaching):
            return False
        told = self.doc[reaching[-1].end : flag.end]
        return not any(
            token.lower_ in MODALS and not self._negated_ability(token) for token in told
        )

    def _negated_ability(self, token: Any) -> bool:
        """ "can't", "couldn't", "won't", "can not": the sign's own words, no possibility."""
        after = self.doc[token.i + 1].lower_ if token.i + 1 < len(self.doc) else ""
        return after in {"n't", "nt"} or (token.lower_ in {"can", "could"} and after == "not")

    def speakers_own_sign(self, flag: Any) -> bool:
        """ "A friend of mine fell over and said both legs went dead": someone in
        particular (not "my GP", not "a leaflet") says a sign with no one else's name
        ("I saw on TV that a man ended up paralysed") happened to them, in the past
        tense: news, not a report of what can happen. Said of themselves ("Dad rang
        saying he's been on the toilet for ages and nothing will come out"), it is
        their news in any tense."""
        for cue in self.context.reaching(flag, "reported"):
            before = [
                p
                for p in self.context.people
                if p.sent.start == cue.sent.start and p.end <= cue.start
            ]
            speakers = [
                p
                for p in before
                if p in self.context.particular_people and p.text.lower() not in POSSESSIVES
            ]
            told = self.doc[cue.end : flag.end]
            named = [t for t in told if self.context.person_at(t.i) or t.lower_ in OTHERS]
            if named and any(
                all(_stands_for(t.lower_, speaker[-1].lower_) for t in named)
                for speaker in speakers
            ):
                return True
            nearest = max(before, key=lambda p: p.start, default=None)
            if not named and nearest in speakers and any(t.lower_ in PAST_FORMS for t in told):
                return True
        return False

    def second_hand(self, flag: Any) -> bool:
        """ "A lady in my support group said her husband ended up paralysed. Which cancers
        spread to the spine?": a story about someone outside the writer's circle (someone
        else's relative or friend, or a stranger), passed on ("said", "apparently") or
        dated ("turned out", "before he died"), told in the past with nothing said to be
        so now, and a question about the page after it; in a dated story "he" or "she"
        is the man or woman named before. "Mum says her legs have gone", "my neighbour
        says her husband can't walk", "my friend's dad said he couldn't move his legs"
        (news, not a story), a story followed by "what should we do?", or passed on by
        phone or message ("my sister rang to say her husband collapsed") stay reports."""
        sentence = flag.sent
        if is_question(sentence):
            return False
        if any(token.lower_ in CONTACT_WORDS for token in self.doc):
            return False  # "my sister called and said her husband collapsed"
        found = self._story_subject(flag)
        if found is None:
            return False
        subject, person = found
        relayed = self.context.reaching(flag, "reported")
        if self.context.says_now(sentence) and not self._stranger_seen_in_media(person, relayed):
            return False
        dated = self._dated(sentence)
        if not (relayed or dated or self._relayed_after(flag)):
            return False
        # "he" is someone in a dated story, or someone a stranger told of ("a woman wrote
        # that her husband … and he later became paralysed"); not "my friend's dad said he
        # couldn't move his legs" nor "a man at church said he was paralysed": news
        told_of = (
            bool(relayed) and person.i > relayed[-1].start and self._told_by_a_stranger(relayed[-1])
        ) or any(person.i > cue.start and self._in_media(cue) for cue in relayed)
        if subject is not person and not (dated or told_of):
            return False
        # the story's verb: before the flag, or right after a noun ("her paralysis was")
        end = min(flag.end + VERB_AFTER_FLAG, self._clause_end(flag))
        told = self.doc[relayed[-1].end if relayed else sentence.start : end]
        if not any(self._past(token, flag) for token in told):
            return False
        # "his brother's legs got weak": the "'s" that makes the flag his is no "is"
        possessive = self.doc[subject.i + 1].lower_ in POSSESSIVE_S
        since = subject.i + (2 if possessive else 1)
        if any(token.lower_ in PRESENT_FORMS for token in self.doc[since:end]):
            return False
        return self._asks_about_the_page(sentence)

    @staticmethod
    def _past(token: Any, flag: Any) -> bool:
        """A past form, or a regular past tense ("legs turned to jelly") that does not
        end the flag (its "paralysed" says nothing of when)."""
        word = token.lower_
        return word in PAST_FORMS or (
            token.i != flag.end - 1 and len(word) > 3 and word.endswith("ed")
        )

    def _stranger_seen_in_media(self, person: Any, relayed: list[Any]) -> bool:
        """ "Watched a drama last night where a woman suddenly couldn't move her legs", "a
        post where a woman lost the use of her legs overnight": the time is the watching's
        or the story's, not the writer's now. Only a stranger ("a woman", "someone", "a
        character"), not "my friend posted that her husband couldn't walk last night"."""
        return self._stranger(person) and any(self._in_media(cue) for cue in relayed)

    @staticmethod
    def _in_media(cue: Any) -> bool:
        """A reported cue for something watched or read ("a TV drama", "on the news")."""
        return any(token.lower_ in MEDIA for token in cue)

    def _told_by_a_stranger(self, cue: Any) -> bool:
        """ "Someone in my online group wrote that…", "a woman on a blog said…"."""
        for index in range(cue.start - 1, cue.sent.start - 1, -1):
            token = self.doc[index]
            if token.lower_ in OTHERS:
                return self._outsider(token) and not self._owned(token)
            if self.context.person_at(index) and token.lower_ not in POSSESSIVES:
                return False  # "my friend", "she"; not the "my" of "my online group"
        return False

    def _owned(self, person: Any) -> bool:
        before = self._before(person)
        return before in THIRD_PARTY_OWNERS or before in POSSESSIVES

    def _story_subject(self, flag: Any) -> tuple[Any, Any] | None:
        """The nearest person before the flag in its sentence, and whom that stands for
        ("she" for the nearest woman named before), when that is someone the writer
        only heard about."""
        owner = self.doc[max(flag.start - 1, 0) : flag.end]
        if any(token.lower_ in WRITERS_OWN for token in owner):
            return None  # "a man at work said my legs were weak": the writer's legs
        for index in range(flag.start - 1, flag.sent.start - 1, -1):
            token = self.doc[index]
            word = token.lower_
            if word in WRITER:
                return None  # "I", "we": the writer's own
            if word in THIRD_PARTY_OWNERS or word in POSSESSIVES:
                continue  # "in his saddle area", "a lady at my work": owners, not subjects
            if word in GENDERED:
                named = self._named_before(index, GENDERED[word])
                return (token, named) if named is not None and self._outsider(named) else None
            if word in OTHERS or self.context.person_at(index):
                return (token, token) if self._outsider(token) else None
        return None

    def _named_before(self, index: int, nouns: frozenset[str]) -> Any | None:
        return next((t for t in reversed(self.doc[:index]) if t.lower_ in nouns), None)

    def _before(self, person: Any) -> str:
        return word_before(self.doc, person.i)

    def _stranger(self, person: Any) -> bool:
        """ "Someone", "a man at work", "a patient"."""
        return person.lower_ in SOMEONE or self._before(person) in STRANGER_ARTICLES

    def _outsider(self, person: Any) -> bool:
        """A stranger or someone else's someone ("her husband", "my friend's mum", "my
        friends husband")."""
        before = self._before(person)
        return (
            self._stranger(person)
            or before in THIRD_PARTY_OWNERS
            or (before.endswith("s") and before[:-1] in ACQUAINTANCES)
        )

    def _relayed_after(self, flag: Any) -> bool:
        """The teller named after the story, in a clause of its own ("my colleague's dad
        lost feeling in his legs; she told me before she went on leave"; not "her husband
        couldn't stand up and said his legs were numb", where he tells it)."""
        return any(
            cue.sent.start == flag.sent.start
            and cue.start > flag.end
            and self.context.person_at(cue.start - 1)
            and any(breaks(token, SCOPE_BREAKS) for token in self.doc[flag.end : cue.start - 1])
            for cue in self.context.cues[("reported", "forward")]
        )

    def _dated(self, sentence: Any) -> bool:
        """A past time or an ending in the sentence ("turned out", "before he died")."""
        return any(cue.sent.start == sentence.start for cue in self.context.past_times)

    def _clause_end(self, flag: Any) -> int:
        """Where the flag's clause ends: a comma, dash, colon or the sentence's end ("her
        dad's paralysis was caused by his radiotherapy, not the tumour")."""
        return next(
            (t.i for t in self.doc[flag.end : flag.sent.end] if breaks(t, SCOPE_BREAKS)),
            flag.sent.end,
        )

    def _asks_about_the_page(self, sentence: Any) -> bool:
        """Questions after it (or, when none comes after, before it: "Does cannabis oil
        shrink them? I read a post from a woman who said she was paralysed"), each naming
        no one but the assistant ("does your page…")
        and asking for no help ("is this urgent?", "what should we do?"; a "do" that
        only makes the question asks nothing: "do scans give off radiation?", "what
        other symptoms do these tumours cause?")."""
        later = [s for s in self.doc.sents if s.start >= sentence.end and is_question(s)] or [
            s for s in self.doc.sents if s.end <= sentence.start and is_question(s)
        ]
        return bool(later) and all(
            not any(
                token.lower_ in HELP_WORDS and (token.lower_ != "do" or _asked_for(token, question))
                for token in question
            )
            and not any(
                person.sent.start == question.start and person.text.lower() not in {"you", "your"}
                for person in self.context.people
            )
            for question in later
        )


def _asked_for(do: Any, question: Any) -> bool:
    """A "do" that is the action asked for: after someone or a modal ("what should we
    do?", "what do I do now?", "anything we can do?")."""
    return do.i > question.start and do.doc[do.i - 1].lower_ in DOERS


def _stands_for(pronoun: str, speaker: str) -> bool:
    """ "he" after "Dad" or "he", "her" after "Mum" or "she": the speaker again."""
    words = SAME_PERSON.get(pronoun)
    return words is not None and (speaker in words or SAME_PERSON.get(speaker) is words)

"""When a red flag is so: the present-time reading of the emergency detector's context.

A sign counts as news when it is said to be so now: a present-time cue at the flag or
just before it, in the next short sentence ("It's new since last night."), a "still"
or a worsening after a past start, "the same" happening to someone now, something warned
of that "has started", or a sentence that claims what the one before it named ("That's
exactly what's been happening to me"). FlagContext (emergency_detector.py) reads its
cues; these rules read the sentences around a flag with them.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from spine_assistant.components.flag_spans import SCOPE_BREAKS, STATE_NEGATIONS, breaks, inside
from spine_assistant.components.questions import is_question

# a sentence after a question this short is about the question ("It's new since last night.")
FOLLOW_UP_TOKENS = 15
# a sentence this short ("It's gone.") does not end what the one before it is about
SHORT_SENTENCE = 5
# a present-time cue this close after a flag dates the flag itself ("cant pee since last nite")
NOW_AFTER_FLAG = 3
# ... or this close before it ("since the weekend he can't walk")
NOW_BEFORE_FLAG = 3
# present-time cues that are lengths of time ("for a day", "all night", "a whole day")
DURATION_STARTS = frozenset({"for", "all", "a", "whole", "over"})
# "same thing is happening to me now": a sign told of before is happening again
SAME = frozenset({"same"})
HAPPENING = frozenset({"happening", "hapening", "happenin"})
# "the GP said to ring if his legs went heavy. It's started / they've been like that
# since lunch": the sign warned of, now begun, told with "it" or "they" opening a statement
ANAPHORS = frozenset({"it", "that", "this", "they"})
BEGUN = frozenset({"started", "begun", "began", "happened", "happening", "hit", "kicked"})
STARTING = frozenset({"started", "begun", "began"})  # "it started to worry me" is no onset
OPENERS = frozenset({"well", "and", "so", "but", "now", "today", "tonight", "oh", ",", "-"})
STARTED_FILLERS = frozenset({"it", "they", "only", "just", "a", "about", "around"})
BEGUN_REACH = 3  # words from the anaphor to the verb ("it has now started")
# "That's exactly what's been happening to me", "that's just what I've got"
CLAIM_ADVERBS = frozenset({"exactly", "just", "precisely"})
CLAIM_VERBS = frozenset({"happening", "got", "have", "having", "has", "gets", "getting"})
# "… before he was diagnosed and still can't": the past sign is there now
STILL = frozenset({"still", "stil"})
STILL_SO = frozenset(
    "ca can cant cannot unable not n't nt isnt isn't doesnt doesn't wont won't weak numb "
    "paralysed paralyzed incontinent".split()
)
STILL_REACH = 3  # words from "still" to what is still so
# "… went numb and they still are": an auxiliary that ends its clause stands for the sign
STILL_AUXILIARIES = frozenset({"are", "is", "am", "do", "does", "'re", "'s"})
# "… started last year and is getting worse": a past start, but the sign is growing now
WORSENING = frozenset({"worse", "weaker"})


class TimeReading:
    """The present-time rules; FlagContext finds the cues they read."""

    doc: Any
    people: list[Any]
    particular_people: list[Any]
    current: list[Any]  # present-time cues ("since this morning")
    past_times: list[Any]  # past-time cues ("two years ago")
    pseudo_cues: list[Any]  # phrases with a cue word that are not that cue

    def person_at(self, index: int) -> bool:
        return any(person.start == index for person in self.people)

    def _still_so_after(self, flag: Any) -> bool:
        """ "still" later in the flag's sentence, followed closely by a negation or the
        sign itself ("and still can't", "is still weak"): a past time does not end it.
        "Still not sure why" is no such negation."""
        after = self.doc[flag.end : flag.sent.end]
        return any(
            token.lower_ in STILL
            and (
                any(
                    t.lower_ in STILL_SO and not inside(self.doc[t.i : t.i + 1], self.pseudo_cues)
                    for t in self.doc[token.i + 1 : token.i + 1 + STILL_REACH]
                )
                or self._auxiliary_ends_clause(token.i + 1, flag.sent.end)
            )
            for token in after
        )

    def _auxiliary_ends_clause(self, index: int, sentence_end: int) -> bool:
        """ "they still are", "it still is.": an auxiliary with nothing after it in its clause."""
        if index >= sentence_end or self.doc[index].lower_ not in STILL_AUXILIARIES:
            return False
        return index + 1 == sentence_end or self.doc[index + 1].is_punct

    def _worsening_after(self, flag: Any) -> bool:
        """A present-time cue of change later in the flag's sentence ("she can't walk,
        this started last year and is getting worse")."""
        return any(
            cue.sent.start == flag.sent.start
            and cue.start >= flag.end
            and any(token.lower_ in WORSENING for token in cue)
            for cue in self.current
        )

    def _in_reach(self, cue: Any, flag: Any, reach: int, after: bool) -> bool:
        """The cue at most `reach` words after (or before) the flag, in its clause, or
        after it in a clause that only says when it started ("legs like jelly, started
        few hrs ago")."""
        start, end = (flag.end, cue.start) if after else (cue.end, flag.start)
        between = self.doc[start:end]
        return (
            cue.sent.start == flag.sent.start
            and 0 <= end - start <= reach
            and (
                not any(breaks(token, SCOPE_BREAKS) for token in between)
                or (after and _says_when_it_started(between))
            )
        )

    def _a_point_of_now(self, cue: Any) -> bool:
        """A present time that is no length of time ("for a day", "3 days") and lies
        outside any past time."""
        return (
            cue[0].lower_ not in DURATION_STARTS
            and not cue[0].text[:1].isdigit()
            and not inside(cue, self.past_times)
        )

    def _now_at(self, flag: Any) -> bool:
        """A present-time cue right after the flag, in its clause."""
        return any(self._in_reach(cue, flag, NOW_AFTER_FLAG, after=True) for cue in self.current)

    def _now_just_after(self, flag: Any) -> bool:
        """A present time (not a length of time) right after the flag, in its clause and
        outside any past time ("had a stroke in 2016, legs went weak this morning")."""
        return any(
            self._a_point_of_now(cue)
            and not inside(cue, self.pseudo_cues)  # "ever since" dates from what came before
            and self._in_reach(cue, flag, NOW_AFTER_FLAG, after=True)
            for cue in self.current
        )

    def _now_before(self, flag: Any) -> bool:
        """A present time (not a length of time) a few words before the flag, in its
        clause and outside any past time ("since the weekend he can't walk"; not "since
        the stroke his legs", nor "in 2009 I couldn't pee for a day and needed a catheter")."""
        return any(
            self._a_point_of_now(cue) and self._in_reach(cue, flag, NOW_BEFORE_FLAG, after=False)
            for cue in self.current
        )

    def says_now(self, sentence: Any) -> bool:
        return any(cue.sent.start == sentence.start for cue in self.current)

    def _sentence_after(self, sentence: Any) -> Any | None:
        return next((s for s in self.doc.sents if s.start == sentence.end), None)

    def _now_near(self, flag: Any) -> bool:
        """A present-time cue in the flag's sentence or the next one, or in the one after
        that when the next is short ("… about bladder control going. It's gone. Since
        last night.")."""
        following = self._sentence_after(flag.sent)
        if following is None:
            return self.says_now(flag.sent)
        after = self._sentence_after(following) if len(following) <= SHORT_SENTENCE else None
        return any(self.says_now(s) for s in (flag.sent, following, after) if s is not None)

    def the_same_now(self, after: int) -> bool:
        """A statement after `after` (the first red flag's end) that says "the same" is
        happening to someone now ("same thing is happening to me right now", "my dad has
        the same since last night") or that what was told of has begun ("It's started
        since 6am"); not "the same happened to my uncle years ago", "the same isn't
        happening to me", nor a question ("could the same happen to me?")."""
        for sentence in self.doc.sents:
            if sentence.start >= after and self._says_it_began(sentence):
                return True
            words = [
                t
                for t in sentence
                if t.i >= after and not inside(self.doc[t.i : t.i + 1], self.past_times)
            ]
            if not any(t.lower_ in SAME for t in words) or is_question(sentence):
                continue  # a question, or no "same" but one of a past ("exactly the same")
            happening = any(
                t.lower_ in HAPPENING
                and not any(w.lower_ in STATE_NEGATIONS for w in self.doc[max(t.i - 2, 0) : t.i])
                for t in words
            ) or any(
                cue.start >= after and cue.sent.start == sentence.start for cue in self.current
            )
            if happening and any(
                p.start >= after and p.sent.start == sentence.start for p in self.particular_people
            ):
                return True
        return False

    def _says_it_began(self, sentence: Any) -> bool:
        """A statement opening with "it" or "they" and a verb of onset ("it's started",
        "it happened twice", "they've been like that", "been like this" with its "it" left
        out), dated now ("since lunch", "40 minutes ago"): what was only warned of has
        begun."""
        if is_question(sentence):
            return False
        words = [t.lower_ for t in sentence if t.lower_ not in OPENERS]
        if words[:1] == ["been"]:
            words = ["it", *words]  # "been like this since this morning": the "it" left out
        if not words or words[0] not in ANAPHORS:
            return False
        following = words[1 : 2 + BEGUN_REACH]
        began = any(
            word in BEGUN and (word not in STARTING or following[i + 1 : i + 2] != ["to"])
            for i, word in enumerate(following)
        )
        like_that = any(word == "like" and then in ANAPHORS for word, then in pairwise(following))
        return (began or like_that) and any(
            cue.sent.start == sentence.start for cue in self.current
        )

    def _now_right_after(self, question: Any) -> bool:
        """ "Is it serious if your legs won't push? It's new since last night.": a short
        sentence right after the question says it is happening now."""
        following = self._sentence_after(question)
        return (
            following is not None
            and len(following) <= FOLLOW_UP_TOKENS
            and self.says_now(following)
        )

    def _claimed(self, flag: Any) -> bool:
        """What the flag names is claimed for someone right after it, in its sentence
        ("you mention loss of bladder control - that's what's happening to my brother")
        or in the next one."""
        following = self._sentence_after(flag.sent)
        after = [self.doc[flag.end : flag.sent.end], following]
        return any(self._claims(part) for part in after if part is not None)

    def _claims(self, part: Any) -> bool:
        """`part` opens "that's (exactly) what", someone is in it, and it has, gets or is
        happening."""
        words = [token for token in part if not token.is_punct]
        opening = [t.lower_ for t in words[:4] if t.lower_ not in CLAIM_ADVERBS]
        if opening[:3] not in (["that", "'s", "what"], ["that", "is", "what"]):
            return False
        what = next(t for t in words if t.lower_ == "what")
        rest = self.doc[what.i + 1 : part.end]
        return any(t.lower_ in CLAIM_VERBS for t in rest) and any(self.person_at(t.i) for t in rest)


def _says_when_it_started(between: Any) -> bool:
    """A clause break, then only "started" ("it started", "started about"): the time
    that follows dates the sign before the break."""
    words = [token.lower_ for token in between[1:]]
    started = [word for word in words if word in STARTING]
    return (
        len(between) > 1
        and breaks(between[0], SCOPE_BREAKS)
        and len(started) == 1
        and set(words) - STARTING <= STARTED_FILLERS
    )

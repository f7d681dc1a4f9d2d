"""Sentiment of templated sentences with negation, and its reverse: writing a
sentence with a requested sentiment (one-to-many generation).

The grammar is small and known, so a generated sentence can be checked: does
it parse, and does it carry the sentiment that was asked for?
"""

from __future__ import annotations

import numpy as np

from engine.tasks.pairs import PairTask

SUBJECTS = ["the movie", "this film", "the food", "the service", "the book",
            "my day", "the hotel", "the concert", "this game", "the show"]
VERBS = ["was", "is", "seemed", "felt"]
INTENSIFIERS = ["very", "really", "quite", "truly"]
POSITIVE = ["good", "great", "excellent", "wonderful", "fun", "pleasant", "amazing", "nice"]
NEGATIVE = ["bad", "terrible", "awful", "boring", "poor", "horrible", "dull", "sad"]
LIKE_POSITIVE = ["liked", "loved", "enjoyed"]
LIKE_NEGATIVE = ["hated", "disliked"]
LABELS = ["negative", "positive"]


def _sentence(gen: np.random.Generator) -> tuple[list[str], str]:
    """One sentence and its label. Negation flips the polarity."""
    negated = bool(gen.integers(2))
    if gen.integers(3):  # "the movie was (not) (very) good"
        positive = bool(gen.integers(2))
        words = SUBJECTS[gen.integers(len(SUBJECTS))].split() + [VERBS[gen.integers(len(VERBS))]]
        if negated:
            words.append("not")
        if gen.integers(2):
            words.append(INTENSIFIERS[gen.integers(len(INTENSIFIERS))])
        pool = POSITIVE if positive else NEGATIVE
        words.append(pool[gen.integers(len(pool))])
    else:  # "i (did not) like the movie"
        positive = bool(gen.integers(2))
        if negated:
            verbs = ["like", "love", "enjoy"] if positive else ["hate", "dislike"]
            words = ["i", "did", "not", verbs[gen.integers(len(verbs))]]
        else:
            pool = LIKE_POSITIVE if positive else LIKE_NEGATIVE
            words = ["i", pool[gen.integers(len(pool))]]
        words += SUBJECTS[gen.integers(len(SUBJECTS))].split()
    return words, LABELS[int(positive != negated)]


def sentiment_of(words: list[str]) -> str | None:
    """The label the grammar gives a sentence, or None if it is not a sentence of it."""
    subjects = {tuple(s.split()) for s in SUBJECTS}
    if len(words) >= 3 and tuple(words[:2]) in subjects and words[2] in VERBS:
        rest = words[3:]
        negated = bool(rest) and rest[0] == "not"
        rest = rest[1:] if negated else rest
        if rest and rest[0] in INTENSIFIERS:
            rest = rest[1:]
        if len(rest) != 1 or rest[0] not in POSITIVE + NEGATIVE:
            return None
        positive = rest[0] in POSITIVE
    elif len(words) >= 4 and words[0] == "i":
        if words[1:3] == ["did", "not"] and words[3] in ("like", "love", "enjoy", "hate", "dislike"):
            negated, verb, subject = True, words[3], words[4:]
            positive = verb in ("like", "love", "enjoy")
        elif words[1] in LIKE_POSITIVE + LIKE_NEGATIVE:
            negated, subject = False, words[2:]
            positive = words[1] in LIKE_POSITIVE
        else:
            return None
        if tuple(subject) not in subjects:
            return None
    else:
        return None
    return LABELS[int(positive != negated)]


VOCABULARY = sorted({w for s in SUBJECTS for w in s.split()} | set(VERBS) | set(INTENSIFIERS)
                    | set(POSITIVE) | set(NEGATIVE) | set(LIKE_POSITIVE) | set(LIKE_NEGATIVE)
                    | {"i", "did", "not", "like", "love", "enjoy", "hate", "dislike"})
LONGEST_SENTENCE = 6  # "i did not like the movie" / "the movie was not very good"


class SentimentTask(PairTask):
    name, title = "sentiment", "Sentiment with negation"
    kinds = ("classify",)
    joiner = " "

    def __init__(self, spec, kind, seed):
        self.labels = list(LABELS)
        super().__init__(spec, kind, seed)

    def alphabet(self):
        return VOCABULARY

    @classmethod
    def max_lengths(cls, spec):
        return LONGEST_SENTENCE, 0

    def make_examples(self, gen, n):
        return [_sentence(gen) for _ in range(n)]


class SentimentGenerationTask(PairTask):
    """Write a sentence with the requested sentiment, from one start token."""

    name, title = "sentiment_generation", "Write a sentence with a given sentiment"
    kinds = ("generate", "seq2seq")
    joiner = " "
    metric_by_kind = {"generate": "sentiment_match", "seq2seq": "sentiment_match"}

    def alphabet(self):
        return LABELS + VOCABULARY

    @classmethod
    def max_lengths(cls, spec):
        return 1, LONGEST_SENTENCE + 1

    def count_correct(self, batch, outputs) -> int:
        """A sentence counts when the grammar parses it and it carries the requested sentiment."""
        requested = [self.vocab.itos[i] for i in batch.src[:, 0].tolist()]
        written = [self.vocab.tokens(out) for out in outputs.tolist()]
        return sum(sentiment_of(words) == label for words, label in zip(written, requested))

    def make_examples(self, gen, n):
        return [([label], words) for words, label in (_sentence(gen) for _ in range(n))]

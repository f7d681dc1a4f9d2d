"""Date-format translation: many human formats -> ISO 8601 (YYYY-MM-DD).

A toy translation task whose attention alignment means something: the output
year, month and day should attend to where those fields sit in the input.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from engine.tasks.pairs import PairTask

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _formats(d: dt.date) -> list[str]:
    month, short = MONTHS[d.month - 1], MONTHS[d.month - 1][:3]
    day_name = DAYS[d.weekday()]
    return [
        f"{d.day} {month} {d.year}",
        f"{month} {d.day}, {d.year}",
        f"{short} {d.day} {d.year}",
        f"{d.day} {short.lower()} {d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year % 100:02d}",
        f"{d.day}.{d.month}.{d.year}",
        f"{day_name[:3]}, {d.day} {short} {d.year}",
        f"{day_name}, {month} {d.day}, {d.year}",
        f"{d.year} {short} {d.day}",
        f"{d.day}{_suffix(d.day)} of {month} {d.year}",
    ]


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


FIRST_DAY = dt.date(1950, 1, 1)
SPAN_DAYS = (dt.date(2049, 12, 31) - FIRST_DAY).days + 1
# Every weekday falls on every day of every month within a few years, so one
# span of years bounds the longest rendering ("Wednesday, September 27, 2023").
LONGEST = max(len(f) for offset in range(366 * 7)
              for f in _formats(dt.date(2020, 1, 1) + dt.timedelta(days=offset)))


class DatesTask(PairTask):
    name, title = "dates", "Date formats to ISO"
    kinds = ("seq2seq",)

    def alphabet(self):
        chars = set("0123456789-/,. ")
        for name in MONTHS + DAYS:
            chars.update(name)
            chars.update(name.lower())
        chars.update("stndrdthof")
        return sorted(chars)

    @classmethod
    def max_lengths(cls, spec):
        return LONGEST, 11

    def make_examples(self, gen: np.random.Generator, n: int):
        offsets = gen.integers(0, SPAN_DAYS, size=n)
        styles = gen.integers(0, 1 << 30, size=n)
        out = []
        for offset, style in zip(offsets, styles):
            d = FIRST_DAY + dt.timedelta(days=int(offset))
            formats = _formats(d)
            out.append((list(formats[style % len(formats)]), list(d.isoformat())))
        return out

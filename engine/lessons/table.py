"""The lessons table the command line prints: claim, what was measured, verdict."""

from __future__ import annotations

import textwrap

from engine.lessons.base import LessonResult

WIDTH = 100


def verdict(result: LessonResult) -> str:
    return "holds" if result.outcome.passed else "NOT SHOWN"


def format_result(result: LessonResult) -> str:
    lesson = result.lesson
    head = f"{lesson.number:>2}  {lesson.title:<44} {verdict(result):<10} {result.seconds:6.1f} s"
    body = [textwrap.fill(text, WIDTH, initial_indent=f"    {label:<9} ", subsequent_indent=" " * 14)
            for label, text in (("claim", lesson.claim), ("measured", result.outcome.measured))]
    return "\n".join([head, *body])


def header() -> str:
    return f"{'#':>2}  {'lesson':<44} {'verdict':<10} {'time':>8}\n" + "-" * WIDTH


def footer(results: list[LessonResult]) -> str:
    held = sum(r.outcome.passed for r in results)
    seconds = sum(r.seconds for r in results)
    return "-" * WIDTH + f"\n{held} of {len(results)} claims hold ({seconds:.0f} s)"

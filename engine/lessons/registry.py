"""Every lesson with its runs and its measurement, by number or key."""

from engine.lessons import before_rnn, recurrent, seq2seq, transformer
from engine.lessons.base import Lesson, LessonResult, Outcome, run_lesson
from engine.lessons.catalog import TEXTS

# Each lesson's (runs, measure), by key.
_TRAINING = {
    'hello': (recurrent.hello_runs, recurrent.hello_measure),
    'vanishing-gradients': (recurrent.vanishing_runs, recurrent.vanishing_measure),
    'exploding-relu': (recurrent.exploding_runs, recurrent.exploding_measure),
    'lstm-vs-gru': (recurrent.lstm_gru_runs, recurrent.lstm_gru_measure),
    'shapes': (recurrent.shapes_runs, recurrent.shapes_measure),
    'bottleneck': (seq2seq.bottleneck_runs, seq2seq.bottleneck_measure),
    'teacher-forcing': (seq2seq.teacher_forcing_runs, seq2seq.teacher_forcing_measure),
    'alignment': (seq2seq.alignment_runs, seq2seq.alignment_measure),
    'positional-encoding': (transformer.positional_runs, transformer.positional_measure),
    'causal-mask': (transformer.causal_runs, transformer.causal_measure),
    'sequential-vs-parallel': (transformer.timing_runs, transformer.timing_measure),
    'multi-head': (transformer.heads_runs, transformer.heads_measure),
    'latent-state': (before_rnn.latent_state_runs, before_rnn.latent_state_measure),
}

# The sweeps behind the lessons' classic curves, by key.
_SWEEPS = {
    'vanishing-gradients': recurrent.vanishing_sweep,
    'bottleneck': seq2seq.bottleneck_sweep,
}

LESSONS: list[Lesson] = [Lesson(t.number, t.key, t.title, t.claim, *_TRAINING[t.key], guide=t.guide,
                                sweep=_SWEEPS.get(t.key)) for t in TEXTS]


def lesson(number_or_key) -> Lesson:
    for candidate in LESSONS:
        if str(number_or_key) in (str(candidate.number), candidate.key):
            return candidate
    known = ", ".join(f"{item.number} ({item.key})" for item in LESSONS)
    raise KeyError(f"no lesson {number_or_key!r}; the lessons are {known}")


__all__ = ["LESSONS", "Lesson", "LessonResult", "Outcome", "lesson", "run_lesson"]

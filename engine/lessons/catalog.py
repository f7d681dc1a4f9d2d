"""What each lesson says, in words: its title, the claim it checks and what to
look at in the window. Plain data with no torch, so the window can list the
lessons before torch is loaded; `engine.lessons` pairs each with its runs and
its measurement."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonText:
    number: int
    key: str
    title: str
    claim: str
    guide: str  # what to press and where to look in the window


TEXTS = [
    LessonText(
        1, 'hello', 'Next character with a plain RNN',
        claim='A tanh RNN trained on "hello" maps "hell" to "ello", building h_t one character at a time.',
        guide='Train, then open the Inside view: each row of the hidden-state map is h_t after one more '
              'character. The loss reaches zero within a few hundred steps.',
    ),
    LessonText(
        2, 'vanishing-gradients', 'Vanishing gradients',
        claim='On long-range recall a tanh RNN fails where LSTM and GRU succeed; its gradient from the end '
              'fades by orders of magnitude on the way back.',
        guide='Race the three runs. In Compare runs the LSTM and GRU reach accuracy 1 while the tanh RNN stays '
              'near chance (0.25). Pick the RNN run and open Gradient per timestep: the gradient reaching the '
              'first steps is orders of magnitude fainter.',
    ),
    LessonText(
        3, 'exploding-relu', 'A ReLU RNN explodes; clipping tames it',
        claim="Without clipping a ReLU RNN's gradient norm spikes until the loss or gradient is Inf or NaN; "
              'clipping keeps it finite.',
        guide='Race both runs. The unclipped run stops within a few dozen steps with a divergence banner; the '
              'clipped run trains all its steps.',
    ),
    LessonText(
        4, 'lstm-vs-gru', 'LSTM vs GRU',
        claim="A GRU has three quarters of an LSTM's recurrent parameters and reaches similar accuracy.",
        guide='Race both runs and compare the parameters column and the metric curves: the GRU is a quarter '
              'smaller and learns as well.',
    ),
    LessonText(
        5, 'shapes', 'Many-to-one, many-to-many, one-to-many',
        claim='One recurrent network, three shapes of problem: a label per sentence, an output per step, a '
              'sentence from one start vector.',
        guide='Look at the diagram of each run: one output per sentence, one per character, and a whole '
              'sentence from one start vector.',
    ),
    LessonText(
        6, 'bottleneck', 'The context-vector bottleneck',
        claim="Without attention a seq2seq model's sequence accuracy falls as inputs grow, the early input "
              'positions worst; with attention it holds.',
        guide='Race both runs. Without attention the long inputs fail; open Attention on the other run to see '
              'what it looks at instead.',
    ),
    LessonText(
        7, 'teacher-forcing', 'Teacher forcing and exposure bias',
        claim='Full teacher forcing gives the lowest teacher-forced loss but the widest gap to free-running '
              'accuracy (exposure bias); a ratio of 0 closes the gap.',
        guide='Race the three runs. Compare the teacher-forced loss with the sequence accuracy, which is '
              'measured generating freely.',
    ),
    LessonText(
        8, 'alignment', 'Attention alignment',
        claim='Attention learns alignments: an anti-diagonal for reversal, and year, month and day fields for '
              'date translation.',
        guide='Train, then open Attention and scrub through the snapshots: the map sharpens into an anti- '
              'diagonal for reversal, and into year, month and day blocks for dates.',
    ),
    LessonText(
        9, 'positional-encoding', 'Positional encoding',
        claim='A Transformer without positional encoding cannot learn reversal; with it, it can.',
        guide='Race both runs: without positions the model sees the input as a bag of symbols and cannot '
              'reverse it.',
    ),
    LessonText(
        10, 'causal-mask', 'Causal masking',
        claim='A decoder trained without the causal mask reaches a low teacher-forced loss by reading the '
              'answer, and generates nonsense.',
        guide="Race both runs: the unmasked decoder's loss drops far lower, because it reads the character it "
              'should predict.',
    ),
    LessonText(
        11, 'sequential-vs-parallel', 'Sequential vs parallel',
        claim='An LSTM must process positions one after another; a Transformer handles all positions at once, '
              'so its chain of sequential work does not grow with length.',
        guide='Race the runs and compare tokens per second: the LSTM walks the positions one by one, the '
              'Transformer takes them all at once (the difference shows most on a GPU).',
    ),
    LessonText(
        12, 'multi-head', 'Multi-head attention',
        claim='Different heads learn to attend to different places.',
        guide='Train, then open Attention and switch heads: each looks at different digits of the two numbers.',
    ),
]

LESSON_TITLES = [(text.number, text.title) for text in TEXTS]

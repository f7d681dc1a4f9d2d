"""What each lesson says, in words: its title, the claim it checks and what to
look at in the window. Plain data with no torch, so the window can list the
lessons before torch is loaded; `engine.lessons` pairs each with its runs and
its measurement."""

from __future__ import annotations

from dataclasses import dataclass

TRANSLATION_CONTEXT = "Lessons"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks `text` for Qt's lupdate, which reads this file as text, so the
    window can show the lesson in the user's language. The engine stays free
    of Qt: here the text is returned as it is, in English."""
    return text


@dataclass(frozen=True)
class LessonText:
    number: int
    key: str
    title: str
    claim: str
    guide: str  # what to press and where to look in the window


TEXTS = [
    LessonText(
        1, 'hello',
        title=QT_TRANSLATE_NOOP('Lessons', 'Next character with a plain RNN'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'A tanh RNN trained on "hello" maps "hell" to "ello", building h_t '
                                           'one character at a time.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Train, then open the Inside view: each row of the hidden-state map '
                                           'is h_t after one more character. The loss reaches zero within a few '
                                           'hundred steps.'),
    ),
    LessonText(
        2, 'vanishing-gradients',
        title=QT_TRANSLATE_NOOP('Lessons', 'Vanishing gradients'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'On long-range recall a tanh RNN fails where LSTM and GRU succeed; '
                                           'its gradient from the end fades by orders of magnitude on the way '
                                           'back.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race the three runs. In Compare runs the LSTM and GRU reach '
                                           'accuracy 1 while the tanh RNN stays near chance (0.25). Pick the '
                                           'RNN run and open Gradient per timestep: the gradient reaching the '
                                           'first steps is orders of magnitude fainter. Trained much longer '
                                           "(past about 600 steps), Adam's rescaling sometimes lets the RNN "
                                           'learn it too: the gradient is faint, not zero. Then press Continue '
                                           'Sweep in the Sweep dock: 54 short runs on Ray draw accuracy '
                                           'against distance (distractors + 1) for the three cells, three seeds '
                                           'each. The RNN holds to about 10 steps and is at chance from 20. '
                                           'The runs use a forget-gate bias of 4 and 300 steps: with the recall '
                                           "presets' bias of 1 and 1500 steps the curve is noisy, because over "
                                           'that many Adam steps the RNN sometimes learns long gaps, and '
                                           "without the larger bias the LSTM's memory fades before 50 steps."),
    ),
    LessonText(
        3, 'exploding-relu',
        title=QT_TRANSLATE_NOOP('Lessons', 'A ReLU RNN explodes; clipping tames it'),
        claim=QT_TRANSLATE_NOOP('Lessons', "Without clipping a ReLU RNN's gradient norm spikes until the loss "
                                           'or gradient is Inf or NaN; clipping keeps it finite.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race both runs. The unclipped run stops within a few dozen steps '
                                           'with a divergence banner; the clipped run stays finite for all its '
                                           'steps, though at this learning rate it learns little.'),
    ),
    LessonText(
        4, 'lstm-vs-gru',
        title=QT_TRANSLATE_NOOP('Lessons', 'LSTM vs GRU'),
        claim=QT_TRANSLATE_NOOP('Lessons', "A GRU has three quarters of an LSTM's recurrent parameters and "
                                           'reaches similar accuracy.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race both runs and compare the parameters column and the metric '
                                           'curves: the GRU is a quarter smaller and learns as well.'),
    ),
    LessonText(
        5, 'shapes',
        title=QT_TRANSLATE_NOOP('Lessons', 'Many-to-one, many-to-many, one-to-many'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'One recurrent network, three shapes of problem: a label per '
                                           'sentence, an output per step, a sentence from one start vector.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Look at the diagram of each run: one output per sentence, one per '
                                           'character, and a whole sentence from one start vector.'),
    ),
    LessonText(
        6, 'bottleneck',
        title=QT_TRANSLATE_NOOP('Lessons', 'The context-vector bottleneck'),
        claim=QT_TRANSLATE_NOOP('Lessons', "Without attention a seq2seq model's sequence accuracy falls as "
                                           'inputs grow, and only the last tokens it read (the first it writes) '
                                           'come out reliably; with attention it holds.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race both runs. Without attention the long inputs fail; open '
                                           'Attention on the other run to see what it looks at instead. Then '
                                           'press Continue Sweep in the Sweep dock: each run trains on inputs up '
                                           'to one length, with and without attention, two seeds each, and the '
                                           'sweep plot draws sequence accuracy against that length: without '
                                           'attention it falls as inputs grow, with attention it holds.'),
    ),
    LessonText(
        7, 'teacher-forcing',
        title=QT_TRANSLATE_NOOP('Lessons', 'Teacher forcing and exposure bias'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'Full teacher forcing gives the lowest teacher-forced loss but the '
                                           'widest gap to free-running accuracy (exposure bias); a ratio of 0 '
                                           'narrows it.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race the three runs. Compare the teacher-forced loss with the '
                                           'sequence accuracy, which is measured generating freely.'),
    ),
    LessonText(
        8, 'alignment',
        title=QT_TRANSLATE_NOOP('Lessons', 'Attention alignment'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'Attention learns alignments: an anti-diagonal for reversal, and '
                                           'year, month and day fields for date translation.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Train, then open Attention and scrub through the snapshots: the map '
                                           'sharpens into an anti-diagonal for reversal, and into year, month '
                                           'and day blocks for dates.'),
    ),
    LessonText(
        9, 'positional-encoding',
        title=QT_TRANSLATE_NOOP('Lessons', 'Positional encoding'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'A Transformer without positional encoding cannot learn reversal; '
                                           'with it, it can.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race both runs: without positions the model sees the input as a bag '
                                           'of symbols and cannot reverse it.'),
    ),
    LessonText(
        10, 'causal-mask',
        title=QT_TRANSLATE_NOOP('Lessons', 'Causal masking'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'A decoder trained without the causal mask reaches a low '
                                           'teacher-forced loss by reading the answer, and generates nonsense.'),
        guide=QT_TRANSLATE_NOOP('Lessons', "Race both runs: the unmasked decoder's loss drops far lower, "
                                           'because it reads the character it should predict.'),
    ),
    LessonText(
        11, 'sequential-vs-parallel',
        title=QT_TRANSLATE_NOOP('Lessons', 'Sequential vs parallel'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'An LSTM must process positions one after another; a Transformer '
                                           'handles all positions at once, so its chain of sequential work does '
                                           'not grow with length.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race the runs and compare tokens per second: the LSTM walks the '
                                           'positions one by one, the Transformer takes them all at once (the '
                                           'difference shows most on a GPU).'),
    ),
    LessonText(
        12, 'multi-head',
        title=QT_TRANSLATE_NOOP('Lessons', 'Multi-head attention'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'Different heads learn to attend to different places.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Train, then open Attention and switch heads: each looks at '
                                           'different digits of the two numbers.'),
    ),
    LessonText(
        13, 'latent-state',
        title=QT_TRANSLATE_NOOP('Lessons', 'Before the RNN: a window, a Markov chain, a latent state'),
        claim=QT_TRANSLATE_NOOP('Lessons', 'A model that sees only its last tau inputs answers a recall task '
                                           'only when the cue is inside its window, and its parameters grow '
                                           'with tau; an LSTM of one fixed size answers at every distance. '
                                           'On Hamlet, Markov chains of higher order fit the text they counted '
                                           'ever closer and new text ever worse.'),
        guide=QT_TRANSLATE_NOOP('Lessons', 'Race the runs. In Compare runs the window of 4 stays at chance '
                                           'while the window of 16 and the LSTM answer; the gradient view of '
                                           'a window model ends in a hard edge where its window begins. The '
                                           'Markov chains count the play in a few dozen steps: compare their '
                                           'training and validation loss, then open the Playground and let '
                                           'each write.'),
    ),
]

"""The engine's words that the window shows a person, marked for Qt's
translation tools while the engine stays free of Qt.

lupdate reads engine files as text (resources/translations/update.py lists
them): a `QT_TRANSLATE_NOOP(context, text)` call marks `text`, and the window
translates it where it shows it (`lab_gui.language.engine_text`). Messages
built with numbers and field names are matched against the TEMPLATES below:
each is the message's English with its variable parts as `{name}`, so the
window finds the template a message was made from, translates the template and
puts the parts back. A message no template matches shows in English, as made.
"""

from __future__ import annotations

CONTEXT = "Engine"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks `text` for lupdate; here it is returned as it is, in English."""
    return text


# The messages of engine.spec, engine.validation, engine.describe and the
# session that a person meets in normal use: a form's refused edit, a run that
# cannot start, the status bar, the compare table. Order matters where two
# could match: the more specific first.
TEMPLATES = (
    # engine.spec: a field's value (the specific before the general: the first match is taken)
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be one of {options}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be a finite number"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be in {range} (add-alpha: every next token keeps some "
                                "probability)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at least 0 (0 turns clipping off)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} is too large ({digits} digits; no spec key takes over {limit})"),
    QT_TRANSLATE_NOOP("Engine", "{key} is not a spec key"),
    QT_TRANSLATE_NOOP("Engine", "{key} is not a spec key (did you mean {other}?)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at most {limit} for model.family={family} "
                                "(only the Transformer stacks more)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} is not divisible by model.heads={heads}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} needs an encoder-decoder: set model.family=seq2seq "
                                "(the Transformer has its own attention)"),
    QT_TRANSLATE_NOOP("Engine", "model.decoder_cell is only used by model.family=seq2seq, not {family}"),
    QT_TRANSLATE_NOOP("Engine", "task.min_length={shortest} is longer than task.length={length}"),
    QT_TRANSLATE_NOOP("Engine", "training.precision=bf16 is for CUDA; training.device={device} trains in fp32"),
    QT_TRANSLATE_NOOP("Engine", "probes.example={example} must be below {key}={limit}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at least {low}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at most {high}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be in {range}"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be {kind}"),
    # engine.validation: the model and the task together
    QT_TRANSLATE_NOOP("Engine", "task.name={task} is {kind}; {model} cannot learn it. Use {suitable}"),
    QT_TRANSLATE_NOOP("Engine", "model.bidirectional=true is for encoders; task.name={task} is {kind}, and a "
                                "bidirectional decoder would read the tokens it must predict"),
    QT_TRANSLATE_NOOP("Engine", "training.teacher_forcing below 1 needs a recurrent decoder (model.family=seq2seq "
                                "or one-to-many generation); this model always trains on the true previous tokens"),
    QT_TRANSLATE_NOOP("Engine", "task {task} has sequences of up to {longest} positions but model.max_len={limit} "
                                "(the positional table) is shorter"),
    QT_TRANSLATE_NOOP("Engine", "task.name={task} needs task.path: the UTF-8 text file to learn from"),
    QT_TRANSLATE_NOOP("Engine", "task.name={task} needs task.path: the CSV file with a numeric column to learn "
                                "from"),
    # engine.step_guard, engine.failures, engine.project.session: a run that ended or cannot go on
    # (translated a sentence at a time)
    QT_TRANSLATE_NOOP("Engine", "diverged at step {step}: the loss became {loss} and the gradient norm {norm}"),
    QT_TRANSLATE_NOOP("Engine", "diverged at step {step}: the loss became {loss}"),
    QT_TRANSLATE_NOOP("Engine", "diverged at step {step}: the gradient norm became {norm} (loss {loss})"),
    QT_TRANSLATE_NOOP("Engine", "Last finite values, at step {step}: loss {loss}, gradient norm {norm}"),
    QT_TRANSLATE_NOOP("Engine", "The weights from before step {step} are kept"),
    QT_TRANSLATE_NOOP("Engine", "Try a lower training.lr (now {lr}) or gradient clipping "
                                "(training.clip_norm, now 0: off)"),
    QT_TRANSLATE_NOOP("Engine", "Try a lower training.lr (now {lr})"),
    QT_TRANSLATE_NOOP("Engine", "out of memory on {device} while building the model ({error})"),
    QT_TRANSLATE_NOOP("Engine", "out of memory on {device} at step {step} ({error})"),
    QT_TRANSLATE_NOOP("Engine", "The memory it held is released; lower training.batch_size (now {batch}), "
                                "task.length (now {length}) or the model size, or train on the CPU"),
    QT_TRANSLATE_NOOP("Engine", "The memory it held is released; lower training.batch_size (now {batch}), "
                                "task.length (now {length}) or the model size"),
    QT_TRANSLATE_NOOP("Engine", "run {run} has trained all its {steps} steps"),
    # engine.describe: the status bar and the compare table
    QT_TRANSLATE_NOOP("Engine", "step {step}"),
    QT_TRANSLATE_NOOP("Engine", "loss {loss}"),
    QT_TRANSLATE_NOOP("Engine", "{speed} tokens/s"),
    QT_TRANSLATE_NOOP("Engine", "step {step}, {seconds} s"),
    QT_TRANSLATE_NOOP("Engine", "validation {metric}"),
    # engine.spec.architecture: the model in a few words
    QT_TRANSLATE_NOOP("Engine", "Transformer {arch} {layers}x{width}, {heads} heads"),
    QT_TRANSLATE_NOOP("Engine", "{cell} seq2seq {hidden}, attention {attention}"),
    QT_TRANSLATE_NOOP("Engine", "window of {context}, MLP {layers}x{hidden}"),
    QT_TRANSLATE_NOOP("Engine", "Markov chain of order {order}"),
)

# Words the templates' parts may be (a model kind, a choice): translated on their own.
WORDS = (
    QT_TRANSLATE_NOOP("Engine", "not reached"),
    QT_TRANSLATE_NOOP("Engine", "not trained"),
    QT_TRANSLATE_NOOP("Engine", "architecture"),
    QT_TRANSLATE_NOOP("Engine", "task"),
    QT_TRANSLATE_NOOP("Engine", "parameters"),
    QT_TRANSLATE_NOOP("Engine", "steps trained"),
    QT_TRANSLATE_NOOP("Engine", "device"),
    QT_TRANSLATE_NOOP("Engine", "final training loss"),
    QT_TRANSLATE_NOOP("Engine", "validation metric"),
    QT_TRANSLATE_NOOP("Engine", "tokens per second"),
    QT_TRANSLATE_NOOP("Engine", "diverged at step"),
    QT_TRANSLATE_NOOP("Engine", "unknown error"),
    QT_TRANSLATE_NOOP("Engine", "accuracy"),
    QT_TRANSLATE_NOOP("Engine", "token_accuracy"),
    QT_TRANSLATE_NOOP("Engine", "sequence_accuracy"),
    QT_TRANSLATE_NOOP("Engine", "free_accuracy"),
    QT_TRANSLATE_NOOP("Engine", "teacher_forced_accuracy"),
    QT_TRANSLATE_NOOP("Engine", "past_only_accuracy"),
    QT_TRANSLATE_NOOP("Engine", "mse"),
    QT_TRANSLATE_NOOP("Engine", "None of those steps was applied"),
    QT_TRANSLATE_NOOP("Engine", "encoder"),
    QT_TRANSLATE_NOOP("Engine", "decoder"),
    QT_TRANSLATE_NOOP("Engine", "encoder-decoder"),
    QT_TRANSLATE_NOOP("Engine", "none"),
    QT_TRANSLATE_NOOP("Engine", "dot"),
    QT_TRANSLATE_NOOP("Engine", "general"),
    QT_TRANSLATE_NOOP("Engine", "additive"),
    QT_TRANSLATE_NOOP("Engine", "an integer"),
    QT_TRANSLATE_NOOP("Engine", "a number"),
    QT_TRANSLATE_NOOP("Engine", "true or false"),
    QT_TRANSLATE_NOOP("Engine", "a string"),
    QT_TRANSLATE_NOOP("Engine", "next-token prediction (many-to-many, causal)"),
    QT_TRANSLATE_NOOP("Engine", "one label per input position (many-to-many, aligned)"),
    QT_TRANSLATE_NOOP("Engine", "one label per sequence (many-to-one)"),
    QT_TRANSLATE_NOOP("Engine", "an output sequence for an input sequence (encoder-decoder)"),
    QT_TRANSLATE_NOOP("Engine", "an output sequence from one start token (one-to-many)"),
    QT_TRANSLATE_NOOP("Engine", "the next values of a time series"),
    QT_TRANSLATE_NOOP("Engine", "a single recurrent network (model.family=rnn)"),
    QT_TRANSLATE_NOOP("Engine", "a recurrent encoder-decoder (model.family=seq2seq)"),
    QT_TRANSLATE_NOOP("Engine", "an encoder-only Transformer (model.arch=encoder)"),
    QT_TRANSLATE_NOOP("Engine", "a decoder-only language model (model.arch=decoder)"),
    QT_TRANSLATE_NOOP("Engine", "an encoder-decoder Transformer (model.arch=encoder_decoder)"),
    QT_TRANSLATE_NOOP("Engine", "a fixed-window model (model.family=window)"),
    QT_TRANSLATE_NOOP("Engine", "a Markov chain (model.family=markov)"),
)

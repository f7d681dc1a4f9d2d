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


# Templates the engine also builds its messages from (`TEMPLATE.format(...)`), so
# that a message and the template the window matches it against cannot drift apart.
ONE_OF = QT_TRANSLATE_NOOP("Engine", "{key}={value} must be one of {options}")
NOT_DIVISIBLE = QT_TRANSLATE_NOOP("Engine", "{key}={value} is not divisible by model.heads={heads}")
LONGER_THAN_LENGTH = QT_TRANSLATE_NOOP("Engine", "task.min_length={shortest} is longer than task.length={length}")
PRECISION_IS_FOR_CUDA = QT_TRANSLATE_NOOP("Engine", "training.precision={precision} is for CUDA; "
                                                    "training.device={device} trains in fp32")
AT_LEAST = QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at least {low}")
AT_MOST = QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at most {high}")
BIDIRECTIONAL_TRANSFORMER = QT_TRANSLATE_NOOP("Engine", "model.bidirectional applies to recurrent encoders; a "
                                                        "Transformer encoder already sees both directions")
WARMUP_NEEDS_STEPS = QT_TRANSLATE_NOOP("Engine", "training.schedule=warmup needs training.warmup_steps >= 1")
# engine.precision: a precision the run's device cannot train in
PRECISION_NEEDS_CUDA = QT_TRANSLATE_NOOP("Engine", "training.precision={precision} needs a CUDA device; this "
                                                   "run is on {kind} (training.precision=auto trains in fp32 "
                                                   "there)")
BF16_NEEDS_GPU = QT_TRANSLATE_NOOP("Engine", "training.precision=bf16 needs a GPU that computes in bf16 (compute "
                                             "capability 8.0 or later); {device} ({gpu}) does not: use fp16 or "
                                             "auto")
THIS_GPU = QT_TRANSLATE_NOOP("Engine", "this GPU")  # BF16_NEEDS_GPU's {gpu} when the GPU's name is unknown
# engine.project.recovery and engine.project.lock: a recovery copy, and who holds a project's lock
RECOVERY_COPY = QT_TRANSLATE_NOOP("Engine", "a recovery copy of {owner} autosaved at {saved}")
UNSAVED_PROJECT = QT_TRANSLATE_NOOP("Engine", "an unsaved project")  # RECOVERY_COPY's {owner} when unsaved
LOCK_HOLDER = QT_TRANSLATE_NOOP("Engine", "{program} (process {pid} of {user} on {host}, since {since})")
UNKNOWN_LOCK_HOLDER = QT_TRANSLATE_NOOP("Engine", "another program (its lock file, being written or damaged, "
                                                  "names none)")

# engine.sweep: a sweep's progress line (record.Tally.text, its parts joined with " · "),
# a sweep that could not start or go on, a plan refused, and how a trial ended.
TRIALS_DONE = QT_TRANSLATE_NOOP("Engine", "{done}/{total} trials done")
TRIALS_RUNNING = QT_TRANSLATE_NOOP("Engine", "{running} running")
TRIALS_FAILED = QT_TRANSLATE_NOOP("Engine", "{failed} failed or diverged")
BEST_TRIAL = QT_TRANSLATE_NOOP("Engine", "best {metric} {value} ({name})")
SECONDS_LEFT = QT_TRANSLATE_NOOP("Engine", "about {count} s left")
MINUTES_LEFT = QT_TRANSLATE_NOOP("Engine", "about {count} min left")
HOURS_LEFT = QT_TRANSLATE_NOOP("Engine", "about {count} h left")
SWEEP_PROCESS_ENDED = QT_TRANSLATE_NOOP("Engine", "the sweep process ended unexpectedly (exit code {code})")
RAY_NOT_STARTED = QT_TRANSLATE_NOOP("Engine", "could not start an embedded Ray on this machine: {error}")
CLUSTER_NOT_REACHED = QT_TRANSLATE_NOOP("Engine", "could not start the Ray cluster at {address}: {error}")
RAY_NOT_INSTALLED = QT_TRANSLATE_NOOP("Engine", "sweeps run on Ray, which is not installed here ({name}): "
                                                "pip install 'ray[tune]'")
DEVICE_NEEDS_GPUS = QT_TRANSLATE_NOOP("Engine", "training.device={device} needs GPUs per trial (a fraction lets "
                                                "several trials share one GPU)")
TRIAL_TOO_BIG = QT_TRANSLATE_NOOP("Engine", "{kind} per trial: {asked} asked, {where} has {has}")
THIS_MACHINE = QT_TRANSLATE_NOOP("Engine", "this machine")  # TRIAL_TOO_BIG's {where} for an embedded Ray
SWEEP_FAILED = QT_TRANSLATE_NOOP("Engine", "the sweep failed: {error}")
TRIAL_REFUSED = QT_TRANSLATE_NOOP("Engine", "the trial {where}: {message}")
TOO_MANY_TRIALS = QT_TRANSLATE_NOOP("Engine", "this sweep has {count} trials; at most {limit}")
VARY_RANGE_FORM = QT_TRANSLATE_NOOP("Engine", "{text}: a range is LO:HI:N or log:LO:HI:N")
VARY_NO_RANGE = QT_TRANSLATE_NOOP("Engine", "{text}: {key} takes no range of numbers")
VARY_COUNT = QT_TRANSLATE_NOOP("Engine", "{text}: N must be 1 to {limit}, not {count}")
VARY_WHOLE = QT_TRANSLATE_NOOP("Engine", "{text}: N must be a whole number, not {count}")
VARY_ORDER = QT_TRANSLATE_NOOP("Engine", "{text}: LO must not be above HI")
VARY_LOG = QT_TRANSLATE_NOOP("Engine", "{text}: a log range needs LO above 0")
VARY_MANY = QT_TRANSLATE_NOOP("Engine", "{text}: at most {limit} values")
VARY_TWICE = QT_TRANSLATE_NOOP("Engine", "{text} names a value twice")
TRAILED = QT_TRANSLATE_NOOP("Engine", "its validation loss trailed the other trials'")
WORKER_FAILED = QT_TRANSLATE_NOOP("Engine", "its worker failed")
SWEEP_TEMPLATES = (TRIALS_DONE, TRIALS_RUNNING, TRIALS_FAILED, BEST_TRIAL, SECONDS_LEFT, MINUTES_LEFT, HOURS_LEFT,
                   SWEEP_PROCESS_ENDED, RAY_NOT_STARTED, CLUSTER_NOT_REACHED, RAY_NOT_INSTALLED, DEVICE_NEEDS_GPUS,
                   TRIAL_TOO_BIG, SWEEP_FAILED, TRIAL_REFUSED, TOO_MANY_TRIALS, VARY_RANGE_FORM, VARY_NO_RANGE,
                   VARY_COUNT, VARY_WHOLE, VARY_ORDER, VARY_LOG, VARY_MANY, VARY_TWICE)

# The messages of engine.spec, engine.validation, engine.describe and the
# session that a person meets in normal use: a form's refused edit, a run that
# cannot start, the status bar, the compare table. Order matters where two
# could match: the more specific first.
TEMPLATES = (
    *SWEEP_TEMPLATES,  # first: a refused trial wraps a spec message of its own ({message})
    # engine.spec: a field's value (the specific before the general: the first match is taken)
    ONE_OF,
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be a finite number"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be in {range} (add-alpha: every next token keeps some "
                                "probability)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at least 0 (0 turns clipping off)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} is too large ({digits} digits; no spec key takes over {limit})"),
    QT_TRANSLATE_NOOP("Engine", "{key} is not a spec key"),
    QT_TRANSLATE_NOOP("Engine", "{key} is not a spec key (did you mean {other}?)"),
    QT_TRANSLATE_NOOP("Engine", "{key}={value} must be at most {limit} for model.family={family} "
                                "(only the Transformer stacks more)"),
    NOT_DIVISIBLE,
    QT_TRANSLATE_NOOP("Engine", "{key}={value} needs an encoder-decoder: set model.family=seq2seq "
                                "(the Transformer has its own attention)"),
    QT_TRANSLATE_NOOP("Engine", "model.decoder_cell is only used by model.family=seq2seq, not {family}"),
    BIDIRECTIONAL_TRANSFORMER,
    WARMUP_NEEDS_STEPS,
    LONGER_THAN_LENGTH,
    PRECISION_IS_FOR_CUDA,
    QT_TRANSLATE_NOOP("Engine", "probes.example={example} must be below {key}={limit}"),
    AT_LEAST,
    AT_MOST,
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
    QT_TRANSLATE_NOOP("Engine", "diverged at step {step}: the gradients overflowed fp16 at {limit} steps in a row, "
                                "however far the gradient scaler lowered its scale (loss {loss})"),
    QT_TRANSLATE_NOOP("Engine", "Last finite values, at step {step}: loss {loss}, gradient norm {norm}"),
    QT_TRANSLATE_NOOP("Engine", "The weights from before step {step} are kept"),
    QT_TRANSLATE_NOOP("Engine", "Try a lower training.lr (now {lr}) or gradient clipping "
                                "(training.clip_norm, now 0: off), or training.precision=fp32"),
    QT_TRANSLATE_NOOP("Engine", "Try a lower training.lr (now {lr}), or training.precision=fp32"),
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
    # engine.training, engine.precision: a device this machine lacks, a precision its device cannot do
    QT_TRANSLATE_NOOP("Engine", "training.device={device} is not available here: this machine has no GPU"),
    QT_TRANSLATE_NOOP("Engine", "training.device={device} is not available here: this machine has 1 GPU (cuda:0)"),
    QT_TRANSLATE_NOOP("Engine", "training.device={device} is not available here: this machine has {count} GPUs "
                                "(cuda:0 to cuda:{last})"),
    QT_TRANSLATE_NOOP("Engine", "training.device={device} is not available here (available: {devices})"),
    PRECISION_NEEDS_CUDA,
    BF16_NEEDS_GPU,
    # engine.project.recovery, engine.project.lock: a recovery copy found, a project another program edits
    RECOVERY_COPY,
    LOCK_HOLDER,
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
    THIS_MACHINE,
    TRAILED,
    WORKER_FAILED,
    QT_TRANSLATE_NOOP("Engine", "not reached"),
    QT_TRANSLATE_NOOP("Engine", "not trained"),
    QT_TRANSLATE_NOOP("Engine", "architecture"),
    QT_TRANSLATE_NOOP("Engine", "task"),
    QT_TRANSLATE_NOOP("Engine", "parameters"),
    QT_TRANSLATE_NOOP("Engine", "steps trained"),
    QT_TRANSLATE_NOOP("Engine", "device"),
    QT_TRANSLATE_NOOP("Engine", "precision"),
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
    THIS_GPU,
    UNSAVED_PROJECT,
    UNKNOWN_LOCK_HOLDER,
    QT_TRANSLATE_NOOP("Engine", "a SeqLab window"),  # a lock holder's {program}, as the window names itself
)

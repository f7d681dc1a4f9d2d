import datetime as dt

import numpy as np
import pytest
import torch

from engine.data import BOS, EOS, PAD
from engine.errors import TaskDataError
from engine.spec import TaskSpec
from engine.task_file import needs_file, read_task_file
from engine.tasks import TASKS, build_task as build_from_content
from engine.tasks.dates import _formats
from engine.tasks.sentiment import LABELS, _sentence, sentiment_of
from engine.tasks.text import user_text
from engine.tasks.timeseries import read_csv_column as csv_column_of


def build_task(spec, kind, seed):
    """A task as a person's choice of task.path builds it: the file read first."""
    task_file = read_task_file(spec.path, spec.name) if needs_file(spec) else None
    return build_from_content(spec, kind, seed, task_file)


def read_user_text(path_text):
    return user_text(read_task_file(path_text, "text_file"))


def read_csv_column(path_text, column):
    return csv_column_of(read_task_file(path_text, "csv"), column)


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Once upon a time there was a little recurrent network. " * 40, encoding="utf-8")
    return path


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "prices.csv"
    rows = ["date,price,volume"] + [f"2024-01-{i:03d},{100 + np.sin(i / 5):.4f},{i}" for i in range(400)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def task_spec(name, **extra):
    return TaskSpec(name=name, train_size=300, val_size=40, **extra)


def all_layouts(text_file, csv_file):
    for name, cls in TASKS.items():
        extra = {"path": str(text_file)} if name == "text_file" else {"path": str(csv_file)} if name == "csv" else {}
        for kind in cls.kinds:
            yield name, kind, extra


@pytest.mark.parametrize("name,kind", [(n, k) for n, c in TASKS.items() for k in c.kinds])
def test_every_task_builds_batches_of_the_declared_layout(name, kind, text_file, csv_file):
    extra = {"path": str(text_file)} if name == "text_file" else {"path": str(csv_file)} if name == "csv" else {}
    task = build_task(task_spec(name, **extra), kind, seed=0)
    info = task.info
    assert info.kind == kind
    batch = task.train_batch(8, torch.Generator().manual_seed(0))
    assert batch.size == 8 and batch.src_lengths.shape == (8,)
    assert int(batch.src_lengths.max()) == batch.src.shape[1]  # trimmed to the longest
    if kind == "regression":
        assert batch.src.dtype == torch.float32 and batch.src.shape[2] == 1
        assert batch.target.shape == batch.src.shape[:2]
        assert torch.isfinite(batch.src).all()
    elif kind == "classify":
        assert batch.target.shape == (8,)
        assert 0 <= int(batch.target.min()) and int(batch.target.max()) < info.tgt_vocab_size
    elif kind in ("lm", "tagging"):
        assert batch.target.shape == batch.src.shape
        real = batch.target != PAD
        positions = torch.arange(batch.src.shape[1])[None, :] < batch.src_lengths[:, None]
        assert torch.equal(real, positions)  # a target exactly where there is an input
    else:  # seq2seq / generate
        assert torch.all(batch.tgt_in[:, 0] == BOS)
        ends = batch.target.gather(1, (batch.tgt_lengths - 1)[:, None]).squeeze(1)
        assert torch.all(ends == EOS)
        assert torch.equal(batch.tgt_in[:, 1:][batch.tgt_in[:, 1:] != PAD],
                           batch.target[:, :-1][batch.tgt_in[:, 1:] != PAD])  # shifted by one
    if kind != "regression":
        assert int(batch.src.max()) < info.src_vocab_size
    src_len, tgt_len = TASKS[name].max_lengths(task.spec)
    assert batch.src.shape[1] <= src_len
    if batch.tgt_in is not None:
        assert batch.tgt_in.shape[1] <= tgt_len
    assert isinstance(task.describe_example(batch, 0), str)
    assert task.val_batches(16)


@pytest.mark.parametrize("name", [n for n in TASKS if n not in ("text_file", "csv")])
def test_tasks_are_reproducible_from_the_seed(name):
    kind = TASKS[name].kinds[0]
    a = build_task(task_spec(name), kind, seed=3).train_batch(16, torch.Generator().manual_seed(1))
    b = build_task(task_spec(name), kind, seed=3).train_batch(16, torch.Generator().manual_seed(1))
    c = build_task(task_spec(name), kind, seed=4).val_batches(16)[0]
    assert torch.equal(a.src, b.src) and torch.equal(a.target, b.target)
    if name not in ("hello", "shakespeare"):  # corpora validate on a fixed held-out tail
        assert not torch.equal(build_task(task_spec(name), kind, seed=3).val_batches(16)[0].src, c.src)


def test_sequence_ops_compute_the_right_targets():
    g = torch.Generator().manual_seed(0)
    for name, fn in (("copy", lambda s: s), ("reverse", lambda s: s[::-1]), ("sort", sorted)):
        task = build_task(TaskSpec(name=name, length=9, min_length=2, train_size=50, val_size=8), "seq2seq", 0)
        batch = task.train_batch(20, g)
        for i in range(20):
            src = task.input_text(batch, i)
            assert 2 <= len(src) <= 9
            assert task.target_text(batch, i) == "".join(fn(list(src)))


def test_recall_answers_with_the_first_token():
    task = build_task(TaskSpec(name="recall", distractors=7, vocab_size=5, train_size=64, val_size=8), "classify", 0)
    batch = task.train_batch(32, torch.Generator().manual_seed(0))
    assert batch.src.shape == (32, 8)
    assert all(task.input_text(batch, i)[0] == task.target_text(batch, i) for i in range(32))


def test_addition_is_correct_arithmetic():
    task = build_task(TaskSpec(name="addition", digits=3, train_size=200, val_size=8), "seq2seq", 0)
    batch = task.train_batch(64, torch.Generator().manual_seed(0))
    widths = set()
    for i in range(64):
        question = task.input_text(batch, i)
        assert question.endswith("=")
        a, b = question[:-1].split("+")
        widths.add(len(a))
        assert task.target_text(batch, i) == str(int(a) + int(b))
    assert widths == {1, 2, 3}


def test_dates_render_many_formats_of_the_same_iso_date():
    formats = _formats(dt.date(2021, 3, 3))
    assert "3 March 2021" in formats and "03/03/2021" in formats and "3rd of March 2021" in formats
    task = build_task(TaskSpec(name="dates", train_size=300, val_size=8), "seq2seq", 0)
    batch = task.train_batch(64, torch.Generator().manual_seed(0))
    for i in range(64):
        iso = dt.date.fromisoformat(task.target_text(batch, i))
        assert task.input_text(batch, i) in _formats(iso)


def test_sentiment_labels_follow_negation_and_the_grammar_checker_agrees():
    gen = np.random.default_rng(0)
    for _ in range(500):
        words, label = _sentence(gen)
        assert sentiment_of(words) == label
    assert sentiment_of("the movie was good".split()) == "positive"
    assert sentiment_of("the movie was not very good".split()) == "negative"
    assert sentiment_of("i did not hate the show".split()) == "positive"
    assert sentiment_of("the movie was good good".split()) is None
    assert sentiment_of("good".split()) is None
    assert set(LABELS) == {"positive", "negative"}


def test_sentiment_generation_scores_generated_sentences_by_meaning():
    task = build_task(TaskSpec(name="sentiment_generation", train_size=50, val_size=4), "generate", 0)
    batch = task.val_batches(4)[0]
    written = []
    for i in range(4):
        want = task.input_text(batch, i)
        sentence = "the movie was great" if want == "positive" else "i hated the book"
        written.append(task.vocab.encode(sentence.split()) + [EOS])
    width = max(map(len, written))
    outputs = torch.tensor([w + [PAD] * (width - len(w)) for w in written])
    assert task.count_correct(batch, outputs) == 4
    flipped = torch.tensor([w + [PAD] * (width - len(w)) for w in reversed(written)])
    expected = sum(task.input_text(batch, i) == task.input_text(batch, 3 - i) for i in range(4))
    assert task.count_correct(batch, flipped) == expected


def test_character_lm_targets_are_the_next_character(text_file):
    task = build_task(TaskSpec(name="text_file", path=str(text_file), length=16, val_size=10), "lm", 0)
    batch = task.train_batch(4, torch.Generator().manual_seed(0))
    for i in range(4):
        src, tgt = task.input_text(batch, i), task.target_text(batch, i)
        assert src[1:] == tgt[:-1]
    assert task.spec.path in task.source_name()


def test_shipped_corpus_is_large_and_hello_is_hell_to_ello():
    task = build_task(TaskSpec(name="shakespeare", length=32, val_size=8), "lm", 0)
    assert len(task.train_data) + len(task.val_data) >= 100_000
    hello = build_task(TaskSpec(name="hello"), "lm", 0)
    batch = hello.val_batches(1)[0]
    assert (hello.input_text(batch, 0), hello.target_text(batch, 0)) == ("hell", "ello")


def test_time_series_targets_are_the_values_horizon_steps_later():
    for name in ("sines", "random_walk"):
        task = build_task(TaskSpec(name=name, length=20, horizon=3, train_size=50, val_size=10), "regression", 0)
        windows = task.train_pool
        assert torch.allclose(windows.src[:, 3:, 0], windows.target[:, :-3])
        values = windows.src.flatten()
        assert 0.3 < float(values.std()) < 3.0  # standardised


def test_csv_column_is_read_standardised_and_windowed(csv_file):
    task = build_task(TaskSpec(name="csv", path=str(csv_file), column="price", length=24, val_size=20), "regression", 0)
    assert task.column_name == "price"
    assert abs(float(task.train_pool.src.mean())) < 0.2
    values, name = read_csv_column(str(csv_file), "")
    assert name == "price" and len(values) == 400  # the first numeric column (date is not numeric)
    assert read_csv_column(str(csv_file), "2")[1] == "volume"


# -- user data that cannot be used: one message naming the file and the problem
@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    ("caf\u00e9".encode("latin-1") + b" au lait", "is not UTF-8 text (invalid byte 0xe9 at offset 3)"),
])
def test_unusable_text_files_are_named_with_the_problem(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(TaskDataError) as err:
        read_user_text(str(path))
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(TaskDataError, match="nope.txt: no such file"):
        read_user_text(str(tmp_path / "nope.txt"))
    with pytest.raises(TaskDataError, match="is a folder"):
        read_user_text(str(tmp_path))
    with pytest.raises(TaskDataError, match="task.path is empty"):
        read_user_text("")


def test_a_text_too_short_for_the_window_says_how_much_is_needed(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("just a few words here", encoding="utf-8")
    with pytest.raises(TaskDataError, match="too short for windows of task.length=64"):
        build_task(TaskSpec(name="text_file", path=str(path), length=64), "lm", 0)


@pytest.mark.parametrize("content,column,message", [
    ("name,city\nann,paris\nbob,rome\n", "", "has no numeric column (columns: name, city)"),
    ("a,b\n1,2\n3,4\n", "c", "has no column 'c' (columns: a, b)"),
    ("a\n1\n", "", "has 1 numeric value(s)"),
    ("a\n1\nseven\n3\n", "a", "has a value that is not a number: 'seven'"),
    ("a\n1\ninf\n3\n", "a", "contains inf or nan"),
    ("", "", "is empty"),
])
def test_unusable_csv_files_are_named_with_the_problem(tmp_path, content, column, message):
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaskDataError) as err:
        read_csv_column(str(path), column)
    assert str(path) in str(err.value) and message in str(err.value)


def test_csv_rows_with_missing_values_are_skipped(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("t,v\n1,1.0\n2,\n3,3.0\n4,4.0\n", encoding="utf-8")
    values, _ = read_csv_column(str(path), "v")
    assert values.tolist() == [1.0, 3.0, 4.0]


def test_a_csv_too_short_for_its_windows_names_the_setting(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("v\n" + "\n".join(str(i) for i in range(30)) + "\n", encoding="utf-8")
    with pytest.raises(TaskDataError, match="lower task.length"):
        build_task(TaskSpec(name="csv", path=str(path), length=20), "regression", 0)


def test_a_million_row_csv_is_read_whole(tmp_path):
    path = tmp_path / "long.csv"
    values = np.sin(np.arange(1_000_000) / 50.0)
    path.write_text("t,value\n" + "".join(f"{i},{v:.5f}\n" for i, v in enumerate(values)), encoding="utf-8")
    read, _ = read_csv_column(str(path), "value")
    assert len(read) == 1_000_000 and np.allclose(read, values, atol=1e-5)
    task = build_task(TaskSpec(name="csv", path=str(path), length=32), "regression", 0)
    assert task.train_batch(4, torch.Generator().manual_seed(0)).src.shape == (4, 32, 1)


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path, monkeypatch):
    import engine.user_files

    path = tmp_path / "locked.txt"
    path.write_text("hello", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(engine.user_files.os, "open", refuse)
    with pytest.raises(TaskDataError, match=r"locked.txt: cannot be read \(permission denied\)"):
        read_user_text(str(path))
    with pytest.raises(TaskDataError, match=r"locked.txt: cannot be read \(permission denied\)"):
        read_csv_column(str(path), "")

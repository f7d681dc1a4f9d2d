import math

import numpy as np
import pytest
import torch

from engine.errors import SeqLabError
from engine.events import ProbeSnapshot, Scalars
from engine.history import ProbeHistory, ScalarHistory
from engine.models.recurrent import make_rnn, run_rnn
from engine.models.reference_rnn import ReferenceRNN
from engine.probes import group_of
from engine.probes.storage import decode_probes, encode_probes
from engine.runner import RunControl, run_training
from engine.spec import ExperimentSpec
from engine.training import Trainer
from tests.engine.helpers import small_spec


# ------------------------------------------------------------ reference cells
@pytest.mark.parametrize("cell", ["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 2])
def test_reference_cells_reproduce_the_fused_modules(cell, bidirectional, layers):
    torch.manual_seed(0)
    fused = make_rnn(cell, 5, 7, layers, 0.0, bidirectional, forget_bias=0.7)
    x = torch.randn(4, 6, 5, requires_grad=True)
    lengths = torch.tensor([6, 3, 1, 5])  # padded, so packing and the state hold are exercised
    out_fused, state_fused = run_rnn(fused, x, lengths)
    out_ref, state_ref = run_rnn(ReferenceRNN(fused), x, lengths)
    assert torch.allclose(out_fused, out_ref, atol=1e-6)
    for a, b in zip(state_fused if isinstance(state_fused, tuple) else (state_fused,),
                    state_ref if isinstance(state_ref, tuple) else (state_ref,)):
        assert torch.allclose(a, b, atol=1e-6)
    g_fused, = torch.autograd.grad(out_fused.sum(), x)
    g_ref, = torch.autograd.grad(out_ref.sum(), x)
    assert torch.allclose(g_fused, g_ref, atol=1e-5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_keep_gate_bias_is_set_at_initialisation(cell):
    """The LSTM forget gate and the GRU update gate (the second chunk of each) start at forget_bias."""
    rnn = make_rnn(cell, 3, 4, 2, 0.0, True, forget_bias=1.5)
    for name, bias in rnn.named_parameters():
        if name.startswith("bias_ih"):
            assert torch.all(bias[4:8] == 1.5)
        elif name.startswith("bias_hh"):
            assert torch.all(bias[4:8] == 0.0)
    x = torch.zeros(1, 1, 3)
    if cell == "gru":  # with zero input and state, the update gate is exactly sigmoid(1.5)
        rnn = make_rnn(cell, 3, 4, 1, 0.0, False, forget_bias=1.5)
        with torch.no_grad():
            for name, p in rnn.named_parameters():
                if name.startswith("weight"):
                    p.zero_()
            rnn.bias_ih_l0[8:].fill_(1.0)  # new-gate candidate n = tanh(1)
            rnn.bias_hh_l0[8:].zero_()
            rnn.bias_ih_l0[:4].zero_()
            out, _ = rnn(x)
        z = torch.sigmoid(torch.tensor(1.5))
        assert torch.allclose(out[0, 0], (1 - z) * torch.tanh(torch.tensor(1.0)))


# ------------------------------------------------------------ every architecture
ARCHITECTURES = {
    "rnn-lm": ({"task__name": "shakespeare", "model__cell": "rnn_tanh"}, ["input"], ["rnn.layer0"], []),
    "lstm-classify-bi-2layer": ({"task__name": "sentiment", "model__cell": "lstm", "model__bidirectional": True,
                                 "model__layers": 2}, ["input"],
                                ["rnn.layer0", "rnn.layer0.reverse", "rnn.layer1", "rnn.layer1.reverse"], []),
    "gru-regression": ({"task__name": "sines", "model__cell": "gru"}, ["input"], ["rnn.layer0"], []),
    "lstm-one-to-many": ({"task__name": "sentiment_generation"}, ["input", "decoder_input"], ["decoder.rnn.layer0"], []),
    "seq2seq-none": ({"model__family": "seq2seq", "task__name": "reverse"}, ["input", "decoder_input"],
                     ["encoder.rnn.layer0", "decoder.rnn.layer0"], []),
    "seq2seq-dot": ({"model__family": "seq2seq", "model__attention": "dot", "model__cell": "gru",
                     "task__name": "reverse"}, ["input", "decoder_input"],
                    ["encoder.rnn.layer0", "decoder.rnn.layer0"], ["cross"]),
    "seq2seq-additive-bi": ({"model__family": "seq2seq", "model__attention": "additive", "model__bidirectional": True,
                             "task__name": "dates"}, ["input", "decoder_input"],
                            ["encoder.rnn.layer0", "encoder.rnn.layer0.reverse", "decoder.rnn.layer0"], ["cross"]),
    "transformer-encoder": ({"model__family": "transformer", "model__arch": "encoder", "task__name": "sort"},
                            ["input"], [], ["self"]),
    "transformer-decoder": ({"model__family": "transformer", "model__arch": "decoder", "task__name": "shakespeare"},
                            ["input"], [], ["self"]),
    "transformer-encoder-decoder": ({"model__family": "transformer", "model__arch": "encoder_decoder",
                                     "task__name": "addition"}, ["input", "decoder_input"], [],
                                    ["self", "decoder_self", "cross"]),
}


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_every_probe_on_every_architecture(name):
    overrides, streams, recurrent, attention = ARCHITECTURES[name]
    trainer = Trainer(small_spec(**overrides, probes__batch_size=6, probes__example=2))
    trainer.run_steps(10)
    snap = trainer.probe()
    assert snap.step == 10 and snap.example == 2
    assert snap.seconds > 0 and snap.lr > 0 and snap.tokens_per_second > 0
    for loss in ("last", "full"):
        assert list(snap.input_gradients[loss]) == streams
        for stream in streams:
            labels = snap.tokens[stream]
            mean = snap.input_gradients[loss][stream]
            one = snap.example_input_gradients[loss][stream]
            assert len(one) == len(labels) >= 1 and len(mean) >= len(one)
            assert np.isfinite(one).all() and (one >= 0).all()
            assert np.nanmax(mean) > 0
        assert sorted(snap.hidden_gradients[loss]) == sorted(recurrent)
        for profile in snap.hidden_gradients[loss].values():
            assert np.isfinite(profile[~np.isnan(profile)]).all() and np.nanmax(profile) > 0
    assert sorted(snap.states) == sorted(recurrent)
    cell = trainer.spec.model.cell
    expected_gates = {"lstm": {"hidden", "cell", "input", "forget", "cell_candidate", "output"},
                      "gru": {"hidden", "reset", "update", "candidate"}}.get(cell, {"hidden"})
    for path, states in snap.states.items():
        assert set(states) == expected_gates
        stream = "decoder_input" if path.startswith("decoder") else "input"
        length = len(snap.tokens[stream])
        for gate, values in states.items():
            assert values.shape == (length, trainer.spec.model.hidden_size)
            if gate in ("input", "forget", "output", "reset", "update"):
                assert values.min() >= 0 and values.max() <= 1  # sigmoid gates
    assert sorted(snap.attention) == sorted(attention)
    for kind, maps in snap.attention.items():
        queries = snap.tokens["decoder_input" if kind in ("cross", "decoder_self") else "input"]
        keys = snap.tokens["decoder_input" if kind == "decoder_self" else "input"]
        assert maps.shape[2:] == (len(queries), len(keys))
        assert np.allclose(maps.sum(-1), 1.0, atol=1e-5)  # rows sum to 1 over the real keys
        if kind == "decoder_self" or (kind == "self" and trainer.spec.model.arch == "decoder"):
            assert np.all(maps[..., np.triu_indices(len(keys), 1)[0], np.triu_indices(len(keys), 1)[1]] == 0.0)
    assert len(snap.group_names) == len(snap.weight_norms) and (snap.weight_norms > 0).all()


def test_attention_maps_give_padding_exactly_zero_weight_in_the_probe_batch():
    trainer = Trainer(small_spec(model__family="seq2seq", model__attention="general", task__name="reverse",
                                 task__min_length=1, probes__batch_size=16))
    batch = trainer.probe_batch
    assert int(batch.src_lengths.min()) < batch.src.shape[1]
    _, maps = trainer.model.probe_forward(batch)
    weights = maps["cross"][:, 0, 0]  # (B, T, S)
    pad = (batch.src == 0)[:, None, :].expand_as(weights)
    assert torch.all(weights[pad] == 0.0)


def test_probe_input_gradients_match_the_fused_model():
    """The probe runs reference cells; the gradient it reports must be the one the
    fused model (what trains) gives."""
    trainer = Trainer(small_spec(model__cell="lstm", model__layers=2, task__name="sentiment",
                                 model__bidirectional=True, probes__batch_size=8))
    trainer.run_steps(5)
    snap = trainer.probe()
    model, batch = trainer.model.eval(), trainer.probe_batch
    x = model.embed(batch).detach().requires_grad_(True)
    output = model.forward_from_embeddings(x, batch)
    loss = torch.nn.functional.cross_entropy(output, batch.target, reduction="sum")
    grad, = torch.autograd.grad(loss, x)
    one = grad[snap.example, : int(batch.src_lengths[snap.example])].norm(dim=-1)
    assert np.allclose(snap.example_input_gradients["last"]["input"], one.numpy(), rtol=1e-4, atol=1e-8)


def test_the_last_position_loss_sees_only_the_final_output():
    trainer = Trainer(small_spec(task__name="shakespeare", model__cell="gru"))
    trainer.run_steps(5)
    snap = trainer.probe()
    last, full = snap.input_gradients["last"]["input"], snap.input_gradients["full"]["input"]
    # A causal LM: the last position's loss reaches every input, the full loss too, but differently.
    assert not np.allclose(last, full)
    hidden_last = snap.hidden_gradients["last"]["rnn.layer0"]
    assert hidden_last[-1] == hidden_last.max()  # the final state is nearest the loss


def test_probing_does_not_change_training():
    with_probes = Trainer(small_spec(probes__every=3, model__dropout=0.2, model__layers=2))
    without = Trainer(small_spec(probes__every=0, model__dropout=0.2, model__layers=2))
    for step in range(12):
        with_probes.train_step()
        without.train_step()
        if with_probes.probe_due():
            grads = [p.grad.clone() for p in with_probes.parameters]
            with_probes.probe()
            assert all(torch.equal(g, p.grad) for g, p in zip(grads, with_probes.parameters))
            assert with_probes.model.training
    a = np.concatenate([s.values["train_loss"] for s in with_probes.flush()])
    b = np.concatenate([s.values["train_loss"] for s in without.flush()])
    assert np.array_equal(a, b)


def test_group_gradient_norms_add_up_to_the_clipped_total():
    trainer = Trainer(small_spec(model__family="transformer", model__arch="encoder_decoder", task__name="reverse",
                                 probes__every=4, training__clip_norm=0.5))
    for _ in range(4):
        trainer.train_step()
    snap = trainer.probe()
    recorded = trainer.flush()[0].values["grad_norm"][-1]  # the norm before clipping, step 4
    assert snap.grad_norm_total == pytest.approx(float(recorded), rel=1e-4)
    assert "encoder.block0.self_attention" in snap.group_names and "head" in snap.group_names
    fresh = Trainer(small_spec(probes__every=4))
    assert fresh.probe().group_grad_norms is None  # before any training step there is none to report


@pytest.mark.parametrize("name,group", [
    ("embedding.weight", "embedding"), ("rnn.weight_ih_l0", "rnn.layer0"),
    ("encoder.rnn.bias_hh_l1_reverse", "encoder.rnn.layer1"), ("head.bias", "head"),
    ("stack.blocks.3.feed_forward.0.weight", "stack.block3.feed_forward"),
    ("decoder.blocks.0.cross_attention.query.weight", "decoder.block0.cross_attention"),
    ("decoder.attention.weight.weight", "decoder.attention.weight"), ("stack.positions.weight", "stack.positions"),
])
def test_parameter_groups(name, group):
    assert group_of(name) == group


# ------------------------------------------------------------ the point of the probe
@pytest.mark.parametrize("seed", [0, 1])
def test_the_gradient_from_the_end_vanishes_for_a_tanh_rnn_and_not_for_an_lstm(seed):
    """Long-range recall over 16 distractors, 100 steps of training: how much of the
    last output's gradient reaches the first input, relative to the last input."""
    def first_over_last(cell):
        spec = ExperimentSpec().with_overrides({
            "model.cell": cell, "model.embedding_size": 16, "model.hidden_size": 64,
            "task.name": "recall", "task.distractors": 16, "task.vocab_size": 8, "task.train_size": 4000,
            "training.lr": 0.002, "training.seed": seed, "training.device": "cpu", "probes.every": 0})
        trainer = Trainer(spec)
        trainer.run_steps(100)
        profile = trainer.probe().input_gradients["last"]["input"]
        return profile[0] / profile[-1]

    rnn, lstm = first_over_last("rnn_tanh"), first_over_last("lstm")
    assert rnn < 1e-2  # the tanh RNN's signal from the end dies out going back
    assert lstm / rnn > 100  # orders of magnitude more reaches the first step through an LSTM


# ------------------------------------------------------------ events, history, storage
def test_probes_run_at_the_start_and_every_n_steps():
    trainer = Trainer(small_spec(training__steps=20, probes__every=8, probes__max_time_fraction=1.0))
    events = []
    run_training(trainer, RunControl(), events.extend, 0.0)
    assert [e.step for e in events if isinstance(e, ProbeSnapshot)] == [0, 8, 16]


@pytest.mark.parametrize("fraction", [0.05, 0.2, 1.0])
def test_probes_never_take_more_than_their_share_of_the_run(fraction):
    """A fake clock: each training step takes 1 s, each probe 4 s, probes due every step."""
    now = [0.0]
    trainer = Trainer(small_spec(training__steps=200, probes__every=1, probes__max_time_fraction=fraction))
    train_step, probe = trainer.train_step, trainer.probe

    def timed_step():
        train_step()
        now[0] += 1.0

    def timed_probe():
        now[0] += 4.0
        return probe()

    trainer.train_step, trainer.probe = timed_step, timed_probe
    events = []
    run_training(trainer, RunControl(), events.extend, clock=lambda: now[0])
    probed = [e.step for e in events if isinstance(e, ProbeSnapshot)]
    spent = 4.0 * len(probed)
    if fraction == 1.0:
        assert probed == list(range(201))  # every due step
    else:
        assert 0 < len(probed) < 200
        assert spent <= fraction * now[0] + 4.0  # within one probe of the budget
        assert spent >= fraction * now[0] - 8.0  # and the budget is used, not wasted


def test_probe_history_keeps_recent_snapshots_and_thins_old_ones_logarithmically():
    history = ProbeHistory(recent=16)
    template = Trainer(small_spec(task__name="hello")).probe()
    counts = []
    for step in range(5000):
        template.step = step
        history.add(ProbeSnapshot(**{**template.__dict__, "step": step}))
        counts.append(len(history))
    steps = history.steps
    assert steps[-16:] == list(range(4984, 5000))  # every one of the recent
    assert steps[0] == 0  # the start is always kept
    bound = 16 + 8 * math.ceil(math.log2(5000 / 16)) + 1  # recent + recent/2 per doubling
    assert max(counts) <= bound  # never more, at any point of the run
    gaps = np.diff(steps)
    assert all(gaps[i] >= gaps[i + 1] for i in range(len(gaps) - 1))  # older snapshots sparser
    assert history.at(1234).step in steps and abs(history.at(1234).step - 1234) <= max(gaps)
    assert history.latest().step == 4999


def test_probe_history_stays_within_its_byte_budget_and_resumes_exactly():
    template = Trainer(small_spec(task__name="hello")).probe()
    size = sum(a.nbytes for a in template.arrays().values())
    budget = 40 * size

    def snapshot(step):
        return ProbeSnapshot(**{**template.__dict__, "step": step})

    history = ProbeHistory(recent=64, budget_bytes=budget)
    for step in range(3000):
        history.add(snapshot(step))
        assert history.nbytes <= budget
        if step == 1499:
            saved = ProbeHistory.restored(history.snapshots(), history.arrival_numbers, history.arrivals,
                                          history.recent)
    assert history.recent < 64 and len(history) <= 40
    steps = history.steps
    assert steps[0] == 0 and steps[-history.recent:] == list(range(3000 - history.recent, 3000))
    gaps = np.diff(steps)
    assert all(gaps[i] >= gaps[i + 1] for i in range(len(gaps) - 1))  # the thinning rule still holds
    saved.budget_bytes = budget
    for step in range(1500, 3000):
        saved.add(snapshot(step))
    assert saved.steps == steps and saved.recent == history.recent  # resumed == uninterrupted


def test_scalar_columns_round_trip_and_refuse_what_they_did_not_write():
    from engine.tensor_file import read_tensors

    history = ScalarHistory()
    history.add(Scalars(np.arange(3), np.array([0.5, 1.0, 1.5]), {"train_loss": np.array([3, 2, np.nan], np.float32)}))
    history.add(Scalars(np.arange(3, 5), np.array([2.0, 2.5]), {"lr": np.array([1e-3, 1e-3], np.float32)}))
    data = history.safetensors_entry().to_bytes()
    arrays, metadata = read_tensors(data)
    again = ScalarHistory.from_arrays(arrays, metadata, "s")
    assert again.names == history.names and again.csv_text() == history.csv_text()
    again.add(Scalars(np.array([5]), np.array([3.0]), {"train_loss": np.array([1.0], np.float32)}))  # still grows
    assert again.column("step").tolist() == [0, 1, 2, 3, 4, 5]
    bad = [({**arrays, "lr": arrays["lr"].astype(np.float64)}, metadata, "column 'lr' must be 5 values of float32"),
           ({**arrays, "lr": arrays["lr"][:2]}, metadata, "column 'lr' must be 5 values"),
           ({**arrays, "step": -arrays["step"]}, metadata, "steps cannot be negative"),
           (arrays, {**metadata, "columns": "step,wall_time"}, "is not a scalar history"),
           (arrays, {}, "is not a scalar history")]
    for columns, meta, message in bad:
        with pytest.raises(ValueError, match=f"^s: {message}"):
            ScalarHistory.from_arrays(columns, meta, "s")


def test_a_million_steps_of_scalars_fit_comfortably():
    history = ScalarHistory()
    block = 10_000
    for start in range(0, 1_000_000, block):
        steps = np.arange(start, start + block)
        values = {name: np.random.rand(block).astype(np.float32) for name in ("train_loss", "grad_norm", "lr")}
        history.add(Scalars(steps, steps * 0.01, values))
    assert len(history) == 1_000_000
    assert np.array_equal(history.column("step")[-3:], [999_997, 999_998, 999_999])
    memory = sum(history.column(n).nbytes for n in history.names)
    assert memory <= 32 * 1_000_000  # 28 bytes a step
    assert sum(c.nbytes for c in history._columns.values()) < 64 * 2**20


def test_probe_history_round_trips_through_safetensors():
    trainer = Trainer(small_spec(model__family="seq2seq", model__attention="additive", task__name="reverse",
                                 probes__every=2, model__cell="lstm"))
    snaps = [trainer.probe()]
    for _ in range(2):
        trainer.train_step()
    snaps.append(trainer.probe())
    again = decode_probes(encode_probes(snaps))
    assert [s.step for s in again] == [0, 2]
    assert again[0].group_grad_norms is None and again[1].group_grad_norms is not None
    for a, b in zip(snaps, again):
        assert a.tokens == b.tokens and a.group_names == b.group_names
        assert a.arrays().keys() == b.arrays().keys()
        for key in a.arrays():
            assert np.allclose(a.arrays()[key], b.arrays()[key], equal_nan=True), key


@pytest.mark.parametrize("data", [b"", b"garbage", b"\x08\x00\x00\x00\x00\x00\x00\x00{}"])
def test_unreadable_probe_files_are_refused_with_a_message(data):
    with pytest.raises(SeqLabError, match="run/probes.safetensors: not a"):
        decode_probes(data, "run/probes.safetensors")


def test_a_probe_file_of_snapshots_without_training_gradients_reads_back():
    snapshot = Trainer(small_spec()).probe()  # step 0: no training step, so no group gradient norms
    assert snapshot.group_grad_norms is None
    again, = decode_probes(encode_probes([snapshot]))
    assert again.step == 0 and again.group_grad_norms is None and again.grad_norm_total is None


def test_scalar_csv_leaves_missing_values_empty():
    history = ScalarHistory()
    history.add(Scalars(np.array([0]), np.array([0.1]), {"train_loss": np.array([1.5], dtype=np.float32)}))
    history.add(Scalars(np.array([1]), np.array([0.2]), {"train_loss": np.array([1.25], dtype=np.float32),
                                                         "teacher_forcing": np.array([0.5], dtype=np.float32)}))
    assert history.csv_text().splitlines() == ["step,wall_time,train_loss,teacher_forcing",
                                               "0,0.1,1.5,", "1,0.2,1.25,0.5"]

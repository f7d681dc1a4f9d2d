"""Every lesson's claim, trained small and seeded on the CPU and asserted from what was measured."""

import pytest

from engine.lessons.registry import LESSONS, lesson, run_lesson
from engine.spec import ExperimentSpec
from engine.validation import validate_experiment


def measured(key):
    outcome = run_lesson(lesson(key), quick=True, device="cpu").outcome
    assert outcome.passed, outcome.measured  # the lesson's own verdict agrees with the checks below
    return outcome.values


def test_lessons_are_numbered_once_and_their_runs_are_valid_specs():
    assert [l.number for l in LESSONS] == list(range(1, 14))
    assert len({l.key for l in LESSONS}) == 13
    for item in LESSONS:
        for quick in (True, False):
            runs = item.runs(quick)
            assert runs and len({name for name, _ in runs}) == len(runs)
            for _, spec in runs:
                validate_experiment(ExperimentSpec.from_dict(spec.to_dict()))


@pytest.mark.slow
def test_1_hello_is_predicted_one_character_at_a_time():
    values = measured("hello")
    assert values["predicted"] == "ello"
    change = values["state_change"]
    assert change[0] == change[1] == 0 and min(change[2:]) > 1e-3  # h_t only sees characters up to t


@pytest.mark.slow
def test_2_a_tanh_rnn_forgets_over_50_steps_and_gated_cells_do_not():
    values = measured("vanishing-gradients")
    accuracy, decay = values["accuracy"], values["first_over_last"]
    assert accuracy["rnn_tanh"] < 0.6 and accuracy["lstm"] >= 0.9 and accuracy["gru"] >= 0.9
    assert decay["rnn_tanh"] < 1e-2 and decay["lstm"] / decay["rnn_tanh"] > 100
    # The classic curve, from a sweep on Ray: everyone recalls over 5 steps, only the gated cells over 50.
    curve = values["by_distance"]
    assert set(curve) == {"rnn_tanh", "lstm", "gru"} and all(set(c) == {5, 50} for c in curve.values())
    assert min(c[5] for c in curve.values()) >= 0.9
    assert curve["rnn_tanh"][50] < 0.6 and min(curve["lstm"][50], curve["gru"][50]) >= 0.9


def test_2_the_lesson_project_holds_its_sweep_ready_to_run():
    from engine.lessons.base import lesson_project
    from engine.sweep.record import sweep_of, trials_left

    project = lesson_project(lesson("vanishing-gradients"))
    record = sweep_of(project)
    assert record.plan.name == "accuracy against distance" and len(trials_left(project, record)) == 54


@pytest.mark.slow
def test_3_an_unclipped_relu_rnn_explodes_and_a_clipped_one_does_not():
    values = measured("exploding-relu")
    assert values["diverged_at"] is not None and values["spike"] > 10
    assert values["clipped_steps"] == 300


@pytest.mark.slow
def test_4_a_gru_has_three_quarters_of_the_lstm_parameters_and_similar_accuracy():
    values = measured("lstm-vs-gru")
    assert values["ratio"] == 0.75
    assert abs(values["accuracy"]["gru"] - values["accuracy"]["lstm"]) <= 0.05


@pytest.mark.slow
def test_5_three_shapes_of_problem():
    values = measured("shapes")
    shapes = values["shapes"]
    assert len(shapes["many-to-one"][1]) == 2  # one output per sequence
    assert shapes["many-to-many"][0][1] == shapes["many-to-many"][1][1]  # one output per input step
    assert shapes["one-to-many"][0][1] == 1 and shapes["one-to-many"][1][1] > 1  # a sequence from one input


@pytest.mark.slow
def test_6_without_attention_long_inputs_fail_and_only_the_last_tokens_read_come_out():
    values = measured("bottleneck")
    plain, attended = values["by_length"]["none"], values["by_length"]["additive"]
    # The sweep's curve: trained and tested up to length 4, and up to 10.
    swept = values["by_longest"]
    assert swept["none"][4] - swept["none"][10] >= 0.2 and min(swept["additive"].values()) >= 0.9
    assert plain[2] >= 0.95 and plain[max(plain)] < 0.5 and attended[max(attended)] >= 0.9
    positions = values["by_position"]["none"]  # on the longest inputs, by input position
    last = max(2, len(positions) // 4)
    assert sum(positions[-last:]) / last >= sum(positions[:-last]) / (len(positions) - last) + 0.1


@pytest.mark.slow
def test_7_teacher_forcing_lowers_the_forced_loss_and_widens_the_exposure_gap():
    values = measured("teacher-forcing")
    results, gap = values["results"], values["gap"]
    assert results[1.0]["teacher_forced_loss"] < results[0.0]["teacher_forced_loss"]
    assert gap[1.0] > gap[0.0]


@pytest.mark.slow
def test_8_attention_aligns_reversal_and_date_fields():
    values = measured("alignment")
    assert values["anti_diagonal"] >= 0.7
    assert min(values["fields"].values()) >= 0.5


@pytest.mark.slow
def test_9_a_transformer_needs_positions_to_reverse():
    accuracy = measured("positional-encoding")["accuracy"]
    assert accuracy["none"] <= 0.2 and accuracy["sinusoidal"] >= 0.9


@pytest.mark.slow
def test_10_an_unmasked_decoder_cheats_at_training_and_fails_at_generation():
    results = measured("causal-mask")["results"]
    assert results[False]["teacher_forced_loss"] < results[True]["teacher_forced_loss"] / 2
    assert results[False]["past_only_accuracy"] < results[True]["past_only_accuracy"] / 2


def test_11_the_lstm_chain_of_sequential_work_grows_with_length_and_the_transformers_does_not():
    values = measured("sequential-vs-parallel")
    chains = values["critical_path"]
    assert chains["lstm"][256] > 8 * chains["lstm"][16]
    assert chains["transformer"][256] == chains["transformer"][16]
    assert all(s > 0 for times in values["seconds"].values() for s in times.values())


@pytest.mark.slow
def test_12_heads_learn_different_places_to_look():
    divergence = measured("multi-head")["divergence"]
    assert divergence["after"] >= 0.3 and divergence["after"] > 3 * divergence["before"]


@pytest.mark.slow
def test_13_a_window_sees_only_its_window_a_chain_overfits_and_a_latent_state_reaches_back():
    values = measured("latent-state")
    for key, accuracy in values["recall"].items():
        distance, tau = map(int, key.split(","))
        assert accuracy >= 0.9 if tau > distance else accuracy <= 0.45, (key, accuracy)
    assert min(values["lstm"].values()) >= 0.9 and len(set(values["lstm_sizes"].values())) == 1
    sizes = [values["sizes"][tau] for tau in sorted(values["sizes"])]
    assert sizes == sorted(set(sizes))  # a wider window, more parameters
    bits = values["bits"]
    train = [bits[f"Markov {k}"][0] for k in (1, 2, 3, 5)]
    assert train == sorted(train, reverse=True)
    validation = {k: bits[f"Markov {k}"][1] for k in (1, 2, 3, 5)}
    assert validation[5] > min(validation.values()) + 0.3  # order 5 learned the text, not the language
    for network in ("window of 8", "LSTM"):
        fit, val = bits[network]
        assert val < validation[5] and val - fit < (validation[5] - bits["Markov 5"][0]) / 3

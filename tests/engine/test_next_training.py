"""One rule, for the window and the command line, for what training a spec
from a project's current run means: go on, start a new run, or reuse an
untrained one; and a run's spec follows the live settings it took."""

import pytest

from engine.errors import ProjectError
from engine.events import SettingChanged
from engine.project import Project
from engine.project.session import RunComplete, continue_run, next_training, prepare_run
from engine.spec import LIVE_SETTINGS
from engine.training import Trainer
from tests.engine.helpers import small_spec


def trained(steps=4):
    project = Project(name="p")
    run = project.add_run(small_spec().with_overrides({"training.steps": steps}))
    continue_run(project, run, prepare_run(run))
    return project, run


def test_the_same_spec_goes_on_up_to_its_budget_and_not_past_it():
    project, run = trained(4)
    with pytest.raises(RunComplete, match="has trained all its 4 steps"):
        next_training(project, run, run.spec)
    assert next_training(project, run, run.spec.with_overrides({"training.steps": 9})) is run
    assert run.spec.training.steps == 9 and len(project.runs) == 1
    assert next_training(project, run, run.spec, more_steps=3) is run and run.spec.training.steps == 7


def test_another_spec_after_training_is_a_new_run_and_the_old_one_is_kept():
    project, run = trained(4)
    other = run.spec.with_overrides({"training.lr": run.spec.training.lr / 2})
    new = next_training(project, run, other)
    assert new is not run and new.state is None and project.runs == [run, new] and project.current_run == new.id
    assert run.step == 4 and new.spec == other


def test_an_untrained_run_takes_the_spec_and_a_name_that_says_what_it_is():
    project = Project(name="p")
    run = project.add_run(small_spec())
    gru = small_spec().with_overrides({"model.cell": "gru"})
    assert next_training(project, run, gru) is run and run.spec == gru and len(project.runs) == 1
    assert "GRU" in run.name


def test_the_command_line_names_its_flag_when_the_budget_is_spent():
    _project, run = trained(4)
    with pytest.raises(ProjectError, match="give --steps N"):
        prepare_run(run)
    with pytest.raises(ProjectError, match="at least 1"):
        prepare_run(run, more_steps=0)


def test_a_runs_spec_follows_the_live_settings_the_engine_took():
    _project, run = trained(2)
    run.keep([SettingChanged("training.lr", 0.0123, 2), SettingChanged("training.clip_norm", 0.5, 2)])
    assert run.spec.training.lr == 0.0123 and run.spec.training.clip_norm == 0.5


def test_the_trainer_takes_every_live_setting_by_its_spec_key():
    trainer = Trainer(small_spec())
    for key in LIVE_SETTINGS:
        trainer.set(key, 0.5)
    assert trainer.base_lr == trainer.clip_norm == trainer.teacher_forcing_override == 0.5

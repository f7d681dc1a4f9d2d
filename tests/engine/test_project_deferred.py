"""A run's optimizer state stays in its project file until first used
(engine.project.deferred): read back exactly, from the file as it was opened,
and a file changed in place since is refused by name."""

import gc
import os
import threading

import pytest
import torch

import engine.project.entries
from engine.errors import ProjectError
from engine.project import open_project, save_project
from engine.project.archive import ArchiveReader
from engine.project.deferred import DEFERS, RunTensors
from tests.engine.helpers import open_descriptors_of
from tests.engine.project_helpers import trained_project

pytestmark = pytest.mark.skipif(not DEFERS, reason="the optimizer state is read at open where it cannot wait")

OPTIMIZER = "runs/run-1/optimizer.safetensors"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    project = trained_project(steps=4)
    path = tmp_path_factory.mktemp("deferred") / "p.seqlab"
    save_project(project, path)
    return project, path


def test_the_optimizer_state_is_read_on_first_use_and_equals_what_was_saved(saved):
    project, path = saved
    expected = project.run().state[0]
    tensors = open_project(path).run().state[0]
    assert isinstance(tensors, RunTensors) and not tensors.loaded
    assert sorted(tensors) == sorted(expected) and len(tensors) == len(expected)  # names only: nothing read
    assert "optimizer/0/exp_avg" in tensors and not tensors.loaded
    assert torch.equal(tensors["model/embedding.weight"], expected["model/embedding.weight"]) and not tensors.loaded
    assert torch.equal(tensors["optimizer/0/exp_avg"], expected["optimizer/0/exp_avg"]) and tensors.loaded
    for name, tensor in expected.items():
        assert tensors[name].dtype == tensor.dtype and torch.equal(tensors[name], tensor), name


def test_it_comes_from_the_file_as_opened_even_after_a_save_over_it_or_its_deletion(saved, tmp_path):
    project, path = saved
    expected = project.run().state[0]["optimizer/1/exp_avg_sq"]
    copy = tmp_path / "p.seqlab"
    copy.write_bytes(path.read_bytes())
    first, second = open_project(copy), open_project(copy)
    other = trained_project(steps=9)  # different optimizer moments, saved over the path
    save_project(other, copy)
    assert torch.equal(first.run().state[0]["optimizer/1/exp_avg_sq"], expected)
    assert not torch.equal(open_project(copy).run().state[0]["optimizer/1/exp_avg_sq"], expected)
    copy.unlink()
    assert torch.equal(second.run().state[0]["optimizer/1/exp_avg_sq"], expected)


def test_a_file_rewritten_in_place_since_it_was_opened_is_refused_by_name(saved, tmp_path):
    _, path = saved
    copy = tmp_path / "p.seqlab"
    copy.write_bytes(path.read_bytes())
    project = open_project(copy)
    with ArchiveReader(copy) as archive:
        offset, size = archive.location(OPTIMIZER)
    with open(copy, "r+b") as f:  # as `cp other.seqlab p.seqlab` would: same file, new bytes
        f.seek(offset + size - 1)
        last = f.read(1)
        f.seek(offset + size - 1)
        f.write(bytes([last[0] ^ 0xFF]))
    changed = copy.read_bytes()
    message = f"entry '{OPTIMIZER}' was changed on disk by another program since the project was opened"
    with pytest.raises(ProjectError, match=message):
        project.run().state[0]["optimizer/0/exp_avg"]
    with pytest.raises(ProjectError, match=message):
        project.run().trainer()
    with pytest.raises(ProjectError, match=message):
        save_project(project, copy)
    assert copy.read_bytes() == changed and os.listdir(tmp_path) == ["p.seqlab"]
    assert torch.isfinite(project.run().state[0]["model/embedding.weight"]).all()  # the weights are still here


def test_the_file_is_closed_once_every_state_is_read_or_dropped(saved):
    project, path = saved
    two_runs = path.with_name("two.seqlab")
    project.add_run(project.run().spec)
    project.runs[1].state = project.runs[0].state
    save_project(project, two_runs)
    project.runs.pop()
    project.current_run = project.runs[0].id
    assert len(open_descriptors_of(two_runs)) == 0
    opened = open_project(two_runs)
    assert len(open_descriptors_of(two_runs)) == 1  # one, shared by both runs
    dict(opened.runs[0].state[0])
    assert len(open_descriptors_of(two_runs)) == 1
    dict(opened.runs[1].state[0])
    assert len(open_descriptors_of(two_runs)) == 0
    unread = open_project(two_runs)
    assert len(open_descriptors_of(two_runs)) == 1
    del unread
    gc.collect()
    assert len(open_descriptors_of(two_runs)) == 0


def test_threads_reading_it_at_once_get_the_same_tensors(saved):
    _, path = saved
    tensors = open_project(path).run().state[0]
    seen, start = [], threading.Barrier(4)

    def read():
        start.wait()
        seen.append(tensors["optimizer/2/exp_avg"])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(tensor is seen[0] for tensor in seen)


def test_where_it_cannot_wait_it_is_read_at_open(saved, monkeypatch):
    project, path = saved
    monkeypatch.setattr(engine.project.entries, "DEFERS", False)
    tensors = open_project(path).run().state[0]
    assert type(tensors) is dict
    assert all(torch.equal(tensors[name], tensor) for name, tensor in project.run().state[0].items())

"""The Device form lists every GPU of a machine with several (cuda:0 ... cuda:N-1),
and a cuda:N a project names that this machine lacks shows greyed out, not as auto."""

import engine.training
from lab_gui.session import _on_the_cpu
from lab_gui.spec_form import SpecForms
from tests.engine.helpers import small_spec


def test_the_device_form_lists_each_gpu_and_keeps_a_missing_one_visible(qtbot, monkeypatch):
    monkeypatch.setattr(engine.training, "available_devices", lambda: ["cpu", "cuda", "cuda:0", "cuda:1"])
    forms = SpecForms()
    box = forms["training"].editors["training.device"]
    assert [box.itemData(i) for i in range(box.count())] == ["auto", "cpu", "cuda", "cuda:0", "cuda:1", "mps"]
    forms.show_spec(small_spec(training__device="cuda:1"))
    assert box.currentData() == "cuda:1" and box.model().item(box.currentIndex()).isEnabled()
    forms.show_spec(small_spec(training__device="cuda:3"))  # made on a machine with four
    assert box.currentData() == "cuda:3" and "not available" in box.currentText()
    assert not box.model().item(box.currentIndex()).isEnabled()
    forms.show_spec(small_spec(training__device="cuda:3"))
    assert [box.itemData(i) for i in range(box.count())].count("cuda:3") == 1


def test_retrying_on_the_cpu_leaves_a_gpu_precision_first():
    class Run:
        spec = small_spec(training__device="auto")

    assert _on_the_cpu(Run) == {"training.device": "cpu"}
    Run.spec = Run.spec.with_overrides({"training.precision": "fp16", "training.device": "cuda"})
    assert list(_on_the_cpu(Run).items()) == [("training.precision", "auto"), ("training.device", "cpu")]
    assert _on_the_cpu(None) == {"training.device": "cpu"}

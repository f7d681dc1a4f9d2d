"""Errors a user can cause and fix. Each message names what is wrong."""


class SeqLabError(Exception):
    """Base for errors shown to the user as one line (exit code 2 on the CLI)."""


class SpecError(SeqLabError):
    """The experiment spec is invalid.

    `problems` lists (field, message) pairs; each message is a whole sentence
    that names the field, e.g. "model.d_model=30 is not divisible by model.heads=4".
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))

    @property
    def fields(self) -> list[str]:
        return [field for field, _ in self.problems]


class TaskDataError(SeqLabError):
    """A user-supplied data file (text, CSV) cannot be used; names the file."""


class PresetError(SeqLabError):
    """An unknown or broken preset."""


class ProjectError(SeqLabError):
    """A project file cannot be opened or saved; names the file and the problem."""


class RunTooBig(SeqLabError):
    """The memory estimate says a run cannot fit on its device; names what to lower."""


class UsageError(SeqLabError):
    """The command line was given something it cannot use."""

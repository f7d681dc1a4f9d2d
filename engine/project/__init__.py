"""Experiment projects: `.seqlab` files holding runs, weights and history."""

from engine.errors import ProjectError
from engine.project.archive import Limits
from engine.project.files import SUFFIX, open_project, save_project
from engine.project.model import Project, Run

__all__ = ["Limits", "Project", "ProjectError", "Run", "SUFFIX", "open_project", "save_project"]

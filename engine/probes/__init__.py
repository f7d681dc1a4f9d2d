"""Seeing inside a model while it trains: per-timestep gradients, dL/dh_t,
gates and hidden states, attention maps, parameter-group norms."""

from engine.probes.groups import ParameterGroups, group_of
from engine.probes.probe import run_probe

__all__ = ["ParameterGroups", "group_of", "run_probe"]

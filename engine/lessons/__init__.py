"""Lessons: classic claims about sequence models, each reproduced by training.

`catalog` holds their words (no torch, for menus); `registry` pairs each with
its runs and its measurement."""

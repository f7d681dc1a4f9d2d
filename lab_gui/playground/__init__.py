"""The Playground dock: try the trained model on one input."""

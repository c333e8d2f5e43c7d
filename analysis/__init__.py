"""What the answers say: pure functions over pandas frames, plus their views."""

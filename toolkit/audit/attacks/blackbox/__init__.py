"""Black-box attacks: only model outputs, every query counted."""

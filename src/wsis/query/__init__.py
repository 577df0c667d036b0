"""The read side of a release: every question publishing asks, answered from releases."""

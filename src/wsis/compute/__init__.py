"""The compute layer: group aggregates, gaps, targets, progress and the outcome-document fact-check."""

"""The analyst's commands: the review queue, decisions and their log, and explanations of cells."""

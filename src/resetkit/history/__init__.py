"""Many sessions at once: reading them through the index, exports, action items, reports."""

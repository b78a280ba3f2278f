"""The session record and its store; the notes, action plan and customer copy made from it."""

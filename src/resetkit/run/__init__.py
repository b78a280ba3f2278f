"""A run of a playbook: the walk, answer checks, prompts, the screen, the live run."""

"""The playbook format: the schema, the loader with file:line:col, conditions, authoring."""

"""resetkit: a terminal playbook runner for customer-success conversations that went wrong."""

__version__ = "0.1.0"

__all__ = ["__version__"]

"""Pydantic models shared between stages (the contracts between interpret, report and publish)."""

"""Model artefacts shipped with the claim stage (package data)."""

"""Configuration: strict readers (sheets), typed models of every file (models) and loading (load)."""

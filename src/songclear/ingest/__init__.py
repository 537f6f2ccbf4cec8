"""Importers that turn files (CSV, JSON, DDEX) into domain facts; they parse only and never touch the database."""

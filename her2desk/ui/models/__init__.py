"""Qt item models that adapt pandas tables for views."""

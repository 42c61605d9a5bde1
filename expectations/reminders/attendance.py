"""The absence notice: a family hears the same day that their child missed advisory."""

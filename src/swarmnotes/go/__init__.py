"""Go runtime pieces: channels, select, goroutines, sync, context, pipelines."""

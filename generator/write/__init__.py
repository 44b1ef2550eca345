"""Stage 6: the manifest, the journal, the swap and the file-system boundary."""

"""Read and parse any document: readers, header and metadata, layout grammar, clause tree, labels, chunks."""

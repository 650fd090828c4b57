"""What a run will render: the page × breakpoint matrix, grouped into renders, and shards of it."""

"""The domain: models, the fixed vocabulary, jurisdictions, the fold and the diff. Pure: no I/O."""

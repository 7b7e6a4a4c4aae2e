"""From a department's figures to its report: the context of every number, the template's sentences, the
charts and the nine public tables. Reads data/; knows nothing of how reports are built or audited."""

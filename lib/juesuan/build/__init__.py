"""Reports made many at a time: notebooks executed (papermill, warm kernels, Dask), exported to HTML, PDF and
Word, with the year's index and the manifests that make a batch incremental. Reads data/ and report/."""

"""Ship the report notebooks inside the package.

The notebooks stay where analysts open them, ``notebooks/*.ipynb`` (one per
report template) at the top of the repository. A built wheel (``pip install .``,
``pip wheel .``) also carries a copy of each as ``juesuan/notebooks/<name>``, which
the installed package finds (``juesuan.resources.report_notebook``). An editable
install gets no copy: it reads the repository's notebooks themselves.
Everything else about the package is in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NOTEBOOKS = sorted((HERE / "notebooks").glob("*.ipynb"))


class build_py_with_notebook(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for notebook in NOTEBOOKS:
            target = Path(self.build_lib) / "juesuan" / "notebooks" / notebook.name
            self.mkpath(str(target.parent))
            self.copy_file(str(notebook), str(target))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / "juesuan" / "notebooks" / n.name) for n in NOTEBOOKS]
        return outputs


setup(cmdclass={"build_py": build_py_with_notebook})

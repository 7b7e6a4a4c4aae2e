"""Ship the report notebook inside the package.

The notebook stays where analysts open it, ``notebooks/department_report.ipynb``
at the top of the repository. A built wheel (``pip install .``, ``pip wheel .``)
also carries a copy as ``juesuan/notebooks/department_report.ipynb``, which the
installed package finds (``juesuan.resources.report_notebook``). An editable
install gets no copy: it reads the repository's notebook itself.
Everything else about the package is in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NOTEBOOK = Path("notebooks") / "department_report.ipynb"


class build_py_with_notebook(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "juesuan" / "notebooks" / NOTEBOOK.name
        self.mkpath(str(target.parent))
        self.copy_file(str(HERE / NOTEBOOK), str(target))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            outputs.append(str(Path(self.build_lib) / "juesuan" / "notebooks" / NOTEBOOK.name))
        return outputs


setup(cmdclass={"build_py": build_py_with_notebook})

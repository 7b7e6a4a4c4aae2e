"""The Jupyter kernel the batch runs the report notebook on: ``juesuan``, on the batch's own interpreter.

The kept notebooks name the kernel ``juesuan`` (JupyterLab and nbval re-run
them on the kernel ``make setup`` registers under that name). The batch itself
never looks that name up among the kernels registered on the machine: it
makes the spec here, as ``python -m ipykernel install --name juesuan`` would
write it for ``sys.executable``. So the kernel always imports the same copy of
juesuan as the process that runs the batch: an installed wheel runs its
reports on its own environment with nothing to register, a developer's
``.venv/bin/juesuan`` on ``.venv``, and a Dask worker on the environment the
worker runs from. A stale or foreign ``juesuan`` kernel elsewhere on the
machine (another checkout's, a user-wide one) cannot be picked up by mistake.
"""
from __future__ import annotations

import sys

from jupyter_client.kernelspec import KernelSpec, NoSuchKernel
from jupyter_client.kernelspec import KernelSpecManager as _KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

__all__ = ["KERNEL_DISPLAY_NAME", "KERNEL_NAME", "KernelManager", "KernelSpecManager", "kernel_spec_dict"]

KERNEL_NAME = "juesuan"
KERNEL_DISPLAY_NAME = "Python (juesuan)"


def kernel_spec_dict() -> dict:
    """What ``python -m ipykernel install --name juesuan`` writes into kernel.json, for this interpreter."""
    from ipykernel.kernelspec import get_kernel_dict

    python_arguments = ["-Xfrozen_modules=off"] if sys.version_info >= (3, 11) else []
    spec = get_kernel_dict(python_arguments=python_arguments)
    spec["display_name"] = KERNEL_DISPLAY_NAME
    return spec


def _resource_dir() -> str:
    from ipykernel.kernelspec import RESOURCES

    return RESOURCES


class KernelSpecManager(_KernelSpecManager):
    """Knows one kernel, ``juesuan``, on ``sys.executable``."""

    def find_kernel_specs(self) -> dict[str, str]:
        return {KERNEL_NAME: _resource_dir()}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != KERNEL_NAME:
            raise NoSuchKernel(kernel_name)
        return KernelSpec(resource_dir=_resource_dir(), **kernel_spec_dict())

    def get_all_specs(self) -> dict:
        return {KERNEL_NAME: {"resource_dir": _resource_dir(), "spec": kernel_spec_dict()}}


class KernelManager(AsyncKernelManager):
    """jupyter_client's async kernel manager, with :class:`KernelSpecManager`.

    nbclient takes it as ``NotebookClient.kernel_manager_class`` (papermill's
    fresh kernels), the warm kernels are made of it directly.
    """

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return KernelSpecManager(data_dir=self.data_dir)

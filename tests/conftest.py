import matplotlib
import pytest
import torch

matplotlib.use("Agg")


@pytest.fixture(autouse=True, scope="session")
def _threads():
    # the CI machine has two cores; fixed thread count keeps timings and float reductions stable
    torch.set_num_threads(2)

# Distributed: a Pluribus function over a chunked dask array on a two-process LocalCluster
# (localhost only); types, arrays and functions travel between processes by pickling.
import numpy as np
import pytest

import pluribus

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")

# Debian's tornado warns about its own event-loop set-up inside distributed.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def exp_block(block):
    return np.asarray(pluribus.exp(block))


def test_map_blocks_matches_numpy(client):
    x = np.linspace(-5.0, 5.0, 400_000).reshape(400, 1000)
    chunked = da.from_array(x, chunks=(100, 1000))
    result = chunked.map_blocks(exp_block, dtype=np.float64).compute()
    np.testing.assert_allclose(result, np.exp(x), rtol=1e-14)
    total = da.from_array(x, chunks=(100, 1000)).map_blocks(
        lambda b: np.asarray(pluribus.sum(b, axis=1, keepdims=True)),
        chunks=(100, 1), dtype=np.float64).compute()
    np.testing.assert_allclose(total[:, 0], x.sum(axis=1), rtol=1e-12)


def test_blocks_ran_in_worker_processes(client):
    import os
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids


def test_types_arrays_and_functions_travel(client):
    t = pluribus.type("var * {name: string, amount: ?float64}")
    a = pluribus.array([{"name": "ann", "amount": 1.5}, {"name": "bob", "amount": None}],
                       type="2 * {name: string, amount: ?float64}")
    numbers = pluribus.array([[1.0, 2.0], [3.0, 4.0]])
    assert client.submit(lambda u: u, t).result() == t
    assert client.submit(lambda b: b.tolist(), a).result() == a.tolist()
    doubled = client.submit(lambda f, b: f(b, b), pluribus.add, numbers).result()
    assert isinstance(doubled, pluribus.Array)
    assert doubled.tolist() == [[2.0, 4.0], [6.0, 8.0]]

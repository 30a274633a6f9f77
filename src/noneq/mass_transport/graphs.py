"""Directed weighted graphs of the mass transport models (Secs. 2 and 3 of arXiv 1106.5652).

A :class:`Graph` holds the out-links of every site in compressed (CSR) form, the
link weights ``w_ij`` (the factors multiplying ``v(mu)`` in eq. 12) and the
exponents ``eta_i`` of ``f_i(m) = m**(eta_i - 1)``. Builders:

* :func:`ring_graph` -- the ring of Sec. 2 (Fig. 1);
* :func:`attach_probe` -- a probe ring joined to one site by one link each way (Fig. 2);
* :func:`three_branch_graph` -- three oriented branches between two branching
  points (Fig. 4), used for the continuous masses (Secs. 3.1-3.3) and for the
  zero range process (Sec. 3.4);
* :func:`sinusoidal_eta`, :func:`random_eta` -- the two disordered rings of Fig. 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import memory, validate
from ..rng import resolve_seed

__all__ = ["Graph", "ring_graph", "attach_probe", "three_branch_graph", "sinusoidal_eta", "random_eta", "BRANCHES"]

#: Names of the three branches, in graph order.
BRANCHES = ("A", "B", "C")


@dataclass
class Graph:
    """Directed weighted graph in compressed (CSR) form.

    Attributes
    ----------
    n : int
        Number of sites.
    out_ptr, out_idx, out_w : ndarray
        Out-links of site ``i`` are ``out_idx[out_ptr[i]:out_ptr[i+1]]`` with
        weights ``out_w[...]`` (the ``w_ij`` multiplying ``v(mu)`` in eq. 12).
    eta : ndarray
        Exponent of ``f_i(m) = m**(eta_i - 1)`` per site.
    label : ndarray of int
        Part of the system a site belongs to (graph-specific, see the builders).
    pos : ndarray of int
        Position of the site along its branch/ring (0-based).
    info : dict
        Named special sites (contact points, branching points, ...).
    """

    n: int
    out_ptr: np.ndarray
    out_idx: np.ndarray
    out_w: np.ndarray
    eta: np.ndarray
    label: np.ndarray
    pos: np.ndarray
    info: dict = field(default_factory=dict)

    @property
    def out_weight(self) -> np.ndarray:
        """Total out-weight ``W_i = sum_j w_ij`` of every site."""
        return np.add.reduceat(self.out_w, self.out_ptr[:-1]) if self.n else np.zeros(0)

    def in_weight(self) -> np.ndarray:
        """Total in-weight ``sum_j w_ji`` of every site.

        Returns
        -------
        ndarray (n,)
        """
        return np.bincount(self.out_idx, weights=self.out_w, minlength=self.n)

    def factorisation_defect(self) -> np.ndarray:
        """Out-weight minus in-weight per site: zero everywhere iff eq. (13) holds.

        Returns
        -------
        ndarray (n,)
            ``sum_j w_ij - sum_j w_ji``.
        """
        return self.out_weight - self.in_weight()

    def link(self, i: int, j: int) -> int:
        """Index of the link ``i -> j`` in ``out_idx``.

        Parameters
        ----------
        i, j : int
            Source and destination sites, in ``[0, n - 1]``.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            If the graph has no link ``i -> j``.
        """
        for k in range(self.out_ptr[i], self.out_ptr[i + 1]):
            if self.out_idx[k] == j:
                return k
        raise ValueError(f"no link {i} -> {j}")


#: Bytes per site and per link a graph builder needs at its peak (the graph and the sorting of its links).
_GRAPH_BYTES_SITE, _GRAPH_BYTES_LINK = 48, 112


def graph_bytes(n, n_links):
    """Memory a builder of this module needs for ``n`` sites and ``n_links`` links (bytes, upper estimate).

    Parameters
    ----------
    n, n_links : int
        Sites and links (before repeated links are merged), >= 0.

    Returns
    -------
    int
    """
    return int(_GRAPH_BYTES_SITE * n + _GRAPH_BYTES_LINK * n_links)


def _require_graph(n, n_links, parameter):
    """Refuse, before allocating, a graph that does not fit in memory."""
    memory.require(graph_bytes(n, n_links), parameter, "the sites and links of the graph")


def _from_edges(n, edges, eta, label, pos, info):
    """CSR graph from ``(source, destination, weight)`` links (repeated links are merged, weights <= 0 dropped).

    ``edges`` is a sequence of triples or a tuple of three arrays ``(sources, destinations, weights)``;
    repeated links are summed in the order given.
    """
    if isinstance(edges, tuple) and len(edges) == 3 and isinstance(edges[0], np.ndarray):
        src, dst, wts = edges
    else:
        edges = list(edges)
        src = np.array([int(a) for a, _, _ in edges], dtype=np.int64)
        dst = np.array([int(b) for _, b, _ in edges], dtype=np.int64)
        wts = np.array([float(w) for _, _, w in edges], dtype=np.float64)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    wts = np.asarray(wts, dtype=np.float64)
    keep = wts > 0.0
    src, dst, wts = src[keep], dst[keep], wts[keep]
    order = np.lexsort((dst, src))  # stable: repeated links keep their order
    src, dst, wts = src[order], dst[order], wts[order]
    first = np.ones(src.size, dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    if not first.all():
        wts = np.bincount(np.cumsum(first) - 1, weights=wts)
        src, dst = src[first], dst[first]
    counts = np.bincount(src, minlength=n)
    if np.any(counts == 0):
        raise ValueError("every site needs at least one out-link (check p, q and the gamma weights)")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return Graph(n, ptr, dst, wts, np.asarray(eta, dtype=np.float64), np.asarray(label, dtype=np.int64),
                 np.asarray(pos, dtype=np.int64), info)


def _eta_array(eta, n):
    """``eta`` as an array of ``n`` positive exponents (a scalar is broadcast)."""
    if np.ndim(eta) == 0:
        e = validate.real("eta", eta, 0.0, lo_open=True)
        return np.full(n, e)
    return validate.array("eta", eta, shape=(n,), lo=0.0, lo_open=True)


def _backward(p, q):
    """Validated forward and backward weights ``(p, q)``; ``q = 1 - p`` by default (Sec. 2.1)."""
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    if p + q <= 0:
        raise ValueError("p + q must be positive")
    return p, q


def ring_graph(N, p=1.0, q=None, eta=1.0):
    """Ring of ``N`` sites, links ``i -> i+1`` (weight ``p``) and ``i -> i-1`` (weight ``q``), Sec. 2.

    Parameters
    ----------
    N : int
        Number of sites, >= 2.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1]; defaults to ``1 - p`` as in the paper (``p + q > 0``).
    eta : float or array (N,)
        Exponents of ``f_i(m) = m**(eta_i - 1)``, > 0.

    Returns
    -------
    Graph
        ``label`` 0 everywhere, ``pos`` = 0..N-1, ``info = {"kind": "ring"}``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> g = ring_graph(4, p=0.75)
    >>> g.n, g.out_weight.tolist()
    (4, [1.0, 1.0, 1.0, 1.0])
    """
    N = validate.integer("N", N, 2)
    p, q = _backward(p, q)
    _require_graph(N, 2 * N, f"N = {N}")
    eta = _eta_array(eta, N)
    i = np.arange(N)
    edges = (np.concatenate([i, i]), np.concatenate([(i + 1) % N, (i - 1) % N]),
             np.concatenate([np.full(N, p), np.full(N, q)]))
    return _from_edges(N, edges, eta, np.zeros(N), i, {"kind": "ring"})


def attach_probe(graph, site, N_pr, p=1.0, q=None, eta_pr=1.0, contact=1.0):
    """Attach a probe ring of ``N_pr`` sites to ``site`` of ``graph`` (Fig. 2).

    The probe is a homogeneous ring (weights ``p`` forward, ``q`` backward) with
    ``f_pr = m**(eta_pr - 1)`` (the paper: ``f_pr = 1``, ``eta_pr = 1``). The contact
    adds one link ``site -> probe[0]`` and one link ``probe[0] -> site``, both of
    weight ``contact``. Each of the two contact sites gains the same in- and
    out-weight, so the factorisation condition eq. (13) holds at every site if it
    held before: the stationary law stays ``prod_i f_i(m_i)`` (eq. 3), probe included.

    Parameters
    ----------
    graph : Graph
        The main system.
    site : int
        Contact site of the main system, in ``[0, graph.n - 1]``.
    N_pr : int
        Probe size, >= 2.
    p : float
        Forward weight of the probe ring, in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``).
    eta_pr : float
        Probe exponent, > 0.
    contact : float
        Weight of each of the two contact links, > 0.

    Returns
    -------
    Graph
        ``graph.n + N_pr`` sites; probe sites get ``label = -1`` and ``pos`` = 0..N_pr-1;
        ``info`` gains ``probe`` (indices), ``contact``, ``probe_contact`` and ``n_main``.

    Raises
    ------
    ValueError
        If ``graph`` is not a :class:`Graph` or a parameter is outside its range.
    """
    if not isinstance(graph, Graph):
        raise ValueError("graph must be a Graph")
    site = validate.integer("site", site, 0, graph.n - 1)
    N_pr = validate.integer("N_pr", N_pr, 2)
    p = validate.real("p", p, 0.0, 1.0)
    q = 1.0 - p if q is None else validate.real("q", q, 0.0, 1.0)
    eta_pr = validate.real("eta_pr", eta_pr, 0.0, lo_open=True)
    contact = validate.real("contact", contact, 0.0, lo_open=True)
    n0 = graph.n
    _require_graph(n0 + N_pr, graph.out_idx.size + 2 * N_pr + 2, f"graph.n + N_pr = {n0 + N_pr}")
    a = np.arange(N_pr)
    edges = (np.concatenate([np.repeat(np.arange(n0), np.diff(graph.out_ptr)), n0 + a, n0 + a, [site, n0]]),
             np.concatenate([graph.out_idx, n0 + (a + 1) % N_pr, n0 + (a - 1) % N_pr, [n0, site]]),
             np.concatenate([graph.out_w, np.full(N_pr, p), np.full(N_pr, q), [contact, contact]]))
    eta = np.concatenate([graph.eta, np.full(N_pr, eta_pr)])
    label = np.concatenate([graph.label, np.full(N_pr, -1)])
    pos = np.concatenate([graph.pos, np.arange(N_pr)])
    info = dict(graph.info)
    info.update(probe=np.arange(n0, n0 + N_pr), contact=site, probe_contact=n0, n_main=n0)
    return _from_edges(n0 + N_pr, edges, eta, label, pos, info)


def three_branch_graph(n_A, n_B, n_C, p=1.0, q=None, gamma_B=0.5, gamma_C=0.5, eta=1.0):
    """Three oriented branches between two branching points (Fig. 4).

    Site order: the merging node (index 0), the ``n_A`` interior sites of A, the
    splitting node (index ``n_A + 1``), then the ``n_B`` sites of B and the ``n_C``
    sites of C; ``N = n_A + n_B + n_C + 2`` as in Sec. 3.4. Along each branch mass
    moves forward with weight ``p`` and backward with weight ``q``. The splitting
    node sends forward to the first site of B with ``gamma_B p`` and of C with
    ``gamma_C p``; the merging node sends backward to the last site of B with
    ``gamma_B q`` and of C with ``gamma_C q``.

    Parameters
    ----------
    n_A : int
        Interior sites of A, >= 1 (no branch may be empty).
    n_B, n_C : int
        Sites of B and C, >= 1.
    p : float
        Forward weight in [0, 1].
    q : float, optional
        Backward weight in [0, 1] (default ``1 - p``; ``p + q > 0``).
    gamma_B, gamma_C : float
        Branching weights, >= 0, not both zero.
    eta : float or array (N,)
        Exponents of ``f_i(m) = m**(eta_i - 1)``, > 0.

    Returns
    -------
    Graph
        Labels: 0 for A and both nodes (the paper counts the branching points in A,
        Sec. 3.2), 1 for B, 2 for C; ``pos`` runs along each branch (A: 0 = merging
        node ... n_A + 1 = splitting node). ``info`` holds ``merge``, ``split``, the
        site indices ``A``, ``B``, ``C`` and the weights.

    Raises
    ------
    ValueError
        If a parameter is outside its range, or if the graph does not fit in memory.

    Examples
    --------
    >>> g = three_branch_graph(2, 3, 3)
    >>> g.n, g.info["split"], g.info["B"].tolist()
    (10, 3, [4, 5, 6])
    """
    n_A = validate.integer("n_A", n_A, 1)
    n_B = validate.integer("n_B", n_B, 1)
    n_C = validate.integer("n_C", n_C, 1)
    p, q = _backward(p, q)
    gamma_B = validate.real("gamma_B", gamma_B, 0.0)
    gamma_C = validate.real("gamma_C", gamma_C, 0.0)
    if gamma_B + gamma_C <= 0:
        raise ValueError("gamma_B + gamma_C must be positive")
    N = n_A + n_B + n_C + 2
    _require_graph(N, 2 * N + 4, f"n_A + n_B + n_C + 2 = {N}")
    eta = _eta_array(eta, N)
    merge, split = 0, n_A + 1
    A = np.arange(0, n_A + 2)  # merge node, interior, split node
    B = np.arange(n_A + 2, n_A + 2 + n_B)
    C = np.arange(n_A + 2 + n_B, N)
    src, dst, wts = [], [], []
    for br in (A, B, C):  # along each branch: forward p, backward q
        src += [br[:-1], br[1:]]
        dst += [br[1:], br[:-1]]
        wts += [np.full(br.size - 1, p), np.full(br.size - 1, q)]
    for br, g in ((B, gamma_B), (C, gamma_C)):  # the two branching points
        src.append(np.array([split, br[0], br[-1], merge]))
        dst.append(np.array([br[0], split, merge, br[-1]]))
        wts.append(np.array([g * p, q, p, g * q]))
    edges = (np.concatenate(src), np.concatenate(dst), np.concatenate(wts))
    label = np.zeros(N, dtype=np.int64)
    label[B] = 1
    label[C] = 2
    pos = np.concatenate([np.arange(n_A + 2), np.arange(n_B), np.arange(n_C)])
    info = {"kind": "three_branch", "merge": merge, "split": split,
            "A": A, "B": B, "C": C,
            "p": p, "q": q, "gamma_B": gamma_B, "gamma_C": gamma_C}
    return _from_edges(N, edges, eta, label, pos, info)


def sinusoidal_eta(N):
    """Exponents ``eta_i = 2 + sin(2 pi i / N)``, ``i = 1..N`` (Sec. 2.3, Fig. 3 cases i and ii).

    Parameters
    ----------
    N : int
        Number of sites, >= 2.

    Returns
    -------
    ndarray (N,)
    """
    N = validate.integer("N", N, 2)
    i = np.arange(1, N + 1)
    return 2.0 + np.sin(2.0 * np.pi * i / N)


def random_eta(N, lo=1.0, hi=3.0, seed=None):
    """Quenched exponents ``eta_i`` uniform in ``(lo, hi)`` (Fig. 3, case iii).

    Parameters
    ----------
    N : int
        Number of sites, >= 2.
    lo, hi : float
        Bounds, ``0 < lo < hi``.
    seed : None or int
        Seed (:mod:`noneq.rng`).

    Returns
    -------
    ndarray (N,)
    """
    N = validate.integer("N", N, 2)
    lo = validate.real("lo", lo, 0.0, lo_open=True)
    hi = validate.real("hi", hi, lo, lo_open=True)
    return np.random.default_rng(resolve_seed(seed)).uniform(lo, hi, N)

"""The embedding model runs on as many OpenMP threads as the load leaves cores (OMP_DYNAMIC, set by
index/embeddings.py): that is only safe because the thread count never changes a vector. Each thread
count runs in a fresh interpreter (OpenMP reads its settings when the engine loads)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

QUESTIONS = [
    "Qui est Maks Bokayev ?",
    "Que demande le Parlement au sujet de la liberté de la presse ?",
    "What does the resolution say about the Venice Commission?",
    "Combien de personnes ont été arrêtées en mai 2018 ?",
]

# Embeds the questions one by one and together, and passages in a batch, as resobot does; saves the rows.
_EMBED = """
import sys
import numpy as np
from index.embeddings import E5Embeddings
questions = sys.argv[2:]
e = E5Embeddings()
alone = np.stack([e.queries([q])[0] for q in questions])
np.save(sys.argv[1], np.concatenate([alone, e.queries(questions), e.passages(questions)]))
"""


def _vectors(tmp_path: Path, name: str, threads: dict[str, str]) -> np.ndarray:
    out = tmp_path / f"{name}.npy"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))} | threads
    done = subprocess.run([sys.executable, "-c", _EMBED, str(out), *QUESTIONS], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return np.load(out)


def test_one_thread_two_threads_and_the_load_s_choice_give_the_same_vectors_bit_for_bit(
    tmp_path: Path,
) -> None:
    one = _vectors(tmp_path, "one", {"OMP_NUM_THREADS": "1"})
    two = _vectors(tmp_path, "two", {"OMP_NUM_THREADS": "2", "OMP_DYNAMIC": "false"})
    chosen = _vectors(tmp_path, "default", {})
    assert one.shape == (3 * len(QUESTIONS), 384)
    assert np.abs(one).sum() > 0  # real vectors
    assert np.array_equal(one, two)
    assert np.array_equal(one, chosen)

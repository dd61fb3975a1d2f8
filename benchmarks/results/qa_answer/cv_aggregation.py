"""CV of one ranker setting with two ways to score a span text: its best occurrence (max, shipped) or
the logsumexp of its occurrences (what the listwise objective's softmax sums).

python cv_aggregation.py EXAMPLES.pkl "previous + typed" 0.3
"""

import pickle
import sys
from pathlib import Path

import numpy as np
from scipy.special import logsumexp

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "qa"))
import fit_answer_ranker as fit  # noqa: E402

examples = fit.restrict(pickle.loads(Path(sys.argv[1]).read_bytes()), fit.FEATURE_SETS[sys.argv[2]])
l2 = float(sys.argv[3])
AGGREGATE = {"max": max, "logsumexp": logsumexp}


def top1(example, weights: np.ndarray, how: str) -> float:
    texts, matrix, f1 = example[1], example[2], example[3]
    groups: dict[str, tuple[list[float], float]] = {}
    for text, score, value in zip(texts, matrix @ weights, f1, strict=True):
        groups.setdefault(text, ([], value))[0].append(score)
    return groups[max(groups, key=lambda t: AGGREGATE[how](groups[t][0]))][1]


found = {how: np.zeros(len(examples)) for how in AGGREGATE}
for seed in range(3):
    order = np.random.default_rng(seed).permutation(len(examples))
    for k in range(5):
        held = set(order[k::5].tolist())
        weights = fit.fit([e for i, e in enumerate(examples) if i not in held], l2)
        for i in held:
            for how in AGGREGATE:
                found[how][i] += top1(examples[i], weights, how) / 3
diff = found["logsumexp"] - found["max"]
print(f"{sys.argv[2]} L2 {l2}: max {100 * found['max'].mean():.2f}  "
      f"logsumexp {100 * found['logsumexp'].mean():.2f}  diff {100 * diff.mean():+.2f} "
      f"± {100 * diff.std(ddof=1) / np.sqrt(len(diff)):.2f}")

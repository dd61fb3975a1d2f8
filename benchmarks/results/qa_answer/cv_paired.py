"""Paired 5-fold x 3-shuffle CV of ranker settings on the development half, against the shipped one.

python cv_paired.py EXAMPLES.pkl NAME:OBJECTIVE:PULL:L2 ...
(EXAMPLES.pkl from fit_answer_ranker.py --development-only --similarity --examples-cache;
NAME a key of SETS below). Per-question scores are kept in EXAMPLES.cv.pkl between runs.
"""

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "qa"))
import fit_answer_ranker as fit  # noqa: E402

SETS = {"shipped": "previous + typed", "+sim": "previous + typed + similarity",
        "+best": "previous + typed + best sentence", "+freq": "previous + typed + path frequency",
        "+both": "previous + typed + path cues"}
examples = pickle.loads(Path(sys.argv[1]).read_bytes())
store = Path(sys.argv[1]).with_suffix(".cv.pkl")
done = pickle.loads(store.read_bytes()) if store.exists() else {}


def scores(key: str) -> np.ndarray:
    if key not in done:
        name, objective, pull, l2 = key.split(":")
        chosen = fit.restrict(examples, fit.FEATURE_SETS[SETS[name]])
        done[key] = fit.cross_validated_f1(chosen, float(l2), objective=objective, pull=pull)
        store.write_bytes(pickle.dumps(done))
    return done[key]


reference = scores("shipped:listwise:prior:0.3")
for key in sys.argv[2:]:
    own = scores(key)
    diff = own - reference
    print(f"{key:>36}: CV top-1 span F1 {100 * own.mean():.2f}  vs shipped {100 * diff.mean():+.2f} "
          f"± {100 * diff.std(ddof=1) / np.sqrt(len(diff)):.2f} (paired SE)", flush=True)

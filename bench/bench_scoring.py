"""Time scoring 2,000 random enterprises (self + external + surveys + problems).

Run from the repository root:  python bench/bench_scoring.py
Goal: the whole batch in under 2 s, so a campaign can be rescored on demand.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.combine import RateInput, SurveyRates, combine  # noqa: E402
from scoring.indicator_system import default_system  # noqa: E402
from scoring.problems import default_rules, detect_problems  # noqa: E402

COUNT = 2000
SEED = 20210317


def random_scores(rng: random.Random, system) -> dict:
    out = {}
    for ind in system.assessable:
        if ind.rule.kind == "proportional" and rng.random() < 0.5:
            out[ind.code] = rng.randint(0, ind.rule.max_count or 7)
        else:
            out[ind.code] = rng.choices(ind.level_keys, weights=[6] + [2] * (len(ind.level_keys) - 1))[0]
    return out


def random_rate(rng: random.Random) -> RateInput:
    n = rng.randint(10, 400)
    return RateInput(rng.uniform(0.3, 1.0), n, sufficient=n >= 30)


def generate(rng: random.Random, system) -> list[tuple]:
    cases = []
    for _ in range(COUNT):
        own = random_scores(rng, system)
        external = [random_scores(rng, system) for _ in range(rng.choice((0, 0, 1, 2)))]
        rates = SurveyRates(*(random_rate(rng) for _ in range(4)))
        cases.append((own, external, rates, rng.random() < 0.95))
    return cases


def main() -> None:
    system, rules = default_system(), default_rules()
    cases = generate(random.Random(SEED), system)
    start = time.perf_counter()
    results = [combine(system, own, ext, rates, has_valid_contract=valid)
               for own, ext, rates, valid in cases]
    scored = time.perf_counter()
    problem_count = sum(len(detect_problems(r, rules)) for r in results)
    done = time.perf_counter()
    grades: dict[str, int] = {}
    for r in results:
        grades[r.grade] = grades.get(r.grade, 0) + 1
    total = done - start
    print(f"enterprises:        {COUNT}")
    print(f"scoring:            {scored - start:.3f} s")
    print(f"problem detection:  {done - scored:.3f} s ({problem_count} problems)")
    print(f"total:              {total:.3f} s ({total / COUNT * 1000:.3f} ms per enterprise)")
    print(f"grades:             {dict(sorted(grades.items()))}")
    print(f"goal < 2 s:         {'met' if total < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()

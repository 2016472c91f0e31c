"""The crosswalk's fuzzy step answers exactly what difflib.get_close_matches would (it only
rules names out sooner), so a faster import never reviews a different candidate."""
import difflib
import random

from conflictgraph.graph.importers.matching import REVIEW_SCORE, Crosswalk, normalise
from conflictgraph.graph.models import Actor


def test_close_matches_equal_difflib_s_on_near_and_far_names():
    rng = random.Random(7)

    def name() -> str:
        return "".join(rng.choice("abcdeilmnorst -'") for _ in range(rng.randint(2, 30)))
    crosswalk = Crosswalk([Actor(f"a{i}", name(), "organization", aliases=(name(),)) for i in range(250)])
    names = list(crosswalk.by_name)
    near = 0
    for _ in range(2000):
        chars = list(rng.choice(names))
        for _ in range(rng.randint(0, 4)):        # a few letters changed: near names, some under the cutoff
            chars[rng.randrange(len(chars))] = rng.choice("abcdeilmnorst ")
        key = normalise("".join(chars)) or "x"
        expected = difflib.get_close_matches(key, names, n=3, cutoff=REVIEW_SCORE)
        assert crosswalk._close_matches(key) == expected, key
        near += bool(expected)
    assert 200 < near < 2000          # both outcomes were exercised

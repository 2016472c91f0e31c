"""/docs and /redoc work with no internet: every asset they load is served by the app."""
from __future__ import annotations

import re
import typing

import pytest


URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client, page):
    r = client.get(page)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    urls = [a or b for a, b in URL.findall(r.text)]
    assert any(u.endswith(".js") for u in urls), urls
    for u in urls:
        assert not re.match(r"^(https?:)?//", u), f"{page} loads {u} from the network"
        assert client.get(u).status_code == 200, f"{page}: asset {u} is not served"
    assert "fonts.googleapis" not in r.text and "cdn." not in r.text
    assert "validatorUrl" not in r.text or '"validatorUrl": null' in r.text


def test_the_openapi_schema_lists_every_endpoint(client):
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/health", "/actors", "/actors/{actor_id}", "/actors/{actor_id}/relations", "/relations",
            "/relations/{relation_id}", "/paths", "/subgraph", "/documents", "/documents/{document_id}",
            "/ontology", "/cypher"} <= paths


def test_the_schema_shows_real_examples_that_fit_their_models(client):
    from conflictgraph.api import models
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("Actor", "Relation", "NamedRelation"):
        examples = schemas[name].get("examples")
        assert examples, f"{name} has no example"
        model = getattr(models, name)
        for example in examples:
            # FastAPI drops null values from the whole document (exclude_none), examples too:
            # the answer has those keys, with null.
            nulls = {f: None for f, info in model.model_fields.items() if f not in example
                     and info.is_required() and type(None) in typing.get_args(info.annotation)}
            model.model_validate(example | nulls)   # the example is what the API answers
    assert schemas["Relation"]["examples"][0]["id"] == "ly-usa-sanctions-kaniyat-2020"
    for name in ("ActorDetail", "RelationDetail", "SubgraphNode"):
        assert "examples" not in schemas[name]   # an inherited example would not fit them

"""What the OpenAI-compatible backend sends: the same prompt, schema and sampling settings
as the in-process pipeline, in the shape each server family reads."""

import pytest

import generate_synthetic_data as gsd


def one_request():
    doc = gsd.parse_document("# Lamp\nThe lamp lasts about 2000 hours in use.\n", "a.md", 1500)
    return gsd.plan_requests([doc], gsd.Corpus([doc]))[0]


@pytest.mark.parametrize("fmt, expected", [
    ("json_schema", lambda r: {"type": "json_schema",
                               "json_schema": {"name": r.variant, "schema": r.schema}}),
    ("json_object", lambda r: {"type": "json_object", "schema": r.schema}),
    ("none", lambda r: None),
])
def test_request_arguments(fmt, expected):
    config = gsd.build_config(["--base-url", "http://127.0.0.1:9/v1", "--model", "m",
                               "--response-format", fmt, "--temperature", "0.3",
                               "--max-tokens", "100"])
    request = one_request()
    arguments = gsd.OpenAIEngine(config).request_arguments(request, 1)
    assert arguments["messages"] == list(request.messages)
    assert (arguments["model"], arguments["max_tokens"], arguments["temperature"]) == ("m", 100, 0.3)
    assert arguments["seed"] == gsd.request_seed(config.seed, request.request_id, 1)
    assert arguments.get("response_format") == expected(request)


def test_backends_never_share_cached_replies():
    config = gsd.build_config(["--base-url", "http://127.0.0.1:9/v1"])
    request = one_request()
    keys = {gsd.cache_key(engine.identity(), request, 1)
            for engine in (gsd.OpenAIEngine(config), gsd.LmdeployEngine(config))}
    assert len(keys) == 2


@pytest.mark.parametrize("argv, fragment", [
    (["--base-url", "localhost:8000"], "--base-url must start with http"),
    (["--concurrency", "0"], "--concurrency"),
    (["--request-timeout", "0"], "--request-timeout"),
])
def test_bad_server_flags(argv, fragment):
    with pytest.raises(gsd.SyntheticDataError, match=fragment):
        gsd.build_config(argv)

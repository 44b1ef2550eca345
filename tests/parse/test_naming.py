from __future__ import annotations

import pytest

from generator.parse.identifiers import assign_unique, guard, pascal_case, snake_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PhoneNumber", "phone_number"),
        ("MMS", "mms"),
        ("from", "from"),
        ("sendMessageRequest", "send_message_request"),
        ("DateSentBefore", "date_sent_before"),
        ("HTTPResponseCode", "http_response_code"),
        ("@odata.nextLink", "odata_next_link"),
        ("content-type", "content_type"),
        ("numberOf BasementFloors", "number_of_basement_floors"),
        ("$filter", "filter"),
        ("pqOptions.page", "pq_options_page"),
        ("Clustering job Id", "clustering_job_id"),
        ("0", "field_0"),
        ("1st", "field_1st"),
        ("", "field"),
        (
            "\ufb01le",
            "file",
        ),  # the "fi" ligature is "fi" after NFKC, as Python identifiers are
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name, fallback="field", prefix="field_") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Twilio", "Twilio"),
        ("AIForged.DAL.CategoryStatus", "AIForgedDALCategoryStatus"),
        ("appointment-incoming", "AppointmentIncoming"),
        ("401Error", "Model401Error"),
        ("..", "Model"),
    ],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name, fallback="Model", prefix="Model") == expected


@pytest.mark.parametrize(
    "name", ["class", "from", "None", "True", "self", "str", "list", "match", "type"]
)
def test_keywords_and_builtins_that_matter_get_a_trailing_underscore(name: str) -> None:
    assert guard(name) == name + "_"


def test_names_taken_by_the_generated_code_get_a_trailing_underscore() -> None:
    assert guard("to_dict", {"to_dict"}) == "to_dict_"
    assert guard("phone", {"to_dict"}) == "phone"


def test_collisions_get_stable_suffixes_whatever_the_input_order() -> None:
    pairs = [("fooBar", "foo_bar"), ("foo_bar", "foo_bar"), ("FooBar", "foo_bar")]
    expected = {"foo_bar": "foo_bar", "FooBar": "foo_bar_2", "fooBar": "foo_bar_3"}
    assert assign_unique(pairs) == expected
    assert assign_unique(list(reversed(pairs))) == expected


def test_explicit_names_win_and_taken_names_are_avoided() -> None:
    pairs = [("a", "x"), ("b", "x"), ("c", "used")]
    assert assign_unique(pairs, taken={"used"}, explicit={"b"}) == {
        "b": "x",
        "a": "x_2",
        "c": "used_2",
    }


def test_a_suffixed_name_never_steals_a_name_another_key_wants() -> None:
    pairs = [("k1", "a"), ("k2", "a"), ("k3", "a_2")]
    assert assign_unique(pairs) == {"k1": "a", "k3": "a_2", "k2": "a_3"}

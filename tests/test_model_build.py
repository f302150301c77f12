"""The model builder (``pictograph._model_build.build``): its short paths keep every rule of docs/wire-protocol.md §1.4.

The builder takes a value of the JSON type a field holds as it is and sends everything else through the
field's full check; these tests pin the behaviour on both sides of that split.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import attrs
import pytest

from pictograph import _model_build
from pictograph._model_build import build, build_list, read_page
from pictograph.errors import ServerError
from pictograph.models import Dataset, Export, Image, ImportJob


def wire_image(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "440ada92-fc6d-4ab2-adc0-d3a7399e5288",
        "dataset_id": "e4cd3a5d-030c-45ad-a1aa-8fa2e779d278",
        "filename": "a.jpg",
        "directory_path": "/train/images",
        "status": "complete",
        "split": "train",
        "annotation_count": 3,
        "file_size": 1234,
        "min_confidence": 0.5,
        "width": 640,
        "height": 480,
        "content_type": "image/jpeg",
        "tags": ["night"],
        "is_archived": False,
        "image_url": "https://api.test/images/440ada92",
        "thumbnail_url": None,
        "annotation_url": None,
        "created_at": "2026-01-02T03:04:05Z",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not _ABSENT}


_ABSENT = object()


def test_every_field_of_a_full_image_is_read() -> None:
    image = build(Image, wire_image())
    assert (image.id, image.filename, image.directory_path, image.status, image.split) == (
        "440ada92-fc6d-4ab2-adc0-d3a7399e5288", "a.jpg", "/train/images", "complete", "train")
    assert (image.annotation_count, image.file_size, image.min_confidence, image.width, image.height) == (
        3, 1234, 0.5, 640, 480)
    assert image.tags == ["night"] and image.is_archived is False and image.thumbnail_url is None
    assert image.created_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_the_built_image_equals_one_made_through_its_constructor() -> None:
    data = wire_image()
    built = build(Image, data)
    made = Image(
        id=data["id"], filename="a.jpg", created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dataset_id=data["dataset_id"], directory_path="/train/images", status="complete", split="train",
        annotation_count=3, file_size=1234, min_confidence=0.5, width=640, height=480, content_type="image/jpeg",
        tags=["night"], is_archived=False, image_url=data["image_url"],
    )
    assert built == made
    assert repr(built) == repr(made)


def test_an_unknown_status_or_split_is_kept_as_the_plain_string() -> None:
    image = build(Image, wire_image(status="in_progress", split="holdout"))
    assert image.status == "in_progress" and image.split == "holdout"


def test_unknown_fields_stay_in_to_dict_and_to_dict_is_the_wire_json() -> None:
    data = wire_image(future_field={"x": 1})
    image = build(Image, data)
    assert image.to_dict() == data
    assert not hasattr(image, "future_field")


def test_absent_fields_take_their_documented_defaults() -> None:
    image = build(Image, {"id": "i1", "filename": "a.jpg", "created_at": "2026-01-01T00:00:00Z"})
    assert (image.status, image.annotation_count, image.file_size, image.tags, image.is_archived) == (
        "new", 0, 0, [], False)
    assert image.dataset_id is None and image.width is None


def test_null_in_a_field_with_a_default_gives_the_default_and_null_in_an_optional_field_is_none() -> None:
    image = build(Image, wire_image(status=None, tags=None, annotation_count=None, width=None, split=None))
    assert (image.status, image.tags, image.annotation_count) == ("new", [], 0)
    assert image.width is None and image.split is None


@pytest.mark.parametrize("field", ["id", "filename", "created_at"])
def test_a_required_field_missing_or_null_is_a_server_error_naming_it(field: str) -> None:
    with pytest.raises(ServerError, match=f"Image: required field '{field}' is missing"):
        build(Image, wire_image(**{field: _ABSENT}))
    with pytest.raises(ServerError, match=f"Image: field '{field}' must not be null"):
        build(Image, wire_image(**{field: None}))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("width", "640", "expected an integer, got str"),
        ("width", True, "expected an integer, got True"),
        ("annotation_count", 1.5, "expected an integer, got float"),
        ("filename", 7, "expected a string, got int"),
        ("is_archived", 0, "expected a boolean, got int"),
        ("min_confidence", "low", "expected a number, got str"),
        ("tags", "night", "expected a list, got str"),
        ("tags", [1], r"Image.tags\[0\]: expected a string, got int"),
        ("created_at", "yesterday", "expected an ISO 8601 timestamp, got 'yesterday'"),
        ("created_at", 1700000000, "expected a timestamp, got int"),
    ],
)
def test_a_field_of_the_wrong_type_is_a_server_error_naming_model_and_field(
    field: str, value: Any, expected: str
) -> None:
    with pytest.raises(ServerError, match=expected) as caught:
        build(Image, wire_image(**{field: value}))
    assert f"Image.{field}" in str(caught.value)
    assert caught.value.status_code is None


def test_an_integer_in_a_number_field_is_kept_and_a_uuid_object_becomes_its_string() -> None:
    image_id = uuid.uuid4()
    image = build(Image, wire_image(min_confidence=1, id=image_id))
    assert image.min_confidence == 1 and isinstance(image.min_confidence, int)
    assert image.id == str(image_id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-02T03:04:05Z", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ("2026-01-02T03:04:05.250+02:00",
         dt.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ("2026-01-02T03:04:05", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ("2026-01-02", dt.datetime(2026, 1, 2, tzinfo=dt.UTC)),
    ],
)
def test_timestamps_are_read_as_iso_8601_and_a_zoneless_one_is_utc(text: str, expected: dt.datetime) -> None:
    created = build(Image, wire_image(created_at=text)).created_at
    assert created == expected and created.utcoffset() == expected.utcoffset()


def test_a_naive_datetime_object_is_read_as_utc_and_an_aware_one_kept() -> None:
    naive = build(Image, wire_image(created_at=dt.datetime(2026, 1, 2))).created_at
    assert naive.tzinfo is dt.UTC
    aware = dt.datetime(2026, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert build(Image, wire_image(created_at=aware)).created_at is aware


def test_a_built_model_is_immutable_and_does_not_share_lists_with_the_wire_json() -> None:
    data = wire_image(tags=["a"])
    image = build(Image, data)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        image.filename = "b.jpg"  # type: ignore[misc]
    assert image.tags == ["a"] and image.tags is not data["tags"]
    empty = build(Image, wire_image(tags=[]))
    assert empty.tags == [] and empty.tags is not build(Image, wire_image(tags=[])).tags


def test_item_access_reads_fields_aliases_and_properties() -> None:
    image = build(Image, wire_image())
    assert image["filename"] == "a.jpg" and image["image_id"] == image.id
    assert image.image_path == "train/images/a.jpg"
    with pytest.raises(KeyError):
        image["future_field"]


def test_fallback_wire_names_are_read_when_the_main_one_is_absent_or_null() -> None:
    base = {"id": "e1", "dataset_name": "cars", "name": "e", "format": "coco", "status": "completed",
            "created_at": "2026-01-01T00:00:00Z"}
    assert build(Export, {**base, "project_id": "p1"}).dataset_id == "p1"
    assert build(Export, {**base, "dataset_id": None, "project_id": "p1"}).dataset_id == "p1"
    assert build(Export, {**base, "dataset_id": "d1", "project_id": "p1"}).dataset_id == "d1"


def test_a_model_with_a_converter_still_runs_it() -> None:
    job = build(ImportJob, {"status": "processing", "job": "j1", "progress": 250})
    assert job.progress == 100 and job.import_id == "j1"


def test_nested_models_are_built_and_checked() -> None:
    data = {"id": "d1", "name": "cars", "created_at": "2026-01-01T00:00:00Z",
            "classes": [{"name": "car", "color": "#ff0000"}], "images": [wire_image()]}
    dataset = build(Dataset, data)
    assert dataset.classes[0].name == "car" and dataset.images is not None
    assert dataset.images[0].filename == "a.jpg"
    with pytest.raises(ServerError, match=r"Dataset.classes\[0\]: required field 'name' is missing"):
        build(Dataset, {**data, "classes": [{"color": "#ff0000"}]})


def test_a_bad_item_of_a_list_is_named_by_its_index() -> None:
    items = [wire_image(), wire_image(), wire_image(width="wide")]
    with pytest.raises(ServerError, match=r"Image\[2\]\.width: expected an integer"):
        build_list(Image, items)
    with pytest.raises(ServerError, match=r"Image\[1\]: expected an object, got str"):
        build_list(Image, [wire_image(), "not an image"])
    with pytest.raises(ServerError, match="Image list: expected a list, got dict"):
        build_list(Image, {"id": "x"})


def test_read_page_gives_the_items_and_has_more() -> None:
    import json

    body = json.dumps({"data": [wire_image(), wire_image(filename="b.jpg")], "pagination": {"has_more": True}})
    items, has_more = read_page(200, body.encode(), Image)
    assert [i.filename for i in items] == ["a.jpg", "b.jpg"] and has_more is True


@pytest.mark.parametrize("fast", [True, False], ids=["orjson-if-installed", "stdlib"])
def test_a_page_decodes_alike_with_or_without_the_fast_decoder(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fast:
        monkeypatch.setattr(_model_build, "_FAST_LOADS", [None])
    # NaN and a lone surrogate are refused by orjson and read by the standard library: the page still parses.
    body = (
        b'{"data": [{"id": "i1", "filename": "\\ud800.jpg", "created_at": "2026-01-01T00:00:00Z", '
        b'"min_confidence": NaN}], "pagination": {"has_more": false}}'
    )
    (item,), has_more = read_page(200, body, Image)
    assert item.filename == "\ud800.jpg" and item.min_confidence != item.min_confidence and has_more is False
    with pytest.raises(ServerError, match="Image list: expected a list, got NoneType"):
        read_page(200, b"  ", Image)
    with pytest.raises(ServerError, match="body that is not JSON"):
        read_page(200, b"<html>busy</html>", Image)

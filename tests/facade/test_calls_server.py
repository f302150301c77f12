"""Every public call of docs/wire-protocol.md §8 (except transfers), sync and async, against the local server seeded with ``demo``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pictograph import (
    AnnotationDeleteResult,
    ApiError,
    BBoxAnnotation,
    BulkSaveResult,
    ConflictError,
    CreditBalance,
    Dataset,
    DatasetDeleteSummary,
    Export,
    ExportStatus,
    Image,
    ImportJob,
    LimitCheckResult,
    NotFoundError,
    Organization,
    PolygonAnnotation,
    SaveResult,
    ValidationError,
    ValidationResult,
)

from .conftest import make_client

MockServer = pytest.importorskip("pictograph.testing").MockServer
V7_KEY = "v7_demo_key"


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with MockServer(seed="demo") as running:
        yield running


@pytest.fixture
def client(server: Any, front: str) -> Iterator[Any]:
    made = make_client(front, base_url=server.url, api_key=server.api_key)
    try:
        yield made
    finally:
        made.close()


def test_datasets_list_iter_get_and_get_by_id(client: Any) -> None:
    listed = client.datasets.list(limit=100)
    names = {d.name for d in listed}
    assert {"road-scenes", "people-poses"} <= names
    assert all(isinstance(d, Dataset) for d in listed)
    assert [d.name for d in client.datasets.iter(page_size=1)] == [d.name for d in listed]
    assert len(client.datasets.iter(page_size=1, max_total=1).all()) == 1
    road = client.datasets.get("road-scenes", include_images=True, images_limit=5)
    assert road.image_count == 30 and road["image_count"] == 30
    assert road.images is not None and len(road.images) == 5
    assert client.datasets.get("road-scenes").images is None
    assert client.datasets.get_by_id(road.id).name == "road-scenes"


def test_list_images_pages_through_everything_with_filters(client: Any) -> None:
    everything = client.datasets.list_images("road-scenes")
    assert len(everything) == 30 and all(isinstance(i, Image) for i in everything)
    assert len({i.id for i in everything}) == 30
    assert [i.id for i in client.datasets.list_images("road-scenes", limit=7, offset=3)] == [
        i.id for i in everything[3:10]
    ]
    folder = everything[0].directory_path
    assert folder
    in_folder = client.datasets.list_images("road-scenes", directory_path=folder + "/")
    assert in_folder and all(i.directory_path == folder for i in in_folder)
    complete = client.datasets.list_images("road-scenes", status="complete")
    assert all(i.status == "complete" for i in complete)


def test_a_missing_dataset_is_named_with_a_suggestion(client: Any) -> None:
    with pytest.raises(NotFoundError, match=r"'road-scene'.*did you mean 'road-scenes'"):
        client.datasets.get("road-scene")
    with pytest.raises(NotFoundError, match="did you mean 'road-scenes'"):
        client.datasets.list_images("Road-Scenes")


def test_projects_create_update_delete(client: Any, front: str) -> None:
    name = f"facade-{front}"
    created = client.projects.create(name, description="d1", annotation_types=["bbox", "polygon"],
                                      classes=[{"name": "car"}, {"name": "truck", "color": "#00ff00"}])
    assert created.name == name and [c.name for c in created.classes] == ["car", "truck"]
    assert all(c.color for c in created.classes)
    with pytest.raises(ConflictError):
        client.datasets.create(name)
    updated = client.projects.update(name, new_name=name + "-2", description="d2")
    assert (updated.name, updated.description) == (name + "-2", "d2")
    summary = client.projects.delete(name + "-2")
    assert isinstance(summary, DatasetDeleteSummary) and summary.deleted is True
    with pytest.raises(NotFoundError):
        client.datasets.get(name + "-2")


def test_images_get_bytes_and_delete(client: Any, front: str) -> None:
    images = client.datasets.list_images("people-poses")
    first, second = images[0], images[1]
    got = client.images.get(first.id)
    assert got == first and got["image_id"] == first.id
    data = client.images.get_bytes(first.id)
    assert data[:2] == b"\xff\xd8"  # a JPEG
    index = 2 if front == "sync" else 3
    client.images.delete(images[index].id)
    assert client.images.get(images[index].id).is_archived is True
    client.images.delete_by_path("people-poses", second.image_path)
    assert client.images.get(second.id).is_archived is True
    with pytest.raises(NotFoundError, match="not found in dataset 'people-poses'"):
        client.images.delete_by_path("people-poses", "no/such.jpg")


def test_annotations_get_save_delete_by_id_and_by_path(client: Any, front: str) -> None:
    image = client.datasets.list_images("road-scenes")[4 if front == "sync" else 5]
    before = client.annotations.get(image.id)
    assert before and before == client.annotations.get_by_path("road-scenes", image.image_path)
    name = before[0].name
    result = client.annotations.save(image.id, [
        {"id": "s1", "name": name, "type": "bbox", "bbox": [10, 20, 30, 40], "metadata": {"k": 1}},
        client.annotations.create_polygon("s2", name, [[0, 0], [10, 0], [10, 10]]),
    ])
    assert isinstance(result, SaveResult)
    assert (result.image_id, result.previous_count, result.new_count) == (image.id, len(before), 2)
    after = client.annotations.get(image.id)
    assert isinstance(after[0], BBoxAnnotation) and after[0].bbox == [10, 20, 30, 40]
    assert after[0].attributes == {"k": 1} and after[0]["bbox"] == [10, 20, 30, 40]
    assert isinstance(after[1], PolygonAnnotation) and after[1].bounding_box is not None
    again = client.annotations.save_by_path("road-scenes", image.image_path, before)
    assert again.new_count == len(before)
    deleted = client.annotations.delete(image.id)
    assert isinstance(deleted, AnnotationDeleteResult) and deleted.deleted_count == len(before)
    assert deleted.image_id == image.id
    assert client.annotations.get(image.id) == []
    assert client.annotations.delete_by_path("road-scenes", image.image_path).deleted_count == 0


def test_annotations_save_bulk_reports_saved_and_failed(client: Any, front: str) -> None:
    images = client.datasets.list_images("road-scenes")[10:12] if front == "sync" else \
        client.datasets.list_images("road-scenes")[12:14]
    name = client.datasets.get("road-scenes").classes[0].name
    result = client.annotations.save_bulk({
        images[0].id: [{"name": name, "type": "bbox", "bbox": [1, 1, 5, 5]}],
        images[1].id: [],
        "00000000-0000-4000-8000-000000000000": [],
    })
    assert isinstance(result, BulkSaveResult)
    assert sorted(s.image_id for s in result.saved) == sorted(i.id for i in images)
    assert [f.image_id for f in result.failed] == ["00000000-0000-4000-8000-000000000000"]


def test_annotation_input_errors_are_raised_before_sending(client: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        client.annotations.save_by_path("road-scenes", "x.jpg", [
            {"name": "car", "type": "bbox", "bounding_box": {"x": 0, "y": 0, "w": 0, "h": 5}}])
    assert caught.value.status_code is None
    assert caught.value.field_errors[0]["loc"] == ["annotations", 0, "bounding_box", "w"]


def test_exports_create_list_iter_get_wait_delete(client: Any, front: str) -> None:
    name = f"facade-export-{front}"
    pending = client.exports.create("road-scenes", name, format="coco", wait=False)
    assert isinstance(pending, Export) and pending.status in ("pending", "processing", "completed")
    assert pending.include_images is True and pending.status_filter == "complete"
    done = client.exports.wait_for_completion("road-scenes", name, poll_interval=0.01, timeout=30)
    assert done.status == ExportStatus.COMPLETED and done.format == "coco"
    assert client.exports.get("road-scenes", name).id == done.id
    listed = client.exports.list(dataset_name="road-scenes", limit=100)
    assert name in {e.name for e in listed}
    assert {e.name for e in client.exports.iter(page_size=1, dataset_name="road-scenes")} == {e.name for e in listed}
    waited = client.exports.create("road-scenes", name + "-w", include_images=False, status_filter=None,
                                   poll_interval=0.01, timeout=30)
    assert waited.status == "completed" and waited.include_images is False
    client.exports.delete("road-scenes", name)
    with pytest.raises(NotFoundError, match=f"export '{name}'"):
        client.exports.get("road-scenes", name)
    client.exports.delete("road-scenes", name + "-w")


def test_connectors_validate_check_import_get_wait(client: Any) -> None:
    bad = client.connectors.validate(provider="v7", api_key="wrong")
    assert isinstance(bad, ValidationResult) and bad.valid is False and bad.error
    good = client.connectors.validate(provider="v7", api_key=V7_KEY)
    assert good.valid and good.datasets
    check = client.connectors.check_limits(total_images=10, estimated_size_bytes=1000)
    assert isinstance(check, LimitCheckResult) and check.allowed is True and check.exceeded is None
    started = client.connectors.import_("v7", V7_KEY, good.datasets[:1], wait=False)
    assert isinstance(started, ImportJob) and started.status == "processing" and started.datasets == []
    job = client.connectors.wait_for_import(started.import_id, poll_interval=0.01, timeout=60)
    assert job.status in ("completed", "cancelled") and job.import_id == started.import_id
    assert client.connectors.get_import(started.import_id).status == job.status
    if job.status == "completed":
        (progress,) = job.datasets
        assert progress.dataset_name and progress.images_imported == progress.imported
        assert progress.total_images == good.datasets[0].image_count
    with pytest.raises(ConflictError):  # the server refuses to cancel a finished import
        client.connectors.cancel_import(started.import_id)
    fresh = client.connectors.import_("v7", V7_KEY, good.datasets[:1], wait=False)
    try:
        cancelled = client.connectors.cancel_import(fresh.import_id)
    except ConflictError:  # it finished before the cancel arrived
        return
    assert isinstance(cancelled, ImportJob) and cancelled.import_id == fresh.import_id
    assert cancelled.status in ("cancelled", "completed")
    with pytest.raises(NotFoundError):
        client.connectors.get_import("imp_missing")


def test_connectors_reject_bad_provider_and_empty_datasets_locally(client: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        client.connectors.import_("labelbox", V7_KEY, [{"id": 1, "name": "a", "slug": "a"}])
    assert caught.value.status_code is None
    with pytest.raises(ValidationError, match="empty"):
        client.connectors.import_("v7", V7_KEY, [])


def test_organization_and_credits(client: Any) -> None:
    org = client.organizations.me()
    assert isinstance(org, Organization) and org.name and org.subscription_tier == "pro"
    balance = client.credits.balance()
    assert isinstance(balance, CreditBalance) and balance.included_allowance_micro_usd >= 0
    assert all(entry.created_at.tzinfo is not None for entry in balance.recent_history)


def test_the_key_never_shows_in_reprs(client: Any, server: Any) -> None:
    assert server.api_key not in repr(client)
    assert server.api_key not in repr(client.datasets) + repr(client._transport)
    assert server.api_key not in repr(client._config) + str(client._config)


def test_a_job_failure_surfaces_as_api_error_type() -> None:
    assert issubclass(ValidationError, ApiError)

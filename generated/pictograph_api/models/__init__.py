"""The data models of the Pictograph developer API, imported on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .annotation_attributes_type_0 import AnnotationAttributesType0
    from .annotation_delete_result import AnnotationDeleteResult
    from .annotation_list import AnnotationList
    from .annotation_save_request import AnnotationSaveRequest
    from .annotation_type_name import AnnotationTypeName
    from .attribute_entry_type_0 import AttributeEntryType0
    from .attribute_entry_type_1_item_type_3 import AttributeEntryType1ItemType3
    from .b_box_annotation import BBoxAnnotation
    from .bounding_box import BoundingBox
    from .bulk_register_request import BulkRegisterRequest
    from .bulk_register_result import BulkRegisterResult
    from .bulk_register_result_envelope import BulkRegisterResultEnvelope
    from .bulk_save_failure import BulkSaveFailure
    from .bulk_save_item import BulkSaveItem
    from .bulk_save_request import BulkSaveRequest
    from .bulk_save_result import BulkSaveResult
    from .bulk_upload_url_request import BulkUploadUrlRequest
    from .bulk_upload_urls import BulkUploadUrls
    from .bulk_upload_urls_envelope import BulkUploadUrlsEnvelope
    from .class_attribute import ClassAttribute
    from .class_attribute_type import ClassAttributeType
    from .connector_credentials import ConnectorCredentials
    from .connector_provider import ConnectorProvider
    from .credit_balance import CreditBalance
    from .credit_history_entry import CreditHistoryEntry
    from .credit_history_entry_metadata_type_0 import CreditHistoryEntryMetadataType0
    from .dataset import Dataset
    from .dataset_class import DatasetClass
    from .dataset_class_input import DatasetClassInput
    from .dataset_create import DatasetCreate
    from .dataset_delete_summary import DatasetDeleteSummary
    from .dataset_delete_summary_envelope import DatasetDeleteSummaryEnvelope
    from .dataset_envelope import DatasetEnvelope
    from .dataset_import_progress import DatasetImportProgress
    from .dataset_import_status import DatasetImportStatus
    from .dataset_list import DatasetList
    from .dataset_update import DatasetUpdate
    from .download_item import DownloadItem
    from .download_listing import DownloadListing
    from .download_listing_envelope import DownloadListingEnvelope
    from .download_mode import DownloadMode
    from .error_info import ErrorInfo
    from .error_info_details import ErrorInfoDetails
    from .error_response import ErrorResponse
    from .error_response_detail_type_2 import ErrorResponseDetailType2
    from .export import Export
    from .export_create import ExportCreate
    from .export_download_url import ExportDownloadUrl
    from .export_download_url_envelope import ExportDownloadUrlEnvelope
    from .export_envelope import ExportEnvelope
    from .export_format import ExportFormat
    from .export_list import ExportList
    from .export_status import ExportStatus
    from .export_status_filter import ExportStatusFilter
    from .field_error import FieldError
    from .image import Image
    from .image_envelope import ImageEnvelope
    from .image_list import ImageList
    from .image_split import ImageSplit
    from .image_status import ImageStatus
    from .import_cancelled import ImportCancelled
    from .import_job import ImportJob
    from .import_start_request import ImportStartRequest
    from .import_started import ImportStarted
    from .import_started_datasets_item import ImportStartedDatasetsItem
    from .import_status import ImportStatus
    from .keypoint_annotation import KeypointAnnotation
    from .limit_check_request import LimitCheckRequest
    from .limit_check_result import LimitCheckResult
    from .limit_exceeded import LimitExceeded
    from .organization import Organization
    from .organization_envelope import OrganizationEnvelope
    from .oriented_box import OrientedBox
    from .pagination import Pagination
    from .point import Point
    from .polygon_annotation import PolygonAnnotation
    from .polygon_geometry import PolygonGeometry
    from .polyline_annotation import PolylineAnnotation
    from .polyline_geometry import PolylineGeometry
    from .register_failure import RegisterFailure
    from .register_item import RegisterItem
    from .register_request import RegisterRequest
    from .remote_dataset import RemoteDataset
    from .remote_dataset_ref import RemoteDatasetRef
    from .save_result import SaveResult
    from .skeleton_node import SkeletonNode
    from .skeleton_template import SkeletonTemplate
    from .subscription_tier import SubscriptionTier
    from .upload_url import UploadUrl
    from .upload_url_envelope import UploadUrlEnvelope
    from .upload_url_item import UploadUrlItem
    from .upload_url_request import UploadUrlRequest
    from .validation_result import ValidationResult

_MODULES: dict[str, str] = {
    "AnnotationAttributesType0": ".annotation_attributes_type_0",
    "AnnotationDeleteResult": ".annotation_delete_result",
    "AnnotationList": ".annotation_list",
    "AnnotationSaveRequest": ".annotation_save_request",
    "AnnotationTypeName": ".annotation_type_name",
    "AttributeEntryType0": ".attribute_entry_type_0",
    "AttributeEntryType1ItemType3": ".attribute_entry_type_1_item_type_3",
    "BBoxAnnotation": ".b_box_annotation",
    "BoundingBox": ".bounding_box",
    "BulkRegisterRequest": ".bulk_register_request",
    "BulkRegisterResult": ".bulk_register_result",
    "BulkRegisterResultEnvelope": ".bulk_register_result_envelope",
    "BulkSaveFailure": ".bulk_save_failure",
    "BulkSaveItem": ".bulk_save_item",
    "BulkSaveRequest": ".bulk_save_request",
    "BulkSaveResult": ".bulk_save_result",
    "BulkUploadUrlRequest": ".bulk_upload_url_request",
    "BulkUploadUrls": ".bulk_upload_urls",
    "BulkUploadUrlsEnvelope": ".bulk_upload_urls_envelope",
    "ClassAttribute": ".class_attribute",
    "ClassAttributeType": ".class_attribute_type",
    "ConnectorCredentials": ".connector_credentials",
    "ConnectorProvider": ".connector_provider",
    "CreditBalance": ".credit_balance",
    "CreditHistoryEntry": ".credit_history_entry",
    "CreditHistoryEntryMetadataType0": ".credit_history_entry_metadata_type_0",
    "Dataset": ".dataset",
    "DatasetClass": ".dataset_class",
    "DatasetClassInput": ".dataset_class_input",
    "DatasetCreate": ".dataset_create",
    "DatasetDeleteSummary": ".dataset_delete_summary",
    "DatasetDeleteSummaryEnvelope": ".dataset_delete_summary_envelope",
    "DatasetEnvelope": ".dataset_envelope",
    "DatasetImportProgress": ".dataset_import_progress",
    "DatasetImportStatus": ".dataset_import_status",
    "DatasetList": ".dataset_list",
    "DatasetUpdate": ".dataset_update",
    "DownloadItem": ".download_item",
    "DownloadListing": ".download_listing",
    "DownloadListingEnvelope": ".download_listing_envelope",
    "DownloadMode": ".download_mode",
    "ErrorInfo": ".error_info",
    "ErrorInfoDetails": ".error_info_details",
    "ErrorResponse": ".error_response",
    "ErrorResponseDetailType2": ".error_response_detail_type_2",
    "Export": ".export",
    "ExportCreate": ".export_create",
    "ExportDownloadUrl": ".export_download_url",
    "ExportDownloadUrlEnvelope": ".export_download_url_envelope",
    "ExportEnvelope": ".export_envelope",
    "ExportFormat": ".export_format",
    "ExportList": ".export_list",
    "ExportStatus": ".export_status",
    "ExportStatusFilter": ".export_status_filter",
    "FieldError": ".field_error",
    "Image": ".image",
    "ImageEnvelope": ".image_envelope",
    "ImageList": ".image_list",
    "ImageSplit": ".image_split",
    "ImageStatus": ".image_status",
    "ImportCancelled": ".import_cancelled",
    "ImportJob": ".import_job",
    "ImportStartRequest": ".import_start_request",
    "ImportStarted": ".import_started",
    "ImportStartedDatasetsItem": ".import_started_datasets_item",
    "ImportStatus": ".import_status",
    "KeypointAnnotation": ".keypoint_annotation",
    "LimitCheckRequest": ".limit_check_request",
    "LimitCheckResult": ".limit_check_result",
    "LimitExceeded": ".limit_exceeded",
    "Organization": ".organization",
    "OrganizationEnvelope": ".organization_envelope",
    "OrientedBox": ".oriented_box",
    "Pagination": ".pagination",
    "Point": ".point",
    "PolygonAnnotation": ".polygon_annotation",
    "PolygonGeometry": ".polygon_geometry",
    "PolylineAnnotation": ".polyline_annotation",
    "PolylineGeometry": ".polyline_geometry",
    "RegisterFailure": ".register_failure",
    "RegisterItem": ".register_item",
    "RegisterRequest": ".register_request",
    "RemoteDataset": ".remote_dataset",
    "RemoteDatasetRef": ".remote_dataset_ref",
    "SaveResult": ".save_result",
    "SkeletonNode": ".skeleton_node",
    "SkeletonTemplate": ".skeleton_template",
    "SubscriptionTier": ".subscription_tier",
    "UploadUrl": ".upload_url",
    "UploadUrlEnvelope": ".upload_url_envelope",
    "UploadUrlItem": ".upload_url_item",
    "UploadUrlRequest": ".upload_url_request",
    "ValidationResult": ".validation_result",
}

__all__ = (
    "AnnotationAttributesType0",
    "AnnotationDeleteResult",
    "AnnotationList",
    "AnnotationSaveRequest",
    "AnnotationTypeName",
    "AttributeEntryType0",
    "AttributeEntryType1ItemType3",
    "BBoxAnnotation",
    "BoundingBox",
    "BulkRegisterRequest",
    "BulkRegisterResult",
    "BulkRegisterResultEnvelope",
    "BulkSaveFailure",
    "BulkSaveItem",
    "BulkSaveRequest",
    "BulkSaveResult",
    "BulkUploadUrlRequest",
    "BulkUploadUrls",
    "BulkUploadUrlsEnvelope",
    "ClassAttribute",
    "ClassAttributeType",
    "ConnectorCredentials",
    "ConnectorProvider",
    "CreditBalance",
    "CreditHistoryEntry",
    "CreditHistoryEntryMetadataType0",
    "Dataset",
    "DatasetClass",
    "DatasetClassInput",
    "DatasetCreate",
    "DatasetDeleteSummary",
    "DatasetDeleteSummaryEnvelope",
    "DatasetEnvelope",
    "DatasetImportProgress",
    "DatasetImportStatus",
    "DatasetList",
    "DatasetUpdate",
    "DownloadItem",
    "DownloadListing",
    "DownloadListingEnvelope",
    "DownloadMode",
    "ErrorInfo",
    "ErrorInfoDetails",
    "ErrorResponse",
    "ErrorResponseDetailType2",
    "Export",
    "ExportCreate",
    "ExportDownloadUrl",
    "ExportDownloadUrlEnvelope",
    "ExportEnvelope",
    "ExportFormat",
    "ExportList",
    "ExportStatus",
    "ExportStatusFilter",
    "FieldError",
    "Image",
    "ImageEnvelope",
    "ImageList",
    "ImageSplit",
    "ImageStatus",
    "ImportCancelled",
    "ImportJob",
    "ImportStarted",
    "ImportStartedDatasetsItem",
    "ImportStartRequest",
    "ImportStatus",
    "KeypointAnnotation",
    "LimitCheckRequest",
    "LimitCheckResult",
    "LimitExceeded",
    "Organization",
    "OrganizationEnvelope",
    "OrientedBox",
    "Pagination",
    "Point",
    "PolygonAnnotation",
    "PolygonGeometry",
    "PolylineAnnotation",
    "PolylineGeometry",
    "RegisterFailure",
    "RegisterItem",
    "RegisterRequest",
    "RemoteDataset",
    "RemoteDatasetRef",
    "SaveResult",
    "SkeletonNode",
    "SkeletonTemplate",
    "SubscriptionTier",
    "UploadUrl",
    "UploadUrlEnvelope",
    "UploadUrlItem",
    "UploadUrlRequest",
    "ValidationResult",
)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)

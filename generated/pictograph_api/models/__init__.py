"""Contains all the data models used in inputs/outputs"""

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

"""xmodal.datasets: GDSR datasets, the D2A2/DCTNet synthetic protocol and transforms."""

from .base_gdsr import BaseGDSRDataset, default_test_pipeline, default_train_pipeline
from .dada_dataset import DADATileDataset
from .dada_protocol import DADA_DEPTH_STD_MM
from .dada_transforms import MakeLRDepthDADA, PackDADAInputs
from .folder_pair import FolderPairGDSRDataset, LuDataset, MiddleburyDataset, RGBDDDataset
from .ivif import IVIFDataset, PackIVIFInputs, RandomCropIVIF, RandomFlipIVIF, resolve_ivif_root
from .nyuv2 import NYUv2Dataset
from .pairing import find_subdir, image_id, list_by_id, match_ids
from .paths import resolve_data_root, resolve_gdsr_root
from .protocol import (
    SUPPORTED_SCALES,
    check_scale,
    make_lr_bicubic,
    minmax_denormalise,
    minmax_normalise,
    mod_crop,
    resize_bicubic_pil,
    upsample_bicubic_pil,
)
from .refsr import CropRefSR, MakeLRBicubicRGB, PackRefSRInputs, RefSRDataset, resolve_refsr_root
from .rgbdd_split import RGBDDSplitDataset
from .train_transforms import DegradeLRDepth, RandomHardCropPair, bicubic_miss
from .transforms import (
    MakeLRDepth,
    MakeRealLRDepth,
    ModCrop,
    PackGDSRInputs,
    RandomCropPair,
    RandomFlipTranspose,
)

__all__ = [
    "BaseGDSRDataset", "FolderPairGDSRDataset", "MiddleburyDataset", "LuDataset",
    "RGBDDDataset", "RGBDDSplitDataset", "RandomHardCropPair", "DegradeLRDepth",
    "bicubic_miss", "NYUv2Dataset", "default_test_pipeline", "default_train_pipeline",
    "resolve_data_root", "resolve_gdsr_root", "SUPPORTED_SCALES", "check_scale", "mod_crop",
    "make_lr_bicubic",
    "minmax_normalise", "minmax_denormalise", "upsample_bicubic_pil", "resize_bicubic_pil",
    "ModCrop", "RandomCropPair", "MakeLRDepth", "MakeRealLRDepth", "RandomFlipTranspose",
    "PackGDSRInputs", "find_subdir", "image_id", "list_by_id", "match_ids",
    "DADA_DEPTH_STD_MM", "DADATileDataset", "MakeLRDepthDADA", "PackDADAInputs",
    "IVIFDataset", "RandomCropIVIF", "RandomFlipIVIF", "PackIVIFInputs", "resolve_ivif_root",
    "RefSRDataset", "CropRefSR", "MakeLRBicubicRGB", "PackRefSRInputs", "resolve_refsr_root",
]

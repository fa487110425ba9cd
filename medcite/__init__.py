"""medcite: cited, guideline-first health answers from a library you choose."""

from .errors import MedciteError, NotFound
from .models import EvidenceType, Hit, IngestReport, ParsedDocument, Passage, Section, Source
from .service import Medcite
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "EvidenceType",
    "Hit",
    "IngestReport",
    "Medcite",
    "MedciteError",
    "NotFound",
    "ParsedDocument",
    "Passage",
    "Section",
    "Settings",
    "Source",
    "__version__",
]

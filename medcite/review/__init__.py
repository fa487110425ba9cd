"""Editorial review: accounts and roles, the article workflow, the audit log."""

from .accounts import Accounts, PermissionDenied, require
from .workflow import ACTIONS, Editorial, InvalidTransition, article_text

__all__ = ["ACTIONS", "Accounts", "Editorial", "InvalidTransition", "PermissionDenied",
           "article_text", "require"]

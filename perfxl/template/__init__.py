"""Form templates: the 自评表 layout as an Excel file with ``{{ field }}`` placeholders (no expressions)."""

from perfxl.template.fields import FIELDS, Field, Kind
from perfxl.template.loader import FormTemplate, TemplateCell, load_template

__all__ = ["FIELDS", "Field", "FormTemplate", "Kind", "TemplateCell", "load_template"]

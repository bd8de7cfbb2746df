"""Form templates: the 自评表 layout as an Excel file with ``{{ field }}`` placeholders (no expressions).

The field vocabulary a template uses is the form contract's (perfxl.contract.fields)."""

from perfxl.form_template.loader import FormTemplate, TemplateCell, load_template

__all__ = ["FormTemplate", "TemplateCell", "load_template"]

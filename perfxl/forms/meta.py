"""Where a generated workbook keeps its metadata: the hidden sheet, its names and its format tag.

Shared by the generator that writes it and the reader that recognises a returned form by it.
"""

SHEET = "perfxl"
FORMAT = "perfxl-form/1"
PROFILE_NAME = "PERFXL_PROFILE"
META_NAME = "PERFXL_META"
TABLE_NAME = "PERFXL_META_INDICATORS"
TABLE_HEADER = ("工作表", "项目名称", "序号", "一级指标", "二级指标", "三级指标", "年度指标值", "分值")
PROFILE_ROW = 8  # 1-based row of the profile JSON in column B
XLWINGS_VERSION_KEY = "xlwings 版本"  # settings row of udf forms: the xlwings their VBA project declares

"""perfxl: 财政项目支出绩效自评表 that compute and check themselves."""

__version__ = "0.1.0"

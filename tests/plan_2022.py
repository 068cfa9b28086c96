"""The 2022 plan's published figures (plan-2022.md and the seed report), typed once for the
tests: CI need not have ../shared beside the clone."""

# plan-2022.md, typed here: code, report wording, projects, total 亿元, 2022 plan 亿元.
CATEGORY_TABLE = [
    ("industry", "重大产业项目", 65, "326.2", "75.9"),
    ("rural", "重大乡村振兴项目", 18, "84.4", "11.0"),
    ("urban", "重大城市提升项目", 48, "125.9", "41.8"),
    ("ecology", "重大生态项目", 7, "12.5", "2.3"),
    ("livelihood", "重大民生项目", 15, "34.7", "13.0"),
    ("regional", "重大区域协调发展项目", 12, "570.8", "78.0"),
]
TOTAL = {"projects": 165, "total": "1154.5", "annual": "222.0", "government": "503.1", "social": "651.4"}


# The seed report, 二（三）重大项目安排, typed here (CI need not have the seed beside the clone).
REPORT_PARAGRAPH = (
    "2022年实施县级重大项目165个，总投资1154.5亿元。年度计划完成投资222亿元，其中：政府性投资503.1亿元，"
    "占比43.6%，社会性投资651.4亿元，占比56.4%。项目分六类安排：重大产业项目65个，总投资326.2亿元，"
    "年度计划投资75.9亿元；重大乡村振兴项目18个，总投资84.4亿元，年度计划投资11亿元；重大城市提升项目48个，"
    "总投资125.9亿元，年度计划投资41.8亿元；重大生态项目7个，总投资12.5亿元，年度计划投资2.3亿元；"
    "重大民生项目15个，总投资34.7亿元，年度计划投资13亿元；重大区域协调发展项目12个，总投资570.8亿元，"
    "年度计划投资78亿元。"
)

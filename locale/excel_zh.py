"""Chinese for the strings of the Excel schedules (portfolio/excel, projects/bulk.py); run after
makemessages to fill them into locale/zh_Hans/LC_MESSAGES/django.po."""

import re
import sys

ZH = {
    "Your role may not import schedules.": "您的角色不能导入报表。",
    "Your role may not change the project plan.": "您的角色不能修改项目计划。",
    "No sheet of this workbook has a project plan or a monthly dispatch header (项目代码, 项目名称, …).":
        "此工作簿中没有任何工作表带有项目计划表或月度调度表的表头（项目代码、项目名称等）。",
    "The project code is missing.": "缺少项目代码。",
    "Unknown category; use one of: %(names)s.": "无法识别的项目类别，请使用：%(names)s。",
    "The category is missing: add a 项目类别 column or put the row under its category line.":
        "缺少项目类别：请增加“项目类别”列，或将该行放在所属类别行之下。",
    "Unknown stage; use one of: %(names)s.": "无法识别的建设性质，请使用：%(names)s。",
    "Unknown responsible unit; use one of the units set up in the system.": "无法识别的责任单位，请使用系统中已有的单位名称。",
    "This project code already appears in row %(row)s of this file.": "此项目代码已在本文件第%(row)s行出现。",
    "The reporting month is missing: add a 填报月份 column, write it in the title (e.g. 2022年1-9月), or choose the month.":
        "缺少填报月份：请增加“填报月份”列，或在标题中写明（如“2022年1-9月”），或在导入时选择月份。",
    "There is no plan year %(year)s in the system.": "系统中没有%(year)s年度计划。",
    "This sheet holds formulas in cells that cannot be located; paste the values and import again.":
        "此工作表含有无法定位的公式单元格，请粘贴为数值后重新导入。",
    "Imported from %(file)s": "从%(file)s导入",
    "This is not a number.": "这不是数字。",
    "An amount cannot be negative.": "金额不能为负数。",
    "This is not a percent (write 58, 0.58 or 58%).": "这不是百分比（请填写58、0.58或58%）。",
    "A percent must be between 0 and 100.": "百分比必须在0到100之间。",
    "This is not a month (write 2022-03, 2022.03, 2022年3月 or a date).":
        "这不是月份（请填写2022-03、2022.03、2022年3月或日期）。",
    "This is not a construction period (write 2021-2024).": "这不是建设起止年限（请填写如2021-2024）。",
    "This cell holds a formula; paste the values (Paste Special → Values) and import again.":
        "此单元格是公式，请“选择性粘贴 → 数值”后重新导入。",
    "This value is required.": "此项必填。",
    "This text is longer than %(n)s characters.": "文字超过%(n)s个字符。",
    "sheet %(s)s": "工作表“%(s)s”",
    "row %(r)s": "第%(r)s行",
    "column %(c)s": "列%(c)s",
    "value “%(v)s”": "值“%(v)s”",
    "The file is empty.": "文件是空的。",
    "The file is larger than %(mb)s MB; split it or remove what is not needed.":
        "文件超过%(mb)s MB，请拆分文件或删除不需要的内容。",
    "Only .xlsx, .xls and .ods workbooks can be imported.": "只能导入 .xlsx、.xls 和 .ods 工作簿。",
    "This is a text (CSV) file, not an Excel workbook; open it in Excel or WPS and save it as .xlsx.":
        "这是文本（CSV）文件，不是Excel工作簿；请用Excel或WPS打开后另存为 .xlsx。",
    "This is an old Excel 97-2003 (.xls) workbook with a %(ext)s name; save it as .xlsx in Excel or WPS, or upload it with its .xls name.":
        "这是旧版Excel 97-2003（.xls）工作簿，却以%(ext)s命名；请用Excel或WPS另存为 .xlsx，或以 .xls 文件名上传。",
    "This file is not an Excel or WPS workbook.": "此文件不是Excel或WPS工作簿。",
    "The file is damaged or incomplete (perhaps the upload or download was cut short); save it again.":
        "文件已损坏或不完整（可能上传或下载中断），请重新保存后再导入。",
    "The workbook is password-protected; remove the password (File → Info → Protect) and save it again.":
        "工作簿设有打开密码，请取消密码（文件 → 信息 → 保护工作簿）后重新保存。",
    "Unpacked, the workbook would be larger than %(mb)s MB; it cannot be imported.":
        "工作簿解压后将超过%(mb)s MB，无法导入。",
    "The workbook is compressed suspiciously well (a “zip bomb”); it cannot be imported.":
        "工作簿压缩比异常（疑似“压缩炸弹”），无法导入。",
    "The workbook contains XML entity declarations, which Excel never writes; it cannot be imported.":
        "工作簿含有XML实体声明（Excel从不写入此类内容），无法导入。",
    "The sheet “%(sheet)s” has more than %(max)s rows; split the file.": "工作表“%(sheet)s”超过%(max)s行，请拆分文件。",
    "The sheet “%(sheet)s” has more than %(max)s columns.": "工作表“%(sheet)s”超过%(max)s列。",
    "The workbook has no worksheets.": "工作簿中没有工作表。",
    "new": "新增",
    "changed": "修改",
    "unchanged": "未变",
    "error": "有误",
    "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(errors)s problem(s).":
        "新增%(new)s行，修改%(changed)s行，未变%(unchanged)s行，问题%(errors)s个。",
    "Applied.": "已导入。",
    "Dry run: nothing was written.": "试运行：未写入任何数据。",
    "Refused: nothing was written.": "已拒绝：未写入任何数据。",
    "Workbook (.xlsx, .xls, .ods)": "工作簿（.xlsx、.xls、.ods）",
    "Reporting month, if the file does not say": "填报月份（文件中未注明时）",
    "Reason (kept in the history)": "原因（记入修改历史）",
    "Import a schedule": "导入报表",
    "This preview has expired; upload the file again.": "预览已失效，请重新上传文件。",
    "Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.":
        "导入完成：新增%(new)s行，修改%(changed)s行，未变%(unchanged)s行。",
    "Home": "首页",
    "Upload a project plan (created or updated by project code) or a monthly dispatch report (by project code and month). You will see every change before anything is written.":
        "上传项目计划表（按项目代码新增或更新）或月度调度表（按项目代码和月份）。写入前会先列出全部变动供您确认。",
    "Preview": "预览",
    "Downloads": "下载",
    "Download the schedule": "下载项目计划表",
    "Download a blank template for offices": "下载空白填报模板",
    "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(problems)s problem(s).":
        "新增%(new)s行，修改%(changed)s行，未变%(unchanged)s行，问题%(problems)s个。",
    "Problems": "问题",
    "The file has problems; nothing will be written until every one is fixed.": "文件有问题；全部改正之前不会写入任何数据。",
    "Sheet": "工作表",
    "Row": "行",
    "Column": "列",
    "Value": "值",
    "Problem": "问题",
    "Rows": "数据行",
    "Project code": "项目代码",
    "Name": "名称",
    "Month": "月份",
    "Result": "结果",
    "Changes": "变动",
    "Apply all changes": "确认导入全部变动",
    "Nothing to change.": "没有需要修改的内容。",
    "Upload another file": "上传其他文件",
    "Your role may not import monthly reports.": "您的角色不能导入月度报表。",
    "There is no project with this code.": "没有此项目代码对应的项目。",
    "This month's report is %(status)s and cannot be changed by an import; ask a reviewer to return it, or open a revision.":
        "该月报表状态为“%(status)s”，不能通过导入修改；请审核人员退回，或发起更正。",
    "This project and month already appear in row %(row)s of this file.": "此项目和月份已在本文件第%(row)s行出现。",
    "A new report needs the cumulative percent of works.": "新报表须填写累计形象进度（%）。",
    "A new report needs the investment completed in the month.": "新报表须填写本月完成投资。",
    "The year-to-date amount (%(ytd)s) is below what the earlier months already report (%(before)s).":
        "本年累计完成（%(ytd)s）小于此前各月已报之和（%(before)s）。",
}


def unquote(lines):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines))).replace('\\"', '"').replace("\\n", "\n")


def fill(path):
    text = open(path, encoding="utf-8").read()
    out, filled = [], 0
    for block in text.split("\n\n"):
        lines = block.split("\n")
        try:
            i = next(n for n, l in enumerate(lines) if l.startswith("msgid "))
            j = next(n for n, l in enumerate(lines) if l.startswith("msgstr "))
        except StopIteration:
            out.append(block)
            continue
        msgid = unquote(lines[i:j])
        if msgid in ZH and unquote(lines[j:]) == "":
            value = ZH[msgid].replace("\\", "\\\\").replace('"', '\\"')
            lines = [l for l in lines[:j] if l != "#, fuzzy"] + [f'msgstr "{value}"']
            filled += 1
        out.append("\n".join(lines))
    open(path, "w", encoding="utf-8").write("\n\n".join(out))
    return filled


if __name__ == "__main__":
    print(fill(sys.argv[1] if len(sys.argv) > 1 else "locale/zh_Hans/LC_MESSAGES/django.po"), "filled")

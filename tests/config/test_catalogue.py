"""The zh-hans catalogue is complete and the compiled .mo is the .po as committed."""

import ast
import gettext
import re

from django.conf import settings

PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _fields(lines: list[str]) -> dict[str, str]:
    """{"msgid": …, "msgid_plural": …, "msgstr" or "msgstr[0]": …} of one entry. PO strings use C
    escapes (\\" \\n \\\\), which read the same as Python string literals."""
    fields, key = {}, None
    for line in lines:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key, line = match.group(1), match.group(2)
            fields[key] = ""
        fields[key] += ast.literal_eval(line)
    return fields


def entries():
    """(fields, fuzzy) for every entry but the header."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if not lines:
            continue
        fields = _fields(lines)
        if fields.get("msgid"):
            yield fields, any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())


def _translation(fields: dict) -> str:
    return fields.get("msgstr", fields.get("msgstr[0]", ""))


def test_every_string_is_translated_and_none_is_fuzzy():
    rows = list(entries())
    assert len(rows) > 300
    assert [f["msgid"] for f, _ in rows if not _translation(f)] == []
    assert [f["msgid"] for f, fuzzy in rows if fuzzy] == []


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def looked_up(f):
        if "msgid_plural" in f:
            return compiled.ngettext(f["msgid"], f["msgid_plural"], 1)
        if "msgctxt" in f:  # pgettext_lazy("problem state", "Closed") and the like
            return compiled.pgettext(f["msgctxt"], f["msgid"])
        return compiled.gettext(f["msgid"])

    stale = [f["msgid"] for f, _ in entries() if looked_up(f) != _translation(f)]
    assert stale == []

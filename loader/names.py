"""The name forms a division or zone is looked up by: its names as the data gives them,
and their short forms without the generic suffix (西城区 → 西城, Xicheng District → Xicheng).

Short forms are matching aids only: they are written to the lookup table, never to the
graph or the downloads. A short form must keep at least two characters (城区 stays
whole), since one character names nothing on its own.
"""

from __future__ import annotations

# Longest first, so 新疆维吾尔自治区 loses 维吾尔自治区, not 区.
ZH_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)
LATIN_SUFFIXES = (
    "autonomous region",
    "special administrative region",
    "municipality",
    "province",
    "district",
    "county",
    "city",
    "zìzhìqū",
    "shěng",
    "shì",
    "qū",
    "xiàn",
)


def zh_forms(name: str) -> list[str]:
    """``name`` and, when it has a generic suffix, the name without it."""
    forms = [name]
    for suffix in ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    return forms


def latin_forms(name: str | None) -> list[str]:
    """An English or pinyin name and, when it ends in a generic word, the name without it."""
    if not name:
        return []
    forms = [name]
    lowered = name.casefold()
    for suffix in LATIN_SUFFIXES:
        if lowered.endswith(" " + suffix):
            forms.append(name[: -len(suffix) - 1].rstrip())
            break
    return forms

#!/usr/bin/env python3
"""Regenerates search/data/words.txt, the segmenter's domain dictionary: GB/T 2260 division names
(full and without their suffix), GB/T 4754-2017 industry names, and the department and catalog
words of search/data/words-extra.txt. Run after replacing catalog/data/regions.tsv."""
import json
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
regions_rs = (root / "catalog/src/domain/region.rs").read_text(encoding="utf-8")
provinces = re.findall(r'\("\d\d", "([^"]+)"\)', regions_rs)
placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
divisions = []
for line in (root / "catalog/data/regions.tsv").read_text(encoding="utf-8").splitlines():
    if line.startswith("#") or "\t" not in line:
        continue
    name = line.split("\t", 1)[1].strip()
    if name and name not in placeholders:
        divisions.append(name)

# The tier suffixes, longest first (自治县 before 县), as the catalog strips them from names
# (`SUFFIXES` in catalog/src/domain/region_names.rs): one list for the region lookup and the words.
names_rs = (root / "catalog/src/domain/region_names.rs").read_text(encoding="utf-8")
SUFFIXES = re.findall(
    r'"([^"]+)"', re.search(r"const SUFFIXES: \[&str; \d+\] = \[(.*?)\];", names_rs, re.S).group(1)
)
assert SUFFIXES, "SUFFIXES not found in region_names.rs"


def short(name):
    for s in SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return None


places = []
for name in provinces + divisions:
    places.append(name)
    s = short(name)
    # Ethnic autonomous names shorten to their place (凉山彝族自治州 → 凉山彝族 is not typed).
    if s and not re.search(r"族$", s):
        places.append(s)


def industries(nodes):
    for n in nodes:
        yield n["name"]
        yield from industries(n.get("children", []))


industry = [
    n for n in industries(json.loads((root / "../shared/reference/gbt4754_2017_industry.json").read_text(encoding="utf-8")))
    if re.fullmatch(r"[\u4e00-\u9fff]{3,12}", n) and not n.startswith("其他")
]
extra = [
    l.strip() for l in (root / "search/data/words-extra.txt").read_text(encoding="utf-8").splitlines()
    if l.strip() and not l.startswith("#")
]

seen = set()
out = []
for group, words in [("GB/T 2260 行政区划", places), ("GB/T 4754-2017 行业", industry), ("部门与目录用语", extra)]:
    kept = [w for w in words if re.fullmatch(r"[\u4e00-\u9fff]{2,16}", w) and w not in seen]
    seen.update(kept)
    out.append(f"# {group}：{len(kept)} 个")
    out.extend(kept)

header = """# 分词词典（领域词）：检索分词时整词保留的地名、行业与部门名称，每行一个词，# 开头为注释。
# 由 scripts/build-words.py 从 catalog/data/regions.tsv（GB/T 2260）、GB/T 4754-2017 行业表与
# search/data/words-extra.txt 生成；部署可用 --words 文件追加自己的词（改动后重建索引自动进行）。"""
(root / "search/data/words.txt").write_text(header + "\n" + "\n".join(out) + "\n", encoding="utf-8")
print(f"{len(seen)} words", file=sys.stderr)

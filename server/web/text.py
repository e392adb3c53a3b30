"""The interface text of the HTML pages, in Chinese and English.

Templates ask for a key and get both languages; they show them in the order
the request chose (see `rendering.choose_languages`).
"""

from __future__ import annotations

__all__ = ["TEXT", "text"]

TEXT: dict[str, tuple[str, str]] = {
    "site": ("社区治理知识图谱", "Community Governance Knowledge Graph"),
    "home": ("首页", "Home"),
    "zones": ("实验区", "Zones"),
    "themes": ("治理主题", "Themes"),
    "divisions": ("行政区划", "Divisions"),
    "initiatives": ("地方创新举措", "Local initiatives"),
    "query": ("SPARQL 查询", "SPARQL query"),
    "ontology": ("本体", "Ontology"),
    "shapes": ("SHACL 约束", "SHACL shapes"),
    "downloads": ("数据下载", "Downloads"),
    "dataset": ("数据集描述", "Dataset description"),
    "language": ("语言", "Language"),
    "intro": (
        "民政部确认40个“全国社区治理和服务创新实验区”，实验时间从2015年7月至2018年6月。"
        "本站以关联开放数据发布这些实验区、它们的实验任务、所在行政区划、治理主题和相关政策文件。",
        "The Ministry of Civil Affairs confirmed 40 national community governance and service "
        "innovation experimental zones, for an experiment from July 2015 to June 2018. "
        "This site publishes the zones, their experiment tasks, the administrative divisions, "
        "governance themes and the related policy document as Linked Open Data.",
    ),
    "source_note": ("数据来源：", "Source: "),
    "unofficial": (
        "英文为本项目自译，非官方译文。",
        "English text is the project's own, unofficial translation.",
    ),
    "counts": ("数量", "Counts"),
    "triples": ("三元组", "Triples"),
    "zones_per_province": ("各省级单位的实验区数量", "Zones per province-level unit"),
    "zones_per_theme": ("各主题的实验区数量", "Zones per theme"),
    "browse": ("浏览", "Browse"),
    "endpoint": ("SPARQL 端点", "SPARQL endpoint"),
    "iri": ("IRI", "IRI"),
    "types": ("类型", "Types"),
    "properties": ("属性", "Properties"),
    "property": ("属性", "Property"),
    "value": ("值", "Value"),
    "incoming": ("指向本资源的三元组", "Triples pointing here"),
    "subject": ("主语", "Subject"),
    "formats": ("其他格式", "Other formats"),
    "fetch_query": ("获取本页数据的 SPARQL 查询", "The SPARQL query that fetches this page"),
    "open_in_ui": ("在查询界面中打开", "Open in the query editor"),
    "task": ("实验任务", "Experiment task"),
    "task_translation": ("实验任务（英译，非官方）", "Experiment task (unofficial translation)"),
    "evidence_note": (
        "高亮部分为主题标注所依据的原文短语；下划线标出任务中提到的地方创新举措。",
        "Highlighted: the phrases of the task that justify each theme; underlined: the local "
        "initiatives the task names.",
    ),
    "evidence": ("依据短语", "Evidence phrase"),
    "division_chain": ("所在行政区划", "Administrative division"),
    "code": ("代码", "Code"),
    "level": ("级别", "Level"),
    "designation": ("确认与实验期", "Designation and period"),
    "period": ("实验期", "Experiment period"),
    "links_out": ("外部链接", "Links out"),
    "policy": ("政策文件", "Policy document"),
    "zones_with_theme": ("具有该主题的实验区", "Zones with this theme"),
    "zones_here": ("以本区划为单位的实验区", "Zones designating this division"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": (
        "本数据集中没有这个 IRI。可以从下列入口浏览，或用 SPARQL 查询。",
        "This IRI is not in the dataset. Browse from the entry points below or search it "
        "with SPARQL.",
    ),
    "gone": ("已撤销", "Gone"),
    "gone_text": ("该 IRI 已不再使用。", "This IRI has been retired."),
    "reason": ("原因", "Reason"),
    "name": ("名称", "Name"),
    "province": ("省级单位", "Province"),
    "count": ("数量", "Count"),
    "file": ("文件", "File"),
    "format": ("格式", "Format"),
    "size": ("大小（字节）", "Size (bytes)"),
    "license": ("许可协议", "Licence"),
    "version": ("版本", "Version"),
    "build": ("构建", "Build"),
    "downloads_intro": (
        "每个文件的地址包含数据集版本号，内容不变。sha256 可用于校验下载。",
        "Each file's address carries the dataset version, so its content never changes. "
        "Use the sha256 to check a download.",
    ),
    "examples": ("示例查询", "Example queries"),
    "run": ("运行", "Run"),
    "results": ("查询结果", "Results"),
    "download_results": ("下载结果", "Download the results"),
    "no_results": ("没有结果。", "No results."),
    "query_error": ("查询出错", "The query failed"),
    "query_text": ("查询文本", "Query text"),
    "classes": ("类", "Classes"),
    "object_properties": ("对象属性", "Object properties"),
    "datatype_properties": ("数据属性", "Datatype properties"),
    "other_terms": ("其他术语", "Other terms"),
    "domain": ("定义域", "Domain"),
    "range": ("值域", "Range"),
    "superclass": ("上位类", "Subclass of"),
    "subproperty": ("上位属性", "Subproperty of"),
    "node_shapes": ("节点约束", "Node shapes"),
    "target": ("目标", "Target"),
    "path": ("路径", "Path"),
    "constraints": ("约束", "Constraints"),
    "message": ("提示", "Message"),
    "graph_size": ("图中三元组数", "Triples in this graph"),
    "graph_content": ("下载本图内容", "Download this graph's content"),
    "query_ui_intro": (
        "在下方编辑 SPARQL 查询并运行。不启用 JavaScript 时，表单同样可用。",
        "Edit a SPARQL query below and run it. The form also works without JavaScript.",
    ),
    "zone_count": ("实验区数", "Zones"),
    "broader": ("上位主题", "Broader theme"),
    "list_query": ("本表的 SPARQL 查询", "The SPARQL query behind this table"),
    "search": ("搜索", "Search"),
    "search_intro": (
        "检索标签、实验任务原文及其英译（非官方）、定义和地方创新举措名称。中文词语按连续字符匹配；"
        "空格或标点分隔的各部分须同时出现；引号内的文字作为一个短语匹配。",
        "Searches labels, the task texts and their unofficial English translations, "
        "definitions and the names of local initiatives. Chinese words match where their "
        "characters are contiguous; parts separated by spaces or punctuation must all occur; "
        "text in double quotes matches as one phrase.",
    ),
    "search_results": ("搜索结果", "Results"),
    "no_matches": ("没有找到匹配的内容。", "Nothing matches."),
    "any_type": ("全部类型", "Any type"),
    "type_zone": ("实验区", "Zone"),
    "type_division": ("行政区划", "Division"),
    "type_theme": ("治理主题", "Theme"),
    "type_initiative": ("地方创新举措", "Local initiative"),
    "type_agency": ("机构", "Agency"),
    "type_goal": ("政策目标", "Policy goal"),
    "type_event": ("指导事件", "Guiding event"),
    "type_document": ("文件", "Document"),
    "type_designation": ("确认", "Designation"),
}


def text(key: str) -> tuple[str, str]:
    """(zh, en) for an interface text key; a missing key is a programming error."""
    return TEXT[key]

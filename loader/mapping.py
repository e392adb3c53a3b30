"""Records become RDF, one function per kind of source, following docs/model.md."""

from __future__ import annotations

from rdflib import Literal

from loader.graphs import DIVISIONS, NOTICE, THEMES, TRANSLATIONS, NamedGraphs
from loader.iris import Iris
from loader.namespaces import (
    CGKG,
    DCTERMS,
    ELI,
    FOAF,
    GEO,
    ORG,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    WD,
    XSD,
)
from loader.sources import Division, Origin, Sources

ZONE_TITLE_ZH = "全国社区治理和服务创新实验区"
ZONE_TITLE_EN = "national community governance and service innovation experimental zone"
# The notice dates the confirmation only 近期 ("recently"); it gives the period.
PERIOD_ZH = "2015年7月至2018年6月"
PERIOD_EN = "July 2015 to June 2018"

# Our own labels for the small concept schemes: slug → (zh, en).
LEVEL_LABELS = {
    "province": ("省级", "provincial level"),
    "prefecture": ("地级", "prefecture level"),
    "county": ("县级", "county level"),
}
TYPE_LABELS = {
    "province": ("省", "province"),
    "autonomous-region": ("自治区", "autonomous region"),
    "municipality": ("直辖市", "municipality directly under the central government"),
    "prefecture-level-city": ("地级市", "prefecture-level city"),
    "district": ("市辖区", "district"),
    "county": ("县", "county"),
    "county-level-city": ("县级市", "county-level city"),
}
STATUS_LABELS = {"current": ("现行", "current"), "abolished": ("已撤销", "abolished")}
SCHEMES = {
    "themes": ("社区治理主题", "Community governance themes"),
    "division-levels": ("行政区划层级", "Administrative division levels"),
    "division-types": ("行政区划类型", "Administrative division types"),
    "division-statuses": ("行政区划状态", "Administrative division statuses"),
}


def map_sources(sources: Sources, base_iri: str) -> NamedGraphs:
    """All content graphs but the ontology and the queries."""
    out = NamedGraphs(Iris(base_iri))
    _notice(out, sources)
    _agencies_events(out, sources)
    _policy(out, sources)
    _zones(out, sources)
    _initiatives(out, sources)
    _schemes(out)
    _divisions(out, sources)
    _changes(out, sources)
    _themes(out, sources)
    _assignments(out, sources)
    return out


def _notice(out: NamedGraphs, s: Sources) -> None:
    iris, n = out.iris, s.notice
    notice, designation = iris.notice, iris.designation
    origin = Origin(n.path, 1)
    out.came_from(notice, origin)
    out.came_from(designation, Origin(n.path, 2))
    for cls in (FOAF.Document, PROV.Entity):
        out.add(NOTICE, notice, RDF.type, cls)
    out.add(NOTICE, notice, DCTERMS.title, Literal(n.title, lang="zh"))
    out.add(NOTICE, notice, DCTERMS.source, Literal(n.portal, lang="zh"))
    out.add(NOTICE, notice, DCTERMS.language, Literal("zh"))
    issuer = next((a for a in s.agencies if a.label_zh == n.issuer), None)
    if issuer is not None:
        out.add(NOTICE, notice, DCTERMS.publisher, iris.agency(issuer.slug))
        out.add(NOTICE, designation, CGKG.designatedBy, iris.agency(issuer.slug))
        out.add(NOTICE, designation, PROV.wasAssociatedWith, iris.agency(issuer.slug))
    for cls in (CGKG.Designation, PROV.Activity):
        out.add(NOTICE, designation, RDF.type, cls)
    out.text(
        NOTICE,
        designation,
        RDFS.label,
        f"{ZONE_TITLE_ZH}确认（实验时间{PERIOD_ZH}）",
        "Confirmation of the national community governance and service innovation "
        f"experimental zones (experiment period {PERIOD_EN})",
    )
    out.add(NOTICE, designation, CGKG.announcedIn, notice)
    out.add(NOTICE, designation, CGKG.zoneCount, Literal(n.headline_count))
    out.add(NOTICE, designation, CGKG.experimentPeriod, iris.period)
    out.add(NOTICE, iris.period, RDF.type, TIME.Interval)
    out.add(NOTICE, iris.period, TIME.hasBeginning, iris.period_start)
    out.add(NOTICE, iris.period, TIME.hasEnd, iris.period_end)
    for instant, value in ((iris.period_start, n.period_start), (iris.period_end, n.period_end)):
        out.add(NOTICE, instant, RDF.type, TIME.Instant)
        out.add(NOTICE, instant, TIME.inXSDgYearMonth, Literal(value, datatype=XSD.gYearMonth))


def _agencies_events(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    for agency in s.agencies:
        iri = iris.agency(agency.slug)
        out.came_from(iri, agency.origin)
        out.add(NOTICE, iri, RDF.type, ORG.FormalOrganization)
        out.text(NOTICE, iri, SKOS.prefLabel, agency.label_zh, agency.label_en)
    for event in s.events:
        iri = iris.event(event.slug)
        out.came_from(iri, event.origin)
        out.add(NOTICE, iri, RDF.type, CGKG.GuidingEvent)
        out.text(NOTICE, iri, SKOS.prefLabel, event.label_zh, event.label_en)
        out.add(NOTICE, iris.designation, CGKG.guidedBy, iri)


def _policy(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    for document in s.documents:
        iri = iris.document(document.slug)
        out.came_from(iri, document.origin)
        for cls in (ELI.LegalResource, FOAF.Document):
            out.add(NOTICE, iri, RDF.type, cls)
        # ELI defines eli:title for a legal expression; this is the legal resource.
        out.text(NOTICE, iri, DCTERMS.title, document.title_zh, document.title_en)
        out.text(NOTICE, iri, SKOS.prefLabel, document.title_zh, document.title_en)
        out.add(NOTICE, iri, ELI.id_local, Literal(document.number))
        out.add(NOTICE, iri, DCTERMS.issued, Literal(document.year, datatype=XSD.gYear))
        for issuer in document.issuers:
            out.add(NOTICE, iri, ELI.passed_by, iris.agency(issuer))
        out.add(NOTICE, iris.designation, CGKG.requiresLeadOn, iri)
    for goal in s.goals:
        iri = iris.goal(goal.slug)
        out.came_from(iri, goal.origin)
        out.add(NOTICE, iri, RDF.type, CGKG.PolicyGoal)
        out.text(NOTICE, iri, SKOS.prefLabel, goal.label_zh, goal.label_en)
        out.add(NOTICE, iris.document(goal.document), CGKG.goal, iri)


def _zones(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    tasks = {u.unit: u for u in s.notice.units}
    divisions = {d.code: d for d in s.divisions}
    for zone in s.zones:
        iri, task = iris.zone(zone.code), iris.task(zone.code)
        unit = tasks[zone.unit_name_zh]
        place_en = _place_en(divisions[zone.code], divisions)
        out.came_from(iri, zone.origin)
        out.came_from(task, Origin(s.notice.path, unit.line))
        out.add(NOTICE, iri, RDF.type, CGKG.ExperimentalZone)
        out.text(
            NOTICE,
            iri,
            SKOS.prefLabel,
            f"{zone.unit_name_zh}{ZONE_TITLE_ZH}",
            f"{place_en}: {ZONE_TITLE_EN}",
        )
        out.add(NOTICE, iri, CGKG.unitName, Literal(zone.unit_name_zh, lang="zh"))
        out.add(NOTICE, iri, CGKG.designation, iris.designation)
        out.add(NOTICE, iri, CGKG.division, iris.division(zone.code))
        out.add(NOTICE, iri, CGKG.task, task)
        out.add(NOTICE, iri, PROV.wasDerivedFrom, iris.notice)
        for document in s.documents:
            out.add(NOTICE, iri, CGKG.leadsImplementationOf, iris.document(document.slug))
        out.add(NOTICE, task, RDF.type, CGKG.ExperimentTask)
        out.text(
            NOTICE, task, RDFS.label, f"{zone.unit_name_zh}实验任务", f"Experiment task: {place_en}"
        )
        out.add(NOTICE, task, CGKG.taskText, Literal(unit.task, lang="zh"))
        out.add(NOTICE, task, PROV.wasDerivedFrom, iris.notice)
        out.add(TRANSLATIONS, task, CGKG.unofficialTranslation, Literal(zone.task_en, lang="en"))


def _place_en(division: Division, divisions: dict[str, Division]) -> str:
    """``Guangyang District, Langfang, Hebei``: the division and its ancestors, in English."""
    names = []
    current: Division | None = division
    while current is not None:
        names.append(current.name_en)
        current = divisions.get(current.parent_code) if current.parent_code else None
    return ", ".join(name for name in names if name)


def _initiatives(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    kinds = {"model": CGKG.LocalModel, "platform": CGKG.InformationPlatform}
    for initiative in s.initiatives:
        iri = iris.initiative(initiative.slug)
        out.came_from(iri, initiative.origin)
        out.add(NOTICE, iri, RDF.type, kinds[initiative.kind])
        out.text(NOTICE, iri, SKOS.prefLabel, initiative.label_zh, initiative.label_en)
        out.add(NOTICE, iri, CGKG.evidencePhrase, Literal(initiative.evidence, lang="zh"))
        out.add(NOTICE, iri, CGKG.namedInTask, iris.task(initiative.code))
        out.add(NOTICE, iris.zone(initiative.code), CGKG.initiative, iri)


def _schemes(out: NamedGraphs) -> None:
    iris = out.iris
    for slug, (zh, en) in SCHEMES.items():
        graph = THEMES if slug == "themes" else DIVISIONS
        out.add(graph, iris.scheme(slug), RDF.type, SKOS.ConceptScheme)
        out.text(graph, iris.scheme(slug), SKOS.prefLabel, zh, en)
    for mint, scheme, labels in (
        (iris.level, "division-levels", LEVEL_LABELS),
        (iris.division_type, "division-types", TYPE_LABELS),
        (iris.division_status, "division-statuses", STATUS_LABELS),
    ):
        for slug, (zh, en) in labels.items():
            concept = mint(slug)
            out.add(DIVISIONS, concept, RDF.type, SKOS.Concept)
            out.add(DIVISIONS, concept, SKOS.inScheme, iris.scheme(scheme))
            out.add(DIVISIONS, concept, SKOS.topConceptOf, iris.scheme(scheme))
            out.add(DIVISIONS, iris.scheme(scheme), SKOS.hasTopConcept, concept)
            out.text(DIVISIONS, concept, SKOS.prefLabel, zh, en)


def _divisions(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    by_code = {d.code: d for d in s.divisions}
    abolished = {c.code for c in s.changes if c.kind == "merged-into"}
    for d in s.divisions:
        iri = iris.division(d.code)
        out.came_from(iri, d.origin)
        for cls in (CGKG.AdministrativeDivision, GEO.Feature):
            out.add(DIVISIONS, iri, RDF.type, cls)
        out.text(DIVISIONS, iri, SKOS.prefLabel, d.name_zh, d.name_en or None)
        if d.pinyin:
            out.add(DIVISIONS, iri, SKOS.altLabel, Literal(d.pinyin, lang="zh-Latn-pinyin"))
        out.add(DIVISIONS, iri, SKOS.notation, Literal(d.code, datatype=CGKG.GBT2260Code))
        out.add(DIVISIONS, iri, CGKG.divisionCode, Literal(d.code))
        out.add(DIVISIONS, iri, CGKG.level, iris.level(d.level))
        out.add(DIVISIONS, iri, CGKG.divisionType, iris.division_type(d.type))
        status = "abolished" if d.code in abolished else "current"
        out.add(DIVISIONS, iri, CGKG.status, iris.division_status(status))
        if d.parent_code:
            out.add(DIVISIONS, iri, CGKG.parentDivision, iris.division(d.parent_code))
        province = _province_of(d, by_code)
        if province is not None:
            out.add(DIVISIONS, iri, CGKG.province, iris.division(province))
        if d.wikidata_qid:
            out.add(DIVISIONS, iri, SKOS.closeMatch, WD[d.wikidata_qid])


def _province_of(division: Division, by_code: dict[str, Division]) -> str | None:
    current: Division | None = division
    for _ in range(len(by_code)):
        if current is None or current.level == "province":
            break
        current = by_code.get(current.parent_code) if current.parent_code else None
    return current.code if current is not None and current.level == "province" else None


def _changes(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    for change in s.changes:
        division = iris.division(change.code)
        iri = iris.division_change(change.code, change.date)
        out.came_from(iri, change.origin)
        out.add(DIVISIONS, iri, RDF.type, CGKG.DivisionChange)
        out.add(DIVISIONS, iri, CGKG.changeDate, Literal(change.date, datatype=XSD.gYearMonth))
        out.add(DIVISIONS, iri, CGKG.changedDivision, division)
        out.add(DIVISIONS, iri, CGKG.changeKind, Literal(change.kind))
        out.text(DIVISIONS, iri, RDFS.comment, change.description_zh, change.description_en)
        # The note is our own English: tagged, and kept with the other unofficial English.
        out.add(TRANSLATIONS, iri, DCTERMS.source, Literal(change.source, lang="en"))
        out.add(DIVISIONS, division, CGKG.change, iri)
        if change.successor:
            out.add(DIVISIONS, division, CGKG.successor, iris.division(change.successor))


def _themes(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    scheme = iris.scheme("themes")
    for theme in s.themes:
        iri = iris.theme(theme.slug)
        out.came_from(iri, theme.origin)
        for cls in (SKOS.Concept, CGKG.Theme):
            out.add(THEMES, iri, RDF.type, cls)
        out.add(THEMES, iri, SKOS.inScheme, scheme)
        out.text(THEMES, iri, SKOS.prefLabel, theme.label_zh, theme.label_en)
        out.text(THEMES, iri, SKOS.definition, theme.definition_zh, theme.definition_en)
        if theme.broader:
            out.add(THEMES, iri, SKOS.broader, iris.theme(theme.broader))
            out.add(THEMES, iris.theme(theme.broader), SKOS.narrower, iri)
        else:
            out.add(THEMES, iri, SKOS.topConceptOf, scheme)
            out.add(THEMES, scheme, SKOS.hasTopConcept, iri)


def _assignments(out: NamedGraphs, s: Sources) -> None:
    iris = out.iris
    units = {z.code: z.unit_name_zh for z in s.zones}
    themes = {t.slug: t for t in s.themes}
    divisions = {d.code: d for d in s.divisions}
    for a in s.assignments:
        iri, zone = iris.theme_assignment(a.code, a.theme), iris.zone(a.code)
        out.came_from(iri, a.origin)
        out.add(THEMES, iri, RDF.type, CGKG.ThemeAssignment)
        out.text(
            THEMES,
            iri,
            RDFS.label,
            f"{units[a.code]}：{themes[a.theme].label_zh}",
            # English labels stay English: the place in English, not the unit as written.
            f"{themes[a.theme].label_en} ({_place_en(divisions[a.code], divisions)})",
        )
        out.add(THEMES, iri, CGKG.assignedTheme, iris.theme(a.theme))
        out.add(THEMES, iri, CGKG.evidencePhrase, Literal(a.evidence, lang="zh"))
        out.add(THEMES, iri, CGKG.assignedTo, zone)
        out.add(THEMES, zone, CGKG.themeAssignment, iri)
        out.add(THEMES, zone, DCTERMS.subject, iris.theme(a.theme))

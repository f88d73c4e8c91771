"""National figures that stress the annual report's layout (issue 16): many life domains, four
moments of measurement, extra trend columns and fidelity indicators, long labels in Dutch, English
or Arabic (long Dutch compounds that cannot break at a space among them), and suppressed values in
every chart. Nothing here is a real figure: only the widths matter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from saas.foundation.national import (
    Breakdown,
    BreakdownRow,
    Count,
    DomainImpact,
    Fidelity,
    FidelityRow,
    GrowthRow,
    Headline,
    NationalFigures,
    TrendRow,
)

#: Twelve life-domain labels per language; instruments name their own domains, so any length occurs.
DOMAIN_LABELS = {
    "nl": ["Financiën en administratie", "Huisvesting en woonomgeving", "Sociaal netwerk en steunbronnen",
           "Psychisch welbevinden", "Lichamelijke gezondheid", "Opvoedingsondersteuningsvraagstukken",
           "Werk en dagbesteding", "Taalvaardigheid en maatschappelijke participatie",
           "Ontwikkeling van de kinderen", "Schuldhulpverleningstrajectbegeleiding", "Veiligheid in het gezin",
           "Zelfredzaamheid en regie over het eigen leven"],
    "en": ["Finances and paperwork", "Housing and the neighbourhood", "Social network and sources of support",
           "Psychological well-being", "Physical health", "Parenting and family life",
           "Work and daily activities", "Language skills and participation in society",
           "The children's development", "Debt counselling and guidance", "Safety in the family",
           "Self-reliance and control over one's own life"],
    "ar": ["الشؤون المالية والأعمال الإدارية", "السكن والحي السكني", "الشبكة الاجتماعية ومصادر الدعم",
           "الصحة النفسية والرفاهية", "الصحة البدنية", "التربية والحياة الأسرية", "العمل والأنشطة اليومية",
           "المهارات اللغوية والمشاركة في المجتمع", "نمو الأطفال وتطورهم", "الإرشاد في الديون والمرافقة",
           "الأمان داخل الأسرة", "الاعتماد على الذات والتحكم في الحياة الخاصة"],
}
#: Column labels as long as a translation may make them.
TREND_LABELS = {
    "nl": ["Ondersteunde gezinnen", "Nieuw aangemelde gezinnen", "Afgesloten gezinstrajecten",
           "Actieve vrijwilligers", "Nieuwe vrijwilligers", "Gestopte vrijwilligers", "Gezinnen op de wachtlijst"],
    "en": ["Families supported", "Families newly referred", "Family support closed", "Active volunteers",
           "New volunteers", "Volunteers who stopped", "Families on the waiting list"],
    "ar": ["الأسر المدعومة", "الأسر المحالة حديثًا", "مسارات الأسر المغلقة", "المتطوعون النشطون",
           "المتطوعون الجدد", "المتطوعون الذين توقفوا", "الأسر على قائمة الانتظار"],
}
FIDELITY_LABELS = {
    "nl": ["T0-meting binnen zes weken afgenomen", "Kennismakingsgesprek thuis gevoerd",
           "Basistraining afgerond vóór de eerste koppeling", "Geldige verklaring omtrent het gedrag",
           "Gezinnen per coördinator", "Evaluatiegesprek na een half jaar", "Intervisie bijgewoond"],
    "en": ["T0 measured within six weeks", "Intake held at home", "Basic training completed before the first match",
           "Valid certificate of conduct", "Families per coordinator", "Review after six months",
           "Peer supervision attended"],
    "ar": ["قياس T0 خلال ستة أسابيع", "مقابلة التعارف في المنزل", "التدريب الأساسي قبل أول مطابقة",
           "شهادة حسن سيرة وسلوك سارية", "عدد الأسر لكل منسق", "مراجعة بعد ستة أشهر", "حضور الإشراف الجماعي"],
}
REASON_LABELS = {
    "nl": ["Doelen bereikt", "Verhuisd naar een gemeente zonder Samen Oplopen",
           "Gestopt op verzoek van het gezin", "Doorverwezen naar professionele hulpverlening", "Anders"],
    "en": ["Goals met", "Moved to a municipality without Samen Oplopen", "Stopped at the family's request",
           "Referred to professional care", "Other"],
    "ar": ["تحققت الأهداف", "انتقلت إلى بلدية لا يوجد فيها Samen Oplopen", "توقفت بناءً على طلب الأسرة",
           "أحيلت إلى رعاية مهنية", "غير ذلك"],
}
MOMENTS = [("t0", "T0"), ("t1", "T1"), ("t2", "T2"), ("tend", "Tend")]


def _count(seed: int) -> Count:
    """Every seventh count suppressed, the rest a multiple of 5 with up to five digits."""
    return Count(None) if seed % 7 == 3 else Count(5 * (seed * 137 % 2400))


def _mean(seed: int) -> Decimal | None:
    return None if seed % 5 == 2 else Decimal(100 + seed * 37 % 300) / 100


def wide_figures(language: str = "nl", *, year: int = 2025) -> NationalFigures:
    """The stressing figures with labels in ``language`` (nl, en or ar)."""
    trend_columns = [(f"column_{i}", label) for i, label in enumerate(TREND_LABELS[language])]
    trend = [TrendRow(f"{y}-Q{q}", f"Q{q} {y}",
                      {key: _count(y + 3 * q + i) for i, (key, _label) in enumerate(trend_columns)})
             for y in (year - 1, year) for q in range(1, 5)]
    impact = [DomainImpact(f"domain_{i}", label,
                           {code: (_count(i * 4 + m), _mean(i * 4 + m)) for m, (code, _l) in enumerate(MOMENTS)},
                           _count(i + 11), None if i % 5 == 2 else Decimal(i - 5) / 10 - Decimal("0.0567"),
                           Decimal("-1.2345"), Decimal("1.1234"),
                           {"improved": _count(i), "stable": _count(i + 1), "worse": _count(i + 2)})
              for i, label in enumerate(DOMAIN_LABELS[language])]
    indicators = [(f"indicator_{i}", label) for i, label in enumerate(FIDELITY_LABELS[language])]
    reasons = [BreakdownRow(f"reason_{i}", label, _count(i + 1)) for i, label in enumerate(REASON_LABELS[language])]
    return NationalFigures(
        year=year, track=None, years=[year, year - 1], tracks=[], frozen_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        tenants=48,
        headlines=[Headline(key, label, _count(i)) for i, (key, label) in enumerate(trend_columns)],
        trend=trend, impact=impact, satisfaction=Decimal("8.25"),
        # The outcomes borrow the fidelity labels, for their length.
        outcomes=[Headline(f"outcome_{i}", label, _count(i + 2)) for i, label in enumerate(FIDELITY_LABELS[language])],
        closure_reasons=Breakdown(reasons, Count(12345)),
        children=Breakdown([BreakdownRow(band, band, _count(i + 3))
                            for i, band in enumerate(("0-3", "4-11", "12-17", "18-23", "?"))], Count(23455)),
        fidelity=Fidelity(indicators, [FidelityRow("Samen Oplopen Noordoostpolder-Urk", {})],
                          {key: Decimal("0.8449") if i % 3 else (Decimal("12.5") if i == 4 else None)
                           for i, (key, _label) in enumerate(indicators)}),
        growth=[GrowthRow(str(y), str(y), 40 + y % 10, 120 + y % 30, _count(y), _count(y + 1))
                for y in range(year - 7, year + 1)],
        trend_columns=trend_columns, moments=MOMENTS)


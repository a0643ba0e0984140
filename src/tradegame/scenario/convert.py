"""Turn a validated :class:`Scenario` into the engine's frozen :class:`Rules`."""

from __future__ import annotations

import hashlib

from tradegame.engine import rules as r
from tradegame.scenario import models as m


def _pair(between: list[str]) -> tuple[str, str]:
    return (between[0], between[1])


def _effect(e: m.Effect) -> r.Effect:
    match e:
        case m.SetLayer():
            return r.Effect("set_layer", layer=e.layer, rate=e.rate, status=e.status)
        case m.ShiftApproval() | m.ShiftCredibility():
            return r.Effect(e.kind, player=e.player, by=e.by)
        case m.ShiftMarketStress():
            return r.Effect(e.kind, by=e.by)
        case m.ShiftRelations():
            return r.Effect(e.kind, pair=_pair(e.between), by=e.by)
        case m.ScheduleTalks():
            return r.Effect(e.kind, pair=_pair(e.between), level=e.level, requester=e.requester)
        case m.CancelTalks():
            return r.Effect(e.kind, pair=_pair(e.between))
        case m.RaiseStakes():
            return r.Effect(e.kind, pair=_pair(e.between), factor=e.factor)
        case m.AddItem() | m.WithdrawItem():
            return r.Effect(e.kind, item=e.item)
    raise AssertionError(f"unhandled effect {e!r}")  # pragma: no cover


def _requirement(q: m.Requirement) -> r.Requirement:
    match q:
        case m.NoDeal() | m.SessionHeld():
            return r.Requirement(q.kind, pair=_pair(q.between))
        case m.LayerIs():
            return r.Requirement(
                q.kind, layer=q.layer, status=q.status, below=q.below, at_least=q.at_least
            )
        case m.PackageIs():
            return r.Requirement(q.kind, package=q.package, status=q.status)
        case m.HasFired():
            return r.Requirement(q.kind, event=q.event)
    raise AssertionError(f"unhandled requirement {q!r}")  # pragma: no cover


def _requires(reqs: list[m.Requirement]) -> tuple[r.Requirement, ...]:
    return tuple(map(_requirement, reqs))


def _item(owner: str, it: m.CatalogueItem) -> r.Item:
    levels = tuple(r.Level(lv.value, lv.cost, lv.gain) for lv in it.levels)
    extra: dict[str, object] = {}
    if isinstance(it, (m.TariffCapItem, m.TariffCutItem)):
        extra["sectors"] = frozenset(it.sectors) if it.sectors is not None else None
        extra["except_sectors"] = frozenset(it.except_sectors)
    if isinstance(it, (m.QuotaItem, m.PurchaseItem, m.RegulatoryItem)):
        extra["sector"] = it.sector
    if isinstance(it, m.TariffCapItem):
        extra["sets_precedent"] = it.sets_precedent
    if isinstance(it, m.QuotaItem):
        extra["in_quota_rate"] = it.in_quota_rate
    if isinstance(it, m.InvestmentItem):
        extra["years"] = it.years
    if isinstance(it, m.RegulatoryItem):
        extra["export_boost"] = it.export_boost
    if isinstance(it, m.SuspendCountermeasuresItem):
        extra["package"] = it.package
    if isinstance(it, m.ProcessItem):
        extra["talk_level"] = it.level
    if isinstance(it, m.DebtSwapItem):
        extra["stress_relief_per_100bn"] = it.stress_relief_per_100bn
    return r.Item(
        id=it.id,
        owner=owner,
        kind=it.kind,
        name=it.name,
        to=tuple(it.to) if it.to is not None else None,
        levels=levels,
        available=it.available,
        description=it.description,
        red_line=it.red_line,
        **extra,  # type: ignore[arg-type]  # each key set above for this item's kind only
    )


def to_rules(s: m.Scenario, source_text: str | None = None) -> r.Rules:
    """Compile a validated scenario into engine rules (pure data, no pydantic)."""
    day = s.day_of
    cal = s.calendar
    default_va = s.economy.value_added_share
    players = tuple(
        r.Player(
            id=p.id,
            name=p.name,
            gdp_bn=p.gdp_bn,
            approval=p.approval,
            credibility=p.credibility,
            value_added_share=p.value_added_share
            if p.value_added_share is not None
            else default_va,
            gdp_multiplier=p.gdp_multiplier,
            ratification=r.Ratification(
                p.ratification.body, p.ratification.win_set_base, p.ratification.win_set_slope
            )
            if p.ratification
            else None,
            tariffs=tuple(r.TariffInstrument(t.layer, t.min, t.max) for t in p.tariffs),
            countermeasures=tuple(
                r.Countermeasure(
                    id=c.id,
                    owner=p.id,
                    name=c.name,
                    target=c.target,
                    value_bn=c.value_bn,
                    tariffs=tuple((t.sector, t.rate) for t in c.tariffs),
                    market_stress=c.market_stress,
                    gdp_cost_pct=c.gdp_cost_pct,
                    active_at_start=c.status == "active",
                    description=c.description,
                )
                for c in p.countermeasures
            ),
            objectives=tuple(
                r.Objective(
                    o.metric, o.partner, o.sector, o.best, o.worst, o.weight, o.label or _label(o)
                )
                for o in p.objectives
            ),
            briefing_public=p.briefing.public,
            briefing_confidential=p.briefing.confidential,
        )
        for p in s.players
    )
    events: list[r.Event] = []
    for se in s.events.scheduled:
        events.append(
            r.Event(
                se.id,
                "scheduled",
                se.news,
                tuple(map(_effect, se.effects)),
                day=day(se.date),
                requires=_requires(se.requires),
            )
        )
    for ce in s.events.conditional:
        w = ce.when
        events.append(
            r.Event(
                ce.id,
                "conditional",
                ce.news,
                tuple(map(_effect, ce.effects)),
                metric=w.metric,
                player=w.player,
                partner=w.partner,
                at_least=w.at_least,
                at_most=w.at_most,
                repeat=ce.repeat,
                requires=_requires(ce.requires),
            )
        )
    for re_ in s.events.random:
        events.append(
            r.Event(
                re_.id,
                "random",
                re_.news,
                tuple(map(_effect, re_.effects)),
                probability=re_.probability,
                from_day=day(re_.from_date) if re_.from_date else None,
                until_day=day(re_.until_date) if re_.until_date else None,
                max_times=re_.max_times,
                requires=_requires(re_.requires),
            )
        )
    for inj in s.events.injects:
        events.append(
            r.Event(
                inj.id,
                "inject",
                inj.news,
                tuple(map(_effect, inj.effects)),
                name=inj.name,
                requires=_requires(inj.requires),
            )
        )
    digest = hashlib.sha256(source_text.encode()).hexdigest() if source_text is not None else ""
    return r.Rules(
        id=s.id,
        title=s.title,
        summary=s.summary,
        calendar=r.Calendar(
            window_start=cal.window_start.isoformat(),
            start_day=day(cal.start),
            round_days=cal.round_days,
            deadline_day=day(cal.deadline),
            max_extension_days=cal.max_extension_days,
            extension_step_days=cal.extension_step_days,
            after_deadline_days=cal.after_deadline_days,
            projection_days=cal.projection_days,
            end_when_settled=cal.end_when_settled,
        ),
        limits=r.Limits(
            s.limits.max_tariff, s.limits.tariff_step, s.limits.max_orders, s.limits.max_terms
        ),
        players=players,
        sectors=tuple(
            r.Sector(
                x.id, x.name, x.elasticity, x.value_added_share, tuple(sorted(x.salience.items()))
            )
            for x in s.sectors
        ),
        flows=tuple(r.Flow(f.exporter, f.importer, f.sector, f.value_bn, f.mfn) for f in s.trade),
        layers=tuple(
            r.Layer(
                id=la.id,
                name=la.name,
                importer=la.importer,
                exporter=la.exporter,
                sectors=frozenset(la.sectors) if la.sectors is not None else None,
                except_sectors=frozenset(la.except_sectors),
                rate=la.rate,
                combine=la.combine,
                replaces=tuple(la.replaces),
                status=la.status,
                from_day=day(la.from_date) if la.from_date else None,
            )
            for la in s.tariffs
        ),
        items=tuple(_item(p.id, it) for p in s.players for it in p.concessions),
        claims=tuple(r.Claim(c.id, c.by, c.about, c.text, c.accurate) for c in s.claims),
        relations=tuple((_pair(x.between), x.value) for x in s.relations),
        deadline_holder=s.roles.deadline_holder,
        talk_capacity_holder=s.roles.talk_capacity_holder,
        market_stress_player=s.roles.market_stress_player,
        precedent_setter=s.roles.precedent_setter,
        talk_capacity=s.talks.capacity,
        talk_levels=tuple(
            (k, r.TalkLevelRules(v.max_exchanges, v.stakes)) for k, v in s.talks.levels.items()
        ),
        scheduled_talks=tuple(
            r.ScheduledTalks(t.round, _pair(t.between), t.level, t.requester)
            for t in s.talks.scheduled
        ),
        economy=r.Economy(**s.economy.model_dump()),
        market_stress=r.MarketStress(**s.market_stress.model_dump()),
        politics=r.Politics(
            **{k: v for k, v in s.politics.model_dump().items() if k != "statements"},
            statements=r.StatementRules(**s.politics.statements.model_dump()),
        ),
        events=tuple(events),
        debrief=tuple(s.debrief),
        digest=digest,
    )


def _label(o: m.Objective) -> str:
    parts = [o.metric.replace("_", " ")]
    if o.partner:
        parts.append(f"({o.partner})")
    if o.sector:
        parts.append(f"[{o.sector}]")
    return " ".join(parts)

"""党建's cards and sections: weak and lax organizations under rectification, joint branches,
floating members, first secretaries.

Every section takes the rows of its named query (run by `app_pages/party.py`); the rules (what
counts as rectified, as covered by a first secretary …) live in tracker.rules.party, the figures
in tracker.present.party_charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import charts, column_labels, party_charts, theme
from tracker.rules import indicators, party
from tracker.rules.totals import with_total
from ui import widgets
from ui.filters import PageFilters


def township_statuses(f: PageFilters, indicator: str) -> dict[str, indicators.Progress | None]:
    """Each township's card of `indicator` against its own target (its worst batch for a per-batch one)."""
    out = {}
    for name, cards in widgets.township_cards(f, f.batch).items():
        own = [c for c in cards if c.indicator == indicator]
        out[name] = min(own, key=lambda c: indicators.SEVERITY.index(c.status)) if own else None
    return out


def rectification_table(f: PageFilters, weak: pd.DataFrame, card: indicators.Progress) -> None:
    """Per township: weak organizations, rectified, its target (assigned or 按台账计划) and status; the total last."""
    counts = party.stages_by_township(weak).pivot_table(
        index="township", columns="stage", values="orgs", aggfunc="sum", fill_value=0
    )
    done = [s for s in party.RECTIFIED_STAGES if s in counts.columns]
    cards = township_statuses(f, "weak_orgs_rectified")
    rows = pd.DataFrame(
        {
            "township": counts.index.to_numpy(),
            "weak": counts.sum(axis=1).to_numpy(),
            "rectified": counts[done].sum(axis=1).to_numpy(),
        }
    ).sort_values(["rectified", "township"], ascending=[False, True], ignore_index=True)
    found = [cards.get(name) for name in rows["township"]]
    rows["target"] = [c.target if c is not None else None for c in found]
    rows["basis"] = [(c.basis or "下达") if c is not None and c.target is not None else "" for c in found]
    statuses = [theme.status_label(c.status) if c is not None else "" for c in found]
    whole = with_total(rows, "township", f.total_label)
    if len(whole) > len(rows):
        basis = (card.basis or "下达") if card.target else ""
        whole.loc[whole.index[-1], ["target", "basis"]] = [card.target, basis]
    shown = whole.rename(columns=column_labels.PARTY_RECTIFICATION)
    shown.insert(1, "状态", [*statuses, theme.status_label(card.status)][: len(whole)])
    widgets.township_table(
        shown,
        f"软弱涣散党组织整顿分乡镇_{f.scope}_{f.as_of.isoformat()}",
        "party_rectify_townships",
        total_rows=len(whole) - len(rows),
    )


def headline(
    f: PageFilters,
    series: pd.DataFrame,
    weak: pd.DataFrame,
    joint: pd.DataFrame,
    joint_series: pd.DataFrame,
    secretaries: pd.DataFrame,
    targets: pd.DataFrame,
) -> None:
    """The cards: weak organizations, rectified against target, joint branches per batch, floating, coverage."""
    cards = []
    if not series.empty:
        stages = party.stage_counts(weak)
        detail = " · ".join(f"{stage} {n}" for stage, n in stages.items() if n)
        cards.append(
            widgets.kpi_card(
                "软弱涣散党组织", formatting.count(sum(stages.values()), "个"), detail or "所选范围内没有"
            )
        )
        cards.append(widgets.progress_card(party.rectified_progress(series, targets, f.as_of)))
    cards += [joint_card(card, joint) for card in party.joint_progress(joint, joint_series, targets, f.as_of)]
    if not series.empty:
        members, change = party.floating_change(series)
        branches = int(series.iloc[-1]["floating_branches"])
        cards.append(
            widgets.kpi_card(
                "流动党员",
                formatting.people(members),
                f"由 {branches} 个流动党员党支部管理",
                meta=[f"较上周 {formatting.signed(change, '人')}"],
            )
        )
        cover = party.coverage(secretaries)
        cards.append(
            widgets.kpi_card(
                "第一书记覆盖率",
                formatting.percent(cover.rate),
                f"目标 {formatting.percent(party.COVERAGE_TARGET)}（全覆盖）",
                cover.rate,
                meta=[f"{cover.covered} / {cover.branches} 个贫困村党支部"],
                # No deadline and no weekly series: met, or no status word (the rule's, as for any target).
                status=indicators.status(cover.rate, party.COVERAGE_TARGET, None, None, f.as_of),
            )
        )
    if cards:
        widgets.kpi_grid(cards)


def joint_card(card: indicators.Progress, joint: pd.DataFrame) -> str:
    """A batch's joint branches: against its target where one is set, else against the villages that need one."""
    if card.target is not None:
        return widgets.progress_card(card)
    need = party.joint_by_batch(joint).set_index("relocation_batch")["completed"].get(card.batch, 0)
    return widgets.kpi_card(
        card.label,
        formatting.count(card.actual, "个"),
        f"应建 {need} 个（已完成整村搬迁村数）",
        100.0 * (card.actual or 0) / need if need else None,
        meta=[f"较上周 {formatting.signed(card.change, '个')}"],
    )


def weak_section(f: PageFilters, series: pd.DataFrame, weak: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Weak organizations by stage and township, by stage over the weeks, and their list."""
    st.subheader("软弱涣散党组织整顿")
    if weak.empty:
        st.success("所选范围内没有软弱涣散党组织。")
        return
    target, _ = party.target_of(targets, "weak_orgs_rectified")
    if target is None:
        st.caption("所选乡镇未分解整顿目标，全县目标见“总览”。")
    rectification_table(f, weak, party.rectified_progress(series, targets, f.as_of))
    if not widgets.townships_need_a_county(f):
        by_stage = widgets.figure(
            party_charts.stages_by_township,
            party.stages_by_township(weak),
            "各乡镇整顿进度（点击乡镇可筛选）",
        )
        widgets.township_chart(by_stage, "party_stage_chart")
    trend = widgets.figure(
        party_charts.stages_over_time,
        party.stages_over_time(series),
        "整顿进度逐周变化",
        target,
        "整顿完成目标",
    )
    widgets.chart(trend, key="party_stage_trend")
    rows = party.weak_table(weak)
    widgets.township_table(rows, f"软弱涣散党组织_{f.scope}_{f.as_of.isoformat()}", "party_weak_list")


def joint_section(f: PageFilters, joint: pd.DataFrame) -> None:
    """Completed relocation villages and their joint branches, per batch and township, and the list."""
    st.subheader("搬迁村联合党支部")
    st.caption(party.JOINT_DEFINITION)
    if party.in_force(joint).empty:
        widgets.no_data("所选范围内还没有已完成整村搬迁的村。")
        return
    for row in party.joint_by_batch(joint).itertuples():
        missing = row.completed - row.with_joint
        st.markdown(
            f"**{formatting.batch(row.relocation_batch)}**：已完成整村搬迁 {row.completed} 个村，"
            f"其中 {row.with_joint} 个已建立联合党支部"
            + (f"，{missing} 个尚未建立。" if missing else "，已全部建立。")
        )
    if not widgets.townships_need_a_county(f):
        by_township = party.joint_by_township(joint)
        cards = township_statuses(f, "joint_branches")
        by_township["status"] = [
            cards[t].status if cards.get(t) is not None else indicators.NO_TARGET  # type: ignore[union-attr]
            for t in by_township["township"]
        ]
        figure = widgets.figure(
            party_charts.joint_branch_bars, by_township, "各乡镇联合党支部（点击乡镇可筛选）"
        )
        widgets.status_legend(target=False)
        widgets.township_chart(figure, "party_joint_chart")
    rows = party.joint_table(joint)
    widgets.township_table(rows, f"搬迁村联合党支部_{f.scope}_{f.as_of.isoformat()}", "party_joint_list")


def floating_section(f: PageFilters, series: pd.DataFrame, floating: pd.DataFrame) -> None:
    """Floating members per township's floating-member branch, over the weeks, and the branches."""
    st.subheader("流动党员")
    st.caption(party.FLOATING_DEFINITION)
    if floating.empty:
        widgets.no_data("所选范围内没有流动党员党支部。")
        return
    if not widgets.townships_need_a_county(f):
        figure = widgets.figure(
            charts.township_bars, floating, "floating_members", "各乡镇流动党员（点击乡镇可筛选）", unit=" 人"
        )
        widgets.township_chart(figure, "party_floating_chart")
    trend = widgets.figure(
        charts.progress_over_time,
        series,
        "as_of",
        {"floating_members": "流动党员"},
        "流动党员逐周变化",
        unit="人",
    )
    widgets.chart(trend, key="party_floating_trend")
    rows = party.floating_table(floating)
    widgets.township_table(rows, f"流动党员党支部_{f.scope}_{f.as_of.isoformat()}", "party_floating_list")


def secretary_section(f: PageFilters, secretaries: pd.DataFrame) -> None:
    """First-secretary coverage per township against full coverage, and the coverage list."""
    st.subheader("第一书记")
    st.caption(party.COVERAGE_DEFINITION)
    by_township = party.coverage_by_township(secretaries)
    if by_township.empty:
        widgets.no_data("所选范围内没有贫困村。")
        return
    cover = party.coverage(secretaries)
    if cover.without_branch:
        st.caption(
            f"另有 {cover.without_branch} 个贫困村整村搬迁后不再单设村党支部，不计入覆盖率，列在名单末尾。"
        )
    if not widgets.townships_need_a_county(f):
        rated = by_township.assign(
            status=[
                indicators.status(rate, party.COVERAGE_TARGET, None, None, f.as_of)
                for rate in by_township["coverage_rate"]
            ]
        )
        figure = widgets.figure(
            charts.township_bars,
            rated,
            "coverage_rate",
            "第一书记覆盖率（点击乡镇可筛选）",
            unit="%",
            target=party.COVERAGE_TARGET,
            target_label="全覆盖",
            status="status",
        )
        widgets.status_legend(grey="未全覆盖（无完成时限）")
        widgets.township_chart(figure, "party_coverage_chart")
    rows = party.coverage_table(secretaries)
    widgets.township_table(rows, f"第一书记覆盖_{f.scope}_{f.as_of.isoformat()}", "party_coverage_list")

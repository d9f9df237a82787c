"""分解: a county target split by township on the data page, saved as targets rows like any other.

A clerk picks one of the county's targets, sees each township's share by its own ledgers
(按台账计划: its relocation villages of the batch, their planned households and people, its
weak organizations) beside what is assigned to it now, types the shares the county decided,
and saves. What is saved is the whole targets list with that target's township rows replaced,
through the importer in its worker (table "targets", the whole day; `targets_editor.save_targets`,
as the targets editor saves), so a share is checked by exactly the rules that check one in a
file, the shrink guard included, and lands whole or not at all.
Until a township has an assigned (下达) share, the pages show its 按台账计划 one.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from tracker.contract import formatting, schema
from tracker.contract.missing import is_missing
from tracker.ingest import upload_review
from tracker.present import deadlines
from tracker.rules import indicators
from tracker.rules import targets as target_rules
from ui import data, notices, targets_editor, widgets

FLASH = "target_split_flash"
PLANNED = "按台账计划"
SHARE = "分解目标"


def _choices(in_force: pd.DataFrame) -> dict[str, tuple[str, int | None]]:
    """The county targets a clerk may split (rates apply as they are), by how the list names them."""
    county = in_force[in_force["township"].isna() & ~in_force["indicator"].isin(target_rules.RATES)]
    out = {}
    for row in county.itertuples(index=False):
        batch = None if is_missing(row.relocation_batch) else int(row.relocation_batch)
        name = schema.INDICATORS.get(row.indicator, row.indicator)
        unit = indicators.UNITS.get(row.indicator, "")
        label = f"{formatting.batch(batch) if batch else ''}{name}（全县 {deadlines.card_value(row.target, unit)}）"
        out[label] = (row.indicator, batch)
    return out


def split_section() -> None:
    """The 分解 section under the targets editor: saved as the targets of the newest snapshot day,
    as the editor saves."""
    day = targets_editor.editing_day()
    if day is None:
        return
    st.subheader("分解到乡镇")
    notices.show_kept(FLASH)
    in_force = data.query("targets_in_force", as_of=day)
    choices = _choices(in_force)
    if not choices:
        widgets.no_data("没有可分解的全县目标。")
        return
    st.caption(
        "把一项全县目标分解到各乡镇。“按台账计划”是各乡镇按台账（搬迁村数、计划搬迁户数和人数、软弱涣散党组织数）"
        "应承担的数，未分解的乡镇在各页按它显示（标“按台账计划”）；填写“分解目标”后保存，即为下达到乡镇的目标。"
    )
    chosen = st.selectbox("要分解的全县目标", list(choices), key="target_split_choice")
    indicator, batch = choices[chosen]
    plan = data.query("township_plan", as_of=day, township=[])
    suggestion = target_rules.split_suggestion(in_force, plan, indicator, batch)
    frame = pd.DataFrame(
        {
            "乡镇": suggestion["township"],
            PLANNED: suggestion["planned"],
            SHARE: [
                a if not is_missing(a) else p for a, p in zip(suggestion["assigned"], suggestion["planned"])
            ],
        }
    )
    edited = st.data_editor(
        frame,
        key=f"target_split_{indicator}_{batch}_{data.reader().generation}",
        hide_index=True,
        width="stretch",
        height="content",  # every township on screen: nothing hides below a scroll
        disabled=["乡镇", PLANNED],
        placeholder="",
        column_config={
            PLANNED: st.column_config.NumberColumn(format="%g"),
            SHARE: st.column_config.NumberColumn(min_value=0, format="%g"),
        },
    )
    county = in_force[
        (in_force["indicator"] == indicator)
        & in_force["township"].isna()
        & (in_force["relocation_batch"].isna() if batch is None else in_force["relocation_batch"].eq(batch))
    ].iloc[0]
    total = float(pd.to_numeric(edited[SHARE], errors="coerce").fillna(0).sum())
    unit = indicators.UNITS.get(indicator, "")
    line = f"分解合计 {deadlines.card_value(total, unit)}，全县目标 {deadlines.card_value(county['target'], unit)}"
    if abs(total - float(county["target"])) > 1e-9:
        st.warning(line + "：二者不一致，请核对后再保存。")
    else:
        st.caption(line + "。")
    if st.button("保存分解", type="primary", key="target_split_save"):
        _save(day, indicator, batch, edited, county)


def _save(day: dt.date, indicator: str, batch: int | None, edited: pd.DataFrame, county: pd.Series) -> None:
    shares = {str(t): v for t, v in zip(edited["乡镇"], pd.to_numeric(edited[SHARE], errors="coerce"))}
    label = (
        county["label"] if not is_missing(county["label"]) else schema.INDICATORS.get(indicator, indicator)
    )
    editing = upload_review.targets_for_editing(data.query("targets_in_force", as_of=day))
    rows = upload_review.with_township_split(editing, indicator, batch, shares, county["due"], str(label))
    outcome = targets_editor.save_targets(
        day, rows, "targets_split", {"indicator": indicator, "batch": batch}
    )
    if outcome.landed:
        notices.keep(FLASH, "success", f"已分解到乡镇并保存，自{formatting.day(day)}起生效。")
        st.rerun()
    kind, text = upload_review.landed_message(outcome)
    st.error(text)
    if outcome.errors:
        widgets.table(upload_review.errors_frame(outcome.errors), "分解目标错误", key="target_split_errors")

//! A metric's value: read the Vietnamese way, its unit checked, shown back when doubtful,
//! saved only when sure.

use rust_decimal::Decimal;

use super::items::{ask_item, item_access, save_seen, saved_line, saved_then_next};
use super::{Access, show_menu};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::PeriodKey;
use crate::domain::number::{NumberError, Quantity, format_vn};
use crate::domain::people::Lang;
use crate::domain::plan::{Metric, ValueKind};
use crate::domain::progress::value_kind;
use crate::domain::report::{ItemKey, ValueDoubt, doubt, unit_fits};
use crate::present;
use crate::store::ItemChange;
use crate::t;

/// Why a typed value cannot be read, and what to type instead.
fn number_problem(lang: Lang, metric: &Metric, error: &NumberError) -> String {
    match error {
        NumberError::Ambiguous { input, readings } => t!(
            lang,
            "value-ambiguous",
            typed = input.clone(),
            first = readings[0].clone(),
            second = readings[1].clone()
        ),
        NumberError::Malformed { input, suggestion: Some(s) } => {
            t!(lang, "value-malformed-suggest", typed = input.clone(), suggestion = s.clone())
        }
        NumberError::BadGroup { input } => {
            t!(lang, "value-bad-group", typed = input.clone(), example = example(metric))
        }
        NumberError::TooLong { max } => t!(lang, "value-too-long", max = *max as i64),
        NumberError::UnexpectedUnit { unit } => {
            t!(lang, "value-wrong-unit", typed = unit.clone(), unit = metric.unit.clone())
        }
        _ => t!(lang, "value-unreadable", example = example(metric)),
    }
}

/// An example in the metric's own notation: "2.250" for tỷ đồng, "10,2" for a rate, "37/51".
fn example(metric: &Metric) -> String {
    let t = metric.target.value;
    let sample = if t.fract().is_zero() && t >= Decimal::from(1000) { t / Decimal::from(4) } else { t };
    let sample = sample.round_dp(if t.fract().is_zero() { 0 } else { 1 });
    match metric.target.out_of {
        Some(of) => format!("{}/{}", format_vn(&sample), format_vn(&of)),
        None => format_vn(&sample),
    }
}

/// What to type, in words: "Gõ số lũy kế từ đầu năm đến hết quý I/2022 (tỷ đồng), ví dụ
/// 2.250,5." The words say what the period's value means (`value_kind`).
pub fn value_prompt(lang: Lang, metric: &Metric, period: PeriodKey) -> String {
    let key = match value_kind(metric) {
        ValueKind::Cumulative => "value-meaning-cumulative",
        ValueKind::Flow => "value-meaning-flow",
        ValueKind::Level => "value-meaning-level",
    };
    let meaning = t!(lang, key, period = present::period(lang, period));
    t!(lang, "value-ask", meaning = meaning, unit = metric.unit.clone(), example = example(metric))
}

/// Why a typed value may be a mistake, in words.
fn why(lang: Lang, metric: &Metric, d: ValueDoubt, period: PeriodKey) -> String {
    let period = present::period(lang, period);
    match d {
        ValueDoubt::LargeChange { previous, change_percent } => t!(
            lang,
            "doubt-large-change",
            previous = format_vn(&previous),
            change = format_vn(&change_percent)
        ),
        ValueDoubt::FarFromTarget { ratio } => t!(
            lang,
            "doubt-far-from-target",
            percent = format_vn(&(ratio * Decimal::from(100)).round_dp(1)),
            target = metric.target.to_string()
        ),
        ValueDoubt::OutOfBounds => t!(lang, "doubt-out-of-bounds", unit = metric.unit.clone()),
        ValueDoubt::WholeYear { percent } => {
            t!(lang, "doubt-whole-year", percent = format_vn(&percent), period = period)
        }
        ValueDoubt::AheadOfPace { percent, expected } => t!(
            lang,
            "doubt-ahead-of-pace",
            percent = format_vn(&percent),
            expected = format_vn(&expected),
            period = period
        ),
        ValueDoubt::BehindPace { percent, expected } => t!(
            lang,
            "doubt-behind-pace",
            percent = format_vn(&percent),
            expected = format_vn(&expected),
            period = period
        ),
        ValueDoubt::BelowPrevious { previous } => {
            t!(lang, "doubt-below-previous", previous = format_vn(&previous), unit = metric.unit.clone())
        }
    }
}

/// A typed value for a metric: read the Vietnamese way, unit checked, shown back when
/// doubtful, else saved.
pub async fn receive_value(
    turn: Turn<'_>,
    report: i64,
    metric_code: String,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let key = ItemKey::Metric(metric_code.clone());
    let Some(access) = item_access(turn.typed(), report, &key).await? else {
        return Ok(());
    };
    let Some((_, metric)) = access.plan.metric(&metric_code) else {
        anyhow::bail!("metric {metric_code} left the plan")
    };
    let quantity = match Quantity::parse(text) {
        Ok(q) => q,
        Err(e) => {
            turn.say(number_problem(ctx.lang, metric, &e)).await?;
            return Ok(());
        }
    };
    if let Some(unit) = quantity.unit.as_deref().filter(|u| !unit_fits(&metric.unit, u)) {
        turn.say(t!(ctx.lang, "value-wrong-unit", typed = unit.to_owned(), unit = metric.unit.clone()))
            .await?;
        return Ok(());
    }
    let period = access.report.period;
    let previous =
        app.store.last_accepted(&access.report.plan, &access.report.agency, &metric_code, period).await?;
    if let Some(d) = doubt(metric, &quantity, previous, app.max_value_change, period) {
        let shown = Quantity { unit: Some(metric.unit.clone()), ..quantity.clone() }.to_string();
        let rows = vec![vec![
            button(
                t!(ctx.lang, "button-confirm-value"),
                Callback::ConfirmValue { report, metric: metric_code.clone() },
            ),
            button(t!(ctx.lang, "button-retype"), Callback::Retype { report, metric: metric_code.clone() }),
        ]];
        let text = t!(ctx.lang, "doubt-ask", value = shown, why = why(ctx.lang, metric, d, period));
        turn.send(Screen::with(text, keyboard(rows))).await?;
        conv.go(State::ConfirmValue {
            report,
            metric: metric_code.clone(),
            value: quantity.value.to_string(),
            out_of: quantity.out_of.map(|o| o.to_string()),
            seen,
        });
        return Ok(());
    }
    save_value(turn.typed(), access, key, quantity.value, quantity.out_of, seen).await
}

async fn save_value(
    turn: Turn<'_>,
    access: Access,
    key: ItemKey,
    value: Decimal,
    out_of: Option<Decimal>,
    seen: Option<i64>,
) -> HandlerResult {
    let report = access.report.id;
    let Some(saved) = save_seen(turn, report, &key, ItemChange::Value { value, out_of }, seen).await? else {
        return Ok(());
    };
    let lang = turn.ctx.lang;
    saved_then_next(turn, access, &key, |plan| saved_line(lang, plan, &saved)).await
}

/// "Yes, save" on a doubtful value: only valid while that value is the one waiting.
pub async fn confirm_value(turn: Turn<'_>, report: i64, metric: String) -> HandlerResult {
    let Turn { ctx, .. } = turn;
    let waiting = match turn.state() {
        State::ConfirmValue { report: r, metric: m, value, out_of, seen } if *r == report && *m == metric => {
            let parse = |s: &str| Decimal::from_str_exact(s).ok();
            parse(value).map(|v| (v, out_of.as_deref().and_then(parse), *seen))
        }
        _ => None,
    };
    let Some((value, out_of, seen)) = waiting else {
        // A button from an older screen: start the list again.
        turn.say(t!(ctx.lang, "button-stale")).await?;
        return show_menu(turn.typed(), report, 0).await;
    };
    let key = ItemKey::Metric(metric);
    let Some(access) = item_access(turn, report, &key).await? else { return Ok(()) };
    save_value(turn, access, key, value, out_of, seen).await
}

pub async fn retype(turn: Turn<'_>, report: i64, metric: String) -> HandlerResult {
    ask_item(turn, report, ItemKey::Metric(metric)).await
}

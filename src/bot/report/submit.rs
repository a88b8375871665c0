//! Files, the whole report on one screen, sending it, and reopening it.

use teloxide::prelude::*;

use super::items::describe;
use super::{access, agency_name, editable, heading, is_filled, item_label, refuse, round_name, show_menu};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{AppRef, HandlerResult, Turn};
use crate::domain::people::{Lang, Role};
use crate::domain::report::ReportState;
use crate::postman;
use crate::store::{Attachment, ReportRow};
use crate::t;

fn size(bytes: Option<i64>) -> String {
    match bytes {
        Some(b) if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
        Some(b) => format!("{} KB", (b + 1023) / 1024),
        None => "?".to_owned(),
    }
}

fn attachment_line(lang: Lang, a: &Attachment) -> String {
    let name = a.file_name.clone().unwrap_or_else(|| t!(lang, "attachment-photo"));
    format!("📎 {name} ({})", size(a.file_size))
}

/// A document or photo sent during a report: attached as evidence.
pub async fn attach_file(turn: Turn<'_>, msg: &Message) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(report) = ctx.state.report() else {
        turn.say(t!(ctx.lang, "attach-no-report")).await?;
        return Ok(());
    };
    let access = match editable(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn.typed(), denied, report).await,
    };
    let (file_id, unique, name, bytes, mime) = if let Some(d) = msg.document() {
        (
            d.file.id.0.clone(),
            d.file.unique_id.0.clone(),
            d.file_name.clone(),
            Some(i64::from(d.file.size)),
            d.mime_type.as_ref().map(|m| m.to_string()),
        )
    } else if let Some(p) = msg.photo().and_then(|sizes| sizes.iter().max_by_key(|s| s.width * s.height)) {
        (
            p.file.id.0.clone(),
            p.file.unique_id.0.clone(),
            None,
            Some(i64::from(p.file.size)),
            Some("image/jpeg".to_owned()),
        )
    } else {
        return Ok(());
    };
    let who = ctx.person.as_ref().map_or(0, |p| p.id);
    let added = app
        .store
        .add_attachment(
            access.report.id,
            &file_id,
            &unique,
            name.as_deref(),
            bytes,
            mime.as_deref(),
            who,
            ctx.now,
        )
        .await?;
    let shown = name.unwrap_or_else(|| t!(ctx.lang, "attachment-photo"));
    let key = if added { "attach-done" } else { "attach-already" };
    let rows = vec![vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })]];
    turn.send(Screen::with(t!(ctx.lang, key, name = shown, size = size(bytes)), keyboard(rows))).await?;
    Ok(())
}

pub async fn attach_help(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    match editable(app, ctx, report).await? {
        Ok(_) => {
            conv.go(State::Report { report });
            let rows = vec![vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })]];
            turn.show(Screen::with(t!(ctx.lang, "attach-how"), keyboard(rows))).await?;
            Ok(())
        }
        Err(denied) => refuse(turn, denied, report).await,
    }
}

/// The whole report as text: every item and file.
async fn summary(app: &AppRef, lang: Lang, access: &super::Access) -> anyhow::Result<(String, usize, usize)> {
    let (plan, report) = (&access.plan, &access.report);
    let entries = app.store.items(report.id).await?;
    let attachments = app.store.attachments(report.id).await?;
    let mut lines = vec![heading(plan, lang, report, access.deadline.last_day)];
    let mut missing = 0;
    for key in &access.items {
        let label = item_label(plan, lang, key, is_filled(&entries, key));
        match entries.iter().find(|e| &e.key == key && e.is_filled()) {
            Some(e) => lines.push(format!("{label}\n    {}", describe(lang, plan, e))),
            None => {
                missing += 1;
                lines.push(label);
            }
        }
    }
    if !access.items.is_empty() {
        let narrative = app.store.narrative(report.id).await?;
        lines.extend(super::narrative::narrative_lines(lang, &narrative.text));
    }
    for a in &attachments {
        lines.push(attachment_line(lang, a));
    }
    Ok((lines.join("\n"), missing, attachments.len()))
}

/// "Review and send": the whole report on one screen (split when longer than Telegram allows).
pub async fn review(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let access = match access(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn, denied, report).await,
    };
    let (mut text, missing, files) = summary(app, ctx.lang, &access).await?;
    let mut rows = Vec::new();
    if access.report.state.is_editable() {
        text.push_str("\n\n");
        text.push_str(&if missing > 0 {
            t!(ctx.lang, "review-missing", count = missing as i64)
        } else {
            t!(ctx.lang, "review-complete")
        });
        if access.items.is_empty() && files == 0 {
            text.push('\n');
            text.push_str(&t!(ctx.lang, "review-needs-file"));
        } else {
            rows.push(vec![button(t!(ctx.lang, "button-submit"), Callback::Submit { report })]);
        }
        conv.go(State::Review { report });
    }
    rows.push(vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })]);
    turn.show(Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

pub async fn submit(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let access = match editable(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn, denied, report).await,
    };
    let entries = app.store.items(report).await?;
    let files = app.store.attachments(report).await?.len();
    let filled = access.items.iter().filter(|k| is_filled(&entries, k)).count();
    let ready = if access.items.is_empty() { files > 0 } else { filled > 0 };
    if !ready {
        let key = if access.items.is_empty() { "review-needs-file" } else { "review-nothing" };
        return turn.show(Screen::text(t!(ctx.lang, key))).await.map_err(Into::into);
    }
    let who = ctx.person.as_ref().map_or(0, |p| p.id);
    // What the narrative's screen showed (the previous period's, as a prefill) is what goes in.
    if !access.items.is_empty() {
        app.store.keep_narrative_prefill(report, who, ctx.now).await?;
    }
    // The admins' notices are queued with the submission, in one transaction.
    let admins = app.store.people_with_role(Role::Admin).await?;
    let plan = &access.plan;
    let r = &access.report;
    let mails = postman::to_admins(
        format!("submitted:{}:{}", r.id, ctx.now.timestamp_millis()),
        "review",
        &admins,
        |lang| submission_notice(plan, lang, r, filled, access.items.len(), files),
        0,
    );
    let submitted = match app.store.submit_report_and_tell(report, who, ctx.now, &mails, app.wall.now()).await
    {
        Ok(s) => s,
        Err(crate::store::StoreError::Conflict(_)) => {
            return refuse(turn, super::Denied::Locked, report).await;
        }
        Err(e) => return Err(e.into()),
    };
    app.ring();
    conv.go(State::Idle);
    let at = ctx.now.with_timezone(&plan.time_zone).format("%H:%M %d/%m/%Y").to_string();
    let text = t!(
        ctx.lang,
        "submit-done",
        round = round_name(plan, ctx.lang, &submitted.round),
        period = crate::present::period(ctx.lang, submitted.period),
        at = at
    );
    turn.show(Screen::text(text)).await?;
    Ok(())
}

/// What every admin reads when a report comes in, with the review buttons.
fn submission_notice(
    plan: &crate::domain::Plan,
    lang: Lang,
    report: &ReportRow,
    filled: usize,
    total: usize,
    files: usize,
) -> Screen {
    let text = t!(
        lang,
        "admin-report-submitted",
        agency = agency_name(plan, lang, report.agency.as_str()),
        round = round_name(plan, lang, &report.round),
        period = crate::present::period(lang, report.period),
        filled = filled as i64,
        total = total as i64,
        files = files as i64
    );
    let rows = vec![
        vec![button(t!(lang, "button-view"), Callback::View { report: report.id })],
        vec![
            button(t!(lang, "button-accept"), Callback::Accept { report: report.id }),
            button(t!(lang, "button-return"), Callback::Return { report: report.id }),
        ],
    ];
    Screen::with(text, keyboard(rows))
}

/// A submitted report back to draft, by its agency, until it is accepted.
pub async fn reopen(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let access = match access(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn, denied, report).await,
    };
    if access.report.state == ReportState::Submitted {
        let who = ctx.person.as_ref().map_or(0, |p| p.id);
        match app
            .store
            .change_report_state(report, &[ReportState::Submitted], ReportState::Draft, who, None, ctx.now)
            .await
        {
            Ok(_) | Err(crate::store::StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    show_menu(turn, report, 0).await
}

//! Accept, return with a comment, reopen an accepted report, read a report in full.

use super::{Named, still_admin, to_focal_points};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::report::{describe, effective_deadline, heading, item_label};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::people::{Lang, Role};
use crate::domain::report::{MAX_NOTE_CHARS, ReportState, items_for};
use crate::domain::review::FixRequest;
use crate::domain::timeliness::timeliness;
use crate::store::{ReportRow, StoreError};
use crate::{present, t};

fn me(ctx: &Ctx) -> i64 {
    ctx.person.as_ref().map_or(0, |p| p.id)
}

/// The report a button names, or "not found" said (and the tap logged).
async fn named_report(turn: Turn<'_>, id: i64) -> anyhow::Result<Option<ReportRow>> {
    let Turn { app, ctx, .. } = turn;
    if let Some(r) = app.store.report(id).await? {
        return Ok(Some(r));
    }
    let detail = serde_json::json!({"report": id});
    app.store.audit(Some(me(ctx)), Some(ctx.user.id.0 as i64), "unknown_report", detail, ctx.now).await?;
    turn.show(Screen::text(t!(ctx.lang, "review-not-found"))).await?;
    Ok(None)
}

/// Why a review decision does not apply to the report as it is now; nothing changes.
async fn explain(app: &AppRef, lang: Lang, report: &ReportRow) -> anyhow::Result<String> {
    let plan = app.plan_of(report);
    let n = Named::of(&plan, lang, report);
    if report.state == ReportState::Accepted {
        let by = match report.reviewed_by {
            Some(id) => app.store.person_names(&[id]).await?.remove(&id).unwrap_or_default(),
            None => String::new(),
        };
        let at = report.reviewed_at.map(|at| present::local_time(&plan, at)).unwrap_or_default();
        return Ok(t!(
            lang,
            "review-already-accepted",
            round = n.round,
            period = n.period,
            agency = n.agency,
            by = by,
            at = at
        ));
    }
    let state = present::report_state(lang, report.state);
    Ok(t!(lang, "review-not-submitted", round = n.round, period = n.period, agency = n.agency, state = state))
}

pub async fn accept(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(report) = named_report(turn, id).await? else { return Ok(()) };
    let plan = app.plan_of(&report);
    let at = present::local_time(&plan, ctx.now);
    let mails = to_focal_points(
        app,
        &report.agency,
        &format!("accepted:{id}:{}", ctx.now.timestamp_millis()),
        |lang| {
            let n = Named::of(&plan, lang, &report);
            Screen::text(t!(
                lang,
                "review-focal-accepted",
                round = n.round,
                period = n.period,
                agency = n.agency,
                at = at.clone()
            ))
        },
    )
    .await?;
    let changed = app
        .store
        .change_report_state_and_tell(
            id,
            &[ReportState::Submitted],
            ReportState::Accepted,
            me(ctx),
            None,
            ctx.now,
            &mails,
            app.wall.now(),
        )
        .await;
    let accepted = match changed {
        Ok(r) => r,
        Err(StoreError::Conflict(_)) => {
            let now = app.store.report(id).await?.unwrap_or(report);
            turn.show(Screen::text(explain(app, ctx.lang, &now).await?)).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    app.ring();
    let n = Named::of(&plan, ctx.lang, &accepted);
    let rows = vec![
        vec![button(t!(ctx.lang, "button-view"), Callback::View { report: id })],
        vec![button(t!(ctx.lang, "button-admin-reopen"), Callback::AdminReopen { report: id })],
    ];
    let text = t!(ctx.lang, "review-accepted-done", round = n.round, period = n.period, agency = n.agency);
    turn.show(Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

/// "Trả lại": the items to fix may be marked, each with its comment, and a general comment
/// typed; nothing changes until the report goes back.
pub async fn ask_return_comment(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(report) = named_report(turn, id).await? else { return Ok(()) };
    if report.state != ReportState::Submitted {
        turn.show(Screen::text(explain(app, ctx.lang, &report).await?)).await?;
        return Ok(());
    }
    let screen = super::fixes::return_screen(app, ctx.lang, &report, &[]).await?;
    turn.send(screen).await?;
    conv.go(State::ReturnComment { report: id, marks: vec![] });
    Ok(())
}

/// The general comment, typed: the report goes back with it and the items marked.
pub async fn receive_return_comment(
    turn: Turn<'_>,
    id: i64,
    marks: Vec<FixRequest>,
    text: &str,
) -> HandlerResult {
    let Turn { ctx, .. } = turn;
    if !still_admin(turn).await? {
        return Ok(());
    }
    let comment = crate::domain::text::clean(text).unwrap_or_default();
    if comment.is_empty() {
        turn.say(t!(ctx.lang, "review-comment-empty")).await?;
        return Ok(());
    }
    let length = comment.chars().count();
    if length > MAX_NOTE_CHARS {
        turn.say(t!(ctx.lang, "note-too-long", length = length as i64, max = MAX_NOTE_CHARS as i64)).await?;
        return Ok(());
    }
    send_back(turn, id, Some(comment), marks).await
}

/// Returns the report with a general comment and the items to fix, telling its focal points
/// (in the same transaction), and says so.
pub(super) async fn send_back(
    turn: Turn<'_>,
    id: i64,
    comment: Option<String>,
    marks: Vec<FixRequest>,
) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(report) = app.store.report(id).await? else {
        conv.go(State::Idle);
        turn.say(t!(ctx.lang, "review-not-found")).await?;
        return Ok(());
    };
    let plan = app.plan_of(&report);
    let items_text = |lang| super::fixes::fix_lines(&plan, lang, &marks);
    let mails = to_focal_points(
        app,
        &report.agency,
        &format!("returned:{id}:{}", ctx.now.timestamp_millis()),
        |lang| {
            let n = Named::of(&plan, lang, &report);
            let mut text = match comment.as_ref() {
                Some(c) => t!(
                    lang,
                    "review-focal-returned",
                    round = n.round,
                    period = n.period,
                    agency = n.agency,
                    comment = c.clone()
                ),
                None => t!(
                    lang,
                    "review-focal-returned-items",
                    round = n.round,
                    period = n.period,
                    agency = n.agency
                ),
            };
            text.push_str(&items_text(lang));
            let open = button(t!(lang, "button-open-report"), Callback::Open { report: id });
            Screen::with(text, keyboard(vec![vec![open]]))
        },
    )
    .await?;
    let changed = app
        .store
        .return_report(id, me(ctx), comment.as_deref(), &marks, ctx.now, &mails, app.wall.now())
        .await;
    conv.go(State::Idle);
    let returned = match changed {
        Ok(r) => r,
        Err(StoreError::Conflict(_)) | Err(StoreError::NotFound(_)) => {
            let text = match app.store.report(id).await? {
                Some(now) => explain(app, ctx.lang, &now).await?,
                None => t!(ctx.lang, "review-not-found"),
            };
            turn.say(text).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    app.ring();
    let n = Named::of(&plan, ctx.lang, &returned);
    let mut done = match comment.as_ref() {
        Some(c) => t!(
            ctx.lang,
            "review-returned-done",
            round = n.round,
            period = n.period,
            agency = n.agency,
            comment = c.clone()
        ),
        None => {
            t!(ctx.lang, "review-returned-items-done", round = n.round, period = n.period, agency = n.agency)
        }
    };
    done.push_str(&items_text(ctx.lang));
    let view = keyboard(vec![vec![button(t!(ctx.lang, "button-view"), Callback::View { report: id })]]);
    turn.send(Screen::with(done, view)).await?;
    Ok(())
}

/// An accepted report back to its agency for corrections; only an admin may, and the history
/// records who and when.
pub async fn admin_reopen(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(report) = named_report(turn, id).await? else { return Ok(()) };
    let plan = app.plan_of(&report);
    let mails = to_focal_points(
        app,
        &report.agency,
        &format!("reopened:{id}:{}", ctx.now.timestamp_millis()),
        |lang| {
            let n = Named::of(&plan, lang, &report);
            let text =
                t!(lang, "review-focal-reopened", round = n.round, period = n.period, agency = n.agency);
            let open = button(t!(lang, "button-open-report"), Callback::Open { report: id });
            Screen::with(text, keyboard(vec![vec![open]]))
        },
    )
    .await?;
    let changed = app
        .store
        .change_report_state_and_tell(
            id,
            &[ReportState::Accepted],
            ReportState::Draft,
            me(ctx),
            None,
            ctx.now,
            &mails,
            app.wall.now(),
        )
        .await;
    let reopened = match changed {
        Ok(r) => r,
        Err(StoreError::Conflict(_)) => {
            let now = app.store.report(id).await?.unwrap_or(report);
            let n = Named::of(&plan, ctx.lang, &now);
            let state = present::report_state(ctx.lang, now.state);
            let text = t!(
                ctx.lang,
                "review-reopen-not-accepted",
                round = n.round,
                period = n.period,
                agency = n.agency,
                state = state
            );
            turn.show(Screen::text(text)).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    app.ring();
    let n = Named::of(&plan, ctx.lang, &reopened);
    let text = t!(ctx.lang, "review-reopened-done", round = n.round, period = n.period, agency = n.agency);
    turn.show(Screen::text(text)).await?;
    Ok(())
}

/// The whole report for an admin or a leader, in new messages (split when long); an admin gets
/// the decisions its state allows.
pub async fn view(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(report) = named_report(turn, id).await? else { return Ok(()) };
    let plan = app.plan_of(&report);
    let lang = ctx.lang;
    let Some(deadline) = effective_deadline(&plan, &report) else {
        turn.show(Screen::text(t!(lang, "review-not-found"))).await?;
        return Ok(());
    };
    let mut lines = vec![heading(&plan, lang, &report, deadline.last_day)];
    lines.push(t!(lang, "review-view-state", state = present::report_state(lang, report.state)));
    if let Some(at) = report.first_submitted_at.filter(|_| report.state.is_handed_in()) {
        let status = present::timeliness(lang, timeliness(&plan, &deadline, Some(at), ctx.now));
        lines.push(t!(lang, "review-view-submitted", at = present::local_time(&plan, at), status = status));
    }
    if let (Some(by), Some(at)) = (report.reviewed_by, report.reviewed_at) {
        let name = app.store.person_names(&[by]).await?.remove(&by).unwrap_or_default();
        lines.push(t!(lang, "review-view-reviewed", by = name, at = present::local_time(&plan, at)));
    }
    if let Some(comment) = report.review_comment.as_ref().filter(|_| report.state == ReportState::Returned) {
        lines.push(t!(lang, "review-view-comment", comment = comment.clone()));
    }
    let entries = app.store.items(id).await?;
    // Shown with the words and targets they answered, saying which version when not this one.
    let answered = crate::answered::answered(&app.store, &plan, &entries.iter().collect::<Vec<_>>()).await?;
    if let Some(under) = crate::answered::answered_under(lang, &plan, &answered.versions) {
        lines.push(under);
    }
    let plan = answered.plan;
    lines.push(String::new());
    let keys = plan.round(&report.round).map(|r| items_for(&plan, r, &report.agency)).unwrap_or_default();
    for key in &keys {
        let entry = entries.iter().find(|e| &e.key == key && e.is_filled());
        lines.push(item_label(&plan, lang, key, entry.is_some()));
        if let Some(e) = entry {
            lines.push(format!("    {}", describe(lang, &plan, e)));
        }
    }
    let narrative = app.store.narrative(id).await?;
    if narrative.version > 0 {
        lines.extend(crate::bot::report::narrative_lines(lang, &narrative.text));
    }
    for a in app.store.attachments(id).await? {
        lines.push(format!("📎 {}", a.file_name.unwrap_or_else(|| t!(lang, "attachment-photo"))));
    }
    let rows = match report.state {
        ReportState::Submitted if ctx.is(Role::Admin) => vec![vec![
            button(t!(lang, "button-accept"), Callback::Accept { report: id }),
            button(t!(lang, "button-return"), Callback::Return { report: id }),
        ]],
        ReportState::Accepted if ctx.is(Role::Admin) => {
            vec![vec![button(t!(lang, "button-admin-reopen"), Callback::AdminReopen { report: id })]]
        }
        _ => vec![],
    };
    let screen = if rows.is_empty() {
        Screen::text(lines.join("\n"))
    } else {
        Screen::with(lines.join("\n"), keyboard(rows))
    };
    turn.send(screen).await?;
    Ok(())
}

## Review by the planning department

review-not-found = This report was not found.
review-accepted-done = ✅ Accepted { $round } { $period } of { $agency }. The report is locked; the agency was told.
review-already-accepted = { $round } { $period } of { $agency } was already accepted by { $by } at { $at }. Nothing changed.
review-not-submitted = { $round } { $period } of { $agency } is { $state } and has not been sent again, so it cannot be reviewed. Nothing changed.
review-ask-comment = ↩️ Returning { $round } { $period } of { $agency }. Type your comment for the agency (what to correct); type /cancel to stop.
review-comment-empty = Please type a comment for the agency; the report has not been returned.
review-returned-done = ↩️ Returned { $round } { $period } to { $agency } with the comment:
    "{ $comment }"
review-reopened-done = 🔓 Reopened { $round } { $period } of { $agency } for corrections. This is recorded in the report's history.
review-reopen-not-accepted = { $round } { $period } of { $agency } is { $state }; only an accepted report is reopened. Nothing changed.
review-focal-accepted = ✅ { $round } { $period } of { $agency } was accepted by the Department of Planning and Investment at { $at }. The report is locked.
review-focal-returned = ↩️ { $round } { $period } of { $agency } was returned by the Department of Planning and Investment with the comment:
    "{ $comment }"
    Tap the button below to correct it and send it again.
review-focal-reopened = 🔓 The Department of Planning and Investment reopened { $round } { $period } of { $agency } for corrections. Tap the button below, correct it and send it again.
review-view-state = State: { $state }
review-view-submitted = Sent at { $at } ({ $status })
review-view-comment = Comment when returned: "{ $comment }"
review-view-reviewed = Reviewed: { $by }, { $at }
button-open-report = ✏️ Open the report to correct it
button-admin-reopen = 🔓 Reopen for corrections

## History

history-usage = Usage: /history <AGENCY CODE> <item> [period], e.g. /history SYT 13.1 or /history SYT 16.a 2022-Q1.
history-item-not-found = { $agency } does not report item "{ $item }" in { $round }. Type a task code (16.a), a metric code (13.1) or a qualitative indicator's number (17).
history-no-report = { $agency } has not opened { $round } { $period }.
history-heading = 🕘 History of { $item } — { $agency } — { $round } { $period }
history-values = Values:
history-value-line = • { $at } — { $person }: { $before } → { $after }
history-no-values = • Nobody has filled in this item.
history-decisions = Sending and review:
history-submitted = • { $at } — { $person }: sent the report
history-accepted = • { $at } — { $person }: accepted
history-returned = • { $at } — { $person }: returned, comment "{ $comment }"
history-reopened = • { $at } — { $person }: reopened for corrections
history-no-decisions = • Never sent.
history-empty-value = (empty)

## Deadline extensions

extend-usage = Usage: /extend <AGENCY CODE> <period> <new last day>, e.g. /extend SYT 2022-Q1 21/03/2022.
extend-bad-period = "{ $typed }" is not a reporting period. Write it as 2022-Q1 (a quarter) or 2022 (the action programme).
extend-bad-date = "{ $typed }" is not a date. Write it as 21/03/2022.
extend-not-recipient = { $agency } does not report in { $round }.
extend-not-later = The last day of { $round } { $period } is { $last_day }; the new one must be later.
extend-ask-reason = ⏳ Extending { $round } { $period } for { $agency }: last day { $last_day } → { $new_day }. Type the reason; type /cancel to stop.
extend-reason-empty = Please type the reason; the deadline has not changed.
extend-stale = This extension request is no longer valid. Please type /extend again.
extend-done = ✅ Extended { $round } { $period } for { $agency } to { $new_day }. Reason: { $reason }. The agency's focal points were told.
extend-focal = ⏳ { $agency } may send { $round } { $period } until the end of { $new_day }. Reason: { $reason }

## Broadcasts

broadcast-ask = Type the notice to send to every focal point; type /cancel to stop.
broadcast-too-long = The notice is { $length } characters long, over the limit of { $max }. Please shorten it and send it again.
broadcast-nobody = No focal point has joined the bot yet, so the notice cannot be sent.
broadcast-preview = 📢 Preview of the notice to { $count } focal points:

    { $text }

    Tap "Send" to send it, or /cancel to stop.
broadcast-nothing = No notice is waiting to be sent. Type /broadcast to write one.
broadcast-message = 📢 Notice from the Department of Planning and Investment:
    { $text }
button-send-broadcast = 📨 Send
cancel-nothing-changed = Stopped; nothing changed.

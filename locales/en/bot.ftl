## Joining, help, language

join-how = You have not joined this bot yet. Ask an administrator (Department of Planning and Investment) for an invite link, then tap it.
join-unknown = This invite code is not valid. Tap the exact link you were sent, or ask for a new one.
join-used = This invite has already been used. Each link works once; ask for a new one.
join-expired = This invite has expired. Ask an administrator for a new link.
join-welcome-focal = Hello { $name }! You are the focal point of { $agency } for Plan { $plan }. Type /report to report progress; the bot will remind you before every deadline.
join-welcome-leader = Hello { $name }! You can follow Plan { $plan }: /status for the overall picture, /indicator for one indicator, /agency for one agency, /overdue for agencies past their deadline, /export for the consolidated report (Excel, Word).
join-welcome-admin = Hello { $name }! You administer Plan { $plan }: /invite makes invite links, /people lists people, /status shows the picture, /export gives the consolidated report.
help = { $step }

    Commands:
    { $commands }
help-idle = Type one of the commands below to start.
help-choose-round = Several reporting rounds are open. Tap the one you want to report on.
help-report = Tap an item to fill it in. Send a file (PDF, Word, photo) at any time to attach it. Tap "Review and send" when done.
help-task-status = Tap one of the task's status buttons.
help-task-percent = Tap a percent, or type a number from 0 to 100, e.g. 60.
help-note = Type a short note, or tap "« List" to leave it.
help-metric-value = Type the value the Vietnamese way: a dot between thousands, a comma for decimals, e.g. 1.234,5.
help-confirm-value = Tap "Yes, save" if the value is right, or type another value.
help-narrative = Type how the indicator went in this period.
help-review = Check the report, then tap "Send report".
help-return-comment = Type why the report is returned; the agency will get this comment.
help-extension-reason = Type the reason for the extension.
help-broadcast = Type the notice to send to every focal point.
cancel-idle = Nothing is in progress.
cancel-report = Stopped. Everything you saved is kept; type /report to continue.
language-set = Switched to English.
language-usage = Type /language vi for Vietnamese or /language en for English.
unknown-command = There is no /{ $command } command. Type /help to see the commands.
private-only = Please message the bot privately: https://t.me/{ $bot }
edited-ignored = The bot does not read edited messages. Please send the content again as a new message.
unsupported-message = The bot reads only text, numbers, files and photos. { $step }
use-buttons = Please choose with the buttons in the message above.
idle-focal = Type /report to report progress.
idle-reader = Type /help to see the commands.
only-focal = This command is for agencies' focal points.
only-leader = This command is for leaders and administrators.
only-admin = This command is for administrators.
error-try-again = Sorry, something went wrong. Nothing you saved before was lost; please try again in a few minutes.
error-disk-full = The server is out of storage, so this was not saved. Nothing saved before was lost; the administrators know, please try again later.
restart = The bot was updated, so the report has to be opened again. Everything you saved is kept.
button-stale = This button is out of date. Here is the current report:

## Menus

menu-start = Start, join with an invite code
menu-help = Help and commands
menu-cancel = Stop the current step
menu-language = Change language (Tiếng Việt/English)
menu-report = Report your agency's progress
menu-status = Overall status of the current period
menu-indicator = One indicator against its target
menu-agency = One agency's report
menu-overdue = Agencies past their deadline
menu-export = Export the consolidated report (Excel)
menu-invite = Make an invite link
menu-people = List people
menu-remove = Remove a person
menu-extend = Extend an agency's deadline
menu-broadcast = Send a notice to all focal points
menu-history = History of a report item
role-focal = focal point
role-leader = leader
role-admin = administrator

## Invites and people

invite-usage = Usage: /invite <AGENCY CODE> [validity], e.g. /invite SYT 7d for the health department's focal point; /invite leader for a leader; /invite admin for an administrator.
invite-unknown-word = "{ $word }" is not understood. { invite-usage }
invite-made = Invite for { $who }, single use, expires at { $expires }:
    { $link }
people-header = People ({ $count }):
people-line = #{ $id } { $name } — { $role }, { $agency }
people-none = Nobody has joined yet.
people-remove-button = Remove { $name }
people-ask-remove = Remove { $name } from the bot? They will lose every right.
people-confirm-remove = Confirm removal
people-removed = Removed { $name }.
people-not-found = This person was not found.
people-not-yourself = You cannot remove yourself.
remove-usage = Usage: /remove <number>, the number from /people, e.g. /remove 12.
agency-not-found = No agency matches "{ $query }". Type its code (e.g. SYT) or a few letters of its name.

## The report

report-none-open = No reporting round is open now.
report-none-open-next = No reporting round is open now. Next: { $round } { $period }, opening { $opens }.
report-closed = This reporting period is closed. Type /report to see the open ones.
report-forbidden = You have no right to this report. Type /report to open your agency's report.
report-heading = 📋 { $round } { $period }
    { $agency }
    Last day: { $last_day }
report-progress = { $filled }/{ $total } items filled in, { $files } files attached.
report-progress-document = Files attached: { $files }.
report-hint = Tap an item to fill it in. Send a file at any time to attach it.
report-hint-document = Send the document (PDF, Word) here to attach it, then tap "Review and send".
report-submitted-at = ✅ Sent at { $at }. You can still reopen it to make changes until the Department of Planning and Investment accepts it.
report-accepted-at = 🔒 Accepted at { $at }; the report can no longer be changed.
report-returned = ↩️ The report was returned: "{ $comment }". Please correct it and send it again.
button-previous = ◀ Previous
button-next = Next ▶
button-attach = 📎 Attach a file
button-review = 📝 Review and send
button-back = « List
button-no-change = ↺ No change
button-wording = 📖 Full text
button-skip = Skip
button-confirm-value = ✅ Yes, save
button-retype = ✏️ Type again
button-submit = 📨 Send report
button-reopen = ✏️ Reopen to edit
button-view = 📄 View report
button-accept = ✅ Accept
button-return = ↩️ Return
status-not-started = Not started
status-in-progress = In progress
status-done = Done
status-blocked = Blocked
task-heading = Task { $code }: { $text }
task-ask-status = Choose a status (🔄: in progress, with how much is done):
task-ask-percent = { $code }: { $status }. How much is done? Tap a button or type a number from 0 to 100.
task-bad-percent = "{ $typed }" is not a percentage. Type a number from 0 to 100, e.g. 60.
task-wording = Task { $code } ({ $agencies }):
    { $text }
item-current = Entered: { $value }
item-ask-note = Type the note on { $code } (at most { $max } characters).
note-too-long = The text is { $length } characters long, over the limit of { $max }. Please shorten it and send it again.
no-change-nothing = There is no earlier report for this item, so there is nothing to keep. Please fill it in.
metric-heading = Metric { $code }: { $name }
    Target for the year: { $direction } { $target } { $unit } ("{ $wording }")
metric-previous = Last period (accepted): { $value } { $unit }
narrative-heading = Indicator ({ $number }) { $name }:
    "{ $text }"
narrative-ask = Type how it went in this period (at most { $max } characters).
value-ambiguous = "{ $typed }" could be { $first } or { $second }. The bot does not guess: please type it again, with a comma for decimals ({ $first }) and a dot between thousands.
value-malformed-suggest = "{ $typed }" cannot be read. Did you mean { $suggestion }? Please type it the Vietnamese way, e.g. { $suggestion }.
value-too-long = The value is longer than { $max } characters. Type only the number, e.g. 1.234,5.
value-unreadable = A number is needed, e.g. { $example } (a dot between thousands, a comma for decimals).
value-wrong-unit = This metric's unit is "{ $unit }", not "{ $typed }". Please type the number in { $unit }.
doubt-ask = You typed { $value }. { $why } Is it right?
doubt-large-change = It changes by { $change }% from the last period ({ $previous }).
doubt-far-from-target = It is { $percent }% of the year's target ({ $target }), which is unusual.
doubt-out-of-bounds = It is outside the sensible range for { $unit }.
attach-how = Send a file (PDF, Word, Excel) or a photo in this chat; the bot attaches it to the report.
attach-no-report = The file was not attached because no report is open. Type /report, then send the file again.
attach-done = 📎 Attached "{ $name }" ({ $size }) to the report.
attach-already = "{ $name }" ({ $size }) was already attached.
attachment-photo = photo
review-missing = { $count } items are still empty. You can send anyway, or go back and fill them in.
review-complete = Every item is filled in.
review-needs-file = This report needs at least one attached file. Send the file before sending the report.
review-nothing = Nothing is filled in yet, so it cannot be sent. Tap an item to fill it in.
submit-done = ✅ Sent { $round } { $period } at { $at }. The Department of Planning and Investment will review it; you will be told the outcome.
admin-report-submitted = 📥 { $agency } sent { $round } { $period }: { $filled }/{ $total } items, { $files } files.

# Phone-first (issue 11) and the chat side of issue 10: a report in few taps, short messages to
# leaders and admins, names family name first, narratives, item-by-item review.

## Opening a report

report-open-overdue = ⚠️ This report is { $days } days overdue (last day { $last_day }).
report-open-done = ✅ { $round } { $period }: { $state }.
button-other-round = ↪ { $round } { $period }
other-round-overdue = ⚠️ { $days } days overdue
report-all-filled = Every item is filled in. Tap "Review and send" when ready.
report-returned-items = ↩️ The report was returned; these items need fixing:
report-fix-line = { $mark } { $item }: "{ $comment }"

## One item after another

item-screen-heading = 📋 { $round } { $period } · { $filled }/{ $total } filled in
item-saved-value = ✅ Saved { $code }: { $value }
item-kept = ✅ { $code } kept as last period: { $value }
item-previous = Last period ({ $period }): { $value }
item-fix-asked = ❗ The planning department asks to fix: "{ $comment }"
item-note-current = Current note: { $note }
item-note-saved = ✅ Saved the note on { $code }.
button-add-note = 📝 Note on { $code }
button-status-done = ✅ Done
button-status-not-started = ⏸ Not started
button-status-blocked = ⚠️ Blocked
button-in-progress-percent = 🔄 { $percent }%
button-in-progress-other = 🔄 %…
button-percent-unknown = % unknown
task-ask-blocked-note = ⚠️ { $code }: what blocks it? Type it (required, at most { $max } characters); nothing is saved until you do.
value-meaning-cumulative = the cumulative figure from January to the end of { $period }
value-meaning-flow = the figure of { $period } alone
value-meaning-level = the level at the end of { $period }
value-ask = Type { $meaning } ({ $unit }), e.g. { $example }.
doubt-whole-year = This value is already { $percent }% of the whole year's target at the end of { $period }: is it the year's figure, or the plan?
doubt-ahead-of-pace = This value is { $percent }% of the year's target, while about { $expected }% is expected by the end of { $period }.
doubt-behind-pace = This value is only { $percent }% of the year's target, while about { $expected }% is expected by the end of { $period }.
doubt-below-previous = This cumulative figure is lower than last period's ({ $previous } { $unit }), while a cumulative figure only grows during the year.
no-change-cumulative = This metric is cumulative and grows every period, so last period's figure cannot be kept. Please type the new one.

## All the rest unchanged

keep-all-preview = ↺ Last period ({ $period }) answered { $count } items still empty here that can be kept:
keep-all-line = • { $code }: { $value }
keep-all-more = … and { $count } more.
button-keep-all = ↺ Keep these { $count } items
keep-all-done = ✅ Kept { $count } items as last period.
keep-all-skipped = { $count } items a colleague just filled in stay as they put them.

## The report's narrative

button-narrative = 🗒 The agency's assessment ({ $filled }/4)
narrative-title = 🗒 The agency's assessment, { $period } (optional):
narrative-prefilled = (Prefilled from { $period }: change what is different.)
narrative-line = • { $part }: { $text }
narrative-empty = (empty)
narrative-hint = Tap a part to type a new text.
narrative-part-results = Results
narrative-part-shortcomings = Shortcomings
narrative-part-causes = Causes
narrative-part-proposals = Proposals
button-narrative-results = ✏️ Results
button-narrative-shortcomings = ✏️ Shortcomings
button-narrative-causes = ✏️ Causes
button-narrative-proposals = ✏️ Proposals
narrative-part-ask = Type the "{ $part }" part (at most { $max } characters).
narrative-current = Now: { $text }
button-clear-part = 🗑 Clear this part
narrative-saved = ✅ Saved "{ $part }".
narrative-cleared = ✅ Cleared "{ $part }".
narrative-changed-meanwhile = ⚠️ { $by } just changed this assessment, so yours was not saved, to overwrite nothing. Look again and type it again if needed.
narrative-read-heading = 🗒 The agency's assessment:
help-narrative-part = Type the text of this part, or /cancel.
help-blocked-note = Type what blocks the task; "Blocked" is saved only with it.

## Names

join-ask-name = The bot will write your name as "{ $name }" in reports. If that is not right, type your full name (family name first, e.g. Trần Thị Lan); change it later with /name.
button-keep-name = ✅ Right: { $name }
name-ask = Your name is now "{ $name }". Type your full name (family name first, e.g. Trần Thị Lan).
name-bad = Please type your full name (at most 64 characters), e.g. Trần Thị Lan.
name-saved = ✅ The bot will write your name as "{ $name }".
menu-name = Change the name shown for you
help-ask-name = Type your full name, family name first.
button-old = This button is old; nothing changed.

## Item-by-item review

review-focal-returned-items = ↩️ The planning department returned { $round } { $period } of { $agency }, to fix:
review-returned-items-done = ↩️ Returned { $round } { $period } to { $agency }, to fix:
review-fix-line = • { $item }: "{ $comment }"
button-return-marked = ↩️ Return with { $count } items to fix
review-ask-fix-comment = Type the comment on { $item } (what to fix, at most { $max } characters).
help-return-item = Type the comment on the item to fix, or /cancel.
history-returned-this-item = • { $at } — { $person }: returned, asking to fix this item ({ $count } items): "{ $comment }"
history-returned-other-items = • { $at } — { $person }: returned, asking to fix other items: { $items }

## Short messages to leaders and admins

names-and-more = { $names } and { $count } more agencies
notice-unreachable-none = • { $count } agencies have no focal point in the bot (send an invite with /invite): { $agencies }
notice-unreachable-blocked = • { $count } agencies whose focal points all blocked the bot (call them): { $agencies }
notice-escalated-name = { $agency } ({ $days } days)
button-full-list = 📋 Full list of { $count } agencies
digest-escalated-count = ⚠️ { $count } agencies are many days overdue.
button-missing-list = 📋 Not handed in, { $period } ({ $count })
overdue-counts = ✅ reachable { $reachable } · ⛔ focal points blocked the bot { $blocked } · ⚠️ no focal point { $nobody }
overdue-no-focal-hint-leader = ⚠️ Agencies with no focal point: the administrators will send them invites; you may call them.
unreachable-line = • { $agency } — { $focal }
list-missing-heading = 📋 Not handed in, { $round } { $period }: { $count } agencies (page { $page }/{ $pages })
list-unreachable-heading = ☎️ Not reachable for { $round } { $period }: { $count } agencies (page { $page }/{ $pages })
agency-tasks = Tasks ({ $total }): ✅ done { $done } · 🔄 in progress { $in_progress } · ⚠️ blocked { $blocked } · ⏸ not started { $not_started } · ⬜ not reported { $missing }
agency-blocked-line = ⚠️ { $item }: { $note }
agency-more-items = … and { $count } more metrics: tap "View report".
agency-year-round = • { $round }: { $periods }
agency-year-legend = (✅ on time · ⏰ late, days · ❌ not handed in · ⏳ not due yet)
indicator-who-again = { $person } · { $at }
indicator-no-value-again = No figure handed in yet.
agency-year-extended-to = (extended to { $last_day })
people-page = Page { $page }/{ $pages }:

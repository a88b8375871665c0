## Labels shared by the leaders' screens, the charts and the workbook

timeliness-on-time = On time
timeliness-late = { $days } days late
timeliness-missing = Missing
timeliness-pending = Not yet due
direction-at-least = At least
direction-at-most = At most
direction-reduce-by = Reduce by
state-draft = being prepared
state-submitted = sent, awaiting review
state-accepted = accepted
state-returned = returned for corrections
progress-on-track = 🟢 on track
progress-behind = 🔴 behind

## /status

status-none-open = No reporting round is open now.
status-heading = 📊 Plan { $plan }: where things stand
    { $round } { $period }, last day { $last_day }
status-agencies = Agencies ({ $total }): ✅ on time { $on_time } · ⏰ late { $late } · ❌ missing { $missing } · ⏳ not yet due { $pending }
status-rates = Reporting rate { $reporting }%, on time { $punctual }%.
status-metrics = Metrics ({ $total }): 🟢 on track { $on_track } · 🔴 behind { $behind } · ⚪ not reported { $not_reported }
status-metrics-rule = (Amounts that build up over the year, such as revenue or jobs, are compared with the share of the target for the time gone by; rates and shares with the whole year's target.)
status-others = Other open periods:
status-other-line = • { $round } { $period } (last day { $last_day }): reported { $reporting }%, on time { $punctual }%, missing { $missing }
button-timeliness-chart = 📊 Reporting chart
button-export = 📥 Export to Excel

## /indicator

indicator-usage = Type /indicator with a number (1–18) or a few words of the indicator's name, e.g. /indicator 5 or /indicator revenue. Or choose:
indicator-not-found = No indicator matches "{ $query }". Type a number from 1 to 18 or a few words of its name, e.g. /indicator revenue.
indicator-choose = { $count } indicators match "{ $query }". Choose one:
indicator-heading = 📈 ({ $number }) { $name }
indicator-metric = { $code } { $name } — year's target: { $direction } { $target }
indicator-latest = { $period }: { $value } · { $bar } { $progress }
indicator-previous = Previous period ({ $period }): { $value }
indicator-previous-none = Previous period ({ $period }): not reported
indicator-who = { $agency } · { $person } · { $at }
indicator-no-value = No figure handed in yet ({ $agency }).
indicator-qualitative = Qualitative indicator, reported in words.
indicator-narrative = { $agency } ({ $period }, { $person } · { $at }):
    "{ $text }"
indicator-no-narrative = No assessment handed in yet.
indicator-someone = unknown
button-indicator-chart = 📊 Chart
chart-indicator-title = ({ $number }) { $name }: achieved against the { $year } target
chart-y-label = % of target
chart-target-label = Target (100%)
chart-no-data = No figures handed in yet
chart-indicator-caption = ({ $number }) { $name }: one line per metric, as a percent of the year's target.
chart-timeliness-title = { $round }, { $period } (last day { $last_day })
chart-on-time = On time
chart-late = Late
chart-missing = Missing
chart-not-due = Not yet due
chart-days-late = Days late
chart-timeliness-caption = { $round }, { $period }: on time { $on_time }, late { $late }, missing { $missing }, not yet due { $pending }.
chart-too-many = Too many agencies to draw in one picture. Please see the Excel file (/export).
chart-no-period = This reporting period was not found.

## /agency

agency-usage = Type /agency with an agency code or a few words of its name, e.g. /agency SYT or /agency health.
agency-choose = { $count } agencies match "{ $query }". Choose one:
agency-heading = 🏢 { $name } ({ $code })
agency-focal = Focal points: { $people }
agency-no-focal = ⚠️ No focal point has joined the bot.
agency-latest = 📋 { $round } { $period }: { $state }, sent at { $at }
agency-no-report = No report handed in yet.
agency-item-missing = not reported
agency-files = 📎 { $count } attached files
agency-in-progress = ✏️ { $round } { $period }: { $state }.
agency-year = Reports in { $year }:

## /overdue

overdue-none = ✅ No agency is past its deadline in the open periods.
overdue-heading = ⏰ { $count } agencies overdue for { $round } { $period } (last day { $last_day }, { $days } days ago):
overdue-line = • { $agency }: { $days } days overdue — { $focal }
overdue-line-extended = • { $agency }: { $days } days overdue, extended to { $last_day } — { $focal }
overdue-focal-reachable = ✅ { $name }
overdue-focal-blocked = ⛔ { $name } (blocked the bot)
overdue-no-focal = ⚠️ no focal point
overdue-no-focal-hint = ⚠️ Agencies without a focal point: phone them and send an invite (/invite).
overdue-blocked-hint = ⛔ Focal points who blocked the bot get no reminders: phone them.

## /export

export-usage = Type /export with a period, e.g. /export 2022-Q1, or choose a period:
export-bad-period = "{ $typed }" is not a reporting period. Write it as 2022-Q1 (a quarter) or 2022 (the year).
export-unknown-period = The plan has no reporting period { $period }.
export-nothing-yet = No reporting period to export yet.
export-caption = 📥 Consolidated report of Plan { $plan }, period { $period }: { $reported }/{ $metrics } metrics with figures, { $handed_in }/{ $agencies } agencies reported.
export-csv-caption = The same figures as CSV (UTF-8) for spreadsheets and scripts.
export-indicators-sheet = Indicators
export-timeliness-sheet = Reporting timeliness
export-report-title = PROGRESS REPORT ON PLAN { $plan }
export-indicators-heading = Key indicators
export-timeliness-heading = Agencies' reporting
export-period-label = Period
export-generated-label = Generated
export-not-reported = Not reported
export-narrative = Assessment
export-h-number = No.
export-h-indicator = Indicator
export-h-code = Code
export-h-metric = Metric
export-h-unit = Unit
export-h-target = Target
export-h-target-out-of = Out of
export-h-value = Achieved
export-h-percent-of-target = % of target
export-h-direction = Requirement
export-h-reporting-agency = Reporting agency
export-h-reported-at = Reported at
export-h-note = Note
export-h-task-code = Item
export-h-task = Task
export-h-task-agency = Agency in charge
export-h-status = Status
export-h-percent-done = % done
export-h-updated-at = Updated
export-h-agency-code = Agency code
export-h-agency = Agency
export-h-last-day = Last day
export-h-extended-to = Extended to
export-h-submitted-at = Sent at
export-h-days-late = Days late

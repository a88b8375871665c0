reminder = ⏰ Reminder: { $round } { $period }
    { $agency }
    { $when }
    { $missing }
reminder-before = Last day: { $last_day }, { $days } days left.
reminder-today = Today is the last day: { $last_day }.
reminder-overdue = { $days } days overdue (last day { $last_day }). Please send the report soon.
reminder-missing-none = Every item is filled in; only "Send report" is left.
reminder-missing-few = { $count } items still empty: { $items }.
reminder-missing-many = { $count } items still empty: { $items } and { $more } more.
reminder-missing-document = The document for this period has not been sent yet.
button-report-now = 📝 Report now
notice-blocked = ⛔ { $name } ({ $agency }) blocked the bot and no longer gets reminders. The agency has { $left } focal points left who can be reached.
digest-weekly = 📊 Weekly digest { $week }, Plan { $plan }
digest-after-deadline = 📊 Deadline passed: { $round } { $period }, Plan { $plan }
digest-period = { $round } { $period } (last day { $last_day }): on time { $on_time }, late { $late }, missing { $missing }, not yet due { $pending }. Reporting rate { $reporting }%, on time { $punctual }%.
digest-missing = Missing: { $agencies }
digest-nothing-open = No reporting round is open.
notice-unreachable = ☎️ { $count } agencies cannot be reminded of { $round } { $period } (due { $last_day }):
notice-escalated = ⚠️ { $count } agencies still have not handed in { $round } { $period } (last day { $last_day }); working days past it:
